"""Fixtures for the quality tests: cars standing at the stations where inspectors work."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from neofloor.store.engine import Database
from tests.conftest import ROUTE, T0, plan_cars, run_through, scan


@pytest.fixture
def qg_car(db: Database) -> tuple[str, datetime]:
    """A car started at the quality gate; returns its VIN and a moment just after."""
    vin = plan_cars(db, 1)[0]
    at = run_through(db, vin, ROUTE[:-1], T0)
    scan(db, "QG", vin, at)
    return vin, at + timedelta(minutes=1)


@pytest.fixture
def trim_car(db: Database) -> tuple[str, datetime]:
    """A car in TRIM1 (BODY and PAINT done); returns its VIN and a moment just after."""
    vin = plan_cars(db, 1, start=50)[0]
    at = run_through(db, vin, ROUTE[:2], T0)
    scan(db, "TRIM1", vin, at)
    return vin, at + timedelta(minutes=1)
