"""The change marker: one cheap read that tells a terminal another one wrote."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import (
    Select,
    func,
    select,
    text,
)
from sqlmodel import Session, col

from neofloor.store.models import (
    Defect,
    DefectEvent,
    Downtime,
    ShiftNote,
    StationEvent,
)


@cache
def _marker_stmt() -> Select[*tuple[Any, ...]]:
    def newest(column: Any) -> Any:
        return select(func.max(column)).scalar_subquery()

    open_stops = (
        select(func.count()).select_from(Downtime).where(text("downtime.ended_at IS NULL")).scalar_subquery()
    )
    return select(
        newest(col(StationEvent.id)),
        newest(col(Defect.id)),
        newest(col(DefectEvent.id)),
        newest(col(Downtime.id)),
        newest(col(ShiftNote.id)),
        open_stops,
    )


def change_marker(session: Session) -> tuple[int, ...]:
    """A cheap fingerprint of the plant's state: it changes whenever any terminal writes.

    The newest ledger event, defect, defect step, andon stop and shift note, and how
    many stops are open (ending a stop adds no row). Six index look-ups, whatever the
    history, in one statement.
    """
    event, defect, defect_step, stop, note, open_stops = session.execute(_marker_stmt()).one()
    return (event or 0, defect or 0, defect_step or 0, stop or 0, note or 0, open_stops)
