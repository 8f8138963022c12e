"""``neofloor report shift|trend|note`` end to end, on a real SQLite file.

The CLI reads the real clock, so the history here lies in the past: Wednesday 2026-06-10
(UTC+1), one car through QG at 10:00 and a 20-minute stop.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from neofloor.cli import main
from neofloor.services.metrics.summary import shift_summary
from neofloor.store.engine import Database
from tests.conftest import plan_cars
from tests.metrics.builders import add_stop, local, through_qg
from tests.metrics.conftest import SHIFT_LEAD

WEDNESDAY = "2026-06-10"
LEAD = SHIFT_LEAD


@pytest.fixture
def plant(tmp_path: Path) -> str:
    path = str(tmp_path / "plant.db")
    assert main(["--db", path, "init"]) == 0
    database = Database(f"sqlite:///{path}")
    vin = plan_cars(database, 1)[0]
    through_qg(database, vin, local(10, 10, month=6), 15)
    add_stop(database, "CHASSIS", "MAT", local(10, 11, month=6), local(10, 11, 20, month=6))
    database.dispose()
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_shift_report_as_json_matches_the_summary(plant: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "--db", plant, "report", "shift", "--date", WEDNESDAY, "--shift", "A", "--format", "json"
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    database = Database(f"sqlite:///{plant}")
    with database.read() as session:
        summary = shift_summary(session, date(2026, 6, 10), "A")
    database.dispose()
    assert data["shift"]["start"] == "2026-06-10T06:00:00+01:00" and data["shift"]["status"] == "ended"
    assert (data["pace"]["output"], data["pace"]["plan_so_far"], data["pace"]["cars_behind"]) == (1, 12, 11)
    assert data["pace"]["output"] == summary.output and data["quality"]["fpy"] == summary.fpy == 1.0
    assert data["downtime"]["line_minutes"] == summary.line_downtime_minutes == 20
    assert data["oee"]["oee"] == summary.oee.oee  # type: ignore[union-attr]


def test_shift_report_to_a_file_and_as_csv(
    plant: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "handover.md"
    code, out, _ = run(
        capsys, "--db", plant, "report", "shift", "--date", WEDNESDAY, "--shift", "A", "--out", str(out_file)
    )
    assert code == 0 and out == f"Report written to {out_file.resolve()}.\n"
    text = out_file.read_text("utf-8")
    assert text.startswith("# Shift handover: Aïn Aouda assembly, 2026-06-10 shift A (Day shift)")
    assert (
        "| Output (cars through QG) | 1 |" in text
        and "| MAT Material shortage | 20.0 | 1 | CHASSIS |" in text
    )
    code, out, _ = run(
        capsys, "--db", plant, "report", "shift", "--date", WEDNESDAY, "--shift", "a", "--format", "csv"
    )
    rows = {(r["section"], r["item"]): r["value"] for r in csv.DictReader(io.StringIO(out))}
    assert code == 0 and rows["pace", "output"] == "1" and rows["hourly", "10:00"] == "1"


def test_notes_appear_in_the_report(plant: str, capsys: pytest.CaptureFixture[str]) -> None:
    note = ("report", "note", "--date", WEDNESDAY, "--shift", "A", "--operator", SHIFT_LEAD)
    code, out, _ = run(capsys, "--db", plant, *note, "Chassis", "short", "of", "brackets", "at", "11:00.")
    assert (code, out) == (0, "Note added to shift 2026-06-10 A by Leila Chraibi.\n")
    code, out, _ = run(
        capsys, "--db", plant, "report", "shift", "--date", WEDNESDAY, "--shift", "A", "--format", "json"
    )
    assert [(n["author"], n["text"]) for n in json.loads(out)["notes"]] == [
        ("Leila Chraibi", "Chassis short of brackets at 11:00.")
    ]


@pytest.mark.parametrize(
    ("args", "exit_code", "words"),
    [
        (("report", "note", "--date", WEDNESDAY, "--shift", "A", "--operator", "1001", "x"), 5, "may not"),
        (("report", "note", "--date", "2026-06-13", "--shift", "A", "--operator", LEAD, "x"), 3, "on sat"),
        (("report", "shift", "--date", "10/06/2026", "--shift", "A"), 2, "should be YYYY-MM-DD"),
        (("report", "shift", "--date", WEDNESDAY, "--shift", "Z"), 3, "Unknown shift 'Z'"),
        (("report", "shift", "--date", WEDNESDAY), 2, "Give --shift CODE (shifts that day: A, B)"),
        (("report", "shift", "--date", "2026-06-13"), 2, "shifts that day: none"),
        (("report", "trend", "--from", "2026-06-12", "--to", "2026-06-08"), 2, "before it starts"),
        (("report", "shift", "--date", WEDNESDAY, "--shift", "A", "--out", "/no/dir/r.md"), 2, "not exist"),
    ],
)
def test_refusals_exit_non_zero_with_one_sentence(
    plant: str, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], exit_code: int, words: str
) -> None:
    code, out, err = run(capsys, "--db", plant, *args)
    assert code == exit_code and out == ""
    assert err.startswith("neofloor: ") and words in err and err.count("\n") == 1


def test_trend_report(plant: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "--db",
        plant,
        "report",
        "trend",
        "--from",
        "2026-06-08",
        "--to",
        "2026-06-14",
        "--format",
        "csv",
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert [(r["date"], r["shifts"], r["plan"], r["output"]) for r in rows] == [
        ("2026-06-08", "A B", "12", "0"),
        ("2026-06-09", "A B", "12", "0"),
        ("2026-06-10", "A B", "12", "1"),
        ("2026-06-11", "A B", "12", "0"),
        ("2026-06-12", "A B", "12", "0"),
        ("2026-06-13", "", "0", "0"),
        ("2026-06-14", "", "0", "0"),
        ("total", "A B", "60", "1"),
    ]
    assert rows[2]["line_downtime_min"] == "20.0" and rows[5]["oee_pct"] == ""
    code, out, _ = run(capsys, "--db", plant, "report", "trend", "--from", "2026-06-10", "--to", "2026-06-10")
    assert code == 0 and "| wed 2026-06-10 | A B | 12 | 1 | +11 | 100.0 % | 0.0 | 20 min |" in out


def test_shift_report_defaults_to_the_current_or_last_shift(
    plant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", plant, "report", "shift")
    assert code == 0 and out.startswith("# Shift handover: Aïn Aouda assembly, ")


def test_shift_report_saved_to_the_reports_folder_prints_its_full_path(
    plant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "--db", plant, "report", "shift", "--date", WEDNESDAY, "--shift", "A", "--save"
    )
    expected = Path(plant).resolve().parent / "reports" / "handover-2026-06-10-A.md"
    assert code == 0 and out == f"Report written to {expected}.\n"
    assert expected.read_text("utf-8").startswith("# Shift handover")
