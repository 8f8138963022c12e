"""The build sequence: supervisor overrides, the out-of-sequence flag a scan sets, sequence breaks counted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from neofloor.services.plant.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    RuleViolation,
    VehicleHeld,
)
from neofloor.services.supervision.overrides import override_move, overrides_between, sequence_breaks
from neofloor.services.supervision.repair import send_to_repair
from neofloor.services.tracking.history import vehicle_history
from neofloor.services.tracking.holds import hold_vehicle, release_vehicle
from neofloor.store.engine import Database
from neofloor.store.models import StationVisit, Vehicle
from tests.conftest import INSPECTOR, OPERATOR_BODY, ROUTE, SUPERVISOR, T0, plan_cars, run_through, scan
from tests.supervision.helpers import car, car_at, events, read, refused, write

SHIFT_LEAD, ADMIN = "4001", "9001"


def _override(
    db: Database, vin: str, to: str, at, badge: str = SUPERVISOR, reason: str = "urgent customer order"
):
    return write(db, lambda s: override_move(s, vin, to, reason, badge, "T-SUP", now=at))


def test_a_supervisor_skips_a_car_ahead_with_a_reason(db: Database) -> None:
    vin, at = car_at(db, 1, "TRIM1", T0, inside=False)
    result = _override(db, vin, "CHASSIS", at)
    assert result.message == f"{vin} moved by override from TRIM1 to CHASSIS: urgent customer order."
    assert (car(db, vin)["state"], car(db, vin)["station"]) == ("queued", "CHASSIS")
    assert events(db, vin)[-1] == ("override", "CHASSIS", "TRIM1 -> CHASSIS: urgent customer order")
    # It must be scanned in at its new station, and then follows the route from there.
    assert scan(db, "CHASSIS", vin, at + timedelta(minutes=1)) == f"{vin} started at CHASSIS."
    with db.read() as session:
        history = vehicle_history(session, vin)
    assert [e.kind for e in history.events][-2:] == ["override", "start"]


@pytest.mark.parametrize("badge", [SUPERVISOR, SHIFT_LEAD, ADMIN])
def test_line_leaders_send_a_car_back_to_repeat_a_station(db: Database, badge: str) -> None:
    vin, at = car_at(db, 1, "TRIM2", T0)
    _override(db, vin, "TRIM1", at, badge=badge, reason="harness to redo")
    assert (car(db, vin)["state"], car(db, vin)["station"]) == ("queued", "TRIM1")


@pytest.mark.parametrize(
    ("badge", "reason", "to", "error", "words"),
    [
        (SUPERVISOR, "", "CHASSIS", InvalidInput, "An override needs a reason."),
        (SUPERVISOR, "  \t ", "CHASSIS", InvalidInput, "needs a reason"),
        (OPERATOR_BODY, "because", "CHASSIS", PermissionDenied, "may not override the build sequence"),
        (INSPECTOR, "because", "CHASSIS", PermissionDenied, "only a supervisor, shift lead or admin may"),
        (SUPERVISOR, "because", "YARD", RuleViolation, "YARD is not a line station"),
        (SUPERVISOR, "because", "REPAIR", RuleViolation, "not a line station"),
        (SUPERVISOR, "because", "MOON", NotFound, "Unknown station"),
        (SUPERVISOR, "because", "TRIM1", RuleViolation, "is already due at TRIM1"),
    ],
)
def test_bad_overrides_are_refused(db: Database, badge: str, reason: str, to: str, error, words: str) -> None:
    vin, at = car_at(db, 1, "TRIM1", T0, inside=False)
    refused(db, error, lambda s: override_move(s, vin, to, reason, badge, now=at), words)


def test_cars_held_in_repair_or_finished_cannot_be_moved(db: Database) -> None:
    held, at = car_at(db, 1, "TRIM1", T0)
    write(db, lambda s: hold_vehicle(s, held, "missing part", SUPERVISOR, now=at))
    refused(db, VehicleHeld, lambda s: override_move(s, held, "FINAL", "x", SUPERVISOR, now=at), "release it")
    away, at2 = car_at(db, 2, "PAINT", T0)
    write(db, lambda s: send_to_repair(s, away, "dent", SUPERVISOR, now=at2))
    refused(
        db, RuleViolation, lambda s: override_move(s, away, "FINAL", "x", SUPERVISOR, now=at2), "repair bay"
    )
    (done,) = plan_cars(db, 1, start=3)
    at3 = run_through(db, done, ROUTE, T0)
    refused(
        db, RuleViolation, lambda s: override_move(s, done, "QG", "x", SUPERVISOR, now=at3), "left the line"
    )
    in_station, at4 = car_at(db, 4, "BODY", T0 + timedelta(hours=3))
    refused(
        db,
        RuleViolation,
        lambda s: override_move(s, in_station, "BODY", "x", SUPERVISOR, now=at4),
        "already in",
    )


def test_the_overrides_of_a_period_are_listed(db: Database) -> None:
    first, at = car_at(db, 1, "TRIM1", T0, inside=False)
    second, _ = car_at(db, 2, "PAINT", T0 + timedelta(hours=1))
    _override(db, first, "CHASSIS", at, reason="customer waiting")
    _override(db, second, "BODY", T0 + timedelta(hours=2), badge=SHIFT_LEAD, reason="weld check")
    _override(db, first, "TRIM2", T0 + timedelta(days=1), reason="tomorrow")
    lines = read(db, lambda s: overrides_between(s, T0, T0 + timedelta(hours=12)))
    assert [(o.vin, o.from_station, o.to_station, o.reason, o.by, o.terminal) for o in lines] == [
        (first, "TRIM1", "CHASSIS", "customer waiting", "Rachid Alaoui", "T-SUP"),
        (second, "PAINT", "BODY", "weld check", "Leila Chraibi", "T-SUP"),
    ]
    assert lines[0].at == at


def _visit_flags(db: Database, vin: str) -> list[bool]:
    with db.read() as session:
        vehicle_id = session.execute(select(Vehicle.id).where(Vehicle.vin == vin)).scalar_one()
        return list(
            session.execute(
                select(StationVisit.out_of_sequence)
                .where(StationVisit.vehicle_id == vehicle_id)
                .order_by(StationVisit.id)
            ).scalars()
        )


def test_a_start_ahead_of_an_earlier_waiting_car_is_flagged(db: Database) -> None:
    one, two, three = plan_cars(db, 3)
    scan(db, "BODY", two, T0)  # car 1 still waits for BODY
    assert _visit_flags(db, two) == [True]
    assert car(db, two)["out_of_sequence"] is True
    scan(db, "BODY", one, T0 + timedelta(minutes=1))  # nobody earlier waits
    assert _visit_flags(db, one) == [False]
    scan(db, "BODY", two, T0 + timedelta(minutes=10))
    scan(db, "BODY", one, T0 + timedelta(minutes=11))
    # At PAINT car 2 is again ahead of car 1 (queued there); car 1 then starts in order.
    scan(db, "PAINT", two, T0 + timedelta(minutes=12))
    scan(db, "PAINT", one, T0 + timedelta(minutes=13))
    assert _visit_flags(db, two) == [True, True]
    assert _visit_flags(db, one) == [False, False]
    # The car's own flag follows its latest start.
    scan(db, "PAINT", two, T0 + timedelta(minutes=20))
    scan(db, "TRIM1", two, T0 + timedelta(minutes=21))
    assert car(db, two)["out_of_sequence"] is False and _visit_flags(db, two)[-1] is False
    assert car(db, three)["out_of_sequence"] is False


def test_held_cars_and_cars_in_repair_do_not_make_a_break(db: Database) -> None:
    one, two, three = plan_cars(db, 3)
    write(db, lambda s: hold_vehicle(s, one, "order on hold", SUPERVISOR, now=T0))
    scan(db, "BODY", two, T0 + timedelta(minutes=1))
    assert _visit_flags(db, two) == [False]
    write(db, lambda s: release_vehicle(s, one, SUPERVISOR, now=T0 + timedelta(minutes=2)))
    scan(db, "BODY", one, T0 + timedelta(minutes=3))
    write(db, lambda s: send_to_repair(s, one, "weld spatter", SUPERVISOR, now=T0 + timedelta(minutes=4)))
    scan(db, "BODY", three, T0 + timedelta(minutes=5))
    assert _visit_flags(db, three) == [False]


def test_sequence_breaks_are_counted_per_station_in_a_period(db: Database) -> None:
    one, two, three, four = plan_cars(db, 4)
    scan(db, "BODY", two, T0)  # break at BODY (car 1 waits)
    scan(db, "BODY", two, T0 + timedelta(minutes=10))
    scan(db, "BODY", one, T0 + timedelta(minutes=11))
    scan(db, "PAINT", two, T0 + timedelta(minutes=12))  # in order: car 1 is in BODY, not waiting
    scan(db, "BODY", one, T0 + timedelta(minutes=20))
    scan(db, "BODY", four, T0 + timedelta(minutes=21))  # break at BODY (car 3 waits)
    scan(db, "PAINT", one, T0 + timedelta(minutes=40))  # in order
    late = T0 + timedelta(hours=5)
    scan(db, "BODY", four, late)
    scan(db, "BODY", three, late + timedelta(minutes=1))  # in order, outside the period below
    report = read(db, lambda s: sequence_breaks(s, T0, T0 + timedelta(hours=1)))
    assert report.total == 2
    assert report.per_station["BODY"] == 2 and report.per_station["PAINT"] == 0
    assert [(b.vin, b.station, b.started_at) for b in report.breaks] == [
        (two, "BODY", T0),
        (four, "BODY", T0 + timedelta(minutes=21)),
    ]
    body = next(s for s in report.stations if s.station == "BODY")
    assert (body.starts, body.breaks, body.adherence) == (3, 2, pytest.approx(1 / 3))
    assert read(db, lambda s: sequence_breaks(s, late, late + timedelta(hours=1))).total == 0
