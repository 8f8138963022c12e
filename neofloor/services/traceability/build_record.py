"""The build record ("birth certificate") of one VIN: everything the plant knows of it, plan to customer.

What a customer claim, a dealer or an authority asks for: the car as ordered (model,
colour, options, order); each station it went through, when, and who worked it; the
parts whose serials were captured on it, removed ones kept; every defect with its
repair and verification; the holds, overrides and repair-bay visits; the andon stops
it waited through while it stood in a station; its pre-delivery inspection; and its
handover, to whom and financed by whom.

Every part is read through the concern that owns it (tracking, quality, supervision,
delivery), by the car's id or VIN: index look-ups only, so a ten-year plant answers
as fast as a new one. The result is one tree of frozen dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from neofloor.services.delivery.components import ComponentRecord, car_components
from neofloor.services.delivery.handover import DeliveryRecord, delivery_record
from neofloor.services.delivery.pdi import PDI_NOT_STARTED, PdiStatus, pdi_status
from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.records import Stop
from neofloor.services.plant.vin import validate_vin
from neofloor.services.quality import DefectRecord, car_defects
from neofloor.services.supervision.andon import downtime_between
from neofloor.services.supervision.repair_time import RepairVisit, car_repair_time
from neofloor.services.tracking.history import TimelineEvent, vehicle_history
from neofloor.store.kinds import EventKind, VehicleState
from neofloor.store.types import utcnow


@dataclass(frozen=True)
class RecordStay:
    """One pass through one station: start, end, who worked it."""

    station: str
    started_at: datetime
    completed_at: datetime | None
    seconds: float | None
    operator: str | None


@dataclass(frozen=True)
class RecordStop:
    """An andon stop at a station while the car stood in it; ``seconds`` the car waited through it."""

    stop: Stop
    seconds: float


@dataclass(frozen=True)
class RecordHold:
    """A hold and, once lifted, its release."""

    held_at: datetime
    station: str | None
    reason: str
    held_by: str | None
    released_at: datetime | None
    released_by: str | None
    release_note: str


@dataclass(frozen=True)
class RecordOverride:
    """A move out of the route or sequence by a line leader, with why."""

    at: datetime
    station: str | None  # where it was sent
    by: str | None
    reason: str


@dataclass(frozen=True)
class RecordPark:
    """A car parked in, or moved within, the yard: the spot (``A-01`` or ``A-01 -> B-07``)."""

    at: datetime
    spot: str
    by: str | None


@dataclass(frozen=True)
class BuildRecord:
    """Everything about one VIN, read at ``read_at``; times are UTC, ``timezone`` is the plant's."""

    vin: str
    build_seq: int
    model: str
    model_name: str
    color: str
    options: tuple[str, ...]
    option_notes: str
    order_ref: str
    state: str
    station: str | None
    hold_reason: str | None
    planned_at: datetime
    first_start_at: datetime | None
    finished_at: datetime | None
    delivered_at: datetime | None
    stays: tuple[RecordStay, ...]
    components: tuple[ComponentRecord, ...]  # removed ones kept, marked removed
    defects: tuple[DefectRecord, ...]
    holds: tuple[RecordHold, ...]
    overrides: tuple[RecordOverride, ...]
    repairs: tuple[RepairVisit, ...]
    stops: tuple[RecordStop, ...]
    parks: tuple[RecordPark, ...]
    pdi: PdiStatus | None  # None until the car reached the yard and nothing was checked
    delivery: DeliveryRecord | None
    event_count: int
    timezone: str
    read_at: datetime

    @property
    def lead_time_seconds(self) -> float | None:
        """First start to the last production station's completion."""
        if self.first_start_at and self.finished_at:
            return (self.finished_at - self.first_start_at).total_seconds()
        return None

    @property
    def delivered(self) -> bool:
        return self.state == VehicleState.DELIVERED


def _holds(events: list[TimelineEvent]) -> tuple[RecordHold, ...]:
    """Each hold with the release that lifted it (none while it stands)."""
    holds: list[RecordHold] = []
    current: TimelineEvent | None = None
    for event in events:
        if event.kind == EventKind.HOLD:
            if current is not None:
                holds.append(_hold(current, None))
            current = event
        elif event.kind == EventKind.RELEASE and current is not None:
            holds.append(_hold(current, event))
            current = None
    if current is not None:
        holds.append(_hold(current, None))
    return tuple(holds)


def _hold(held: TimelineEvent, released: TimelineEvent | None) -> RecordHold:
    return RecordHold(
        held_at=held.at,
        station=held.station,
        reason=held.note,
        held_by=held.operator,
        released_at=released.at if released else None,
        released_by=released.operator if released else None,
        release_note=released.note if released else "",
    )


def _stops(session: Session, stays: tuple[RecordStay, ...], now: datetime) -> tuple[RecordStop, ...]:
    """The stops at each station while the car stood in it, cut to its stay there."""
    found: list[RecordStop] = []
    for stay in stays:
        end = stay.completed_at or now
        if end <= stay.started_at:
            continue
        for span in downtime_between(session, stay.started_at, end, stay.station, now=now):
            found.append(RecordStop(span.stop, span.seconds))
    return tuple(found)


def _pdi(session: Session, vin: str) -> PdiStatus | None:
    """The car's inspection once it is in the yard or something was checked; None before."""
    status = pdi_status(session, vin)
    if status.status == PDI_NOT_STARTED and not status.in_yard:
        return None
    return status


def build_record(session: Session, raw_vin: str, *, now: datetime | None = None) -> BuildRecord:
    """The build record of the car with this VIN; an unknown or malformed VIN is refused."""
    now = now or utcnow()
    catalog = plant_catalog(session)
    # A malformed VIN is said as such, not as a car missing from the plan.
    history = vehicle_history(session, validate_vin(raw_vin, verify_check_digit=catalog.vin_check_digit))
    car = history.car
    stays = tuple(
        RecordStay(s.station, s.started_at, s.completed_at, s.seconds, s.operator) for s in history.stays
    )
    overrides = tuple(
        RecordOverride(e.at, e.station, e.operator, e.note)
        for e in history.events
        if e.kind == EventKind.OVERRIDE
    )
    return BuildRecord(
        vin=car.vin,
        build_seq=car.build_seq,
        model=car.model,
        model_name=car.model_name,
        color=car.color,
        options=tuple(o for o in car.options.split(",") if o),
        option_notes=car.option_notes,
        order_ref=car.order_ref,
        state=car.state,
        station=car.station,
        hold_reason=car.hold_reason,
        planned_at=history.planned_at,
        first_start_at=history.first_start_at,
        finished_at=history.finished_at,
        delivered_at=history.delivered_at,
        stays=stays,
        components=tuple(car_components(session, car.vin)),
        defects=tuple(car_defects(session, car.vin, now=now)),
        holds=_holds(history.events),
        overrides=overrides,
        repairs=car_repair_time(session, car.vin, now=now).visits,
        stops=_stops(session, stays, now),
        parks=tuple(RecordPark(e.at, e.note, e.operator) for e in history.events if e.kind == EventKind.PARK),
        pdi=_pdi(session, car.vin),
        delivery=delivery_record(session, car.vin),
        event_count=len(history.events),
        timezone=catalog.timezone,
        read_at=now,
    )
