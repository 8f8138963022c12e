"""The finished-car yard: spots, parking and moving cars, and the yard list.

A car that completes the last production station (the quality gate) is *finished*: it is
in the yard, at the yard station. The yard terminal gives it a spot ("B-07": a row letter
and a place number from the plant config), one car per spot, and moves it; each park or
move appends a ``park`` event to the ledger and an audit row (the spot before and after).
Parking takes the yard's certification or a line role (``yard_park``). The yard list reads
the yard's few hundred cars through ix_vehicle_state_station, never the delivered ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, insert, or_, select, update
from sqlmodel import Session, col

from neofloor.i18n import _
from neofloor.services.delivery.pdi import in_yard, pdi_words
from neofloor.services.delivery.stations import station_of_kind
from neofloor.services.people.audit import record
from neofloor.services.people.permissions import Action, require
from neofloor.services.plant.catalog import PlantCatalog, StationInfo, plant_catalog
from neofloor.services.plant.errors import InvalidInput, RuleViolation
from neofloor.services.plant.operators import operator_by_badge
from neofloor.services.plant.parts import PlantParts, plant_parts
from neofloor.services.plant.words import state_word
from neofloor.services.tracking.ledger import ScanResult, append_event, find_vehicle
from neofloor.store.models import (
    EventKind,
    StationKind,
    Vehicle,
    VehicleState,
    YardPlace,
)
from neofloor.store.types import utcnow

SPOT = re.compile(r"([A-Z]{1,2})-?([0-9]{1,2})")
PAGE_SIZE = 50


@dataclass(frozen=True)
class YardCar:
    """One car in the yard as the yard list shows it."""

    vin: str
    build_seq: int
    model: str
    model_name: str
    color: str
    spot: str | None
    finished_at: datetime
    seconds_in_yard: float
    pdi: str  # not started, in progress, failed, passed
    sold: bool  # built to a customer order (it has an order reference)
    order_ref: str
    held: bool
    hold_reason: str | None


@dataclass(frozen=True)
class YardPage:
    """A page of the yard list (oldest in the yard first) and how many cars the yard holds."""

    cars: tuple[YardCar, ...]
    total: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.cars) < self.total


@dataclass(frozen=True)
class ParkResult:
    vin: str
    spot: str
    previous_spot: str | None
    event_id: int
    message: str


def parse_spot(parts: PlantParts, raw: str) -> str:
    """A spot as typed or scanned ("b7", "B-07") in its one written form ("B-07"), or a refusal."""
    typed = raw.strip().upper()
    if not parts.yard_rows:
        raise RuleViolation(_("This plant's config declares no yard rows: spots cannot be given."))
    layout = _("rows {first} to {last}, places 01 to {places:02d}").format(
        first=parts.yard_rows[0], last=parts.yard_rows[-1], places=parts.yard_places
    )
    match = SPOT.fullmatch(typed)
    if match is None:
        raise InvalidInput(
            _("{given!r} is not a yard spot: write row-place, e.g. B-07 ({layout}).").format(
                given=raw.strip(), layout=layout
            )
        )
    row, place = match.group(1), int(match.group(2))
    if row not in parts.yard_rows or not 1 <= place <= parts.yard_places:
        raise InvalidInput(
            _("{row}-{place:02d} is not a spot of this yard ({layout}).").format(
                row=row, place=place, layout=layout
            )
        )
    return f"{row}-{place:02d}"


def _yard_station(catalog: PlantCatalog) -> StationInfo:
    return station_of_kind(catalog, StationKind.YARD, "yard")


def _refuse_not_in_yard(catalog: PlantCatalog, vehicle: Vehicle) -> None:
    if in_yard(vehicle.state, vehicle.resume_state):
        return
    if vehicle.state == VehicleState.DELIVERED:
        raise RuleViolation(_("{vin} was delivered; it is no longer in the yard.").format(vin=vehicle.vin))
    where = catalog.station_code(
        vehicle.return_station_id if vehicle.state == VehicleState.IN_REPAIR else vehicle.station_id
    )
    raise RuleViolation(
        _("{vin} is not in the yard: it has not passed {code} (now {state} at {station}).").format(
            vin=vehicle.vin,
            code=catalog.last_production_station.code,
            state=state_word(vehicle.state),
            station=where or _("no station"),
        )
    )


def park_car(
    session: Session,
    raw_vin: str,
    spot: str,
    operator_badge: str,
    terminal: str = "",
    *,
    now: datetime | None = None,
) -> ParkResult:
    """Park a car of the yard at a spot, or move it there; a ``park`` event records it.

    Refuses, writing nothing: a malformed spot or one outside the yard's rows and places,
    a spot taken by another car (named), the car already there, a car not in the yard, and
    someone the table does not let park at the yard (``yard_park``: its certification or a
    line role). The event and the audit row are written in the caller's transaction.
    """
    now = now or utcnow()
    catalog = plant_catalog(session)
    parts = plant_parts(session)
    yard = _yard_station(catalog)
    operator = operator_by_badge(session, operator_badge, now=now)
    require(operator, Action.YARD_PARK, yard)
    wanted = parse_spot(parts, spot)
    vehicle = find_vehicle(session, catalog, raw_vin)
    _refuse_not_in_yard(catalog, vehicle)
    places = session.execute(
        select(col(YardPlace.vehicle_id), col(YardPlace.spot), col(Vehicle.vin))
        .join_from(YardPlace, Vehicle, col(Vehicle.id) == col(YardPlace.vehicle_id))
        .where(or_(col(YardPlace.spot) == wanted, col(YardPlace.vehicle_id) == vehicle.id))
    ).all()
    previous: str | None = None
    for car_id, taken, vin in places:
        if car_id == vehicle.id:
            previous = taken
        elif taken == wanted:
            raise RuleViolation(_("Spot {wanted} is taken by {vin}.").format(wanted=wanted, vin=vin))
    if previous == wanted:
        raise RuleViolation(_("{vin} is already parked at {wanted}.").format(vin=vehicle.vin, wanted=wanted))
    note = wanted if previous is None else f"{previous} -> {wanted}"
    event_id = append_event(
        session,
        vehicle,
        EventKind.PARK,
        now,
        station_id=yard.id,
        operator=operator,
        terminal=terminal,
        note=note,
    )
    if previous is None:
        session.execute(
            insert(YardPlace).values(
                vehicle_id=vehicle.id, spot=wanted, parked_at=now, parked_by_id=operator.id
            )
        )
        message = _("{vin} parked at {wanted}.").format(vin=vehicle.vin, wanted=wanted)
    else:
        session.execute(
            update(YardPlace)
            .where(col(YardPlace.vehicle_id) == vehicle.id)
            .values(spot=wanted, parked_at=now, parked_by_id=operator.id)
        )
        message = _("{vin} moved from {previous} to {wanted}.").format(
            vin=vehicle.vin, previous=previous, wanted=wanted
        )
    session.flush()
    record(
        session,
        Action.YARD_PARK,
        now,
        operator=operator,
        terminal=terminal,
        subject=vehicle.vin,
        before={"spot": previous} if previous is not None else None,
        after={"spot": wanted},
    )
    return ParkResult(vehicle.vin, wanted, previous, event_id, message)


def leave_yard(session: Session, vehicle_id: int) -> None:
    """Free the car's spot (it was handed over): the ledger keeps where it stood."""
    session.execute(delete(YardPlace).where(col(YardPlace.vehicle_id) == vehicle_id))


@cache
def _yard_statements() -> tuple[Select[Any], Select[Any]]:
    """The yard's count and page, built once (a yard terminal reads them every few seconds).

    Finished cars and cars held in the yard both sit at the yard station: a range of
    ix_vehicle_state_station (state, station_id) per state, delivered cars never read.
    """
    vehicle, place = Vehicle.__table__.c, YardPlace.__table__.c  # type: ignore[attr-defined]
    where = (vehicle.state.in_((VehicleState.FINISHED.value, VehicleState.HELD.value)),
             vehicle.station_id == bindparam("yard"))  # fmt: skip
    count = select(func.count()).select_from(Vehicle.__table__).where(*where)  # type: ignore[attr-defined]
    page = (
        select(
            vehicle.id,
            vehicle.vin,
            vehicle.build_seq,
            vehicle.model_id,
            vehicle.color_id,
            vehicle.finished_at,
            vehicle.state_since,
            vehicle.order_ref,
            vehicle.state,
            vehicle.hold_reason,
            place.spot,
        )
        .outerjoin_from(Vehicle.__table__, YardPlace.__table__, place.vehicle_id == vehicle.id)  # type: ignore[attr-defined]
        .where(*where)
        .order_by(vehicle.finished_at, vehicle.id)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )
    return count, page


def yard_list(
    session: Session,
    *,
    offset: int = 0,
    limit: int = PAGE_SIZE,
    now: datetime | None = None,
) -> YardPage:
    """Every car in the yard, longest there first, a page at a time: spot, age, PDI, sold or not."""
    if offset < 0 or not 1 <= limit <= 1000:
        raise InvalidInput(_("A yard page starts at 0 and holds 1 to 1000 cars."))
    now = now or utcnow()
    catalog = plant_catalog(session)
    parts = plant_parts(session)
    yard = catalog.yard
    if yard is None:
        return YardPage((), 0, offset, limit)
    count, page = _yard_statements()
    conn = session.connection()
    total = conn.execute(count, {"yard": yard.id}).scalar_one()
    rows = conn.execute(page, {"yard": yard.id, "offset": offset, "limit": limit}).all()
    words = pdi_words(session, parts, ((r.id, r.model_id) for r in rows))
    cars = []
    for r in rows:
        model = catalog.model(r.model_id)
        since = r.finished_at or r.state_since
        cars.append(
            YardCar(
                vin=r.vin,
                build_seq=r.build_seq,
                model=model.code,
                model_name=model.name,
                color=catalog.colors[r.color_id][1],
                spot=r.spot,
                finished_at=since,
                seconds_in_yard=max(0.0, (now - since).total_seconds()),
                pdi=words[r.id],
                sold=bool(r.order_ref),
                order_ref=r.order_ref,
                held=r.state == VehicleState.HELD,
                hold_reason=r.hold_reason,
            )
        )
    return YardPage(tuple(cars), total, offset, limit)


def car_spot(session: Session, vehicle_id: int) -> str | None:
    """Where the car is parked in the yard, if it has a spot."""
    spot: str | None = session.execute(
        select(col(YardPlace.spot)).where(col(YardPlace.vehicle_id) == vehicle_id)
    ).scalar_one_or_none()
    return spot


def yard_scan(
    session: Session,
    station: StationInfo,
    raw_vin: str,
    operator_badge: str,
    *,
    now: datetime,
) -> ScanResult:
    """A car scanned at the yard terminal: acknowledged where it stands, nothing written.

    The spot is given separately (``park_car``); the answer says where the car is parked
    or that it still needs a spot. Refuses a car not in the yard and someone not allowed
    to scan at the yard (``scan`` in the table).
    """
    catalog = plant_catalog(session)
    operator = operator_by_badge(session, operator_badge, now=now)
    require(operator, Action.SCAN, station)
    vehicle = find_vehicle(session, catalog, raw_vin)
    assert vehicle.id is not None
    _refuse_not_in_yard(catalog, vehicle)
    spot = car_spot(session, vehicle.id)
    return ScanResult(
        vehicle.vin,
        station.code,
        "in_yard",
        vehicle.state,
        None,
        vehicle.last_event_id or 0,
        now,
        spot or "",
    )
