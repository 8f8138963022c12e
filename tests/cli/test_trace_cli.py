"""`neofloor record` and `neofloor recall cars` end to end: the build record, filters combined, the hold."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from neofloor.cli import main
from neofloor.services.quality.defects import add_defect
from neofloor.store.engine import Database
from tests.conftest import INSPECTOR, ROUTE, T0, plan_cars, run_through, serial_for

DAY = "2026-11-26"  # T0's plant-local day


@pytest.fixture
def line(db: Database) -> tuple[str, str, str]:
    """Two C1E cars and a C1 through CHASSIS on T0's day; WL-DOOR found on one C1E."""
    c1 = plan_cars(db, 1)[0]
    e1, e2 = plan_cars(db, 2, start=7, model="C1E")
    run_through(db, e2, ROUTE[:5], T0)
    run_through(db, c1, ROUTE[:5], T0 + timedelta(hours=1))
    run_through(db, e1, ROUTE[:5], T0 + timedelta(hours=2))
    with db.write() as session:
        add_defect(session, e2, "CHASSIS", "WL-DOOR", "left", INSPECTOR, now=T0 + timedelta(hours=3))
    return c1, e1, e2


@pytest.fixture
def cli(db_path: Path, capsys: pytest.CaptureFixture[str]):
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--db", str(db_path), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_record_prints_the_build_record_as_markdown_or_json(cli, line, tmp_path: Path) -> None:
    _c1, _e1, e2 = line
    code, out, err = cli("record", e2)
    assert (code, err) == (0, "")
    assert out.startswith(f"# Build record: {e2}\n")
    assert serial_for("HV-BATTERY", int(e2[-6:])) in out
    assert "WL-DOOR" in out and "## Stations" in out
    code, out, _err = cli("record", e2.lower(), "--format", "json")
    data = json.loads(out)
    assert (code, data["vin"], data["model"]) == (0, e2, "C1E")
    assert {c["part"] for c in data["components"]} >= {"HV-BATTERY", "MOTOR", "ECU"}
    target = tmp_path / "record.md"
    code, out, _err = cli("record", e2, "--out", str(target))
    assert code == 0 and target.read_text().startswith(f"# Build record: {e2}")


def test_record_refuses_an_unknown_or_malformed_vin(cli, line) -> None:
    code, out, err = cli("record", "NOT-A-VIN")
    assert code == 2 and out == "" and "VIN" in err
    code, _out, err = cli("record", "ENFC1E0X6T9999999")
    assert code != 0 and err.startswith("neofloor: ")


def test_recall_cars_combines_filters(cli, line) -> None:
    c1, e1, e2 = line
    code, out, _err = cli(
        "recall", "cars", "--station", "CHASSIS", "--from", DAY, "--to", DAY, "--format", "json"
    )
    assert code == 0
    assert [r["vin"] for r in json.loads(out)["rows"]] == [c1, e1, e2]
    code, out, _err = cli(
        "recall", "cars", "--model", "C1E", "--station", "CHASSIS", "--from", DAY, "--to", DAY,
        "--defect", "WL-DOOR", "--format", "json",
    )  # fmt: skip
    assert [r["vin"] for r in json.loads(out)["rows"]] == [e2]
    serial = serial_for("HV-BATTERY", int(e1[-6:]))
    code, out, _err = cli(
        "recall", "cars", "--part", "HV-BATTERY", "--serial-from", serial, "--serial-to", serial
    )
    assert code == 0 and e1 in out and e2 not in out and c1 not in out
    assert "1 car: 0 delivered, 1 still at the plant." in out


def test_recall_hold_stops_every_car_at_the_plant_in_one_go(cli, line) -> None:
    _c1, e1, e2 = line
    args = ("recall", "cars", "--model", "C1E", "--station", "CHASSIS", "--from", DAY, "--to", DAY)
    code, out, err = cli(*args, "--hold", "--reason", "Recall R-26-009", "--operator", "1001")
    assert code == 5 and out == "" and "may not hold the cars of a recall" in err
    code, out, err = cli(*args, "--hold", "--reason", "Recall R-26-009", "--operator", "3001")
    assert (code, err) == (0, "")
    assert out.startswith("2 cars put on hold: Recall R-26-009.\n")
    assert out.count("| yes |") == 2
    code, out, err = cli(*args, "--hold", "--reason", "again", "--operator", "3001", "--format", "json")
    assert code == 0 and err.startswith("0 cars put on hold: again. 2 already on hold")
    rows = json.loads(out)["rows"]
    assert [(row["vin"], row["held"]) for row in rows] == [(e1, True), (e2, True)]
    code, _out, err = cli("recall", "cars", "--model", "C1E", "--hold", "--operator", "3001", "--reason", "x")
    assert code == 2 and "Say what the recall is about" in err
