"""A terminal left running for days must not grow with every scan.

The footer is composed again whenever the keys it shows change (a held car
selected, an andon stop); the keys it removes must not stay alive.
"""

from __future__ import annotations

import gc

from textual.widgets import DataTable

from neofloor.tui.widgets.key_footer import KeyFooter
from tests.tui.conftest import drive, settle


def _alive_footer_keys() -> int:
    # The terminal freezes what its start made (gc.freeze): count those keys too.
    gc.unfreeze()
    gc.collect()
    # FooterKey is not exported by textual.widgets: it is counted by its class name.
    return sum(1 for obj in gc.get_objects() if type(obj).__name__ == "FooterKey")


async def test_footer_keys_of_past_bindings_are_let_go(make_app, line, monkeypatch):
    app = make_app()
    composed = []
    compose = KeyFooter.compose

    def counted(self):
        composed.append(1)
        return compose(self)

    monkeypatch.setattr(KeyFooter, "compose", counted)

    async with drive(app) as pilot:
        await settle(pilot)
        shown = len(app.screen.query("FooterKey"))
        assert shown > 0
        table = app.screen.query_one("#cars", DataTable)
        held_row = [car.vin for car in (*app.screen.inside, *app.screen.queue)].index(line.vins[5])
        assert held_row > 0
        before = len(composed)
        # A held car and one that is not, in turn: F3 Release and F2 Hold swap each time.
        for _ in range(15):
            for row in (held_row, held_row - 1):
                table.move_cursor(row=row)
                await pilot.pause()
                await pilot.pause()
        await settle(pilot)
        assert len(composed) - before >= 20
        # The keys on screen, and at most one footer's worth still being let go.
        assert _alive_footer_keys() <= 2 * shown + 5


async def test_the_footer_is_not_composed_again_for_the_same_keys(make_app, line, monkeypatch):
    """A station terminal checks its keys after every load; the same keys are not mounted anew."""
    app = make_app()
    composed = []
    compose = KeyFooter.compose

    def counted(self):
        composed.append(1)
        return compose(self)

    monkeypatch.setattr(KeyFooter, "compose", counted)

    async with drive(app) as pilot:
        await settle(pilot)
        keys = [key.key for key in app.screen.query("FooterKey")]
        before = len(composed)
        for _ in range(5):
            app.screen.refresh_bindings()
            await pilot.pause()
        await settle(pilot)
        assert len(composed) == before
        assert [key.key for key in app.screen.query("FooterKey")] == keys


async def test_a_view_switched_back_to_keeps_its_footer(make_app, line, monkeypatch):
    """Flipping between views composes no footer once each view has been shown: composing one
    mounts and styles some twenty keys, most of a switch's time."""
    from neofloor.tui.screens.board import LineBoardScreen
    from neofloor.tui.screens.station import StationScreen

    app = make_app()
    composed = []
    compose = KeyFooter.compose

    def counted(self):
        composed.append(type(self.screen).__name__)
        return compose(self)

    monkeypatch.setattr(KeyFooter, "compose", counted)

    async with drive(app) as pilot:
        await pilot.press("f6")
        await settle(pilot, lambda: isinstance(app.screen, LineBoardScreen))
        board_keys = [(key.key, key.description) for key in app.screen.query("FooterKey")]
        await pilot.press("f5")
        await settle(pilot, lambda: isinstance(app.screen, StationScreen))
        station_keys = [(key.key, key.description) for key in app.screen.query("FooterKey")]
        before = len(composed)
        for _ in range(3):
            await pilot.press("f6")
            await settle(pilot, lambda: isinstance(app.screen, LineBoardScreen))
            assert [(key.key, key.description) for key in app.screen.query("FooterKey")] == board_keys
            await pilot.press("f5")
            await settle(pilot, lambda: isinstance(app.screen, StationScreen))
            assert [(key.key, key.description) for key in app.screen.query("FooterKey")] == station_keys
        assert composed[before:] == []
        assert ("f6", "Board") in station_keys and ("f6", "Board") not in board_keys
