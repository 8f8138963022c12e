"""The serials a station captures: asked for one after another, each part named, before the car completes.

At a station whose plant config captures part serials (the ECU and the airbags at TRIM,
the HV battery or the engine at CHASSIS...), the terminal opens this dialog when a car's
completion was refused for a missing serial (the services' sentence names them). Each part still
needed is named ("Scan the HV battery pack serial"); the scanner types the serial and
Enter records it through the delivery services, which refuse a wrong format or a serial
already on another car (named) in their own sentence. Once every required serial is in,
the dialog closes and answers True, and the terminal completes the car at once. Escape
stops asking: the car cannot complete until they are in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from neofloor.i18n import N_, _
from neofloor.tui.floor import floor_of
from neofloor.tui.writes import NOT_RECORDED, Answer, write_in_worker

if TYPE_CHECKING:
    from textual.app import App

    from neofloor.services.delivery.components import PartAtStation
    from neofloor.tui.dialogs.line_actions import Writer

# The headline of a completion refused for want of serials: the station terminal opens this dialog on it.
SERIALS_NEEDED = N_("✘ SERIALS NEEDED")


def parts_text(parts: list[PartAtStation], current: PartAtStation | None) -> Text:
    """Each part the station captures: its serial when in, the one asked for now marked."""
    lines = Text()
    for number, part in enumerate(parts):
        if number:
            lines.append("\n")
        if part.serial is not None:
            lines.append("✔ ", style="green")
            lines.append(f"{part.name}: ")
            lines.append(part.serial, style="bold")
        elif part is current:
            lines.append("▶ ", style="bold")
            lines.append(_("{part}: scan its serial").format(part=part.name), style="bold reverse")
        else:
            lines.append("· ", style="dim")
            lines.append(
                part.name if part.required else _("{part} (optional)").format(part=part.name), style="dim"
            )
    return lines


class ComponentDialog(ModalScreen[bool]):
    """Asks for each required serial in turn; answers True once none is missing, False on Escape."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "cancel",
            N_("Stop"),
            id="cancel-serials",
            tooltip=N_("Stop asking: the car cannot complete until its serials are in."),
        ),
    ]

    @dataclass
    class PartsRead(Message):
        parts: list[PartAtStation]
        sentence: str = ""

    @dataclass
    class Captured(Message):
        sentence: str
        wrote: bool

    def __init__(self, writer: Writer, vin: str, parts: list[PartAtStation]) -> None:
        super().__init__()
        self.writer = writer
        self.vin = vin
        self.parts = parts

    @property
    def current(self) -> PartAtStation | None:
        """The first required part still without a serial."""
        return next((p for p in self.parts if p.missing), None)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                _("Serials for {vin} at {station}").format(vin=self.vin, station=self.writer.station),
                classes="dialog-title",
            )
            yield Static(parts_text(self.parts, self.current), id="serial-parts")
            yield Input(placeholder=self._placeholder(), id="serial", max_length=64)
            yield Label(
                _("Scan or type the serial, Enter to record it; Escape to stop."), classes="dialog-hint"
            )
            yield Label("", id="serial-answer", classes="dialog-error")

    def _placeholder(self) -> str:
        part = self.current
        return _("Scan the {part} serial").format(part=part.name) if part else _("Every serial is in.")

    def on_mount(self) -> None:
        self.query_one("#serial", Input).focus()

    def _show(self) -> None:
        self.query_one("#serial-parts", Static).update(parts_text(self.parts, self.current))
        self.query_one("#serial", Input).placeholder = self._placeholder()

    @on(Input.Submitted, "#serial")
    def _scanned(self, event: Input.Submitted) -> None:
        part, serial = self.current, event.value.strip()
        event.input.clear()
        if part is None or not serial:
            return
        writer, vin = self.writer, self.vin
        now, terminal = floor_of(self).now(), floor_of(self).terminal

        def unit() -> str:
            from neofloor.services.delivery.components import capture_component

            with writer.database.write() as session:
                result = capture_component(
                    session,
                    vin,
                    part.code,
                    serial,
                    writer.badge,
                    station_code=writer.station,
                    terminal=terminal,
                    now=now,
                )
            return result.message

        def answered(answer: Answer[str]) -> ComponentDialog.Captured:
            if answer.result is None:
                return self.Captured(answer.sentence(_(NOT_RECORDED)), False)
            return self.Captured(answer.result, True)

        write_in_worker(self, unit, answered, group="serial-write")

    def on_component_dialog_captured(self, message: Captured) -> None:
        answer = self.query_one("#serial-answer", Label)
        if not message.wrote:
            answer.update(Text(message.sentence))
            self.app.bell()
            return
        answer.update(Text(message.sentence, style="green"))
        self._read_parts()

    @work(thread=True, exclusive=True, exit_on_error=False, group="serial-read")
    def _read_parts(self) -> None:
        from neofloor.services.delivery.components import parts_at_station

        with self.writer.database.read() as session:
            parts = parts_at_station(session, self.vin, self.writer.station)
        self.post_message(self.PartsRead(parts))

    def on_component_dialog_parts_read(self, message: PartsRead) -> None:
        self.parts = message.parts
        if self.current is None:
            self.dismiss(True)
            return
        self._show()

    def action_cancel(self) -> None:
        self.dismiss(False)


@dataclass
class PartsNeeded(Message):
    """The required serials a car still lacks at the station (empty: none, or the station captures none)."""

    vin: str
    parts: list[PartAtStation]
    complete_after: bool


def read_parts_needed(writer: Writer, vin: str, complete_after: bool) -> PartsNeeded:
    """What the station still needs of the car, read in a worker (the station's parts only)."""
    from neofloor.services.delivery.components import parts_at_station
    from neofloor.services.plant.catalog import plant_catalog
    from neofloor.services.plant.errors import NeofloorError
    from neofloor.services.plant.parts import plant_parts

    parts: list[PartAtStation] = []
    try:
        with writer.database.read() as session:
            # Most stations capture nothing: known from the cached config, without reading the car.
            station = plant_catalog(session).station(writer.station)
            if station.id in plant_parts(session).capturing_station_ids:
                parts = parts_at_station(session, vin, writer.station)
    except NeofloorError:
        parts = []
    if not any(p.missing for p in parts):
        parts = []
    return PartsNeeded(vin, parts, complete_after)


def ask_for_serials(
    app: App[object], writer: Writer, needed: PartsNeeded, complete: Callable[[str], None]
) -> None:
    """Open the dialog for the parts still needed; once all are in, ``complete(vin)`` if it was asked."""

    def closed(done: bool | None) -> None:
        if done and needed.complete_after:
            complete(needed.vin)

    app.push_screen(ComponentDialog(writer, needed.vin, needed.parts), partial(closed))
