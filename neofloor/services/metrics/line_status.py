"""The line board paced by takt: each station's cars against takt, stops, holds, the bay, the shift's count.

A car's time at a station is counted in production time (inside shifts,
outside breaks), so the cars left in their stations overnight do not all turn
"very late" at the morning's first minute. Levels: ``normal`` up to one takt,
``late`` beyond one, ``very_late`` beyond two, each with a text marker so the
board never says it with colour alone.

Every part is read through an index: cars by state, QG completions by
station and time, starts by kind and time, open stops by the partial index.
The board is polled every second or two on a ten-year plant, so its statements
are built once and read columns, not entities (see ``queries``), and the shift
definitions are parsed again only when their rows change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import CompoundSelect, Select, bindparam, func, select, text, union_all
from sqlmodel import Session, col

from neofloor.i18n import N_, _
from neofloor.services.metrics.formulas import plan_so_far
from neofloor.services.metrics.takt import WORKING_TIME_HORIZON, WorkingClock, takt_from_shifts
from neofloor.services.plant.catalog import PlantCatalog, StationInfo, plant_catalog
from neofloor.services.plant.clock import format_duration
from neofloor.services.plant.shifts import ShiftCalendar, ShiftWindow, build_calendar, parse_shift
from neofloor.services.supervision.andon import Stop, open_stops
from neofloor.services.supervision.overrides import starts_between, visit_of_start
from neofloor.services.supervision.repair_time import CarInRepair, cars_in_repair
from neofloor.services.tracking.floor import CAR_COLUMNS, CarSummary, car_from_row, read_rows
from neofloor.store.models import (
    VEHICLE_IN_PLANT,
    Shift,
    StationEvent,
    StationVisit,
    Vehicle,
    VehicleState,
)
from neofloor.store.types import utcnow

LEVEL_NORMAL = "normal"
LEVEL_LATE = "late"
LEVEL_VERY_LATE = "very_late"
LEVEL_MARKERS = {LEVEL_NORMAL: "", LEVEL_LATE: N_("LATE"), LEVEL_VERY_LATE: N_("VERY LATE")}
# How many waiting cars a station lists; its count covers them all.
CARS_PER_STATION = 8
# How far back the header looks for the last production shift when none runs now.
LAST_SHIFT_LOOKBACK_DAYS = 7
_ON_THE_LINE = (VehicleState.QUEUED, VehicleState.IN_STATION, VehicleState.HELD)


def _quoted(states: tuple[str, ...]) -> str:
    return ", ".join(f"'{s}'" for s in states)


def takt_level(seconds: float, takt: float | None) -> str:
    """normal / late (beyond one takt) / very_late (beyond two); normal when there is no takt."""
    if not takt:
        return LEVEL_NORMAL
    if seconds > 2 * takt:
        return LEVEL_VERY_LATE
    if seconds > takt:
        return LEVEL_LATE
    return LEVEL_NORMAL


@dataclass(frozen=True)
class BoardCar:
    """A car at a station on the board, timed against takt."""

    car: CarSummary
    inside: bool  # started in the station (else waiting for it)
    seconds: float  # on the wall clock since it got there
    working_seconds: float  # production time since it got there: what the level is judged on
    level: str
    out_of_sequence: bool  # started here while an earlier car still waited

    @property
    def marker(self) -> str:
        return LEVEL_MARKERS[self.level]

    @property
    def flags(self) -> tuple[str, ...]:
        """Every text marker the car carries: lateness, hold, sequence."""
        flags = [self.marker] if self.marker else []
        if self.car.held:
            flags.append(N_("HELD"))
        if self.out_of_sequence:
            flags.append(N_("OUT OF SEQUENCE"))
        return tuple(flags)


@dataclass(frozen=True)
class StationStatus:
    """One station's column of the board."""

    station: StationInfo
    in_station: tuple[BoardCar, ...]
    queue: tuple[BoardCar, ...]  # the first cars waiting, in build sequence
    queue_count: int  # every car waiting (the planned backlog included at the first station)
    held_count: int
    stop: Stop | None

    @property
    def stopped(self) -> bool:
        return self.stop is not None

    @property
    def late_count(self) -> int:
        return sum(1 for c in (*self.in_station, *self.queue) if c.level != LEVEL_NORMAL)


@dataclass(frozen=True)
class ShiftProgress:
    """The board's header: cars through the last production station this shift against the plan."""

    shift: ShiftWindow | None  # the shift running, else the last one (``running`` False)
    running: bool
    takt_seconds: float | None
    completed: int
    planned: int | None  # cars the plan expects by now, from takt; None without a takt
    sequence_breaks: int
    last_station: str

    @property
    def behind(self) -> int | None:
        """Cars behind the plan (negative: ahead of it)."""
        return None if self.planned is None else self.planned - self.completed

    @property
    def text(self) -> str:
        if self.shift is None:
            return _("No production shift in the last week.")
        code = self.shift.code
        label = (
            _("Shift {code}").format(code=code)
            if self.running
            else _("Shift {code} (ended)").format(code=code)
        )
        done = _("{shift}: {completed} through {station}").format(
            shift=label, completed=self.completed, station=self.last_station
        )
        if self.planned is None or self.behind is None:
            return _("{done}, no takt.").format(done=done)
        if self.behind > 0:
            pace = _("{count} behind").format(count=self.behind)
        elif self.behind < 0:
            pace = _("{count} ahead").format(count=-self.behind)
        else:
            pace = _("on plan")
        takt = format_duration(self.takt_seconds)
        return _("{done} / {planned} planned, {pace} (takt {takt}).").format(
            done=done, planned=self.planned, pace=pace, takt=takt
        )


@dataclass(frozen=True)
class LineStatus:
    at: datetime
    takt_seconds: float | None
    progress: ShiftProgress
    stations: tuple[StationStatus, ...]
    in_repair: tuple[CarInRepair, ...]
    stops: tuple[Stop, ...]

    def station(self, code: str) -> StationStatus:
        wanted = code.strip().upper()
        return next(s for s in self.stations if s.station.code == wanted)


class _LineCar(NamedTuple):
    """A car on the board as read: what the floor sees, and what places and times it."""

    car: CarSummary
    station_id: int | None
    effective: str  # its state, or the one it resumes when held
    out_of_sequence: bool


def _line_columns() -> tuple[Any, ...]:
    return (*CAR_COLUMNS, col(Vehicle.resume_state), col(Vehicle.out_of_sequence))


@cache
def _board_cars_stmt() -> CompoundSelect[*tuple[Any, ...]]:
    """Every car queued, in a station or held (through ix_vehicle_state_station, a range per
    state), and the first planned cars at the first station, in build sequence (ix_vehicle_wip,
    then a LIMIT): one statement; the planned ones are the backlog."""
    on_line = select(*_line_columns()).where(text(f"vehicle.state IN ({_quoted(_ON_THE_LINE)})"))
    backlog = (
        select(*_line_columns())
        .where(
            col(Vehicle.station_id) == bindparam("first"),
            text(f"vehicle.state = '{VehicleState.PLANNED}'"),
            VEHICLE_IN_PLANT,
        )
        .order_by(col(Vehicle.build_seq))
        .limit(bindparam("limit"))
        .subquery()
    )
    return union_all(on_line, select(backlog))


@cache
def _counts_stmt() -> Select[*tuple[Any, ...]]:
    """The header's counts in one statement: the planned backlog, and for [start, until) the cars
    through the last production station and the out-of-sequence starts.

    The starts are counted as ``overrides.sequence_breaks`` lists them (the same criteria):
    start events of the period whose station visit carries the flag.
    """
    backlog = (
        select(func.count())
        .select_from(Vehicle)
        .where(col(Vehicle.state) == VehicleState.PLANNED)
        .scalar_subquery()
    )
    completed = (
        select(func.count(func.distinct(col(StationVisit.vehicle_id))))
        .where(
            col(StationVisit.station_id) == bindparam("last"),
            col(StationVisit.completed_at) >= bindparam("start"),
            col(StationVisit.completed_at) < bindparam("until"),
        )
        .scalar_subquery()
    )
    breaks = (
        select(func.count())
        .select_from(StationEvent)
        .join(StationVisit, visit_of_start())
        .join(Vehicle, col(Vehicle.id) == col(StationEvent.vehicle_id))
        .where(
            *starts_between(bindparam("start"), bindparam("until")),
            col(StationVisit.out_of_sequence).is_(True),
        )
        .scalar_subquery()
    )
    return select(backlog, completed, breaks)


@cache
def _shift_rows_stmt() -> Select[*tuple[Any, ...]]:
    return select(
        col(Shift.code),
        col(Shift.name),
        col(Shift.start),
        col(Shift.end),
        col(Shift.breaks),
        col(Shift.days),
        col(Shift.target_cars),
    ).order_by(col(Shift.start), col(Shift.code))


# Production calendars by their time zone and shift rows: rows are read on every board, the
# calendar is built (and its definitions checked) only when they change.
_CALENDARS: dict[tuple[str, tuple[tuple[Any, ...], ...]], ShiftCalendar] = {}
_CALENDARS_KEPT = 8


def _production_calendar(session: Session, catalog: PlantCatalog) -> ShiftCalendar:
    """``shift_calendar(session).production``, without parsing the same shifts again."""
    key = (catalog.timezone, tuple(tuple(row) for row in read_rows(session, _shift_rows_stmt())))
    calendar = _CALENDARS.get(key)
    if calendar is None:
        calendar = build_calendar(key[0], [parse_shift(*row) for row in key[1]]).production
        if len(_CALENDARS) >= _CALENDARS_KEPT:
            _CALENDARS.clear()
        _CALENDARS[key] = calendar
    return calendar


def _line_car(catalog: PlantCatalog, row: Sequence[Any]) -> _LineCar:
    car = car_from_row(catalog, row)
    resume_state, out_of_sequence = row[11:]
    effective = (resume_state or VehicleState.QUEUED) if car.state == VehicleState.HELD else car.state
    return _LineCar(car, row[5], effective, bool(out_of_sequence))


def _progress(
    catalog: PlantCatalog,
    shift: ShiftWindow | None,
    takt: float | None,
    now: datetime,
    completed: int,
    breaks: int,
) -> ShiftProgress:
    last = catalog.last_production_station
    if shift is None:
        return ShiftProgress(None, False, takt, 0, None, 0, last.code)
    until = min(now, shift.end)
    planned = plan_so_far(shift.planned_seconds_between(shift.start, until), takt) if takt else None
    return ShiftProgress(shift, shift.contains(now), takt, completed, planned, breaks, last.code)


def line_status(
    session: Session, *, now: datetime | None = None, cars_per_station: int = CARS_PER_STATION
) -> LineStatus:
    """Every line station with its cars timed against takt, stops and holds; the bay; the shift's count.

    The takt is the one of the day of the shift running (or of the last one, in a
    break between shifts); the header counts that shift's cars through the last
    production station (QG) against what the takt plans by now.
    """
    now = now or utcnow()
    catalog = plant_catalog(session)
    production = _production_calendar(session, catalog)
    shift = production.current_or_last(now, lookback_days=LAST_SHIFT_LOOKBACK_DAYS)
    takt = takt_from_shifts(production.windows_on(shift.local_date)) if shift else None

    first = catalog.route[0]
    on_line: list[_LineCar] = []
    backlog: list[_LineCar] = []
    for row in read_rows(session, _board_cars_stmt(), {"first": first.id, "limit": cars_per_station}):
        line_car = _line_car(catalog, row)
        (backlog if line_car.car.state == VehicleState.PLANNED else on_line).append(line_car)
    start, until = (shift.start, min(now, shift.end)) if shift else (now, now)
    backlog_count, completed, breaks = read_rows(
        session, _counts_stmt(), {"last": catalog.last_production_station.id, "start": start, "until": until}
    ).one()

    horizon = now - WORKING_TIME_HORIZON
    oldest = min((max(c.car.since, horizon) for c in on_line), default=now)
    working_clock = WorkingClock(production.overlapping(oldest, now), now)

    def board_car(line_car: _LineCar) -> BoardCar:
        car, effective = line_car.car, line_car.effective
        inside = effective == VehicleState.IN_STATION
        # A planned car has not reached the line yet: no clock runs for it.
        working = (
            0.0 if effective == VehicleState.PLANNED else working_clock.seconds_since(max(car.since, horizon))
        )
        return BoardCar(
            car=car,
            inside=inside,
            seconds=(now - car.since).total_seconds(),
            working_seconds=working,
            level=takt_level(working, takt),
            out_of_sequence=inside and line_car.out_of_sequence,
        )

    stops = open_stops(session, now=now)
    stop_at = {s.station: s for s in stops}
    stations = []
    for station in catalog.production_route:
        here = [c for c in on_line if c.station_id == station.id]
        inside = sorted((c for c in here if c.effective == VehicleState.IN_STATION), key=_arrival)
        waiting = sorted((c for c in here if c.effective != VehicleState.IN_STATION), key=_seq)
        queue_count = len(waiting)
        if station == first:
            waiting = sorted([*waiting, *backlog], key=_seq)
            queue_count += backlog_count
        stations.append(
            StationStatus(
                station=station,
                in_station=tuple(board_car(c) for c in inside),
                queue=tuple(board_car(c) for c in waiting[:cars_per_station]),
                queue_count=queue_count,
                held_count=sum(1 for c in here if c.car.state == VehicleState.HELD),
                stop=stop_at.get(station.code),
            )
        )
    return LineStatus(
        at=now,
        takt_seconds=takt,
        progress=_progress(catalog, shift, takt, now, completed, breaks),
        stations=tuple(stations),
        in_repair=tuple(cars_in_repair(session, now=now)),
        stops=tuple(stops),
    )


def _arrival(c: _LineCar) -> tuple[datetime, int]:
    return (c.car.since, c.car.build_seq)


def _seq(c: _LineCar) -> int:
    return c.car.build_seq
