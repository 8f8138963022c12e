"""The build record screen: opened from a car's history with b, scrolled, printed to a file."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Label, Markdown

from neofloor.tui.screens.build_record import BuildRecordScreen
from neofloor.tui.screens.vehicle import VehicleScreen
from tests.conftest import make_vin
from tests.tui.conftest import drive, opened, settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def markdown_of(app) -> str:
    return app.screen.query_one("#record-text", Markdown).source


async def test_b_opens_the_build_record_of_the_car_in_its_history(make_app, line, tmp_path):
    app = make_app()
    async with drive(app) as pilot:
        app.show_vehicle(line.vins[3])
        await settle(pilot, lambda: getattr(app.screen, "history", None) is not None)
        await pilot.press("b")
        await settle(pilot, lambda: getattr(app.screen, "record", None) is not None)
        screen = app.screen
        assert isinstance(screen, BuildRecordScreen)
        text = markdown_of(app)
        assert "## Stations" in text and "| TRIM1 |" in text
        assert "PT-RUN" in text and "EL-CONN" in text  # its two defects
        assert "Panoramic glass roof" in text
        title = str(screen.query_one("#record-title", Label).content)
        assert line.vins[3] in title and "#3 C1E" in title

        out = tmp_path / "printed"
        out.mkdir()
        screen.folder = out
        await pilot.press("p", "j")
        await settle(pilot, lambda: len(list(out.iterdir())) == 2)
        written = (out / f"build-record-{line.vins[3]}.md").read_text()
        assert written.startswith(f"# Build record: {line.vins[3]}\n")
        data = json.loads((out / f"build-record-{line.vins[3]}.json").read_text())
        assert [d["code"] for d in data["defects"]] == ["PT-RUN", "EL-CONN"]

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, VehicleScreen)


async def test_the_held_car_s_record_shows_its_hold_and_the_stop_it_waited_through(make_app, line):
    app = make_app()
    async with drive(app) as pilot:
        app.push_screen(BuildRecordScreen(line.vins[5]))
        await settle(pilot, lambda: getattr(app.screen, "record", None) is not None)
        record = app.screen.record
        assert [h.reason for h in record.holds] == ["Paint run on the bonnet"]
        assert record.holds[0].released_at is None
        assert "still held" in markdown_of(app)


async def test_an_unknown_car_is_said(make_app):
    app = make_app()
    async with drive(app) as pilot:
        app.push_screen(BuildRecordScreen(make_vin(9999)))
        await settle(pilot)
        assert "not in the production plan" in str(app.screen.query_one("#record-title", Label).content)


@pytest.mark.parametrize("size", SIZES)
def test_build_record_snapshot(snap_compare, make_app, line, size):
    app = make_app()

    async def run_before(pilot):
        await opened(pilot)
        app.push_screen(BuildRecordScreen(line.vins[3]))
        await settle(pilot, lambda: getattr(app.screen, "record", None) is not None)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
