"""Two writers that lock cars in opposite orders finish, one after the other, on both stores.

A recall holds car A then car B in one transaction while a terminal, already holding B, scans it:
on PostgreSQL the chains' advisory locks are taken before any car's row lock, so neither can wait
on the other's lock (which the server would end by failing one of them with a deadlock error).
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.errors import RuleViolation
from neofloor.services.tracking.holds import hold_vehicle
from neofloor.services.tracking.ledger import find_vehicle
from neofloor.store.engine import Database
from neofloor.store.models import Vehicle
from tests.conftest import SUPERVISOR, T0, plan_cars, scan


def test_a_recall_and_a_scan_locking_the_same_cars_in_opposite_orders_both_finish(db: Database) -> None:
    car_a, car_b = plan_cars(db, 2)
    scan(db, "BODY", car_b, T0)
    b_locked, errors = threading.Event(), []

    def terminal() -> None:
        """Read B locked (as every move does before its checks), let the recall start, then hold B."""
        try:
            with db.write() as session:
                find_vehicle(session, plant_catalog(session), car_b)
                b_locked.set()
                threading.Event().wait(1.0)  # the recall now waits, or would hold A and wait for B
                hold_vehicle(session, car_b, "Paint check", SUPERVISOR, now=T0 + timedelta(minutes=1))
        except Exception as exc:  # the test's own thread: say what happened there
            errors.append(exc)
            b_locked.set()

    thread = threading.Thread(target=terminal)
    thread.start()
    assert b_locked.wait(30)
    with db.write() as session:
        hold_vehicle(session, car_a, "Recall R-1", SUPERVISOR, now=T0 + timedelta(minutes=2))
        with pytest.raises(RuleViolation, match="already on hold"):  # the terminal's hold came first
            hold_vehicle(session, car_b, "Recall R-1", SUPERVISOR, now=T0 + timedelta(minutes=2))
    thread.join(30)
    assert errors == []
    assert held_reasons(db) == {car_a: "Recall R-1", car_b: "Paint check"}


def held_reasons(db: Database) -> dict[str, str | None]:
    with db.read() as session:
        rows = session.execute(select(Vehicle.vin, Vehicle.hold_reason).where(Vehicle.state == "held")).all()
    return {vin: reason for vin, reason in rows}
