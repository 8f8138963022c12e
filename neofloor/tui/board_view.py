"""What the line board shows, read in one transaction: the line, today's overrides, the bay's day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from neofloor.services.metrics.line_status import LineStatus
    from neofloor.services.supervision.overrides import OverrideMove
    from neofloor.services.supervision.repair_time import RepairTimeSummary
    from neofloor.store.engine import Database


@dataclass(frozen=True)
class BoardView:
    """The board, read at one change marker."""

    status: LineStatus
    overrides: list[OverrideMove]
    repair_day: RepairTimeSummary
    marker: tuple[int, ...]


def read_board(database: Database, zone: str, now: datetime) -> BoardView:
    """Read the line as it is ``now``, with the overrides and repair times of the plant's day."""
    from neofloor.services.metrics.line_status import line_status
    from neofloor.services.plant.shifts import local_date_of, local_days
    from neofloor.services.supervision.overrides import overrides_between
    from neofloor.services.supervision.repair_time import repair_time_summary
    from neofloor.services.tracking.marker import change_marker

    today = local_date_of(now, zone)
    start, end = local_days(today, today, zone)
    with database.read() as session:
        # Read the marker first: a write after it is caught by the next poll.
        marker = change_marker(session)
        status = line_status(session, now=now)
        overrides = overrides_between(session, start, end)
        repair_day = repair_time_summary(session, start, min(end, now), now=now)
    return BoardView(status, overrides, repair_day, marker)
