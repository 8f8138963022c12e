"""The pre-delivery inspection of one car: its checklist, each item passed with a key or failed with a defect.

Opened from the yard terminal (F2 on a car). The checklist is the plant config's for the
car's model (lights, paint and panels, interior, tyres, fluids, 12 V and HV charge,
documents and keys). On the item under the cursor: p (or Enter) passes it; f fails it
with a catalog defect, picked by a few letters of its code or description as in the
defect entry; the defect is logged on the item's zone and follows the usual repair and
verification. The verdict (passed only when every item passed and no critical or major
defect is open) and what still stops the handover are the services' words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Label
from textual.worker import get_current_worker

from neofloor.i18n import N_, _
from neofloor.tui.dialogs.defect_pick import DefectPickDialog
from neofloor.tui.floor import floor_of
from neofloor.tui.formatting import stamp_text
from neofloor.tui.screens.base import FloorScreen
from neofloor.tui.widgets.floor_table import FloorTable
from neofloor.tui.widgets.header import PlantHeader
from neofloor.tui.widgets.key_footer import KeyFooter
from neofloor.tui.widgets.last_result import LastResult, Outcome
from neofloor.tui.writes import NOT_RECORDED, Answer, write_in_worker

if TYPE_CHECKING:
    from neofloor.services.delivery.pdi import PdiCheckResult, PdiItemResult, PdiStatus
    from neofloor.services.quality import CatalogEntry
    from neofloor.store.engine import Database

RESULT_STYLES = {"passed": "green", "failed": "bold red", "to check": "dim"}
STATUS_STYLES = {"passed": "bold green", "failed": "bold red"}
# The services' words for an item's result and a car's PDI status, as people read them.
PDI_WORDS = {
    "passed": N_("passed"),
    "failed": N_("failed"),
    "to check": N_("to check"),
    "not started": N_("not started"),
    "in progress": N_("in progress"),
}


def pdi_word(word: str) -> str:
    """A PDI result or status in the language spoken now (an unknown word as it is)."""
    return _(PDI_WORDS[word]) if word in PDI_WORDS else word


def item_cells(item: PdiItemResult, zone: str) -> tuple[str | Text, ...]:
    return (
        item.name,
        Text(pdi_word(item.result), style=RESULT_STYLES.get(item.result, "")),
        item.defect_code or "",
        item.by or "",
        stamp_text(item.at, zone) if item.at else "",
    )


class PdiScreen(FloorScreen):
    """One car's checklist, passed or failed item by item."""

    CSS_PATH = "pdi.tcss"
    AUTO_FOCUS = "#pdi-items"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="pdi-back", tooltip=N_("Back to the yard.")),
        Binding(
            "p", "check(True)", N_("Pass"), id="pdi-pass", tooltip=N_("The item under the cursor passed.")
        ),
        Binding("f", "fail", N_("Fail"), id="pdi-fail", tooltip=N_("The item failed: log the defect found.")),
    ]

    @dataclass
    class Read(Message):
        status: PdiStatus | None
        catalog: list[CatalogEntry]
        marker: tuple[int, ...] | None
        sentence: str = ""

    @dataclass
    class Checked(Message):
        outcome: Outcome
        wrote: bool

    def __init__(self, vin: str) -> None:
        super().__init__()
        self.vin = vin
        self.status: PdiStatus | None = None
        self.defect_catalog: list[CatalogEntry] = []
        self._move_on = False

    def compose(self) -> ComposeResult:
        yield PlantHeader()
        yield Label(_("Pre-delivery inspection of {vin}: reading…").format(vin=self.vin), id="pdi-title")
        yield FloorTable(id="pdi-items", cursor_type="row")
        yield Label("", id="pdi-blocking")
        yield LastResult(id="pdi-result")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#pdi-items", DataTable)
        for label, key in (
            (_("Item"), "item"),
            (_("Result"), "result"),
            (_("Defect"), "defect"),
            (_("By"), "by"),
            (_("When"), "at"),
        ):
            table.add_column(label, key=key)
        self.query_one("#pdi-result", LastResult).outcome = Outcome(
            "ready", _("p passes the item under the cursor, f fails it with a defect.")
        )

    def reload(self) -> None:
        if self.floor.database is not None and self.floor.catalog is not None:
            self._read(self.floor.database, self.vin)

    @work(thread=True, exclusive=True, exit_on_error=False, group="pdi-read")
    def _read(self, database: Database, vin: str) -> None:
        from neofloor.services.delivery.pdi import pdi_status
        from neofloor.services.plant.errors import NeofloorError
        from neofloor.services.quality import catalog_entries
        from neofloor.services.tracking.marker import change_marker

        try:
            with database.read() as session:
                marker = change_marker(session)
                status = pdi_status(session, vin)
                entries = catalog_entries(session)
        except NeofloorError as exc:
            self.post_message(self.Read(None, [], None, str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Read(status, entries, marker))

    def on_pdi_screen_read(self, message: Read) -> None:
        title = self.query_one("#pdi-title", Label)
        if message.status is None:
            title.update(Text(message.sentence, style="bold red"))
            self.app.bell()
            return
        self.loaded_marker = message.marker
        self.status, self.defect_catalog = message.status, message.catalog
        status = message.status
        table = self.query_one("#pdi-items", DataTable)
        row = table.cursor_row
        table.clear()
        zone = self.floor.catalog.timezone if self.floor.catalog else "UTC"
        for item in status.items:
            table.add_row(*item_cells(item, zone), key=item.code)
        if table.row_count:
            # After a check the cursor moves on to the next item still to check; otherwise it stays.
            to_check = [i for i, item in enumerate(status.items) if item.passed is None]
            target = row
            if self._move_on:
                target = next((i for i in to_check if i > row), to_check[0] if to_check else row)
            self._move_on = False
            table.move_cursor(row=min(target, table.row_count - 1), animate=False)
        headline = Text(
            _("PDI of {vin} ({model}): ").format(vin=status.vin, model=status.model), style="bold"
        )
        headline.append(pdi_word(status.status), style=STATUS_STYLES.get(status.status, "bold"))
        if not status.in_yard:
            headline.append(" · " + _("not in the yard"), style="bold red")
        title.update(headline)
        blocking = self.query_one("#pdi-blocking", Label)
        blocking.update(
            Text(
                _("Stops the handover: {reasons}").format(reasons="; ".join(status.blocking)),
                style="bold red",
            )
            if status.blocking
            else ""
        )
        blocking.display = bool(status.blocking)
        self.refresh_bindings()

    def selected_item(self) -> PdiItemResult | None:
        table = self.query_one("#pdi-items", DataTable)
        if self.status is None or table.row_count == 0:
            return None
        return self.status.items[min(table.cursor_row, len(self.status.items) - 1)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("check", "fail"):
            return True if self.selected_item() is not None else None
        return True

    @on(DataTable.RowSelected, "#pdi-items")
    def _enter(self, _event: DataTable.RowSelected) -> None:
        """Enter passes the item, as p does (a scanner's Enter on a checklist)."""
        self.action_check(True)

    def action_check(self, passed: bool) -> None:
        item = self.selected_item()
        if item is not None:
            self._write(item.code, passed, None)

    def action_fail(self) -> None:
        item = self.selected_item()
        if item is None:
            return

        def chosen(code: str | None) -> None:
            if code is not None:
                self._write(item.code, False, code)

        self.app.push_screen(
            DefectPickDialog(_("{item} failed: which defect?").format(item=item.name), self.defect_catalog),
            chosen,
        )

    def _write(self, item: str, passed: bool, defect: str | None) -> None:
        floor = self.floor
        database, operator = floor.database, floor.operator
        if database is None or operator is None:
            self._answer(
                Outcome("refused", floor.problem or _("Nobody is signed in: press F8 and sign in first."))
            )
            return
        vin, badge, terminal, now = self.vin, operator.badge, floor.terminal, floor.now()

        def unit() -> PdiCheckResult:
            from neofloor.services.delivery.pdi import check_pdi_item

            with database.write() as session:
                return check_pdi_item(
                    session, vin, item, badge, passed=passed, defect_code=defect, terminal=terminal, now=now
                )

        def answer(reply: Answer[PdiCheckResult]) -> PdiScreen.Checked:
            if reply.result is None:
                return self.Checked(Outcome("refused", reply.sentence(NOT_RECORDED)), False)
            headline = _("✔ PASSED") if passed else _("✘ FAILED, DEFECT LOGGED")
            return self.Checked(Outcome("done", reply.result.message, headline), True)

        write_in_worker(self, unit, answer, group="pdi-write")

    def on_pdi_screen_checked(self, message: Checked) -> None:
        self._answer(message.outcome)
        if message.wrote:
            self._move_on = True
            self.reload()
            floor_of(self).check_for_changes()

    def _answer(self, outcome: Outcome) -> None:
        self.query_one("#pdi-result", LastResult).outcome = outcome
        if outcome.kind == "refused":
            self.app.bell()

    def action_back(self) -> None:
        self.dismiss()
