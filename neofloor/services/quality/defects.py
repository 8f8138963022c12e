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

from datetime import datetime

from sqlalchemy import insert, select
from sqlmodel import Session, col

from neofloor.i18n import N_, _
from neofloor.services.people.permissions import Action, may, require
from neofloor.services.plant.catalog import PlantCatalog, StationInfo, plant_catalog
from neofloor.services.plant.errors import PermissionDenied, RuleViolation
from neofloor.services.plant.operators import operator_by_badge
from neofloor.services.quality.catalog import SEVERITY_RANK, catalog_entry, normalize_severity, normalize_zone

# The repair and verification steps and what every step shares live in their own modules;
# callers read them from here.
from neofloor.services.quality.defect_repairs import cancel_defect as cancel_defect
from neofloor.services.quality.defect_repairs import reject_repair as reject_repair
from neofloor.services.quality.defect_repairs import repair_defect as repair_defect
from neofloor.services.quality.defect_repairs import verify_defect as verify_defect
from neofloor.services.quality.defect_steps import DefectResult as DefectResult
from neofloor.services.quality.defect_steps import clean_text, record_step
from neofloor.services.quality.records import UNCLOSED
from neofloor.services.tracking.ledger import find_vehicle, inserted_id
from neofloor.store.models import Defect, DefectStatus, Vehicle, VehicleState
from neofloor.store.types import utcnow


def _check_car_reached(catalog: PlantCatalog, vehicle: Vehicle, station: StationInfo) -> None:
    """A defect is found on a built car, at a station it has reached."""
    if vehicle.state == VehicleState.DELIVERED:
        raise RuleViolation(
            _("{vin} was delivered: defects after handover are warranty claims.").format(vin=vehicle.vin)
        )
    if vehicle.state == VehicleState.PLANNED:
        raise RuleViolation(
            _("{vin} has not started yet: there is no car to inspect.").format(vin=vehicle.vin)
        )
    if station.position is None or vehicle.state == VehicleState.FINISHED:
        return
    here_id = vehicle.return_station_id if vehicle.state == VehicleState.IN_REPAIR else vehicle.station_id
    here = catalog.station_by_id(here_id)
    if here is not None and here.position is not None and station.position > here.position:
        raise RuleViolation(
            _("{vin} has not reached {code}; it is at {here}.").format(
                vin=vehicle.vin, code=station.code, here=here.code
            )
        )


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
    terminal: str = "",
) -> DefectResult:
    """Log a defect found on a car at a station; severity defaults to the catalog's.

    Refuses an unknown code, zone or severity, a car not built yet, delivered or
    not yet at that station, someone not allowed to log there, and the same
    defect (code and zone) already open or awaiting verification on the car.
    """
    now = now or utcnow()
    zone_key = normalize_zone(zone)
    note = clean_text(note, N_("note"), required=False)
    catalog = plant_catalog(session)
    station = catalog.station(station_code)
    operator = operator_by_badge(session, badge, now=now)
    require(operator, Action.DEFECT_LOG, station)
    entry = catalog_entry(session, catalog_code)
    level = normalize_severity(severity, entry.default_severity)
    if SEVERITY_RANK[level] > SEVERITY_RANK[entry.default_severity] and not may(
        operator, Action.DEFECT_SEVERITY
    ):
        raise PermissionDenied(
            _(
                "{code} is {default_severity} in the catalog; only an inspector or a "
                "line leader may log it as {level}."
            ).format(code=entry.code, default_severity=entry.default_severity, level=level)
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
        what = _("still open") if twin.status == DefectStatus.OPEN else _("repaired, to verify or reject")
        raise RuleViolation(
            _("{code} at {zone_key} is already logged on {vin} as defect #{id}, {what}.").format(
                code=entry.code, zone_key=zone_key, vin=vehicle.vin, id=twin.id, what=what
            )
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
    return record_step(
        session,
        defect_id,
        "found",
        now,
        operator,
        station.id,
        note,
        _("Defect #{defect_id} logged on {vin}: {code} {description}, {zone_key}, {level}.").format(
            defect_id=defect_id,
            vin=vehicle.vin,
            code=entry.code,
            description=entry.description,
            zone_key=zone_key,
            level=level,
        ),
        action=Action.DEFECT_LOG,
        vin=vehicle.vin,
        terminal=terminal,
    )
