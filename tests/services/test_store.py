"""The store: SQLite settings, migrations on open, aware UTC times, layer boundaries."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from neofloor.store.engine import Database, database_url
from neofloor.store.migrate import HEAD_REVISION, MIGRATIONS_DIR, alembic_config, current_revision
from neofloor.store.types import utcnow


def test_sqlite_pragmas_for_a_plant_floor(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEOFLOOR_SQLITE_SYNCHRONOUS", raising=False)
    floor_db = Database(f"sqlite:///{db_path}")
    with floor_db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_head_revision_constant_matches_the_migrations(db: Database) -> None:
    script = ScriptDirectory.from_config(alembic_config(db.engine))  # type: ignore[arg-type]
    assert script.get_current_head() == HEAD_REVISION
    assert current_revision(db.engine) == HEAD_REVISION


def test_new_file_is_created_at_head_with_every_table(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'new.db'}")
    tables = set(inspect(database.engine).get_table_names())
    assert {"vehicle", "station_event", "defect", "downtime", "delivery", "alembic_version"} <= tables
    indexes = {i["name"] for i in inspect(database.engine).get_indexes("vehicle")}
    assert "ix_vehicle_wip" in indexes


def test_migrations_downgrade_and_upgrade_cleanly(tmp_path: Path) -> None:
    from alembic import command

    database = Database(f"sqlite:///{tmp_path / 'm.db'}")
    command.downgrade(alembic_config(database.engine), "base")  # type: ignore[arg-type]
    assert current_revision(database.engine) is None
    database.dispose()
    again = Database(f"sqlite:///{tmp_path / 'm.db'}")
    assert current_revision(again.engine) == HEAD_REVISION


def test_a_plant_from_before_the_reversed_vin_upgrades_with_it_filled(db: Database, db_path: Path) -> None:
    """0002 adds vehicle.vin_reversed: an existing plant's cars get theirs, indexed."""
    from alembic import command

    from tests.conftest import plan_cars

    vins = plan_cars(db, 3)
    command.downgrade(alembic_config(db.engine), "0001")  # type: ignore[arg-type]
    db.dispose()
    with Database(f"sqlite:///{db_path}", upgrade=False).engine.connect() as conn:
        assert "vin_reversed" not in {c["name"] for c in inspect(conn).get_columns("vehicle")}
    again = Database(f"sqlite:///{db_path}")
    assert current_revision(again.engine) == HEAD_REVISION
    with again.engine.connect() as conn:
        rows = conn.execute(text("SELECT vin, vin_reversed FROM vehicle ORDER BY id")).all()
        indexes = {i["name"] for i in inspect(conn).get_indexes("vehicle")}
    assert [(vin, vin[::-1]) for vin in vins] == [tuple(r) for r in rows]
    assert {"ix_vehicle_vin_reversed", "ix_vehicle_wip"} <= indexes


def test_the_example_database_opens_at_head() -> None:
    example = Path(__file__).resolve().parents[2] / "neofloor.db.example"
    database = Database(f"sqlite:///{example}", upgrade=False)
    assert current_revision(database.engine) == HEAD_REVISION


@pytest.mark.sqlite
def test_write_is_begin_immediate_on_sqlite(db: Database) -> None:
    """Two writers queue on the lock up front instead of failing mid-transaction."""
    with db.write() as session:
        conn = session.connection()
        assert conn.get_execution_options()["sqlite_begin"] == "IMMEDIATE"
        raw = conn.connection.dbapi_connection
        assert raw is not None and raw.in_transaction


def test_times_are_stored_as_aware_utc(db: Database) -> None:
    from neofloor.store.types import UTCDateTime

    column = UTCDateTime()
    with pytest.raises(ValueError, match="naive datetime"):
        column.process_bind_param(datetime(2026, 1, 1), db.engine.dialect)
    moment = utcnow()
    stored = column.process_bind_param(moment, db.engine.dialect)
    assert column.process_result_value(stored, db.engine.dialect) == moment


def test_database_url_from_flag_env_and_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEOFLOOR_DATABASE_URL", raising=False)
    assert database_url(None) == "sqlite:///neofloor.db"
    assert database_url("plant.db") == "sqlite:///plant.db"
    monkeypatch.setenv("NEOFLOOR_DATABASE_URL", "postgresql+psycopg://floor@db/neofloor")
    assert database_url(None) == "postgresql+psycopg://floor@db/neofloor"
    assert database_url("other.db") == "sqlite:///other.db"


def test_store_and_services_never_import_textual() -> None:
    """The domain layers stay free of the UI toolkit (checked in a clean interpreter)."""
    code = (
        "import sys, pkgutil, importlib, neofloor.store, neofloor.services\n"
        "for pkg in (neofloor.store, neofloor.services):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if '.migrations' not in m.name: importlib.import_module(m.name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    assert MIGRATIONS_DIR.is_dir()


def test_planner_statistics_are_gathered_once_the_plant_has_cars(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from neofloor.store import engine as store_engine
    from tests.conftest import plan_cars

    def stats(database: Database) -> list[tuple[str, str]]:
        with database.engine.connect() as conn:
            if not conn.execute(
                text("SELECT count(*) FROM sqlite_master WHERE name='sqlite_stat1'")
            ).scalar():
                return []
            return list(conn.execute(text("SELECT tbl, stat FROM sqlite_stat1 WHERE tbl = 'vehicle'")).all())

    plan_cars(db, 4)
    assert stats(Database(f"sqlite:///{db_path}")) == []  # too few cars to be worth it
    monkeypatch.setattr(store_engine, "STATISTICS_MIN_CARS", 3)
    reopened = Database(f"sqlite:///{db_path}")
    assert stats(reopened) and stats(reopened)[0][1].startswith("4 ")
    # Not again until the plant has grown several times over.
    assert not store_engine.refresh_planner_statistics(reopened.engine)
    plan_cars(db, 12, start=10)
    assert store_engine.refresh_planner_statistics(reopened.engine)
