"""What people see, at 80x24 and 120x40: a frozen clock, a seeded line, no blinking cursor.

Review the report (snapshot_report.html) before accepting changes with --snapshot-update.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.tui.conftest import opened, settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def still(app) -> None:
    """No blinking: the cursor is drawn, always."""
    for field in app.screen.query(Input):
        field.cursor_blink = False


@pytest.mark.parametrize("size", SIZES)
def test_station_terminal_after_a_scan(snap_compare, make_app, line, size):
    app = make_app()

    async def run_before(pilot):
        await opened(pilot)
        still(app)
        await pilot.press(*line.vins[4], "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_station_terminal_refusing_a_held_car(snap_compare, make_app, line):
    app = make_app()

    async def run_before(pilot):
        await opened(pilot)
        still(app)
        await pilot.press(*line.vins[5], "enter")
        await settle(pilot)
        await pilot.press("down", "down")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_line_board(snap_compare, make_app, size):
    app = make_app()

    async def run_before(pilot):
        await opened(pilot)
        await pilot.press("f6")
        await settle(pilot, lambda: bool(getattr(app.screen, "loads", None)))
        await pilot.press("down", "down")  # TRIM1: a car inside, one held in its queue

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_vehicle_history(snap_compare, make_app, line, size):
    app = make_app()

    async def run_before(pilot):
        await opened(pilot)
        app.show_vehicle(line.vins[3])
        await settle(pilot, lambda: getattr(app.screen, "history", None) is not None)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
