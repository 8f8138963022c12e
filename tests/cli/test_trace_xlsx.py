"""`neofloor recall cars --format xlsx`: the containment list as a spreadsheet of real cells."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from tests.cli.test_trace_cli import DAY, cli, line  # noqa: F401  (fixtures)


def test_recall_cars_as_xlsx(cli, line, tmp_path: Path) -> None:  # noqa: F811
    _c1, e1, e2 = line
    target = tmp_path / "cars.xlsx"
    args = ("recall", "cars", "--model", "C1E", "--station", "CHASSIS", "--from", DAY, "--to", DAY)
    code, out, _ = cli(*args, "--format", "xlsx")
    assert code != 0 and out == ""
    code, out, _ = cli(*args, "--format", "xlsx", "--out", str(target))
    assert code == 0 and out.endswith(f"Recall list written to {target}.\n")
    sheet = load_workbook(target).active
    assert sheet.title.startswith("Recall model C1E") and sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2)]
    assert [r["Vin"].value for r in rows] == [e1, e2]  # build order
    assert isinstance(rows[0]["Build seq"].value, int)
    completed = rows[0]["Completed at"]
    assert completed.is_date and isinstance(completed.value, datetime) and completed.value.tzinfo is None
    assert rows[0]["Held"].value == "no"
