"""People's lists as spreadsheets: the skills matrix and the audit trail, the CSV's columns.

Certification days are date cells and audit times date-and-time cells in plant time, so a
shift lead can sort and filter them in a spreadsheet; ``active`` reads yes or no.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from neofloor.i18n import _
from neofloor.reports.xlsx import Sheet, column_titles
from neofloor.services.people.audit import AuditLine
from neofloor.services.people.certifications import CertStatus, SkillsMatrix

SKILLS_COLUMNS = (
    "badge",
    "name",
    "role",
    "active",
    "station",
    "status",
    "certified_on",
    "expires_on",
    "programme",
)
AUDIT_COLUMNS = ("at", "badge", "role", "terminal", "action", "subject", "before", "after")


def changes_text(value: dict[str, Any] | None) -> str:
    """A change as ``key=value, ...`` (empty when there was none)."""
    if not value:
        return ""
    return ", ".join(f"{k}={v}" for k, v in value.items())


def skills_rows(matrix: SkillsMatrix) -> list[list[Any]]:
    """One row per certification held (a station an operator has none for is left out)."""
    return [
        [
            row.badge,
            row.name,
            row.role,
            row.active,
            cell.station,
            str(cell.status),
            cell.certified_on,
            cell.expires_on,
            cell.programme,
        ]
        for row in matrix.rows
        for cell in row.cells
        if cell.status != CertStatus.NONE
    ]


def skills_sheets(matrix: SkillsMatrix) -> list[Sheet]:
    """The skills matrix as one sheet, one row per certification."""
    return [Sheet(_("Skills"), column_titles(SKILLS_COLUMNS), skills_rows(matrix))]


def audit_sheets(lines: Sequence[AuditLine], zone: str) -> list[Sheet]:
    """The audit rows asked for, newest first, their times in plant time."""
    rows = [
        [
            line.at,
            line.badge,
            line.role,
            line.terminal,
            line.action,
            line.subject,
            changes_text(line.before),
            changes_text(line.after),
        ]
        for line in lines
    ]
    return [Sheet(_("Audit"), column_titles(AUDIT_COLUMNS), rows, zone)]
