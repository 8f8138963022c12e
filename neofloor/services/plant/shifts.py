"""The shift calendar: when each shift runs, in UTC, from its definition in plant local time.

Shifts are written in plant local time ("06:00"-"14:30", breaks, working days); the
database and every query speak UTC. Each shift of each date is converted through
``zoneinfo`` for that very date, so a night shift that spans Morocco's Ramadan clock
change lasts the minutes people really worked, and a shift that crosses midnight
belongs to the date it starts. Windows are half-open, ``[start, end)``, and shifts may
not overlap, so every moment belongs to at most one shift.

Shift notes (what the shift lead types for the handover) live here too: they hang off
a shift of a date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise

from sqlalchemy import select
from sqlmodel import Session, col

from neofloor.i18n import _
from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.clock import plant_zone, to_local
from neofloor.services.plant.errors import ConfigError, InvalidInput, NotFound

# The shift definitions and the plant-local time helpers live in their own modules;
# the calendar's callers read them from here too.
from neofloor.services.plant.local_time import local_date_of as local_date_of
from neofloor.services.plant.local_time import local_days as local_days
from neofloor.services.plant.local_time import local_to_utc as local_to_utc
from neofloor.services.plant.local_time import parse_plant_date as parse_plant_date
from neofloor.services.plant.shift_definitions import WEEKDAYS as WEEKDAYS
from neofloor.services.plant.shift_definitions import Interval as Interval
from neofloor.services.plant.shift_definitions import ShiftDefinition as ShiftDefinition
from neofloor.services.plant.shift_definitions import minutes_of_day
from neofloor.services.plant.shift_definitions import parse_shift as parse_shift
from neofloor.store.models import Shift

_WEEK_MINUTES = 7 * 24 * 60
# How far back the "current or last shift" looks for a shift that has started.
LAST_SHIFT_LOOKBACK_DAYS = 14


# --- windows -------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftWindow:
    """One shift of one date, in UTC: ``[start, end)``, its breaks, its planned production time."""

    code: str
    name: str
    local_date: date  # the plant-local date the shift starts on
    timezone: str
    start: datetime
    end: datetime
    breaks: tuple[Interval, ...]
    target_cars: int

    @property
    def label(self) -> str:
        return f"{self.local_date.isoformat()} {self.code}"

    @property
    def length_seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    @property
    def break_seconds(self) -> float:
        return sum(b.seconds for b in self.breaks)

    @property
    def planned_seconds(self) -> float:
        """Production time: the shift's real length less its breaks."""
        return self.length_seconds - self.break_seconds

    @property
    def planned_minutes(self) -> float:
        return self.planned_seconds / 60

    @property
    def local_start(self) -> datetime:
        return to_local(self.start, self.timezone)

    @property
    def local_end(self) -> datetime:
        return to_local(self.end, self.timezone)

    @property
    def is_production(self) -> bool:
        """A shift with a target: it makes the takt, and its time counts as working time."""
        return self.target_cars > 0

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def production_intervals(self, until: datetime | None = None) -> tuple[Interval, ...]:
        """The shift less its breaks, cut at ``until`` when given: when the line is meant to run."""
        stop = self.end if until is None else max(self.start, min(until, self.end))
        pieces: list[Interval] = []
        cursor = self.start
        for brk in self.breaks:
            if brk.start > cursor:
                pieces.append(Interval(cursor, min(brk.start, stop)))
            cursor = max(cursor, brk.end)
            if cursor >= stop:
                break
        if cursor < stop:
            pieces.append(Interval(cursor, stop))
        return tuple(p for p in pieces if p.start < p.end)

    def planned_seconds_between(self, start: datetime, end: datetime) -> float:
        """Production time of this shift inside ``[start, end)``."""
        total = 0.0
        for piece in self.production_intervals():
            part = piece.clip(start, end)
            if part is not None:
                total += part.seconds
        return total


@dataclass(frozen=True)
class ProductionDay:
    """A plant-local production day: from the first shift's start time to the same time next day.

    A night shift belongs to the day it starts on; with no shifts at all the day
    runs from local midnight to midnight.
    """

    local_date: date
    timezone: str
    start: datetime
    end: datetime
    shifts: tuple[ShiftWindow, ...]

    @property
    def target_cars(self) -> int:
        return sum(s.target_cars for s in self.shifts)

    @property
    def planned_seconds(self) -> float:
        return sum(s.planned_seconds for s in self.shifts)


@dataclass(frozen=True)
class ShiftCalendar:
    """The plant's shifts and its time zone: turns (date, shift code) into UTC windows."""

    timezone: str
    shifts: tuple[ShiftDefinition, ...]

    @property
    def production(self) -> ShiftCalendar:
        """The same calendar with only the shifts that have a target (the ones takt is paced by)."""
        return ShiftCalendar(self.timezone, tuple(s for s in self.shifts if s.is_production))

    @property
    def worked(self) -> ShiftCalendar:
        """The shifts that can be the current shift: the production ones, or all when none has a target.

        Whoever follows the clock (the dashboard's next reading) steps through these.
        """
        return self.production if any(s.is_production for s in self.shifts) else self

    def definition(self, code: str) -> ShiftDefinition:
        wanted = code.strip().upper()
        for shift in self.shifts:
            if shift.code.upper() == wanted:
                return shift
        known = ", ".join(s.code for s in self.shifts) or "none"
        raise NotFound(_("Unknown shift {code!r}; shifts are {known}.").format(code=code, known=known))

    def _window(self, shift: ShiftDefinition, local_date: date) -> ShiftWindow:
        start_local = datetime.combine(local_date, shift.start)
        end_local = start_local + timedelta(minutes=shift.nominal_minutes)
        start = local_to_utc(start_local, self.timezone)
        end = max(start, local_to_utc(end_local, self.timezone))
        breaks: list[Interval] = []
        for b_start, b_end in shift.breaks:
            offset = (minutes_of_day(b_start) - minutes_of_day(shift.start)) % (24 * 60)
            span = (minutes_of_day(b_end) - minutes_of_day(b_start)) % (24 * 60)
            b0_local = start_local + timedelta(minutes=offset)
            piece = Interval(
                local_to_utc(b0_local, self.timezone),
                local_to_utc(b0_local + timedelta(minutes=span), self.timezone),
            ).clip(start, end)
            if piece is not None:
                breaks.append(piece)
        return ShiftWindow(
            code=shift.code,
            name=shift.name,
            local_date=local_date,
            timezone=self.timezone,
            start=start,
            end=end,
            breaks=tuple(sorted(breaks, key=lambda b: b.start)),
            target_cars=shift.target_cars,
        )

    def window(self, local_date: date, code: str) -> ShiftWindow:
        """Shift ``code`` of ``local_date``, or :class:`NotFound` if it does not run that day."""
        shift = self.definition(code)
        if not shift.runs_on(local_date):
            raise NotFound(
                _("Shift {code} does not run on {weekday} {date}; it runs {day_names}.").format(
                    code=shift.code,
                    weekday=WEEKDAYS[local_date.weekday()],
                    date=local_date.isoformat(),
                    day_names=shift.day_names,
                )
            )
        return self._window(shift, local_date)

    def windows_on(self, local_date: date) -> list[ShiftWindow]:
        """Every shift that starts on this plant-local date, in time order."""
        return list(_windows_on(self, local_date))

    def between(self, start_date: date, end_date: date) -> list[ShiftWindow]:
        """Every shift starting on a date from ``start_date`` to ``end_date`` (both included)."""
        if end_date < start_date:
            raise InvalidInput(
                _("The period ends ({end_date}) before it starts ({start_date}).").format(
                    end_date=end_date, start_date=start_date
                )
            )
        windows: list[ShiftWindow] = []
        day = start_date
        while day <= end_date:
            windows.extend(self.windows_on(day))
            day += timedelta(days=1)
        return windows

    def overlapping(self, start: datetime, end: datetime) -> list[ShiftWindow]:
        """Every shift that runs at some moment of ``[start, end)``, in time order."""
        _require_aware(start)
        _require_aware(end)
        if end <= start:
            return []
        # A shift that crosses midnight started on the local date before.
        first = local_date_of(start, self.timezone) - timedelta(days=1)
        windows = self.between(first, local_date_of(end, self.timezone))
        return [w for w in windows if w.start < end and w.end > start]

    def at(self, moment: datetime) -> ShiftWindow | None:
        """The shift running at this moment (its start included, its end not), or None."""
        _require_aware(moment)
        today = local_date_of(moment, self.timezone)
        for day in (today - timedelta(days=1), today):
            for window in self.windows_on(day):
                if window.contains(moment):
                    return window
        return None

    def current_or_last(
        self, moment: datetime, *, lookback_days: int = LAST_SHIFT_LOOKBACK_DAYS
    ) -> ShiftWindow | None:
        """The current shift: the one rule the board, the dashboard and the reports share.

        The production shift (one with a target) running now, else the production shift
        that started most recently (within ``lookback_days``). A shift without a target is
        defined but not worked (the demo plant's shift B, planned from 2027): it is never
        "the current shift", so the board and the dashboard cannot disagree about it. A
        calendar with no production shift at all falls back to every shift.
        """
        calendar = self.worked
        running = calendar.at(moment)
        if running is not None:
            return running
        day = local_date_of(moment, self.timezone)
        for _unused in range(lookback_days + 1):
            started = [w for w in calendar.windows_on(day) if w.start <= moment]
            if started:
                return started[-1]
            day -= timedelta(days=1)
        return None

    @property
    def day_start_time(self) -> time:
        """When a production day begins: the earliest shift start (midnight with no shifts)."""
        return min((s.start for s in self.shifts), default=time(0, 0))

    def day(self, local_date: date) -> ProductionDay:
        start = local_to_utc(datetime.combine(local_date, self.day_start_time), self.timezone)
        end = local_to_utc(
            datetime.combine(local_date + timedelta(days=1), self.day_start_time), self.timezone
        )
        return ProductionDay(
            local_date=local_date,
            timezone=self.timezone,
            start=start,
            end=end,
            shifts=tuple(self.windows_on(local_date)),
        )

    def day_of(self, moment: datetime) -> date:
        """The production day a moment belongs to."""
        local = to_local(moment, self.timezone)
        day = local.date()
        if local.time() < self.day_start_time:
            day -= timedelta(days=1)
        return day


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None:
        raise InvalidInput(_("A moment without a time zone cannot be placed in a shift."))


def build_calendar(
    timezone: str, shifts: list[ShiftDefinition] | tuple[ShiftDefinition, ...]
) -> ShiftCalendar:
    """A calendar of checked shifts; refuses two shifts that overlap on some weekday."""
    plant_zone(timezone)
    codes = [s.code.upper() for s in shifts]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise ConfigError(_("Shift {dupes} is defined twice.").format(dupes=dupes[0]))
    spans: list[tuple[int, int, ShiftDefinition, int]] = []
    for shift in shifts:
        for day in shift.days:
            begin = day * 24 * 60 + minutes_of_day(shift.start)
            finish = begin + shift.nominal_minutes
            if finish > _WEEK_MINUTES:
                spans.append((begin, _WEEK_MINUTES, shift, day))
                spans.append((0, finish - _WEEK_MINUTES, shift, day))
            else:
                spans.append((begin, finish, shift, day))
    spans.sort(key=lambda s: (s[0], s[1]))
    for (_start1, first_end, first, day), (second_start, _end2, second, _day2) in pairwise(spans):
        if second_start < first_end:
            raise ConfigError(
                _(
                    "Shifts {code} and {here} overlap on {weekday}; every moment must "
                    "belong to one shift only."
                ).format(code=first.code, here=second.code, weekday=WEEKDAYS[day])
            )
    return ShiftCalendar(timezone=timezone, shifts=tuple(shifts))


def shift_calendar(session: Session) -> ShiftCalendar:
    """The plant's calendar: its Shift rows in the catalog's time zone."""
    zone = plant_catalog(session).timezone
    rows = session.execute(select(Shift).order_by(col(Shift.start), col(Shift.code))).scalars().all()
    return build_calendar(
        zone,
        [parse_shift(r.code, r.name, r.start, r.end, r.breaks, r.days, r.target_cars) for r in rows],
    )


CalendarSource = Session | ShiftCalendar


def _calendar(source: CalendarSource) -> ShiftCalendar:
    return source if isinstance(source, ShiftCalendar) else shift_calendar(source)


def shift_window(source: CalendarSource, local_date: date, shift_code: str) -> ShiftWindow:
    """Shift ``shift_code`` of plant-local ``local_date``, in UTC with its breaks and planned time."""
    return _calendar(source).window(local_date, shift_code)


def shift_at(source: CalendarSource, moment_utc: datetime) -> ShiftWindow | None:
    """The shift a moment belongs to, or None between shifts and on days off."""
    return _calendar(source).at(moment_utc)


def shifts_between(source: CalendarSource, start_local_date: date, end_local_date: date) -> list[ShiftWindow]:
    """Every shift starting on a plant-local date in ``[start, end]``, in time order."""
    return _calendar(source).between(start_local_date, end_local_date)


def production_day(source: CalendarSource, local_date: date) -> ProductionDay:
    return _calendar(source).day(local_date)


def current_or_last_shift(source: CalendarSource, moment_utc: datetime) -> ShiftWindow | None:
    """The production shift under way, else the last one that started (what a shift lead means by
    "this shift"); see :meth:`ShiftCalendar.current_or_last`."""
    return _calendar(source).current_or_last(moment_utc)


# --- shift notes ---------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _windows_on(calendar: ShiftCalendar, local_date: date) -> tuple[ShiftWindow, ...]:
    """A calendar's windows of a date, kept: the board and the dashboard ask for the same days
    every few seconds, and each window costs a few time-zone conversions. Calendars and
    windows are frozen, so a kept answer cannot go stale."""
    windows = [calendar._window(s, local_date) for s in calendar.shifts if s.runs_on(local_date)]
    return tuple(sorted(windows, key=lambda w: w.start))
