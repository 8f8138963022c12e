"""A recall that acts: filters combined, and the hold of every car still at the plant, all or none.

A small line built scan by scan: four cars through CHASSIS on T0's day (two C1E, one C1,
one C1E held already), a fifth C1E that never reached CHASSIS; WL-DOOR found on two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from neofloor.services.plant.errors import InvalidInput, NotFound, PermissionDenied
from neofloor.services.quality.defects import add_defect
from neofloor.services.traceability.containment import RecallQuery, containment, hold_recall
from neofloor.services.tracking.holds import hold_vehicle
from neofloor.store.engine import Database
from neofloor.store.models import EventKind, StationEvent, Vehicle, VehicleState
from tests.conftest import INSPECTOR, OPERATOR_BODY, ROUTE, SUPERVISOR, T0, plan_cars, run_through

DAY = (T0 - timedelta(hours=8), T0 + timedelta(hours=16))


@dataclass(frozen=True)
class Line:
    c1: str
    e1: str
    e2: str
    e_held: str
    e_early: str  # C1E that stopped at TRIM2: never completed CHASSIS


@pytest.fixture
def line(db: Database) -> Line:
    c1 = plan_cars(db, 1)[0]
    e1, e2, e_held, e_early = plan_cars(db, 4, start=7, model="C1E")
    run_through(db, e2, ROUTE[:5], T0)
    run_through(db, c1, ROUTE[:5], T0 + timedelta(hours=1))
    run_through(db, e1, ROUTE[:5], T0 + timedelta(hours=2))
    run_through(db, e_held, ROUTE[:5], T0 + timedelta(hours=3))
    run_through(db, e_early, ROUTE[:4], T0 + timedelta(hours=4))
    with db.write() as session:
        hold_vehicle(session, e_held, "Paint check", SUPERVISOR, now=T0 + timedelta(hours=5))
        add_defect(session, e1, "CHASSIS", "WL-DOOR", "left", INSPECTOR, now=T0 + timedelta(hours=5))
        add_defect(session, c1, "CHASSIS", "WL-DOOR", "rear", INSPECTOR, now=T0 + timedelta(hours=5))
    return Line(c1, e1, e2, e_held, e_early)


def vins(db: Database, query: RecallQuery) -> list[str]:
    with db.read() as session:
        return [car.vin for car in containment(session, query).rows]


def held(db: Database) -> dict[str, str | None]:
    with db.read() as session:
        rows = session.execute(
            select(Vehicle.vin, Vehicle.hold_reason).where(Vehicle.state == VehicleState.HELD)
        ).all()
    return dict(rows)


def hold_events(db: Database) -> int:
    with db.read() as session:
        return session.execute(
            select(func.count()).select_from(StationEvent).where(StationEvent.kind == EventKind.HOLD)
        ).scalar_one()


def test_filters_combine_as_the_cars_every_one_agrees_on(db: Database, line: Line) -> None:
    chassis = RecallQuery(station="CHASSIS", start=DAY[0], end=DAY[1])
    assert vins(db, chassis) == [line.c1, line.e1, line.e2, line.e_held]
    assert vins(db, RecallQuery(model="C1E", station="CHASSIS", start=DAY[0], end=DAY[1])) == [
        line.e1,
        line.e2,
        line.e_held,
    ]
    assert vins(db, RecallQuery(defect="WL-DOOR")) == [line.c1, line.e1]
    assert vins(
        db, RecallQuery(model="C1E", defect="WL-DOOR", station="CHASSIS", start=DAY[0], end=DAY[1])
    ) == [line.e1]
    # The period cuts the station's completions: e2 completed CHASSIS in its first hour.
    late = RecallQuery(station="CHASSIS", start=T0 + timedelta(hours=1), end=DAY[1])
    assert vins(db, late) == [line.c1, line.e1, line.e_held]


def test_the_found_cars_say_what_matched_and_whether_they_are_held(db: Database, line: Line) -> None:
    with db.read() as session:
        found = containment(session, RecallQuery(model="C1E", station="CHASSIS", start=DAY[0], end=DAY[1]))
    by_vin = {car.vin: car for car in found.rows}
    assert by_vin[line.e_held].held and not by_vin[line.e1].held
    assert by_vin[line.e2].completed_at == T0 + timedelta(minutes=4 * 11 + 10)
    assert [c.vin for c in found.to_hold] == [line.e1, line.e2]
    assert [c.vin for c in found.already_held] == [line.e_held]
    assert found.summary == "3 cars: 0 delivered, 3 still at the plant."


def test_a_supervisor_holds_every_car_at_the_plant_once_with_one_reason(db: Database, line: Line) -> None:
    query = RecallQuery(model="C1E", station="CHASSIS", start=DAY[0], end=DAY[1])
    before = hold_events(db)
    with db.write() as session:
        result = hold_recall(
            session, query, "  Recall R-26-004:   HV connector ", SUPERVISOR, "T-QA", now=DAY[1]
        )
    assert result.held == (line.e1, line.e2)
    assert result.already_held == (line.e_held,)
    assert result.message == (
        "2 cars put on hold: Recall R-26-004: HV connector. 1 already on hold, left as they were."
    )
    assert held(db) == {
        line.e1: "Recall R-26-004: HV connector",
        line.e2: "Recall R-26-004: HV connector",
        line.e_held: "Paint check",
    }
    assert hold_events(db) == before + 2
    # Asked again, nothing is held twice.
    with db.write() as session:
        again = hold_recall(session, query, "Recall R-26-004", SUPERVISOR, now=DAY[1])
    assert (again.held, len(again.already_held)) == ((), 3)
    assert hold_events(db) == before + 2


def test_half_way_failure_leaves_no_car_held(db: Database, line: Line) -> None:
    """The database refuses the second car's hold event (a trigger, as a full disk or a lock would):
    the first car's hold, already written in the transaction, goes too."""
    query = RecallQuery(station="CHASSIS", start=DAY[0], end=DAY[1])
    with db.read() as session:
        second = session.execute(select(Vehicle.id).where(Vehicle.vin == line.e1)).scalar_one()
    with db.write() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.connection().exec_driver_sql(
                "CREATE FUNCTION refuse_second_hold() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'the disk is full'; END $$"
            )
            session.connection().exec_driver_sql(
                "CREATE TRIGGER refuse_second_hold BEFORE INSERT ON station_event FOR EACH ROW "
                f"WHEN (NEW.kind = 'hold' AND NEW.vehicle_id = {second}) "
                "EXECUTE FUNCTION refuse_second_hold()"
            )
        else:
            session.connection().exec_driver_sql(
                "CREATE TRIGGER refuse_second_hold BEFORE INSERT ON station_event "
                f"WHEN NEW.kind = 'hold' AND NEW.vehicle_id = {second} "
                "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
            )
    before_held, before_events = held(db), hold_events(db)
    with pytest.raises(Exception, match="the disk is full"), db.write() as session:
        hold_recall(session, query, "Recall R-26-005", SUPERVISOR, now=DAY[1])
    assert held(db) == before_held == {line.e_held: "Paint check"}
    assert hold_events(db) == before_events


def test_a_car_refused_mid_list_leaves_no_car_held(db: Database, line: Line) -> None:
    """A car the holds service refuses (its VIN no longer valid for the plant's check digit rule
    once read) stops the whole hold: the cars before it are not held either."""
    query = RecallQuery(station="CHASSIS", start=DAY[0], end=DAY[1])
    with db.write() as session:
        # The third car in build order got a VIN the plant's rules refuse (written behind the app's back).
        session.connection().exec_driver_sql(f"UPDATE vehicle SET vin = 'BAD-VIN' WHERE vin = '{line.e2}'")
    before = hold_events(db)
    with pytest.raises(InvalidInput), db.write() as session:
        hold_recall(session, query, "Recall R-26-006", SUPERVISOR, now=DAY[1])
    assert held(db) == {line.e_held: "Paint check"}
    assert hold_events(db) == before


def test_only_a_line_leader_holds_a_recall(db: Database, line: Line) -> None:
    query = RecallQuery(station="CHASSIS", start=DAY[0], end=DAY[1])
    for badge in (OPERATOR_BODY, INSPECTOR):
        refused = pytest.raises(PermissionDenied, match="may not hold the cars of a recall")
        with refused, db.write() as session:
            hold_recall(session, query, "Recall", badge, now=DAY[1])
    with pytest.raises(InvalidInput, match="reason is needed"), db.write() as session:
        hold_recall(session, query, "   ", SUPERVISOR, now=DAY[1])
    with pytest.raises(InvalidInput, match="control character"), db.write() as session:
        hold_recall(session, query, "Recall\x1b[2J", SUPERVISOR, now=DAY[1])
    assert held(db) == {line.e_held: "Paint check"}


@pytest.mark.parametrize(
    ("query", "error", "words"),
    [
        (RecallQuery(model="C1E"), InvalidInput, "Say what the recall is about"),
        (RecallQuery(station="CHASSIS"), InvalidInput, "needs a period"),
        (RecallQuery(defect="WL-DOOR", start=DAY[0]), InvalidInput, "both its first and its last day"),
        (RecallQuery(defect="WL-DOOR", start=DAY[1], end=DAY[0]), InvalidInput, "must end after"),
        (RecallQuery(defect="WL-DORR"), NotFound, "Unknown defect code"),
        (RecallQuery(model="C9", defect="WL-DOOR"), NotFound, "Unknown model"),
        (RecallQuery(station="CHASIS", start=DAY[0], end=DAY[1]), NotFound, "Unknown station"),
        (RecallQuery(defect="WL-DOOR", serial_from="B-1"), InvalidInput, "needs the part"),
        (RecallQuery(part="FLUX-CAPACITOR", lot="L-1"), NotFound, "FLUX-CAPACITOR"),
        (RecallQuery(part="HV-BATTERY"), InvalidInput, "needs a serial range, a lot"),
        (RecallQuery(lot="bad lot!"), InvalidInput, "lot"),
    ],
)
def test_refusals_say_what_is_wrong(db: Database, line: Line, query: RecallQuery, error, words: str) -> None:
    with db.read() as session, pytest.raises(error, match=words):
        containment(session, query)


def test_cars_in_the_repair_bay_and_the_yard_are_held_too(db: Database, line: Line) -> None:
    """e1 goes to the repair bay, e2 runs to the end of the line (the yard): the recall holds both,
    and each goes back where it was when released."""
    from neofloor.services.supervision.repair import send_to_repair
    from neofloor.services.tracking.holds import release_vehicle

    at = T0 + timedelta(hours=6)
    with db.write() as session:
        send_to_repair(session, line.e1, "rattle", SUPERVISOR, now=at)
    run_through(db, line.e2, ROUTE[5:], at)
    query = RecallQuery(station="CHASSIS", start=DAY[0], end=DAY[1])
    with db.read() as session:
        where = {car.vin: car.state for car in containment(session, query).rows}
    assert (where[line.e1], where[line.e2]) == (VehicleState.IN_REPAIR, VehicleState.FINISHED)
    with db.write() as session:
        result = hold_recall(session, query, "Recall R-26-010", SUPERVISOR, now=DAY[1])
    assert set(result.held) == {line.c1, line.e1, line.e2}
    with db.write() as session:
        release_vehicle(session, line.e1, SUPERVISOR, now=DAY[1] + timedelta(minutes=5))
        release_vehicle(session, line.e2, SUPERVISOR, now=DAY[1] + timedelta(minutes=5))
    with db.read() as session:
        back = {car.vin: car.state for car in containment(session, query).rows}
    assert (back[line.e1], back[line.e2]) == (VehicleState.IN_REPAIR, VehicleState.FINISHED)
