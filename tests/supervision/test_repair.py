"""The repair bay loop: send, scan in and out, return; every refusal writes nothing; time in repair."""

from __future__ import annotations

from datetime import timedelta

import pytest

from neofloor.services.plant.errors import (
    DoubleScan,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RuleViolation,
    VehicleHeld,
)
from neofloor.services.scan import record_scan
from neofloor.services.supervision.repair import repair_scan, return_from_repair, send_to_repair
from neofloor.services.supervision.repair_time import car_repair_time, cars_in_repair, repair_time_summary
from neofloor.services.tracking.history import vehicle_history
from neofloor.services.tracking.holds import hold_vehicle
from neofloor.store.engine import Database
from tests.conftest import INSPECTOR, OPERATOR_BODY, ROUTE, SUPERVISOR, T0, plan_cars, run_through, scan
from tests.supervision.helpers import car, car_at, events, refused, write

SHIFT_LEAD = "4001"


def _send(db: Database, vin: str, at, badge: str = SUPERVISOR, reason: str = "paint scratch on door"):
    return write(db, lambda s: send_to_repair(s, vin, reason, badge, "T-LINE", now=at))


def _bay_scan(db: Database, vin: str, at, badge: str = INSPECTOR):
    return write(db, lambda s: repair_scan(s, vin, badge, "T-BAY", now=at))


def _repaired(db: Database, vin: str, at) -> None:
    """Send the car to the bay at ``at``, start the repair 10 min later, complete it 40 min later."""
    _send(db, vin, at)
    _bay_scan(db, vin, at + timedelta(minutes=10))
    _bay_scan(db, vin, at + timedelta(minutes=40))


def test_a_car_goes_to_repair_from_the_station_it_is_in(db: Database) -> None:
    vin, at = car_at(db, 1, "TRIM1", T0)
    result = _send(db, vin, at)
    assert result.message == f"{vin} sent to REPAIR from TRIM1: paint scratch on door."
    assert (result.state, result.station, result.left_station) == ("in_repair", "REPAIR", "TRIM1")
    now = car(db, vin)
    assert (now["state"], now["station"], now["return_station"], now["repair_visits"]) == (
        "in_repair",
        "REPAIR",
        "TRIM1",
        1,
    )
    assert now["state_since"] == at
    assert events(db, vin)[-1] == ("to_repair", "TRIM1", "paint scratch on door")


def test_a_waiting_car_goes_to_repair_and_inspectors_may_send(db: Database) -> None:
    vin, at = car_at(db, 1, "CHASSIS", T0, inside=False)
    _send(db, vin, at, badge=INSPECTOR)
    assert car(db, vin)["return_station"] == "CHASSIS"


@pytest.mark.parametrize(
    ("setup", "error", "words"),
    [
        ("in_repair", RuleViolation, "is already in the repair bay"),
        ("held", VehicleHeld, "release it before sending it to repair"),
        ("planned", RuleViolation, "has not started on the line yet"),
        ("finished", RuleViolation, "has already left the line"),
    ],
)
def test_cars_off_the_line_flow_cannot_be_sent(db: Database, setup: str, error, words: str) -> None:
    if setup == "planned":
        (vin,) = plan_cars(db, 1)
        at = T0
    elif setup == "finished":
        (vin,) = plan_cars(db, 1)
        at = run_through(db, vin, ROUTE, T0)
    else:
        vin, at = car_at(db, 1, "TRIM1", T0)
        if setup == "in_repair":
            _send(db, vin, at)
        else:
            write(db, lambda s: hold_vehicle(s, vin, "missing part", SUPERVISOR, now=at))
    refused(
        db, error, lambda s: send_to_repair(s, vin, "again", SUPERVISOR, now=at + timedelta(hours=1)), words
    )


def test_operators_may_not_send_and_a_reason_is_required(db: Database) -> None:
    vin, at = car_at(db, 1, "PAINT", T0)
    sentence = refused(
        db, PermissionDenied, lambda s: send_to_repair(s, vin, "dent", OPERATOR_BODY, now=at), "may not send"
    )
    assert "only a supervisor, shift lead, admin or inspector may" in sentence
    refused(db, InvalidInput, lambda s: send_to_repair(s, vin, "   ", SUPERVISOR, now=at), "needs a reason")
    refused(db, InvalidInput, lambda s: send_to_repair(s, vin, "x" * 401, SUPERVISOR, now=at), "under 400")
    refused(db, NotFound, lambda s: send_to_repair(s, vin, "dent", "0000", now=at), "Unknown badge")


def test_the_bay_scans_the_car_in_then_out_and_ignores_a_double_scan(db: Database) -> None:
    vin, at = car_at(db, 1, "TRIM1", T0)
    _send(db, vin, at)
    started = _bay_scan(db, vin, at + timedelta(minutes=5))
    assert started.message == f"{vin} repair started at REPAIR."
    refused(
        db, DoubleScan, lambda s: repair_scan(s, vin, INSPECTOR, now=at + timedelta(minutes=5, seconds=1))
    )
    done = _bay_scan(db, vin, at + timedelta(minutes=30))
    assert done.message == f"{vin} repaired at REPAIR; it goes back to TRIM1."
    assert (done.action, done.state, done.next_station) == ("repair_completed", "in_repair", "TRIM1")
    refused(
        db,
        RuleViolation,
        lambda s: repair_scan(s, vin, INSPECTOR, now=at + timedelta(hours=1)),
        "already repaired",
    )
    assert [e[:2] for e in events(db, vin)[-3:]] == [
        ("to_repair", "TRIM1"),
        ("repair_start", "REPAIR"),
        ("repair_complete", "REPAIR"),
    ]


def test_a_scan_at_the_repair_station_is_a_repair_scan(db: Database) -> None:
    vin, at = car_at(db, 1, "TRIM1", T0)
    _send(db, vin, at)
    with db.write() as session:
        result = record_scan(session, "REPAIR", vin, SUPERVISOR, "T-BAY", now=at + timedelta(minutes=3))
    assert result.action == "repair_started"
    assert events(db, vin)[-1][:2] == ("repair_start", "REPAIR")


def test_the_bay_refuses_cars_not_in_it_and_uncertified_operators(db: Database) -> None:
    vin, at = car_at(db, 1, "TRIM1", T0)
    refused(db, RuleViolation, lambda s: repair_scan(s, vin, INSPECTOR, now=at), "not in the repair bay")
    _send(db, vin, at)
    refused(
        db, PermissionDenied, lambda s: repair_scan(s, vin, OPERATOR_BODY, now=at), "not certified for REPAIR"
    )


def test_return_before_the_repair_is_done_is_refused(db: Database) -> None:
    vin, at = car_at(db, 1, "TRIM1", T0)
    _send(db, vin, at)
    refused(
        db, RuleViolation, lambda s: return_from_repair(s, vin, SUPERVISOR, now=at), "not been repaired yet"
    )
    _bay_scan(db, vin, at + timedelta(minutes=5))
    refused(
        db, RuleViolation, lambda s: return_from_repair(s, vin, SUPERVISOR, now=at), "still being repaired"
    )
    other, other_at = car_at(db, 2, "BODY", T0)
    refused(
        db,
        RuleViolation,
        lambda s: return_from_repair(s, other, SUPERVISOR, now=other_at),
        "not in the repair",
    )


def test_a_repaired_car_goes_back_to_the_station_it_left_and_is_scanned_in_again(db: Database) -> None:
    vin, at = car_at(db, 1, "TRIM1", T0)
    _repaired(db, vin, at)
    back_at = at + timedelta(hours=1)
    result = write(db, lambda s: return_from_repair(s, vin, INSPECTOR, now=back_at))
    assert result.message == f"{vin} back from repair, queued at TRIM1."
    now = car(db, vin)
    assert (now["state"], now["station"], now["return_station"]) == ("queued", "TRIM1", None)
    assert events(db, vin)[-1] == ("from_repair", "TRIM1", "REPAIR -> TRIM1")
    assert scan(db, "TRIM1", vin, back_at + timedelta(minutes=2)) == f"{vin} started at TRIM1."
    with db.read() as session:
        history = vehicle_history(session, vin)
    # The visit the repair interrupted stays open; the new one runs as usual.
    assert [(s.station, s.completed_at is None) for s in history.stays][-2:] == [
        ("TRIM1", True),
        ("TRIM1", True),
    ]


def test_only_a_line_leader_names_another_station_and_it_is_noted(db: Database) -> None:
    vin, at = car_at(db, 1, "TRIM1", T0)
    _repaired(db, vin, at)
    later = at + timedelta(hours=1)
    refused(
        db,
        PermissionDenied,
        lambda s: return_from_repair(s, vin, INSPECTOR, "PAINT", now=later),
        "only a supervisor, shift lead or admin may",
    )
    refused(
        db,
        RuleViolation,
        lambda s: return_from_repair(s, vin, SUPERVISOR, "YARD", now=later),
        "not a production",
    )
    refused(
        db, NotFound, lambda s: return_from_repair(s, vin, SUPERVISOR, "MOON", now=later), "Unknown station"
    )
    result = write(
        db, lambda s: return_from_repair(s, vin, SHIFT_LEAD, "PAINT", "respray the door", now=later)
    )
    assert result.message == f"{vin} back from repair, queued at PAINT (instead of TRIM1)."
    assert car(db, vin)["station"] == "PAINT"
    assert events(db, vin)[-1] == (
        "from_repair",
        "PAINT",
        "REPAIR -> PAINT (left from TRIM1): respray the door",
    )


def test_time_in_repair_per_car_and_the_cars_in_the_bay_now(db: Database) -> None:
    vin, at = car_at(db, 1, "TRIM1", T0)
    _repaired(db, vin, at)
    write(db, lambda s: return_from_repair(s, vin, SUPERVISOR, now=at + timedelta(minutes=50)))
    scan(db, "TRIM1", vin, at + timedelta(minutes=55))
    second = at + timedelta(hours=2)
    _send(db, vin, second, reason="loose seat")
    _bay_scan(db, vin, second + timedelta(minutes=5))
    now = second + timedelta(minutes=30)
    with db.read() as session:
        timed = car_repair_time(session, vin, now=now)
        bay = cars_in_repair(session, now=now)
    assert [v.seconds(now) for v in timed.visits] == [50 * 60, 30 * 60]
    assert timed.total_seconds == 80 * 60 and timed.in_repair_now
    assert [v.returned_to for v in timed.visits] == ["TRIM1", None]
    assert car(db, vin)["repair_visits"] == 2
    assert len(bay) == 1
    assert (bay[0].vin, bay[0].phase, bay[0].seconds, bay[0].reason) == (vin, "repairing", 1800, "loose seat")
    assert bay[0].phase_since == second + timedelta(minutes=5)


def test_repair_time_over_a_period_clips_each_visit(db: Database) -> None:
    first, at1 = car_at(db, 1, "TRIM1", T0)
    second, at2 = car_at(db, 2, "BODY", T0 + timedelta(hours=1))
    third, at3 = car_at(db, 3, "BODY", T0 + timedelta(hours=2))
    _repaired(db, first, at1)  # away at1 .. at1 + 60 min
    write(db, lambda s: return_from_repair(s, first, SUPERVISOR, now=at1 + timedelta(minutes=60)))
    _repaired(db, second, at2)  # away at2 .. at2 + 3 h, the period starts inside it
    write(db, lambda s: return_from_repair(s, second, SUPERVISOR, now=at2 + timedelta(hours=3)))
    _send(db, third, at3)  # still away
    start, end = at2 + timedelta(hours=1), at2 + timedelta(hours=5)
    now = end + timedelta(hours=1)
    with db.read() as session:
        summary = repair_time_summary(session, start, end, now=now)
    by_vin = dict(zip([v.vin for v in summary.visits], summary.seconds_per_visit, strict=True))
    assert first not in by_vin  # over before the period began
    assert by_vin[second] == 2 * 3600  # from the period's start to its return
    assert by_vin[third] == (end - max(at3, start)).total_seconds()
    assert summary.total_seconds == sum(by_vin.values()) and summary.cars == 2
    # A period inside one long visit still sees it.
    with db.read() as session:
        inside = repair_time_summary(session, at2 + timedelta(hours=1), at2 + timedelta(hours=2), now=now)
    assert next((v.vin, s) for v, s in zip(inside.visits, inside.seconds_per_visit, strict=True)) == (
        second,
        3600,
    )
