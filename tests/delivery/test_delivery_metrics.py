"""Deliveries per day and per financing partner in the shift summary, the trend and their reports."""

from __future__ import annotations

import json
from datetime import timedelta

from neofloor.reports.shift_data import shift_report_data
from neofloor.reports.shift_markdown import render_markdown
from neofloor.reports.trend_report import render_trend_report
from neofloor.services.delivery.handover import deliver_car
from neofloor.services.metrics.summary import shift_summary
from neofloor.services.metrics.trend import trend
from neofloor.services.plant.clock import to_local
from neofloor.store.engine import Database
from tests.delivery.helpers import YARD_AGENT, cars_in_yard, pass_pdi, read, write


def test_handovers_are_counted_per_shift_and_day_by_financing(db: Database) -> None:
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
