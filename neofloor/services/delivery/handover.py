"""The handover to the customer: who bought the car, how it was paid, who handed it over.

A car is handed over only from the yard, after its PDI passed, with no critical or major
defect open or awaiting verification, and not on hold. The handover writes the ``delivery``
row, appends the ``deliver`` event and its audit row and makes the car DELIVERED at the
delivery station, in one transaction; any refusal comes first and writes nothing. Handing
over takes the delivery station's certification or a line role (``deliver`` in the table).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from neofloor.i18n import _
from neofloor.services.delivery.pdi import PdiStatus, in_yard, status_of
from neofloor.services.delivery.stations import station_of_kind
from neofloor.services.delivery.yard import car_spot, leave_yard
from neofloor.services.people.audit import record
from neofloor.services.people.permissions import Action, require
from neofloor.services.plant import text
from neofloor.services.plant.catalog import PlantCatalog, StationInfo, plant_catalog
from neofloor.services.plant.clock import to_local
from neofloor.services.plant.errors import GateBlocked, InvalidInput, NotFound, RuleViolation, VehicleHeld
from neofloor.services.plant.operators import operator_by_badge
from neofloor.services.plant.parts import plant_parts
from neofloor.services.tracking.ledger import ScanResult, append_event, find_vehicle
from neofloor.store.models import (
    Delivery,
    EventKind,
    FinancingPartner,
    Operator,
    StationKind,
    Vehicle,
    VehicleState,
)
from neofloor.store.types import utcnow

CASH = "cash"


@dataclass(frozen=True)
class PartnerInfo:
    """A financing partner customers buy through (a bank or a leasing company)."""

    id: int
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class HandoverCheck:
    """Whether the car may be handed over now, and if not, every reason in the floor's words."""

    vin: str
    ready: bool
    reasons: tuple[str, ...]
    pdi: PdiStatus


@dataclass(frozen=True)
class DeliveryRecord:
    """A handover as the build record, the recall letters and the reports show it."""

    vin: str
    customer: str
    customer_reference: str
    dealer: str  # "" when sold directly
    financing_code: str | None  # None: cash
    financing_name: str  # "cash" when paid in cash
    delivered_at: datetime | None
    handed_over_by: str | None
    pdi_passed_at: datetime | None
    note: str

    @property
    def channel(self) -> str:
        return _("dealer {dealer}").format(dealer=self.dealer) if self.dealer else _("direct")


@dataclass(frozen=True)
class DeliveryResult:
    record: DeliveryRecord
    event_id: int
    message: str


def financing_partners(session: Session) -> list[PartnerInfo]:
    """The plant's financing partners, by code."""
    rows = session.execute(select(FinancingPartner).order_by(col(FinancingPartner.code))).scalars()
    return [PartnerInfo(p.id, p.code, p.name, p.kind) for p in rows if p.id is not None]


def find_partner(session: Session, code: str) -> PartnerInfo | None:
    """The partner with this code (any case); None for ``cash``; a refusal for anything else."""
    wanted = code.strip().upper()
    if not wanted:
        raise InvalidInput(_("Say how the car is paid: a financing partner's code, or cash."))
    if wanted == CASH.upper():
        return None
    partners = financing_partners(session)
    for partner in partners:
        if partner.code == wanted:
            return partner
    known = ", ".join(p.code for p in partners)
    raise NotFound(
        _("Unknown financing partner {given!r}; partners are {value}, or cash.").format(
            given=code.strip(), value=known or "none"
        )
    )


def _reasons(catalog: PlantCatalog, vehicle: Vehicle, pdi: PdiStatus) -> list[str]:
    """Every reason the car may not be handed over now, most basic first."""
    if vehicle.state == VehicleState.DELIVERED:
        when = (
            to_local(vehicle.delivered_at, catalog.timezone).date().isoformat()
            if vehicle.delivered_at
            else "?"
        )
        return [_("{vin} was already delivered ({when}).").format(vin=vehicle.vin, when=when)]
    if not in_yard(vehicle.state, vehicle.resume_state):
        return [
            _("{vin} is not in the yard: it has not passed {code}.").format(
                vin=vehicle.vin, code=catalog.last_production_station.code
            )
        ]
    reasons = []
    if vehicle.state == VehicleState.HELD:
        reasons.append(
            _("{vin} is on hold ({hold_reason}); a supervisor must release it.").format(
                vin=vehicle.vin, hold_reason=vehicle.hold_reason
            )
        )
    if pdi.blocking:
        reasons.append(
            _("{vin} has open serious defects {blocking}.").format(
                vin=vehicle.vin, blocking=", ".join(pdi.blocking)
            )
        )
    if not pdi.passed and pdi.to_check:
        reasons.append(
            _("{vin} has not passed PDI: {to_check} not passed.").format(
                vin=vehicle.vin, to_check=", ".join(pdi.to_check)
            )
        )
    return reasons


def handover_check(session: Session, raw_vin: str) -> HandoverCheck:
    """Whether the car may be handed over, with every reason it may not (for the delivery screen)."""
    catalog = plant_catalog(session)
    vehicle = find_vehicle(session, catalog, raw_vin)
    pdi = status_of(session, catalog, plant_parts(session), vehicle)
    reasons = _reasons(catalog, vehicle, pdi)
    return HandoverCheck(vehicle.vin, not reasons, tuple(reasons), pdi)


def _refuse(catalog: PlantCatalog, vehicle: Vehicle, pdi: PdiStatus) -> None:
    """The first reason as the right refusal: held, blocked by defects, or any other rule."""
    if vehicle.state == VehicleState.HELD and in_yard(vehicle.state, vehicle.resume_state):
        raise VehicleHeld(
            _("{vin} is on hold ({hold_reason}); a supervisor must release it.").format(
                vin=vehicle.vin, hold_reason=vehicle.hold_reason
            )
        )
    reasons = _reasons(catalog, vehicle, pdi)
    if not reasons:
        return
    if pdi.blocking and vehicle.state == VehicleState.FINISHED:
        raise GateBlocked(
            _("{vin} cannot be delivered: open serious defects {blocking}.").format(
                vin=vehicle.vin, blocking=", ".join(pdi.blocking)
            )
        )
    raise RuleViolation(reasons[0])


def deliver_car(
    session: Session,
    raw_vin: str,
    customer: str,
    operator_badge: str,
    *,
    financing: str,
    reference: str = "",
    dealer: str = "",
    note: str = "",
    terminal: str = "",
    now: datetime | None = None,
) -> DeliveryResult:
    """Hand the car over to its customer: it becomes DELIVERED, with a ``deliver`` event.

    ``financing`` is a partner's code or ``cash``; ``dealer`` names the dealer who sold it
    ("" for a direct sale). Refuses, writing nothing: an empty customer name, an unknown
    partner, someone the table does not let hand over (``deliver``: the delivery station's
    certification or a line role), a car
    not in the yard or already delivered, a held car, an open critical or major defect, a
    PDI not passed.
    """
    now = now or utcnow()
    catalog = plant_catalog(session)
    delivery_station = station_of_kind(catalog, StationKind.DELIVERY, "delivery")
    name = text.clean_text(customer, what=_("The customer's name"), max_length=text.SHORT_TEXT_MAX)
    if not name:
        raise InvalidInput(_("A handover needs the customer's name."))
    ref = text.clean_text(reference, what=_("The customer reference"), max_length=text.SHORT_TEXT_MAX)
    seller = text.clean_text(dealer, what=_("The dealer's name"), max_length=text.SHORT_TEXT_MAX)
    remark = text.clean_text(note, what=_("The note"), max_length=text.REASON_MAX)
    partner = find_partner(session, financing)
    operator = operator_by_badge(session, operator_badge, now=now)
    require(operator, Action.DELIVER, delivery_station)
    vehicle = find_vehicle(session, catalog, raw_vin)
    assert vehicle.id is not None
    pdi = status_of(session, catalog, plant_parts(session), vehicle)
    _refuse(catalog, vehicle, pdi)
    before = {
        "state": vehicle.state,
        "station": catalog.station_code(vehicle.station_id),
        "spot": car_spot(session, vehicle.id),
    }

    checklist = json.dumps({i.code: bool(i.passed) for i in pdi.items}, sort_keys=True)
    values = {
        "customer_name": name,
        "customer_reference": ref,
        "dealer": seller,
        "financing_partner_id": partner.id if partner else None,
        "pdi_checklist": checklist,
        "pdi_passed_at": pdi.passed_at,
        "pdi_by_id": None,
        "delivered_at": now,
        "handed_over_by_id": operator.id,
        "note": remark,
    }
    existing = session.execute(
        select(col(Delivery.id)).where(col(Delivery.vehicle_id) == vehicle.id)
    ).scalar_one_or_none()
    if existing is None:
        session.execute(insert(Delivery).values(vehicle_id=vehicle.id, **values))
    else:  # a sale recorded before the handover: complete it
        session.execute(update(Delivery).where(col(Delivery.id) == existing).values(**values))
    paid = partner.name if partner else CASH
    event_id = append_event(
        session,
        vehicle,
        EventKind.DELIVER,
        now,
        station_id=delivery_station.id,
        operator=operator,
        terminal=terminal,
        note=f"handed over, {paid}" + (f", through {seller}" if seller else ""),
    )
    leave_yard(session, vehicle.id)
    vehicle.state = VehicleState.DELIVERED
    vehicle.station_id = delivery_station.id
    vehicle.state_since = now
    vehicle.delivered_at = now
    session.flush()
    record(
        session,
        Action.DELIVER,
        now,
        operator=operator,
        terminal=terminal,
        subject=vehicle.vin,
        before=before,
        after={
            "state": vehicle.state,
            "station": delivery_station.code,
            "customer": name,
            "financing": partner.code if partner else CASH,
            "dealer": seller,
        },
    )
    handed_over = deliveries_of(session, [vehicle.id])[vehicle.id]
    return DeliveryResult(
        handed_over,
        event_id,
        _("{vin} handed over to {name} ({paid}).").format(vin=vehicle.vin, name=name, paid=paid),
    )


def delivery_record(session: Session, raw_vin: str) -> DeliveryRecord | None:
    """The car's handover, or None when it has not been handed over."""
    catalog = plant_catalog(session)
    vehicle = find_vehicle(session, catalog, raw_vin)
    assert vehicle.id is not None
    return deliveries_of(session, [vehicle.id]).get(vehicle.id)


def deliveries_of(session: Session, vehicle_ids: Iterable[int]) -> dict[int, DeliveryRecord]:
    """The handovers of many cars (car id -> record), in batches of index look-ups (recall letters)."""
    ids = list(vehicle_ids)
    found: dict[int, DeliveryRecord] = {}
    by = aliased(Operator)
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(
                col(Delivery.vehicle_id),
                col(Vehicle.vin),
                col(Delivery.customer_name),
                col(Delivery.customer_reference),
                col(Delivery.dealer),
                col(FinancingPartner.code),
                col(FinancingPartner.name),
                col(Delivery.delivered_at),
                col(by.name),
                col(Delivery.pdi_passed_at),
                col(Delivery.note),
            )
            .join_from(Delivery, Vehicle, col(Vehicle.id) == col(Delivery.vehicle_id))
            .outerjoin(FinancingPartner, col(FinancingPartner.id) == col(Delivery.financing_partner_id))
            .outerjoin(by, col(by.id) == col(Delivery.handed_over_by_id))
            .where(col(Delivery.vehicle_id).in_(ids[start : start + 500]))
        ).all()
        for r in rows:
            found[r[0]] = DeliveryRecord(
                vin=r[1],
                customer=r[2],
                customer_reference=r[3],
                dealer=r[4],
                financing_code=r[5],
                financing_name=r[6] or CASH,
                delivered_at=r[7],
                handed_over_by=r[8],
                pdi_passed_at=r[9],
                note=r[10],
            )
    return found


def delivery_scan(
    session: Session,
    station: StationInfo,
    raw_vin: str,
    operator_badge: str,
    *,
    now: datetime,
) -> ScanResult:
    """A car scanned at the delivery terminal opens its handover: ready, or refused with the reason.

    Writes nothing; the handover itself (``deliver_car``) needs the customer and the financing.
    """
    catalog = plant_catalog(session)
    operator = operator_by_badge(session, operator_badge, now=now)
    require(operator, Action.SCAN, station)
    vehicle = find_vehicle(session, catalog, raw_vin)
    pdi = status_of(session, catalog, plant_parts(session), vehicle)
    _refuse(catalog, vehicle, pdi)
    return ScanResult(
        vehicle.vin, station.code, "handover_ready", vehicle.state, None, vehicle.last_event_id or 0, now
    )


def handovers_between(session: Session, start: datetime, end: datetime) -> list[tuple[datetime, str]]:
    """(handover time, financing partner's name or "cash") of every car handed over in
    ``[start, end)``, in time order: one range of ix_delivery_delivered_at."""
    rows = session.execute(
        select(col(Delivery.delivered_at), col(FinancingPartner.name))
        .outerjoin(FinancingPartner, col(FinancingPartner.id) == col(Delivery.financing_partner_id))
        .where(col(Delivery.delivered_at) >= start, col(Delivery.delivered_at) < end)
        .order_by(col(Delivery.delivered_at))
    ).all()
    return [(at, name or CASH) for at, name in rows if at is not None]


def count_by_financing(handovers: Iterable[tuple[datetime, str]]) -> tuple[tuple[str, int], ...]:
    """Handovers counted per financing partner (or cash), most first, then by name."""
    counts: dict[str, int] = {}
    for _at, paid in handovers:
        counts[paid] = counts.get(paid, 0) + 1
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
