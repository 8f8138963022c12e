"""The line board paced by takt: every station with its cars against takt, stops, holds, the bay.

A header says the shift's count against the plan; open andon stops run their
timers every second in a red banner and in the station's row (counted on the
screen from the stop's start, no database read per tick). Each car carries a
text marker beside its colour: ``!`` late (over one takt at the station), ``!!``
very late (over two), ``H`` held, ``S`` started out of build sequence; the
highlighted station's cars below spell them out. The REPAIR row lists the cars
in the repair bay with their time in repair; Ctrl+T shows today's overrides.

It reads the line again when the change marker moves (another terminal wrote)
and every half minute (cars turn late as time passes), updating the cells in
place so nothing flickers and the cursor stays where the reader left it. A
supervisor acts on the highlighted car or station: Ctrl+R to repair, Ctrl+B
back from repair, Ctrl+O override, Ctrl+S / Ctrl+G stop and end a station's stop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, Static
from textual.worker import get_current_worker

from neofloor.i18n import N_, _
from neofloor.tui.board_view import BoardView, read_board
from neofloor.tui.dialogs.line_actions import (
    LINE_ACTION_BINDINGS,
    ActedOn,
    LineWrites,
    WriteAnswered,
    Writer,
    ask_raise_stop,
    end_stop,
    repair_not_done,
)
from neofloor.tui.messages import VehicleRequested
from neofloor.tui.screens.base import FloorScreen
from neofloor.tui.widgets.andon_banner import AndonBanner
from neofloor.tui.widgets.board_cells import (
    CAR_COLUMNS,
    LEGEND,
    OVERRIDE_COLUMNS,
    STATION_COLUMNS,
    bay_car_cells,
    bay_cells,
    bay_panel,
    bay_title,
    car_cells,
    cars_title,
    describe_bay_car,
    describe_car,
    duration,
    line_counts,
    override_cells,
    overrides_panel,
    overrides_title,
    station_cells,
    stop_cell,
)
from neofloor.tui.widgets.floor_table import FloorTable
from neofloor.tui.widgets.header import PlantHeader
from neofloor.tui.widgets.key_footer import KeyFooter
from neofloor.tui.widgets.last_result import Outcome
from neofloor.tui.widgets.table_rows import Cell, refill

if TYPE_CHECKING:
    from neofloor.services.metrics.line_status import BoardCar, LineStatus, StationStatus
    from neofloor.services.supervision.andon import Stop
    from neofloor.services.supervision.overrides import OverrideMove
    from neofloor.services.supervision.repair_time import CarInRepair, RepairTimeSummary
    from neofloor.store.engine import Database

# How often the board reads the line again with nothing written: cars turn late as time passes.
RETIME_SECONDS = 30.0
# How many waiting cars the "Next up" column names (fewer on a narrow screen); the count covers all.
NEXT_UP_WIDE, NEXT_UP_NARROW = 3, 2
ROOM_FOR_THREE = 96
# The app's breakpoint for wide screens, and the side column they add (board.tcss).
WIDE = 110
SIDE_WIDTH = 38
REPAIR_KIND = "repair"


class LineBoardScreen(LineWrites, FloorScreen):
    """The whole line at a glance; Enter on a station lists its cars, Enter on a car opens it."""

    CSS_PATH = "board.tcss"
    AUTO_FOCUS = "#stations"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f4", "history", N_("History"), id="car-history", tooltip=N_("Open the selected car's history.")
        ),
        *LINE_ACTION_BINDINGS,
        Binding(
            "ctrl+t",
            "toggle_overrides",
            N_("Overrides"),
            id="overrides-today",
            tooltip=N_("Today's overrides, or back to the highlighted station's cars."),
        ),
        Binding(
            "escape",
            "stations",
            N_("Stations"),
            id="board-stations",
            show=False,
            tooltip=N_("Back to the stations."),
        ),
    ]

    @dataclass
    class Loaded(Message):
        """The board, read at one change marker."""

        view: BoardView

    def __init__(self) -> None:
        super().__init__()
        self.status: LineStatus | None = None
        # Each line station's load, by code, in route order.
        self.loads: dict[str, StationStatus] = {}
        self.bay: tuple[CarInRepair, ...] = ()
        self.bay_stop: Stop | None = None
        self.overrides: list[OverrideMove] = []
        self.repair_day: RepairTimeSummary | None = None
        self.showing_overrides = False
        # The station row under the cursor (kept from the table's events, read by check_action).
        self.highlighted: str | None = None
        self._select_after_load: str | None = None

    def compose(self) -> ComposeResult:
        yield PlantHeader()
        yield Label(_("Line board"), id="line-summary")
        yield Label("", id="line-counts")
        yield Label(_(LEGEND), id="legend")
        yield AndonBanner(id="andon")
        with Horizontal(id="board-body"):
            with Vertical(id="board-main"):
                yield FloorTable(id="stations", cursor_type="row")
                yield Label("", id="station-cars-title")
                yield FloorTable(id="station-cars", cursor_type="row")
                yield FloorTable(id="overrides", cursor_type="row")
            with Vertical(id="board-side"):
                yield Static("", id="bay-panel")
                yield Static("", id="overrides-panel")
        yield Static("", id="board-result")
        yield KeyFooter()

    def on_mount(self) -> None:
        for table_id, columns in (
            ("#stations", STATION_COLUMNS),
            ("#station-cars", CAR_COLUMNS),
            ("#overrides", OVERRIDE_COLUMNS),
        ):
            table = self.query_one(table_id, DataTable)
            for label, key in columns:
                table.add_column(_(label), key=key)
        self.query_one("#overrides", DataTable).display = False
        self.query_one("#board-result", Static).display = False
        self.query_one("#bay-panel", Static).border_title = _("Repair bay")
        self.query_one("#overrides-panel", Static).border_title = _("Overrides today")
        self.set_interval(1.0, self._tick)
        self.set_interval(RETIME_SECONDS, self._retime)

    # --- reading ----------------------------------------------------------------

    def reload(self) -> None:
        catalog = self.floor.catalog
        if self.floor.database is not None and catalog is not None:
            self._load(self.floor.database, catalog.timezone, self.floor.now())

    def _retime(self) -> None:
        if self.is_current:
            self.reload()

    @work(thread=True, exclusive=True, exit_on_error=False, group="board-load")
    def _load(self, database: Database, zone: str, now: datetime) -> None:
        view = read_board(database, zone, now)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(view))

    def on_line_board_screen_loaded(self, message: Loaded) -> None:
        view = message.view
        self.loaded_marker = view.marker
        status = view.status
        self.status = status
        self.loads = {s.station.code: s for s in status.stations}
        self.bay = status.in_repair
        bay_code = self._bay_code()
        self.bay_stop = next((s for s in status.stops if s.station == bay_code), None)
        self.overrides, self.repair_day = view.overrides, view.repair_day
        self._show_summary()
        self.query_one("#andon", AndonBanner).show_stops(status.stops, self._zone())
        self._fill_stations()
        self._fill_cars()
        self._fill_overrides()
        self._fill_side()
        self.refresh_bindings()

    # --- showing ----------------------------------------------------------------

    def _zone(self) -> str:
        catalog = self.floor.catalog
        return catalog.timezone if catalog else "UTC"

    def _bay_code(self) -> str | None:
        catalog = self.floor.catalog
        bay = next((s for s in catalog.stations if s.kind == REPAIR_KIND), None) if catalog else None
        return bay.code if bay else None

    def _show_summary(self) -> None:
        status = self.status
        if status is None:
            return
        progress = status.progress
        summary = self.query_one("#line-summary", Label)
        summary.update(progress.text)
        summary.set_class(bool(progress.behind and progress.behind > 0), "-behind")
        self.query_one("#line-counts", Label).update(line_counts(status))

    def _next_up(self) -> int:
        """How many waiting cars a row names: as many as the stations' column has room for."""
        main = self.size.width - (SIDE_WIDTH if self.size.width >= WIDE else 0)
        return NEXT_UP_WIDE if main >= ROOM_FOR_THREE else NEXT_UP_NARROW

    def _rows(self) -> list[tuple[str, dict[str, Cell]]]:
        now, next_up = self.floor.now(), self._next_up()
        rows = [(code, station_cells(station, now, next_up)) for code, station in self.loads.items()]
        bay_code = self._bay_code()
        if bay_code is not None:
            rows.append((bay_code, bay_cells(bay_code, self.bay, self.bay_stop, now)))
        return rows

    def _fill_stations(self) -> None:
        table = self.query_one("#stations", DataTable)
        refill(table, [(key, [cells[k] for _label, k in STATION_COLUMNS]) for key, cells in self._rows()])
        if table.row_count:
            self.highlighted = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _tick(self) -> None:
        """Every second: the stop timers in the stations' rows (the banner ticks itself)."""
        if self.status is None or not self.is_current:
            return
        table = self.query_one("#stations", DataTable)
        now = self.floor.now()
        for code, station in self.loads.items():
            if station.stop is not None:
                table.update_cell(code, "stop", stop_cell(station.stop, now))
        bay_code = self._bay_code()
        if self.bay_stop is not None and bay_code is not None:
            table.update_cell(bay_code, "stop", stop_cell(self.bay_stop, now))

    def selected_code(self) -> str | None:
        """The highlighted station's code."""
        return self.highlighted

    def selected_station(self) -> StationStatus | None:
        code = self.selected_code()
        return self.loads.get(code) if code else None

    def _bay_selected(self) -> bool:
        code = self.selected_code()
        return code is not None and code == self._bay_code()

    def _fill_cars(self) -> None:
        title = self.query_one("#station-cars-title", Label)
        table = self.query_one("#station-cars", DataTable)
        if self.showing_overrides:
            title.update(overrides_title(len(self.overrides)))
            return
        zone = self._zone()
        if self._bay_selected():
            rows = [(car.vin, bay_car_cells(car, zone, self.floor.now())) for car in self.bay]
            title.update(
                bay_title(
                    self._bay_code() or "", self.bay, self.repair_day, self.bay_stop, zone, self.floor.now()
                )
            )
        else:
            station = self.selected_station()
            if station is None:
                title.update("")
                table.clear()
                return
            cars = (*station.in_station, *station.queue)
            now = self.floor.now()
            rows = [(car.car.vin, car_cells(car, zone, now)) for car in cars]
            takt = self.status.takt_seconds if self.status else None
            title.update(cars_title(station, len(rows), takt, zone, now))
        keep = self._select_after_load
        self._select_after_load = None
        refill(table, rows, keep)

    def _fill_overrides(self) -> None:
        zone = self._zone()
        rows = [(str(move.event_id), override_cells(move, zone, self.floor.now())) for move in self.overrides]
        refill(self.query_one("#overrides", DataTable), rows)

    def _fill_side(self) -> None:
        """The wide screen's side panels: the bay's cars with their time, today's overrides."""
        bay = self.query_one("#bay-panel", Static)
        bay.update(bay_panel(self.bay))
        bay.border_title = _("Repair bay: {count} · {time}").format(
            count=len(self.bay), time=duration(sum(c.seconds for c in self.bay))
        )
        moves = self.query_one("#overrides-panel", Static)
        moves.update(overrides_panel(self.overrides, self._zone()))
        moves.border_title = _("Overrides today: {count}").format(count=len(self.overrides))

    def selected_vin(self) -> str | None:
        """The car the keys act on: the highlighted car, or the highlighted override's car."""
        if self.showing_overrides:
            table = self.query_one("#overrides", DataTable)
            if table.row_count == 0:
                return None
            return str(table.get_row_at(table.cursor_row)[1])
        table = self.query_one("#station-cars", DataTable)
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def selected_board_car(self) -> BoardCar | None:
        station, vin = self.selected_station(), self.selected_vin()
        if station is None or vin is None or self.showing_overrides:
            return None
        return next((c for c in (*station.in_station, *station.queue) if c.car.vin == vin), None)

    def selected_bay_car(self) -> CarInRepair | None:
        vin = self.selected_vin()
        if not self._bay_selected() or self.showing_overrides:
            return None
        return next((c for c in self.bay if c.vin == vin), None)

    # --- moving around ----------------------------------------------------------

    @on(DataTable.RowHighlighted, "#stations")
    def _station_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.highlighted = str(event.row_key.value) if event.row_key.value is not None else None
        self._fill_cars()
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#stations")
    def _station_chosen(self, _event: DataTable.RowSelected) -> None:
        cars = self.query_one("#overrides" if self.showing_overrides else "#station-cars", DataTable)
        if cars.row_count:
            cars.focus()

    @on(DataTable.RowSelected, "#station-cars")
    def _car_chosen(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.post_message(VehicleRequested(event.row_key.value))

    @on(DataTable.RowSelected, "#overrides")
    def _override_chosen(self, _event: DataTable.RowSelected) -> None:
        vin = self.selected_vin()
        if vin:
            self.post_message(VehicleRequested(vin))

    def on_resize(self, _event: events.Resize) -> None:
        if self.status is not None:
            self._fill_stations()

    def action_history(self) -> None:
        vin = self.selected_vin()
        if vin is None:
            self._answer(Outcome("refused", _("No car selected: choose a station with cars first.")))
            return
        self.post_message(VehicleRequested(vin))

    def action_stations(self) -> None:
        self.query_one("#stations", DataTable).focus()

    def action_toggle_overrides(self) -> None:
        self.showing_overrides = not self.showing_overrides
        cars = self.query_one("#station-cars", DataTable)
        overrides = self.query_one("#overrides", DataTable)
        cars.display = not self.showing_overrides
        overrides.display = self.showing_overrides
        if self.showing_overrides and overrides.row_count:
            overrides.focus()
        elif not self.showing_overrides and self.focused is overrides:
            cars.focus()
        self._fill_cars()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show the keys that apply to what is highlighted."""
        bay = self._bay_selected()
        if action in ("send_to_repair", "override"):
            return not bay and not self.showing_overrides
        if action == "return_from_repair":
            # Pressed on a car whose repair is not done, it says why before any dialog opens.
            return bay and not self.showing_overrides
        if action in ("raise_stop", "end_stop"):
            code = self.selected_code()
            stopped = self.bay_stop is not None if bay else bool(code and self._stop_at(code))
            return (action == "end_stop") == stopped
        return True

    def _stop_at(self, code: str) -> Stop | None:
        station = self.loads.get(code)
        return station.stop if station else None

    # --- writing ----------------------------------------------------------------

    def _writer(self) -> Writer | None:
        """Who writes; or show why nothing can be written."""
        floor = self.floor
        if floor.database is None:
            self._answer(Outcome("refused", floor.problem or _("The plant database is not open yet.")))
            return None
        if floor.operator is None:
            self._answer(Outcome("refused", _("Nobody is signed in: press F8 and sign in first.")))
            return None
        return Writer(floor.database, floor.operator.badge, floor.terminal, floor.now())

    def on_write_answered(self, message: WriteAnswered) -> None:
        self._answer(message.outcome)
        if message.wrote:
            self._select_after_load = message.vin
            self.reload()
            self.floor.check_for_changes()

    def _answer(self, outcome: Outcome) -> None:
        """The last action's result, under the board: green done, red refused (with a bell)."""
        line = self.query_one("#board-result", Static)
        text = Text()
        text.append(_(outcome.title), style="bold")
        text.append(f" {outcome.sentence}")
        line.update(text)
        line.display = True
        for kind in ("done", "refused", "ignored"):
            line.set_class(kind == outcome.kind, f"-{kind}")
        if outcome.kind == "refused":
            self.app.bell()

    def _no_car(self) -> None:
        self._answer(Outcome("refused", _("No car selected: highlight a station, Enter, then ↑ ↓ to a car.")))

    def _line_car(self) -> ActedOn | None:
        car = self.selected_board_car()
        return ActedOn(car.car.vin, describe_car(car), car.car.station) if car is not None else None

    def _bay_car(self) -> ActedOn | None:
        car = self.selected_bay_car()
        if car is None:
            return None
        not_yet = repair_not_done(car.vin, car.phase, self._bay_code() or _("the repair bay"))
        return ActedOn(car.vin, describe_bay_car(car), car.left_station, not_yet)

    def action_raise_stop(self) -> None:
        code = self.selected_code()
        if code is not None and self._writer() is not None:
            ask_raise_stop(self.app, code, _("Raised from the line board."), self._run)

    def action_end_stop(self) -> None:
        code = self.selected_code()
        writer = self._writer() if code is not None else None
        if code is not None and writer is not None:
            self._write(writer, end_stop(code))
