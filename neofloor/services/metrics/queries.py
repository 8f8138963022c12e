"""The queries that feed the metrics: range-bounded, through the indexes, plain rows out.

Every query here is bounded by a time range on an indexed column (QG completions by
``ix_station_visit_station_completed``) or reads the cars' current-state columns
through ``ix_vehicle_state_station``; none replays the ledger or reads a whole table,
so a shift's numbers cost the same on a ten-year plant as on a new one. Stops, the
cars in the repair bay and the overrides of a shift come from the supervision
services (``andon``, ``repair_time``, ``overrides``), and open critical defects
through ``defect_records``, so the board, the quality screens and the handover
cannot disagree about them.

The statements are built once, with bound parameters, and reused: a dashboard that
refreshes every few seconds should not pay for building SQL each time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, exists, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.quality.records import UNCLOSED, DefectRecord, defect_records
from neofloor.store.models import (
    Defect,
    DefectStatus,
    EventKind,
    Severity,
    StationEvent,
    StationVisit,
    Vehicle,
    VehicleState,
)

# At most this many lines in a list (held cars, overrides...); counts cover them all.
LIST_LIMIT = 200
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
def _qg_passes_stmt() -> Select[int, str, datetime | None, datetime | None, int, int]:
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
    # ``station_id + 0``: the same test, which SQLite cannot answer from an index, so it looks
    # the car's own visits up by ix_station_visit_vehicle even on a plant without planner
    # statistics (else it may walk every earlier QG visit of the plant for each car).
    passed_before = exists().where(
        col(earlier.vehicle_id) == col(visit.vehicle_id),
        (col(earlier.station_id) + 0) == bindparam("qg"),
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
def _cycles_stmt() -> Select[int, float | None]:
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


# --- the line now: current-state columns ---------------------------------------------


@cache
def _wip_stmts() -> tuple[Select[int], Select[int]]:
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
    """A car on hold, with both of its moments: when the hold began, and when the car reached
    its place (joined the station's queue, or entered the station), which the hold does not move.
    The queue and the board time a car from ``at_station_since``; a hold's age is ``held_since``."""

    vin: str
    build_seq: int
    station: str | None
    reason: str
    held_since: datetime | None
    at_station_since: datetime | None = None


@cache
def _held_stmt() -> Select[str, int, int | None, str | None, datetime | None, datetime]:
    held_at = (
        select(func.max(col(StationEvent.at)))
        # ``kind || ''``: by the car's events (ix_station_event_vehicle), never by every hold
        # of the plant's history, whatever the planner statistics say.
        .where(
            col(StationEvent.vehicle_id) == col(Vehicle.id),
            col(StationEvent.kind).concat("") == EventKind.HOLD,
        )
        .scalar_subquery()
    )
    return (
        select(
            col(Vehicle.vin),
            col(Vehicle.build_seq),
            col(Vehicle.station_id),
            col(Vehicle.hold_reason),
            held_at,
            col(Vehicle.state_since),
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
            station=catalog.station_code(station_id),
            reason=reason or "",
            held_since=since,
            at_station_since=arrived,
        )
        for vin, seq, station_id, reason, since, arrived in _rows(session, _held_stmt(), {"limit": limit})
    ]
    return sorted(cars, key=_held_order)


def _held_order(car: HeldCar) -> tuple[bool, float, int]:
    since = car.held_since.timestamp() if car.held_since else 0.0
    return (car.held_since is None, since, car.build_seq)


def _open_critical() -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return col(Defect.status).in_(UNCLOSED), col(Defect.severity) == Severity.CRITICAL


@cache
def _critical_count_stmt() -> Select[int]:
    return select(func.count()).select_from(Defect).where(*_open_critical())


def open_critical_defects(
    session: Session, *, limit: int = LIST_LIMIT, now: datetime | None = None
) -> tuple[int, list[DefectRecord]]:
    """Critical defects not yet closed (open, or repaired and awaiting verification): count and list.

    Listed through the one query every defect list goes through, oldest first.
    """
    total = int(_rows(session, _critical_count_stmt(), {})[0][0])
    records = defect_records(
        session, *_open_critical(), order_by=(_without_index(col(Defect.id)),), limit=limit, now=now
    )
    return total, records
