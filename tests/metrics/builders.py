"""Small hand-computed plant histories for the metrics tests.

Cars are moved with the real scan service at fixed times; stops, defects, overrides
and repair-bay cars are written straight into their tables (test setup), since the
metrics read those tables and nothing else.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update

from neofloor.services.plant.catalog import plant_catalog
from neofloor.store.engine import Database
from neofloor.store.models import (
    Defect,
    DefectCatalogEntry,
    Downtime,
    DowntimeReason,
    EventKind,
    Operator,
    StationEvent,
    Vehicle,
    VehicleState,
)
from tests.conftest import ROUTE, run_through, scan

CASABLANCA = ZoneInfo("Africa/Casablanca")
# Every station before QG takes 10 minutes plus a minute's walk (run_through): 88 minutes.
BEFORE_QG = timedelta(minutes=88)


def local(day: int, hour: int, minute: int = 0, *, month: int = 11, year: int = 2026) -> datetime:
    """A plant-local wall-clock time as aware UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=CASABLANCA).astimezone(UTC)


def through_qg(db: Database, vin: str, passed_at: datetime, qg_minutes: int) -> None:
    """Run a car down the whole route so that it completes QG at ``passed_at``.

    Its QG cycle lasts ``qg_minutes``; it started at BODY 88 minutes before QG.
    """
    qg_start = passed_at - timedelta(minutes=qg_minutes)
    reached = run_through(db, vin, ROUTE[:-1], qg_start - BEFORE_QG)
    assert reached == qg_start
    scan(db, "QG", vin, qg_start)
    scan(db, "QG", vin, passed_at)


def vehicle_id(db: Database, vin: str) -> int:
    with db.read() as session:
        return int(session.execute(select(Vehicle.id).where(Vehicle.vin == vin)).scalar_one())


def add_stop(
    db: Database, station: str, reason: str, started: datetime, ended: datetime | None, note: str = ""
) -> None:
    with db.write() as session:
        station_id = plant_catalog(session).station(station).id
        reason_id = session.execute(
            select(DowntimeReason.id).where(DowntimeReason.code == reason)
        ).scalar_one()
        session.execute(
            insert(Downtime).values(
                station_id=station_id, reason_id=reason_id, started_at=started, ended_at=ended, note=note
            )
        )


def add_defect(
    db: Database, vin: str, code: str, station: str, found_at: datetime, status: str, severity: str
) -> None:
    car = vehicle_id(db, vin)
    with db.write() as session:
        station_id = plant_catalog(session).station(station).id
        catalog_id = session.execute(
            select(DefectCatalogEntry.id).where(DefectCatalogEntry.code == code)
        ).scalar_one()
        session.execute(
            insert(Defect).values(
                vehicle_id=car,
                station_id=station_id,
                catalog_id=catalog_id,
                zone="interior",
                severity=severity,
                status=status,
                found_at=found_at,
            )
        )


def add_override(db: Database, vin: str, station: str, at: datetime, badge: str, note: str) -> None:
    car = vehicle_id(db, vin)
    with db.write() as session:
        station_id = plant_catalog(session).station(station).id
        operator_id = session.execute(select(Operator.id).where(Operator.badge == badge)).scalar_one()
        session.execute(
            insert(StationEvent).values(
                vehicle_id=car,
                station_id=station_id,
                kind=EventKind.OVERRIDE,
                at=at,
                operator_id=operator_id,
                note=note,
            )
        )


def send_to_repair(db: Database, vin: str, from_station: str, at: datetime, reason: str) -> None:
    """Put a car in the repair bay as the repair service would leave it."""
    car = vehicle_id(db, vin)
    with db.write() as session:
        catalog = plant_catalog(session)
        bay = catalog.repair_bay
        assert bay is not None
        sent_from = catalog.station(from_station).id
        session.execute(
            insert(StationEvent).values(
                vehicle_id=car, station_id=sent_from, kind=EventKind.TO_REPAIR, at=at, note=reason
            )
        )
        session.execute(
            update(Vehicle)
            .where(Vehicle.id == car)
            .values(
                state=VehicleState.IN_REPAIR,
                station_id=bay.id,
                return_station_id=sent_from,
                repair_visits=Vehicle.repair_visits + 1,
                state_since=at,
            )
        )


def count_repair_visit(db: Database, vin: str) -> None:
    """A car that went through the repair bay and back (its visit count is all the metrics read)."""
    with db.write() as session:
        session.execute(
            update(Vehicle).where(Vehicle.vin == vin).values(repair_visits=Vehicle.repair_visits + 1)
        )
