"""Recall containment: the cars a bad batch or a drift touches, where they are now, who has them.

A small line built scan by scan pins the two questions, the edges of their
periods (start included, end excluded) and the refusals. Deliveries have no
service yet, so the customers and financing partners are checked on a copy of
the demo plant against the same question asked in plain SQL.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from neofloor.services.plant.catalog import forget_catalog
from neofloor.services.plant.errors import InvalidInput, NotFound
from neofloor.services.plant.shifts import local_days
from neofloor.services.quality.defects import add_defect, cancel_defect
from neofloor.services.supervision.repair import repair_scan, return_from_repair, send_to_repair
from neofloor.services.traceability.recall import cars_through_station, cars_with_defect
from neofloor.store.engine import Database
from neofloor.store.models import VehicleState
from tests.conftest import INSPECTOR, ROUTE, SUPERVISOR, T0, plan_cars, run_through

DAY = (T0 - timedelta(hours=8), T0 + timedelta(hours=16))
DEMO_PLANT = Path(__file__).resolve().parents[2] / "neofloor.db.example"


@dataclass(frozen=True)
class Line:
    c1: str  # build seq 1, model C1, through CHASSIS
    e1: str  # build seq 2, C1E, through CHASSIS second
    e2: str  # build seq 3, C1E, through CHASSIS first
    e3: str  # build seq 4, C1E, waiting for CHASSIS
    e1_done: datetime  # when each completed CHASSIS
    e2_done: datetime
    c1_done: datetime


@pytest.fixture
def line(db: Database) -> Line:
    c1 = plan_cars(db, 1)[0]
    e1, e2, e3 = plan_cars(db, 3, start=7, model="C1E")
    # e2 passes first, so completion order is not build order.
    e2_done = run_through(db, e2, ROUTE[:5], T0) - timedelta(minutes=1)
    c1_done = run_through(db, c1, ROUTE[:5], T0 + timedelta(hours=1)) - timedelta(minutes=1)
    e1_done = run_through(db, e1, ROUTE[:5], T0 + timedelta(hours=2)) - timedelta(minutes=1)
    run_through(db, e3, ROUTE[:4], T0 + timedelta(hours=3))
    return Line(c1, e1, e2, e3, e1_done, e2_done, c1_done)


def through_chassis(db: Database, start: datetime, end: datetime, model: str = "C1E") -> list[str]:
    with db.read() as session:
        return [car.vin for car in cars_through_station(session, model, "CHASSIS", start, end).rows]


def test_cars_of_the_model_that_completed_the_station_in_build_order(db: Database, line: Line) -> None:
    with db.read() as session:
        recall = cars_through_station(session, "c1e", "chassis", *DAY)
    assert [car.vin for car in recall.rows] == [line.e1, line.e2]
    first, second = recall.rows
    assert (first.completed_at, second.completed_at) == (line.e1_done, line.e2_done)
    assert first.build_seq < second.build_seq
    assert (first.model, first.state, first.station) == ("C1E", VehicleState.QUEUED, "FINAL")
    assert first.where == "waiting for FINAL"
    assert (first.delivered_at, first.customer, first.financing_partner) == (None, None, None)
    assert (recall.model, recall.station, recall.start, recall.end) == ("C1E", "CHASSIS", *DAY)
    assert recall.timezone == "Africa/Casablanca"
    assert (recall.car_count, recall.delivered_count, recall.at_plant_count) == (2, 0, 2)
    assert recall.summary == "2 cars: 0 delivered, 2 still at the plant."
    assert through_chassis(db, *DAY, model="C1") == [line.c1]


def test_the_period_includes_its_start_and_excludes_its_end(db: Database, line: Line) -> None:
    assert through_chassis(db, line.e1_done, DAY[1]) == [line.e1]
    assert through_chassis(db, DAY[0], line.e1_done) == [line.e2]
    assert through_chassis(db, line.e2_done, line.e1_done) == [line.e2]
    assert through_chassis(db, line.e2_done + timedelta(microseconds=1), line.e1_done) == []
    assert through_chassis(db, line.e1_done, line.e1_done + timedelta(microseconds=1)) == [line.e1]


def test_a_car_that_completed_the_station_twice_is_listed_once(db: Database, line: Line) -> None:
    """Back from the repair bay to CHASSIS, e2 completes it again; the list keeps one row per car."""
    at = T0 + timedelta(hours=5)
    with db.write() as session:
        send_to_repair(session, line.e2, "harness chafing", SUPERVISOR, now=at)
    with db.write() as session:
        repair_scan(session, line.e2, SUPERVISOR, now=at + timedelta(minutes=5))
    with db.write() as session:
        repair_scan(session, line.e2, SUPERVISOR, now=at + timedelta(minutes=25))
    with db.write() as session:
        return_from_repair(session, line.e2, SUPERVISOR, to_station="CHASSIS", now=at + timedelta(minutes=30))
    again = run_through(db, line.e2, ("CHASSIS",), at + timedelta(minutes=40)) - timedelta(minutes=1)

    with db.read() as session:
        recall = cars_through_station(session, "C1E", "CHASSIS", *DAY)
    assert [(c.vin, c.completed_at) for c in recall.rows] == [
        (line.e1, line.e1_done),
        (line.e2, line.e2_done),
    ]
    assert recall.car_count == 2
    with db.read() as session:
        later = cars_through_station(session, "C1E", "CHASSIS", line.e1_done + timedelta(seconds=1), DAY[1])
    assert [(c.vin, c.completed_at, c.where) for c in later.rows] == [(line.e2, again, "waiting for FINAL")]


def test_no_car_in_the_period_is_an_empty_list(db: Database, line: Line) -> None:
    with db.read() as session:
        recall = cars_through_station(session, "C1E", "CHASSIS", DAY[0] - timedelta(days=30), DAY[0])
    assert recall.rows == ()
    assert (recall.car_count, recall.summary) == (0, "No car.")


@pytest.fixture
def found(db: Database, line: Line) -> dict[str, datetime]:
    """WL-DOOR found on e1 twice (two zones), on c1 once, and once in error (cancelled) on e3."""
    moments = {
        "e1_left": T0 + timedelta(hours=4),
        "c1": T0 + timedelta(hours=4, minutes=10),
        "e1_right": T0 + timedelta(hours=4, minutes=20),
        "e3": T0 + timedelta(hours=4, minutes=30),
    }
    with db.write() as session:
        add_defect(session, line.e1, "CHASSIS", "WL-DOOR", "left", INSPECTOR, now=moments["e1_left"])
        add_defect(session, line.c1, "CHASSIS", "WL-DOOR", "rear", INSPECTOR, now=moments["c1"])
        add_defect(session, line.e1, "TRIM2", "WL-DOOR", "right", INSPECTOR, now=moments["e1_right"])
        add_defect(session, line.e2, "CHASSIS", "EL-DTC", "electrical", INSPECTOR, now=moments["e1_left"])
        error = add_defect(session, line.e3, "TRIM2", "WL-DOOR", "left", INSPECTOR, now=moments["e3"])
        cancel_defect(session, error.defect.id, INSPECTOR, "wrong car", now=moments["e3"])
    return moments


def test_cars_on_which_a_defect_code_was_found_one_row_per_defect(
    db: Database, line: Line, found: dict[str, datetime]
) -> None:
    with db.read() as session:
        recall = cars_with_defect(session, "wl-door", *DAY)
    assert [(c.vin, c.zone, c.found_at) for c in recall.rows] == [
        (line.c1, "rear", found["c1"]),
        (line.e1, "left", found["e1_left"]),
        (line.e1, "right", found["e1_right"]),
    ]
    first = recall.rows[0]
    assert (first.model, first.defect_status, first.severity, first.where) == (
        "C1",
        "open",
        "major",
        "waiting for FINAL",
    )
    assert first.defect_id > 0 and len({c.defect_id for c in recall.rows}) == 3
    assert (recall.code, recall.car_count, recall.delivered_count, recall.at_plant_count) == (
        "WL-DOOR",
        2,
        0,
        2,
    )
    assert recall.summary == "WL-DOOR found 3 times; 2 cars: 0 delivered, 2 still at the plant."


def test_the_defect_period_includes_its_start_and_excludes_its_end(
    db: Database, line: Line, found: dict[str, datetime]
) -> None:
    def zones(start: datetime, end: datetime) -> list[str]:
        with db.read() as session:
            return [c.zone for c in cars_with_defect(session, "WL-DOOR", start, end).rows]

    assert zones(found["c1"], found["e1_right"]) == ["rear"]
    assert zones(found["e1_left"], found["c1"]) == ["left"]
    assert zones(found["e1_right"], DAY[1]) == ["right"]


REFUSALS = [
    (lambda s: cars_through_station(s, "C9", "CHASSIS", *DAY), NotFound, "Unknown model 'C9'"),
    (lambda s: cars_through_station(s, " ", "CHASSIS", *DAY), InvalidInput, "Which model?"),
    (lambda s: cars_through_station(s, "C1E", "CHASIS", *DAY), NotFound, "Unknown station 'CHASIS'"),
    (lambda s: cars_through_station(s, "C1E", "CHASSIS", T0, T0), InvalidInput, "must end after it starts"),
    (lambda s: cars_through_station(s, "C1E", "CHASSIS", *DAY[::-1]), InvalidInput, "must end after"),
    (
        lambda s: cars_through_station(s, "C1E", "CHASSIS", T0.replace(tzinfo=None), DAY[1]),
        InvalidInput,
        "time zone",
    ),
    (lambda s: cars_with_defect(s, "WL-DORR", *DAY), NotFound, "Unknown defect code 'WL-DORR'"),
    (lambda s: cars_with_defect(s, "", *DAY), InvalidInput, "Which defect?"),
    (lambda s: cars_with_defect(s, "WL-DOOR", T0, T0), InvalidInput, "must end after it starts"),
    (lambda s: cars_with_defect(s, "WL-DOOR", *DAY[::-1]), InvalidInput, "must end after"),
]


@pytest.mark.parametrize(("ask", "error", "words"), REFUSALS)
def test_refusals_say_what_is_wrong(db: Database, line: Line, ask, error, words: str) -> None:
    with db.read() as session, pytest.raises(error) as caught:
        ask(session)
    assert words in str(caught.value)


# --- the demo plant: delivered cars, customers, financing partners --------------------


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Database, Path]]:
    path = tmp_path / "demo.db"
    shutil.copyfile(DEMO_PLANT, path)
    database = Database(f"sqlite:///{path}")
    yield database, path
    with database.read() as session:
        forget_catalog(session)
    database.dispose()


def _raw(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _stamp(moment: datetime | None) -> str | None:
    """A time as SQLite holds it (naive UTC text)."""
    return None if moment is None else moment.replace(tzinfo=None).isoformat(" ", "microseconds")


CARS_SQL = """
    SELECT v.build_seq, v.vin, v.state, s.code, d.customer_name, p.name, d.delivered_at, {what}
    FROM {source}
    JOIN vehicle v ON v.id = x.vehicle_id
    JOIN station s ON s.id = v.station_id
    LEFT JOIN delivery d ON d.vehicle_id = v.id
    LEFT JOIN financing_partner p ON p.id = d.financing_partner_id
    WHERE {where}
    ORDER BY v.build_seq, 8
"""


def test_delivered_cars_carry_their_customer_and_financing_partner(demo: tuple[Database, Path]) -> None:
    database, path = demo
    start, end = local_days(date(2026, 11, 1), date(2026, 11, 10), "Africa/Casablanca")
    with database.read() as session:
        recall = cars_through_station(session, "C1E", "CHASSIS", start, end)
    expected = _raw(
        path,
        CARS_SQL.format(
            what="x.completed_at",
            source="station_visit x",
            where="x.station_id = (SELECT id FROM station WHERE code = 'CHASSIS') "
            "AND v.model_id = (SELECT id FROM vehicle_model WHERE code = 'C1E') "
            "AND x.completed_at >= ? AND x.completed_at < ?",
        ),
        _stamp(start),
        _stamp(end),
    )
    got = [
        (
            c.build_seq,
            c.vin,
            c.state,
            c.station,
            c.customer,
            c.financing_partner,
            _stamp(c.delivered_at),
            _stamp(c.completed_at),
        )
        for c in recall.rows
    ]
    assert got == expected
    delivered = [c for c in recall.rows if c.delivered]
    assert delivered and all(c.where == "delivered" and c.customer for c in delivered)
    # The demo plant finances about 60 % of its cars through a partner: both kinds are here.
    assert {c.financing_partner is None for c in delivered} == {True, False}
    assert recall.delivered_count == len(delivered)
    assert recall.at_plant_count == len(recall.rows) - len(delivered) > 0


def test_the_defect_question_on_the_demo_plant(demo: tuple[Database, Path]) -> None:
    database, path = demo
    start, end = local_days(date(2026, 10, 1), date(2026, 11, 30), "Africa/Casablanca")
    with database.read() as session:
        recall = cars_with_defect(session, "WL-ROOF", start, end)
    expected = _raw(
        path,
        CARS_SQL.format(
            what="x.found_at, x.id, x.status",
            source="defect x",
            where="x.catalog_id = (SELECT id FROM defect_catalog WHERE code = 'WL-ROOF') "
            "AND x.status != 'cancelled' AND x.found_at >= ? AND x.found_at < ?",
        ),
        _stamp(start),
        _stamp(end),
    )
    got = [
        (
            c.build_seq,
            c.vin,
            c.state,
            c.station,
            c.customer,
            c.financing_partner,
            _stamp(c.delivered_at),
            _stamp(c.found_at),
            c.defect_id,
            c.defect_status,
        )
        for c in recall.rows
    ]
    assert got == expected
    assert recall.delivered_count > 0 and recall.at_plant_count > 0
