"""Time in repair, read from the ledger: per car, cars in the bay now, and over a period.

A visit is a ``to_repair`` event paired with what followed it for that car, up
to its ``from_repair``; nothing about it is stored twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache

from sqlalchemy import Row, Select, bindparam, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from neofloor.i18n import _
from neofloor.services.plant.catalog import PlantCatalog, plant_catalog
from neofloor.services.plant.errors import NotFound
from neofloor.services.plant.vin import normalize_vin
from neofloor.services.supervision.repair import (
    PHASE_REPAIRED,
    PHASE_REPAIRING,
    PHASE_RETURNED,
    PHASE_WAITING,
    REPAIR_KINDS,
)
from neofloor.services.tracking.floor import read_rows
from neofloor.store.kinds import UNCLOSED
from neofloor.store.models import Defect, EventKind, Operator, StationEvent, Vehicle, VehicleState
from neofloor.store.types import utcnow

# How many vehicles one IN (...) list may carry.
_CHUNK = 500
# A repair event as read: vehicle id, VIN, build sequence, kind, time, station id, note, operator name.
_RepairEvent = Row[int, str, int, str, datetime, int | None, str, str]


@dataclass(frozen=True)
class RepairVisit:
    """One stay of one car in the repair bay, from the ledger."""

    vin: str
    build_seq: int
    sent_at: datetime
    left_station: str | None
    reason: str
    sent_by: str | None
    repair_started_at: datetime | None = None
    repair_completed_at: datetime | None = None
    returned_at: datetime | None = None
    returned_to: str | None = None
    returned_by: str | None = None

    @property
    def phase(self) -> str:
        if self.returned_at is not None:
            return PHASE_RETURNED
        if self.repair_completed_at is not None:
            return PHASE_REPAIRED
        if self.repair_started_at is not None:
            return PHASE_REPAIRING
        return PHASE_WAITING

    def seconds(self, now: datetime) -> float:
        """Time in repair: sent → returned (or until ``now`` while still away)."""
        return max(0.0, ((self.returned_at or now) - self.sent_at).total_seconds())

    def seconds_within(self, start: datetime, end: datetime, now: datetime) -> float:
        """Time in repair that falls in [start, end)."""
        low, high = max(self.sent_at, start), min(self.returned_at or now, end)
        return max(0.0, (high - low).total_seconds())


@dataclass(frozen=True)
class CarRepairTime:
    """A car's time in repair, visit by visit."""

    vin: str
    visits: tuple[RepairVisit, ...]
    total_seconds: float
    in_repair_now: bool


@dataclass(frozen=True)
class CarInRepair:
    """A car in the bay now, for the board, the bay terminal and the shift handover."""

    vin: str
    build_seq: int
    model: str
    color: str
    left_station: str | None
    returns_to: str | None  # the station it goes back to (where it left the line)
    reason: str
    sent_at: datetime
    sent_by: str | None
    phase: str
    phase_since: datetime
    seconds: float
    open_defects: int  # open, or repaired and not yet verified


@dataclass(frozen=True)
class RepairTimeSummary:
    """Repair bay time over a period: each visit clipped to it, and the total."""

    start: datetime
    end: datetime
    visits: tuple[RepairVisit, ...] = field(default_factory=tuple)
    seconds_per_visit: tuple[float, ...] = field(default_factory=tuple)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds_per_visit)

    @property
    def cars(self) -> int:
        return len({v.vin for v in self.visits})


@cache
def _repair_events_stmt() -> Select[int, str, int, str, datetime, int | None, str, str]:
    return (
        select(
            col(StationEvent.vehicle_id),
            col(Vehicle.vin),
            col(Vehicle.build_seq),
            col(StationEvent.kind),
            col(StationEvent.at),
            col(StationEvent.station_id),
            col(StationEvent.note),
            col(Operator.name),
        )
        .join(Vehicle, col(Vehicle.id) == col(StationEvent.vehicle_id))
        .outerjoin(Operator, col(Operator.id) == col(StationEvent.operator_id))
        .where(
            col(StationEvent.vehicle_id).in_(bindparam("cars", expanding=True)),
            col(StationEvent.kind).in_(REPAIR_KINDS),
        )
        .order_by(col(StationEvent.vehicle_id), col(StationEvent.id))
    )


def _repair_events(session: Session, vehicle_ids: Iterable[int]) -> list[_RepairEvent]:
    """Every repair event of these cars, car by car in ledger order."""
    ids = sorted(set(vehicle_ids))
    rows: list[_RepairEvent] = []
    for i in range(0, len(ids), _CHUNK):
        rows.extend(session.execute(_repair_events_stmt(), {"cars": ids[i : i + _CHUNK]}).all())
    return rows


def _visits(catalog: PlantCatalog, rows: list[_RepairEvent]) -> list[RepairVisit]:
    """Pair each to_repair with what followed it, up to its from_repair."""
    visits: list[RepairVisit] = []
    open_visit: dict[int, RepairVisit] = {}
    for vehicle_id, vin, build_seq, kind, at, station_id, note, name in rows:
        if kind == EventKind.TO_REPAIR:
            if vehicle_id in open_visit:  # a visit never closed in the ledger: keep it as it stands
                visits.append(open_visit.pop(vehicle_id))
            open_visit[vehicle_id] = RepairVisit(
                vin=vin,
                build_seq=build_seq,
                sent_at=at,
                left_station=catalog.station_code(station_id),
                reason=note,
                sent_by=name,
            )
            continue
        current = open_visit.get(vehicle_id)
        if current is None:
            continue
        if kind == EventKind.REPAIR_START:
            open_visit[vehicle_id] = replace(current, repair_started_at=at)
        elif kind == EventKind.REPAIR_COMPLETE:
            open_visit[vehicle_id] = replace(current, repair_completed_at=at)
        else:
            del open_visit[vehicle_id]
            visits.append(
                replace(
                    current, returned_at=at, returned_to=catalog.station_code(station_id), returned_by=name
                )
            )
    visits.extend(open_visit.values())
    return sorted(visits, key=lambda v: (v.sent_at, v.build_seq))


def car_repair_time(session: Session, raw_vin: str, *, now: datetime | None = None) -> CarRepairTime:
    """One car's visits to the repair bay and its total time there."""
    now = now or utcnow()
    catalog = plant_catalog(session)
    vin = normalize_vin(raw_vin)
    row = session.execute(select(col(Vehicle.id), col(Vehicle.state)).where(col(Vehicle.vin) == vin)).first()
    if row is None:
        raise NotFound(
            _("Unknown VIN {value!r}: it is not in the production plan.").format(value=vin or raw_vin)
        )
    visits = tuple(_visits(catalog, _repair_events(session, [row[0]])))
    return CarRepairTime(
        vin=vin,
        visits=visits,
        total_seconds=sum(v.seconds(now) for v in visits),
        in_repair_now=row[1] == VehicleState.IN_REPAIR,
    )


@cache
def _in_repair_stmt() -> Select[int | None, str, int, int, int, int | None, datetime]:
    return (
        select(
            col(Vehicle.id),
            col(Vehicle.vin),
            col(Vehicle.build_seq),
            col(Vehicle.model_id),
            col(Vehicle.color_id),
            col(Vehicle.return_station_id),
            col(Vehicle.state_since),
        )
        .where(col(Vehicle.state) == VehicleState.IN_REPAIR)
        .order_by(col(Vehicle.state_since), col(Vehicle.build_seq))
        .limit(bindparam("limit"))
    )


@cache
def _unclosed_stmt() -> Select[int, int]:
    """Defects still to close (open, or repaired and not verified) per car."""
    return (
        select(col(Defect.vehicle_id), func.count())
        .where(
            col(Defect.vehicle_id).in_(bindparam("cars", expanding=True)), col(Defect.status).in_(UNCLOSED)
        )
        .group_by(col(Defect.vehicle_id))
    )


def cars_in_repair(session: Session, *, now: datetime | None = None, limit: int = 100) -> list[CarInRepair]:
    """Cars in the repair bay now, longest there first: why, since when, at which step, defects to close.

    A car whose ledger has no visit to the bay (it was put there by hand) is
    still listed, timed from when its state changed.
    """
    now = now or utcnow()
    catalog = plant_catalog(session)
    cars = read_rows(session, _in_repair_stmt(), {"limit": limit}).all()
    if not cars:
        return []
    ids = [c[0] for c in cars]
    visits = _visits(catalog, _repair_events(session, ids))
    current = {visit.vin: visit for visit in visits if visit.returned_at is None}
    unclosed: dict[int, int] = dict(session.execute(_unclosed_stmt(), {"cars": ids}).all())
    result = []
    for vehicle_id, vin, build_seq, model_id, color_id, back_id, since in cars:
        visit = current.get(vin) or RepairVisit(
            vin=vin, build_seq=build_seq, sent_at=since, left_station=None, reason="", sent_by=None
        )
        result.append(
            CarInRepair(
                vin=vin,
                build_seq=build_seq,
                model=catalog.model(model_id).code,
                color=catalog.colors[color_id][1],
                left_station=visit.left_station,
                returns_to=catalog.station_code(back_id),
                reason=visit.reason,
                sent_at=visit.sent_at,
                sent_by=visit.sent_by,
                phase=visit.phase,
                phase_since=visit.repair_completed_at or visit.repair_started_at or visit.sent_at,
                seconds=visit.seconds(now),
                open_defects=unclosed.get(vehicle_id, 0),
            )
        )
    return result


def repair_time_summary(
    session: Session, start: datetime, end: datetime, *, now: datetime | None = None
) -> RepairTimeSummary:
    """Every repair bay visit that overlaps [start, end), and the time each spent there within it.

    Visits are found through the (kind, at) index: those sent in the period,
    those already in the bay when it began (found from their return, or still
    there now), so a car that stayed through the whole period counts too.
    """
    now = now or utcnow()
    catalog = plant_catalog(session)
    sent_in_period = select(col(StationEvent.vehicle_id)).where(
        col(StationEvent.kind) == EventKind.TO_REPAIR,
        col(StationEvent.at) >= start,
        col(StationEvent.at) < end,
    )
    returned = aliased(StationEvent)
    sent = aliased(StationEvent)
    previous_send = (
        select(func.max(col(StationEvent.id)))
        .where(
            col(StationEvent.vehicle_id) == col(returned.vehicle_id),
            col(StationEvent.kind) == EventKind.TO_REPAIR,
            col(StationEvent.id) < col(returned.id),
        )
        .scalar_subquery()
    )
    away_at_start = (
        select(col(returned.vehicle_id))
        .join(sent, col(sent.id) == previous_send)
        .where(col(returned.kind) == EventKind.FROM_REPAIR, col(returned.at) > start, col(sent.at) < start)
    )
    still_away = select(col(Vehicle.id)).where(col(Vehicle.state) == VehicleState.IN_REPAIR)
    vehicle_ids: set[int] = set()
    for stmt in (sent_in_period, away_at_start, still_away):
        vehicle_ids.update(session.execute(stmt).scalars())
    kept = []
    for visit in _visits(catalog, _repair_events(session, vehicle_ids)):
        seconds = visit.seconds_within(start, end, now)
        if visit.sent_at < end and (visit.returned_at or now) > start:
            kept.append((visit, seconds))
    return RepairTimeSummary(
        start=start,
        end=end,
        visits=tuple(v for v, _unused in kept),
        seconds_per_visit=tuple(s for _unused, s in kept),
    )
