"""Moving cars along the route: scans, holds and releases.

Each call checks every rule before it writes; then, in the caller's one
transaction, it appends the ledger event and updates the car's current state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Result, func, insert, select, update
from sqlmodel import Session, col

from neofloor.services.catalog import PlantCatalog, StationInfo, plant_catalog
from neofloor.services.errors import (
    DoubleScan,
    GateBlocked,
    InvalidInput,
    NotFound,
    OutOfSequence,
    PermissionDenied,
    RuleViolation,
    VehicleHeld,
)
from neofloor.services.operators import LINE_LEADERS, OperatorInfo, operator_by_badge, require_role
from neofloor.services.vin import validate_vin
from neofloor.store.models import (
    VEHICLE_IN_PLANT,
    Defect,
    DefectCatalogEntry,
    DefectStatus,
    EventKind,
    Role,
    Severity,
    StationEvent,
    StationKind,
    StationVisit,
    Vehicle,
    VehicleState,
)
from neofloor.store.types import utcnow

# A second scan of the same car at the same station this soon is a double scan.
DOUBLE_SCAN_WINDOW = timedelta(seconds=5)
# Who may release a hold.
RELEASERS = LINE_LEADERS | {Role.INSPECTOR}


@dataclass(frozen=True)
class ScanResult:
    """What a scan did, in the floor's words."""

    vin: str
    station: str
    action: str  # "started" or "completed"; at the repair bay "repair_started" or "repair_completed"
    state: str
    next_station: str | None
    event_id: int
    at: datetime

    @property
    def message(self) -> str:
        if self.action == "repair_started":
            return f"{self.vin} repair started at {self.station}."
        if self.action == "repair_completed":
            return f"{self.vin} repaired at {self.station}; it goes back to {self.next_station}."
        if self.action == "started":
            return f"{self.vin} started at {self.station}."
        if self.state == VehicleState.FINISHED:
            return f"{self.vin} completed {self.station}: finished, to the yard."
        return f"{self.vin} completed {self.station}; next: {self.next_station}."


@dataclass(frozen=True)
class HoldResult:
    vin: str
    state: str
    event_id: int
    message: str


def find_vehicle(session: Session, catalog: PlantCatalog, raw_vin: str) -> Vehicle:
    """The car with this VIN (checked for form first), or a refusal."""
    vin = validate_vin(raw_vin, verify_check_digit=catalog.vin_check_digit)
    vehicle = session.execute(select(Vehicle).where(col(Vehicle.vin) == vin)).scalar_one_or_none()
    if vehicle is None:
        raise NotFound(f"Unknown VIN {vin}: it is not in the production plan.")
    return vehicle


def _where(catalog: PlantCatalog, vehicle: Vehicle) -> str:
    station = catalog.station_by_id(vehicle.station_id)
    return station.code if station else "nowhere"


def inserted_id(result: Result[Any]) -> int:
    """The primary key of the row an ``insert`` statement just wrote."""
    key = cast("CursorResult[Any]", result).inserted_primary_key
    if key is None:
        raise RuntimeError("The insert wrote no row.")
    return int(key[0])


def _append_event(
    session: Session,
    vehicle: Vehicle,
    kind: str,
    at: datetime,
    *,
    station_id: int | None,
    operator: OperatorInfo | None,
    terminal: str = "",
    note: str = "",
) -> int:
    event_id = inserted_id(
        session.execute(
            insert(StationEvent).values(
                vehicle_id=vehicle.id,
                station_id=station_id,
                kind=kind,
                at=at,
                operator_id=operator.id if operator else None,
                terminal=terminal,
                note=note,
            )
        )
    )
    vehicle.last_event_id = event_id
    return event_id


def refuse_double_scan(vehicle: Vehicle, station: StationInfo, now: datetime) -> None:
    """A second scan of the car at the same station within a few seconds is ignored, not recorded.

    Either side of the last scan: two terminals' clocks may differ by a second or two.
    """
    if (
        vehicle.last_scan_station_id == station.id
        and vehicle.last_scan_at is not None
        and abs(now - vehicle.last_scan_at) < DOUBLE_SCAN_WINDOW
    ):
        raise DoubleScan(f"Double scan of {vehicle.vin} at {station.code} ignored.")


def _check_scan_rights(operator: OperatorInfo, station: StationInfo) -> None:
    if operator.role in (Role.OPERATOR,) and station.id not in operator.station_ids:
        raise PermissionDenied(f"{operator.name} is not certified for {station.code}.")


def blocking_defects(session: Session, vehicle_id: int) -> list[str]:
    """The car's open or unverified critical/major defects, each with what it still needs.

    "FN-BRK #12 (critical, open: repair and verify)", "WL-DOOR #13 (major,
    repaired: verify)": the code, the number the repair and verify commands
    take, and the next step. One query on ix_defect_vehicle.
    """
    rows = session.execute(
        select(col(DefectCatalogEntry.code), col(Defect.id), col(Defect.severity), col(Defect.status))
        .join(DefectCatalogEntry, col(DefectCatalogEntry.id) == col(Defect.catalog_id))
        .where(
            col(Defect.vehicle_id) == vehicle_id,
            col(Defect.severity).in_([Severity.CRITICAL, Severity.MAJOR]),
            col(Defect.status).in_([DefectStatus.OPEN, DefectStatus.REPAIRED]),
        )
        .order_by(col(Defect.id))
    ).all()
    next_step = {DefectStatus.OPEN: "open: repair and verify", DefectStatus.REPAIRED: "repaired: verify"}
    return [
        f"{code} #{defect_id} ({severity}, {next_step[DefectStatus(status)]})"
        for code, defect_id, severity, status in rows
    ]


def record_scan(
    session: Session,
    station_code: str,
    raw_vin: str,
    operator_badge: str,
    terminal: str = "",
    *,
    now: datetime | None = None,
) -> ScanResult:
    """Start the car at the station, or complete it if it is already there.

    Refuses (writing nothing) a malformed or unknown VIN, an unknown station or
    badge, a station the operator is not certified for, a move out of route
    order, a held car, a car with open serious defects at a quality gate, and
    a double scan of the same car at the same station within a few seconds.
    At the repair bay a scan starts or completes the repair instead.
    """
    now = now or utcnow()
    catalog = plant_catalog(session)
    station = catalog.station(station_code)
    if not station.is_production:
        if station.kind == StationKind.REPAIR:
            # The repair bay terminal scans cars in and out of repair (services/repair.py).
            from neofloor.services.repair import repair_scan

            return repair_scan(session, raw_vin, operator_badge, terminal, now=now)
        raise RuleViolation(f"{station.code} is not a production station: cars are not scanned there.")
    operator = operator_by_badge(session, operator_badge)
    _check_scan_rights(operator, station)
    vehicle = find_vehicle(session, catalog, raw_vin)
    vin = vehicle.vin

    refuse_double_scan(vehicle, station, now)
    if vehicle.state == VehicleState.HELD:
        raise VehicleHeld(f"{vin} is on hold ({vehicle.hold_reason}); a supervisor must release it.")
    if vehicle.state == VehicleState.IN_REPAIR:
        raise RuleViolation(f"{vin} is in the repair bay; it must come back from repair first.")
    if vehicle.state in (VehicleState.FINISHED, VehicleState.DELIVERED):
        raise RuleViolation(f"{vin} has already passed {catalog.last_production_station.code}.")

    if vehicle.state in (VehicleState.PLANNED, VehicleState.QUEUED):
        if vehicle.station_id != station.id:
            raise OutOfSequence(f"{vin} is due at {_where(catalog, vehicle)}, not {station.code}.")
        return _start(session, vehicle, station, operator, terminal, now)
    if vehicle.station_id != station.id:
        raise OutOfSequence(
            f"{vin} is in {_where(catalog, vehicle)}; complete it there before {station.code}."
        )
    return _complete(session, catalog, vehicle, station, operator, terminal, now)


def _start(
    session: Session,
    vehicle: Vehicle,
    station: StationInfo,
    operator: OperatorInfo,
    terminal: str,
    now: datetime,
) -> ScanResult:
    # Checked before anything is written, so the query does not flush a half-made change.
    out_of_sequence = _earlier_car_waiting(session, vehicle, station)
    event_id = _append_event(
        session, vehicle, EventKind.START, now, station_id=station.id, operator=operator, terminal=terminal
    )
    session.execute(
        insert(StationVisit).values(
            vehicle_id=vehicle.id,
            station_id=station.id,
            started_at=now,
            operator_id=operator.id,
            out_of_sequence=out_of_sequence,
        )
    )
    # The car's flag follows its latest start, so the board marks it while it is there.
    vehicle.out_of_sequence = out_of_sequence
    vehicle.state = VehicleState.IN_STATION
    vehicle.state_since = now
    vehicle.last_scan_station_id = station.id
    vehicle.last_scan_at = now
    if vehicle.first_start_at is None:
        vehicle.first_start_at = now
    session.flush()
    return ScanResult(vehicle.vin, station.code, "started", vehicle.state, None, event_id, now)


def _earlier_car_waiting(session: Session, vehicle: Vehicle, station: StationInfo) -> bool:
    """Whether a car earlier in the build sequence still waits for this station.

    Held cars and cars in the repair bay are not waiting, so passing them is no
    break of sequence. One index range scan on ix_vehicle_wip (station, build_seq).
    """
    earlier = session.execute(
        select(col(Vehicle.id))
        .where(
            col(Vehicle.station_id) == station.id,
            col(Vehicle.build_seq) < vehicle.build_seq,
            col(Vehicle.state).in_([VehicleState.PLANNED, VehicleState.QUEUED]),
            VEHICLE_IN_PLANT,
        )
        .limit(1)
    ).first()
    return earlier is not None


def _complete(
    session: Session,
    catalog: PlantCatalog,
    vehicle: Vehicle,
    station: StationInfo,
    operator: OperatorInfo,
    terminal: str,
    now: datetime,
) -> ScanResult:
    assert vehicle.id is not None
    if station.kind == StationKind.QUALITY_GATE:
        blocking = blocking_defects(session, vehicle.id)
        if blocking:
            raise GateBlocked(
                f"{vehicle.vin} cannot pass {station.code}: open serious defects {', '.join(blocking)}."
            )
    event_id = _append_event(
        session, vehicle, EventKind.COMPLETE, now, station_id=station.id, operator=operator, terminal=terminal
    )
    visit_id = session.execute(
        select(func.max(col(StationVisit.id))).where(
            col(StationVisit.vehicle_id) == vehicle.id, col(StationVisit.station_id) == station.id
        )
    ).scalar_one()
    if visit_id is not None:
        started = session.execute(
            select(col(StationVisit.started_at)).where(col(StationVisit.id) == visit_id)
        ).scalar_one()
        session.execute(
            update(StationVisit)
            .where(col(StationVisit.id) == visit_id)
            # A terminal whose clock runs behind must not record a negative cycle.
            .values(completed_at=now, cycle_seconds=max(0.0, (now - started).total_seconds()))
        )
    next_station = catalog.next_station(station)
    vehicle.last_scan_station_id = station.id
    vehicle.last_scan_at = now
    vehicle.state_since = now
    if station == catalog.last_production_station or next_station is None or not next_station.is_production:
        vehicle.state = VehicleState.FINISHED
        vehicle.station_id = catalog.yard.id if catalog.yard else None
        vehicle.finished_at = now
    else:
        vehicle.state = VehicleState.QUEUED
        vehicle.station_id = next_station.id
    session.flush()
    return ScanResult(
        vehicle.vin,
        station.code,
        "completed",
        vehicle.state,
        next_station.code if next_station else None,
        event_id,
        now,
    )


def hold_vehicle(
    session: Session,
    raw_vin: str,
    reason: str,
    operator_badge: str,
    terminal: str = "",
    *,
    now: datetime | None = None,
) -> HoldResult:
    """Stop a car where it is, with a reason; it cannot be started or completed until released."""
    now = now or utcnow()
    reason = reason.strip()
    if not reason:
        raise InvalidInput("A hold needs a reason.")
    catalog = plant_catalog(session)
    operator = operator_by_badge(session, operator_badge)
    vehicle = find_vehicle(session, catalog, raw_vin)
    if vehicle.state == VehicleState.HELD:
        raise RuleViolation(f"{vehicle.vin} is already on hold ({vehicle.hold_reason}).")
    if vehicle.state in (VehicleState.FINISHED, VehicleState.DELIVERED, VehicleState.IN_REPAIR):
        raise RuleViolation(
            f"{vehicle.vin} is {vehicle.state.replace('_', ' ')}; only cars on the line can be held."
        )
    event_id = _append_event(
        session,
        vehicle,
        EventKind.HOLD,
        now,
        station_id=vehicle.station_id,
        operator=operator,
        terminal=terminal,
        note=reason,
    )
    vehicle.resume_state = vehicle.state
    vehicle.state = VehicleState.HELD
    vehicle.hold_reason = reason
    session.flush()
    where = _where(catalog, vehicle)
    return HoldResult(vehicle.vin, vehicle.state, event_id, f"{vehicle.vin} held at {where}: {reason}.")


def release_vehicle(
    session: Session,
    raw_vin: str,
    operator_badge: str,
    note: str = "",
    terminal: str = "",
    *,
    now: datetime | None = None,
) -> HoldResult:
    """Lift a hold: the car goes back to the state it was held in."""
    now = now or utcnow()
    catalog = plant_catalog(session)
    operator = operator_by_badge(session, operator_badge)
    require_role(operator, frozenset(RELEASERS), "release a hold")
    vehicle = find_vehicle(session, catalog, raw_vin)
    if vehicle.state != VehicleState.HELD:
        raise RuleViolation(f"{vehicle.vin} is not on hold.")
    event_id = _append_event(
        session,
        vehicle,
        EventKind.RELEASE,
        now,
        station_id=vehicle.station_id,
        operator=operator,
        terminal=terminal,
        note=note.strip(),
    )
    vehicle.state = vehicle.resume_state or VehicleState.QUEUED
    vehicle.resume_state = None
    vehicle.hold_reason = None
    session.flush()
    return HoldResult(
        vehicle.vin, vehicle.state, event_id, f"{vehicle.vin} released at {_where(catalog, vehicle)}."
    )
