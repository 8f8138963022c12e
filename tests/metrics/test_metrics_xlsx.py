"""The handover and trend reports as spreadsheets: real cells, frozen headers, a sheet per section."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from neofloor.reports.shift_xlsx import shift_sheets
from neofloor.reports.xlsx import DURATION_FORMAT, PERCENT_FORMAT, save_xlsx
from neofloor.services.metrics.summary import ShiftSummary, shift_summary
from neofloor.services.supervision.shift_notes import add_shift_note
from tests.metrics.builders import local
from tests.metrics.conftest import SHIFT_LEAD, ShiftDay
from tests.metrics.test_metrics_cli import WEDNESDAY, plant, run  # noqa: F401  (the plant fixture)

THURSDAY = date(2026, 11, 26)
AFTER_SHIFT = local(26, 14, 35)
ZONE = ZoneInfo("Africa/Casablanca")
SECTIONS = [
    "Shift",
    "Pace",
    "By hour",
    "Quality",
    "Deliveries",
    "OEE",
    "Stations",
    "Quality by station",
    "Downtime",
    "Line now",
    "Overrides",
    "Notes",
]


@pytest.fixture
def summary(shift_day: ShiftDay) -> ShiftSummary:
    with shift_day.db.write() as session:
        add_shift_note(
            session, THURSDAY, "A", "=SUM(A1:A9) is not a formula here", SHIFT_LEAD, now=AFTER_SHIFT
        )
    with shift_day.db.read() as session:
        return shift_summary(session, THURSDAY, "A", now=AFTER_SHIFT)


def items(sheet) -> dict[str, object]:
    return {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}


def test_shift_workbook_has_a_sheet_per_section_with_real_cells(
    summary: ShiftSummary, tmp_path: Path
) -> None:
    path = save_xlsx(shift_sheets(summary), tmp_path / "handover.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == SECTIONS
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(cell.font.b for cell in sheet[1])
        assert sheet.column_dimensions["A"].width >= len(str(sheet["A1"].value))

    shift = items(book["Shift"])
    # Dates and times are Excel dates, in plant local time (06:00 in Casablanca, not 05:00 UTC).
    assert shift["Date"].value == datetime(2026, 11, 26, 0, 0)
    start = shift["Start"]
    assert isinstance(start.value, datetime) and start.value.tzinfo is None
    assert start.value == summary.window.start.astimezone(ZONE).replace(tzinfo=None)
    assert start.is_date

    pace = items(book["Pace"])
    assert pace["Output (cars through QG)"].value == summary.output
    assert isinstance(pace["Output (cars through QG)"].value, int)
    assert pace["Takt"].number_format == DURATION_FORMAT
    assert pace["Planned time"].value == timedelta(minutes=summary.planned_minutes)

    quality = items(book["Quality"])
    assert quality["FPY"].number_format == PERCENT_FORMAT
    assert quality["FPY"].value == pytest.approx(summary.fpy)

    hours = list(book["By hour"].iter_rows(min_row=2, values_only=True))
    assert [h[0] for h in hours] == [h.label for h in summary.hourly]
    assert sum(h[4] for h in hours) == summary.output

    by_station = {r[0].value: r for r in book["Quality by station"].iter_rows(min_row=2)}
    assert by_station and list(by_station) == [q.station for q in summary.quality_by_station]
    for q in summary.quality_by_station:
        cars, fpy = by_station[q.station][2], by_station[q.station][4]
        assert cars.value == q.cars and isinstance(cars.value, int)
        assert fpy.value == (None if q.fpy is None else pytest.approx(q.fpy))
        if q.fpy is not None:
            assert fpy.number_format == PERCENT_FORMAT

    held = [r for r in book["Line now"].iter_rows(min_row=2) if r[0].value == "held"]
    assert [r[1].value for r in held] == [c.vin for c in summary.line.held]
    held_since, at_station_since = held[0][5], held[0][6]
    assert held_since.is_date and at_station_since.is_date
    first = summary.line.held[0]
    assert held_since.value == first.held_since.astimezone(ZONE).replace(tzinfo=None)
    assert at_station_since.value == first.at_station_since.astimezone(ZONE).replace(tzinfo=None)

    notes = list(book["Notes"].iter_rows(min_row=2))
    assert notes[0][2].value == "=SUM(A1:A9) is not a formula here"
    assert notes[0][2].data_type == "s"


def test_trend_as_xlsx_needs_a_file_and_writes_day_cells(
    plant: str,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    period = ("report", "trend", "--from", "2026-06-08", "--to", "2026-06-14", "--format", "xlsx")
    code, out, err = run(capsys, "--db", plant, *period)
    assert code != 0 and out == ""
    assert (
        err.strip()
        == "neofloor: An .xlsx spreadsheet is a file, not text: give --out FILE.xlsx with --format xlsx."
    )

    target = tmp_path / "trend.xlsx"
    code, out, _ = run(capsys, "--db", plant, *period, "--out", str(target))
    assert code == 0 and out == f"Report written to {target}.\n"
    sheet = load_workbook(target)["Trend"]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2))
    assert [r[0].value for r in rows[:3]] == [datetime(2026, 6, d) for d in (8, 9, 10)]
    assert rows[-1][0].value == "Total"
    header = [c.value for c in sheet[1]]
    wednesday = dict(zip(header, rows[2], strict=True))
    assert wednesday["Output"].value == 1 and wednesday["Plan"].value == 12
    assert wednesday["Line downtime"].value == timedelta(minutes=20)
    assert wednesday["Line downtime"].number_format == DURATION_FORMAT
    assert wednesday["FPY"].value == 1.0 and wednesday["FPY"].number_format == PERCENT_FORMAT


def test_shift_report_as_xlsx_from_the_command_line(
    plant: str,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / "handover.xlsx"
    shift = ("report", "shift", "--date", WEDNESDAY, "--shift", "A", "--format", "xlsx", "--out", str(target))
    code, out, _ = run(capsys, "--db", plant, *shift)
    assert code == 0 and out == f"Report written to {target}.\n"
    book = load_workbook(target)
    assert book.sheetnames == SECTIONS
    assert items(book["Pace"])["Output (cars through QG)"].value == 1
    downtime = {r[0]: r for r in book["Downtime"].iter_rows(min_row=2, values_only=True)}
    assert downtime["MAT"][2] == timedelta(minutes=20) and downtime["MAT"][3] == 1


def test_shift_report_saved_as_xlsx_in_the_reports_folder(
    plant: str,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    shift = ("report", "shift", "--date", WEDNESDAY, "--shift", "A", "--format", "xlsx", "--save")
    code, out, _ = run(capsys, "--db", plant, *shift)
    target = Path(plant).resolve().parent / "reports" / f"handover-{WEDNESDAY}-A.xlsx"
    assert code == 0 and out == f"Report written to {target}.\n"
    assert load_workbook(target).sheetnames == SECTIONS
