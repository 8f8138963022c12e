"""A recall that acts: the cars every given filter agrees on, and holding those still at the plant.

A recall is rarely one question. "The electric cars whose HV battery came from serials
B-0100 to B-0180 and that went through CHASSIS in May" combines a model, a station and
its period, a component part with a serial range (or a lot), a defect code. Each
filter given is read through its own index (the station's visits by completion time,
the code's defects by time found, the part's serials or the lot's parts) into a set of
cars; the recall is the cars in every set, in build order, each with where it is now
and, once it left, who has it and who financed it.

:func:`hold_recall` then puts every one of them still at the plant (on the line, in the
repair bay, in the yard) on hold with one reason, in ONE transaction: one hold event per
car through the holds service and the ledger, all or none. Cars already on hold are
reported, not held twice; delivered cars are listed for the recall letters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlmodel import Session, col

from neofloor.i18n import _, ngettext
from neofloor.services.delivery.components import clean_lot, find_part
from neofloor.services.people.permissions import Action, require
from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.errors import InvalidInput
from neofloor.services.plant.operators import operator_by_badge
from neofloor.services.plant.parts import plant_parts
from neofloor.services.plant.text import REASON_MAX, clean_text
from neofloor.services.quality.catalog import catalog_entry
from neofloor.services.traceability.recall import CarNames, RecallCar, Tally, check_period
from neofloor.services.tracking.holds import hold_vehicle
from neofloor.store.models import (
    Defect,
    DefectStatus,
    Delivery,
    FinancingPartner,
    FittedComponent,
    StationVisit,
    Vehicle,
    VehicleState,
)
from neofloor.store.types import utcnow

# How many car ids one IN (...) list carries.
_CHUNK = 500


@dataclass(frozen=True)
class RecallQuery:
    """The filters of a recall; those left empty do not restrict it. The period is ``[start, end)``.

    The period applies to the filters that happen at a time: the station's completion,
    the defect's finding, the part's fitting.
    """

    model: str | None = None
    station: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    defect: str | None = None
    part: str | None = None
    serial_from: str | None = None
    serial_to: str | None = None
    lot: str | None = None

    @property
    def anchored(self) -> bool:
        """Says what the recall is about: a station, a defect code, a part or a lot."""
        return any((self.station, self.defect, self.part, self.lot))

    def describe(self) -> str:
        """The filters in a line, as a recall list's title says them."""
        parts: list[str] = []
        if self.model:
            parts.append(_("model {code}").format(code=self.model.upper()))
        if self.station:
            parts.append(_("through {code}").format(code=self.station.upper()))
        if self.defect:
            parts.append(_("defect {code}").format(code=self.defect.upper()))
        if self.part:
            serials = ""
            if self.serial_from or self.serial_to:
                serials = _(" serials {first} to {last}").format(
                    first=self.serial_from or "…", last=self.serial_to or "…"
                )
            parts.append(_("part {code}{serials}").format(code=self.part.upper(), serials=serials))
        if self.lot:
            parts.append(_("lot {lot}").format(lot=self.lot))
        return ", ".join(parts) or _("no filter")


@dataclass(frozen=True)
class ContainedCar(RecallCar):
    """A car every filter agrees on, with what matched: completion, defects, parts."""

    held: bool = False
    completed_at: datetime | None = None  # its first completion of the station in the period
    defect_ids: tuple[int, ...] = ()
    parts: tuple[tuple[str, str, str | None], ...] = ()  # (part, serial, lot) fitted

    @property
    def at_plant(self) -> bool:
        return self.state != VehicleState.DELIVERED


@dataclass(frozen=True)
class Containment(Tally):
    """The cars of a recall, in build order."""

    rows: tuple[ContainedCar, ...]
    query: RecallQuery
    timezone: str

    @property
    def to_hold(self) -> tuple[ContainedCar, ...]:
        """Cars still at the plant and not on hold yet: what a hold-all would hold."""
        return tuple(c for c in self.rows if c.at_plant and not c.held)

    @property
    def already_held(self) -> tuple[ContainedCar, ...]:
        return tuple(c for c in self.rows if c.at_plant and c.held)

    @property
    def delivered_cars(self) -> tuple[ContainedCar, ...]:
        """Cars with customers: the recall letters go to them (customer, date, financing partner)."""
        return tuple(c for c in self.rows if not c.at_plant)


@dataclass(frozen=True)
class RecallHoldResult:
    """What a hold-all did: the cars it held, those it found already held, those already delivered."""

    held: tuple[str, ...]
    already_held: tuple[str, ...]
    delivered: tuple[str, ...]
    reason: str
    event_ids: tuple[int, ...] = field(repr=False, default=())

    @property
    def message(self) -> str:
        held = len(self.held)
        sentence = ngettext("{n} car put on hold: {reason}.", "{n} cars put on hold: {reason}.", held).format(
            n=held, reason=self.reason
        )
        if self.already_held:
            sentence += _(" {count} already on hold, left as they were.").format(count=len(self.already_held))
        if self.delivered:
            sentence += _(" {count} delivered: see the list for the recall letters.").format(
                count=len(self.delivered)
            )
        return sentence


def _station_cars(
    session: Session, code: str, start: datetime, end: datetime, wanted: set[int] | None
) -> dict[int, datetime]:
    """Car id → its first completion of the station in the period (one range of that station's visits)."""
    station = plant_catalog(session).station(code)
    rows = session.execute(
        select(col(StationVisit.vehicle_id), col(StationVisit.completed_at))
        .where(
            col(StationVisit.station_id) == station.id,
            col(StationVisit.completed_at) >= start,
            col(StationVisit.completed_at) < end,
        )
        .order_by(col(StationVisit.completed_at))
    ).all()
    found: dict[int, datetime] = {}
    for car, done in rows:
        if (wanted is None or car in wanted) and car not in found:
            found[car] = done
    return found


def _defect_cars(
    session: Session, code: str, start: datetime | None, end: datetime | None
) -> dict[int, tuple[int, ...]]:
    """Car id → the ids of the defects of this code found on it (cancelled ones left out)."""
    entry = catalog_entry(session, code)
    conditions: list[Any] = [
        col(Defect.catalog_id) == entry.id,
        col(Defect.status) != DefectStatus.CANCELLED,
    ]
    if start is not None and end is not None:
        conditions += [col(Defect.found_at) >= start, col(Defect.found_at) < end]
    found: dict[int, list[int]] = {}
    for car, defect_id in session.execute(
        select(col(Defect.vehicle_id), col(Defect.id)).where(*conditions).order_by(col(Defect.id))
    ):
        found.setdefault(car, []).append(defect_id)
    return {car: tuple(ids) for car, ids in found.items()}


def _cars_by_id() -> Select[*tuple[Any, ...]]:
    """The cars as a recall lists them (the columns of ``with_car``), by primary key."""
    return (
        select(
            col(Vehicle.id).label("car_id"),
            col(Vehicle.vin),
            col(Vehicle.build_seq),
            col(Vehicle.model_id),
            col(Vehicle.state),
            col(Vehicle.station_id),
            col(Delivery.delivered_at),
            col(Delivery.customer_name),
            col(FinancingPartner.name).label("financing_partner"),
        )
        .select_from(Vehicle)
        .outerjoin(Delivery, col(Delivery.vehicle_id) == col(Vehicle.id))
        .outerjoin(FinancingPartner, col(FinancingPartner.id) == col(Delivery.financing_partner_id))
    )


def _part_cars(
    session: Session, query: RecallQuery, cars: set[int] | None
) -> dict[int, tuple[tuple[str, str, str | None], ...]]:
    """Car id → the parts of the query fitted on it now, as (part, serial, lot).

    Read by the serial range (``ix_fitted_component_serial``), the lot
    (``ix_fitted_component_lot``) or, for a part alone, the cars the other filters
    found (``ix_fitted_component_vehicle``): never a walk of every part fitted.
    """
    parts = plant_parts(session)
    part = find_part(parts, query.part) if query.part else None
    conditions: list[Any] = [col(FittedComponent.removed_at).is_(None)]
    if part is not None:
        conditions.append(col(FittedComponent.part_id) == part.id)
    if query.serial_from:
        conditions.append(col(FittedComponent.serial) >= query.serial_from.strip().upper())
    if query.serial_to:
        conditions.append(col(FittedComponent.serial) <= query.serial_to.strip().upper())
    if query.lot:
        conditions.append(col(FittedComponent.lot) == clean_lot(query.lot))
    if query.start is not None and query.end is not None:
        conditions += [
            col(FittedComponent.fitted_at) >= query.start,
            col(FittedComponent.fitted_at) < query.end,
        ]
    narrowed = bool(query.serial_from or query.serial_to or query.lot)
    if not narrowed and cars is None:
        raise InvalidInput(
            _("A part recall needs a serial range, a lot, or a station or defect to narrow it.")
        )
    names = {p.id: p.code for p in parts.parts}
    stmt = select(
        col(FittedComponent.vehicle_id),
        col(FittedComponent.part_id),
        col(FittedComponent.serial),
        col(FittedComponent.lot),
    ).where(*conditions)
    rows: list[Any] = []
    if narrowed:
        rows = list(session.execute(stmt.order_by(col(FittedComponent.id))))
    else:
        ids = sorted(cars or ())
        for i in range(0, len(ids), _CHUNK):
            chunk = stmt.where(col(FittedComponent.vehicle_id).in_(ids[i : i + _CHUNK]))
            rows += session.execute(chunk.order_by(col(FittedComponent.id))).all()
    found: dict[int, list[tuple[str, str, str | None]]] = {}
    for car, part_id, serial, lot in rows:
        if cars is None or car in cars:
            found.setdefault(car, []).append((names.get(part_id, "?"), serial, lot))
    return {car: tuple(fitted) for car, fitted in found.items()}


def _intersect(current: set[int] | None, found: Iterable[int]) -> set[int]:
    return set(found) if current is None else current & set(found)


def containment(session: Session, query: RecallQuery) -> Containment:
    """The cars every filter of ``query`` agrees on, in build order.

    Refuses a query that says nothing of what is recalled (a model alone), an unknown
    model, station, defect code or part, a serial range without a part, and a period
    that ends before it starts or is needed (a station) and missing.
    """
    if not query.anchored:
        raise InvalidInput(_("Say what the recall is about: a station, a defect code, a part or a lot."))
    if (query.serial_from or query.serial_to) and not query.part:
        raise InvalidInput(_("A serial range needs the part it numbers: give --part."))
    period = query.start is not None or query.end is not None
    if period:
        if query.start is None or query.end is None:
            raise InvalidInput(_("A recall period needs both its first and its last day."))
        check_period(query.start, query.end)
    catalog = plant_catalog(session)
    model = catalog.model_by_code(query.model) if query.model else None

    cars: set[int] | None = None
    completed: dict[int, datetime] = {}
    defects: dict[int, tuple[int, ...]] = {}
    parts: dict[int, tuple[tuple[str, str, str | None], ...]] = {}
    if query.station and (query.start is None or query.end is None):
        raise InvalidInput(_("A station recall needs a period: give its first and last day."))
    if query.defect:
        defects = _defect_cars(session, query.defect, query.start, query.end)
        cars = _intersect(cars, defects)
    if query.station and query.start is not None and query.end is not None:
        completed = _station_cars(session, query.station, query.start, query.end, cars)
        cars = _intersect(cars, completed)
    if query.part or query.lot:
        parts = _part_cars(session, query, cars)
        cars = _intersect(cars, parts)

    names = CarNames(catalog)
    rows: list[ContainedCar] = []
    ids = sorted(cars or ())
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        stmt = _cars_by_id().where(col(Vehicle.id).in_(chunk))
        if model is not None:
            stmt = stmt.where(col(Vehicle.model_id) == model.id)
        for row in session.execute(stmt):
            car = row.car_id
            rows.append(
                ContainedCar(
                    *names.car(row),
                    held=row.state == VehicleState.HELD,
                    completed_at=completed.get(car),
                    defect_ids=defects.get(car, ()),
                    parts=parts.get(car, ()),
                )
            )
    rows.sort(key=lambda c: c.build_seq)
    return Containment(rows=tuple(rows), query=query, timezone=catalog.timezone)


def hold_recall(
    session: Session,
    query: RecallQuery,
    reason: str,
    operator_badge: str,
    terminal: str = "",
    *,
    now: datetime | None = None,
) -> RecallHoldResult:
    """Put every car of the recall still at the plant on hold, in the caller's one transaction.

    A line leader's decision, with one reason. Each car gets its hold event through the
    holds service (and so the ledger); if any car is refused or any write fails, the
    exception leaves the caller's transaction to roll back and no car is held.
    """
    now = now or utcnow()
    operator = operator_by_badge(session, operator_badge)
    require(operator, Action.RECALL_HOLD)
    reason = clean_text(reason, what=_("A recall hold's reason"), max_length=REASON_MAX, required=True)
    found = containment(session, query)
    event_ids: list[int] = []
    for car in found.to_hold:
        event_ids.append(hold_vehicle(session, car.vin, reason, operator.badge, terminal, now=now).event_id)
    return RecallHoldResult(
        held=tuple(c.vin for c in found.to_hold),
        already_held=tuple(c.vin for c in found.already_held),
        delivered=tuple(c.vin for c in found.delivered_cars),
        reason=reason,
        event_ids=tuple(event_ids),
    )
