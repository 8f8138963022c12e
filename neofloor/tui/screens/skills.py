"""The skills matrix: operators × stations, each certification valid, expiring, expired or none.

Read from the people services (``certifications.skills_matrix``: the statuses and the
30-day warning are theirs). Every status is a word or a mark as well as a colour, so the
matrix reads on a monochrome terminal too. Under the matrix, the certification under the
cursor: granted when, until when, from which training programme. Opened by the line's
leaders (Ctrl+Y, or the palette); Escape goes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Static
from textual.worker import get_current_worker

from neofloor.i18n import N_, _, day_month_year_text, ngettext
from neofloor.tui.safe_text import plain
from neofloor.tui.screens.base import FloorScreen
from neofloor.tui.widgets.floor_table import FloorTable
from neofloor.tui.widgets.header import PlantHeader
from neofloor.tui.widgets.key_footer import KeyFooter
from neofloor.tui.widgets.tables import Cell, fill_table

if TYPE_CHECKING:
    from neofloor.services.people.certifications import Certification, SkillsMatrix, SkillsRow
    from neofloor.store.engine import Database

# Each status: its mark in the matrix and its style (the mark says it without the colour).
MARKS = {
    "valid": (N_("ok"), "bold green"),
    "expiring": (N_("⚠ soon"), "bold black on yellow"),
    "expired": (N_("✘ exp"), "bold white on red"),
    "none": ("·", "dim"),
}
LEGEND = N_("ok valid · ⚠ soon: expires within 30 days · ✘ exp: expired · · none")
# The people services' roles as people read them (stored values stay as stored).
ROLE_WORDS = {
    "operator": N_("operator"),
    "inspector": N_("inspector"),
    "supervisor": N_("supervisor"),
    "shift_lead": N_("shift lead"),
    "admin": N_("admin"),
    "station": N_("station"),
}


def role_word(role: str) -> str:
    """A role in the language spoken now (an unknown one with its underscores as spaces)."""
    return _(ROLE_WORDS[role]) if role in ROLE_WORDS else role.replace("_", " ")


def long_day(day: date | None) -> str:
    """5 Dec 2026 (the day without its leading zero), in the language spoken now."""
    return "-" if day is None else day_month_year_text(day).lstrip("0")


def matrix_cell(cert: Certification) -> Text:
    mark, style = MARKS.get(cert.status, (cert.status, ""))
    return Text(_(mark) if mark != "·" else mark, style=style, justify="center")


def certification_text(row: SkillsRow, cert: Certification, today: date) -> Text:
    """The certification under the cursor, in words."""
    text = Text()
    text.append(f"{plain(row.name)} ({row.badge}) · {cert.station}: ", style="bold")
    if cert.status == "none":
        text.append(_("not certified."))
        return text
    text.append(_("certified {day}").format(day=long_day(cert.certified_on)))
    if cert.expires_on is None:
        text.append(_(", no expiry"))
    elif cert.status == "expired":
        text.append(_(", expired on "))
        text.append(long_day(cert.expires_on), style="bold red")
    else:
        left = (cert.expires_on - today).days
        text.append(
            ngettext(
                ", valid until {day} ({left} day left)", ", valid until {day} ({left} days left)", left
            ).format(day=long_day(cert.expires_on), left=left)
        )
    if cert.programme:
        text.append(" · " + _("training: {programme}").format(programme=plain(cert.programme)))
    return text


def needs_attention(row: SkillsRow) -> bool:
    return any(c.status in ("expiring", "expired") for c in row.cells)


class SkillsScreen(FloorScreen):
    """Who is certified for which station, and until when."""

    CSS_PATH = "skills.tcss"
    AUTO_FOCUS = "#skills-matrix"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="skills-back", tooltip=N_("Close the skills matrix.")),
        Binding(
            "slash", "find", N_("Find"), id="skills-find", tooltip=N_("Find an operator by name or badge.")
        ),
        Binding(
            "f2",
            "toggle_attention",
            N_("To renew"),
            id="skills-to-renew",
            tooltip=N_("Only the operators with a certification expiring within 30 days or expired."),
        ),
    ]

    @dataclass
    class Loaded(Message):
        matrix: SkillsMatrix

    def __init__(self) -> None:
        super().__init__()
        self.matrix: SkillsMatrix | None = None
        self.shown: list[SkillsRow] = []
        self.typed = ""
        self.only_attention = False

    def compose(self) -> ComposeResult:
        yield PlantHeader()
        with Horizontal(id="skills-bar"):
            yield Label(_("Skills matrix"), id="skills-title")
            yield Input(placeholder=_("Name or badge (/)"), id="skills-filter", compact=True, max_length=40)
        yield Label(_(LEGEND), id="skills-legend", markup=False)
        yield FloorTable(id="skills-matrix", cursor_type="cell")
        yield Static("", id="skills-detail")
        yield KeyFooter()

    # --- reading ----------------------------------------------------------------

    def reload(self) -> None:
        database = self.floor.database
        if database is not None:
            self._load(database)

    @work(thread=True, exclusive=True, exit_on_error=False, group="skills-load")
    def _load(self, database: Database) -> None:
        from neofloor.services.people.certifications import skills_matrix

        with database.read() as session:
            matrix = skills_matrix(session, now=self.floor.now())
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(matrix))

    def on_skills_screen_loaded(self, message: Loaded) -> None:
        self.loaded_marker = self.floor.marker
        self.matrix = message.matrix
        self._fill()

    def _fill(self) -> None:
        matrix = self.matrix
        if matrix is None:
            return
        wanted = self.typed.strip().casefold()
        self.shown = [
            row
            for row in matrix.rows
            if (not wanted or wanted in row.name.casefold() or row.badge.startswith(wanted))
            and (not self.only_attention or needs_attention(row))
        ]
        labels = (_("Badge"), _("Name"), _("Role"), *matrix.stations)
        rows: list[tuple[Cell, ...]] = [
            (
                row.badge,
                Text(plain(row.name)),
                role_word(row.role),
                *(matrix_cell(cert) for cert in row.cells),
            )
            for row in self.shown
        ]
        table = self.query_one("#skills-matrix", DataTable)
        fill_table(table, labels, rows, [row.badge for row in self.shown])
        if rows and table.cursor_column < 3:
            table.move_cursor(column=3, animate=False)
        self._show_detail()
        self.refresh_bindings()

    # --- the certification under the cursor ------------------------------------------

    @on(DataTable.CellHighlighted, "#skills-matrix")
    def _moved(self, _event: DataTable.CellHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#skills-detail", Static)
        table = self.query_one("#skills-matrix", DataTable)
        if self.matrix is None or not self.shown or table.row_count == 0:
            detail.update(_("Nobody matches.") if self.matrix is not None else "")
            return
        row = self.shown[min(table.cursor_row, len(self.shown) - 1)]
        column = table.cursor_column - 3
        if column < 0:
            valid = sum(1 for c in row.cells if c.status in ("valid", "expiring"))
            detail.update(
                Text(
                    ngettext(
                        "{name} ({badge}): certified for {count} station.",
                        "{name} ({badge}): certified for {count} stations.",
                        valid,
                    ).format(name=plain(row.name), badge=row.badge, count=valid)
                )
            )
            return
        detail.update(certification_text(row, row.cells[column], self.matrix.today))

    # --- filtering ----------------------------------------------------------------

    @on(Input.Changed, "#skills-filter")
    def _typed(self, event: Input.Changed) -> None:
        self.typed = event.value
        self._fill()

    @on(Input.Submitted, "#skills-filter")
    def _done_typing(self, _event: Input.Submitted) -> None:
        self.query_one("#skills-matrix", DataTable).focus()

    def action_find(self) -> None:
        self.query_one("#skills-filter", Input).focus()

    def action_toggle_attention(self) -> None:
        self.only_attention = not self.only_attention
        self._fill()

    def action_back(self) -> None:
        self.dismiss()
