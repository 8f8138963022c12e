"""Shifts in real time, and the takt they pace: what the line board measures cars against.

A shift is written in plant local time ("06:00"-"14:30", breaks, weekdays); the
functions here turn it into aware UTC windows for a given plant day, through
``zoneinfo`` (Morocco moves its clock for Ramadan, so a fixed offset would be
wrong). Only shifts with a target are production shifts: they make the takt,
the working time cars are timed in, and the plan the board compares against.

Takt time = available time / cars demanded, summed over the day's production
shifts (available time = shift length minus breaks).

This is deliberately small: ``services/shifts.py`` is the plant's full shift
calendar (overlap checks, production days, handover notes). ``TaktShift`` uses
the same field names as its ``ShiftWindow`` (``local_date``, ``start``, ``end``,
``target_cars``, ``planned_seconds``, ``planned_seconds_between``), so
:func:`takt_from_shifts` takes either, and the board can move onto the calendar
without changing its arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlmodel import Session

from neofloor.services.catalog import plant_catalog
from neofloor.services.clock import plant_zone, to_local
from neofloor.store.models import Shift

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How far back working time is counted for a car that has not moved (it is very late anyway).
WORKING_TIME_HORIZON = timedelta(days=31)
# How far back the board looks for the last production day when none runs today.
LAST_SHIFT_LOOKBACK_DAYS = 7


@dataclass(frozen=True)
class ShiftSpec:
    """A shift as the plant config writes it (plant local clock times)."""

    code: str
    name: str
    start: str
    end: str
    breaks: str
    days: frozenset[str]
    target_cars: int


class PlannedShift(Protocol):
    """What takt needs of a shift: its target and its production time."""

    @property
    def target_cars(self) -> int: ...

    @property
    def planned_seconds(self) -> float: ...


@dataclass(frozen=True)
class TaktShift:
    """One shift on one plant day, in aware UTC."""

    code: str
    name: str
    local_date: date  # the plant local date the shift starts on
    start: datetime
    end: datetime
    breaks: tuple[tuple[datetime, datetime], ...]
    target_cars: int

    @property
    def planned_seconds(self) -> float:
        """Available time: shift length minus breaks."""
        return self.planned_seconds_between(self.start, self.end)

    @property
    def is_production(self) -> bool:
        return self.target_cars > 0

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def planned_seconds_between(self, start: datetime, end: datetime) -> float:
        """Seconds of [start, end) that fall inside this shift and outside its breaks."""
        low, high = max(start, self.start), min(end, self.end)
        if high <= low:
            return 0.0
        seconds = (high - low).total_seconds()
        for break_start, break_end in self.breaks:
            b_low, b_high = max(low, break_start), min(high, break_end)
            if b_high > b_low:
                seconds -= (b_high - b_low).total_seconds()
        return seconds


def shift_specs(session: Session) -> list[ShiftSpec]:
    """The plant's shifts as configured (a handful of rows)."""
    rows = session.execute(select(Shift).order_by(Shift.start, Shift.code)).scalars()
    return [
        ShiftSpec(
            code=s.code,
            name=s.name,
            start=s.start,
            end=s.end,
            breaks=s.breaks,
            days=frozenset(d.strip() for d in s.days.split(",") if d.strip()),
            target_cars=s.target_cars,
        )
        for s in rows
    ]


def _clock(value: str) -> time:
    hour, minute = value.split(":")
    return time(int(hour), int(minute))


def _moment(day: date, clock: time, zone: str) -> datetime:
    return datetime.combine(day, clock, tzinfo=plant_zone(zone)).astimezone(UTC)


def shift_on_day(spec: ShiftSpec, day: date, zone: str) -> TaktShift | None:
    """The shift on this plant day, or None when it does not run that weekday.

    An end at or before the start crosses midnight; so does a break whose clock
    time is before the shift's start.
    """
    if DAY_NAMES[day.weekday()] not in spec.days:
        return None
    start_clock, end_clock = _clock(spec.start), _clock(spec.end)
    start = _moment(day, start_clock, zone)
    end = _moment(day + timedelta(days=1) if end_clock <= start_clock else day, end_clock, zone)
    breaks = []
    for text in spec.breaks.split(","):
        if "-" not in text:
            continue
        b_start_text, b_end_text = (t.strip() for t in text.split("-", 1))
        b_start_clock, b_end_clock = _clock(b_start_text), _clock(b_end_text)
        b_day = day + timedelta(days=1) if b_start_clock < start_clock else day
        b_end_day = b_day + timedelta(days=1) if b_end_clock <= b_start_clock else b_day
        b_start, b_end = _moment(b_day, b_start_clock, zone), _moment(b_end_day, b_end_clock, zone)
        low, high = max(b_start, start), min(b_end, end)
        if high > low:
            breaks.append((low, high))
    return TaktShift(
        code=spec.code,
        name=spec.name,
        local_date=day,
        start=start,
        end=end,
        breaks=tuple(sorted(breaks)),
        target_cars=spec.target_cars,
    )


def shifts_from_specs(
    specs: list[ShiftSpec], first_day: date, last_day: date, zone: str, *, production_only: bool = True
) -> list[TaktShift]:
    """Every shift starting on a plant day from ``first_day`` to ``last_day``, in time order."""
    windows = []
    day = first_day
    while day <= last_day:
        for spec in specs:
            if production_only and spec.target_cars <= 0:
                continue
            window = shift_on_day(spec, day, zone)
            if window is not None:
                windows.append(window)
        day += timedelta(days=1)
    return sorted(windows, key=lambda w: w.start)


def shifts_on(session: Session, day: date, *, production_only: bool = False) -> list[TaktShift]:
    """The shifts that start on this plant local day, in UTC, earliest first."""
    zone = plant_catalog(session).timezone
    return shifts_from_specs(shift_specs(session), day, day, zone, production_only=production_only)


def takt_from_shifts(shifts: Iterable[PlannedShift]) -> float | None:
    """Available time / cars demanded over the shifts that have a target (None when none has).

    Takes this module's shifts or the shift calendar's windows alike.
    """
    production = [s for s in shifts if s.target_cars > 0]
    demanded = sum(s.target_cars for s in production)
    if demanded <= 0:
        return None
    return sum(s.planned_seconds for s in production) / demanded


def takt_seconds(session: Session, day: date) -> float | None:
    """The day's takt time in seconds, from its production shifts; None on a day without a target."""
    return takt_from_shifts(shifts_on(session, day, production_only=True))


def current_shift(session: Session, now: datetime) -> TaktShift | None:
    """The production shift running at ``now`` (one that started yesterday may still run)."""
    zone = plant_catalog(session).timezone
    today = to_local(now, zone).date()
    shifts = shifts_from_specs(shift_specs(session), today - timedelta(days=1), today, zone)
    return next((s for s in shifts if s.contains(now)), None)


def working_seconds_in(shifts: list[TaktShift], start: datetime, end: datetime) -> float:
    """Production time between two moments: inside shifts, outside breaks."""
    return sum(s.planned_seconds_between(start, end) for s in shifts if s.end > start and s.start < end)


def working_seconds(session: Session, start: datetime, end: datetime) -> float:
    """Production time between two moments (at most the last 31 days of it)."""
    start = max(start, end - WORKING_TIME_HORIZON)
    if end <= start:
        return 0.0
    zone = plant_catalog(session).timezone
    first, last = to_local(start, zone).date() - timedelta(days=1), to_local(end, zone).date()
    return working_seconds_in(shifts_from_specs(shift_specs(session), first, last, zone), start, end)


def local_day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """A plant local day as a UTC [start, end) range (23 or 25 hours when the clock moves)."""
    return _moment(day, time(0), zone), _moment(day + timedelta(days=1), time(0), zone)
