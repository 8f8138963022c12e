"""Helpers the delivery tests share: cars built to the yard, and refusals that write nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from neofloor.store.engine import Database
from tests.conftest import ROUTE, T0, plan_cars, run_through

# Everything the delivery services (and the quality services they call) may write.
WRITTEN_TABLES = (
    "station_event",
    "station_visit",
    "vehicle",
    "fitted_component",
    "pdi_check",
    "yard_place",
    "delivery",
    "defect",
    "defect_event",
    "audit",
)
YARD_AGENT = "1006"  # an operator certified for YARD and DELIVERY
INSPECTOR_YARD = "2002"  # an inspector certified for QG, YARD and DELIVERY
TRIM_OPERATOR = "1002"  # an operator certified for TRIM1 and TRIM2 only
SUPERVISOR = "3001"
# Every item of the demo plant's PDI checklist of a petrol car (the EV adds HV-CHARGE).
PETROL_CHECKLIST = ("LIGHTS", "PAINT", "INTERIOR", "TYRES", "FLUIDS", "BATTERY-12V", "DOCS")


def tables(db: Database) -> dict[str, list[tuple[Any, ...]]]:
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


def cars_in_yard(
    db: Database, count: int, *, start: int = 1, model: str = "C1"
) -> tuple[list[str], datetime]:
    """``count`` cars built through the whole route (serials captured): in the yard; and the time after."""
    vins = plan_cars(db, count, start=start, model=model)
    at = T0
    for vin in vins:
        at = run_through(db, vin, ROUTE, at)
    return vins, at + timedelta(minutes=5)


def pass_pdi(db: Database, vin: str, at: datetime, items: tuple[str, ...] = PETROL_CHECKLIST) -> None:
    from neofloor.services.delivery.pdi import check_pdi_item

    with db.write() as session:
        for item in items:
            check_pdi_item(session, vin, item, INSPECTOR_YARD, passed=True, now=at)


def state_of(db: Database, vin: str) -> tuple[str, str | None]:
    with db.read() as session:
        row = session.execute(
            text(
                "SELECT v.state, s.code FROM vehicle v LEFT JOIN station s ON s.id = v.station_id "
                "WHERE v.vin = :vin"
            ),
            {"vin": vin},
        ).one()
    return row[0], row[1]
