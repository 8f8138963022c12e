"""The delivery commands on a copy of the demo plant: exit 0 when done, else the sentence and a code."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from neofloor.cli import main
from neofloor.services.plant.vin import with_check_digit

EXAMPLE = Path(__file__).resolve().parents[2] / "neofloor.db.example"


@pytest.fixture
def plant(tmp_path: Path) -> str:
    path = tmp_path / "demo.db"
    shutil.copyfile(EXAMPLE, path)
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command as a script runs it: a write's PIN from NEOFLOOR_PIN (the demo's PIN is the badge)."""
    pin = args[args.index("--operator") + 1] if "--operator" in args else None
    with pytest.MonkeyPatch.context() as patch:
        if pin is not None:
            patch.setenv("NEOFLOOR_PIN", pin)
        code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def counts(plant: str) -> tuple[int, ...]:
    conn = sqlite3.connect(plant)
    try:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (
                "station_event",
                "fitted_component",
                "pdi_check",
                "yard_place",
                "delivery",
                "defect",
            )
        )
    finally:
        conn.close()


def yard(plant: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "--db", plant, "yard", "list", "--json")
    assert code == 0
    cars: list[dict[str, object]] = json.loads(out)
    return cars


def test_yard_list_park_pdi_and_delivery(plant: str, capsys: pytest.CaptureFixture[str]) -> None:
    cars = yard(plant, capsys)
    code, out, _ = run(capsys, "--db", plant, "yard", "list")
    assert code == 0 and out.strip().endswith(f"{len(cars)} cars in the yard.")
    ready = next(c for c in cars if c["pdi"] == "passed")
    vin = str(ready["vin"])
    code, out, _ = run(capsys, "--db", plant, "pdi", "show", vin)
    assert code == 0 and out.startswith(f"PDI of {vin}") and "passed" in out
    free = next(f"E-{n:02d}" for n in range(40, 0, -1) if f"E-{n:02d}" not in {c["spot"] for c in cars})
    assert run(capsys, "--db", plant, "yard", "park", vin, free, "--operator", "1006")[:2] == (
        0,
        f"{vin} {'moved from ' + str(ready['spot']) + ' to' if ready['spot'] else 'parked at'} {free}.\n",
    )
    code, out, _ = run(
        capsys, "--db", plant, "deliver", vin, "--customer", "Salma Bennani", "--financing", "MAGHREBAIL",
        "--dealer", "Rabat Motors", "--reference", "CT-9", "--operator", "1006",
    )  # fmt: skip
    assert (code, out) == (0, f"{vin} handed over to Salma Bennani (Maghrebail).\n")
    assert vin not in {c["vin"] for c in yard(plant, capsys)}


def test_component_find_and_list(plant: str, capsys: pytest.CaptureFixture[str]) -> None:
    conn = sqlite3.connect(plant)
    vin, serial = conn.execute(
        "SELECT v.vin, f.serial FROM fitted_component f JOIN vehicle v ON v.id = f.vehicle_id LIMIT 1"
    ).fetchone()
    conn.close()
    code, out, _ = run(capsys, "--db", plant, "component", "find", serial)
    assert code == 0 and out.startswith(vin) and serial in out
    code, out, _ = run(capsys, "--db", plant, "component", "list", vin, "--json")
    assert code == 0 and serial in {r["serial"] for r in json.loads(out)}


@pytest.mark.parametrize(
    ("args", "exit_code", "words"),
    [
        (["component", "find", "ABD999999999"], 3, "No car has a component with serial"),
        (["component", "list", "NOTAVIN"], 2, "a VIN has 17"),
        (["component", "add", "{yard}", "AIRBAG-D", "XYZ", "--operator", "3001"], 2,
         "not a driver airbag serial"),
        (["component", "add", "{yard}", "AIRBAG-D", "{fitted}", "--operator", "3001"], 4,
         "already has driver airbag"),
        (["deliver", "NOTAVIN", "--customer", "X", "--financing", "cash", "--operator", "1006"], 2,
         "a VIN has 17"),
        (["yard", "park", "{unknown}", "A-40", "--operator", "1006"], 3, "not in the production plan"),
        (["yard", "park", "{yard}", "Q-99", "--operator", "1006"], 2, "is not a spot of this yard"),
        (["yard", "park", "{yard}", "B7X", "--operator", "1006"], 2, "is not a yard spot"),
        (["yard", "park", "{delivered}", "A-40", "--operator", "1006"], 4, "no longer in the yard"),
        (["pdi", "check", "{delivered}", "DOCS", "--pass", "--operator", "2002"], 4, "not in the yard"),
        (["pdi", "check", "{yard}", "PAINT", "--fail", "NOPE", "--operator", "2002"], 3, "NOPE"),
        (["deliver", "{delivered}", "--customer", "X", "--financing", "cash", "--operator", "1006"], 4,
         "already delivered"),
        (["deliver", "{unpassed}", "--customer", "X", "--financing", "cash", "--operator", "1006"], 4,
         "has not passed PDI"),
        (["deliver", "{yard}", "--customer", "X", "--financing", "BANKX", "--operator", "1006"], 3,
         "Unknown financing partner"),
        (["deliver", "{yard}", "--customer", "X", "--financing", "cash", "--operator", "1002"], 5,
         "not certified for DELIVERY"),
    ],
)  # fmt: skip
def test_refusals_exit_non_zero_with_one_sentence_and_write_nothing(
    plant: str, capsys: pytest.CaptureFixture[str], args: list[str], exit_code: int, words: str
) -> None:
    cars = yard(plant, capsys)
    conn = sqlite3.connect(plant)
    delivered = conn.execute("SELECT vin FROM vehicle WHERE state = 'delivered' LIMIT 1").fetchone()[0]
    fitted = conn.execute(
        "SELECT serial FROM fitted_component f JOIN component_part p ON p.id = f.part_id "
        "WHERE p.code = 'AIRBAG-D' AND f.vehicle_id = (SELECT id FROM vehicle WHERE vin = ?)",
        (delivered,),
    ).fetchone()[0]
    conn.close()
    names = {
        "yard": str(cars[0]["vin"]),
        "delivered": delivered,
        "unpassed": next(str(c["vin"]) for c in cars if c["pdi"] == "not started"),
        "fitted": fitted,
        "unknown": with_check_digit("ENFC1PA00TA999999"),
    }
    before = counts(plant)
    code, out, err = run(capsys, "--db", plant, *(a.format(**names) for a in args))
    assert (code, out) == (exit_code, "")
    assert words in err and err.count("\n") == 1
    assert counts(plant) == before
