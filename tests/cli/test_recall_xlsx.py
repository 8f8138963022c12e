"""`neofloor recall ... --format xlsx`: the recall list as a spreadsheet of real cells."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from tests.cli.test_recall_cli import DEFECT, STATION, cli, line  # noqa: F401  (fixtures)


def test_station_recall_as_xlsx(cli, line, tmp_path: Path) -> None:  # noqa: F811
    _c1, e1, e2 = line
    target = tmp_path / "recall.xlsx"
    code, out, _ = cli(*STATION, "--format", "xlsx", "--out", str(target))
    assert code == 0 and out.endswith(f"Recall list written to {target}.\n")
    book = load_workbook(target)
    assert book.sheetnames == ["Recall C1E CHASSIS"]
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Build seq", "Vin", "Model"] and "Completed at" in header
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2)]
    assert [r["Vin"].value for r in rows] == [e1, e2]  # build order
    assert isinstance(rows[0]["Build seq"].value, int)
    completed = rows[0]["Completed at"]
    assert isinstance(completed.value, datetime) and completed.value.tzinfo is None and completed.is_date


def test_defect_recall_as_xlsx_needs_out(cli, line, tmp_path: Path) -> None:  # noqa: F811
    code, out, err = cli(*DEFECT, "--format", "xlsx")
    assert code != 0 and out == "" and "give --out FILE.xlsx" in err
    target = tmp_path / "defect.xlsx"
    code, _, _ = cli(*DEFECT, "--format", "xlsx", "--out", str(target))
    sheet = load_workbook(target).active
    assert code == 0 and sheet.title == "Recall WL-DOOR" and sheet.max_row == 3
    header = [c.value for c in sheet[1]]
    assert isinstance(sheet.cell(2, header.index("Found at") + 1).value, datetime)
