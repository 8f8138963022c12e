"""A car's build record, from the plan to the customer: one electric car lives every step.

It is held and released at TRIM1, waits through an andon stop at CHASSIS, has a defect
found at QG that goes to the repair bay, is repaired and verified, has its HV battery
replaced in the yard, is parked and moved, passes its inspection and is handed over,
financed by Sofac. Every part of the record is checked against what was written.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from neofloor.reports.build_record import render_build_record
from neofloor.services.delivery.components import replace_component
from neofloor.services.delivery.handover import deliver_car
from neofloor.services.delivery.pdi import check_pdi_item, pdi_status
from neofloor.services.delivery.yard import park_car
from neofloor.services.plant.errors import InvalidVin, NotFound
from neofloor.services.quality.defects import add_defect, repair_defect, verify_defect
from neofloor.services.supervision.andon import end_andon, raise_andon
from neofloor.services.supervision.repair import repair_scan, return_from_repair, send_to_repair
from neofloor.services.traceability.build_record import build_record
from neofloor.services.tracking.holds import hold_vehicle, release_vehicle
from neofloor.store.engine import Database
from tests.conftest import (
    INSPECTOR,
    ROUTE,
    SUPERVISOR,
    T0,
    fit_parts,
    make_vin,
    plan_cars,
    run_through,
    scan,
    serial_for,
)

MIN = timedelta(minutes=1)


@pytest.fixture
def lived(db: Database) -> tuple[str, dict[str, datetime]]:
    """The electric car's whole life; returns its VIN and the moments the test checks."""
    vin = plan_cars(db, 1, start=42, model="C1E")[0]
    at = run_through(db, vin, ROUTE[:2], T0)
    moments: dict[str, datetime] = {}
    scan(db, "TRIM1", vin, at)
    with db.write() as session:
        hold_vehicle(session, vin, "Harness clip check", SUPERVISOR, now=at + 2 * MIN)
    with db.write() as session:
        release_vehicle(session, vin, SUPERVISOR, "clip fine", now=at + 5 * MIN)
    moments["held"] = at + 2 * MIN
    fit_parts(db, vin, "TRIM1", at + 9 * MIN)
    scan(db, "TRIM1", vin, at + 10 * MIN)
    at = run_through(db, vin, ("TRIM2",), at + 11 * MIN)
    # CHASSIS: a stop raised while the car is in it, ended 7 minutes later.
    scan(db, "CHASSIS", vin, at)
    chassis_start = at
    with db.write() as session:
        raise_andon(session, "CHASSIS", "MAT", SUPERVISOR, "Battery trolley late", now=at + 2 * MIN)
    with db.write() as session:
        end_andon(session, "CHASSIS", SUPERVISOR, now=at + 9 * MIN)
    moments["stop"] = at + 2 * MIN
    fit_parts(db, vin, "CHASSIS", chassis_start + 10 * MIN)
    scan(db, "CHASSIS", vin, chassis_start + 10 * MIN)
    at = chassis_start + 11 * MIN
    at = run_through(db, vin, ROUTE[5:8], at)
    scan(db, "QG", vin, at)
    with db.write() as session:
        found = add_defect(session, vin, "QG", "WL-DOOR", "left", INSPECTOR, now=at + 2 * MIN)
    with db.write() as session:
        send_to_repair(session, vin, "door seal leak", SUPERVISOR, now=at + 3 * MIN)
    with db.write() as session:
        repair_scan(session, vin, SUPERVISOR, now=at + 5 * MIN)
    with db.write() as session:
        repair_defect(session, found.defect.id, SUPERVISOR, "seal reseated", now=at + 15 * MIN)
    with db.write() as session:
        repair_scan(session, vin, SUPERVISOR, now=at + 16 * MIN)
    with db.write() as session:
        return_from_repair(session, vin, SUPERVISOR, to_station="QG", now=at + 18 * MIN)
    with db.write() as session:
        verify_defect(session, found.defect.id, INSPECTOR, now=at + 20 * MIN)
    at = at + 25 * MIN
    scan(db, "QG", vin, at)
    at += 10 * MIN
    scan(db, "QG", vin, at)
    with db.write() as session:
        park_car(session, vin, "A-01", SUPERVISOR, now=at)
    with db.write() as session:
        park_car(session, vin, "B-07", SUPERVISOR, now=at + 60 * MIN)
    with db.write() as session:
        replace_component(
            session,
            vin,
            "HV-BATTERY",
            "HVB26A9999999",
            SUPERVISOR,
            "cell imbalance",
            lot="L-2611",
            now=at + 2 * 60 * MIN,
        )
    moments["replaced"] = at + 2 * 60 * MIN
    with db.write() as session:
        for item in pdi_status(session, vin).items:
            check_pdi_item(session, vin, item.code, SUPERVISOR, passed=True, now=at + 3 * 60 * MIN)
    with db.write() as session:
        deliver_car(
            session,
            vin,
            "Salma Idrissi",
            SUPERVISOR,
            financing="SOFAC",
            reference="CTR-8841",
            dealer="Auto Hall Rabat",
            now=at + 4 * 60 * MIN,
        )
    moments["delivered"] = at + 4 * 60 * MIN
    return vin, moments


def test_the_record_tells_the_car_s_whole_life(db: Database, lived: tuple[str, dict[str, datetime]]) -> None:
    vin, moments = lived
    with db.read() as session:
        record = build_record(session, vin.lower(), now=moments["delivered"] + MIN)
    assert (record.vin, record.model, record.state) == (vin, "C1E", "delivered")
    assert [s.station for s in record.stays] == [*ROUTE, "QG"][: len(record.stays)]
    assert {s.station for s in record.stays} == set(ROUTE)
    assert all(s.operator for s in record.stays)

    fitted = {(c.part, c.serial, c.removed_at is not None) for c in record.components}
    assert ("HV-BATTERY", serial_for("HV-BATTERY", 42), True) in fitted
    assert ("HV-BATTERY", "HVB26A9999999", False) in fitted
    removed = next(c for c in record.components if c.removed_at is not None)
    assert (removed.removal_reason, removed.removed_at) == ("cell imbalance", moments["replaced"])
    assert {"ECU", "AIRBAG-P", "AIRBAG-D", "MOTOR", "OBC"} <= {c.part for c in record.components}

    (defect,) = record.defects
    assert (defect.code, defect.status, defect.repair_note) == ("WL-DOOR", "verified", "seal reseated")
    assert defect.verified_by is not None

    (hold,) = record.holds
    assert (hold.held_at, hold.station, hold.reason, hold.release_note) == (
        moments["held"],
        "TRIM1",
        "Harness clip check",
        "clip fine",
    )
    (repair,) = record.repairs
    assert (repair.left_station, repair.reason, repair.returned_to) == ("QG", "door seal leak", "QG")

    (stop,) = record.stops
    assert (stop.stop.station, stop.stop.reason_code, stop.stop.started_at) == (
        "CHASSIS",
        "MAT",
        moments["stop"],
    )
    assert stop.seconds == 7 * 60

    assert [p.spot for p in record.parks] == ["A-01", "A-01 -> B-07"]
    assert record.pdi is not None and record.pdi.status == "passed"
    assert record.delivery is not None
    assert (record.delivery.customer, record.delivery.financing_name, record.delivery.dealer) == (
        "Salma Idrissi",
        "Sofac",
        "Auto Hall Rabat",
    )
    assert record.delivery.delivered_at == moments["delivered"]


def test_the_record_prints_as_markdown_and_json(db: Database, lived: tuple[str, dict[str, datetime]]) -> None:
    vin, moments = lived
    with db.read() as session:
        record = build_record(session, vin, now=moments["delivered"] + MIN)
    text = render_build_record(record, "md")
    assert text.startswith(f"# Build record: {vin}\n")
    for heading in (
        "Stations",
        "Components",
        "Defects",
        "Holds",
        "Repair bay",
        "Andon stops waited through",
        "Yard",
    ):
        assert f"\n## {heading}\n" in text
    assert "Sold: through Auto Hall Rabat; paid: Sofac" in text
    data = json.loads(render_build_record(record, "json"))
    assert data["delivery"]["financing_code"] == "SOFAC"
    assert data["andon_stops"][0]["seconds_waited"] == 420
    assert data["delivered_at"].endswith("+01:00")


def test_a_stop_at_a_station_the_car_was_not_in_is_not_its(db: Database) -> None:
    vin = plan_cars(db, 1)[0]
    with db.write() as session:
        raise_andon(session, "PAINT", "MAT", SUPERVISOR, now=T0 - 30 * MIN)
    with db.write() as session:
        end_andon(session, "PAINT", SUPERVISOR, now=T0 - 5 * MIN)
    run_through(db, vin, ROUTE[:3], T0)
    with db.read() as session:
        record = build_record(session, vin, now=T0 + 60 * MIN)
    assert record.stops == ()
    assert record.pdi is None and record.delivery is None


def test_an_unknown_or_malformed_vin_is_refused(db: Database) -> None:
    with db.read() as session, pytest.raises(NotFound):
        build_record(session, make_vin(9999))
    with db.read() as session, pytest.raises(InvalidVin):
        build_record(session, "NOT-A-VIN")
