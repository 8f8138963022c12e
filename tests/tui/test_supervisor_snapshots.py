"""What the line supervisor sees, at 80x24 and 120x40, on the seeded line with a frozen clock.

The board: PAINT stopped (andon, a timer), a held car at TRIM1, cars late and
very late against takt, a car out of sequence, a car in the repair bay and an
override today. The station terminal with its own stop and a car's work
instructions; the repair bay terminal with its cars.
Review the report (snapshot_report.html) before accepting changes with --snapshot-update.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Input

from neofloor.services.supervision.overrides import override_move
from neofloor.services.supervision.repair import send_to_repair
from neofloor.services.scan import record_scan
from tests.conftest import SUPERVISOR
from tests.tui.conftest import NOW, opened, settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def still(app) -> None:
    """No blinking: the cursor is drawn, always."""
    for field in app.screen.query(Input):
        field.cursor_blink = False


def busy_line(line) -> None:
    """Before NOW: #6 started at TRIM1 ahead of #4 (out of sequence), then #4 went to the repair
    bay; #7 moved past the stopped PAINT by override. #2 stays very late in CHASSIS."""
    with line.db.write() as session:
        record_scan(session, "TRIM1", line.vins[6], "1002", "T-TRIM1", now=NOW - timedelta(minutes=20))
        send_to_repair(
            session, line.vins[4], "Door seal torn", SUPERVISOR, "T-BOARD", now=NOW - timedelta(minutes=15)
        )
        override_move(
            session,
            line.vins[7],
            "TRIM1",
            "Paint line stopped; primer done",
            SUPERVISOR,
            "T-BOARD",
            now=NOW - timedelta(minutes=5),
        )


@pytest.mark.parametrize("size", SIZES)
def test_line_board_paced_by_takt(snap_compare, make_app, line, size):
    busy_line(line)
    app = make_app(badge=SUPERVISOR)

    async def run_before(pilot):
        await opened(pilot)
        await pilot.press("f6")
        await settle(pilot, lambda: getattr(app.screen, "status", None) is not None)
        await pilot.press("down", "down")  # TRIM1: a car in station out of sequence, a held car waiting

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_line_board_repair_bay_row(snap_compare, make_app, line):
    busy_line(line)
    app = make_app(badge=SUPERVISOR)

    async def run_before(pilot):
        await opened(pilot)
        await pilot.press("f6")
        await settle(pilot, lambda: getattr(app.screen, "status", None) is not None)
        await pilot.press(*("down",) * 9)  # the REPAIR row, last

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_line_board_overrides_today(snap_compare, make_app, line):
    busy_line(line)
    app = make_app(badge=SUPERVISOR)

    async def run_before(pilot):
        await opened(pilot)
        await pilot.press("f6")
        await settle(pilot, lambda: getattr(app.screen, "status", None) is not None)
        await pilot.press("ctrl+t")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_station_terminal_stopped(snap_compare, make_app, line, clock, size):
    app = make_app()

    async def run_before(pilot):
        await opened(pilot)
        still(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press(*"eq", "enter")
        await settle(pilot, lambda: getattr(app.screen, "stop", None) is not None)
        clock.advance(minutes=4, seconds=12)
        await pilot.pause(1.2)  # the timer ticks

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_andon_reason_picker(snap_compare, make_app):
    app = make_app()

    async def run_before(pilot):
        await opened(pilot)
        still(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        still(app)
        await pilot.press("m")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_repair_bay_terminal(snap_compare, make_app, line, clock, size):
    busy_line(line)
    with line.db.write() as session:
        send_to_repair(session, line.vins[2], "Brake line leak", SUPERVISOR, "T-BOARD", now=NOW)
    app = make_app(station="REPAIR", badge="2001", terminal="T-REPAIR")

    async def run_before(pilot):
        await opened(pilot)
        still(app)
        await pilot.press(*line.vins[4], "enter")  # the first car sent: its repair starts
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
