"""Takt and production time: what the line board measures cars against.

When shifts start, end and pause is the shift calendar's to say
(:mod:`neofloor.services.plant.shifts`, plant local time to UTC through ``zoneinfo``).
What is added here is what takt makes of it: only production shifts (those with
a target) make the takt and count as working time.

Takt time = available time / cars demanded, summed over a day's production
shifts (available time = shift length minus breaks).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from itertools import pairwise

from sqlmodel import Session

from neofloor.services.metrics.formulas import takt_time
from neofloor.services.plant.shifts import ShiftWindow, shift_calendar

# How far back working time is counted for a car that has not moved (it is very late anyway).
WORKING_TIME_HORIZON = timedelta(days=31)


def takt_from_shifts(shifts: Iterable[ShiftWindow]) -> float | None:
    """Available time / cars demanded over the shifts that have a target (None when none has)."""
    production = [s for s in shifts if s.is_production]
    return takt_time(sum(s.planned_seconds for s in production), sum(s.target_cars for s in production))


def takt_seconds(session: Session, day: date) -> float | None:
    """The day's takt time in seconds, from its production shifts; None on a day without a target."""
    return takt_from_shifts(shift_calendar(session).windows_on(day))


def working_seconds_in(shifts: Iterable[ShiftWindow], start: datetime, end: datetime) -> float:
    """Production time between two moments: inside these shifts, outside their breaks."""
    return sum(s.planned_seconds_between(start, end) for s in shifts if s.end > start and s.start < end)


class WorkingClock:
    """Production time from any moment up to ``end``: the board asks it for every car it shows.

    The shifts' production pieces (breaks left out) are laid end to end once with
    the time left after each; a car's working time is then one bisection instead
    of a walk over every shift since it arrived. It answers what
    :func:`working_seconds_in` answers for the same shifts and ``end``.
    """

    def __init__(self, shifts: Iterable[ShiftWindow], end: datetime) -> None:
        self._shifts = tuple(shifts)
        self._end = end
        pieces = sorted(
            (piece.start, piece.end)
            for shift in self._shifts
            for piece in shift.production_intervals(until=end)
            if piece.start < piece.end
        )
        # Shifts that overlap would count their common time twice in working_seconds_in;
        # the clock keeps that answer by asking it directly.
        self._overlapping = any(a[1] > b[0] for a, b in pairwise(pieces))
        self._starts = [start for start, _end in pieces]
        self._ends = [piece_end for _start, piece_end in pieces]
        left = timedelta(0)
        after: list[timedelta] = []
        for start, piece_end in reversed(pieces):
            left += piece_end - start
            after.append(left)
        self._after = after[::-1]  # production time from each piece's start to ``end``

    def seconds_since(self, start: datetime) -> float:
        """Production time in ``[start, end)``."""
        if self._overlapping:
            return working_seconds_in(self._shifts, start, self._end)
        index = bisect_right(self._ends, start)
        if index >= len(self._ends):
            return 0.0
        left = self._after[index]
        if start > self._starts[index]:
            left -= start - self._starts[index]
        return left.total_seconds()


def working_seconds(session: Session, start: datetime, end: datetime) -> float:
    """Production time between two moments (at most the last 31 days of it)."""
    start = max(start, end - WORKING_TIME_HORIZON)
    production = shift_calendar(session).production
    return working_seconds_in(production.overlapping(start, end), start, end)
