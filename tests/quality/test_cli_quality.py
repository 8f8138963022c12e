"""`neofloor defect ...` end to end on a real database file: the same rules, parseable output."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from neofloor.cli import main
from neofloor.services.plant.clock import to_local
from neofloor.store.engine import Database
from neofloor.store.types import utcnow
from tests.conftest import INSPECTOR, ROUTE, SUPERVISOR, plan_cars, run_through, scan

OTHER_INSPECTOR = "2002"


@pytest.fixture
def cli(db_url: str, capsys):
    """Run `neofloor --db FILE ...`: returns (exit code, stdout, stderr)."""

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--db", db_url, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def car(db: Database) -> str:
    """A car in WATER, its history an hour old (the CLI works at the real time)."""
    vin = plan_cars(db, 1)[0]
    at = run_through(db, vin, ROUTE[:7], utcnow() - timedelta(hours=2))
    scan(db, "WATER", vin, at)
    return vin


def add(cli, vin: str, code: str, zone: str, *extra: str) -> tuple[int, str, str]:
    return cli(
        "defect",
        "add",
        vin,
        "--station",
        "WATER",
        "--code",
        code,
        "--zone",
        zone,
        "--operator",
        INSPECTOR,
        *extra,
    )


def test_add_list_and_the_whole_story(cli, car: str) -> None:
    code, out, err = add(cli, car, "wl-door", "left", "--note", "drip at the lower hinge")
    assert (code, err) == (0, "")
    assert out == f"Defect #1 logged on {car}: WL-DOOR Water leak at door seal, left, major.\n"
    assert add(cli, car, "PT-RUN", "roof", "--severity", "major")[0] == 0

    code, out, _ = cli("defect", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:6] == ["ID", "VIN", "CODE", "SEVERITY", "STATUS", "ZONE"]
    assert lines[1].split()[:7] == ["1", car, "WL-DOOR", "major", "open", "left", "WATER"]
    assert lines[2].split()[:4] == ["2", car, "PT-RUN", "major"]

    assert cli("defect", "repair", "1", "--note", "seal reseated", "--operator", SUPERVISOR)[1] == (
        f"Defect #1 WL-DOOR on {car} repaired at WATER; an inspector must verify it.\n"
    )
    assert cli("defect", "reject", "1", "--reason", "still drips", "--operator", INSPECTOR)[0] == 0
    assert cli("defect", "repair", "1", "--note", "seal replaced", "--operator", SUPERVISOR)[0] == 0
    assert (
        cli("defect", "verify", "1", "--operator", OTHER_INSPECTOR)[1]
        == f"Defect #1 WL-DOOR on {car} verified: closed.\n"
    )
    assert (
        cli("defect", "cancel", "2", "--reason", "run polished out, not a defect", "--operator", INSPECTOR)[0]
        == 0
    )

    code, out, _ = cli("defect", "show", "1", "--format", "json")
    story = json.loads(out)
    assert story["defect"]["status"] == "verified"
    assert [e["kind"] for e in story["events"]] == ["found", "repaired", "rejected", "repaired", "verified"]
    assert [e["note"] for e in story["events"]][1:3] == ["seal reseated", "still drips"]

    code, out, _ = cli("defect", "show", "1")
    assert "WL-DOOR Water leak at door seal" in out and "rejected" in out and "still drips" in out

    assert cli("defect", "list")[1] == "No defects match.\n"


def test_list_as_csv_and_json_parse_back(cli, car: str) -> None:
    add(cli, car, "WL-DOOR", "left")
    add(cli, car, "NS-RATL", "interior", "--note", 'clicks, "loud" over bumps')
    add(cli, car, "FL-LOW", "powertrain")
    cli("defect", "repair", "3", "--note", "topped up", "--operator", SUPERVISOR)

    code, out, _ = cli("defect", "list", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["id"], r["code"], r["status"]) for r in rows] == [
        ("1", "WL-DOOR", "open"),
        ("2", "NS-RATL", "open"),
        ("3", "FL-LOW", "repaired"),
    ]
    assert rows[1]["note"] == 'clicks, "loud" over bumps'
    assert rows[2]["repair_note"] == "topped up" and rows[2]["repaired_by"] == "Rachid Alaoui"
    assert rows[0]["repaired_at"] == ""
    found_at = datetime.fromisoformat(rows[0]["found_at"])
    assert found_at.utcoffset() is not None  # plant local time, with its offset
    assert abs(found_at - utcnow()) < timedelta(minutes=5)

    code, out, _ = cli("defect", "list", "--format", "json", "--severity", "minor")
    listed = json.loads(out)
    assert [(d["id"], d["code"], d["severity"]) for d in listed] == [
        (2, "NS-RATL", "minor"),
        (3, "FL-LOW", "minor"),
    ]
    assert listed[0]["vin"] == car and listed[0]["station"] == "WATER"
    assert listed[0]["repaired_at"] is None
    assert set(listed[0]) == set(rows[0])  # the same fields both ways

    _, out, _ = cli("defect", "list", "--format", "json", "--status", "repaired")
    assert [d["id"] for d in json.loads(out)] == [3]
    _, out, _ = cli("defect", "list", "--format", "json", "--vin", car, "--status", "all")
    assert [d["id"] for d in json.loads(out)] == [3, 2, 1]  # closed ones asked for: newest first
    _, out, _ = cli("defect", "list", "--format", "json", "--station", "EOL")
    assert json.loads(out) == []


def test_pareto_csv_and_json_parse_back(cli, car: str) -> None:
    for code, zone in (
        ("WL-DOOR", "left"),
        ("WL-DOOR", "right"),
        ("WL-ROOF", "roof"),
        ("NS-RATL", "interior"),
    ):
        add(cli, car, code, zone)
    cli("defect", "cancel", "4", "--reason", "logged in error", "--operator", INSPECTOR)
    today = to_local(utcnow(), "Africa/Casablanca").date()
    period = ("--from", str(today - timedelta(days=1)), "--to", str(today + timedelta(days=1)))

    code, out, _ = cli("defect", "pareto", *period, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["rank"], r["code"], r["count"], r["share"], r["cumulative_share"]) for r in rows] == [
        ("1", "WL-DOOR", "2", "0.6667", "0.6667"),
        ("2", "WL-ROOF", "1", "0.3333", "1.0"),
    ]

    _, out, _ = cli("defect", "pareto", *period, "--format", "json", "--limit", "1")
    pareto = json.loads(out)
    assert (pareto["total"], pareto["other_count"]) == (3, 1)
    assert pareto["lines"] == [
        {
            "rank": 1,
            "code": "WL-DOOR",
            "description": "Water leak at door seal",
            "category": "water_leak",
            "count": 2,
            "share": 0.6667,
            "cumulative_share": 0.6667,
        }
    ]

    _, out, _ = cli("defect", "pareto", *period)
    assert "WL-DOOR" in out and "66.7%" in out and "other codes: 1" not in out
    _, out, _ = cli("defect", "pareto", "--from", "2020-01-01", "--to", "2020-01-31")
    assert out == "No defects found from 2020-01-01 to 2020-01-31.\n"


def test_catalog_matches_like_the_screen(cli, db: Database) -> None:
    _, out, _ = cli("defect", "catalog", "wl", "--format", "json")
    assert [e["code"] for e in json.loads(out)][:5] == ["WL-DOOR", "WL-ROOF", "WL-SCRN", "WL-SUNR", "WL-TAIL"]
    _, out, _ = cli("defect", "catalog", "run")
    assert out.splitlines()[1].split()[0] == "PT-RUN"
    _, out, _ = cli("defect", "catalog", "--format", "csv")
    assert len(list(csv.DictReader(io.StringIO(out)))) >= 35


@pytest.mark.parametrize(
    ("argv", "exit_code", "sentence"),
    [
        (("--code", "ZZ-TOP", "--zone", "left"), 3, "Unknown defect code 'ZZ-TOP' in the catalog."),
        (("--code", "WL-DOR", "--zone", "left"), 3, "did you mean WL-DOOR"),
        (("--code", "WL-DOOR", "--zone", "bonnet"), 2, "Unknown zone 'bonnet'"),
    ],
)
def test_add_refusals(cli, car: str, argv, exit_code: int, sentence: str) -> None:
    code, out, err = cli("defect", "add", car, "--station", "WATER", "--operator", INSPECTOR, *argv)
    assert code == exit_code and out == ""
    assert err.startswith("neofloor: ") and sentence in err and err.count("\n") == 1
    assert cli("defect", "list", "--format", "json", "--status", "all")[1].strip() == "[]"


def test_state_machine_refusals(cli, car: str) -> None:
    add(cli, car, "WL-DOOR", "left")
    code, _, err = cli("defect", "verify", "1", "--operator", INSPECTOR)
    assert (code, err) == (
        4,
        "neofloor: Defect #1 WL-DOOR is still open: there is no repair to verify yet.\n",
    )
    cli("defect", "cancel", "1", "--reason", "wrong car", "--operator", INSPECTOR)
    code, _, err = cli("defect", "repair", "1", "--note", "x", "--operator", SUPERVISOR)
    assert code == 4 and "was cancelled" in err
    code, _, err = cli("defect", "verify", "9", "--operator", INSPECTOR)
    assert (code, err) == (3, "neofloor: No defect #9.\n")
    code, _, err = cli("defect", "cancel", "1", "--reason", "  ", "--operator", INSPECTOR)
    assert (code, err) == (2, "neofloor: A reason is required.\n")


def test_wrong_role_and_missing_station(cli, car: str) -> None:
    code, _, err = cli("defect", "add", car, "--code", "WL-DOOR", "--zone", "left", "--operator", INSPECTOR)
    assert (code, err) == (2, "neofloor: Where was it found? Give --station CODE.\n")
    code, _, err = cli(
        "defect",
        "add",
        car,
        "--station",
        "WATER",
        "--code",
        "WL-DOOR",
        "--zone",
        "left",
        "--operator",
        "1001",
    )
    assert code == 5 and "certified for, not WATER" in err
    # The terminal's own station (neofloor --station WATER) is used when the command names none.
    code, out, _ = cli(
        "--station",
        "WATER",
        "defect",
        "add",
        car,
        "--code",
        "WL-DOOR",
        "--zone",
        "left",
        "--operator",
        "1004",
    )
    assert code == 0 and out.startswith("Defect #1 logged")
    code, _, err = cli("defect", "verify", "1", "--operator", SUPERVISOR)
    assert (code, err) == (5, "neofloor: Rachid Alaoui may not verify repairs; that takes an inspector.\n")


def test_list_and_pareto_bad_input(cli, car: str) -> None:
    code, _, err = cli("defect", "list", "--status", "fixed")
    assert code == 2 and "Unknown defect status 'fixed'" in err
    code, _, err = cli("defect", "pareto", "--from", "26/11/2026", "--to", "2026-11-30")
    assert code == 2 and "YYYY-MM-DD" in err
    code, _, err = cli("defect", "pareto", "--from", "2026-11-30", "--to", "2026-11-01")
    assert code == 2 and "ends" in err


def test_a_missing_database_is_named(tmp_path: Path, capsys) -> None:
    code = main(["--db", str(tmp_path / "none.db"), "defect", "list"])
    assert code == 3 and "No database at" in capsys.readouterr().err


def test_delivered_cars_and_age_filters(cli, db: Database, car: str) -> None:
    add(cli, car, "NS-RATL", "interior")
    _, out, _ = cli("defect", "list", "--format", "json", "--older-than", "1")
    assert json.loads(out) == []  # found just now
    _, out, _ = cli("defect", "list", "--format", "json", "--older-than", "0")
    assert [d["code"] for d in json.loads(out)] == ["NS-RATL"]
    with db.write() as session:  # delivery is another part of the plant: put the car there directly
        session.execute(text("UPDATE vehicle SET state = 'delivered' WHERE vin = :vin"), {"vin": car})
    assert cli("defect", "list")[1] == "No defects match.\n"
    _, out, _ = cli("defect", "list", "--format", "json", "--delivered")
    assert [d["car_state"] for d in json.loads(out)] == ["delivered"]
    code, _, err = cli("defect", "list", "--older-than", "-2")
    assert code == 2 and "--older-than" in err
