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
