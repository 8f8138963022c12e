"""Deliveries per day and per financing partner in the shift summary, the trend and their reports."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook

from neofloor.reports.shift_data import shift_report_data
from neofloor.reports.shift_markdown import render_markdown
from neofloor.reports.shift_xlsx import shift_sheets
from neofloor.reports.trend_report import render_trend_report, trend_sheets
from neofloor.reports.xlsx import save_xlsx
from neofloor.services.delivery.handover import deliver_car
from neofloor.services.metrics.summary import shift_summary
from neofloor.services.metrics.trend import trend
from neofloor.services.plant.clock import to_local
from neofloor.store.engine import Database
from tests.delivery.helpers import YARD_AGENT, cars_in_yard, pass_pdi, read, write


def test_handovers_are_counted_per_shift_and_day_by_financing(db: Database, tmp_path: Path) -> None:
    vins, at = cars_in_yard(db, 3)
    for vin in vins:
        pass_pdi(db, vin, at)
    for vin, paid in zip(vins, ("CAM", "cash", "CAM"), strict=True):
        write(
            db,
            lambda s, vin=vin, paid=paid: deliver_car(
                s, vin, "A. Customer", YARD_AGENT, financing=paid, now=at
            ),
        )
    day = to_local(at, "Africa/Casablanca").date()
    later = at + timedelta(hours=1)
    summary = read(db, lambda s: shift_summary(s, day, "A", now=later))
    assert (summary.deliveries, summary.deliveries_by_financing) == (
        3,
        (("Crédit Agricole du Maroc", 2), ("cash", 1)),
    )
    assert "3 cars handed over to customers (Crédit Agricole du Maroc 2, cash 1)." in render_markdown(summary)
    assert shift_report_data(summary)["deliveries"] == {
        "cars": 3,
        "by_financing": {"Crédit Agricole du Maroc": 2, "cash": 1},
    }
    report = read(db, lambda s: trend(s, day - timedelta(days=1), day, now=later))
    assert [d.deliveries for d in report.days] == [0, 3]
    assert report.total.deliveries == 3
    data = json.loads(render_trend_report(report, "json"))
    assert data["total"]["deliveries_by_financing"] == {"Crédit Agricole du Maroc": 2, "cash": 1}
    assert "Delivered to customers: 3 (Crédit Agricole du Maroc 2, cash 1)." in render_trend_report(report)

    # The spreadsheets: a Deliveries sheet in the handover, a Deliveries column in the trend.
    book = load_workbook(save_xlsx(shift_sheets(summary), tmp_path / "handover.xlsx"))
    sheet = book["Deliveries"]
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [
        ("Crédit Agricole du Maroc", 2),
        ("cash", 1),
        ("Total", 3),
    ]
    assert isinstance(sheet["B4"].value, int)
    trend_sheet = load_workbook(save_xlsx(trend_sheets(report), tmp_path / "trend.xlsx"))["Trend"]
    header = [c.value for c in trend_sheet[1]]
    column = header.index("Deliveries")
    assert [r[column] for r in trend_sheet.iter_rows(min_row=2, values_only=True)] == [0, 3, 3]
