"""The demo plant `make run` creates ends today: every time moved by whole working days, shifts kept."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from neofloor.cli import main
from neofloor.demo.refresh import move_plant_to_now, time_columns
from neofloor.services.plant.shifts import shift_calendar
from neofloor.store.engine import Database

EXAMPLE = Path(__file__).resolve().parents[2] / "neofloor.db.example"


def _times(path: Path) -> dict[tuple[str, str], list[str]]:
    raw = sqlite3.connect(str(path))
    try:
        return {
            (t, c): [v for (v,) in raw.execute(f'SELECT "{c}" FROM "{t}" ORDER BY rowid')]
            for t, c in time_columns()
        }
    finally:
        raw.close()


def _in_shift_a(path: Path) -> list[bool]:
    database = Database(f"sqlite:///{path}")
    with database.read() as session:
        calendar = shift_calendar(session)
    database.dispose()
    raw = sqlite3.connect(str(path))
    try:
        moments = [
            datetime.fromisoformat(v).replace(tzinfo=UTC)
            for (v,) in raw.execute(
                "SELECT at FROM station_event WHERE kind IN ('start', 'complete') ORDER BY id"
            )
        ]
    finally:
        raw.close()
    return [(w := calendar.at(m)) is not None and w.code == "A" for m in moments]


@pytest.mark.parametrize(
    ("now", "last_scan"),
    [
        # Tuesday 15:00 local (UTC+1): past the example's 12:56, so the history ends today.
        (datetime(2027, 5, 4, 14, 0, tzinfo=UTC), datetime(2027, 5, 4, 11, 56, 55, 497701, tzinfo=UTC)),
        # Tuesday 08:00 local: today's history would run past now, so it ends on Monday.
        (datetime(2027, 5, 4, 7, 0, tzinfo=UTC), datetime(2027, 5, 3, 11, 56, 55, 497701, tzinfo=UTC)),
        # Sunday: it ends on Friday.
        (datetime(2027, 5, 9, 9, 0, tzinfo=UTC), datetime(2027, 5, 7, 11, 56, 55, 497701, tzinfo=UTC)),
    ],
)
def test_every_time_moves_to_recent_working_days_and_stays_inside_its_shift(
    tmp_path: Path, now: datetime, last_scan: datetime
) -> None:
    plant = tmp_path / "plant.db"
    shutil.copyfile(EXAMPLE, plant)
    before = _times(plant)
    moved = move_plant_to_now(plant, now)
    after = _times(plant)
    assert moved.last_scan_after == last_scan and moved.last_scan_after <= now
    # Every value of every time column moved; nothing is later than now.
    for key, values in before.items():
        assert len(after[key]) == len(values)
        for old, new in zip(values, after[key], strict=True):
            assert (old is None) == (new is None)
            if old is not None:
                assert new != old and datetime.fromisoformat(new).replace(tzinfo=UTC) <= now
    # Scans inside shift A before are inside shift A after, and the ledger keeps its order.
    assert _in_shift_a(EXAMPLE) == _in_shift_a(plant)
    raw = sqlite3.connect(str(plant))
    scans = [
        v
        for (v,) in raw.execute(
            "SELECT at FROM station_event WHERE kind IN ('start', 'complete') ORDER BY id"
        )
    ]
    raw.close()
    assert scans == sorted(scans)


def test_demo_from_example_writes_a_plant_ending_today(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "neofloor.db"
    assert main(["demo", "--from-example", str(EXAMPLE), "--out", str(out)]) == 0
    assert "Demo plant moved to today" in capsys.readouterr().out
    newest = max(v for v in _times(out)[("station_event", "at")])
    assert (datetime.now(UTC) - datetime.fromisoformat(newest).replace(tzinfo=UTC)).days < 4
    assert main(["demo", "--from-example", str(EXAMPLE), "--out", str(out)]) != 0  # exists: --force
    assert main(["demo", "--from-example", str(tmp_path / "none.db"), "--out", str(out), "--force"]) != 0


def test_a_long_command_in_a_pipe_prints_its_output_and_no_progress(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "piped.db"
    done = subprocess.run(
        [sys.executable, "-m", "neofloor", "demo", "--from-example", str(EXAMPLE), "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stderr == ""
    assert done.stdout.count("\n") == 1 and "Demo plant moved to today" in done.stdout


def test_the_progress_helper_is_quiet_when_stderr_is_not_a_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from neofloor.cli.common import progress

    with progress("Working") as advance:
        advance(1, 2)
        advance(2, 2)
    assert capsys.readouterr() == ("", "")
