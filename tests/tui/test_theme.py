"""The high-contrast theme: chosen from the palette, remembered per terminal, drawn on the station."""

from __future__ import annotations

from pathlib import Path

import pytest

from neofloor.tui.app import NeofloorApp
from neofloor.tui.theme import HIGH_CONTRAST_THEME, STANDARD_THEME, read_theme, remember_theme
from tests.tui.conftest import TRIM1_OPERATOR, drive, opened, settle
from tests.tui.test_snapshots import SIZES, still


@pytest.mark.parametrize("size", SIZES)
def test_station_terminal_in_high_contrast(snap_compare, make_app, line, size):
    app = make_app()

    async def run_before(pilot):
        await opened(pilot)
        app.theme = HIGH_CONTRAST_THEME
        still(app)
        await pilot.press(*line.vins[4], "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def settings_app(line, clock, settings: Path, terminal: str = "T-TRIM1") -> NeofloorApp:
    return NeofloorApp(
        line.url,
        station="TRIM1",
        terminal=terminal,
        operator_badge=TRIM1_OPERATOR,
        clock=clock,
        settings=settings,
    )


async def test_the_palette_command_switches_and_the_terminal_remembers(line, clock, tmp_path: Path):
    settings = tmp_path / "config" / "neofloor" / "terminal.toml"
    app = settings_app(line, clock, settings)
    async with drive(app) as pilot:
        assert app.theme == STANDARD_THEME
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        commands["High-contrast theme"].callback()
        await settle(pilot, lambda: settings.exists())
        assert app.theme == HIGH_CONTRAST_THEME
        assert "Standard theme" in {c.title for c in app.get_system_commands(app.screen)}
    assert read_theme(settings, "T-TRIM1") == HIGH_CONTRAST_THEME
    assert read_theme(settings, "T-TRIM2") is None

    again = settings_app(line, clock, settings)
    async with drive(again):
        assert again.theme == HIGH_CONTRAST_THEME
    other = settings_app(line, clock, settings, terminal="T-TRIM2")
    async with drive(other):
        assert other.theme == STANDARD_THEME


def test_the_settings_file_keeps_other_terminals_and_survives_garbage(tmp_path: Path):
    settings = tmp_path / "terminal.toml"
    settings.write_text("this is not = toml [", encoding="utf-8")
    assert read_theme(settings, "A") is None
    remember_theme(settings, 'Aïn "A"', HIGH_CONTRAST_THEME)
    remember_theme(settings, "B", STANDARD_THEME)
    assert read_theme(settings, 'Aïn "A"') == HIGH_CONTRAST_THEME
    assert read_theme(settings, "B") == STANDARD_THEME
    assert read_theme(tmp_path / "missing.toml", "B") is None
