"""`neofloor operator list` and `neofloor audit` as .xlsx: real date and time cells, CSV's columns."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from neofloor.cli import main
from neofloor.services.scan import record_scan
from neofloor.store.engine import Database
from tests.conftest import ROUTE, T0, plan_cars, run_through


def rows_of(path: Path) -> tuple[list[str], list[dict[str, object]], object]:
    sheet = load_workbook(path).active
    header = [str(c.value) for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2)]
    return header, rows, sheet


def test_operator_list_as_xlsx_has_date_cells(
    db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "skills.xlsx"
    assert main(["--db", str(db_path), "operator", "list", "--format", "xlsx", "--out", str(target)]) == 0
    assert capsys.readouterr().out == f"Skills matrix written to {target}.\n"
    header, rows, sheet = rows_of(target)
    assert sheet.title == "Skills" and sheet.freeze_panes == "A2"
    assert header[:6] == ["Badge", "Name", "Role", "Active", "Station", "Status"]
    assert header[6:] == ["Certified on", "Expires on", "Programme"]
    eol = next(r for r in rows if r["Badge"].value == "1001" and r["Station"].value == "EOL")
    expires = eol["Expires on"]
    assert expires.is_date and expires.value.date() == date(2026, 11, 3)
    assert (eol["Status"].value, eol["Active"].value) == ("expired", "yes")
    # The same certifications as the CSV, in the same order.
    assert main(["--db", str(db_path), "operator", "list", "--format", "csv"]) == 0
    listed = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    in_sheet = [(r["Badge"].value, r["Station"].value) for r in rows]
    assert [(r["badge"], r["station"]) for r in listed] == in_sheet


def test_audit_as_xlsx_has_plant_time_cells(
    db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (vin,) = plan_cars(db, 1)
    at = run_through(db, vin, ROUTE[:1], T0)
    with db.write() as session:
        record_scan(session, ROUTE[1], vin, "1001", "T-BODY", now=at + timedelta(minutes=5))
    target = tmp_path / "audit.xlsx"
    argv = ["--db", str(db_path), "audit", "--vin", vin, "--format", "xlsx", "--out", str(target)]
    assert main(argv) == 0
    assert capsys.readouterr().out == f"Audit trail written to {target}.\n"
    header, rows, sheet = rows_of(target)
    assert sheet.title == "Audit" and header[:2] == ["At", "Badge"]
    assert rows and all(r["Subject"].value == vin for r in rows)
    first = rows[0]["At"]
    assert first.is_date and isinstance(first.value, datetime) and first.value.tzinfo is None
    # The CSV's time, in plant time, is the cell's time.
    assert main(["--db", str(db_path), "audit", "--vin", vin, "--format", "csv"]) == 0
    listed = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert listed[0]["at"] == first.value.strftime("%Y-%m-%d %H:%M:%S")


def test_a_spreadsheet_needs_out(db: Database, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["operator", "list"], ["audit"]):
        assert main(["--db", str(db_path), *argv, "--format", "xlsx"]) != 0
        out, err = capsys.readouterr()
        assert out == "" and "give --out FILE.xlsx" in err
