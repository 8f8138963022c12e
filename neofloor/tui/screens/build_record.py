"""A car's build record on screen: everything about one VIN, scrollable, printable to a file.

Opened with b from the car's history view (or from the palette, typing the VIN). The
record is read in a thread worker and shown as the same Markdown ``neofloor record``
prints, so what is on screen is what is written: p writes it to
``build-record-VIN.md`` in the terminal's working directory (j: as JSON). It reads
again when another terminal writes. Escape goes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Label, Markdown
from textual.worker import get_current_worker

from neofloor.i18n import N_, _
from neofloor.services.plant.words import state_word
from neofloor.tui.screens.base import FloorScreen
from neofloor.tui.widgets.header import PlantHeader
from neofloor.tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from neofloor.services.traceability.build_record import BuildRecord
    from neofloor.store.engine import Database


class BuildRecordScreen(FloorScreen):
    """One car's build record."""

    CSS_PATH = "build_record.tcss"
    AUTO_FOCUS = "#record"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="record-back", tooltip=N_("Close the build record.")),
        Binding(
            "p",
            "print('md')",
            N_("Print to file"),
            id="print-record",
            tooltip=N_("Write the record as Markdown to build-record-VIN.md."),
        ),
        Binding(
            "j",
            "print('json')",
            N_("JSON"),
            id="print-record-json",
            tooltip=N_("Write the record as JSON to build-record-VIN.json."),
        ),
    ]

    @dataclass
    class Read(Message):
        record: BuildRecord | None
        marker: tuple[int, ...] | None
        sentence: str = ""

    @dataclass
    class Printed(Message):
        sentence: str
        ok: bool

    def __init__(self, vin: str, folder: Path | None = None) -> None:
        super().__init__()
        self.vin = vin
        self.folder = folder or Path.cwd()
        self.record: BuildRecord | None = None

    def compose(self) -> ComposeResult:
        yield PlantHeader()
        yield Label(_("Build record of {vin}: reading…").format(vin=self.vin), id="record-title")
        with VerticalScroll(id="record"):
            yield Markdown("", id="record-text")
        yield KeyFooter()

    def reload(self) -> None:
        if self.floor.database is not None and self.floor.catalog is not None:
            self._read(self.floor.database, self.vin, self.floor.now())

    @work(thread=True, exclusive=True, exit_on_error=False, group="record-read")
    def _read(self, database: Database, vin: str, now: datetime) -> None:
        from neofloor.services.plant.errors import NeofloorError
        from neofloor.services.traceability.build_record import build_record
        from neofloor.services.tracking.marker import change_marker

        try:
            with database.read() as session:
                marker = change_marker(session)
                record = build_record(session, vin, now=now)
        except NeofloorError as exc:
            self.post_message(self.Read(None, None, str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Read(record, marker))

    def on_build_record_screen_read(self, message: Read) -> None:
        title = self.query_one("#record-title", Label)
        if message.record is None:
            title.update(Text(message.sentence, style="bold red"))
            self.app.bell()
            return
        from neofloor.reports.build_record import record_markdown

        self.record = message.record
        self.loaded_marker = message.marker
        record = message.record
        state = state_word(record.state)
        title.update(
            _("Build record of {vin} · #{seq} {model} · {state}").format(
                vin=record.vin,
                seq=record.build_seq,
                model=record.model,
                state=state,
            )
        )
        # The title line is the label's; the Markdown starts at the car's facts.
        self.query_one("#record-text", Markdown).update("\n".join(record_markdown(record)[2:]))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "print":
            return True if self.record is not None else None
        return True

    def action_print(self, fmt: str) -> None:
        if self.record is not None:
            self._print(self.record, fmt, self.folder)

    @work(thread=True, exit_on_error=False, group="record-print")
    def _print(self, record: BuildRecord, fmt: str, folder: Path) -> None:
        from neofloor.reports.build_record import render_build_record
        from neofloor.reports.common import save_report
        from neofloor.services.plant.errors import NeofloorError

        target = folder / f"build-record-{record.vin}.{fmt}"
        try:
            path = save_report(render_build_record(record, fmt), target)
        except NeofloorError as exc:
            self.post_message(self.Printed(str(exc), False))
            return
        self.post_message(self.Printed(_("Build record written to {path}.").format(path=path), True))

    def on_build_record_screen_printed(self, message: Printed) -> None:
        self.notify(message.sentence, severity="information" if message.ok else "error", timeout=6)

    def action_back(self) -> None:
        self.dismiss()
