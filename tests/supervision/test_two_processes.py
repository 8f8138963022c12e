"""Two real processes on one database file: what one terminal writes, the other's next query sees."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from neofloor.services.metrics.line_status import line_status
from neofloor.services.supervision.andon import open_stops, raise_andon
from neofloor.services.tracking.marker import change_marker
from neofloor.store.engine import Database
from tests.conftest import OPERATOR_BODY, SUPERVISOR, plan_cars

ROOT = Path(__file__).resolve().parents[2]


def other_terminal(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m neofloor --db FILE ...`` in a process of its own."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "neofloor", "--db", db_url, "--terminal", "T-OTHER", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=env,
        check=False,
    )


def test_the_board_of_one_process_sees_the_scan_and_the_stop_of_another(db: Database, db_url: str) -> None:
    (vin,) = plan_cars(db, 1)
    # This process is a terminal showing the board; it keeps its engine (and pooled connection).
    with db.read() as session:
        before = line_status(session)
        marker = change_marker(session)
    assert before.station("BODY").in_station == ()

    scanned = other_terminal(db_url, "scan", vin, "--station", "BODY", "--operator", OPERATOR_BODY)
    assert (scanned.returncode, scanned.stdout, scanned.stderr) == (0, f"{vin} started at BODY.\n", "")
    with db.read() as session:
        after = line_status(session)
        assert change_marker(session) != marker
    assert [c.car.vin for c in after.station("BODY").in_station] == [vin]
    assert after.station("BODY").queue == ()

    stopped = other_terminal(
        db_url, "andon", "raise", "--station", "BODY", "--reason", "EQP", "--operator", "1001"
    )
    assert stopped.returncode == 0, stopped.stderr
    with db.read() as session:
        (stop,) = open_stops(session)
        board = line_status(session)
    assert (stop.station, stop.reason_code, stop.raised_by) == ("BODY", "EQP", "Youssef El Amrani")
    assert board.station("BODY").stopped


def test_the_other_process_sees_this_ones_stop_and_refuses_a_second(db: Database, db_url: str) -> None:
    with db.write() as session:
        raise_andon(session, "PAINT", "MAT", SUPERVISOR, "no primer")
    listed = other_terminal(db_url, "andon", "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("PAINT    STOPPED") and "no primer" in listed.stdout
    again = other_terminal(
        db_url, "andon", "raise", "--station", "PAINT", "--reason", "EQP", "--operator", "3001"
    )
    assert again.returncode == 4 and again.stdout == ""
    assert again.stderr.startswith("neofloor: PAINT is already stopped since ")
    with db.read() as session:
        marker = change_marker(session)
    ended = other_terminal(db_url, "andon", "end", "--station", "PAINT", "--operator", "3001")
    assert ended.returncode == 0, ended.stderr
    with db.read() as session:
        assert open_stops(session) == []
        # The board's marker moves, so a board polling it refreshes on the other terminal's key.
        assert change_marker(session) != marker
