"""The spreadsheets' column titles: in English exactly as the sheets always read."""

from __future__ import annotations

import re
from pathlib import Path

from neofloor.i18n import LOCALE_DIR
from neofloor.reports import containment_report, people_sheets, recall_report
from neofloor.reports.xlsx import COLUMN_TITLES, column_titles

PACKAGE = Path(LOCALE_DIR).parent
AREA = ("tui/dialogs", "reports")
FIELDS = re.compile(r"\{[^}]*\}")


def test_sheet_titles_in_english_are_the_csv_names_spelled_out() -> None:
    # The catalog's titles must read exactly as the sheets always did.
    for name, title in COLUMN_TITLES.items():
        assert title == name.replace("_", " ").capitalize()
    columns = (
        *containment_report.COLUMNS,
        *recall_report.STATION_COLUMNS,
        *recall_report.DEFECT_COLUMNS,
        *people_sheets.SKILLS_COLUMNS,
        *people_sheets.AUDIT_COLUMNS,
    )
    assert set(columns) <= set(COLUMN_TITLES)
    assert column_titles(("completed_at", "not_listed")) == ["Completed at", "Not listed"]
