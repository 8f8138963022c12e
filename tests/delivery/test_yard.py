"""The yard: spots, their refusals, the yard list, scans at the yard, holds of cars there."""

from __future__ import annotations

from datetime import timedelta

from neofloor.services.delivery.pdi import check_pdi_item
from neofloor.services.delivery.yard import park_car, yard_list
from neofloor.services.plant.errors import InvalidInput, PermissionDenied, RuleViolation
from neofloor.services.scan import record_scan
from neofloor.services.tracking.holds import hold_vehicle, release_vehicle
from neofloor.store.engine import Database
from tests.conftest import plan_cars
from tests.delivery.helpers import (
    INSPECTOR_YARD,
    SUPERVISOR,
    TRIM_OPERATOR,
    YARD_AGENT,
    cars_in_yard,
    read,
    refused,
    state_of,
    write,
)


def test_a_car_is_parked_then_moved_each_time_in_the_ledger(db: Database) -> None:
    (vin,), at = cars_in_yard(db, 1)
    assert (
        write(db, lambda s: park_car(s, vin, " b7 ", YARD_AGENT, now=at)).message == f"{vin} parked at B-07."
    )
    moved = write(db, lambda s: park_car(s, vin, "C-12", YARD_AGENT, now=at + timedelta(minutes=5)))
    assert (moved.previous_spot, moved.spot) == ("B-07", "C-12")
    assert moved.message == f"{vin} moved from B-07 to C-12."
    assert state_of(db, vin) == ("finished", "YARD")


def test_spot_refusals_write_nothing(db: Database) -> None:
    (first, second), at = cars_in_yard(db, 2)
    write(db, lambda s: park_car(s, first, "A-01", YARD_AGENT, now=at))
    refused(
        db,
        InvalidInput,
        lambda s: park_car(s, second, "A/1", YARD_AGENT),
        "is not a yard spot: write row-place",
    )
    refused(db, InvalidInput, lambda s: park_car(s, second, "Z-01", YARD_AGENT), "is not a spot of this yard")
    refused(db, InvalidInput, lambda s: park_car(s, second, "A-41", YARD_AGENT), "places 01 to 40")
    sentence = refused(db, RuleViolation, lambda s: park_car(s, second, "A-01", YARD_AGENT))
    assert sentence == f"Spot A-01 is taken by {first}."
    refused(db, RuleViolation, lambda s: park_car(s, first, "a-1", YARD_AGENT), "already parked at A-01")
    refused(
        db, PermissionDenied, lambda s: park_car(s, second, "A-02", TRIM_OPERATOR), "not certified for YARD"
    )


def test_a_car_not_in_the_yard_is_not_parked(db: Database) -> None:
    (vin,) = plan_cars(db, 1)
    refused(db, RuleViolation, lambda s: park_car(s, vin, "A-01", YARD_AGENT), "is not in the yard")


def test_the_yard_list_shows_spot_age_pdi_and_sale_and_never_a_delivered_car(db: Database) -> None:
    (old, new), at = cars_in_yard(db, 2)
    write(db, lambda s: park_car(s, new, "D-03", YARD_AGENT, now=at))
    write(db, lambda s: check_pdi_item(s, old, "LIGHTS", INSPECTOR_YARD, passed=True, now=at))
    page = read(db, lambda s: yard_list(s, now=at + timedelta(days=2)))
    assert page.total == 2 and not page.has_more
    assert [(c.vin, c.spot, c.pdi, c.sold) for c in page.cars] == [
        (old, None, "in progress", True),
        (new, "D-03", "not started", True),
    ]
    assert page.cars[0].seconds_in_yard > page.cars[1].seconds_in_yard > 2 * 86400 - 3600
    assert [c.vin for c in read(db, lambda s: yard_list(s, offset=1, limit=1, now=at).cars)] == [new]
    refused(db, InvalidInput, lambda s: yard_list(s, limit=0), "holds 1 to 1000 cars")


def test_a_car_in_the_yard_is_held_and_released_there(db: Database) -> None:
    (vin,), at = cars_in_yard(db, 1)
    write(db, lambda s: hold_vehicle(s, vin, "Recall R-01: airbag lot", SUPERVISOR, now=at))
    assert state_of(db, vin) == ("held", "YARD")
    (car,) = read(db, lambda s: yard_list(s, now=at).cars)
    assert car.held and car.hold_reason == "Recall R-01: airbag lot"
    write(db, lambda s: release_vehicle(s, vin, SUPERVISOR, now=at))
    assert state_of(db, vin) == ("finished", "YARD")


def test_a_scan_at_the_yard_acknowledges_the_car_and_writes_nothing(db: Database) -> None:
    (vin,), at = cars_in_yard(db, 1)
    message = write(db, lambda s: record_scan(s, "YARD", vin, YARD_AGENT, "t", now=at).message)
    assert message == f"{vin} is in the yard without a spot: give it one."
    write(db, lambda s: park_car(s, vin, "E-40", YARD_AGENT, now=at))
    later = at + timedelta(minutes=1)
    refused(db, PermissionDenied, lambda s: record_scan(s, "YARD", vin, TRIM_OPERATOR, "t", now=later))
    message = write(db, lambda s: record_scan(s, "YARD", vin, YARD_AGENT, "t", now=later).message)
    assert message == f"{vin} is in the yard at E-40."
