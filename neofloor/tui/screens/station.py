"""The station terminal: scan a car in or out, see it, its instructions and the queue.

The scan field keeps the focus, so a barcode scanner typing a VIN and Enter
starts the car (or completes it when it is already in the station). Every other
action is a function key, which a scanner never types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Input, Label
from textual.worker import get_current_worker

from neofloor.tui.dialogs.note import NoteDialog
from neofloor.tui.formatting import hour_text, state_words
from neofloor.tui.messages import VehicleRequested
from neofloor.tui.screens.base import FloorScreen
from neofloor.tui.widgets.car_card import CarCard
from neofloor.tui.widgets.header import PlantHeader
from neofloor.tui.widgets.last_result import LastResult, Outcome
from neofloor.tui.widgets.recent_results import RecentResults

if TYPE_CHECKING:
    from neofloor.services.queries import CarSummary
    from neofloor.store.engine import Database

# How many waiting cars one page of the queue shows; PgUp/PgDn turn the pages.
QUEUE_PAGE = 50

InstructionKey = tuple[str, str]  # (model code, options)


@dataclass(frozen=True)
class Writer:
    """Everything a write from this terminal needs, taken on the UI thread."""

    database: Database
    station: str
    badge: str
    terminal: str
    now: datetime


class StationScreen(FloorScreen):
    """One station's terminal."""

    CSS_PATH = "station.tcss"
    AUTO_FOCUS = "#scan"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "hold", "Hold", id="hold-car", tooltip="Hold the selected car, with a reason."),
        Binding("f3", "release", "Release", id="release-car", tooltip="Release the selected held car."),
        Binding("f4", "history", "History", id="car-history", tooltip="Open the selected car's history."),
        Binding(
            "up", "select(-1)", "Previous car", id="previous-car", show=False, tooltip="Select the car above."
        ),
        Binding("down", "select(1)", "Next car", id="next-car", show=False, tooltip="Select the car below."),
        Binding(
            "pageup",
            "queue_page(-1)",
            "Earlier cars",
            id="queue-page-up",
            show=False,
            tooltip="The previous page of a long queue.",
        ),
        Binding(
            "pagedown",
            "queue_page(1)",
            "Later cars",
            id="queue-page-down",
            show=False,
            tooltip="The next page of a long queue.",
        ),
    ]

    @dataclass
    class Loaded(Message):
        """The station's cars, read at one change marker."""

        station: str
        inside: list[CarSummary]
        queue: list[CarSummary]
        queue_offset: int
        waiting_count: int
        held_count: int
        marker: tuple[int, ...]
        instructions: dict[InstructionKey, list[str]] = field(default_factory=dict)

    @dataclass
    class Answered(Message):
        """A scan, hold or release came back: what to show, and the car to select."""

        outcome: Outcome
        vin: str | None = None
        wrote: bool = False

    def __init__(self) -> None:
        super().__init__()
        self.inside: list[CarSummary] = []
        self.queue: list[CarSummary] = []
        self.queue_offset = 0
        self.waiting_count = 0
        self.held_count = 0
        self.instructions: dict[InstructionKey, list[str]] = {}
        self._select_after_load: str | None = None

    def compose(self) -> ComposeResult:
        yield PlantHeader()
        with Vertical(id="station-body"):
            scan = Input(placeholder="Scan or type a VIN, then Enter", id="scan", max_length=40)
            scan.border_title = "Scan"
            yield scan
            yield LastResult(id="last-result")
            with Horizontal(id="station-work"):
                with Vertical(id="car-side"):
                    yield CarCard(id="car")
                    yield RecentResults(id="recent")
                with Vertical(id="queue"):
                    yield Label("", id="queue-title")
                    yield DataTable(id="cars", cursor_type="row")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#cars", DataTable)
        table.can_focus = False
        table.add_column("Seq", key="seq")
        table.add_column("VIN", key="vin")
        table.add_column("Model", key="model")
        table.add_column("Colour", key="color")
        table.add_column("Status", key="status")
        self.watch(self.floor, "station", self._station_changed, init=False)
        self.watch(self.floor, "problem", self._show_problem)
        self._show_no_station()

    # --- reading ----------------------------------------------------------------

    def reload(self) -> None:
        database, station = self.floor.database, self.floor.station
        if database is None or self.floor.catalog is None:
            return
        if station is None:
            self._show_no_station()
            return
        self._load(database, station, self.queue_offset, frozenset(self.instructions))

    @work(thread=True, exclusive=True, exit_on_error=False, group="station-load")
    def _load(self, database: Database, station: str, offset: int, known: frozenset[InstructionKey]) -> None:
        from neofloor.services.queries import (
            cars_in_station,
            change_marker,
            station_queue,
            wip_per_station,
            work_instructions,
        )

        with database.read() as session:
            # Read the marker first: a write after it is caught by the next poll.
            marker = change_marker(session)
            inside = cars_in_station(session, station)
            queue = station_queue(session, station, limit=QUEUE_PAGE, offset=offset)
            _in, waiting, held = wip_per_station(session).get(station, (0, 0, 0))
            instructions: dict[InstructionKey, list[str]] = {}
            for car in (*inside, *queue):
                key = (car.model, car.options)
                if key not in known and key not in instructions:
                    instructions[key] = work_instructions(session, station, car.model, car.options)
        if not get_current_worker().is_cancelled:
            loaded = self.Loaded(station, inside, queue, offset, waiting, held, marker, instructions)
            self.post_message(loaded)

    def on_station_screen_loaded(self, message: Loaded) -> None:
        if message.station != self.floor.station:
            return
        self.loaded_marker = message.marker
        self.instructions.update(message.instructions)
        self.inside, self.queue = message.inside, message.queue
        self.queue_offset, self.waiting_count, self.held_count = (
            message.queue_offset,
            message.waiting_count,
            message.held_count,
        )
        self._fill_table()

    def _fill_table(self) -> None:
        table = self.query_one("#cars", DataTable)
        keep = self._select_after_load or self.selected_vin()
        self._select_after_load = None
        table.clear()
        for car in self.inside:
            status = Text("▶ in station", style="bold")
            if car.held:
                status = Text(f"HELD in station: {car.hold_reason}", style="bold reverse")
            table.add_row(*self._cells(car), status, key=car.vin)
        for number, car in enumerate(self.queue, start=self.queue_offset + 1):
            if car.held:
                status = Text(f"HELD: {car.hold_reason}", style="bold reverse")
            elif number == 1:
                status = Text("next", style="bold")
            else:
                status = Text(state_words(car.state))
            table.add_row(*self._cells(car), status, key=car.vin)
        vins = [c.vin for c in (*self.inside, *self.queue)]
        if keep in vins:
            table.move_cursor(row=vins.index(keep), animate=False)
        self._show_title()
        self._show_selected()

    @staticmethod
    def _cells(car: CarSummary) -> tuple[str, str, str, str]:
        return (str(car.build_seq), car.vin, car.model, car.color)

    def _show_title(self) -> None:
        station = self.floor.station or ""
        parts = [f"{station}: {len(self.inside)} in station", f"{self.waiting_count} waiting"]
        if self.held_count:
            parts.append(f"{self.held_count} held")
        if self.waiting_count > QUEUE_PAGE:
            last = min(self.queue_offset + QUEUE_PAGE, self.waiting_count)
            parts.append(f"queue {self.queue_offset + 1}-{last} (PgUp/PgDn)")
        self.query_one("#queue-title", Label).update(" · ".join(parts))

    def selected_car(self) -> CarSummary | None:
        table = self.query_one("#cars", DataTable)
        cars = [*self.inside, *self.queue]
        if not cars or table.row_count == 0:
            return None
        return cars[min(table.cursor_row, len(cars) - 1)]

    def selected_vin(self) -> str | None:
        car = self.selected_car()
        return car.vin if car else None

    @on(DataTable.RowHighlighted, "#cars")
    def _car_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        card = self.query_one("#car", CarCard)
        car = self.selected_car()
        station = self.floor.station or ""
        if car is None:
            card.show_nothing("In station", f"No car in {station} and none waiting.")
            return
        if car in self.inside:
            where = "In station"
        else:
            position = self.queue_offset + self.queue.index(car) + 1
            where = "Next in queue" if position == 1 else f"Waiting, number {position} in the queue"
        card.show_car(car, where, self.instructions.get((car.model, car.options), []))

    def _show_no_station(self) -> None:
        self.inside, self.queue = [], []
        self.query_one("#cars", DataTable).clear()
        self.query_one("#queue-title", Label).update("")
        self.query_one("#car", CarCard).show_nothing(
            "No station", "This terminal is not bound to a station: press F9 to choose one."
        )

    def _station_changed(self, _station: str | None) -> None:
        self.queue_offset = 0
        self.instructions.clear()
        self.loaded_marker = None
        self.query_one("#last-result", LastResult).outcome = Outcome("ready", "Scan a car's VIN.")
        self.reload()

    def _show_problem(self, problem: str) -> None:
        if problem:
            self.query_one("#last-result", LastResult).outcome = Outcome("refused", problem, "✘ NO DATABASE")

    # --- writing ----------------------------------------------------------------

    def _writer(self) -> Writer | None:
        """Who writes, where, with what; or show why nothing can be written."""
        floor = self.floor
        refusal = ""
        if floor.database is None:
            refusal = floor.problem or "The plant database is not open yet."
        elif floor.station is None:
            refusal = "This terminal has no station: press F9 to choose one."
        elif floor.operator is None:
            refusal = "Nobody is signed in: press F8 and sign in first."
        if refusal or floor.database is None or floor.station is None or floor.operator is None:
            self._answer(Outcome("refused", refusal))
            return None
        return Writer(floor.database, floor.station, floor.operator.badge, floor.terminal, floor.now())

    @on(Input.Submitted, "#scan")
    def _scanned(self, event: Input.Submitted) -> None:
        raw = event.value.strip()
        event.input.clear()
        if not raw:
            return
        writer = self._writer()
        if writer is not None:
            self._record_scan(writer, raw)

    @work(thread=True, exit_on_error=False, group="station-write")
    def _record_scan(self, writer: Writer, raw_vin: str) -> None:
        """Not exclusive: a scan already sent must still show its result."""
        from neofloor.services.errors import DoubleScan, NeofloorError
        from neofloor.services.tracking import record_scan

        try:
            with writer.database.write() as session:
                result = record_scan(
                    session, writer.station, raw_vin, writer.badge, writer.terminal, now=writer.now
                )
        except DoubleScan as exc:
            self.post_message(self.Answered(Outcome("ignored", str(exc), "IGNORED: DOUBLE SCAN")))
        except NeofloorError as exc:
            self.post_message(self.Answered(Outcome("refused", str(exc))))
        except Exception as exc:
            self.post_message(self.Answered(_not_recorded(exc)))
            raise
        else:
            headline = f"✔ {result.action.replace('_', ' ').upper()}"
            self.post_message(self.Answered(Outcome("done", result.message, headline), result.vin, True))

    def action_hold(self) -> None:
        car = self.selected_car()
        if car is None:
            self._answer(Outcome("refused", "No car selected: choose one with ↑ ↓."))
            return
        if self._writer() is None:
            return

        def hold(reason: str | None) -> None:
            writer = self._writer()
            if reason and writer is not None:
                self._hold(writer, car.vin, reason)

        self.app.push_screen(
            NoteDialog(f"Hold {car.vin}", _describe(car), "Reason for the hold", required=True), hold
        )

    def action_release(self) -> None:
        car = self.selected_car()
        if car is None:
            self._answer(Outcome("refused", "No car selected: choose one with ↑ ↓."))
            return
        if self._writer() is None:
            return

        def release(note: str | None) -> None:
            writer = self._writer()
            if note is not None and writer is not None:
                self._release(writer, car.vin, note)

        self.app.push_screen(
            NoteDialog(f"Release {car.vin}", _describe(car), "Note (optional)", required=False), release
        )

    @work(thread=True, exit_on_error=False, group="station-write")
    def _hold(self, writer: Writer, vin: str, reason: str) -> None:
        from neofloor.services.errors import NeofloorError
        from neofloor.services.tracking import hold_vehicle

        try:
            with writer.database.write() as session:
                result = hold_vehicle(session, vin, reason, writer.badge, writer.terminal, now=writer.now)
        except NeofloorError as exc:
            self.post_message(self.Answered(Outcome("refused", str(exc))))
        except Exception as exc:
            self.post_message(self.Answered(_not_recorded(exc)))
            raise
        else:
            self.post_message(self.Answered(Outcome("done", result.message, "✔ HELD"), vin, True))

    @work(thread=True, exit_on_error=False, group="station-write")
    def _release(self, writer: Writer, vin: str, note: str) -> None:
        from neofloor.services.errors import NeofloorError
        from neofloor.services.tracking import release_vehicle

        try:
            with writer.database.write() as session:
                result = release_vehicle(session, vin, writer.badge, note, writer.terminal, now=writer.now)
        except NeofloorError as exc:
            self.post_message(self.Answered(Outcome("refused", str(exc))))
        except Exception as exc:
            self.post_message(self.Answered(_not_recorded(exc)))
            raise
        else:
            self.post_message(self.Answered(Outcome("done", result.message, "✔ RELEASED"), vin, True))

    def on_station_screen_answered(self, message: Answered) -> None:
        self._answer(message.outcome)
        if message.wrote:
            self._select_after_load = message.vin
            self.reload()
            self.floor.check_for_changes()

    def _answer(self, outcome: Outcome) -> None:
        self.query_one("#last-result", LastResult).outcome = outcome
        catalog = self.floor.catalog
        at = hour_text(self.floor.now(), catalog.timezone) if catalog else ""
        self.query_one("#recent", RecentResults).add(at, outcome)
        if outcome.kind == "refused":
            self.app.bell()

    # --- moving around ----------------------------------------------------------

    def action_select(self, step: int) -> None:
        table = self.query_one("#cars", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    def action_queue_page(self, step: int) -> None:
        offset = self.queue_offset + step * QUEUE_PAGE
        if 0 <= offset < max(self.waiting_count, 1):
            self.queue_offset = offset
            self.reload()

    def action_history(self) -> None:
        vin = self.selected_vin()
        if vin is None:
            self._answer(Outcome("refused", "No car selected: choose one with ↑ ↓."))
            return
        self.post_message(VehicleRequested(vin))

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        """Back from a dialog or another view: the scan field has the focus again."""
        self.query_one("#scan", Input).focus()


def _describe(car: CarSummary) -> str:
    held = f" · held: {car.hold_reason}" if car.held else ""
    return f"#{car.build_seq} · {car.model_name} · {car.color} · {state_words(car.state)}{held}"


def _not_recorded(error: Exception) -> Outcome:
    return Outcome("refused", f"Not recorded: the database failed ({error}). Scan again.")
