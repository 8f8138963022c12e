"""The ledger and the audit trail show tampering: verify finds a row updated, deleted or inserted
with plain SQL (an attacker with the file drops the triggers first), and names it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from neofloor.cli import main
from neofloor.demo.generator import DemoSpec, generate_demo_plant
from neofloor.services.people.verify import last_verify, verify_chains
from neofloor.store.engine import Database
from tests.conftest import ROUTE, T0, plan_cars, run_through


@pytest.fixture
def ledger(db: Database) -> Database:
    for vin in plan_cars(db, 3):
        run_through(db, vin, ROUTE[:3], T0)
    return db


def raw(db_path: Path, *statements: str) -> None:
    conn = sqlite3.connect(db_path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def check(db: Database) -> tuple[bool, str | None, int | None]:
    with db.write() as session:
        result = verify_chains(session)
    return result.ok, result.broken_table, result.broken_row


def test_an_untouched_plant_verifies(ledger: Database) -> None:
    assert check(ledger) == (True, None, None)
    with ledger.read() as session:
        last = last_verify(session)
    assert last is not None and last.ok and last.events_checked == 3 * 7


def test_the_triggers_refuse_update_and_delete(ledger: Database, db_path: Path) -> None:
    for statement in ("UPDATE station_event SET note = 'x' WHERE id = 2", "DELETE FROM audit WHERE id = 1"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw(db_path, statement)


@pytest.mark.parametrize("table", ["station_event", "audit"])
def test_verify_catches_an_update(ledger: Database, db_path: Path, table: str) -> None:
    column = "terminal"
    raw(db_path, f"DROP TRIGGER {table}_no_update", f"UPDATE {table} SET {column} = 'forged' WHERE id = 5")
    assert check(ledger) == (False, table, 5)


@pytest.mark.parametrize("table", ["station_event", "audit"])
def test_verify_catches_a_delete(ledger: Database, db_path: Path, table: str) -> None:
    raw(db_path, f"DROP TRIGGER {table}_no_delete", f"DELETE FROM {table} WHERE id = 4")
    assert check(ledger) == (False, table, 5)  # the row after the hole no longer links


def test_verify_catches_an_insert(ledger: Database, db_path: Path) -> None:
    raw(
        db_path,
        "INSERT INTO station_event (vehicle_id, station_id, kind, at, operator_id, terminal, note) "
        "VALUES (1, 1, 'start', '2026-11-26 08:00:00.000000', 1, 'forged', '')",
    )
    ok, table, row = check(ledger)
    assert (ok, table, row) == (False, "station_event", 3 * 7 + 1)


def test_verify_catches_the_last_rows_cut_after_a_check(ledger: Database, db_path: Path) -> None:
    assert check(ledger)[0]
    raw(db_path, "DROP TRIGGER station_event_no_delete", "DELETE FROM station_event WHERE id >= 20")
    ok, table, row = check(ledger)
    assert (ok, table, row) == (False, "station_event", 21)


def test_the_cli_exits_non_zero_naming_the_row(
    ledger: Database, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db_path), "verify"]) == 0
    assert "intact" in capsys.readouterr().out
    raw(
        db_path,
        "DROP TRIGGER station_event_no_update",
        "UPDATE station_event SET operator_id = 2 WHERE id = 7",
    )
    assert main(["--db", str(db_path), "verify"]) == 7
    assert "station_event row 7" in capsys.readouterr().err
    with ledger.read() as session:
        last = last_verify(session)
    assert last is not None and not last.ok and last.broken_row == 7


def test_the_demo_generator_writes_the_same_chain(tmp_path: Path) -> None:
    """The bulk writer's inline hashing agrees with the chain the app appends to and verify walks."""
    path = tmp_path / "demo.db"
    generate_demo_plant(path, DemoSpec(seed=5, days=3))
    demo = Database(f"sqlite:///{path}")
    assert check(demo) == (True, None, None)
    demo.dispose()


def test_an_old_plant_upgrades_with_its_ledger_chained(tmp_path: Path) -> None:
    """Migration 0004 chains the events a plant already holds: verify covers them from the first."""
    from neofloor.store.migrate import upgrade

    path = tmp_path / "old.db"
    old = Database(f"sqlite:///{path}", upgrade=False)
    upgrade(old.engine, "0002")
    old.dispose()
    raw(
        path,
        "INSERT INTO station (id, code, name, kind, position, description) "
        "VALUES (1, 'BODY', 'Body', 'work', 1, '')",
        "INSERT INTO vehicle_model (id, code, name, powertrain, vin_prefix) "
        "VALUES (1, 'C1', 'C1', 'petrol', '')",
        "INSERT INTO color (id, code, name) VALUES (1, 'WHT', 'White')",
        "INSERT INTO vehicle (id, vin, model_id, color_id, build_seq, order_ref, options, option_notes, "
        "planned_at, state, state_since, out_of_sequence, repair_visits, vin_reversed) "
        "VALUES (1, 'V', 1, 1, 1, '', '', '', '2026-01-05 08:00:00.000000', 'planned', "
        "'2026-01-05 08:00:00.000000', 0, 0, 'V')",
        *(
            "INSERT INTO station_event (vehicle_id, station_id, kind, at, terminal, note) "
            f"VALUES (1, 1, 'start', '2026-01-05 08:0{n}:00.000000', 'old', 'é ع {n}')"
            for n in range(5)
        ),
    )
    upgraded = Database(f"sqlite:///{path}")
    assert check(upgraded) == (True, None, None)
    with upgraded.read() as session:
        last = last_verify(session)
    assert last is not None and last.events_checked == 5
    upgraded.dispose()


def test_the_canonical_content_keeps_its_spelling() -> None:
    """A known answer: every plant's existing hashes were made with this spelling, so a faster
    encoding must give the same bytes (UTC microseconds, compact JSON, accents as they are)."""
    import hashlib
    from datetime import UTC, datetime, timedelta, timezone

    from neofloor.services.people.chain import GENESIS, row_hash

    at = datetime(2026, 11, 26, 8, 0, 0, 120, tzinfo=UTC)
    values = (12, 3, "complete", at, 7, "T-1", "rayure légère, باب")
    content = '[12,3,"complete","2026-11-26T08:00:00.000120",7,"T-1","rayure légère, باب"]'
    expected = hashlib.sha256(f"{GENESIS}\n{content}".encode()).hexdigest()
    assert row_hash(GENESIS, values) == expected
    casablanca = at.astimezone(timezone(timedelta(hours=1)))  # the same moment, another offset
    assert row_hash(GENESIS, (*values[:3], casablanca, *values[4:])) == expected
    whole_second = '[12,3,"complete","2026-11-26T08:00:00.000000",7,"T-1","rayure légère, باب"]'
    assert row_hash(GENESIS, (*values[:3], at.replace(microsecond=0), *values[4:])) == (
        hashlib.sha256(f"{GENESIS}\n{whole_second}".encode()).hexdigest()
    )


def test_the_head_is_read_inside_the_writing_transaction(ledger: Database) -> None:
    """An event appended earlier in the same transaction is the head the next one builds on."""
    from sqlalchemy import text

    from neofloor.services.people.chain import lock_and_head
    from neofloor.services.tracking.ledger import write_event

    with ledger.write() as session:
        conn = session.connection()
        before = lock_and_head(conn, "station_event")
        write_event(conn, car=1, kind="start", at=T0, station=1, terminal="t")
        stored = conn.execute(
            text("SELECT chain_hash FROM station_event ORDER BY id DESC LIMIT 1")
        ).scalar_one()
        assert stored != before
        assert lock_and_head(conn, "station_event") == stored
        session.rollback()
    assert check(ledger) == (True, None, None)
