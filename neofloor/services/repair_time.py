"""Time in repair, read from the ledger: per car, cars in the bay now, and over a period.

A visit is a ``to_repair`` event paired with what followed it for that car, up
to its ``from_repair``; nothing about it is stored twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from neofloor.services.catalog import PlantCatalog, plant_catalog
from neofloor.services.errors import NotFound
from neofloor.services.repair import (
    PHASE_REPAIRED,
    PHASE_REPAIRING,
    PHASE_RETURNED,
    PHASE_WAITING,
    REPAIR_KINDS,
)
from neofloor.services.vin import normalize_vin
from neofloor.store.models import EventKind, Operator, StationEvent, Vehicle, VehicleState
from neofloor.store.types import utcnow

# How many vehicles one IN (...) list may carry.
_CHUNK = 500


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
    """A car in the bay now, for the board and the bay terminal."""

    vin: str
    build_seq: int
    model: str
    color: str
    left_station: str | None
    reason: str
    sent_at: datetime
    sent_by: str | None
    phase: str
    phase_since: datetime
    seconds: float


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


def _code(catalog: PlantCatalog, station_id: int | None) -> str | None:
    station = catalog.station_by_id(station_id)
    return station.code if station else None


def _repair_events(session: Session, vehicle_ids: Iterable[int]) -> list[tuple]:  # type: ignore[type-arg]
    """Every repair event of these cars, car by car in ledger order."""
    ids = sorted(set(vehicle_ids))
    rows: list[tuple] = []  # type: ignore[type-arg]
    for i in range(0, len(ids), _CHUNK):
        rows.extend(
            session.execute(
                select(
                    StationEvent.vehicle_id,
                    Vehicle.vin,
                    Vehicle.build_seq,
                    StationEvent.kind,
                    StationEvent.at,
                    StationEvent.station_id,
                    StationEvent.note,
                    Operator.name,
                )
                .join(Vehicle, Vehicle.id == StationEvent.vehicle_id)
                .outerjoin(Operator, Operator.id == StationEvent.operator_id)
                .where(
                    StationEvent.vehicle_id.in_(ids[i : i + _CHUNK]),  # type: ignore[attr-defined]
                    StationEvent.kind.in_(REPAIR_KINDS),  # type: ignore[attr-defined]
                )
                .order_by(StationEvent.vehicle_id, StationEvent.id)
            ).all()
        )
    return rows


def _visits(catalog: PlantCatalog, rows: list[tuple]) -> list[RepairVisit]:  # type: ignore[type-arg]
    """Pair each to_repair with what followed it, up to its from_repair."""
    visits: list[RepairVisit] = []
    open_visit: dict[int, dict[str, object]] = {}
    for vehicle_id, vin, build_seq, kind, at, station_id, note, name in rows:
        if kind == EventKind.TO_REPAIR:
            if vehicle_id in open_visit:  # a visit never closed in the ledger: keep it as it stands
                visits.append(RepairVisit(**open_visit.pop(vehicle_id)))  # type: ignore[arg-type]
            open_visit[vehicle_id] = {
                "vin": vin,
                "build_seq": build_seq,
                "sent_at": at,
                "left_station": _code(catalog, station_id),
                "reason": note,
                "sent_by": name,
            }
            continue
        current = open_visit.get(vehicle_id)
        if current is None:
            continue
        if kind == EventKind.REPAIR_START:
            current["repair_started_at"] = at
        elif kind == EventKind.REPAIR_COMPLETE:
            current["repair_completed_at"] = at
        else:
            current.update(returned_at=at, returned_to=_code(catalog, station_id), returned_by=name)
            visits.append(RepairVisit(**open_visit.pop(vehicle_id)))  # type: ignore[arg-type]
    visits.extend(RepairVisit(**v) for v in open_visit.values())  # type: ignore[arg-type]
    return sorted(visits, key=lambda v: (v.sent_at, v.build_seq))


def car_repair_time(session: Session, raw_vin: str, *, now: datetime | None = None) -> CarRepairTime:
    """One car's visits to the repair bay and its total time there."""
    now = now or utcnow()
    catalog = plant_catalog(session)
    vin = normalize_vin(raw_vin)
    row = session.execute(select(Vehicle.id, Vehicle.state).where(Vehicle.vin == vin)).first()
    if row is None:
        raise NotFound(f"Unknown VIN {vin or raw_vin!r}: it is not in the production plan.")
    visits = tuple(_visits(catalog, _repair_events(session, [row[0]])))
    return CarRepairTime(
        vin=vin,
        visits=visits,
        total_seconds=sum(v.seconds(now) for v in visits),
        in_repair_now=row[1] == VehicleState.IN_REPAIR,
    )


def cars_in_repair(session: Session, *, now: datetime | None = None, limit: int = 100) -> list[CarInRepair]:
    """Cars in the repair bay now, longest there first, with how long and at which step."""
    now = now or utcnow()
    catalog = plant_catalog(session)
    cars = session.execute(
        select(Vehicle.id, Vehicle.vin, Vehicle.model_id, Vehicle.color_id)
        .where(Vehicle.state == VehicleState.IN_REPAIR)
        .order_by(Vehicle.state_since, Vehicle.build_seq)
        .limit(limit)
    ).all()
    if not cars:
        return []
    current = {
        visit.vin: visit
        for visit in _visits(catalog, _repair_events(session, (c[0] for c in cars)))
        if visit.returned_at is None
    }
    result = []
    for _vehicle_id, vin, model_id, color_id in cars:
        visit = current.get(vin)
        if visit is None:
            continue
        result.append(
            CarInRepair(
                vin=vin,
                build_seq=visit.build_seq,
                model=catalog.model(model_id).code,
                color=catalog.colors[color_id][1],
                left_station=visit.left_station,
                reason=visit.reason,
                sent_at=visit.sent_at,
                sent_by=visit.sent_by,
                phase=visit.phase,
                phase_since=visit.repair_completed_at or visit.repair_started_at or visit.sent_at,
                seconds=visit.seconds(now),
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
    sent_in_period = select(StationEvent.vehicle_id).where(
        StationEvent.kind == EventKind.TO_REPAIR, StationEvent.at >= start, StationEvent.at < end
    )
    returned = aliased(StationEvent)
    sent = aliased(StationEvent)
    previous_send = (
        select(func.max(StationEvent.id))
        .where(
            StationEvent.vehicle_id == returned.vehicle_id,
            StationEvent.kind == EventKind.TO_REPAIR,
            col(StationEvent.id) < col(returned.id),
        )
        .scalar_subquery()
    )
    away_at_start = (
        select(returned.vehicle_id)
        .join(sent, sent.id == previous_send)
        .where(returned.kind == EventKind.FROM_REPAIR, returned.at > start, sent.at < start)
    )
    still_away = select(Vehicle.id).where(Vehicle.state == VehicleState.IN_REPAIR)
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
        visits=tuple(v for v, _ in kept),
        seconds_per_visit=tuple(s for _, s in kept),
    )
