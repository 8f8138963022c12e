"""The line board: every station's cars and counts, refreshed when another terminal writes."""

from __future__ import annotations

import asyncio
import sys

from textual.widgets import DataTable

from neofloor.services.tracking import record_scan
from neofloor.tui.screens.board import LineBoardScreen
from neofloor.tui.screens.station import StationScreen
from neofloor.tui.screens.vehicle import VehicleScreen
from tests.tui.conftest import drive, settle


def cell(app, station: str, column: str) -> str:
    return str(app.screen.query_one("#stations", DataTable).get_cell(station, column))


def test_the_board_shows_every_station_with_its_cars(make_app, line):
    app = make_app()

    async def steps(pilot):
        await pilot.press("f6")
        await settle(pilot, lambda: bool(getattr(app.screen, "loads", None)))
        assert isinstance(app.screen, LineBoardScreen)
        stations = app.screen.query_one("#stations", DataTable)
        assert [row.value for row in stations.rows] == [
            "BODY",
            "PAINT",
            "TRIM1",
            "TRIM2",
            "CHASSIS",
            "FINAL",
            "EOL",
            "WATER",
            "QG",
            "REPAIR",
        ]
        assert (cell(app, "TRIM1", "in"), cell(app, "TRIM1", "wait"), cell(app, "TRIM1", "held")) == (
            "1",
            "3",
            "1",
        )
        assert cell(app, "TRIM1", "inside") == "000003"
        assert cell(app, "TRIM1", "next") == "000004 000005(HELD) 000006"
        assert cell(app, "PAINT", "andon") == "STOP 11:20"
        assert cell(app, "BODY", "wait") == "3"
        assert cell(app, "CHASSIS", "inside") == "000002"

        # Enter on a station lists its cars; Enter on a car opens its history.
        await pilot.press("down", "down", "enter")
        cars = app.screen.query_one("#station-cars", DataTable)
        assert app.screen.focused is cars
        assert [row.value for row in cars.rows] == [line.vins[n] for n in (3, 4, 5, 6)]
        assert str(cars.get_cell(line.vins[5], "where")) == "HELD: Paint run on the bonnet"
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, VehicleScreen)
        assert app.screen.vin == line.vins[4]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LineBoardScreen)

    drive(app, steps)


def test_the_board_follows_a_write_from_another_process(make_app, line, tmp_path):
    """A scan by another terminal (the CLI, in its own process) shows within a poll or two."""
    app = make_app()
    vin = line.vins[4]

    async def steps(pilot):
        await pilot.press("f6")
        await settle(pilot, lambda: bool(getattr(app.screen, "loads", None)))
        await pilot.press("down", "down", "enter", "down")  # TRIM1, then its second car
        cars = app.screen.query_one("#station-cars", DataTable)
        assert app.screen.selected_vin() == vin
        before = app.screen.loaded_marker

        scan = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "neofloor",
            "--db",
            str(line.path),
            "--terminal",
            "T-TRIM1-B",
            "scan",
            vin,
            "--station",
            "TRIM1",
            "--operator",
            "1002",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await scan.communicate()
        assert scan.returncode == 0, err.decode()
        assert out.decode().strip() == f"{vin} started at TRIM1."

        await settle(pilot, lambda: cell(app, "TRIM1", "in") == "2", timeout=10)
        assert app.screen.loaded_marker != before
        assert cell(app, "TRIM1", "wait") == "2"
        assert sorted(cell(app, "TRIM1", "inside").split()) == ["000003", "000004"]
        # The reader's place is kept: the same station, the same car, the same focus.
        assert app.screen.query_one("#stations", DataTable).cursor_row == 2
        assert app.screen.focused is cars
        assert app.screen.selected_vin() == vin

    drive(app, steps)


def test_a_hidden_view_catches_up_when_shown_again(make_app, line, clock):
    """The station terminal, behind the board, shows a write made meanwhile when it comes back."""
    app = make_app()
    vin = line.vins[4]

    async def steps(pilot):
        await pilot.press("f6")
        await settle(pilot, lambda: bool(getattr(app.screen, "loads", None)))
        with line.db.write() as session:
            record_scan(session, "TRIM1", vin, "1002", "T-TRIM1-B", now=clock())
        await settle(pilot, lambda: cell(app, "TRIM1", "in") == "2", timeout=10)
        await pilot.press("f5")
        await settle(pilot, lambda: vin in [c.vin for c in getattr(app.screen, "inside", [])])
        assert isinstance(app.screen, StationScreen)

    drive(app, steps)
