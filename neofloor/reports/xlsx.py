"""Spreadsheets: every list and report that has CSV also as an ``.xlsx`` workbook (openpyxl).

A workbook is a few :class:`Sheet` s, each a header and rows of Python values; the
value's type decides the cell: numbers stay numbers, times become Excel dates in plant
local time (naive, as Excel wants them), :class:`~datetime.timedelta` a duration
(``[h]:mm:ss``), :class:`Ratio` a percentage. Every sheet gets a bold header row,
frozen, with a filter, and columns as wide as what they hold. Text that would read as
a formula is stored as text.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from neofloor.i18n import N_, _
from neofloor.services.plant.clock import to_local
from neofloor.services.plant.errors import InvalidInput

XLSX = "xlsx"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
DURATION_FORMAT = "[h]:mm:ss"
PERCENT_FORMAT = "0.0%"
NUMBER_FORMAT = "0.00"
# Column widths, in characters: never narrower than a short word, never wider than a note.
MIN_WIDTH, MAX_WIDTH = 6, 60
# What Excel refuses in a sheet's name, and how long a name may be.
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31
# A programming slip, never a person's: an aware time needs the sheet's plant zone.
NO_ZONE = "an aware time in a sheet without a zone"
# The titles of the CSV columns the reports' sheets carry, for the catalog: each is the column's
# name spelled out ("completed_at" -> "Completed at"), which is also what a name not listed reads.
COLUMN_TITLES = {
    "build_seq": N_("Build seq"),
    "vin": N_("Vin"),
    "model": N_("Model"),
    "state": N_("State"),
    "station": N_("Station"),
    "where": N_("Where"),
    "held": N_("Held"),
    "completed_at": N_("Completed at"),
    "defect_ids": N_("Defect ids"),
    "parts": N_("Parts"),
    "delivered_at": N_("Delivered at"),
    "customer": N_("Customer"),
    "financing_partner": N_("Financing partner"),
    "defect_id": N_("Defect id"),
    "defect_status": N_("Defect status"),
    "severity": N_("Severity"),
    "zone": N_("Zone"),
    "found_at": N_("Found at"),
    "badge": N_("Badge"),
    "name": N_("Name"),
    "role": N_("Role"),
    "active": N_("Active"),
    "status": N_("Status"),
    "certified_on": N_("Certified on"),
    "expires_on": N_("Expires on"),
    "programme": N_("Programme"),
    "at": N_("At"),
    "terminal": N_("Terminal"),
    "action": N_("Action"),
    "subject": N_("Subject"),
    "before": N_("Before"),
    "after": N_("After"),
}


@dataclass(frozen=True)
class Ratio:
    """A share (0.727): written as a number with a percentage format (72.7 %)."""

    value: float


@dataclass(frozen=True)
class Sheet:
    """One sheet: a name, its header, its rows; ``zone`` turns aware times into plant local time.

    ``formats`` gives a number format by column title, for numbers that need another than
    the default (whole numbers for counts, one decimal for minutes...).
    """

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]
    zone: str | None = None
    formats: dict[str, str] = field(default_factory=dict)


def column_titles(columns: Sequence[str]) -> list[str]:
    """A sheet's header from the CSV's column names: ``completed_at`` reads "Completed at" (in the
    language spoken; the CSV keeps its names)."""
    return [_(COLUMN_TITLES.get(c) or c.replace("_", " ").capitalize()) for c in columns]


def sheet_name(name: str) -> str:
    """A name Excel accepts: no []:*?/\\, at most 31 characters, not empty."""
    cleaned = _SHEET_NAME_BAD.sub("-", name).strip("'").strip() or _("Sheet")
    return cleaned[:SHEET_NAME_MAX]


def _cell_value(value: Any, zone: str | None) -> tuple[Any, str | None]:
    """The value a cell holds and its number format (None: Excel's general)."""
    if value is None:
        return None, None
    if isinstance(value, Ratio):
        return value.value, PERCENT_FORMAT
    if isinstance(value, bool):
        return (_("yes") if value else _("no")), None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            if zone is None:
                raise ValueError(NO_ZONE)
            value = to_local(value, zone)
        return value.replace(tzinfo=None), DATETIME_FORMAT
    if isinstance(value, date):
        return value, DATE_FORMAT
    if isinstance(value, timedelta):
        return value, DURATION_FORMAT
    if isinstance(value, int):
        return value, None
    if isinstance(value, float):
        return value, NUMBER_FORMAT
    return ILLEGAL_CHARACTERS_RE.sub("", str(value)), None


def _shown_width(value: Any, number_format: str | None) -> int:
    """About how many characters the cell shows."""
    if value is None:
        return 0
    if number_format == DATETIME_FORMAT:
        return len("2026-01-01 00:00")
    if number_format == DATE_FORMAT:
        return len("2026-01-01")
    if number_format == DURATION_FORMAT:
        return len("000:00:00")
    if number_format == PERCENT_FORMAT:
        return len("100.0%")
    if isinstance(value, float):
        return len(f"{value:.2f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def _cells(sheet: Sheet) -> tuple[list[list[tuple[Any, str | None]]], list[int]]:
    """Each row's cell values with their number formats, and the width each column needs."""
    widths = [len(title) for title in sheet.header]
    rows: list[list[tuple[Any, str | None]]] = []
    for row in sheet.rows:
        cells: list[tuple[Any, str | None]] = []
        for column, raw in enumerate(row):
            value, fmt = _cell_value(raw, sheet.zone)
            if type(raw) in (int, float):
                fmt = sheet.formats.get(sheet.header[column], fmt)
            cells.append((value, fmt))
            widths[column] = max(widths[column], _shown_width(value, fmt))
        rows.append(cells)
    return rows, widths


def workbook(sheets: Sequence[Sheet]) -> Workbook:
    """The workbook of these sheets, in order (streamed: a sheet of 100,000 rows takes seconds)."""
    book = Workbook(write_only=True)
    used: set[str] = set()
    bold = Font(bold=True)
    for sheet in sheets:
        name = sheet_name(sheet.name)
        while name.lower() in used:
            name = sheet_name(f"{name[: SHEET_NAME_MAX - 2]} 2")
        used.add(name.lower())
        page = book.create_sheet(name)
        rows, widths = _cells(sheet)
        # A streamed sheet takes its column widths, frozen row and filter before its rows.
        for column, width in enumerate(widths, 1):
            page.column_dimensions[get_column_letter(column)].width = min(
                MAX_WIDTH, max(MIN_WIDTH, width + 2)
            )
        page.freeze_panes = "A2"
        if sheet.header:
            page.auto_filter.ref = f"A1:{get_column_letter(len(sheet.header))}{len(rows) + 1}"
        header = []
        for title in sheet.header:
            cell = WriteOnlyCell(page, value=title)
            cell.font = bold
            cell.data_type = "s"
            header.append(cell)
        page.append(header)
        for cells in rows:
            line = []
            for value, fmt in cells:
                cell = WriteOnlyCell(page, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text, even when it starts with "=": never a formula
                if fmt is not None:
                    cell.number_format = fmt
                line.append(cell)
            page.append(line)
    return book


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    out = io.BytesIO()
    workbook(sheets).save(out)
    return out.getvalue()


def save_xlsx(sheets: Sequence[Sheet], path: str | os.PathLike[str]) -> Path:
    """Write the workbook to ``path`` (its folder must exist); returns the path written."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise InvalidInput(_("{path} is a folder; give a file name for the spreadsheet.").format(path=target))
    if not target.parent.exists():
        raise InvalidInput(
            _("Cannot write {path}: the folder {folder} does not exist.").format(
                path=target, folder=target.parent
            )
        )
    data = xlsx_bytes(sheets)
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(
            _("Cannot write {path}: {problem}.").format(path=target, problem=exc.strerror)
        ) from exc
    return target


def needs_out(out: str | None) -> None:
    """A workbook is a file: refuse to print one on a terminal."""
    if not out:
        raise InvalidInput(
            _("An .xlsx spreadsheet is a file, not text: give --out FILE.xlsx with --format xlsx.")
        )
