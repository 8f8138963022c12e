"""Key components per VIN: the serials captured at stations, their replacements, their look-ups.

A serial belongs to one car at a time (a partial unique index holds it in the database
too), a car carries one fitted part of each kind, and a part replaced in repair stays on
record: its row is marked removed (when, by whom, why) and the new serial is a new row.
Rows are never deleted, so years later a recall finds every car a serial or lot was on.
A capture takes whoever may scan at the part's station (``component_add``), a replacement
the repair bay's crew (``component_replace``); each writes its audit row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Select, and_, bindparam, insert, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from neofloor.i18n import _
from neofloor.services.people.audit import record
from neofloor.services.people.permissions import Action, require
from neofloor.services.plant import text
from neofloor.services.plant.catalog import PlantCatalog, StationInfo, plant_catalog
from neofloor.services.plant.errors import InvalidInput, NotFound, RuleViolation
from neofloor.services.plant.operators import operator_by_badge
from neofloor.services.plant.parts import PartSpec, PlantParts, missing_parts, plant_parts
from neofloor.services.plant.records import OperatorInfo
from neofloor.services.tracking.ledger import find_vehicle, inserted_id
from neofloor.store.models import FittedComponent, Operator, Vehicle, VehicleState
from neofloor.store.types import utcnow

SERIAL_MAX = 64
LOT_FORMAT = re.compile(r"[A-Z0-9][A-Z0-9._/-]{0,63}")


@dataclass(frozen=True)
class ComponentRecord:
    """One serial on one car: where and when it was fitted, and its removal if it was replaced."""

    id: int
    vin: str
    part: str
    part_name: str
    serial: str
    lot: str | None
    station: str
    fitted_at: datetime
    fitted_by: str | None
    removed_at: datetime | None
    removed_by: str | None
    removal_reason: str

    @property
    def fitted(self) -> bool:
        """Still on the car (not replaced)."""
        return self.removed_at is None


@dataclass(frozen=True)
class ComponentResult:
    """What a capture or a replacement did, with the sentence for the floor."""

    component: ComponentRecord
    replaced: ComponentRecord | None
    message: str


@dataclass(frozen=True)
class PartAtStation:
    """A part the station captures for this car, and the serial captured so far (if any)."""

    code: str
    name: str
    serial_format: str
    required: bool
    serial: str | None

    @property
    def missing(self) -> bool:
        return self.required and self.serial is None


def clean_serial(value: str, part: PartSpec) -> str:
    """A scanned serial, trimmed and upper-cased, checked against the part's format."""
    serial = text.clean_text(
        value, what=_("The {spoken_name} serial").format(spoken_name=part.spoken_name), max_length=SERIAL_MAX
    ).upper()
    if not serial:
        raise InvalidInput(_("The {spoken_name} serial is needed.").format(spoken_name=part.spoken_name))
    if not part.pattern.fullmatch(serial):
        raise InvalidInput(
            _("{serial} is not a {spoken_name} serial (expected format {serial_format}).").format(
                serial=serial, spoken_name=part.spoken_name, serial_format=part.serial_format
            )
        )
    return serial


def clean_lot(value: str | None) -> str | None:
    """A part lot as printed on the label, or None when none was given."""
    if value is None:
        return None
    lot = text.clean_text(value, what=_("The lot"), max_length=SERIAL_MAX).upper()
    if not lot:
        return None
    if not LOT_FORMAT.fullmatch(lot):
        raise InvalidInput(
            _("{lot} is not a lot number: letters, digits, '.', '/', '_' and '-' only.").format(lot=lot)
        )
    return lot


def find_part(parts: PlantParts, code: str) -> PartSpec:
    """The part with this code, or a refusal naming the plant's parts."""
    part = parts.part(code)
    if part is None:
        known = ", ".join(p.code for p in parts.parts) or "none"
        raise NotFound(
            _("Unknown part {given!r}; parts are {known}.").format(given=code.strip(), known=known)
        )
    return part


def _check_part_fits(catalog: PlantCatalog, part: PartSpec, vehicle: Vehicle) -> None:
    if not part.fits(vehicle.model_id):
        model = catalog.model(vehicle.model_id)
        raise RuleViolation(
            _("{name} is not fitted to {code} cars ({vin}).").format(
                name=part.name, code=model.code, vin=vehicle.vin
            )
        )


def _check_reached(catalog: PlantCatalog, vehicle: Vehicle, station: StationInfo) -> None:
    """A serial is captured on a built car that has reached the part's station."""
    if vehicle.state == VehicleState.DELIVERED:
        raise RuleViolation(
            _("{vin} was delivered: its components can no longer change here.").format(vin=vehicle.vin)
        )
    if vehicle.state == VehicleState.PLANNED:
        raise RuleViolation(
            _("{vin} has not reached {code}: it has not started yet.").format(
                vin=vehicle.vin, code=station.code
            )
        )
    here_id = vehicle.return_station_id if vehicle.state == VehicleState.IN_REPAIR else vehicle.station_id
    here = catalog.station_by_id(here_id)
    if (
        vehicle.state != VehicleState.FINISHED
        and here is not None
        and here.position is not None
        and station.position is not None
        and here.position < station.position
    ):
        raise RuleViolation(
            _("{vin} has not reached {code}; it is at {here}.").format(
                vin=vehicle.vin, code=station.code, here=here.code
            )
        )


def _refuse_fitted_elsewhere(session: Session, serial: str, part: PartSpec) -> None:
    row = session.execute(
        select(col(Vehicle.vin), col(FittedComponent.fitted_at))
        .join_from(FittedComponent, Vehicle, col(Vehicle.id) == col(FittedComponent.vehicle_id))
        .where(col(FittedComponent.serial) == serial, col(FittedComponent.removed_at).is_(None))
        .limit(1)
    ).first()
    if row is not None:
        raise RuleViolation(
            _("Serial {serial} is already fitted on {vin}; a serial belongs to one car.").format(
                serial=serial, vin=row.vin
            )
        )


def _fitted_row(session: Session, vehicle_id: int, part_id: int) -> Any:
    return session.execute(
        select(col(FittedComponent.id), col(FittedComponent.serial))
        .where(
            col(FittedComponent.vehicle_id) == vehicle_id,
            col(FittedComponent.part_id) == part_id,
            col(FittedComponent.removed_at).is_(None),
        )
        .limit(1)
    ).first()


def _fit(
    session: Session,
    vehicle: Vehicle,
    part: PartSpec,
    serial: str,
    lot: str | None,
    station_id: int,
    operator: OperatorInfo,
    now: datetime,
) -> int:
    """Record ``serial`` fitted to ``vehicle`` (a capture at a station, or a replacement in repair)."""
    return inserted_id(
        session.execute(
            insert(FittedComponent).values(
                vehicle_id=vehicle.id,
                part_id=part.id,
                serial=serial,
                lot=lot,
                station_id=station_id,
                fitted_at=now,
                fitted_by_id=operator.id,
                removed_at=None,
                removal_reason="",
            )
        )
    )


def _fitted(part: PartSpec, serial: str, lot: str | None, **more: str) -> dict[str, str]:
    """What the audit row says was fitted: the part, its serial, its lot when it has one."""
    return {"part": part.code, "serial": serial, **({"lot": lot} if lot else {}), **more}


def capture_component(
    session: Session,
    raw_vin: str,
    part_code: str,
    serial: str,
    operator_badge: str,
    *,
    lot: str | None = None,
    station_code: str | None = None,
    terminal: str = "",
    now: datetime | None = None,
) -> ComponentResult:
    """Record the serial (and lot) of a part fitted to a car at the part's station.

    Refuses, writing nothing: an unknown part or VIN, a part not fitted to the car's model,
    a station that does not capture this part, someone not allowed to scan there, a car
    that has not reached the station (or was delivered), a wrong serial format, a serial
    fitted on another car (named), and a part this car already has (replace it instead).
    """
    now = now or utcnow()
    catalog = plant_catalog(session)
    parts = plant_parts(session)
    part = find_part(parts, part_code)
    station = catalog.station(station_code) if station_code else catalog.station(part.station)
    if station.id != part.station_id:
        raise RuleViolation(
            _("The {spoken_name} serial is captured at {station}, not {code}.").format(
                spoken_name=part.spoken_name, station=part.station, code=station.code
            )
        )
    operator = operator_by_badge(session, operator_badge, now=now)
    require(operator, Action.COMPONENT_ADD, station)
    vehicle = find_vehicle(session, catalog, raw_vin)
    assert vehicle.id is not None
    _check_part_fits(catalog, part, vehicle)
    cleaned = clean_serial(serial, part)
    cleaned_lot = clean_lot(lot)
    _check_reached(catalog, vehicle, station)
    present = _fitted_row(session, vehicle.id, part.id)
    if present is not None:
        raise RuleViolation(
            _("{vin} already has {spoken_name} {serial}; replace it in repair instead.").format(
                vin=vehicle.vin, spoken_name=part.spoken_name, serial=present.serial
            )
        )
    _refuse_fitted_elsewhere(session, cleaned, part)
    component_id = _fit(session, vehicle, part, cleaned, cleaned_lot, station.id, operator, now)
    record(
        session,
        Action.COMPONENT_ADD,
        now,
        operator=operator,
        terminal=terminal,
        subject=vehicle.vin,
        after=_fitted(part, cleaned, cleaned_lot, station=station.code),
    )
    fitted = _records(session, catalog, parts, col(FittedComponent.id) == component_id)[0]
    return ComponentResult(
        fitted,
        None,
        _("{name} {cleaned} recorded on {vin} at {code}.").format(
            name=part.name, cleaned=cleaned, vin=vehicle.vin, code=station.code
        ),
    )


def replace_component(
    session: Session,
    raw_vin: str,
    part_code: str,
    serial: str,
    operator_badge: str,
    reason: str,
    *,
    lot: str | None = None,
    terminal: str = "",
    now: datetime | None = None,
) -> ComponentResult:
    """Replace a fitted part in repair: the old serial is marked removed, the new one recorded.

    The car must be in the repair bay (or held there) or in the yard, and the person allowed
    to work at the repair bay; a reason is required. The old row stays, marked removed.
    """
    now = now or utcnow()
    catalog = plant_catalog(session)
    parts = plant_parts(session)
    part = find_part(parts, part_code)
    bay = catalog.repair_bay
    if bay is None:
        raise RuleViolation(_("This plant has no repair bay: parts are replaced in repair."))
    why = text.clean_text(reason, what=_("The reason"), max_length=text.REASON_MAX)
    if not why:
        raise InvalidInput(_("A replacement needs a reason."))
    operator = operator_by_badge(session, operator_badge, now=now)
    require(operator, Action.COMPONENT_REPLACE, bay)
    vehicle = find_vehicle(session, catalog, raw_vin)
    assert vehicle.id is not None
    _check_part_fits(catalog, part, vehicle)
    in_repair = vehicle.state == VehicleState.IN_REPAIR or (
        vehicle.state == VehicleState.HELD and vehicle.resume_state == VehicleState.IN_REPAIR
    )
    in_yard = vehicle.state == VehicleState.FINISHED or (
        vehicle.state == VehicleState.HELD and vehicle.resume_state == VehicleState.FINISHED
    )
    if not (in_repair or in_yard):
        raise RuleViolation(
            _("{vin} is not in repair: parts are replaced in the repair bay or the yard.").format(
                vin=vehicle.vin
            )
        )
    cleaned = clean_serial(serial, part)
    cleaned_lot = clean_lot(lot)
    present = _fitted_row(session, vehicle.id, part.id)
    if present is None:
        raise RuleViolation(
            _("{vin} has no {spoken_name} recorded; capture it instead.").format(
                vin=vehicle.vin, spoken_name=part.spoken_name
            )
        )
    if present.serial == cleaned:
        raise RuleViolation(
            _("{cleaned} is the {spoken_name} already on {vin}.").format(
                cleaned=cleaned, spoken_name=part.spoken_name, vin=vehicle.vin
            )
        )
    _refuse_fitted_elsewhere(session, cleaned, part)
    session.execute(
        update(FittedComponent)
        .where(col(FittedComponent.id) == present.id)
        .values(removed_at=now, removed_by_id=operator.id, removal_reason=why)
    )
    component_id = _fit(session, vehicle, part, cleaned, cleaned_lot, bay.id, operator, now)
    record(
        session,
        Action.COMPONENT_REPLACE,
        now,
        operator=operator,
        terminal=terminal,
        subject=vehicle.vin,
        before={"part": part.code, "serial": present.serial},
        after=_fitted(part, cleaned, cleaned_lot, reason=why),
    )
    new, old = (
        _records(session, catalog, parts, col(FittedComponent.id) == row_id)[0]
        for row_id in (component_id, present.id)
    )
    return ComponentResult(
        new,
        old,
        _("{name} on {vin} replaced: {serial} removed, {cleaned} fitted.").format(
            name=part.name, vin=vehicle.vin, serial=present.serial, cleaned=cleaned
        ),
    )


def car_components(session: Session, raw_vin: str) -> list[ComponentRecord]:
    """Every serial ever fitted to the car, by part in config order, each part's newest first."""
    catalog = plant_catalog(session)
    parts = plant_parts(session)
    vehicle = find_vehicle(session, catalog, raw_vin)
    records = _records(session, catalog, parts, col(FittedComponent.vehicle_id) == vehicle.id)
    order = {p.code: i for i, p in enumerate(parts.parts)}
    return sorted(records, key=lambda r: (order.get(r.part, len(order)), -r.fitted_at.timestamp(), -r.id))


def find_serial(session: Session, serial: str) -> list[ComponentRecord]:
    """The car(s) a serial is or was on, newest first: one range of ix_fitted_component_serial.

    Refuses a serial no car ever had.
    """
    wanted = text.clean_text(serial, what=_("The serial"), max_length=SERIAL_MAX).upper()
    if not wanted:
        raise InvalidInput(_("Give a serial to look for."))
    catalog = plant_catalog(session)
    records = _records(session, catalog, plant_parts(session), None, params={"serial": wanted})
    if not records:
        raise NotFound(_("No car has a component with serial {wanted}.").format(wanted=wanted))
    return records  # newest first, by the statement's order


def components_with_lot(session: Session, lot: str, *, limit: int = 500) -> list[ComponentRecord]:
    """Components from one lot (on ix_fitted_component_lot), newest first, at most ``limit``."""
    wanted = clean_lot(lot)
    if wanted is None:
        raise InvalidInput(_("Give a lot to look for."))
    catalog = plant_catalog(session)
    # "lot IS NOT NULL" repeated literally: the lot index is partial.
    where = and_(col(FittedComponent.lot) == wanted, sql_text("fitted_component.lot IS NOT NULL"))
    return _records(session, catalog, plant_parts(session), where, limit=limit)


def parts_at_station(session: Session, raw_vin: str, station_code: str) -> list[PartAtStation]:
    """The parts this station captures for the car, each with the serial captured so far.

    The station terminal prompts for those still ``missing`` (required and not captured)
    before it lets the car complete there.
    """
    catalog = plant_catalog(session)
    parts = plant_parts(session)
    station = catalog.station(station_code)
    vehicle = find_vehicle(session, catalog, raw_vin)
    here = parts.at_station(station.id, vehicle.model_id)
    if not here:
        return []
    fitted = dict(
        session.execute(
            select(col(FittedComponent.part_id), col(FittedComponent.serial)).where(
                col(FittedComponent.vehicle_id) == vehicle.id,
                col(FittedComponent.part_id).in_([p.id for p in here]),
                col(FittedComponent.removed_at).is_(None),
            )
        ).all()
    )
    return [PartAtStation(p.code, p.name, p.serial_format, p.required, fitted.get(p.id)) for p in here]


def parts_needed(session: Session, raw_vin: str, station_code: str) -> list[PartAtStation]:
    """The required parts the car still lacks at this station (empty: it may complete)."""
    return [p for p in parts_at_station(session, raw_vin, station_code) if p.missing]


def missing_at_completion(
    session: Session, vehicle_id: int, model_id: int, station_id: int
) -> tuple[PartSpec, ...]:
    """The required parts not yet captured for a car at a station (the scan's check, as a service)."""
    required = plant_parts(session).required_at(station_id, model_id)
    return missing_parts(session.connection(), vehicle_id, required)


@cache
def _records_statement() -> Select[Any]:
    """What a component record reads, built once: callers add their ``where``."""
    fitter, remover = aliased(Operator), aliased(Operator)
    statement = (
        select(
            col(FittedComponent.id),
            col(Vehicle.vin),
            col(FittedComponent.part_id),
            col(FittedComponent.serial),
            col(FittedComponent.lot),
            col(FittedComponent.station_id),
            col(FittedComponent.fitted_at),
            col(fitter.name),
            col(FittedComponent.removed_at),
            col(remover.name),
            col(FittedComponent.removal_reason),
        )
        .join_from(FittedComponent, Vehicle, col(Vehicle.id) == col(FittedComponent.vehicle_id))
        .outerjoin(fitter, col(fitter.id) == col(FittedComponent.fitted_by_id))
        .outerjoin(remover, col(remover.id) == col(FittedComponent.removed_by_id))
        .order_by(col(FittedComponent.id).desc())
    )
    return cast("Select[Any]", statement)


@cache
def _by_serial_statement() -> Select[Any]:
    """The serial search, built once (a terminal or a recall asks it again and again)."""
    return _records_statement().where(col(FittedComponent.serial) == bindparam("serial"))


def _records(
    session: Session,
    catalog: PlantCatalog,
    parts: PlantParts,
    where: Any,
    *,
    limit: int | None = None,
    params: dict[str, Any] | None = None,
) -> list[ComponentRecord]:
    query = _records_statement().where(where) if where is not None else _by_serial_statement()
    if limit is not None:
        query = query.limit(limit)
    by_id = {p.id: p for p in parts.parts}
    records: list[ComponentRecord] = []
    for row in session.connection().execute(query, params or {}):
        part = by_id.get(row[2])
        records.append(
            ComponentRecord(
                id=row[0],
                vin=row[1],
                part=part.code if part else "?",
                part_name=part.name if part else "?",
                serial=row[3],
                lot=row[4],
                station=catalog.station_code(row[5]) or "?",
                fitted_at=row[6],
                fitted_by=row[7],
                removed_at=row[8],
                removed_by=row[9],
                removal_reason=row[10],
            )
        )
    return records
