"""The line board paced by takt: stations, cars against takt, stops, the bay, today's overrides;
refreshed when another terminal (another process) writes, without losing the reader's place.

The seeded line at NOW (11:30 in Casablanca, shift A, takt 38m 45s): #2 in CHASSIS
since 10:04 (very late), #4 waiting at TRIM1 since 10:21 (late), #5 held in the
TRIM1 queue, #6 waiting there since 11:01 (on time), PAINT stopped since 11:20.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from textual.widgets import DataTable, Label, Static

from neofloor.services.scan import record_scan
from neofloor.services.supervision.overrides import override_move
from neofloor.services.supervision.repair import repair_scan, send_to_repair
from neofloor.tui.screens import board as board_module
from neofloor.tui.screens.board import LineBoardScreen
from neofloor.tui.screens.station import StationScreen
from neofloor.tui.screens.vehicle import VehicleScreen
from neofloor.tui.widgets.andon_banner import AndonBanner
from tests.conftest import SUPERVISOR
from tests.tui.conftest import drive, settle

STATIONS = ["BODY", "PAINT", "TRIM1", "TRIM2", "CHASSIS", "FINAL", "EOL", "WATER", "QG", "REPAIR"]


def cell(app, station: str, column: str) -> str:
    return str(app.screen.query_one("#stations", DataTable).get_cell(station, column))


def car_cell(app, vin: str, column: str) -> str:
    return str(app.screen.query_one("#station-cars", DataTable).get_cell(vin, column))


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def open_board(pilot) -> None:
    await pilot.press("f6")
    await settle(pilot, lambda: getattr(pilot.app.screen, "status", None) is not None)
    assert isinstance(pilot.app.screen, LineBoardScreen)


async def highlight(pilot, station: str) -> None:
    """Move the stations' cursor to a station (from wherever it is)."""
    table = pilot.app.screen.query_one("#stations", DataTable)
    await pilot.press(*("down",) * (STATIONS.index(station) - table.cursor_row))
    assert pilot.app.screen.selected_code() == station


async def test_the_board_shows_every_station_with_its_cars_against_takt(make_app, line):
    app = make_app()

    async with drive(app) as pilot:
        await open_board(pilot)
        stations = app.screen.query_one("#stations", DataTable)
        assert [row.value for row in stations.rows] == STATIONS
        # The header: cars through QG this shift against the plan so far, from takt.
        summary = text_of(app, "#line-summary")
        assert summary == "Shift A: 1 through QG / 8 planned, 7 behind (takt 38m 45s)."
        assert (
            text_of(app, "#line-counts") == "1 held · 0 in repair · 0 out of sequence this shift · 1 stopped"
        )
        assert (cell(app, "TRIM1", "in"), cell(app, "TRIM1", "wait"), cell(app, "TRIM1", "held")) == (
            "1",
            "3",
            "1",
        )
        # Each car's marker says it in text, not only in colour: ! late, !! very late, H held.
        assert cell(app, "TRIM1", "inside") == "000003"
        assert cell(app, "TRIM1", "next") == "000004(!) 000005(!H) 000006"
        assert cell(app, "TRIM1", "late") == "2"
        assert cell(app, "CHASSIS", "inside") == "000002(!!)"
        assert cell(app, "BODY", "wait") == "3"
        assert cell(app, "BODY", "next") == "000008 000009 000010"
        # PAINT is stopped: its timer runs from the stop's start (11:20), in its row and the banner.
        assert cell(app, "PAINT", "stop") == "■ 10:00"
        assert cell(app, "TRIM1", "stop") == ""
        # (At 100 columns the banner keeps to one line: who raised it and the note make way.)
        assert text_of(app, "#andon") == "■ ANDON STOP PAINT  10:00  Material shortage · since 11:20"

        # Enter on a station lists its cars, in words; Enter on a car opens its history.
        await highlight(pilot, "TRIM1")
        await pilot.press("enter")
        cars = app.screen.query_one("#station-cars", DataTable)
        assert app.screen.focused is cars
        assert [row.value for row in cars.rows] == [line.vins[n] for n in (3, 4, 5, 6)]
        assert car_cell(app, line.vins[3], "where") == "in station"
        assert (car_cell(app, line.vins[4], "time"), car_cell(app, line.vins[4], "status")) == (
            "1h 09m",
            " LATE ",
        )
        assert car_cell(app, line.vins[5], "where") == "held, waiting"
        assert car_cell(app, line.vins[5], "status") == " LATE   HELD: Paint run on the bonnet "
        assert car_cell(app, line.vins[6], "status") == ""
        title = text_of(app, "#station-cars-title")
        assert title == "TRIM1 · Trim 1: 1 in station, 3 waiting, 1 held, 2 late · takt 38m 45s"
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, VehicleScreen)
        assert app.screen.vin == line.vins[4]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LineBoardScreen)

        await pilot.press("escape")
        await highlight(pilot, "CHASSIS")
        assert car_cell(app, line.vins[2], "status") == " VERY LATE "


async def test_cars_started_out_of_sequence_are_flagged_and_counted(make_app, line, clock):
    with line.db.write() as session:
        # #6 starts at TRIM1 while #4, earlier in the build sequence, still waits there.
        record_scan(session, "TRIM1", line.vins[6], "1002", "T-TRIM1", now=clock() - timedelta(minutes=1))
    app = make_app()

    async with drive(app) as pilot:
        await open_board(pilot)
        assert cell(app, "TRIM1", "inside") == "000003 000006(S)"
        assert "1 out of sequence this shift" in text_of(app, "#line-counts")
        await highlight(pilot, "TRIM1")
        assert car_cell(app, line.vins[6], "status") == " OUT OF SEQUENCE "


async def test_the_stop_timer_runs_every_second_without_reading_the_database(make_app, line, clock):
    app = make_app()

    async with drive(app) as pilot:
        await open_board(pilot)
        status = app.screen.status
        clock.advance(minutes=1, seconds=5)
        await settle(pilot, lambda: cell(app, "PAINT", "stop") == "■ 11:05", timeout=3)
        assert "■ ANDON STOP PAINT  11:05 " in text_of(app, "#andon")
        # The same reading of the line: the timer is counted on the screen.
        assert app.screen.status is status


async def test_the_board_reads_again_as_time_passes(make_app, line, clock, monkeypatch):
    """With nothing written, a car turns late when it has been at a station over a takt."""
    monkeypatch.setattr(board_module, "RETIME_SECONDS", 0.2)
    app = make_app()

    async def shows(pilot, wanted: str) -> None:
        """Reads follow each other every 0.2 s here, each cancelling the last: wait on the screen."""
        for _ in range(200):
            if getattr(app.screen, "status", None) is not None and cell(app, "TRIM1", "next") == wanted:
                return
            await pilot.pause(0.05)
        raise AssertionError(f"the board never showed {wanted}")

    async with drive(app) as pilot:
        await pilot.press("f6")
        await shows(pilot, "000004(!) 000005(!H) 000006")
        clock.advance(minutes=30)  # #6 has waited 59 minutes, #4 1h 39m
        await shows(pilot, "000004(!!) 000005(!!H) 000006(!)")
        assert text_of(app, "#line-summary").startswith("Shift A: 1 through QG / 8 planned")


async def test_the_repair_row_lists_the_cars_in_the_bay_with_their_time(make_app, line, clock):
    at = clock()
    with line.db.write() as session:
        send_to_repair(
            session, line.vins[4], "Door seal torn", SUPERVISOR, "T-BOARD", now=at - timedelta(hours=1)
        )
        send_to_repair(
            session, line.vins[2], "Brake line leak", "2001", "T-QG", now=at - timedelta(minutes=40)
        )
        repair_scan(session, line.vins[4], "2001", "T-REPAIR", now=at - timedelta(minutes=50))
        repair_scan(session, line.vins[4], "2001", "T-REPAIR", now=at - timedelta(minutes=10))
    app = make_app(badge=SUPERVISOR)

    async with drive(app, size=(120, 40)) as pilot:
        await open_board(pilot)
        assert (cell(app, "REPAIR", "in"), cell(app, "REPAIR", "wait")) == ("1", "1")
        assert cell(app, "REPAIR", "inside") == "000004(OK)"
        assert cell(app, "REPAIR", "next") == "000002"
        assert "2 in repair" in text_of(app, "#line-counts")
        await highlight(pilot, "REPAIR")
        cars = app.screen.query_one("#station-cars", DataTable)
        assert [row.value for row in cars.rows] == [line.vins[4], line.vins[2]]
        assert [car_cell(app, line.vins[4], c) for c in ("where", "since", "time")] == [
            "REPAIRED",
            "10:30",
            "1h 00m",
        ]
        assert car_cell(app, line.vins[4], "status") == " back to TRIM1 (Ctrl+B)  Door seal torn"
        assert car_cell(app, line.vins[2], "status") == "from CHASSIS: Brake line leak"
        title = text_of(app, "#station-cars-title")
        assert title == "REPAIR · repair bay: 2 cars, 1h 40m in repair now · today 2 visits, 1h 40m"


async def test_the_wide_board_shows_the_bay_and_todays_overrides_beside_the_line(make_app, line, clock):
    at = clock()
    with line.db.write() as session:
        send_to_repair(
            session, line.vins[4], "Door seal torn", SUPERVISOR, "T-BOARD", now=at - timedelta(hours=1)
        )
        override_move(session, line.vins[7], "TRIM1", "Paint stopped", SUPERVISOR, "T-BOARD", now=at)
    app = make_app(badge=SUPERVISOR)

    async with drive(app, size=(120, 40)) as pilot:
        await open_board(pilot)
        banner = text_of(app, "#andon")
        assert banner == (
            "■ ANDON STOP PAINT  10:00  Material shortage · since 11:20, raised by Youssef El Amrani"
            " · Primer drums late"
        )
        bay = app.screen.query_one("#bay-panel", Static)
        assert bay.border_title == "Repair bay: 1 · 1h 00m"
        assert str(bay.render()) == "000004 waiting    1h 00m TRIM1\n  Door seal torn"
        moves = app.screen.query_one("#overrides-panel", Static)
        assert moves.border_title == "Overrides today: 1"
        assert str(moves.render()) == "11:30 000007 PAINT → TRIM1\n  Paint stopped (Rachid Alaoui)"
        # Ctrl+T lists them in full below the stations; again goes back to the station's cars.
        await pilot.press("ctrl+t")
        overrides = app.screen.query_one("#overrides", DataTable)
        assert overrides.display and not app.screen.query_one("#station-cars", DataTable).display
        assert [str(c) for c in overrides.get_row_at(0)] == [
            "11:30",
            line.vins[7],
            "7",
            "PAINT → TRIM1",
            "Paint stopped",
            "Rachid Alaoui",
        ]
        assert app.screen.selected_vin() == line.vins[7]
        await pilot.press("ctrl+t")
        assert app.screen.query_one("#station-cars", DataTable).display


async def test_the_board_follows_a_write_from_another_process(make_app, line, tmp_path):
    """A scan by another terminal (the CLI, in its own process) shows within a poll or two."""
    app = make_app()
    vin = line.vins[4]

    async with drive(app) as pilot:
        await open_board(pilot)
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
        # (The other process scanned on the machine's clock, not this app's frozen one: no markers.)
        assert sorted(tail[:6] for tail in cell(app, "TRIM1", "inside").split()) == ["000003", "000004"]
        # The reader's place is kept: the same station, the same car, the same focus.
        assert app.screen.query_one("#stations", DataTable).cursor_row == 2
        assert app.screen.focused is cars
        assert app.screen.selected_vin() == vin


async def test_a_stop_raised_by_another_process_shows_with_its_timer(make_app, line, clock):
    app = make_app()

    async with drive(app) as pilot:
        await open_board(pilot)
        await highlight(pilot, "TRIM1")
        stop = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "neofloor",
            "--db",
            str(line.path),
            "andon",
            "raise",
            "--station",
            "CHASSIS",
            "--reason",
            "EQP",
            "--operator",
            "1003",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _out, err = await stop.communicate()
        assert stop.returncode == 0, err.decode()
        await settle(pilot, lambda: cell(app, "CHASSIS", "stop") != "", timeout=10)
        assert cell(app, "CHASSIS", "stop").startswith("■ ")
        banner = app.screen.query_one("#andon", AndonBanner)
        assert sorted(s.station for s in banner.stops) == ["CHASSIS", "PAINT"]
        assert "2 stopped" in text_of(app, "#line-counts")
        assert app.screen.selected_code() == "TRIM1"


async def test_a_hidden_view_catches_up_when_shown_again(make_app, line, clock):
    """The station terminal, behind the board, shows a write made meanwhile when it comes back."""
    app = make_app()
    vin = line.vins[4]

    async with drive(app) as pilot:
        await open_board(pilot)
        with line.db.write() as session:
            record_scan(session, "TRIM1", vin, "1002", "T-TRIM1-B", now=clock())
        await settle(pilot, lambda: cell(app, "TRIM1", "in") == "2", timeout=10)
        await pilot.press("f5")
        await settle(pilot, lambda: vin in [c.vin for c in getattr(app.screen, "inside", [])])
        assert isinstance(app.screen, StationScreen)


async def test_the_board_at_80_columns_keeps_every_key_in_its_footer(make_app, line):
    app = make_app(badge=SUPERVISOR)

    async with drive(app, size=(80, 24)) as pilot:
        await open_board(pilot)
        footer = app.screen.query_one("KeyFooter")
        keys = [k for k in footer.query("FooterKey") if k.display]
        labels = {k.description for k in keys}
        assert {
            "History",
            "Stop",
            "To repair",
            "Override",
            "Overrides",
            "Find",
            "Sign out",
            "Keys",
            "Quit",
        } <= labels
        for key in keys:
            assert (
                key.region.right <= 80 and key.region.width >= len(key.key_display) + len(key.description) + 1
            )
        # F1 and Ctrl+Q take the third row at 80 columns.
        assert footer.region.height == 3


async def test_the_header_line_says_when_the_shift_is_over(make_app, line, clock):
    clock.advance(hours=4)  # 15:30, shift A ended at 14:30
    app = make_app()

    async with drive(app) as pilot:
        await open_board(pilot)
        assert str(app.screen.query_one("#line-summary", Label).render()).startswith(
            "Shift A (ended): 1 through QG"
        )
