"""The line board paced by takt: each station's cars against takt, stops, holds, the bay, the shift's count.

A car's time at a station is counted in production time (inside shifts,
outside breaks), so the cars left in their stations overnight do not all turn
"very late" at the morning's first minute. Levels: ``normal`` up to one takt,
``late`` beyond one, ``very_late`` beyond two, each with a text marker so the
board never says it with colour alone.

Every part is read through an index: cars by state, QG completions by
station and time, starts by kind and time, open stops by the partial index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from neofloor.services.andon import Stop, open_stops
from neofloor.services.catalog import PlantCatalog, StationInfo, plant_catalog
from neofloor.services.clock import format_duration
from neofloor.services.metrics import plan_so_far
from neofloor.services.overrides import sequence_breaks
from neofloor.services.queries import CarSummary, car_summary
from neofloor.services.repair_time import CarInRepair, cars_in_repair
from neofloor.services.shifts import ShiftWindow, shift_calendar
from neofloor.services.takt import WORKING_TIME_HORIZON, takt_from_shifts, working_seconds_in
from neofloor.store.models import VEHICLE_IN_PLANT, StationVisit, Vehicle, VehicleState
from neofloor.store.types import utcnow

LEVEL_NORMAL = "normal"
LEVEL_LATE = "late"
LEVEL_VERY_LATE = "very_late"
LEVEL_MARKERS = {LEVEL_NORMAL: "", LEVEL_LATE: "LATE", LEVEL_VERY_LATE: "VERY LATE"}
# How many waiting cars a station lists; its count covers them all.
CARS_PER_STATION = 8
# How far back the header looks for the last production shift when none runs now.
LAST_SHIFT_LOOKBACK_DAYS = 7
_ON_THE_LINE = (VehicleState.QUEUED, VehicleState.IN_STATION, VehicleState.HELD)


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
            flags.append("HELD")
        if self.out_of_sequence:
            flags.append("OUT OF SEQUENCE")
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
            return "No production shift in the last week."
        label = f"Shift {self.shift.code}" + ("" if self.running else " (ended)")
        done = f"{label}: {self.completed} through {self.last_station}"
        if self.planned is None or self.behind is None:
            return f"{done}, no takt."
        if self.behind > 0:
            pace = f"{self.behind} behind"
        elif self.behind < 0:
            pace = f"{-self.behind} ahead"
        else:
            pace = "on plan"
        takt = format_duration(self.takt_seconds)
        return f"{done} / {self.planned} planned, {pace} (takt {takt})."


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


def _effective(v: Vehicle) -> str:
    return (v.resume_state or VehicleState.QUEUED) if v.state == VehicleState.HELD else v.state


def _progress(
    session: Session,
    catalog: PlantCatalog,
    shift: ShiftWindow | None,
    takt: float | None,
    now: datetime,
) -> ShiftProgress:
    last = catalog.last_production_station
    if shift is None:
        return ShiftProgress(None, False, takt, 0, None, 0, last.code)
    until = min(now, shift.end)
    completed = session.execute(
        select(func.count(func.distinct(col(StationVisit.vehicle_id)))).where(
            col(StationVisit.station_id) == last.id,
            col(StationVisit.completed_at) >= shift.start,
            col(StationVisit.completed_at) < until,
        )
    ).scalar_one()
    planned = plan_so_far(shift.planned_seconds_between(shift.start, until), takt) if takt else None
    breaks = sequence_breaks(session, shift.start, until).total if until > shift.start else 0
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
    production = shift_calendar(session).production
    shift = production.current_or_last(now, lookback_days=LAST_SHIFT_LOOKBACK_DAYS)
    takt = takt_from_shifts(production.windows_on(shift.local_date)) if shift else None

    on_line = list(session.execute(select(Vehicle).where(col(Vehicle.state).in_(_ON_THE_LINE))).scalars())
    first = catalog.route[0]
    backlog = list(
        session.execute(
            select(Vehicle)
            .where(
                col(Vehicle.station_id) == first.id,
                col(Vehicle.state) == VehicleState.PLANNED,
                VEHICLE_IN_PLANT,
            )
            .order_by(col(Vehicle.build_seq))
            .limit(cars_per_station)
        ).scalars()
    )
    backlog_count = session.execute(
        select(func.count()).select_from(Vehicle).where(col(Vehicle.state) == VehicleState.PLANNED)
    ).scalar_one()

    horizon = now - WORKING_TIME_HORIZON
    oldest = min((max(v.state_since, horizon) for v in on_line), default=now)
    timed_shifts = production.overlapping(oldest, now)

    def board_car(v: Vehicle) -> BoardCar:
        effective = _effective(v)
        inside = effective == VehicleState.IN_STATION
        # A planned car has not reached the line yet: no clock runs for it.
        working = (
            0.0
            if effective == VehicleState.PLANNED
            else working_seconds_in(timed_shifts, max(v.state_since, horizon), now)
        )
        return BoardCar(
            car=car_summary(catalog, v),
            inside=inside,
            seconds=(now - v.state_since).total_seconds(),
            working_seconds=working,
            level=takt_level(working, takt),
            out_of_sequence=inside and v.out_of_sequence,
        )

    stops = open_stops(session, now=now)
    stop_at = {s.station: s for s in stops}
    stations = []
    for station in catalog.production_route:
        here = [v for v in on_line if v.station_id == station.id]
        inside = sorted((v for v in here if _effective(v) == VehicleState.IN_STATION), key=_arrival)
        waiting = sorted((v for v in here if _effective(v) != VehicleState.IN_STATION), key=_seq)
        queue_count = len(waiting)
        if station == first:
            waiting = sorted([*waiting, *backlog], key=_seq)
            queue_count += backlog_count
        stations.append(
            StationStatus(
                station=station,
                in_station=tuple(board_car(v) for v in inside),
                queue=tuple(board_car(v) for v in waiting[:cars_per_station]),
                queue_count=queue_count,
                held_count=sum(1 for v in here if v.state == VehicleState.HELD),
                stop=stop_at.get(station.code),
            )
        )
    return LineStatus(
        at=now,
        takt_seconds=takt,
        progress=_progress(session, catalog, shift, takt, now),
        stations=tuple(stations),
        in_repair=tuple(cars_in_repair(session, now=now)),
        stops=tuple(stops),
    )


def _arrival(v: Vehicle) -> tuple[datetime, int]:
    return (v.state_since, v.build_seq)


def _seq(v: Vehicle) -> int:
    return v.build_seq
