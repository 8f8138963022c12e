"""Shifts as the plant config writes them (plant-local wall-clock times, breaks, working
days), checked from their stored text form, and the UTC intervals shift windows are made of.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import pairwise

from neofloor.i18n import _
from neofloor.services.plant.errors import ConfigError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# --- time intervals ------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """A half-open stretch of time ``[start, end)``, aware UTC."""

    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return max(0.0, (self.end - self.start).total_seconds())

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def clip(self, start: datetime, end: datetime) -> Interval | None:
        """The part of this interval inside ``[start, end)``, or None when they do not meet."""
        lo, hi = max(self.start, start), min(self.end, end)
        return Interval(lo, hi) if lo < hi else None


# --- shift definitions -------------------------------------------------------------


@dataclass(frozen=True)
class ShiftDefinition:
    """One shift as the plant config writes it, in plant local wall-clock time."""

    code: str
    name: str
    start: time
    end: time
    breaks: tuple[tuple[time, time], ...]
    days: frozenset[int]  # weekday numbers, Monday = 0
    target_cars: int = 0

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    @property
    def nominal_minutes(self) -> int:
        """Length on the wall clock (a clock change inside the shift is not counted here)."""
        return (minutes_of_day(self.end) - minutes_of_day(self.start)) % (24 * 60)

    def runs_on(self, local_date: date) -> bool:
        return local_date.weekday() in self.days

    @property
    def is_production(self) -> bool:
        """A shift with a target: it makes the takt, and its time counts as working time."""
        return self.target_cars > 0

    @property
    def day_names(self) -> str:
        return ", ".join(WEEKDAYS[d] for d in sorted(self.days))


def minutes_of_day(moment: time) -> int:
    """Minutes since local midnight of a wall-clock time."""
    return moment.hour * 60 + moment.minute


def parse_hhmm(value: str, where: str) -> time:
    """A "HH:MM" plant-local time of day, or :class:`ConfigError`."""
    text = value.strip()
    hours, sep, minutes = text.partition(":")
    if not sep or not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ConfigError(_("{where}: time {value!r} should be HH:MM.").format(where=where, value=value))
    hour, minute = int(hours), int(minutes)
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ConfigError(_("{where}: time {value!r} is not a time of day.").format(where=where, value=value))
    return time(hour, minute)


def parse_shift(
    code: str,
    name: str,
    start: str,
    end: str,
    breaks: str = "",
    days: str = "mon,tue,wed,thu,fri",
    target_cars: int = 0,
) -> ShiftDefinition:
    """A checked shift from its stored text form, or :class:`ConfigError` saying what is wrong."""
    where = _("Shift {code}").format(code=code)
    start_at, end_at = parse_hhmm(start, where), parse_hhmm(end, where)
    if start_at == end_at:
        raise ConfigError(
            _("{where}: start and end are both {start}; a shift needs a length.").format(
                where=where, start=start
            )
        )
    day_set: set[int] = set()
    for day in (d.strip().lower() for d in days.split(",") if d.strip()):
        if day not in WEEKDAYS:
            raise ConfigError(
                _("{where}: day {day!r} is not one of {days}.").format(
                    where=where, day=day, days=", ".join(WEEKDAYS)
                )
            )
        day_set.add(WEEKDAYS.index(day))
    if target_cars < 0:
        raise ConfigError(_("{where}: target_cars cannot be negative.").format(where=where))
    length = (minutes_of_day(end_at) - minutes_of_day(start_at)) % (24 * 60)
    parsed: list[tuple[int, int, time, time]] = []
    for part in (p.strip() for p in breaks.split(",") if p.strip()):
        first, sep, last = part.partition("-")
        if not sep:
            raise ConfigError(
                _("{where}: break {part!r} should be HH:MM-HH:MM.").format(where=where, part=part)
            )
        b_start, b_end = parse_hhmm(first, where), parse_hhmm(last, where)
        offset = (minutes_of_day(b_start) - minutes_of_day(start_at)) % (24 * 60)
        span = (minutes_of_day(b_end) - minutes_of_day(b_start)) % (24 * 60)
        if span == 0 or offset + span > length:
            raise ConfigError(
                _("{where}: break {part} is not inside the shift {start}-{end}.").format(
                    where=where, part=part, start=start, end=end
                )
            )
        parsed.append((offset, offset + span, b_start, b_end))
    parsed.sort()
    for (_start1, first_end, _break1, _break2), (second_start, _end2, b_start, b_end) in pairwise(parsed):
        if second_start < first_end:
            raise ConfigError(
                _("{where}: break {b_start:%H:%M}-{b_end:%H:%M} overlaps another break.").format(
                    where=where, b_start=b_start, b_end=b_end
                )
            )
    return ShiftDefinition(
        code=code,
        name=name or code,
        start=start_at,
        end=end_at,
        breaks=tuple((b0, b1) for _start, _end, b0, b1 in parsed),
        days=frozenset(day_set),
        target_cars=target_cars,
    )
