"""Reports made from the services' numbers: the shift handover and the daily trend.

Each report renders one services result (``ShiftSummary``, ``Trend``) as Markdown,
CSV or JSON, so a report always shows the same numbers as the screen that shows
that result. Reports never query the database themselves.

Import from the modules (``neofloor.reports.shift_report`` ...): this package
imports nothing, so the command line can read ``reports.formats`` without
loading the services.
"""

from __future__ import annotations
