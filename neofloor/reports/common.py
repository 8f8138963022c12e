"""What the reports share: formats, how numbers are written for people, writing the file."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from neofloor.i18n import _, decimal_text, percent_text
from neofloor.reports.formats import REPORT_FORMATS
from neofloor.services.metrics.formulas import OeeResult
from neofloor.services.plant.clock import format_duration, to_local
from neofloor.services.plant.errors import InvalidInput
from neofloor.services.plant.text import printable
from neofloor.services.plant.words import defect_status_word as defect_status_word
from neofloor.services.plant.words import severity_word as severity_word
from neofloor.services.plant.words import state_word as state_word

DASH = "–"


def check_format(fmt: str) -> str:
    value = fmt.strip().lower()
    if value == "markdown":
        value = "md"
    if value not in REPORT_FORMATS:
        raise InvalidInput(
            _("Report format {format} is not one of {formats}.").format(
                format=repr(fmt), formats=", ".join(REPORT_FORMATS)
            )
        )
    return value


def percent(ratio: float | None) -> str:
    """0.7273 -> "72.7 %" ("72,7 %" in French); no value -> a dash."""
    return DASH if ratio is None else percent_text(ratio)


def percent_value(ratio: float | None) -> float | None:
    """0.72727 -> 72.73: a ratio as a percentage for CSV, two decimals; no value stays empty."""
    return None if ratio is None else round(ratio * 100, 2)


def oee_factors(result: OeeResult) -> dict[str, float | None]:
    """OEE and its three factors, unrounded, as the JSON reports carry them."""
    return {
        "oee": result.oee,
        "availability": result.availability,
        "performance": result.performance,
        "quality": result.quality,
    }


def number(value: float | None, decimals: int = 1) -> str:
    """A figure for people, in the language's decimal mark; no value -> a dash."""
    return DASH if value is None else decimal_text(value, decimals)


def minutes(value: float | None) -> str:
    """Minutes the way the floor reads them: 45 min, 7.5 min."""
    if value is None:
        return DASH
    if abs(value - round(value)) < 0.05:
        return _("{minutes} min").format(minutes=round(value))
    return _("{minutes} min").format(minutes=decimal_text(value))


def duration(seconds: float | None) -> str:
    return DASH if seconds is None else format_duration(seconds)


def clock(moment: datetime | None, zone: str) -> str:
    """Plant local HH:MM."""
    return DASH if moment is None else to_local(moment, zone).strftime("%H:%M")


def stamp(moment: datetime | None, zone: str) -> str:
    """Plant local date and time."""
    return DASH if moment is None else to_local(moment, zone).strftime("%Y-%m-%d %H:%M")


def iso_local(moment: datetime | None, zone: str) -> str | None:
    """Plant local time with its UTC offset, for machine-readable reports."""
    return None if moment is None else to_local(moment, zone).isoformat()


def rounded(value: float | None, decimals: int = 4) -> float | None:
    return None if value is None else round(value, decimals)


def md_table(header: Sequence[str], rows: Iterable[Sequence[Any]], align: str = "") -> list[str]:
    """A Markdown table; ``align`` has one letter per column, l or r (default l)."""
    marks = [("---:" if a == "r" else "---") for a in align.ljust(len(header), "l")]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    for row in rows:
        lines.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
    return lines


def _md_cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    return out.getvalue()


def save_report(text: str, path: str | os.PathLike[str]) -> Path:
    """Write a report to ``path`` (its folder must exist); returns the path written."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise InvalidInput(_("{path} is a folder; give a file name for the report.").format(path=target))
    if not target.parent.exists():
        raise InvalidInput(
            _("Cannot write {path}: the folder {folder} does not exist.").format(
                path=target, folder=target.parent
            )
        )
    try:
        # Stored text cannot drive the terminal that later shows the file.
        target.write_text(printable(text, multiline=True), encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(
            _("Cannot write {path}: {problem}.").format(path=target, problem=exc.strerror)
        ) from exc
    return target


def yes_no(value: bool) -> str:
    """yes or no, in the language spoken."""
    return _("yes") if value else _("no")
