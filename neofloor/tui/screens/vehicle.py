"""One car's story: where it is, every event (who, when, where), time at each station, defects.

Opened over the current view from the palette, from a car in a queue or on the
board, or by typing a VIN (or its first or last characters) in its find field.
Escape goes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Footer, Input, Label, Static
from textual.worker import get_current_worker

from neofloor.tui.dialogs.vin_choice import VinChoiceDialog
from neofloor.tui.formatting import day_text, looks_like_vin_fragment, stamp_text, state_words
from neofloor.tui.screens.base import FloorScreen
from neofloor.tui.widgets.header import PlantHeader

if TYPE_CHECKING:
    from neofloor.services.queries import VehicleHistory
    from neofloor.store.engine import Database


class VehicleScreen(FloorScreen):
    """A car's timeline."""

    CSS_PATH = "vehicle.tcss"
    AUTO_FOCUS = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="vehicle-back", tooltip="Close the car's history."),
    ]

    @dataclass
    class Found(Message):
        history: VehicleHistory
        marker: tuple[int, ...]

    @dataclass
    class Matches(Message):
        typed: str
        vins: list[str]

    @dataclass
    class Missing(Message):
        sentence: str

    def __init__(self, vin: str | None = None) -> None:
        super().__init__()
        self.vin = vin
        self.history: VehicleHistory | None = None

    def compose(self) -> ComposeResult:
        yield PlantHeader()
        with Horizontal(id="find-row"):
            yield Label("Find a car", id="find-label")
            yield Input(
                placeholder="VIN, or its first or last 4+ characters, then Enter",
                id="find",
                compact=True,
                max_length=17,
            )
        yield Static("", id="facts")
        yield Static("", id="stays")
        yield Label("Events", id="events-title", classes="section-title")
        yield DataTable(id="events", cursor_type="row")
        yield Label("Defects", id="defects-title", classes="section-title")
        yield DataTable(id="defects", cursor_type="row")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        events = self.query_one("#events", DataTable)
        for label, key in (
            ("When", "at"),
            ("Event", "kind"),
            ("Station", "station"),
            ("Who", "who"),
            ("Terminal", "terminal"),
            ("Note", "note"),
        ):
            events.add_column(label, key=key)
        defects = self.query_one("#defects", DataTable)
        for label, key in (
            ("Code", "code"),
            ("Severity", "severity"),
            ("Status", "status"),
            ("Found", "station"),
            ("When", "at"),
            ("Where and what", "what"),
        ):
            defects.add_column(label, key=key)
        self.query_one("#defects", DataTable).display = False
        if self.vin is None:
            self._say("Type a VIN, or its first or last 4 or more characters, and press Enter.")
            self.query_one("#find", Input).focus()
        else:
            self.query_one("#events", DataTable).focus()

    # --- reading ----------------------------------------------------------------

    def show_car(self, vin: str) -> None:
        """Show another car on this screen."""
        self.vin = vin
        self.loaded_marker = None
        self.query_one("#events", DataTable).focus()
        self.reload()

    def focus_find(self) -> None:
        self.query_one("#find", Input).focus()

    def reload(self) -> None:
        if self.vin and self.floor.database is not None and self.floor.catalog is not None:
            self._load(self.floor.database, self.vin)

    @work(thread=True, exclusive=True, exit_on_error=False, group="vehicle-load")
    def _load(self, database: Database, vin: str) -> None:
        from neofloor.services.errors import NeofloorError
        from neofloor.services.queries import change_marker, vehicle_history

        try:
            with database.read() as session:
                marker = change_marker(session)
                history = vehicle_history(session, vin)
        except NeofloorError as exc:
            self.post_message(self.Missing(str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Found(history, marker))

    @work(thread=True, exclusive=True, exit_on_error=False, group="vehicle-load")
    def _find(self, database: Database, typed: str) -> None:
        from neofloor.services.queries import find_vins

        with database.read() as session:
            vins = find_vins(session, typed)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Matches(typed, vins))

    @on(Input.Submitted, "#find")
    def _typed(self, event: Input.Submitted) -> None:
        typed = event.value.strip().upper()
        if not typed:
            return
        if not looks_like_vin_fragment(typed):
            self.app.bell()
            self._say(f"{typed!r} is not a VIN: type at least 4 of its letters and digits.")
            return
        if self.floor.database is not None:
            self._find(self.floor.database, typed)

    def on_vehicle_screen_matches(self, message: Matches) -> None:
        if not message.vins:
            self.app.bell()
            self._say(f"No car's VIN starts or ends with {message.typed}.")
            return
        self.query_one("#find", Input).clear()
        if len(message.vins) == 1:
            self.show_car(message.vins[0])
            return

        def chosen(vin: str | None) -> None:
            if vin:
                self.show_car(vin)

        self.app.push_screen(VinChoiceDialog(message.typed, message.vins), chosen)

    def on_vehicle_screen_missing(self, message: Missing) -> None:
        self.app.bell()
        self._say(message.sentence)

    def on_vehicle_screen_found(self, message: Found) -> None:
        if self.vin and message.history.car.vin != self.vin.strip().upper():
            return  # an answer for a car no longer asked for
        self.vin = message.history.car.vin
        self.loaded_marker = message.marker
        self.history = message.history
        self._show_history(message.history)

    # --- showing ----------------------------------------------------------------

    def _zone(self) -> str:
        catalog = self.floor.catalog
        return catalog.timezone if catalog else "UTC"

    def _say(self, sentence: str) -> None:
        self.query_one("#facts", Static).update(Text(sentence, style="bold"))

    def _show_history(self, history: VehicleHistory) -> None:
        from neofloor.services.clock import format_duration

        zone = self._zone()
        car = history.car
        facts = Text()
        facts.append(car.vin, style="bold")
        facts.append(f"  #{car.build_seq}  {history.model_name} ({car.model}) · {history.color_name}")
        if car.order_ref:
            facts.append(f" · order {car.order_ref}")
        facts.append("\nState: ", style="dim")
        facts.append(state_words(car.state), style="bold reverse" if car.held else "bold")
        if car.station:
            facts.append(f" at {car.station}")
        if car.held:
            held_at = next((e.at for e in reversed(history.events) if e.kind == "hold"), None)
            facts.append(f" since {stamp_text(held_at, zone)}: ")
            facts.append(car.hold_reason or "", style="bold")
            facts.append(f" · there since {stamp_text(car.since, zone)}")
        else:
            facts.append(f" since {stamp_text(car.since, zone)}")
        facts.append("\nLead time: ", style="dim")
        if history.lead_time_seconds is not None:
            facts.append(format_duration(history.lead_time_seconds))
        elif history.first_start_at is not None:
            so_far = (self.floor.now() - history.first_start_at).total_seconds()
            started = stamp_text(history.first_start_at, zone)
            facts.append(f"{format_duration(so_far)} so far (started {started})")
        else:
            facts.append(f"not started (planned {stamp_text(history.planned_at, zone)})")
        options = ", ".join(o for o in car.options.split(",") if o)
        if options or car.option_notes:
            facts.append("\nOptions: ", style="dim")
            facts.append(options or "none")
            if car.option_notes:
                facts.append(f" · {car.option_notes}")
        self.query_one("#facts", Static).update(facts)

        stays = Text()
        stays.append("Time at each station: ", style="dim")
        if not history.stays:
            stays.append("none yet")
        for number, stay in enumerate(history.stays):
            if number:
                stays.append(" · ", style="dim")
            stays.append(stay.station, style="bold")
            if stay.completed_at is None:
                stays.append(f" since {day_text(stay.started_at, zone)}")
            else:
                stays.append(f" {format_duration(stay.seconds)}")
        self.query_one("#stays", Static).update(stays)

        events = self.query_one("#events", DataTable)
        events.clear()
        for event in history.events:
            events.add_row(
                stamp_text(event.at, zone),
                event.kind.replace("_", " "),
                event.station or "",
                event.operator or "",
                event.terminal,
                event.note,
                key=str(event.id),
            )
        if events.row_count:
            events.move_cursor(row=events.row_count - 1, animate=False)
        self.query_one("#events-title", Label).update(f"Events ({len(history.events)})")

        defects = self.query_one("#defects", DataTable)
        defects.clear()
        for defect in history.defects:
            serious = defect.severity in ("critical", "major") and defect.status in ("open", "repaired")
            defects.add_row(
                defect.code,
                Text(defect.severity, style="bold" if serious else ""),
                defect.status,
                defect.station,
                day_text(defect.found_at, zone),
                f"{defect.zone.replace('_', ' ')}: {defect.description}",
                key=str(defect.id),
            )
        defects.display = bool(history.defects)
        title = f"Defects ({len(history.defects)})" if history.defects else "Defects: none recorded"
        self.query_one("#defects-title", Label).update(title)

    def action_back(self) -> None:
        self.dismiss()
