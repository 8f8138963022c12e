"""The demo plant generator: deterministic, consistent with the rules, and the example file matches it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from neofloor.demo.generator import DemoSpec, generate_demo_plant, iter_table_rows
from neofloor.services.tracking.floor import line_board
from neofloor.services.tracking.history import vehicle_history
from neofloor.services.tracking.scans import blocking_defects
from neofloor.store.engine import Database

EXAMPLE = Path(__file__).resolve().parents[2] / "neofloor.db.example"
TABLES = (
    "station",
    "operator",
    "vehicle",
    "station_event",
    "station_visit",
    "defect",
    "defect_event",
    "downtime",
    "delivery",
    "fitted_component",
    "pdi_check",
    "yard_place",
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Database:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    generate_demo_plant(path, DemoSpec(seed=2023))
    return Database(f"sqlite:///{path}")


def test_same_seed_gives_the_same_plant(demo: Database, tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    generate_demo_plant(again, DemoSpec(seed=2023))
    other = Database(f"sqlite:///{again}")
    for table in TABLES:
        assert list(iter_table_rows(other, table)) == list(iter_table_rows(demo, table)), table


def test_another_seed_gives_another_plant(demo: Database, tmp_path: Path) -> None:
    path = tmp_path / "seed7.db"
    generate_demo_plant(path, DemoSpec(seed=7))
    assert list(iter_table_rows(Database(f"sqlite:///{path}"), "vehicle")) != list(
        iter_table_rows(demo, "vehicle")
    )


def test_committed_example_is_the_generated_demo(demo: Database) -> None:
    example = Database(f"sqlite:///{EXAMPLE}", upgrade=False)
    for table in TABLES:
        assert list(iter_table_rows(example, table)) == list(iter_table_rows(demo, table)), (
            f"{table} differs: regenerate with 'make demo-example'"
        )


def test_demo_has_cars_in_every_state_it_promises(demo: Database) -> None:
    with demo.read() as session:
        states = dict(session.execute(text("SELECT state, count(*) FROM vehicle GROUP BY state")).all())
        assert {"planned", "queued", "in_station", "held", "finished", "delivered"} <= set(states)
        assert states["held"] == 1
        assert session.execute(text("SELECT count(*) FROM downtime")).scalar() > 0
        assert session.execute(text("SELECT count(*) FROM defect")).scalar() > 0
        assert session.execute(
            text("SELECT count(*) FROM delivery WHERE financing_partner_id IS NOT NULL")
        ).scalar()
        board = line_board(session)
        assert sum(col.wip for col in board) > 10


def test_demo_history_obeys_the_rules(demo: Database) -> None:
    """No finished car passed QG with a serious open defect; each car's ledger is in time order.

    (A defect found after QG, at the pre-delivery inspection in the yard, may stand open.)
    """
    with demo.read() as session:
        finished = session.execute(
            text("SELECT id, vin FROM vehicle WHERE state IN ('finished', 'delivered')")
        ).all()
        assert finished
        found_after_qg = set(
            session.execute(
                text(
                    "SELECT defect.id FROM defect JOIN vehicle ON vehicle.id = defect.vehicle_id "
                    "WHERE defect.found_at > vehicle.finished_at"
                )
            ).scalars()
        )

        def passed_qg_blocked(vehicle_id: int) -> bool:
            numbers = (int(b.split("#")[1].split()[0]) for b in blocking_defects(session, vehicle_id))
            return any(n not in found_after_qg for n in numbers)

        assert not [vin for vehicle_id, vin in finished if passed_qg_blocked(vehicle_id)]
        for _vehicle_id, vin in finished[:40]:
            history = vehicle_history(session, vin)
            times = [e.at for e in history.events]
            assert times == sorted(times)
            assert [s.station for s in history.stays][:2] == ["BODY", "PAINT"]
        ids_by_time = session.execute(text("SELECT id FROM station_event ORDER BY at, id")).scalars().all()
        assert ids_by_time == sorted(ids_by_time), "ledger ids follow time"
