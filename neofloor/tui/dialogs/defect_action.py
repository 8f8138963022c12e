"""The actions on a logged defect: the question each asks first, and the service call that writes it.

Repair (what was done), verify, reject back to open (why) and cancel a defect logged in
error (why). Who may do what is the services' to say; a refusal writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from neofloor.tui.dialogs.note import NoteDialog
from neofloor.tui.widgets.defect_table import zone_words

if TYPE_CHECKING:
    from neofloor.services.quality import DefectRecord
    from neofloor.store.engine import Database

# What each defect action needs the defect to be, and how it is said once done.
DEFECT_ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "repair": (("open",), "✔ REPAIRED"),
    "verify": (("repaired",), "✔ VERIFIED"),
    "reject": (("repaired",), "✔ REJECTED: OPEN AGAIN"),
    "cancel": (("open", "repaired"), "✔ CANCELLED"),
}


@dataclass(frozen=True)
class DefectChange:
    """A repair, verification, rejection or cancellation to write, taken on the UI thread."""

    database: Database
    badge: str
    action: str
    defect_id: int
    text: str
    now: datetime


def change_defect(change: DefectChange) -> Any:
    """Write the change (in a worker): the service call its action names, in one transaction."""
    from neofloor.services.quality import cancel_defect, reject_repair, repair_defect, verify_defect

    number, badge, text, now = change.defect_id, change.badge, change.text, change.now

    with change.database.write() as session:
        if change.action == "repair":
            return repair_defect(session, number, badge, text, now=now)
        if change.action == "verify":
            return verify_defect(session, number, badge, note=text, now=now)
        if change.action == "reject":
            return reject_repair(session, number, badge, text, now=now)
        return cancel_defect(session, number, badge, text, now=now)


def defect_dialog(action: str, record: DefectRecord) -> NoteDialog:
    """The question an action asks before anything is written."""
    label = f"#{record.id} {record.code}"
    about = f"{record.description} · {zone_words(record.zone)} · {record.severity} · {record.vin}"
    repair = (
        f"Repaired at {record.repair_station or '?'} by {record.repaired_by or '?'}: {record.repair_note}"
    )
    if action == "repair":
        return NoteDialog(f"Repair of defect {label}", about, "What was done", required=True)
    if action == "verify":
        return NoteDialog(
            f"Verify the repair of {label}", repair, "Note (optional), Enter to verify", required=False
        )
    if action == "reject":
        return NoteDialog(
            f"Reject the repair of {label}", repair, "Why the repair is not good", required=True
        )
    return NoteDialog(f"Cancel defect {label}", about, "Why it was logged in error", required=True)
