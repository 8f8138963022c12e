"""Takt and production time: what the line board measures cars against.

When shifts start, end and pause is the shift calendar's to say
(:mod:`neofloor.services.shifts`, plant local time to UTC through ``zoneinfo``).
What is added here is what takt makes of it: only production shifts (those with
a target) make the takt and count as working time.

Takt time = available time / cars demanded, summed over a day's production
shifts (available time = shift length minus breaks).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlmodel import Session

from neofloor.services.metrics import takt_time
from neofloor.services.shifts import ShiftWindow, shift_calendar

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


def working_seconds(session: Session, start: datetime, end: datetime) -> float:
    """Production time between two moments (at most the last 31 days of it)."""
    start = max(start, end - WORKING_TIME_HORIZON)
    production = shift_calendar(session).production
    return working_seconds_in(production.overlapping(start, end), start, end)
