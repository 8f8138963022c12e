"""The shift handover written from the dashboard: the report on disk, and the sentence about it.

The write runs in the report dialog's worker; nothing here touches a widget.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from neofloor.i18n import _

if TYPE_CHECKING:
    from neofloor.services.metrics.summary import ShiftSummary
    from neofloor.services.plant.shifts import ShiftWindow
    from neofloor.store.engine import Database

FORMAT_NAMES = {"md": "Markdown", "csv": "CSV", "json": "JSON"}


@dataclass(frozen=True)
class ReportWritten:
    """A handover report on disk, and the summary it was made from (the screen shows it too)."""

    path: Path
    fmt: str
    replaced: bool
    summary: ShiftSummary


def write_handover_report(
    database: Database,
    window: ShiftWindow,
    fmt: str,
    target: Path,
    now: datetime,
    reports: Path | None = None,
) -> ReportWritten:
    """Write the shift's report to ``target`` and summarise the shift again, in one read.

    The plant's reports folder (``reports``) is made on its first report; any other folder
    typed must exist already (a typo should not make folders).
    """
    if reports is not None and target.parent == reports:
        reports.mkdir(parents=True, exist_ok=True)
    from neofloor.reports.shift_report import write_shift_report
    from neofloor.services.metrics.summary import summarize_shift

    replaced = target.exists()
    # One read transaction: the report and the screen see the same plant at the same moment.
    with database.read() as session:
        path = write_shift_report(session, window.local_date, window.code, fmt=fmt, out=target, now=now)
        shown = summarize_shift(session, window, now=now)
    return ReportWritten(path.resolve(), fmt, replaced, shown)


def written_sentence(written: ReportWritten) -> str:
    """What the screen says once the report is on disk."""
    fmt = FORMAT_NAMES[written.fmt]
    if written.replaced:
        said = _("{format} handover report written to {path} (the earlier file replaced).")
    else:
        said = _("{format} handover report written to {path}.")
    return said.format(format=fmt, path=written.path)
