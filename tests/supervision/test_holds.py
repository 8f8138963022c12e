"""Holds and releases beside the repair loop: a held car stays put, and only a held car can be released."""

from __future__ import annotations

from datetime import timedelta

from neofloor.services.plant.errors import PermissionDenied, RuleViolation
from neofloor.services.supervision.repair import send_to_repair
from neofloor.services.tracking.holds import hold_vehicle, release_vehicle
from neofloor.store.engine import Database
from tests.conftest import INSPECTOR, OPERATOR_BODY, SUPERVISOR, T0
from tests.supervision.helpers import car, car_at, events, refused, write

OPERATOR_TRIM = "1002"  # certified for TRIM1 and TRIM2


def test_release_of_a_car_not_held_is_refused(db: Database) -> None:
    vin, at = car_at(db, 1, "TRIM1", T0)
    refused(
        db, RuleViolation, lambda s: release_vehicle(s, vin, SUPERVISOR, now=at), f"{vin} is not on hold."
    )


def test_a_held_car_is_released_where_it_was_by_a_supervisor_or_inspector(db: Database) -> None:
    vin, at = car_at(db, 1, "TRIM1", T0)
    # Holding takes the station's certification (or a line role): BODY's operator may not at TRIM1.
    refused(
        db,
        PermissionDenied,
        lambda s: hold_vehicle(s, vin, "wrong seat colour", OPERATOR_BODY, now=at),
        "not certified for TRIM1",
    )
    write(db, lambda s: hold_vehicle(s, vin, "wrong seat colour", OPERATOR_TRIM, now=at))
    refused(db, PermissionDenied, lambda s: release_vehicle(s, vin, OPERATOR_TRIM, now=at), "may not release")
    result = write(db, lambda s: release_vehicle(s, vin, INSPECTOR, "right seats fitted", now=at))
    assert result.message == f"{vin} released at TRIM1."
    assert (car(db, vin)["state"], car(db, vin)["station"]) == ("in_station", "TRIM1")
    assert events(db, vin)[-2:] == [
        ("hold", "TRIM1", "wrong seat colour"),
        ("release", "TRIM1", "right seats fitted"),
    ]


def test_a_car_in_the_repair_bay_is_held_there_and_released_back_into_the_bay(db: Database) -> None:
    """A recall stops cars wherever they are in the plant, the repair bay included."""
    vin, at = car_at(db, 1, "PAINT", T0)
    write(db, lambda s: send_to_repair(s, vin, "orange peel", SUPERVISOR, now=at))
    later = at + timedelta(minutes=5)
    write(db, lambda s: hold_vehicle(s, vin, "recall check", SUPERVISOR, now=later))
    assert (car(db, vin)["state"], car(db, vin)["station"]) == ("held", "REPAIR")
    write(db, lambda s: release_vehicle(s, vin, SUPERVISOR, now=later))
    assert (car(db, vin)["state"], car(db, vin)["station"]) == ("in_repair", "REPAIR")
