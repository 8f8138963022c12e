"""record_scan, hold and release: the route, the refusals, and the ledger."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from neofloor.services.plant.errors import (
    DoubleScan,
    InvalidInput,
    InvalidVin,
    NotFound,
    OutOfSequence,
    PermissionDenied,
    RuleViolation,
    VehicleHeld,
)
from neofloor.services.scan import record_scan
from neofloor.services.tracking.floor import cars_in_station, station_queue, wip_per_station
from neofloor.services.tracking.history import vehicle_history
from neofloor.services.tracking.holds import hold_vehicle, release_vehicle
from neofloor.services.tracking.marker import change_marker
from neofloor.store.engine import Database
from neofloor.store.models import StationEvent, StationVisit, Vehicle
from tests.conftest import OPERATOR_BODY, ROUTE, SUPERVISOR, T0, make_vin, plan_cars, run_through, scan


def _snapshot(db: Database) -> tuple[object, ...]:
    """Everything a refused scan must leave untouched."""
    with db.read() as session:
        return (
            session.execute(select(func.count()).select_from(StationEvent)).scalar(),
            session.execute(select(func.count()).select_from(StationVisit)).scalar(),
            tuple(
                session.execute(
                    select(Vehicle.vin, Vehicle.state, Vehicle.station_id, Vehicle.last_scan_at).order_by(
                        Vehicle.id
                    )
                ).all()
            ),
        )


def test_first_scan_starts_the_next_completes(db: Database) -> None:
    (vin,) = plan_cars(db, 1)
    assert scan(db, "BODY", vin, T0, OPERATOR_BODY) == f"{vin} started at BODY."
    with db.read() as session:
        assert [c.vin for c in cars_in_station(session, "BODY")] == [vin]
    done = scan(db, "BODY", vin, T0 + timedelta(minutes=20), OPERATOR_BODY)
    assert done == f"{vin} completed BODY; next: PAINT."
    with db.read() as session:
        assert [c.vin for c in station_queue(session, "PAINT")] == [vin]
        assert cars_in_station(session, "BODY") == []


def test_a_car_runs_the_whole_route_and_finishes(db: Database) -> None:
    (vin,) = plan_cars(db, 1)
    run_through(db, vin, ROUTE, T0)
    with db.read() as session:
        history = vehicle_history(session, vin)
    assert history.car.state == "finished"
    assert history.car.station == "YARD"
    assert [s.station for s in history.stays] == list(ROUTE)
    assert all(s.seconds == 600 for s in history.stays)
    assert history.lead_time_seconds == (len(ROUTE) * 11 - 1) * 60
    kinds = [e.kind for e in history.events]
    assert kinds == ["plan"] + ["start", "complete"] * len(ROUTE)


def test_queue_is_in_build_sequence(db: Database) -> None:
    vins = plan_cars(db, 5)
    with db.read() as session:
        assert [c.vin for c in station_queue(session, "BODY")] == vins
        assert [c.build_seq for c in station_queue(session, "BODY", limit=2, offset=2)] == [3, 4]


@pytest.mark.parametrize(
    ("station", "vin", "error", "words"),
    [
        ("BODY", "ENFC1P0X", InvalidVin, "a VIN has 17"),
        ("BODY", "ENFC1P0XIT0000001", InvalidVin, "except I, O, Q"),
        ("BODY", make_vin(99), NotFound, "not in the production plan"),
        ("PAINT", make_vin(1), OutOfSequence, "is due at BODY, not PAINT"),
        ("NOPE", make_vin(1), NotFound, "Unknown station"),
        ("REPAIR", make_vin(1), RuleViolation, "repair bay"),
        ("YARD", make_vin(1), RuleViolation, "not in the yard"),
    ],
)
def test_bad_scans_are_refused_and_change_nothing(
    db: Database, station: str, vin: str, error: type[Exception], words: str
) -> None:
    plan_cars(db, 2)
    before = _snapshot(db)
    with pytest.raises(error, match=words):
        scan(db, station, vin, T0)
    assert _snapshot(db) == before


def test_unknown_badge_and_uncertified_operator_are_refused(db: Database) -> None:
    (vin,) = plan_cars(db, 1)
    before = _snapshot(db)
    with pytest.raises(NotFound, match="Unknown badge"):
        scan(db, "BODY", vin, T0, "0000")
    with pytest.raises(PermissionDenied, match="not certified for BODY"):
        scan(db, "BODY", vin, T0, "1002")
    assert _snapshot(db) == before


def test_double_scan_is_ignored_not_recorded_twice(db: Database) -> None:
    (vin,) = plan_cars(db, 1)
    scan(db, "BODY", vin, T0)
    before = _snapshot(db)
    with pytest.raises(DoubleScan, match="ignored"):
        scan(db, "BODY", vin, T0 + timedelta(seconds=1))
    assert _snapshot(db) == before
    # Another terminal whose clock runs a second behind: still the same double scan.
    with pytest.raises(DoubleScan):
        scan(db, "BODY", vin, T0 - timedelta(seconds=1))
    assert _snapshot(db) == before
    # A deliberate second scan later completes the car.
    assert "completed" in scan(db, "BODY", vin, T0 + timedelta(seconds=30))
    # And scanning it again at once at BODY is a double scan, not a wrong-station error.
    with pytest.raises(DoubleScan):
        scan(db, "BODY", vin, T0 + timedelta(seconds=31))


def test_car_in_one_station_cannot_start_at_another(db: Database) -> None:
    (vin,) = plan_cars(db, 1)
    run_through(db, vin, ROUTE[:1], T0)
    scan(db, "PAINT", vin, T0 + timedelta(hours=1))
    with pytest.raises(OutOfSequence, match="is in PAINT; complete it there before TRIM1"):
        scan(db, "TRIM1", vin, T0 + timedelta(hours=2))


def test_finished_car_cannot_be_scanned_again(db: Database) -> None:
    (vin,) = plan_cars(db, 1)
    at = run_through(db, vin, ROUTE, T0)
    with pytest.raises(RuleViolation, match="already passed QG"):
        scan(db, "QG", vin, at + timedelta(minutes=5))


def test_held_car_cannot_start_or_complete_until_released(db: Database) -> None:
    vin, other = plan_cars(db, 2)
    scan(db, "BODY", vin, T0)
    with db.write() as session:
        result = hold_vehicle(session, vin, "door gap check", OPERATOR_BODY, now=T0 + timedelta(minutes=1))
    assert result.message == f"{vin} held at BODY: door gap check."
    before = _snapshot(db)
    with pytest.raises(VehicleHeld, match="door gap check"):
        scan(db, "BODY", vin, T0 + timedelta(minutes=5))
    assert _snapshot(db) == before
    with db.read() as session:
        assert wip_per_station(session)["BODY"] == (1, 1, 1)
        assert cars_in_station(session, "BODY")[0].held
    # Others keep flowing past the held car.
    scan(db, "BODY", other, T0 + timedelta(minutes=6))
    with db.write() as session:
        release_vehicle(session, vin, SUPERVISOR, "gap in tolerance", now=T0 + timedelta(minutes=7))
    assert "completed" in scan(db, "BODY", vin, T0 + timedelta(minutes=8))
    with db.read() as session:
        kinds = [(e.kind, e.note) for e in vehicle_history(session, vin).events]
    assert ("hold", "door gap check") in kinds
    assert ("release", "gap in tolerance") in kinds


def test_hold_and_release_refusals(db: Database) -> None:
    (vin,) = plan_cars(db, 1)
    with db.write() as session, pytest.raises(InvalidInput, match="needs a reason"):
        hold_vehicle(session, vin, "  ", OPERATOR_BODY)
    with db.write() as session, pytest.raises(RuleViolation, match="is not on hold"):
        release_vehicle(session, vin, SUPERVISOR)
    with db.write() as session:
        hold_vehicle(session, vin, "paperwork", OPERATOR_BODY)
    with db.write() as session, pytest.raises(RuleViolation, match="already on hold"):
        hold_vehicle(session, vin, "again", OPERATOR_BODY)
    with db.write() as session, pytest.raises(PermissionDenied, match="may not release a hold"):
        release_vehicle(session, vin, OPERATOR_BODY)


def test_change_marker_moves_with_every_write(db: Database) -> None:
    (vin,) = plan_cars(db, 1)
    with db.read() as session:
        before = change_marker(session)
    scan(db, "BODY", vin, T0)
    with db.read() as session:
        assert change_marker(session) > before


def test_refused_scan_in_a_larger_transaction_rolls_back(db: Database) -> None:
    """A crash mid-move never leaves half a move: the whole unit of work is undone."""
    (vin,) = plan_cars(db, 1)
    before = _snapshot(db)
    with pytest.raises(RuntimeError), db.write() as session:
        record_scan(session, "BODY", vin, SUPERVISOR, now=T0)
        raise RuntimeError("terminal killed")
    assert _snapshot(db) == before


def test_change_marker_moves_when_a_shift_note_is_added(db: Database) -> None:
    from datetime import date

    from neofloor.services.supervision.shift_notes import add_shift_note

    with db.read() as session:
        before = change_marker(session)
    with db.write() as session:
        add_shift_note(session, date(2026, 11, 26), "A", "Two short at TRIM2", "4001", now=T0)
    with db.read() as session:
        assert change_marker(session) != before


def test_a_scan_in_a_unit_of_work_sees_and_leaves_the_car_current(db: Database) -> None:
    """record_scan writes with Core statements: a hold made earlier in the same unit of work
    is flushed first (so the scan refuses the held car), and a car the session loaded
    before the scan shows its new state after it."""
    first, second = plan_cars(db, 2)
    with db.write() as session:
        car = session.execute(select(Vehicle).where(Vehicle.vin == first)).scalar_one()
        assert car.state == "planned"
        record_scan(session, "BODY", first, OPERATOR_BODY, now=T0)
        assert car.state == "in_station"
        assert car.first_start_at is not None
    with pytest.raises(VehicleHeld), db.write() as session:
        held = session.execute(select(Vehicle).where(Vehicle.vin == second)).scalar_one()
        held.state, held.resume_state, held.hold_reason = "held", "planned", "paint check"
        record_scan(session, "BODY", second, OPERATOR_BODY, now=T0 + timedelta(minutes=1))


def test_preparing_the_scan_reads_nothing_it_could_change(db: Database) -> None:
    """A terminal compiles the scan's look-ups while idle; that writes nothing and a scan follows."""
    from neofloor.services.tracking.scans import prepare_scans

    (vin,) = plan_cars(db, 1)
    before = _snapshot(db)
    with db.read() as session:
        prepare_scans(session)
    assert _snapshot(db) == before
    assert scan(db, "BODY", vin, T0, OPERATOR_BODY) == f"{vin} started at BODY."
