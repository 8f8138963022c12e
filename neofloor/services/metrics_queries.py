"""The queries that feed the metrics: range-bounded, through the indexes, plain rows out.

Every query here is bounded by a time range on an indexed column (QG completions by
``ix_station_visit_station_completed``, stops by ``ix_downtime_started``, overrides by
``ix_station_event_kind_at``) or reads the cars' current-state columns through
``ix_vehicle_state_station``; none replays the ledger or reads a whole table, so a
shift's numbers cost the same on a ten-year plant as on a new one.

The statements are built once, with bound parameters, and reused: a dashboard that
refreshes every few seconds should not pay for building SQL each time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, exists, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from neofloor.services.catalog import PlantCatalog, plant_catalog
from neofloor.store.models import (
    Defect,
    DefectCatalogEntry,
    DefectStatus,
    Downtime,
    DowntimeReason,
    EventKind,
    Operator,
    Severity,
    Station,
    StationEvent,
    StationVisit,
    Vehicle,
    VehicleState,
)

# A stop is looked for this far before a period starts; a closed stop that started
# earlier still is not seen (an andon stop lasts minutes or hours, not weeks), while
# an open one is always seen, however old.
DOWNTIME_LOOKBACK = timedelta(days=14)
# At most this many lines in a list (held cars, overrides...); counts cover them all.
LIST_LIMIT = 200
# Defects that still need work (a repaired one awaits an inspector's verification).
UNCLOSED = (DefectStatus.OPEN, DefectStatus.REPAIRED)
# Cars between their first station and QG.
_ON_LINE = (VehicleState.IN_STATION, VehicleState.QUEUED, VehicleState.IN_REPAIR)


def _without_index(column: Any) -> Any:
    """Order by ``column + 0``: a sort of the few filtered rows, not a walk of an index.

    Ordering a short list (held cars, open critical defects) by an indexed column
    with a LIMIT tempts SQLite into walking that whole index in order, reading a
    ten-year table to find a handful of rows; an expression cannot use the index,
    so the filter's index is used and the few rows are sorted.
    """
    return column + 0


def _rows(session: Session, stmt: Any, params: Mapping[str, Any]) -> list[Any]:
    return list(session.connection().execute(stmt, dict(params)).all())


# --- output, quality and lead time: the cars through QG -------------------------------


@dataclass(frozen=True)
class QgPass:
    """A car passing QG for the first time: one car of output."""

    vehicle_id: int
    vin: str
    passed_at: datetime
    first_start_at: datetime | None
    defects: int  # recorded on the car, ever, cancelled ones left out
    repair_visits: int

    @property
    def first_pass(self) -> bool:
        """Right first time: no defect ever recorded and never sent to the repair bay."""
        return self.defects == 0 and self.repair_visits == 0

    @property
    def lead_seconds(self) -> float | None:
        if self.first_start_at is None:
            return None
        return (self.passed_at - self.first_start_at).total_seconds()


@cache
def _qg_passes_stmt() -> Select:  # type: ignore[type-arg]
    visit = aliased(StationVisit)
    earlier = aliased(StationVisit)
    defect_count = (
        select(func.count())
        .select_from(Defect)
        .where(
            col(Defect.vehicle_id) == col(visit.vehicle_id),
            col(Defect.status) != DefectStatus.CANCELLED,
        )
        .scalar_subquery()
    )
    # A car that passed QG before (and came back through it) counts in the period it first passed.
    passed_before = exists().where(
        col(earlier.vehicle_id) == col(visit.vehicle_id),
        col(earlier.station_id) == bindparam("qg"),
        col(earlier.completed_at) < col(visit.completed_at),
    )
    return (
        select(
            col(visit.vehicle_id),
            col(Vehicle.vin),
            col(visit.completed_at),
            col(Vehicle.first_start_at),
            defect_count,
            col(Vehicle.repair_visits),
        )
        .join(Vehicle, col(Vehicle.id) == col(visit.vehicle_id))
        .where(
            col(visit.station_id) == bindparam("qg"),
            col(visit.completed_at) >= bindparam("start"),
            col(visit.completed_at) < bindparam("end"),
            ~passed_before,
        )
        .order_by(col(visit.completed_at), col(visit.id))
    )


def qg_passes(session: Session, start: datetime, end: datetime) -> list[QgPass]:
    """Cars that passed QG (the last production station) for the first time in ``[start, end)``."""
    qg = plant_catalog(session).last_production_station
    rows = _rows(session, _qg_passes_stmt(), {"qg": qg.id, "start": start, "end": end})
    return [
        QgPass(
            vehicle_id=vehicle_id,
            vin=vin,
            passed_at=passed_at,
            first_start_at=first_start,
            defects=int(defects),
            repair_visits=int(repairs),
        )
        for vehicle_id, vin, passed_at, first_start, defects, repairs in rows
    ]


def output_between(session: Session, start: datetime, end: datetime) -> int:
    """Output: cars that passed QG for the first time in ``[start, end)``."""
    return len(qg_passes(session, start, end))


# --- cycle times ---------------------------------------------------------------------


@cache
def _cycles_stmt() -> Select:  # type: ignore[type-arg]
    return select(col(StationVisit.station_id), col(StationVisit.cycle_seconds)).where(
        col(StationVisit.station_id).in_(bindparam("stations", expanding=True)),
        col(StationVisit.completed_at) >= bindparam("start"),
        col(StationVisit.completed_at) < bindparam("end"),
    )


def station_cycles(session: Session, start: datetime, end: datetime) -> dict[str, list[float]]:
    """Cycle times (seconds) of visits completed in ``[start, end)``, per production station code."""
    route = plant_catalog(session).production_route
    cycles: dict[str, list[float]] = {s.code: [] for s in route}
    codes = {s.id: s.code for s in route}
    rows = _rows(session, _cycles_stmt(), {"stations": list(codes), "start": start, "end": end})
    for station_id, seconds in rows:
        if seconds is not None:
            cycles[codes[station_id]].append(float(seconds))
    return cycles


# --- downtime ------------------------------------------------------------------------


@dataclass(frozen=True)
class StopRow:
    """An andon stop as stored: open while ``ended_at`` is empty."""

    id: int
    station: str
    on_line: bool  # at a production station of the route: it stops the line
    reason_code: str
    reason: str
    started_at: datetime
    ended_at: datetime | None
    note: str


def _stop_columns() -> Select:  # type: ignore[type-arg]
    return select(
        col(Downtime.id),
        col(Downtime.station_id),
        col(DowntimeReason.code),
        col(DowntimeReason.description),
        col(Downtime.started_at),
        col(Downtime.ended_at),
        col(Downtime.note),
    ).join(DowntimeReason, col(DowntimeReason.id) == col(Downtime.reason_id))


@cache
def _recent_stops_stmt() -> Select:  # type: ignore[type-arg]
    return _stop_columns().where(
        col(Downtime.started_at) >= bindparam("since"),
        col(Downtime.started_at) < bindparam("end"),
    )


@cache
def _open_stops_stmt() -> Select:  # type: ignore[type-arg]
    # Through the partial index ux_downtime_open_station: at most one open stop per station.
    return _stop_columns().where(col(Downtime.ended_at).is_(None))


def stops_overlapping(session: Session, start: datetime, end: datetime) -> list[StopRow]:
    """Stops that were running at some moment of ``[start, end)``, oldest first."""
    catalog = plant_catalog(session)
    on_line = {s.id for s in catalog.production_route}
    recent = _rows(session, _recent_stops_stmt(), {"since": start - DOWNTIME_LOOKBACK, "end": end})
    still_open = _rows(session, _open_stops_stmt(), {})
    stops: dict[int, StopRow] = {}
    for stop_id, station_id, code, description, started, ended, note in (*recent, *still_open):
        if started >= end or (ended is not None and ended <= start):
            continue
        stops[stop_id] = StopRow(
            id=stop_id,
            station=_code(catalog, station_id) or "?",
            on_line=station_id in on_line,
            reason_code=code,
            reason=description,
            started_at=started,
            ended_at=ended,
            note=note,
        )
    return sorted(stops.values(), key=lambda s: (s.started_at, s.id))


@dataclass(frozen=True)
class OpenStop:
    station: str
    reason_code: str
    reason: str
    since: datetime


def open_stops(session: Session) -> list[OpenStop]:
    """Andon stops running now (at most one per station), oldest first."""
    catalog = plant_catalog(session)
    stops = [
        OpenStop(station=_code(catalog, station_id) or "?", reason_code=code, reason=text, since=since)
        for _id, station_id, code, text, since, _end, _note in _rows(session, _open_stops_stmt(), {})
    ]
    return sorted(stops, key=lambda s: (s.since, s.station))


# --- the line now: current-state columns ---------------------------------------------


@cache
def _wip_stmts() -> tuple[Select, Select]:  # type: ignore[type-arg]
    on_line = select(func.count()).select_from(Vehicle).where(col(Vehicle.state).in_(_ON_LINE))
    held = (
        select(func.count())
        .select_from(Vehicle)
        .where(col(Vehicle.state) == VehicleState.HELD, col(Vehicle.resume_state).in_(_ON_LINE))
    )
    return on_line, held


def wip_count(session: Session) -> int:
    """Cars started and not yet through QG: in a station, queued, in repair, or held on the line."""
    on_line, held = _wip_stmts()
    return sum(int(_rows(session, stmt, {})[0][0]) for stmt in (on_line, held))


@dataclass(frozen=True)
class HeldCar:
    vin: str
    build_seq: int
    station: str | None
    reason: str
    held_since: datetime | None


@cache
def _held_stmt() -> Select:  # type: ignore[type-arg]
    held_at = (
        select(func.max(col(StationEvent.at)))
        .where(col(StationEvent.vehicle_id) == col(Vehicle.id), col(StationEvent.kind) == EventKind.HOLD)
        .scalar_subquery()
    )
    return (
        select(
            col(Vehicle.vin),
            col(Vehicle.build_seq),
            col(Vehicle.station_id),
            col(Vehicle.hold_reason),
            held_at,
        )
        .where(col(Vehicle.state) == VehicleState.HELD)
        .order_by(_without_index(col(Vehicle.build_seq)))
        .limit(bindparam("limit"))
    )


def held_cars(session: Session, *, limit: int = LIST_LIMIT) -> list[HeldCar]:
    """Cars on hold now, with the reason, longest held first."""
    catalog = plant_catalog(session)
    cars = [
        HeldCar(
            vin=vin,
            build_seq=seq,
            station=_code(catalog, station_id),
            reason=reason or "",
            held_since=since,
        )
        for vin, seq, station_id, reason, since in _rows(session, _held_stmt(), {"limit": limit})
    ]
    return sorted(cars, key=_held_order)


def _held_order(car: HeldCar) -> tuple[bool, float, int]:
    since = car.held_since.timestamp() if car.held_since else 0.0
    return (car.held_since is None, since, car.build_seq)


@dataclass(frozen=True)
class RepairCar:
    vin: str
    build_seq: int
    sent_from: str | None
    returns_to: str | None
    since: datetime
    reason: str
    open_defects: int


@cache
def _repair_stmt() -> Select:  # type: ignore[type-arg]
    last_sent = (
        select(func.max(col(StationEvent.id)))
        .where(
            col(StationEvent.vehicle_id) == col(Vehicle.id),
            col(StationEvent.kind) == EventKind.TO_REPAIR,
        )
        .scalar_subquery()
    )
    unclosed = (
        select(func.count())
        .select_from(Defect)
        .where(col(Defect.vehicle_id) == col(Vehicle.id), col(Defect.status).in_(UNCLOSED))
        .scalar_subquery()
    )
    sent = aliased(StationEvent)
    return (
        select(
            col(Vehicle.vin),
            col(Vehicle.build_seq),
            col(sent.station_id),
            col(Vehicle.return_station_id),
            func.coalesce(col(sent.at), col(Vehicle.state_since)),
            col(sent.note),
            unclosed,
        )
        .outerjoin(sent, col(sent.id) == last_sent)
        .where(col(Vehicle.state) == VehicleState.IN_REPAIR)
        .order_by(_without_index(col(Vehicle.build_seq)))
        .limit(bindparam("limit"))
    )


def cars_in_repair(session: Session, *, limit: int = LIST_LIMIT) -> list[RepairCar]:
    """Cars in the repair bay now: where they came from, why, since when, defects still open."""
    catalog = plant_catalog(session)
    return [
        RepairCar(
            vin=vin,
            build_seq=seq,
            sent_from=_code(catalog, from_id),
            returns_to=_code(catalog, back_id),
            since=since,
            reason=note or "",
            open_defects=int(open_count),
        )
        for vin, seq, from_id, back_id, since, note, open_count in _rows(
            session, _repair_stmt(), {"limit": limit}
        )
    ]


@dataclass(frozen=True)
class OpenDefect:
    vin: str
    code: str
    description: str
    zone: str
    severity: str
    status: str
    station: str
    found_at: datetime
    car_state: str


@cache
def _critical_stmts() -> tuple[Select, Select]:  # type: ignore[type-arg]
    where = and_(col(Defect.status).in_(UNCLOSED), col(Defect.severity) == Severity.CRITICAL)
    count = select(func.count()).select_from(Defect).where(where)
    found_at = aliased(Station)
    rows = (
        select(
            col(Vehicle.vin),
            col(DefectCatalogEntry.code),
            col(DefectCatalogEntry.description),
            col(Defect.zone),
            col(Defect.severity),
            col(Defect.status),
            col(found_at.code),
            col(Defect.found_at),
            col(Vehicle.state),
        )
        .join(Vehicle, col(Vehicle.id) == col(Defect.vehicle_id))
        .join(DefectCatalogEntry, col(DefectCatalogEntry.id) == col(Defect.catalog_id))
        .join(found_at, col(found_at.id) == col(Defect.station_id))
        .where(where)
        .order_by(_without_index(col(Defect.id)))
        .limit(bindparam("limit"))
    )
    return count, rows


def open_critical_defects(session: Session, *, limit: int = LIST_LIMIT) -> tuple[int, list[OpenDefect]]:
    """Critical defects not yet closed (open, or repaired and awaiting verification): count and list."""
    count, rows = _critical_stmts()
    total = int(_rows(session, count, {})[0][0])
    return total, [OpenDefect(*row) for row in _rows(session, rows, {"limit": limit})]


# --- the ledger: overrides ----------------------------------------------------------


@dataclass(frozen=True)
class OverrideLine:
    """A rule overridden by a line leader, from the ledger."""

    at: datetime
    vin: str
    station: str | None
    operator: str | None
    note: str


@cache
def _overrides_stmt() -> Select:  # type: ignore[type-arg]
    return (
        select(
            col(StationEvent.at),
            col(Vehicle.vin),
            col(StationEvent.station_id),
            col(Operator.name),
            col(StationEvent.note),
        )
        .join(Vehicle, col(Vehicle.id) == col(StationEvent.vehicle_id))
        .outerjoin(Operator, col(Operator.id) == col(StationEvent.operator_id))
        .where(
            col(StationEvent.kind) == EventKind.OVERRIDE,
            col(StationEvent.at) >= bindparam("start"),
            col(StationEvent.at) < bindparam("end"),
        )
        .order_by(col(StationEvent.at), col(StationEvent.id))
        .limit(bindparam("limit"))
    )


def overrides_between(
    session: Session, start: datetime, end: datetime, *, limit: int = LIST_LIMIT
) -> list[OverrideLine]:
    """Override events in ``[start, end)``, oldest first."""
    catalog = plant_catalog(session)
    return [
        OverrideLine(at=at, vin=vin, station=_code(catalog, station_id), operator=name, note=note)
        for at, vin, station_id, name, note in _rows(
            session, _overrides_stmt(), {"start": start, "end": end, "limit": limit}
        )
    ]


def _code(catalog: PlantCatalog, station_id: int | None) -> str | None:
    station = catalog.station_by_id(station_id)
    return station.code if station else None
