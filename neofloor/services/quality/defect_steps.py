"""What every defect write shares: who may do it, the checked free text, and the one way a
step is appended to a defect's story (see :mod:`neofloor.services.quality.defects`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session

from neofloor.i18n import _
from neofloor.services.people.audit import record
from neofloor.services.people.permissions import Action
from neofloor.services.plant import text as plant_text
from neofloor.services.plant.errors import InvalidInput
from neofloor.services.plant.operators import OperatorInfo
from neofloor.services.plant.text import REASON_MAX
from neofloor.services.quality.records import DefectRecord, defect_record
from neofloor.services.tracking.ledger import inserted_id
from neofloor.store.models import DefectEvent

# Notes on a defect: the plant's reason limit (services/plant/text.py).
TEXT_LIMIT = REASON_MAX


@dataclass(frozen=True)
class DefectResult:
    """What a defect write did, with the sentence to show on the floor."""

    defect: DefectRecord
    event_id: int
    message: str


def clean_text(value: str, what: str, *, required: bool) -> str:
    """A note by the plant's one text rule (no control characters, one limit)."""
    text = plant_text.clean_text(value, what=_("The {what}").format(what=_(what)), max_length=TEXT_LIMIT)
    if required and not text:
        raise InvalidInput(_("A {what} is required.").format(what=_(what)))
    return text


def record_step(
    session: Session,
    defect_id: int,
    kind: str,
    at: datetime,
    operator: OperatorInfo,
    station_id: int | None,
    note: str,
    message: str,
    *,
    action: Action,
    vin: str,
    terminal: str = "",
) -> DefectResult:
    """Append a step to the defect's story, with the status columns the caller has set, and read it back.

    The one way every defect write ends, so a change of status never goes without its ledger event.
    """
    event_id = inserted_id(
        session.execute(
            insert(DefectEvent).values(
                defect_id=defect_id,
                kind=kind,
                at=at,
                operator_id=operator.id,
                station_id=station_id,
                note=note,
            )
        )
    )
    session.flush()
    record(
        session,
        action,
        at,
        operator=operator,
        terminal=terminal,
        subject=vin,
        after={"defect": defect_id, "step": kind, "note": note}
        if note
        else {"defect": defect_id, "step": kind},
    )
    return DefectResult(defect_record(session, defect_id, now=at), event_id, message)
