"""Holds: a car stopped where it is with a reason, until a line leader or inspector releases it.

A car may be held on the line, in the repair bay and in the yard (a recall stops every car
still in the plant); it keeps its place by ``resume_state`` and goes back to it on release.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from neofloor.i18n import _
from neofloor.services.people.audit import record
from neofloor.services.people.permissions import Action, require
from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.errors import (
    InvalidInput,
    RuleViolation,
)
from neofloor.services.plant.operators import (
    operator_by_badge,
)
from neofloor.services.plant.text import REASON_MAX, clean_text
from neofloor.services.tracking.ledger import append_event, find_vehicle, station_label
from neofloor.store.models import (
    EventKind,
    VehicleState,
)
from neofloor.store.types import utcnow

# The car's hold_reason column holds 200 characters.
HOLD_REASON_MAX = 200


@dataclass(frozen=True)
class HoldResult:
    vin: str
    state: str
    event_id: int
    message: str


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
    reason = clean_text(reason, what=_("A hold reason"), max_length=HOLD_REASON_MAX)
    if not reason:
        raise InvalidInput(_("A hold needs a reason."))
    catalog = plant_catalog(session)
    operator = operator_by_badge(session, operator_badge, now=now)
    vehicle = find_vehicle(session, catalog, raw_vin)
    # Holding takes the certification of the station the car is at, or a line role.
    require(operator, Action.HOLD, catalog.station_by_id(vehicle.station_id))
    if vehicle.state == VehicleState.HELD:
        raise RuleViolation(
            _("{vin} is already on hold ({hold_reason}).").format(
                vin=vehicle.vin, hold_reason=vehicle.hold_reason
            )
        )
    if vehicle.state == VehicleState.DELIVERED:
        raise RuleViolation(
            _("{vin} was delivered; only cars still in the plant (line, repair, yard) can be held.").format(
                vin=vehicle.vin
            )
        )
    event_id = append_event(
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
    where = station_label(catalog, vehicle.station_id)
    record(
        session,
        Action.HOLD,
        now,
        operator=operator,
        terminal=terminal,
        subject=vehicle.vin,
        before={"state": vehicle.resume_state},
        after={"state": vehicle.state, "reason": reason},
    )
    return HoldResult(
        vehicle.vin,
        vehicle.state,
        event_id,
        _("{vin} held at {where}: {reason}.").format(vin=vehicle.vin, where=where, reason=reason),
    )


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
    note = clean_text(note, what=_("A release note"), max_length=REASON_MAX)
    catalog = plant_catalog(session)
    operator = operator_by_badge(session, operator_badge, now=now)
    require(operator, Action.RELEASE)
    vehicle = find_vehicle(session, catalog, raw_vin)
    if vehicle.state != VehicleState.HELD:
        raise RuleViolation(_("{vin} is not on hold.").format(vin=vehicle.vin))
    event_id = append_event(
        session,
        vehicle,
        EventKind.RELEASE,
        now,
        station_id=vehicle.station_id,
        operator=operator,
        terminal=terminal,
        note=note,
    )
    held_for = vehicle.hold_reason
    vehicle.state = vehicle.resume_state or VehicleState.QUEUED
    vehicle.resume_state = None
    vehicle.hold_reason = None
    session.flush()
    record(
        session,
        Action.RELEASE,
        now,
        operator=operator,
        terminal=terminal,
        subject=vehicle.vin,
        before={"state": VehicleState.HELD, "reason": held_for},
        after={"state": vehicle.state, "note": note},
    )
    return HoldResult(
        vehicle.vin,
        vehicle.state,
        event_id,
        _("{vin} released at {station_label}.").format(
            vin=vehicle.vin, station_label=station_label(catalog, vehicle.station_id)
        ),
    )
