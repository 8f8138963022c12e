"""The repair bay loop: a car leaves the line for the bay, is scanned in and out there, and comes back.

The ledger tells the whole story of a visit: ``to_repair`` (at the station the
car left, with the reason), ``repair_start`` and ``repair_complete`` (at the
bay), ``from_repair`` (at the station it goes back to, noted "REPAIR -> TRIM1").
While it is away the car is ``in_repair`` at the bay, with ``return_station_id``
naming the station it left; it comes back queued there and is scanned in again.
A car taken out of a station mid-work leaves that station visit open (never
completed): it did not pass the station, and starts a new visit when it returns.
Time in repair is read from those events (``repair_time``), never kept twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from neofloor.i18n import _
from neofloor.services.people.audit import record
from neofloor.services.people.permissions import Action, require
from neofloor.services.plant.catalog import PlantCatalog, StationInfo, plant_catalog
from neofloor.services.plant.errors import RuleViolation, VehicleHeld
from neofloor.services.plant.operators import operator_by_badge
from neofloor.services.supervision.rules import (
    clean_reason,
    local_hhmm,
)
from neofloor.services.tracking.ledger import ScanResult, append_event, find_vehicle, refuse_double_scan
from neofloor.store.models import EventKind, StationEvent, VehicleState
from neofloor.store.types import utcnow

REPAIR_KINDS = (EventKind.TO_REPAIR, EventKind.REPAIR_START, EventKind.REPAIR_COMPLETE, EventKind.FROM_REPAIR)
# Where a car in the bay stands, from its latest repair event.
PHASE_WAITING = "waiting"  # sent, not yet scanned in at the bay
PHASE_REPAIRING = "repairing"
PHASE_REPAIRED = "repaired"  # scanned out, waiting to go back to the line
PHASE_RETURNED = "returned"  # back on the line: the visit is over
_PHASES = {
    EventKind.TO_REPAIR: PHASE_WAITING,
    EventKind.REPAIR_START: PHASE_REPAIRING,
    EventKind.REPAIR_COMPLETE: PHASE_REPAIRED,
}


@dataclass(frozen=True)
class RepairResult:
    """What a move into or out of the repair bay did."""

    vin: str
    action: str  # "sent" or "returned"
    state: str
    station: str  # where the car is now
    left_station: str | None  # the station it left for the bay
    event_id: int
    at: datetime
    message: str


def _repair_bay(catalog: PlantCatalog) -> StationInfo:
    bay = catalog.repair_bay
    if bay is None:
        raise RuleViolation(_("This plant has no repair bay."))
    return bay


def _repair_phase(session: Session, vehicle_id: int) -> str:
    """The phase of the car's current bay visit, from its latest repair event."""
    kind = session.execute(
        select(col(StationEvent.kind))
        .where(
            col(StationEvent.vehicle_id) == vehicle_id,
            col(StationEvent.kind).in_(list(_PHASES)),
        )
        .order_by(col(StationEvent.id).desc())
        .limit(1)
    ).scalar()
    return PHASE_WAITING if kind is None else _PHASES.get(kind, PHASE_WAITING)


def send_to_repair(
    session: Session,
    raw_vin: str,
    reason: str,
    operator_badge: str,
    terminal: str = "",
    *,
    now: datetime | None = None,
) -> RepairResult:
    """Take a car off the line to the repair bay, with a reason; it comes back to the station it left.

    Supervisors, shift leads, admins and inspectors may; operators may not. Only a
    car queued for or inside a station can go: not a planned, held, finished or
    delivered car, nor one already in the bay.
    """
    now = now or utcnow()
    reason = clean_reason(reason, what=_("Sending a car to repair"))
    catalog = plant_catalog(session)
    bay = _repair_bay(catalog)
    operator = operator_by_badge(session, operator_badge, now=now)
    require(operator, Action.SEND_TO_REPAIR)
    vehicle = find_vehicle(session, catalog, raw_vin)
    vin = vehicle.vin
    if vehicle.state == VehicleState.IN_REPAIR:
        since = local_hhmm(vehicle.state_since, catalog.timezone)
        raise RuleViolation(
            _("{vin} is already in the repair bay (since {since}).").format(vin=vin, since=since)
        )
    if vehicle.state == VehicleState.HELD:
        raise VehicleHeld(
            _("{vin} is on hold ({hold_reason}); release it before sending it to repair.").format(
                vin=vin, hold_reason=vehicle.hold_reason
            )
        )
    if vehicle.state in (VehicleState.FINISHED, VehicleState.DELIVERED):
        raise RuleViolation(
            _("{vin} has already left the line; only cars on the line go to repair.").format(vin=vin)
        )
    if vehicle.state == VehicleState.PLANNED:
        raise RuleViolation(
            _("{vin} has not started on the line yet; only cars on the line go to repair.").format(vin=vin)
        )
    left = catalog.station_by_id(vehicle.station_id)
    event_id = append_event(
        session,
        vehicle,
        EventKind.TO_REPAIR,
        now,
        station_id=vehicle.station_id,
        operator=operator,
        terminal=terminal,
        note=reason,
    )
    vehicle.state = VehicleState.IN_REPAIR
    vehicle.return_station_id = vehicle.station_id
    vehicle.station_id = bay.id
    vehicle.state_since = now
    vehicle.resume_state = None
    vehicle.repair_visits = (vehicle.repair_visits or 0) + 1
    session.flush()
    left_code = left.code if left else None
    record(
        session,
        Action.SEND_TO_REPAIR,
        now,
        operator=operator,
        terminal=terminal,
        subject=vin,
        before={"station": left_code},
        after={"station": bay.code, "reason": reason},
    )
    return RepairResult(
        vin=vin,
        action="sent",
        state=vehicle.state,
        station=bay.code,
        left_station=left_code,
        event_id=event_id,
        at=now,
        message=(
            _("{vin} sent to {code} from {origin}: {reason}.").format(
                vin=vin, code=bay.code, origin=left_code, reason=reason
            )
            if left_code
            else _("{vin} sent to {code} from the line: {reason}.").format(
                vin=vin, code=bay.code, reason=reason
            )
        ),
    )


def repair_scan(
    session: Session,
    raw_vin: str,
    operator_badge: str,
    terminal: str = "",
    *,
    now: datetime | None = None,
) -> ScanResult:
    """At the repair bay: the first scan starts the repair, the second completes it.

    ``record_scan`` at the repair bay station comes here too, so a terminal bound
    to the bay scans like any other. A second scan within a few seconds is a
    double scan and is ignored; a third scan is refused (the car waits to go back).
    """
    now = now or utcnow()
    catalog = plant_catalog(session)
    bay = _repair_bay(catalog)
    operator = operator_by_badge(session, operator_badge, now=now)
    require(operator, Action.REPAIR_SCAN, bay)
    vehicle = find_vehicle(session, catalog, raw_vin)
    vin = vehicle.vin
    assert vehicle.id is not None
    refuse_double_scan(vehicle, bay, now, catalog.double_scan_window)
    if vehicle.state != VehicleState.IN_REPAIR:
        raise RuleViolation(
            _("{vin} is not in the repair bay; a supervisor sends cars there from the line.").format(vin=vin)
        )
    back_to = catalog.station_code(vehicle.return_station_id)
    phase = _repair_phase(session, vehicle.id)
    if phase == PHASE_REPAIRED:
        raise RuleViolation(
            _("{vin} is already repaired; it waits to go back to {back_to}.").format(vin=vin, back_to=back_to)
        )
    kind = EventKind.REPAIR_START if phase == PHASE_WAITING else EventKind.REPAIR_COMPLETE
    event_id = append_event(
        session, vehicle, kind, now, station_id=bay.id, operator=operator, terminal=terminal
    )
    vehicle.last_scan_station_id = bay.id
    vehicle.last_scan_at = now
    session.flush()
    action = "repair_started" if kind == EventKind.REPAIR_START else "repair_completed"
    record(
        session,
        Action.REPAIR_SCAN,
        now,
        operator=operator,
        terminal=terminal,
        subject=vin,
        after={"station": bay.code, "did": action},
    )
    return ScanResult(vin, bay.code, action, vehicle.state, back_to, event_id, now)


def return_from_repair(
    session: Session,
    raw_vin: str,
    operator_badge: str,
    to_station: str | None = None,
    note: str = "",
    terminal: str = "",
    *,
    now: datetime | None = None,
) -> RepairResult:
    """Send a repaired car back to the line, queued at the station it left (scanned in again there).

    Naming another station is a supervisor's choice (supervisor, shift lead,
    admin), recorded in the ledger note with the station it left.
    """
    now = now or utcnow()
    note = clean_reason(note, what=_("A return from repair"), required=False)
    catalog = plant_catalog(session)
    bay = _repair_bay(catalog)
    named = catalog.station(to_station) if to_station else None
    operator = operator_by_badge(session, operator_badge, now=now)
    vehicle = find_vehicle(session, catalog, raw_vin)
    vin = vehicle.vin
    assert vehicle.id is not None
    if vehicle.state != VehicleState.IN_REPAIR:
        raise RuleViolation(_("{vin} is not in the repair bay.").format(vin=vin))
    phase = _repair_phase(session, vehicle.id)
    if phase == PHASE_WAITING:
        raise RuleViolation(
            _("{vin} has not been repaired yet: scan it in and out at {code} first.").format(
                vin=vin, code=bay.code
            )
        )
    if phase == PHASE_REPAIRING:
        raise RuleViolation(
            _("{vin} is still being repaired: scan it out at {code} first.").format(vin=vin, code=bay.code)
        )
    left = catalog.station_by_id(vehicle.return_station_id)
    target = named or left
    if target is None:
        raise RuleViolation(_("{vin} has no station to go back to; name one.").format(vin=vin))
    if target != left:
        require(operator, Action.REDIRECT)
    else:
        require(operator, Action.BACK_TO_LINE, bay)
    if not target.is_production:
        raise RuleViolation(
            _("{code} is not a production station; a repaired car goes back to the line.").format(
                code=target.code
            )
        )
    moved = f"{bay.code} -> {target.code}"
    if target != left and left is not None:
        moved += f" (left from {left.code})"
    event_id = append_event(
        session,
        vehicle,
        EventKind.FROM_REPAIR,
        now,
        station_id=target.id,
        operator=operator,
        terminal=terminal,
        note=f"{moved}: {note}" if note else moved,
    )
    vehicle.state = VehicleState.QUEUED
    vehicle.station_id = target.id
    vehicle.return_station_id = None
    vehicle.state_since = now
    session.flush()
    record(
        session,
        Action.BACK_TO_LINE if target == left else Action.REDIRECT,
        now,
        operator=operator,
        terminal=terminal,
        subject=vin,
        before={"station": bay.code},
        after={"station": target.code, "note": note} if note else {"station": target.code},
    )
    return RepairResult(
        vin=vin,
        action="returned",
        state=vehicle.state,
        station=target.code,
        left_station=left.code if left else None,
        event_id=event_id,
        at=now,
        message=(
            _("{vin} back from repair, queued at {code} (instead of {planned}).").format(
                vin=vin, code=target.code, planned=left.code
            )
            if left is not None and target != left
            else _("{vin} back from repair, queued at {code}.").format(vin=vin, code=target.code)
        ),
    )
