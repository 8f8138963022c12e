"""The dialogs' and reports' French part: complete, well formed, and the English left as it was."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from neofloor.i18n import LOCALE_DIR
from neofloor.reports import containment_report, people_sheets, recall_report
from neofloor.reports.xlsx import COLUMN_TITLES, column_titles
from tests.reports.french import PART

PACKAGE = Path(LOCALE_DIR).parent
AREA = ("tui/dialogs", "reports")
FIELDS = re.compile(r"\{[^}]*\}")


def _part() -> dict[tuple[str | None, str], object]:
    with PART.open("rb") as source:
        catalog = read_po(source)
    assert catalog.num_plurals == 2 and catalog.plural_expr == "(n > 1)"
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog if m.id}


def test_every_message_has_a_french_with_the_same_placeholders() -> None:
    for message in _part().values():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)  # type: ignore[attr-defined]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)  # type: ignore[attr-defined]
        for string in strings:
            assert string.strip(), ids
            assert sorted(FIELDS.findall(string)) == sorted(FIELDS.findall(ids[-1])), (ids, string)


def test_every_message_of_the_dialogs_and_reports_is_in_the_part() -> None:
    known = _part()
    extracted = set()
    for folder in AREA:
        for _file, _line, message, _comments, context in extract_from_dir(PACKAGE / folder):
            first = message if isinstance(message, str) else message[0]
            if first:
                extracted.add((context, first))
    assert extracted - set(known) == set()


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
