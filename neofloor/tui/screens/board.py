"""The line board: every station with its cars, WIP, held cars and open andon stops.

It reloads when the change marker moves (another terminal wrote), updating the
cells in place so nothing flickers and the cursor stays where the reader left it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Footer, Label
from textual.worker import get_current_worker

from neofloor.tui.formatting import day_text, hour_text, stamp_text, state_words, vin_tail
from neofloor.tui.messages import VehicleRequested
from neofloor.tui.screens.base import FloorScreen
from neofloor.tui.widgets.header import PlantHeader

if TYPE_CHECKING:
    from neofloor.services.queries import CarSummary, StationLoad
    from neofloor.store.engine import Database

# How many waiting cars the "Next up" column names; the count covers them all.
NEXT_UP = 3
STATION_COLUMNS = (
    ("Station", "station"),
    ("In", "in"),
    ("Wait", "wait"),
    ("Held", "held"),
    ("Andon", "andon"),
    ("In station", "inside"),
    ("Next up", "next"),
)


class LineBoardScreen(FloorScreen):
    """The whole line at a glance; Enter on a station lists its cars, Enter on a car opens it."""

    CSS_PATH = "board.tcss"
    AUTO_FOCUS = "#stations"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f4", "history", "History", id="car-history", tooltip="Open the selected car's history."),
        Binding(
            "escape", "stations", "Stations", id="board-stations", show=False, tooltip="Back to the stations."
        ),
    ]

    @dataclass
    class Loaded(Message):
        """The board, read at one change marker."""

        loads: list[StationLoad]
        marker: tuple[int, ...]

    def __init__(self) -> None:
        super().__init__()
        self.loads: dict[str, StationLoad] = {}

    def compose(self) -> ComposeResult:
        yield PlantHeader()
        yield Label("Line board", id="line-summary")
        yield DataTable(id="stations", cursor_type="row")
        yield Label("", id="station-cars-title")
        yield DataTable(id="station-cars", cursor_type="row")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        stations = self.query_one("#stations", DataTable)
        for label, key in STATION_COLUMNS:
            stations.add_column(label, key=key)
        cars = self.query_one("#station-cars", DataTable)
        for label, key in (
            ("Seq", "seq"),
            ("VIN", "vin"),
            ("Model", "model"),
            ("Colour", "color"),
            ("Since", "since"),
            ("Where", "where"),
        ):
            cars.add_column(label, key=key)

    def reload(self) -> None:
        if self.floor.database is not None and self.floor.catalog is not None:
            self._load(self.floor.database)

    @work(thread=True, exclusive=True, exit_on_error=False, group="board-load")
    def _load(self, database: Database) -> None:
        from neofloor.services.queries import change_marker, line_board

        with database.read() as session:
            marker = change_marker(session)
            loads = line_board(session)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(loads, marker))

    def on_line_board_screen_loaded(self, message: Loaded) -> None:
        self.loaded_marker = message.marker
        self.loads = {load.station.code: load for load in message.loads}
        self._show_summary()
        self._fill_stations()
        self._fill_cars()

    # --- showing ----------------------------------------------------------------

    def _zone(self) -> str:
        catalog = self.floor.catalog
        return catalog.timezone if catalog else "UTC"

    def _show_summary(self) -> None:
        loads = self.loads.values()
        wip = sum(load.wip for load in loads)
        held = sum(load.held_count for load in loads)
        stops = [load.station.code for load in loads if load.open_stop_since]
        parts = [f"Line board · {wip} cars in the plant", f"{held} held"]
        parts.append(f"andon stop at {', '.join(stops)}" if stops else "no andon stop")
        self.query_one("#line-summary", Label).update(" · ".join(parts))

    def _station_cells(self, load: StationLoad) -> dict[str, str | Text]:
        zone = self._zone()
        inside = " ".join(_tail(car) for car in load.in_station) or "-"
        waiting = [_tail(car) for car in load.queue[:NEXT_UP]]
        if load.queue_count > len(waiting):
            waiting.append(f"+{load.queue_count - len(waiting)}")
        andon = (
            Text(f"STOP {hour_text(load.open_stop_since, zone)}", style="bold reverse")
            if load.open_stop_since
            else Text("")
        )
        return {
            "station": Text(load.station.code, style="bold"),
            "in": str(load.in_station_count),
            "wait": str(load.queue_count),
            "held": Text(str(load.held_count), style="bold reverse") if load.held_count else Text("0"),
            "andon": andon,
            "inside": inside,
            "next": " ".join(waiting) or "-",
        }

    def _fill_stations(self) -> None:
        table = self.query_one("#stations", DataTable)
        codes = list(self.loads)
        if [row.value for row in table.rows] == codes:
            # Same stations as before: change the cells, keep cursor and scroll.
            for code, load in self.loads.items():
                for key, value in self._station_cells(load).items():
                    table.update_cell(code, key, value, update_width=True)
            return
        table.clear()
        for code, load in self.loads.items():
            cells = self._station_cells(load)
            table.add_row(*(cells[key] for _label, key in STATION_COLUMNS), key=code)

    def selected_station(self) -> StationLoad | None:
        table = self.query_one("#stations", DataTable)
        codes = list(self.loads)
        if not codes:
            return None
        return self.loads[codes[min(table.cursor_row, len(codes) - 1)]]

    def _fill_cars(self) -> None:
        title = self.query_one("#station-cars-title", Label)
        table = self.query_one("#station-cars", DataTable)
        load = self.selected_station()
        if load is None:
            title.update("")
            table.clear()
            return
        zone = self._zone()
        keep, scroll = self.selected_vin(), table.scroll_y
        table.clear()
        for car in load.in_station:
            table.add_row(*_car_cells(car, zone, "in station"), key=car.vin)
        for car in load.queue:
            table.add_row(*_car_cells(car, zone, state_words(car.state)), key=car.vin)
        vins = [car.vin for car in (*load.in_station, *load.queue)]
        if keep in vins:
            table.move_cursor(row=vins.index(keep), animate=False, scroll=False)
        table.scroll_to(y=scroll, animate=False)
        title.update(self._cars_title(load, len(vins)))

    def _cars_title(self, load: StationLoad, shown: int) -> str:
        text = f"{load.station.code} · {load.station.name}: {load.in_station_count} in station, "
        text += f"{load.queue_count} waiting"
        if load.held_count:
            text += f", {load.held_count} held"
        total = load.in_station_count + load.queue_count
        if total > shown:
            text += f" (first {shown} shown)"
        if load.open_stop_since:
            text += f" · ANDON STOP since {stamp_text(load.open_stop_since, self._zone())}"
        return text

    def selected_vin(self) -> str | None:
        table = self.query_one("#station-cars", DataTable)
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    # --- moving around ----------------------------------------------------------

    @on(DataTable.RowHighlighted, "#stations")
    def _station_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._fill_cars()

    @on(DataTable.RowSelected, "#stations")
    def _station_chosen(self, _event: DataTable.RowSelected) -> None:
        cars = self.query_one("#station-cars", DataTable)
        if cars.row_count:
            cars.focus()

    @on(DataTable.RowSelected, "#station-cars")
    def _car_chosen(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.post_message(VehicleRequested(event.row_key.value))

    def action_history(self) -> None:
        vin = self.selected_vin()
        if vin is None:
            self.notify("No car at this station: choose a station with cars first.")
            return
        self.post_message(VehicleRequested(vin))

    def action_stations(self) -> None:
        self.query_one("#stations", DataTable).focus()


def _tail(car: CarSummary) -> str:
    return f"{vin_tail(car.vin)}(HELD)" if car.held else vin_tail(car.vin)


def _car_cells(car: CarSummary, zone: str, where: str) -> tuple[str | Text, ...]:
    status: str | Text = where
    if car.held:
        status = Text(f"HELD: {car.hold_reason}", style="bold reverse")
    return (str(car.build_seq), car.vin, car.model, car.color, day_text(car.since, zone), status)
