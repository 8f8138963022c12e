"""The station terminal: scan a car in or out, see it, its instructions and the queue.

The scan field keeps the focus, so a barcode scanner typing a VIN and Enter
starts the car (or completes it when it is already in the station). Every other
action is a function key or a Ctrl key the scan field does not use, which a
scanner never types: F2 hold, F3 release, F4 history; Ctrl+S stops the station
(andon) and Ctrl+G ends the stop; Ctrl+R sends the car to the repair bay,
Ctrl+O moves it out of sequence (supervisors).

Bound to the repair bay (``--station REPAIR``) the terminal lists the cars in
the bay instead of a queue: a scan starts, then completes, a car's repair, and
Ctrl+B sends a repaired car back to the line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Label
from textual.worker import get_current_worker

from neofloor.i18n import N_, _
from neofloor.tui.dialogs.components import SERIALS_NEEDED, PartsNeeded, ask_for_serials, read_parts_needed
from neofloor.tui.dialogs.line_actions import (
    LINE_ACTION_BINDINGS,
    ActedOn,
    LineWrites,
    WriteAnswered,
    Writer,
    ask_hold,
    ask_raise_stop,
    ask_release,
    end_stop,
    repair_not_done,
)
from neofloor.tui.formatting import hour_text
from neofloor.tui.messages import VehicleRequested
from neofloor.tui.screens.scanning import ScanningScreen
from neofloor.tui.station_view import InstructionKey, StationView, first_look_view, read_station
from neofloor.tui.station_wording import (
    QUEUE_PAGE,
    bay_row,
    bay_title,
    describe_bay_car,
    describe_car,
    inside_row,
    queue_row,
    queue_title,
)
from neofloor.tui.widgets.andon_banner import AndonBanner
from neofloor.tui.widgets.car_card import CarCard
from neofloor.tui.widgets.floor_table import FloorTable
from neofloor.tui.widgets.header import PlantHeader
from neofloor.tui.widgets.key_footer import KeyFooter
from neofloor.tui.widgets.last_result import LastResult, Outcome
from neofloor.tui.widgets.recent_results import RecentResults
from neofloor.tui.widgets.scan_field import ScanField
from neofloor.tui.widgets.table_rows import Cell, refill
from neofloor.tui.widgets.work_instructions import WorkInstructions

if TYPE_CHECKING:
    from neofloor.services.supervision.andon import Stop
    from neofloor.services.supervision.repair_time import CarInRepair
    from neofloor.services.tracking.first_look import FirstLook
    from neofloor.services.tracking.floor import CarSummary

REPAIR_KIND = "repair"
T = TypeVar("T")
NO_CAR = N_("No car selected: choose one with ↑ ↓.")
# How often the repair bay's terminal reads its cars again with nothing written.
BAY_RETIME_SECONDS = 30.0


class StationScreen(LineWrites, ScanningScreen):
    """One station's terminal (or the repair bay's)."""

    CSS_PATH = "station.tcss"
    AUTO_FOCUS = "#scan"
    # A short terminal (24 lines) gives the queue the room the last result does not need.
    # Textual declares this without ClassVar, so it is overridden the same way.
    VERTICAL_BREAKPOINTS: list[tuple[int, str]] | None = [(0, "-short"), (32, "-tall")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "hold", N_("Hold"), id="hold-car", tooltip=N_("Hold the selected car, with a reason.")),
        Binding(
            "f3", "release", N_("Release"), id="release-car", tooltip=N_("Release the selected held car.")
        ),
        Binding(
            "f4", "history", N_("History"), id="car-history", tooltip=N_("Open the selected car's history.")
        ),
        *LINE_ACTION_BINDINGS,
        Binding(
            "up",
            "select(-1)",
            N_("Previous car"),
            id="previous-car",
            show=False,
            tooltip=N_("Select the car above."),
        ),
        Binding(
            "down",
            "select(1)",
            N_("Next car"),
            id="next-car",
            show=False,
            tooltip=N_("Select the car below."),
        ),
        Binding(
            "pageup",
            "queue_page(-1)",
            N_("Earlier cars"),
            id="queue-page-up",
            show=False,
            tooltip=N_("The previous page of a long queue."),
        ),
        Binding(
            "pagedown",
            "queue_page(1)",
            N_("Later cars"),
            id="queue-page-down",
            show=False,
            tooltip=N_("The next page of a long queue."),
        ),
    ]

    @dataclass
    class Loaded(Message):
        """The station's cars, read at one change marker (None: the first look, before the store)."""

        view: StationView

    def __init__(self) -> None:
        super().__init__()
        self.inside: list[CarSummary] = []
        self.queue: list[CarSummary] = []
        self.bay: list[CarInRepair] = []
        self.stop: Stop | None = None
        self.queue_offset = 0
        self.waiting_count = 0
        self.held_count = 0
        self.instructions: dict[InstructionKey, list[str]] = {}
        self._select_after_load: str | None = None

    def compose(self) -> ComposeResult:
        yield PlantHeader()
        yield AndonBanner(id="andon")
        with Vertical(id="station-body"):
            scan = ScanField(placeholder=_("Scan or type a VIN, then Enter"), id="scan", max_length=40)
            scan.border_title = _("Scan")
            # A steady cursor: the field always has the focus, and a blinking one would draw a
            # frame twice a second, each of which holds back the next result shown by a frame.
            scan.cursor_blink = False
            yield scan
            yield LastResult(id="last-result")
            with Horizontal(id="station-work"):
                with Vertical(id="car-side"):
                    yield CarCard(id="car")
                    yield WorkInstructions(id="instructions")
                    yield RecentResults(id="recent")
                with Vertical(id="queue"):
                    yield Label("", id="queue-title")
                    yield FloorTable(id="cars", cursor_type="row")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#cars", DataTable)
        table.can_focus = False
        table.add_column(_("Seq"), key="seq")
        table.add_column(_("VIN"), key="vin")
        table.add_column(_("Model"), key="model")
        table.add_column(_("Colour"), key="color")
        table.add_column(_("Status"), key="status")
        self.watch(self.app, "station", self._station_changed, init=False)
        self.watch(self.app, "problem", self._show_problem)
        self._show_no_station()
        self.set_interval(BAY_RETIME_SECONDS, self._retime_bay)
        self.floor.offer_first_look(self)

    def _retime_bay(self) -> None:
        """The bay's times in repair grow with nothing written: read them again now and then."""
        if self.at_bay and self.is_current:
            self.reload()

    @property
    def at_bay(self) -> bool:
        """This terminal is the repair bay's."""
        catalog, station = self.floor.catalog, self.floor.station
        if catalog is None or station is None:
            return False
        return any(s.code == station and s.kind == REPAIR_KIND for s in catalog.stations)

    # --- reading ----------------------------------------------------------------

    def reload(self) -> None:
        database, station = self.floor.database, self.floor.station
        if database is None or self.floor.catalog is None:
            return
        if station is None:
            self._show_no_station()
            return
        known = frozenset(self.instructions)
        now = self.floor.now()
        self._load(partial(read_station, database, station, self.at_bay, self.queue_offset, known, now))

    @work(thread=True, exclusive=True, exit_on_error=False, group="station-load")
    def _load(self, read: Callable[[], StationView]) -> None:
        view = read()
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(view))

    def on_station_screen_loaded(self, message: Loaded) -> None:
        view = message.view
        if view.station != self.floor.station:
            return
        self.loaded_marker = view.marker
        self.instructions.update(view.instructions)
        self.inside, self.queue, self.bay = view.inside, view.queue, view.bay
        self.queue_offset, self.waiting_count, self.held_count = (
            view.queue_offset,
            view.waiting_count,
            view.held_count,
        )
        self._show_stop(view.open_stop)
        self._fill_table()
        if view.marker is not None:
            self.call_after_refresh(self.floor.first_view_shown)
            self._send_waiting_scan()

    def show_first_look(self, look: FirstLook) -> None:
        """The station as read before the store was open; the services read it again once it is."""
        self.on_station_screen_loaded(self.Loaded(first_look_view(look)))

    def _show_stop(self, stop: Stop | None) -> None:
        self.stop = stop
        catalog = self.floor.catalog
        zone = catalog.timezone if catalog else "UTC"
        self.query_one("#andon", AndonBanner).show_stops(
            [stop] if stop else [], zone, _("Ctrl+G ends the stop")
        )
        self.refresh_bindings()

    def _vins(self) -> list[str]:
        """The VINs in the table, in its order."""
        if self.at_bay:
            return [c.vin for c in self.bay]
        return [c.vin for c in (*self.inside, *self.queue)]

    def _fill_table(self) -> None:
        rows: list[tuple[str, list[Cell]]] = []
        if self.at_bay:
            rows = [(bay_car.vin, bay_row(bay_car)) for bay_car in self.bay]
        else:
            rows = [(car.vin, inside_row(car)) for car in self.inside]
            for number, car in enumerate(self.queue, start=self.queue_offset + 1):
                rows.append((car.vin, queue_row(car, number)))
        refill(self.query_one("#cars", DataTable), rows, self._select_after_load)
        self._select_after_load = None
        self._show_title()
        self._show_selected()

    def _show_title(self) -> None:
        station = self.floor.station or ""
        if self.at_bay:
            self.query_one("#queue-title", Label).update(bay_title(station, self.bay))
            return
        title = queue_title(station, len(self.inside), self.waiting_count, self.held_count, self.queue_offset)
        self.query_one("#queue-title", Label).update(title)

    def _at_cursor(self, shown: Sequence[T]) -> T | None:
        """What the table's cursor is on, of what the table shows (in its order)."""
        table = self.query_one("#cars", DataTable)
        if not shown or table.row_count == 0:
            return None
        return shown[min(table.cursor_row, len(shown) - 1)]

    def selected_car(self) -> CarSummary | None:
        """The car selected at a line station (None at the repair bay)."""
        return self._at_cursor([*self.inside, *self.queue])

    def selected_bay_car(self) -> CarInRepair | None:
        """The car selected at the repair bay."""
        return self._at_cursor(self.bay) if self.at_bay else None

    def selected_vin(self) -> str | None:
        return self._at_cursor(self._vins())

    @on(DataTable.RowHighlighted, "#cars")
    def _car_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        self.refresh_bindings()
        card = self.query_one("#car", CarCard)
        instructions = self.query_one("#instructions", WorkInstructions)
        station = self.floor.station or ""
        if self.at_bay:
            instructions.clear_lines()
            bay_car = self.selected_bay_car()
            if bay_car is None:
                card.show_nothing(_("Repair bay"), _("No car in the repair bay."))
            else:
                card.show_bay_car(bay_car, self._zone(), self.floor.now())
            return
        car = self.selected_car()
        if car is None:
            instructions.clear_lines()
            card.show_nothing(
                _("In station"), _("No car in {station} and none waiting.").format(station=station)
            )
            return
        if car in self.inside:
            where = _("In station")
        else:
            position = self.queue_offset + self.queue.index(car) + 1
            where = (
                _("Next in queue")
                if position == 1
                else _("Waiting, number {position} in the queue").format(position=position)
            )
        card.show_car(car, where, [])
        lines = self.instructions.get((car.model, car.options), [])
        instructions.show(lines, f"#{car.build_seq} · {car.model}", station)

    def _show_no_station(self) -> None:
        self.inside, self.queue, self.bay = [], [], []
        self.query_one("#cars", DataTable).clear()
        self.query_one("#queue-title", Label).update("")
        self.query_one("#instructions", WorkInstructions).clear_lines()
        self.query_one("#car", CarCard).show_nothing(
            _("No station"), _("This terminal is not bound to a station: press F9 to choose one.")
        )

    def _station_changed(self, _station: str | None) -> None:
        self.queue_offset = 0
        self.instructions.clear()
        self.loaded_marker = None
        self._show_stop(None)
        self.query_one("#last-result", LastResult).outcome = Outcome("ready", _("Scan a car's VIN."))
        self.reload()

    def _show_problem(self, problem: str) -> None:
        if problem:
            self._scans_waiting.clear()  # never recorded: the problem says why
            self.query_one("#last-result", LastResult).outcome = Outcome(
                "refused", problem, _("✘ NO DATABASE")
            )

    def _zone(self) -> str:
        catalog = self.floor.catalog
        return catalog.timezone if catalog else "UTC"

    # --- writing ----------------------------------------------------------------

    def _writer(self) -> Writer | None:
        """Who writes, where, with what; or show why nothing can be written."""
        floor = self.floor
        refusal = ""
        if floor.database is None:
            refusal = floor.problem or _("The plant database is not open yet.")
        elif floor.station is None:
            refusal = _("This terminal has no station: press F9 to choose one.")
        elif floor.operator is None:
            refusal = _("Nobody is signed in: press F8 and sign in first.")
        if refusal or floor.database is None or floor.station is None or floor.operator is None:
            self._answer(Outcome("refused", refusal))
            return None
        return Writer(floor.database, floor.operator.badge, floor.terminal, floor.now(), floor.station)

    def action_hold(self) -> None:
        car = self.selected_car()
        if car is None:
            self._no_car()
        elif self._writer() is not None:
            ask_hold(self.app, car.vin, describe_car(car), self._run)

    def action_release(self) -> None:
        car = self.selected_car()
        if car is None:
            self._no_car()
        elif self._writer() is not None:
            ask_release(self.app, car.vin, describe_car(car), self._run)

    def action_raise_stop(self) -> None:
        writer = self._writer()
        if writer is not None:
            ask_raise_stop(
                self.app, writer.station, _("Every car here waits until the stop ends."), self._run
            )

    def action_end_stop(self) -> None:
        writer = self._writer()
        if writer is not None:
            self._write(writer, end_stop(writer.station))

    def _line_car(self) -> ActedOn | None:
        car = self.selected_car()
        return ActedOn(car.vin, describe_car(car), car.station) if car is not None else None

    def _bay_car(self) -> ActedOn | None:
        car = self.selected_bay_car()
        if car is None:
            return None
        not_yet = repair_not_done(car.vin, car.phase, self.floor.station or _("the repair bay"))
        return ActedOn(car.vin, describe_bay_car(car), car.left_station, not_yet)

    def _no_car(self) -> None:
        self._answer(Outcome("refused", _(NO_CAR)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show the keys that apply: the bay's at the bay, the line's elsewhere; hold or release the
        selected car, stop or end the station's stop."""
        if action in ("hold", "release"):
            if self.at_bay:
                return False
            car = self.selected_car() if (self.inside or self.queue) and self.is_mounted else None
            return car is None or car.held == (action == "release")
        if action in ("send_to_repair", "override"):
            return not self.at_bay
        if action == "return_from_repair":
            # Pressed on a car whose repair is not done, it says why before any dialog opens.
            return self.at_bay
        if action == "raise_stop":
            return self.stop is None
        if action == "end_stop":
            return self.stop is not None
        return True

    def on_write_answered(self, message: WriteAnswered) -> None:
        self._answer(message.outcome)
        if message.vin and message.outcome.headline in (SERIALS_NEEDED, _(SERIALS_NEEDED)):
            self._check_serials(message.vin)
        if message.wrote:
            self._select_after_load = message.vin
            # The result first, in a frame of its own; the queue is read and redrawn after it.
            self.call_after_refresh(self._reload_after_write)
        if self._scans_waiting:
            self.call_after_refresh(self._send_waiting_scan)

    def _check_serials(self, vin: str) -> None:
        """A completion refused for want of serials: ask for them, then complete (dialogs/components.py)."""
        floor = self.floor
        if floor.database is not None and floor.station is not None and floor.operator is not None:
            writer = Writer(floor.database, floor.operator.badge, floor.terminal, floor.now(), floor.station)
            self._read_serials(writer, vin)

    @work(thread=True, exclusive=True, exit_on_error=False, group="station-serials")
    def _read_serials(self, writer: Writer, vin: str) -> None:
        self.post_message(read_parts_needed(writer, vin, complete_after=True))

    def on_parts_needed(self, message: PartsNeeded) -> None:
        writer = self._writer()
        if message.parts and writer is not None:
            ask_for_serials(self.app, writer, message, self._send_scan)

    def _reload_after_write(self) -> None:
        self.reload()
        self.floor.check_for_changes()

    def _answer(self, outcome: Outcome, *, ring: bool = True) -> None:
        """Show the result with the scan field emptied, in a frame drawn at once (the frame target)."""
        result = self.query_one("#last-result", LastResult)
        result.outcome = outcome
        self._empty_scan_field()
        self.draw_now()
        if outcome.kind == "refused" and ring:
            self.app.bell()
        # The list of past results (twenty wrapped sentences) follows in the next frame.
        at = hour_text(self.floor.now(), self._zone()) if self.floor.catalog else ""
        self.query_one("#recent", RecentResults).add(at, outcome)

    # --- moving around ----------------------------------------------------------

    def action_select(self, step: int) -> None:
        table = self.query_one("#cars", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    def action_queue_page(self, step: int) -> None:
        offset = self.queue_offset + step * QUEUE_PAGE
        if not self.at_bay and 0 <= offset < max(self.waiting_count, 1):
            self.queue_offset = offset
            self.reload()

    def action_history(self) -> None:
        vin = self.selected_vin()
        if vin is None:
            self._answer(Outcome("refused", _(NO_CAR)))
            return
        self.post_message(VehicleRequested(vin))

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        """Back from a dialog or another view: the scan field has the focus again."""
        self.query_one("#scan", Input).focus()
