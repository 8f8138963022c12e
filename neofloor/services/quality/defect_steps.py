"""What every defect write shares: who may do it, the checked free text, and the one way a
step is appended to a defect's story (see :mod:`neofloor.services.quality.defects`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session

from neofloor.services.plant.errors import InvalidInput
from neofloor.services.plant.operators import OperatorInfo
from neofloor.services.quality.records import DefectRecord, defect_record
from neofloor.services.tracking.ledger import inserted_id
from neofloor.store.models import DefectEvent

# Who may log, repair and cancel anywhere on the line (operators: at their own stations).
TEXT_LIMIT = 500


@dataclass(frozen=True)
class DefectResult:
    """What a defect write did, with the sentence to show on the floor."""

    defect: DefectRecord
    event_id: int
    message: str


def clean_text(value: str, what: str, *, required: bool) -> str:
    text = value.strip()
    if required and not text:
        raise InvalidInput(f"A {what} is required.")
    if len(text) > TEXT_LIMIT:
        raise InvalidInput(f"The {what} is {len(text)} characters long; keep it under {TEXT_LIMIT}.")
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
    return DefectResult(defect_record(session, defect_id, now=at), event_id, message)
