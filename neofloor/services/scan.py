"""The one scan entry point: a terminal's scan goes to the concern of its station's kind.

Production stations (work, test, quality gate) move cars along the route (``tracking``); the
repair bay starts and completes repairs (``supervision``); the yard acknowledges a finished
car where it stands and the delivery station opens its handover (``delivery``). Sitting above
them all, this module is what keeps the concerns from importing each other.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from neofloor.i18n import _
from neofloor.services.delivery.handover import delivery_scan
from neofloor.services.delivery.yard import yard_scan
from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.errors import RuleViolation
from neofloor.services.supervision.repair import repair_scan
from neofloor.services.tracking.ledger import ScanResult
from neofloor.services.tracking.scans import production_scan
from neofloor.store.models import StationKind
from neofloor.store.types import utcnow


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

    At a production station see ``production_scan`` for every refusal; at the repair bay
    a scan starts or completes the repair instead. At the yard a scan acknowledges a
    finished car (its spot is given with ``delivery.yard.park_car``); at the delivery
    station it opens the handover, or refuses with what stops it. Those two write nothing.
    """
    now = now or utcnow()
    catalog = plant_catalog(session)
    station = catalog.station(station_code)
    if station.is_production:
        return production_scan(session, catalog, station, raw_vin, operator_badge, terminal, now)
    if station.kind == StationKind.REPAIR:
        return repair_scan(session, raw_vin, operator_badge, terminal, now=now)
    if station.kind == StationKind.YARD:
        return yard_scan(session, station, raw_vin, operator_badge, now=now)
    if station.kind == StationKind.DELIVERY:
        return delivery_scan(session, station, raw_vin, operator_badge, now=now)
    raise RuleViolation(
        _("{code} is not a production station: cars are not scanned there.").format(code=station.code)
    )
