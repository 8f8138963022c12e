"""Defects on a car: logged, repaired, verified by an inspector (or rejected), or cancelled.

A defect goes open -> repaired -> verified; an inspector may reject a repair
(repaired -> open), and a defect logged in error is cancelled with a reason,
never deleted. Every change appends a ``DefectEvent`` and updates the defect's
status columns in the caller's one transaction, after every check has passed.

Who may do what, as the plant runs it:
- log: inspectors, supervisors, shift leads and admins anywhere; an operator
  only at a station they are certified for. Lowering a severity below the
  catalog's takes an inspector or a line leader (it can let a car through the gate).
- repair: the same people; an operator at a station they are certified for.
- verify or reject a repair: inspectors only (quality signs off, not production),
  and never the person who did the repair.
- cancel: inspectors and line leaders; whoever logged a defect may cancel it
  while it is still open (a slip of the finger).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlmodel import Session, col

from neofloor.services.plant.catalog import PlantCatalog, StationInfo, plant_catalog
from neofloor.services.plant.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from neofloor.services.plant.operators import OperatorInfo, operator_by_badge
from neofloor.services.plant.records import LINE_LEADERS
from neofloor.services.quality.catalog import SEVERITY_RANK, catalog_entry, normalize_severity, normalize_zone
from neofloor.services.quality.records import UNCLOSED, DefectRecord, defect_record
from neofloor.services.tracking.ledger import find_vehicle, inserted_id
from neofloor.store.models import (
    Defect,
    DefectCatalogEntry,
    DefectEvent,
    DefectStatus,
    Role,
    Vehicle,
    VehicleState,
)
from neofloor.store.types import utcnow

# Who may log, repair and cancel anywhere on the line (operators: at their own stations).
QUALITY_STAFF = frozenset(LINE_LEADERS | {Role.INSPECTOR})
# Who may sign a repair off, or send it back.
VERIFIERS = frozenset({Role.INSPECTOR})
TEXT_LIMIT = 500


@dataclass(frozen=True)
class DefectResult:
    """What a defect write did, with the sentence to show on the floor."""

    defect: DefectRecord
    event_id: int
    message: str


def _text(value: str, what: str, *, required: bool) -> str:
    text = value.strip()
    if required and not text:
        raise InvalidInput(f"A {what} is required.")
    if len(text) > TEXT_LIMIT:
        raise InvalidInput(f"The {what} is {len(text)} characters long; keep it under {TEXT_LIMIT}.")
    return text


def _may_work_at(operator: OperatorInfo, station: StationInfo, action: str) -> None:
    if operator.role in QUALITY_STAFF:
        return
    if operator.role == Role.OPERATOR and station.id in operator.station_ids:
        return
    raise PermissionDenied(
        f"{operator.name} may {action} only at a station they are certified for, not {station.code}."
    )


def _require_inspector(operator: OperatorInfo, action: str) -> None:
    if operator.role not in VERIFIERS:
        raise PermissionDenied(f"{operator.name} may not {action}; that takes an inspector.")


def _check_car_reached(catalog: PlantCatalog, vehicle: Vehicle, station: StationInfo) -> None:
    """A defect is found on a built car, at a station it has reached."""
    if vehicle.state == VehicleState.DELIVERED:
        raise RuleViolation(f"{vehicle.vin} was delivered: defects after handover are warranty claims.")
    if vehicle.state == VehicleState.PLANNED:
        raise RuleViolation(f"{vehicle.vin} has not started yet: there is no car to inspect.")
    if station.position is None or vehicle.state == VehicleState.FINISHED:
        return
    here_id = vehicle.return_station_id if vehicle.state == VehicleState.IN_REPAIR else vehicle.station_id
    here = catalog.station_by_id(here_id)
    if here is not None and here.position is not None and station.position > here.position:
        raise RuleViolation(f"{vehicle.vin} has not reached {station.code}; it is at {here.code}.")


def _record_step(
    session: Session,
    defect_id: int,
    kind: str,
    at: datetime,
    operator: OperatorInfo,
    station_id: int | None,
    note: str,
    message: str,
) -> DefectResult:
    """Append a step to the defect's story, with the status columns the caller has set, and read it back.

    The one way every defect write ends, so a change of status never goes without its ledger event.
    """
    event_id = inserted_id(
        session.execute(
            insert(DefectEvent).values(
                defect_id=defect_id,
                kind=kind,
                at=at,
                operator_id=operator.id,
                station_id=station_id,
                note=note,
            )
        )
    )
    session.flush()
    return DefectResult(defect_record(session, defect_id, now=at), event_id, message)


def add_defect(
    session: Session,
    raw_vin: str,
    station_code: str,
    catalog_code: str,
    zone: str,
    badge: str,
    *,
    severity: str | None = None,
    note: str = "",
    now: datetime | None = None,
) -> DefectResult:
    """Log a defect found on a car at a station; severity defaults to the catalog's.

    Refuses an unknown code, zone or severity, a car not built yet, delivered or
    not yet at that station, someone not allowed to log there, and the same
    defect (code and zone) already open or awaiting verification on the car.
    """
    now = now or utcnow()
    zone_key = normalize_zone(zone)
    note = _text(note, "note", required=False)
    catalog = plant_catalog(session)
    station = catalog.station(station_code)
    operator = operator_by_badge(session, badge)
    _may_work_at(operator, station, "log defects")
    entry = catalog_entry(session, catalog_code)
    level = normalize_severity(severity, entry.default_severity)
    if SEVERITY_RANK[level] > SEVERITY_RANK[entry.default_severity] and operator.role not in QUALITY_STAFF:
        raise PermissionDenied(
            f"{entry.code} is {entry.default_severity} in the catalog; "
            f"only an inspector or a line leader may log it as {level}."
        )
    vehicle = find_vehicle(session, catalog, raw_vin)
    _check_car_reached(catalog, vehicle, station)
    twin = session.execute(
        select(col(Defect.id), col(Defect.status))
        .where(
            col(Defect.vehicle_id) == vehicle.id,
            col(Defect.catalog_id) == entry.id,
            col(Defect.zone) == zone_key,
            col(Defect.status).in_(UNCLOSED),
        )
        .limit(1)
    ).first()
    if twin is not None:
        what = "still open" if twin.status == DefectStatus.OPEN else "repaired, to verify or reject"
        raise RuleViolation(
            f"{entry.code} at {zone_key} is already logged on {vehicle.vin} as defect #{twin.id}, {what}."
        )

    defect_id = inserted_id(
        session.execute(
            insert(Defect).values(
                vehicle_id=vehicle.id,
                station_id=station.id,
                catalog_id=entry.id,
                zone=zone_key,
                severity=level,
                note=note,
                status=DefectStatus.OPEN,
                found_at=now,
                found_by_id=operator.id,
            )
        )
    )
    return _record_step(
        session,
        defect_id,
        "found",
        now,
        operator,
        station.id,
        note,
        f"Defect #{defect_id} logged on {vehicle.vin}: "
        f"{entry.code} {entry.description}, {zone_key}, {level}.",
    )


@dataclass(frozen=True)
class _Defect:
    """A defect about to change, locked for this transaction, with its car and its label."""

    row: Defect
    vehicle: Vehicle
    code: str  # its catalog code
    label: str  # "defect #12 PT-RUN"


def _load(session: Session, defect_id: int) -> _Defect:
    """The defect (locked for this transaction), its car and its catalog code."""
    defect = session.execute(
        select(Defect).where(col(Defect.id) == defect_id).with_for_update()
    ).scalar_one_or_none()
    if defect is None:
        raise NotFound(f"No defect #{defect_id}.")
    vehicle = session.execute(select(Vehicle).where(col(Vehicle.id) == defect.vehicle_id)).scalar_one()
    code = session.execute(
        select(col(DefectCatalogEntry.code)).where(col(DefectCatalogEntry.id) == defect.catalog_id)
    ).scalar_one()
    return _Defect(defect, vehicle, code, f"defect #{defect_id} {code}")


def _refuse_if_delivered(target: _Defect) -> None:
    if target.vehicle.state == VehicleState.DELIVERED:
        raise RuleViolation(f"{target.vehicle.vin} was delivered: {target.label} can no longer change here.")


def repair_defect(
    session: Session,
    defect_id: int,
    badge: str,
    repair_note: str,
    *,
    station: str | None = None,
    now: datetime | None = None,
) -> DefectResult:
    """Record a repair (who, where, what was done): open -> repaired, waiting for an inspector.

    ``station`` is where the work was done; by default where the car is now.
    """
    now = now or utcnow()
    repair_note = _text(repair_note, "repair note (what was done)", required=True)
    catalog = plant_catalog(session)
    operator = operator_by_badge(session, badge)
    target = _load(session, defect_id)
    defect, vehicle = target.row, target.vehicle
    _refuse_if_delivered(target)
    if defect.status != DefectStatus.OPEN:
        raise RuleViolation(_not_open(target.label, defect.status))
    where = catalog.station(station) if station else catalog.station_by_id(vehicle.station_id)
    if where is None:
        raise InvalidInput(f"Where was {target.label} repaired? Give the station.")
    _may_work_at(operator, where, "record repairs")

    defect.status = DefectStatus.REPAIRED
    defect.repaired_at = now
    defect.repaired_by_id = operator.id
    defect.repair_station_id = where.id
    defect.repair_note = repair_note
    return _record_step(
        session,
        defect_id,
        "repaired",
        now,
        operator,
        where.id,
        repair_note,
        f"Defect #{defect_id} {target.code} on {vehicle.vin} repaired at {where.code}; "
        "an inspector must verify it.",
    )


def _cap(label: str) -> str:
    """``label`` at the start of a sentence ("defect #12 PT-RUN" -> "Defect #12 PT-RUN")."""
    return label[:1].upper() + label[1:]


def _not_open(label: str, status: str) -> str:
    if status == DefectStatus.REPAIRED:
        return f"{_cap(label)} is already repaired; an inspector must verify or reject it."
    if status == DefectStatus.VERIFIED:
        return f"{_cap(label)} is verified and closed; log a new defect if it came back."
    return f"{_cap(label)} was cancelled; log a new defect if there is one."


def _repair_to_check(
    session: Session, defect_id: int, badge: str, action: str
) -> tuple[OperatorInfo, _Defect]:
    """The inspector and the repaired defect for ``action`` ("verify" or "reject"), every check passed."""
    operator = operator_by_badge(session, badge)
    _require_inspector(operator, f"{action} repairs")
    target = _load(session, defect_id)
    _refuse_if_delivered(target)
    label, status = target.label, target.row.status
    if status == DefectStatus.OPEN:
        raise RuleViolation(f"{_cap(label)} is still open: there is no repair to {action} yet.")
    if status == DefectStatus.VERIFIED:
        raise RuleViolation(f"{_cap(label)} is already verified.")
    if status == DefectStatus.CANCELLED:
        raise RuleViolation(f"{_cap(label)} was cancelled; there is no repair to check.")
    return operator, target


def verify_defect(
    session: Session,
    defect_id: int,
    badge: str,
    *,
    note: str = "",
    now: datetime | None = None,
) -> DefectResult:
    """An inspector confirms the repair: repaired -> verified, closed (not by whoever repaired it)."""
    now = now or utcnow()
    note = _text(note, "note", required=False)
    operator, target = _repair_to_check(session, defect_id, badge, "verify")
    defect, vehicle = target.row, target.vehicle
    if defect.repaired_by_id == operator.id:
        raise PermissionDenied(
            f"{operator.name} repaired {target.label} and may not verify it; another inspector must."
        )

    defect.status = DefectStatus.VERIFIED
    defect.verified_at = now
    defect.verified_by_id = operator.id
    return _record_step(
        session,
        defect_id,
        "verified",
        now,
        operator,
        vehicle.station_id,
        note,
        f"Defect #{defect_id} {target.code} on {vehicle.vin} verified: closed.",
    )


def reject_repair(
    session: Session,
    defect_id: int,
    badge: str,
    reason: str,
    *,
    now: datetime | None = None,
) -> DefectResult:
    """An inspector sends a repair back: repaired -> open; the repair stays in the defect's story."""
    now = now or utcnow()
    reason = _text(reason, "reason", required=True)
    operator, target = _repair_to_check(session, defect_id, badge, "reject")
    defect, vehicle = target.row, target.vehicle

    defect.status = DefectStatus.OPEN
    defect.repaired_at = None
    defect.repaired_by_id = None
    defect.repair_station_id = None
    defect.repair_note = ""
    return _record_step(
        session,
        defect_id,
        "rejected",
        now,
        operator,
        vehicle.station_id,
        reason,
        f"Repair of defect #{defect_id} {target.code} on {vehicle.vin} rejected: open again ({reason}).",
    )


def cancel_defect(
    session: Session,
    defect_id: int,
    badge: str,
    reason: str,
    *,
    now: datetime | None = None,
) -> DefectResult:
    """Withdraw a defect logged in error, with a reason; it stays on record, marked cancelled."""
    now = now or utcnow()
    reason = _text(reason, "reason", required=True)
    operator = operator_by_badge(session, badge)
    target = _load(session, defect_id)
    defect, vehicle, label = target.row, target.vehicle, target.label
    own_open = defect.found_by_id == operator.id and defect.status == DefectStatus.OPEN
    if operator.role not in QUALITY_STAFF and not own_open:
        raise PermissionDenied(
            f"{operator.name} may not cancel {label}; that takes an inspector or a line leader."
        )
    if defect.status == DefectStatus.VERIFIED:
        raise RuleViolation(f"{_cap(label)} is verified and closed; it cannot be cancelled.")
    if defect.status == DefectStatus.CANCELLED:
        raise RuleViolation(f"{_cap(label)} is already cancelled.")

    defect.status = DefectStatus.CANCELLED
    defect.cancel_reason = reason
    return _record_step(
        session,
        defect_id,
        "cancelled",
        now,
        operator,
        vehicle.station_id,
        reason,
        f"Defect #{defect_id} {target.code} on {vehicle.vin} cancelled: {reason}.",
    )
