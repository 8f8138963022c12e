"""The shift handover report: one shift's numbers and open issues, as Markdown, CSV or JSON.

Made from a :class:`ShiftSummary` only, so the report and the dashboard (which shows
the same summary) cannot disagree. JSON carries the summary's numbers unrounded;
Markdown and CSV round them for people.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session

from neofloor.reports.common import check_format, save_report
from neofloor.reports.shift_csv import render_csv
from neofloor.reports.shift_data import shift_report_data
from neofloor.reports.shift_markdown import render_markdown
from neofloor.services.metrics.summary import ShiftSummary, shift_summary
from neofloor.services.plant.report_files import report_path

__all__ = ["default_shift_report_name", "render_shift_report", "shift_report_data", "write_shift_report"]


def default_shift_report_name(summary: ShiftSummary, fmt: str) -> str:
    """handover-2026-11-26-A.md: the file name the dashboard offers (``.xlsx`` for a spreadsheet)."""
    kind = fmt if fmt == "xlsx" else check_format(fmt)
    return f"handover-{summary.window.local_date.isoformat()}-{summary.window.code}.{kind}"


def render_shift_report(summary: ShiftSummary, fmt: str = "md") -> str:
    """The handover report of a summary, as ``md``, ``csv`` or ``json`` text."""
    kind = check_format(fmt)
    if kind == "json":
        return json.dumps(shift_report_data(summary), indent=2, ensure_ascii=False) + "\n"
    if kind == "csv":
        return render_csv(summary)
    return render_markdown(summary)


def write_shift_report(
    session: Session,
    local_date: date,
    shift_code: str,
    *,
    fmt: str = "md",
    out: str | os.PathLike[str] | None = None,
    now: datetime | None = None,
) -> Path:
    """Summarize the shift and write its handover report; returns the full path of the file written.

    With no ``out``, the file is ``handover-<date>-<shift>.<fmt>`` in the plant's reports folder
    (created when missing; see :mod:`neofloor.services.plant.report_files`).
    """
    kind = check_format(fmt)
    summary = shift_summary(session, local_date, shift_code, now=now)
    if out is None:
        target = report_path(session, default_shift_report_name(summary, kind))
        target.parent.mkdir(parents=True, exist_ok=True)
    else:
        target = Path(out)
    return save_report(render_shift_report(summary, kind), target).resolve()
