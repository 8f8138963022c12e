"""Defects written from the floor: logging one where it was found, and the actions on a logged one.

Each action on a logged defect asks its question first, then its service call writes it.

Repair (what was done), verify, reject back to open (why) and cancel a defect logged in
error (why). Who may do what is the services' to say; a refusal writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from neofloor.i18n import N_, _
from neofloor.services.plant.words import severity_word
from neofloor.tui.dialogs.note import NoteDialog
from neofloor.tui.widgets.defect_table import zone_words

if TYPE_CHECKING:
    from neofloor.services.plant.catalog import PlantCatalog
    from neofloor.services.quality import DefectRecord
    from neofloor.services.quality.defects import DefectResult
    from neofloor.store.engine import Database

# The choice that means "this terminal's station" in the found-at question.
TERMINAL_STATION = "*"

# What each defect action needs the defect to be, and how it is said once done.
DEFECT_ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "repair": (("open",), N_("✔ REPAIRED")),
    "verify": (("repaired",), N_("✔ VERIFIED")),
    "reject": (("repaired",), N_("✔ REJECTED: OPEN AGAIN")),
    "cancel": (("open", "repaired"), N_("✔ CANCELLED")),
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
    # This terminal's name, for the audit trail.
    terminal: str = ""


def change_defect(change: DefectChange) -> Any:
    """Write the change (in a worker): the service call its action names, in one transaction."""
    from neofloor.services.quality import cancel_defect, reject_repair, repair_defect, verify_defect

    number, badge, text, now = change.defect_id, change.badge, change.text, change.now
    terminal = change.terminal

    with change.database.write() as session:
        if change.action == "repair":
            return repair_defect(session, number, badge, text, now=now, terminal=terminal)
        if change.action == "verify":
            return verify_defect(session, number, badge, note=text, now=now, terminal=terminal)
        if change.action == "reject":
            return reject_repair(session, number, badge, text, now=now, terminal=terminal)
        return cancel_defect(session, number, badge, text, now=now, terminal=terminal)


def defect_dialog(action: str, record: DefectRecord) -> NoteDialog:
    """The question an action asks before anything is written."""
    label = f"#{record.id} {record.code}"
    about = (
        f"{record.description} · {zone_words(record.zone)} · {severity_word(record.severity)} · {record.vin}"
    )
    repair = _("Repaired at {station} by {who}: {note}").format(
        station=record.repair_station or "?", who=record.repaired_by or "?", note=record.repair_note
    )
    if action == "repair":
        return NoteDialog(
            _("Repair of defect {defect}").format(defect=label), about, _("What was done"), required=True
        )
    if action == "verify":
        return NoteDialog(
            _("Verify the repair of {defect}").format(defect=label),
            repair,
            _("Note (optional), Enter to verify"),
            required=False,
        )
    if action == "reject":
        return NoteDialog(
            _("Reject the repair of {defect}").format(defect=label),
            repair,
            _("Why the repair is not good"),
            required=True,
        )
    return NoteDialog(
        _("Cancel defect {defect}").format(defect=label),
        about,
        _("Why it was logged in error"),
        required=True,
    )


@dataclass(frozen=True)
class DefectWriter:
    """Everything a defect write needs, taken on the UI thread."""

    database: Database
    station: str
    badge: str
    now: datetime
    # This terminal's name, for the audit trail.
    terminal: str = ""


def log_defect(
    writer: DefectWriter, vin: str, code: str, zone: str, severity: str, note: str
) -> DefectResult:
    """Log a defect found on a car (in a worker), in one write transaction."""
    from neofloor.services.quality import add_defect

    with writer.database.write() as session:
        return add_defect(
            session,
            vin,
            writer.station,
            code,
            zone,
            writer.badge,
            severity=severity,
            note=note,
            now=writer.now,
            terminal=writer.terminal,
        )


def found_at_choices(catalog: PlantCatalog, terminal: str | None) -> list[tuple[str, str]]:
    """Where a defect may be found: this terminal's station first, then the route, then the rest."""
    choices: list[tuple[str, str]] = []
    if terminal:
        choices.append((TERMINAL_STATION, _("This terminal's station ({station})").format(station=terminal)))
    on_route = sorted((s for s in catalog.stations if s.position is not None), key=lambda s: s.position or 0)
    off_route = [s for s in catalog.stations if s.position is None]
    choices += [(s.code, f"{s.code:<8} {s.name}") for s in (*on_route, *off_route)]
    return choices
