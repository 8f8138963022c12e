"""The screens in French: their words come from the catalog, with the placeholders filled in.

The shipped French catalog is spoken for each test.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Label

from neofloor import i18n
from neofloor.tui.screens.station import StationScreen
from neofloor.tui.screens.yard import YardScreen
from neofloor.tui.widgets.last_result import LastResult
from tests.tui.conftest import drive, settle


@pytest.fixture
def french() -> None:
    """French spoken for one test (English again after it: the suite's autouse fixture)."""
    i18n.set_language("fr")
    i18n.set_language_chosen(True)  # as --lang fr: the terminal keeps it over the plant's default


async def test_the_station_terminal_speaks_french(french, make_app, line):
    app = make_app()
    vin = line.vins[4]
    async with drive(app) as pilot:
        assert isinstance(app.screen, StationScreen)
        scan = app.screen.query_one("#scan", Input)
        assert scan.placeholder == "Scannez ou tapez un VIN, puis Entrée"
        titles = [str(column.label) for column in app.screen.query_one("#cars", DataTable).columns.values()]
        assert titles == ["Séq.", "VIN", "Modèle", "Couleur", "Statut"]
        await pilot.press(*vin, "enter")
        await settle(pilot)
        outcome = app.screen.query_one("#last-result", LastResult).outcome
        assert (outcome.kind, outcome.headline) == ("done", "✔ DÉMARRÉ")
        assert outcome.sentence.endswith("Un scan à partir de 11:30:02 le termine.")


async def test_the_yard_speaks_french_with_its_counts(french, make_app, line):
    app = make_app(station="YARD", badge="3001", terminal="T-YARD")
    async with drive(app) as pilot:
        await settle(
            pilot, lambda: isinstance(app.screen, YardScreen) and app.screen.loaded_marker is not None
        )
        table = app.screen.query_one("#yard-cars", DataTable)
        assert str(table.get_row_at(0)[3]) == "sans place"
        title = str(app.screen.query_one("#yard-title", Label).content)
        assert title == "Parc : 1 véhicule, 1 sans place · affichés 1, tous les véhicules"
        await pilot.press(*line.vins[1], "enter")
        await settle(pilot, lambda: app.screen.pending_vin == line.vins[1])
        outcome = app.screen.query_one("#yard-result", LastResult).outcome
        assert outcome.headline == "VÉHICULE SCANNÉ"
        sentence = f"{line.vins[1]} est au parc sans place : scannez ou tapez sa place (B-07)."
        assert outcome.sentence == sentence
