"""The benchmark runs end to end on a tiny plant, and its plants read back as the app writes.

The full benchmark (``make bench``) takes minutes and is not a test; this runs
``bench/run.py --quick`` (a two-week plant, a few runs of every figure) so a
change that breaks the benchmark is caught by ``make test``.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from neofloor.demo.generator import DemoSpec, generate_demo_plant
from neofloor.services.scan import record_scan
from neofloor.services.tracking.history import vehicle_history
from neofloor.store.engine import Database
from neofloor.store.models import StationEvent, Vehicle

ROOT = Path(__file__).resolve().parents[2]
FIGURES = (
    "record_scan",
    "record_scan_raw",
    "station_queue",
    "station_queue_raw",
    "line_board",
    "line_board_raw",
    "vehicle_history",
    "vehicle_history_raw",
    "shift_dashboard",
    "trend_30_days",
    "recall_station",
    "recall_defect",
    "pareto_year",
)
# How SQLAlchemy's SQLite DateTime stores a time: naive UTC, microseconds always written.
STORED_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")


def test_quick_benchmark_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--quick",
            "--data-dir",
            str(tmp_path),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text())
    assert results["machine"]["cores"] >= 1 and results["machine"]["sqlite"]
    plant = results["plants"]["quick"]
    assert plant["synchronous"] == "FULL", "scans must be measured as the floor commits them"
    for name in FIGURES:
        figure = plant["figures"][name]
        assert figure["n"] >= 1 and 0 < figure["median_ms"] <= figure["p99_ms"], name
    assert plant["figures"]["generation"]["value"] > 0
    if "app_error" not in plant:
        assert plant["figures"]["cold_start"]["median_ms"] > 0
        assert plant["figures"]["empty_app_start"]["median_ms"] > 0
        assert plant["figures"]["peak_rss"]["value"] > 0
        assert plant["app"]["scan_outcomes"].get("done", 0) >= 1, plant["app"]
        # Each view's key to the view with its data, beside the floor of a minimal app.
        assert "view_switch" not in plant.get("errors", {}), plant["errors"]
        for name in ("view_switch_floor_two_tables", "view_switch_first_board", "view_switch_warm_board"):
            assert plant["figures"][name]["median_ms"] > 0, name
    assert {t["target"].split()[0] for t in results["targets"]} >= {"record_scan", "line_board"}
    assert "record_scan committed" in done.stdout, "the table is printed"


@pytest.fixture(scope="module")
def small_plant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plant") / "plant.db"
    generate_demo_plant(path, DemoSpec(seed=11, days=21, cars_per_year=15_000))
    return path


def test_generated_plant_is_sound(small_plant: Path) -> None:
    """Bulk-loaded with foreign keys off: the file must still satisfy them, and its indexes."""
    conn = sqlite3.connect(small_plant)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        names = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"ix_vehicle_wip", "ix_station_event_vehicle", "ix_station_visit_station_completed"} <= names
        ids = [i for (i,) in conn.execute("SELECT id FROM station_event ORDER BY at, id")]
        assert ids == sorted(ids), "ledger ids follow time"
        last = conn.execute(
            "SELECT count(*) FROM vehicle WHERE last_event_id IS NOT "
            "(SELECT max(id) FROM station_event WHERE vehicle_id = vehicle.id)"
        ).fetchone()[0]
        assert last == 0, "every car points at its newest ledger event"
    finally:
        conn.close()


def test_generated_times_read_back_as_the_app_writes_them(small_plant: Path) -> None:
    """The generator writes time text itself; it must be exactly what the store writes and reads."""
    database = Database(f"sqlite:///{small_plant}")
    conn = sqlite3.connect(small_plant)
    try:
        vin, planned_text = conn.execute(
            "SELECT vin, planned_at FROM vehicle WHERE state = 'planned' ORDER BY build_seq LIMIT 1"
        ).fetchone()
        delivered_vin, at_text = conn.execute(
            "SELECT vehicle.vin, station_event.at FROM station_event JOIN vehicle ON vehicle.id = vehicle_id "
            "WHERE kind = 'deliver' ORDER BY station_event.id LIMIT 1"
        ).fetchone()
        with database.read() as session:
            car = session.exec(select(Vehicle).where(Vehicle.vin == vin)).one()
            assert car.planned_at.tzinfo is UTC
            assert car.planned_at == datetime.fromisoformat(planned_text).replace(tzinfo=UTC)
            history = vehicle_history(session, delivered_vin)
            assert history.events[-1].kind == "deliver"
            assert history.events[-1].at == datetime.fromisoformat(at_text).replace(tzinfo=UTC)
            assert history.delivered_at == history.events[-1].at
        latest = conn.execute("SELECT max(at) FROM station_event").fetchone()[0]
        now = datetime.fromisoformat(latest).replace(tzinfo=UTC) + timedelta(minutes=5, microseconds=7)
        with database.write() as session:
            result = record_scan(session, "BODY", vin, "1001", "test", now=now)
        conn.rollback()
        written = conn.execute("SELECT at FROM station_event WHERE id = ?", (result.event_id,)).fetchone()[0]
        generated = conn.execute("SELECT at FROM station_event ORDER BY id LIMIT 1").fetchone()[0]
        assert STORED_TIME.match(written) and STORED_TIME.match(generated), (written, generated)
        assert written > latest, "a scan after the history sorts after it as text"
        with database.read() as session:
            event = session.get(StationEvent, result.event_id)
            assert event is not None and event.at == now
    finally:
        conn.close()
        database.dispose()
