"""Reports made from the services' numbers: the shift handover and the daily trend.

Each report renders one services result (``ShiftSummary``, ``Trend``) as Markdown,
CSV or JSON, so a report always shows the same numbers as the screen that shows
that result. Reports never query the database themselves.
"""

from __future__ import annotations

from neofloor.reports.common import REPORT_FORMATS, save_report
from neofloor.reports.shift_report import (
    default_shift_report_name,
    render_shift_report,
    shift_report_data,
    write_shift_report,
)
from neofloor.reports.trend_report import render_trend_report, trend_report_data

__all__ = [
    "REPORT_FORMATS",
    "default_shift_report_name",
    "render_shift_report",
    "render_trend_report",
    "save_report",
    "shift_report_data",
    "trend_report_data",
    "write_shift_report",
]
