"""Planning cars one by one and from a CSV production plan (all rows or none)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from neofloor.services.plant.errors import NotFound, RuleViolation
from neofloor.services.tracking.floor import station_queue
from neofloor.services.tracking.history import vehicle_history
from neofloor.services.tracking.planning import PlanImportError, add_vehicle, import_plan_csv
from neofloor.store.engine import Database
from neofloor.store.models import StationEvent, Vehicle
from tests.conftest import T0, make_vin


def _vehicle_count(db: Database) -> int:
    with db.read() as session:
        return session.execute(select(func.count()).select_from(Vehicle)).scalar_one()


def test_add_vehicle_plans_it_at_the_first_station_with_a_ledger_event(db: Database) -> None:
    with db.write() as session:
        vin = add_vehicle(
            session, make_vin(1).lower(), "c1e", "blu", "ORD-1", options="sunroof, nav", now=T0, badge="3001"
        )
    with db.read() as session:
        (car,) = station_queue(session, "BODY")
        history = vehicle_history(session, vin)
    assert (car.vin, car.model, car.color, car.state, car.options) == (
        make_vin(1),
        "C1E",
        "Atlantic blue",
        "planned",
        "SUNROOF,NAV",
    )
    assert [e.kind for e in history.events] == ["plan"]


def test_add_vehicle_refusals(db: Database) -> None:
    with db.write() as session:
        add_vehicle(session, make_vin(1), "C1", "WHT", build_seq=10, badge="3001")
    with db.write() as session, pytest.raises(RuleViolation, match="already planned"):
        add_vehicle(session, make_vin(1), "C1", "WHT", badge="3001")
    with db.write() as session, pytest.raises(RuleViolation, match="Build sequence 10 is already taken"):
        add_vehicle(session, make_vin(2), "C1", "WHT", build_seq=10, badge="3001")
    with db.write() as session, pytest.raises(NotFound, match="Unknown model 'X9'"):
        add_vehicle(session, make_vin(2), "X9", "WHT", badge="3001")
    with db.write() as session, pytest.raises(NotFound, match="Unknown color"):
        add_vehicle(session, make_vin(2), "C1", "PINK", badge="3001")
    assert _vehicle_count(db) == 1


def test_next_build_sequence_follows_the_highest(db: Database) -> None:
    with db.write() as session:
        add_vehicle(session, make_vin(1), "C1", "WHT", build_seq=41, badge="3001")
        add_vehicle(session, make_vin(2), "C1", "WHT", badge="3001")
    with db.read() as session:
        assert [c.build_seq for c in station_queue(session, "BODY")] == [41, 42]


GOOD_PLAN = f"""vin,model,color,order_ref,build_seq,options,option_notes
{make_vin(1)},C1,WHT,CMD-1,100,"SUNROOF,ALLOY17",
{make_vin(2)},C1E,RED,CMD-2,101,,Fleet: rubber mats
{make_vin(3)},C1,GRY,CMD-3,,,
"""


def test_import_plans_every_row(db: Database) -> None:
    with db.write() as session:
        assert import_plan_csv(session, GOOD_PLAN, now=T0, badge="3001") == 3
    with db.read() as session:
        queue = station_queue(session, "BODY")
        events = session.execute(select(func.count()).select_from(StationEvent)).scalar_one()
    assert [(c.build_seq, c.options, c.option_notes) for c in queue] == [
        (100, "SUNROOF,ALLOY17", ""),
        (101, "", "Fleet: rubber mats"),
        (102, "", ""),
    ]
    assert events == 3


def test_import_reports_every_bad_row_and_imports_nothing(db: Database) -> None:
    with db.write() as session:
        add_vehicle(session, make_vin(9), "C1", "WHT", build_seq=7, badge="3001")
    bad = (
        "vin,model,color,build_seq\n"
        f"{make_vin(1)},C1,WHT,1\n"
        "ENFC1P0X0T00000,C1,WHT,2\n"
        f"{make_vin(3)},Z9,WHT,3\n"
        f"{make_vin(1)},C1,WHT,4\n"
        f"{make_vin(9)},C1,WHT,5\n"
        f"{make_vin(6)},C1,WHT,7\n"
        f"{make_vin(8)},C1,WHT,x\n"
    )
    with db.write() as session, pytest.raises(PlanImportError) as caught:
        import_plan_csv(session, bad, badge="3001")
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["line 3", "line 4", "line 5", "line 6", "line 7", "line 8"]
    assert "characters" in problems[0]
    assert "Unknown model" in problems[1]
    assert "repeats line 2" in problems[2]
    assert "already planned" in problems[3]
    assert "build sequence 7 is already taken" in problems[4]
    assert "not a whole number" in problems[5]
    assert _vehicle_count(db) == 1


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("model,color\nC1,WHT\n", "missing column(s) vin"),
        ("vin,model,color,price\n", "unknown column(s) price"),
        ("vin,model,color\n", "no cars"),
    ],
)
def test_import_refuses_a_malformed_file(db: Database, text: str, words: str) -> None:
    with (
        db.write() as session,
        pytest.raises(PlanImportError, match=words.replace("(", r"\(").replace(")", r"\)")),
    ):
        import_plan_csv(session, text, badge="3001")
