"""`neofloor recall station|defect` end to end on real database files: the list, its formats, refusals."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from neofloor.cli import main
from neofloor.services.quality.defects import add_defect
from neofloor.store.engine import Database
from tests.conftest import INSPECTOR, ROUTE, T0, plan_cars, run_through

DEMO_PLANT = Path(__file__).resolve().parents[2] / "neofloor.db.example"
DAY = "2026-11-26"  # T0's plant-local day


@pytest.fixture
def line(db: Database) -> tuple[str, str, str]:
    """Two C1E cars and a C1 through CHASSIS on T0's day; WL-DOOR found on one C1E and the C1."""
    c1 = plan_cars(db, 1)[0]
    e1, e2 = plan_cars(db, 2, start=7, model="C1E")
    run_through(db, e2, ROUTE[:5], T0)
    run_through(db, c1, ROUTE[:5], T0 + timedelta(hours=1))
    run_through(db, e1, ROUTE[:5], T0 + timedelta(hours=2))
    with db.write() as session:
        add_defect(session, e2, "CHASSIS", "WL-DOOR", "left", INSPECTOR, now=T0 + timedelta(hours=3))
        add_defect(session, c1, "CHASSIS", "WL-DOOR", "rear", INSPECTOR, now=T0 + timedelta(hours=4))
    return c1, e1, e2


@pytest.fixture
def cli(db_url: str, capsys: pytest.CaptureFixture[str]):
    """Run `neofloor --db FILE ...`: returns (exit code, stdout, stderr)."""

    def run(*argv: str, db: Path | str = db_url) -> tuple[int, str, str]:
        code = main(["--db", str(db), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


STATION = ("recall", "station", "--model", "C1E", "--station", "CHASSIS", "--from", DAY, "--to", DAY)
DEFECT = ("recall", "defect", "--code", "WL-DOOR", "--from", DAY, "--to", DAY)


def test_station_recall_prints_the_count_then_the_cars_in_build_order(
    cli, line: tuple[str, str, str]
) -> None:
    c1, e1, e2 = line
    code, out, err = cli(*STATION)
    assert (code, err) == (0, "")
    assert out.startswith(f"# Recall: C1E through CHASSIS, {DAY}\n")
    summary = out.index("2 cars: 0 delivered, 2 still at the plant.")
    table = out.index("| Seq | VIN |")
    assert summary < table
    assert out.index(e1) < out.index(e2) and c1 not in out
    assert "waiting for FINAL" in out


def test_the_terminal_station_is_the_default(cli, line: tuple[str, str, str]) -> None:
    code, out, _ = cli(
        "--station", "CHASSIS", "recall", "station", "--model", "C1E", "--from", DAY, "--to", DAY
    )
    assert code == 0 and "2 cars:" in out


def test_defect_recall_as_csv_keeps_stdout_for_the_data(cli, line: tuple[str, str, str]) -> None:
    c1, _e1, e2 = line
    code, out, err = cli(*DEFECT, "--format", "csv")
    assert code == 0
    assert err == "WL-DOOR found 2 times; 2 cars: 0 delivered, 2 still at the plant.\n"
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["vin"], r["zone"], r["defect_status"], r["customer"]) for r in rows] == [
        (c1, "rear", "open", ""),
        (e2, "left", "open", ""),
    ]
    assert rows[0]["found_at"].startswith(f"{DAY}T") and rows[0]["found_at"].endswith("+01:00")


def test_station_recall_as_json(cli, line: tuple[str, str, str]) -> None:
    _c1, e1, e2 = line
    code, out, _ = cli(*STATION, "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert (data["report"], data["cars"], data["delivered"], data["at_plant"]) == ("recall_station", 2, 0, 2)
    assert [r["vin"] for r in data["rows"]] == [e1, e2]
    assert data["from"] == f"{DAY}T00:00:00+01:00"
    assert data["rows"][0]["where"] == "waiting for FINAL"


def test_out_writes_the_file_and_says_so(cli, line: tuple[str, str, str], tmp_path: Path) -> None:
    target = tmp_path / "recall.md"
    code, out, err = cli(*DEFECT, "--out", str(target))
    assert (code, err) == (0, "")
    assert out == (
        "WL-DOOR found 2 times; 2 cars: 0 delivered, 2 still at the plant.\n"
        f"Recall list written to {target}.\n"
    )
    assert target.read_text("utf-8").startswith(f"# Recall: defect WL-DOOR, {DAY}")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("recall", "station", "--model", "C9", "--station", "CHASSIS", "--from", DAY), "Unknown model 'C9'"),
        (("recall", "station", "--model", "C1E", "--station", "CHASIS", "--from", DAY), "Unknown station"),
        (("recall", "station", "--model", "C1E", "--from", DAY), "Which station did the cars complete?"),
        (("recall", "defect", "--code", "WL-DORR", "--from", DAY), "Unknown defect code 'WL-DORR'"),
        (("recall", "defect", "--code", "WL-DOOR", "--from", DAY, "--to", "2026-11-25"), "ends (2026-11-25)"),
        (("recall", "defect", "--code", "WL-DOOR", "--from", "26/11/2026"), "should be YYYY-MM-DD"),
    ],
)
def test_refusals_write_nothing_and_exit_non_zero(
    cli, line: tuple[str, str, str], tmp_path: Path, argv: tuple[str, ...], words: str
) -> None:
    target = tmp_path / "recall.csv"
    code, out, err = cli(*argv, "--out", str(target))
    assert code != 0
    assert out == ""
    assert err.startswith("neofloor: ") and words in err and err.count("\n") == 1
    assert not target.exists()


def test_delivered_cars_show_customer_and_partner_on_the_demo_plant(cli, tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    shutil.copyfile(DEMO_PLANT, demo)
    code, out, _ = cli(
        "recall", "station", "--model", "C1E", "--station", "CHASSIS", "--from", "2026-11-01", "--to",
        "2026-11-10", "--format", "json", db=demo,
    )  # fmt: skip
    data = json.loads(out)
    assert code == 0 and data["delivered"] > 0
    delivered = [r for r in data["rows"] if r["state"] == "delivered"]
    assert len(delivered) == data["delivered"]
    assert all(r["customer"] and r["delivered_at"] for r in delivered)
    assert any(r["financing_partner"] for r in delivered)
