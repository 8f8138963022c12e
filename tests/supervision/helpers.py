"""Helpers the supervision tests share: run a write, and prove a refusal wrote nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlmodel import Session

from neofloor.services.plant.catalog import plant_catalog
from neofloor.store.engine import Database
from neofloor.store.models import Vehicle
from tests.conftest import ROUTE, plan_cars, run_through, scan

# Everything a supervision service may write.
WRITTEN_TABLES = ("station_event", "station_visit", "vehicle", "downtime")


def tables(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables the supervision services write, to prove a refusal wrote nothing."""
    with db.read() as session:
        return {
            name: [tuple(r) for r in session.execute(text(f"SELECT * FROM {name} ORDER BY 1"))]
            for name in WRITTEN_TABLES
        }


def write(db: Database, call: Callable[[Session], Any]) -> Any:
    with db.write() as session:
        return call(session)


def read(db: Database, call: Callable[[Session], Any]) -> Any:
    with db.read() as session:
        return call(session)


def refused(
    db: Database, error: type[Exception], call: Callable[[Session], object], match: str | None = None
) -> str:
    """Run ``call`` in a write, expect ``error``, check nothing changed; returns the sentence."""
    before = tables(db)
    with pytest.raises(error, match=match) as caught, db.write() as session:
        call(session)
    assert tables(db) == before
    return str(caught.value)


def events(db: Database, vin: str) -> list[tuple[str, str | None, str]]:
    """(kind, station code, note) of every ledger event of a car, in order."""
    with db.read() as session:
        rows = session.execute(
            text(
                "SELECT e.kind, s.code, e.note FROM station_event e "
                "JOIN vehicle v ON v.id = e.vehicle_id LEFT JOIN station s ON s.id = e.station_id "
                "WHERE v.vin = :vin ORDER BY e.id"
            ),
            {"vin": vin},
        ).all()
    return [(kind, code, note) for kind, code, note in rows]


def car(db: Database, vin: str) -> dict[str, Any]:
    """The car's current-state columns, with station codes instead of ids."""
    with db.read() as session:
        catalog = plant_catalog(session)
        v = session.execute(select(Vehicle).where(Vehicle.vin == vin)).scalar_one()

        def code(station_id: int | None) -> str | None:
            station = catalog.station_by_id(station_id)
            return station.code if station else None

        return {
            "state": v.state,
            "station": code(v.station_id),
            "return_station": code(v.return_station_id),
            "repair_visits": v.repair_visits,
            "out_of_sequence": v.out_of_sequence,
            "state_since": v.state_since,
        }


def car_at(db: Database, n: int, station: str, at: datetime, *, inside: bool = True) -> tuple[str, datetime]:
    """Plan car ``n``, run it along the route up to ``station`` and start it there (or leave
    it waiting there); returns its VIN and a moment a minute after."""
    (vin,) = plan_cars(db, 1, start=n)
    index = ROUTE.index(station)
    at = run_through(db, vin, ROUTE[:index], at)
    if inside:
        scan(db, station, vin, at)
    return vin, at + timedelta(minutes=1)
