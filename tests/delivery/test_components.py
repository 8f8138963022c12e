"""Key components per VIN: capture, its refusals, the completion that waits for serials, replacement."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from neofloor.services.delivery.components import (
    capture_component,
    car_components,
    components_with_lot,
    find_serial,
    parts_at_station,
    parts_needed,
    replace_component,
)
from neofloor.services.plant.errors import (
    ComponentsMissing,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from neofloor.services.supervision.repair import send_to_repair
from neofloor.store.engine import Database
from tests.conftest import ROUTE, T0, fit_parts, plan_cars, run_through, scan
from tests.delivery.helpers import SUPERVISOR, TRIM_OPERATOR, read, refused, tables, write


def car_in(db: Database, n: int, station: str, model: str = "C1") -> str:
    """A car started (not completed) at ``station``, every earlier station done."""
    (vin,) = plan_cars(db, 1, start=n, model=model)
    stations = ROUTE[: ROUTE.index(station)]
    at = run_through(db, vin, stations, T0)
    scan(db, station, vin, at)
    return vin


def test_a_serial_is_captured_and_found_with_its_car_and_fitter(db: Database) -> None:
    vin = car_in(db, 1, "TRIM2")
    result = write(
        db,
        lambda s: capture_component(
            s, vin, "airbag-d", " abd000000777 ", TRIM_OPERATOR, lot="abd-26w48", now=T0
        ),
    )
    assert result.message == f"Driver airbag ABD000000777 recorded on {vin} at TRIM2."
    (found,) = read(db, lambda s: find_serial(s, "ABD000000777"))
    assert (found.vin, found.part, found.station, found.fitted_by, found.lot) == (
        vin,
        "AIRBAG-D",
        "TRIM2",
        "Fatima Zahra Benali",
        "ABD-26W48",
    )
    assert found.fitted
    assert [c.serial for c in read(db, lambda s: components_with_lot(s, "ABD-26W48"))] == ["ABD000000777"]


def test_a_serial_fitted_on_another_car_is_refused_naming_that_car(db: Database) -> None:
    first, second = car_in(db, 1, "TRIM2"), car_in(db, 2, "TRIM2")
    write(db, lambda s: capture_component(s, first, "AIRBAG-D", "ABD000000001", SUPERVISOR, now=T0))
    sentence = refused(
        db,
        RuleViolation,
        lambda s: capture_component(s, second, "AIRBAG-D", "ABD000000001", SUPERVISOR, now=T0),
    )
    assert sentence == f"Serial ABD000000001 is already fitted on {first}; a serial belongs to one car."


def test_capture_refusals_write_nothing(db: Database) -> None:
    vin = car_in(db, 1, "TRIM2")
    refused(
        db,
        InvalidInput,
        lambda s: capture_component(s, vin, "AIRBAG-D", "ABP000000001", SUPERVISOR),
        r"not a driver airbag serial \(expected format",
    )
    refused(
        db, NotFound, lambda s: capture_component(s, vin, "WHEEL", "X1", SUPERVISOR), "Unknown part 'WHEEL'"
    )
    refused(
        db,
        RuleViolation,
        lambda s: capture_component(s, vin, "HV-BATTERY", "HVB26A0000001", SUPERVISOR),
        "not fitted to C1 cars",
    )
    refused(
        db,
        RuleViolation,
        lambda s: capture_component(s, vin, "AIRBAG-D", "ABD000000001", SUPERVISOR, station_code="TRIM1"),
        "captured at TRIM2, not TRIM1",
    )
    refused(
        db,
        RuleViolation,
        lambda s: capture_component(s, vin, "ENGINE", "H4B0000001", SUPERVISOR),
        "has not reached CHASSIS; it is at TRIM2",
    )
    refused(
        db,
        PermissionDenied,
        lambda s: capture_component(s, vin, "AIRBAG-D", "ABD000000001", "1001"),
        "not certified for TRIM2",
    )
    refused(
        db,
        InvalidInput,
        lambda s: capture_component(s, vin, "AIRBAG-D", "ABD000000001", SUPERVISOR, lot="lot 7;"),
        "not a lot number",
    )
    write(db, lambda s: capture_component(s, vin, "AIRBAG-D", "ABD000000001", SUPERVISOR))
    refused(
        db,
        RuleViolation,
        lambda s: capture_component(s, vin, "AIRBAG-D", "ABD000000002", SUPERVISOR),
        "already has driver airbag ABD000000001; replace it in repair",
    )


def test_completion_waits_for_the_stations_required_serials(db: Database) -> None:
    vin = car_in(db, 1, "TRIM2")
    at = T0 + timedelta(hours=2)
    assert [p.code for p in read(db, lambda s: parts_needed(s, vin, "TRIM2"))] == ["AIRBAG-D"]
    before = tables(db)
    try:
        scan(db, "TRIM2", vin, at)
    except ComponentsMissing as refusal:
        assert str(refusal) == f"TRIM2 needs the driver airbag serial before {vin} can complete."
    else:
        raise AssertionError("TRIM2 completed a car without its driver airbag serial")
    assert tables(db) == before
    fit_parts(db, vin, "TRIM2", at)
    assert read(db, lambda s: parts_needed(s, vin, "TRIM2")) == []
    assert scan(db, "TRIM2", vin, at + timedelta(minutes=1)) == f"{vin} completed TRIM2; next: CHASSIS."


def test_an_electric_car_needs_its_battery_and_motor_at_chassis(db: Database) -> None:
    vin = car_in(db, 1, "CHASSIS", model="C1E")
    parts = read(db, lambda s: parts_at_station(s, vin, "CHASSIS"))
    assert [(p.code, p.missing) for p in parts] == [("HV-BATTERY", True), ("MOTOR", True)]
    try:
        scan(db, "CHASSIS", vin, T0 + timedelta(hours=3))
    except ComponentsMissing as refusal:
        assert "HV battery pack and traction motor serials" in str(refusal)
    else:
        raise AssertionError("CHASSIS completed an electric car without its battery and motor serials")


def test_stations_that_capture_nothing_complete_as_before(db: Database) -> None:
    (vin,) = plan_cars(db, 1)
    scan(db, "BODY", vin, T0)
    assert read(db, lambda s: parts_at_station(s, vin, "BODY")) == []
    assert scan(db, "BODY", vin, T0 + timedelta(minutes=5)) == f"{vin} completed BODY; next: PAINT."


def test_a_part_replaced_in_repair_keeps_the_old_serial_marked_removed(db: Database) -> None:
    (vin,) = plan_cars(db, 1)
    at = run_through(db, vin, ROUTE[:3], T0)
    write(db, lambda s: send_to_repair(s, vin, "ECU fault code", SUPERVISOR, now=at))
    old = read(db, lambda s: next(c for c in car_components(s, vin) if c.part == "ECU"))
    refused(
        db,
        InvalidInput,
        lambda s: replace_component(s, vin, "ECU", "ECU00000000FF", SUPERVISOR, "  "),
        "needs a reason",
    )
    result = write(
        db,
        lambda s: replace_component(
            s, vin, "ECU", "ECU00000000FF", "1005", "DTC U0100", now=at + timedelta(hours=1)
        ),
    )
    assert result.replaced is not None and result.replaced.serial == old.serial
    ecus = [c for c in read(db, lambda s: car_components(s, vin)) if c.part == "ECU"]
    assert [(c.serial, c.fitted, c.removal_reason) for c in ecus] == [
        ("ECU00000000FF", True, ""),
        (old.serial, False, "DTC U0100"),
    ]
    with db.read() as session:
        rows = session.execute(
            text("SELECT count(*) FROM fitted_component WHERE serial = :s"), {"s": old.serial}
        )
        assert rows.scalar_one() == 1  # never deleted
    # The removed serial is still found, on the car it came off.
    assert [c.vin for c in read(db, lambda s: find_serial(s, old.serial))] == [vin]


def test_replacement_outside_repair_or_the_yard_is_refused(db: Database) -> None:
    vin = car_in(db, 1, "TRIM2")
    refused(
        db,
        RuleViolation,
        lambda s: replace_component(s, vin, "ECU", "ECU00000000FF", SUPERVISOR, "fault"),
        "is not in repair",
    )


def test_an_unknown_serial_is_refused(db: Database) -> None:
    refused(db, NotFound, lambda s: find_serial(s, "ABD999999999"), "No car has a component with serial")
