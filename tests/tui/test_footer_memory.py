"""A terminal left running for days must not grow with every scan.

The footer is composed again whenever the bindings change (each scan on a
station terminal); the keys it removes must not stay alive.
"""

from __future__ import annotations

import gc

from textual.widgets._footer import FooterKey

from tests.tui.conftest import drive, settle


def _alive_footer_keys() -> int:
    gc.collect()
    return sum(1 for obj in gc.get_objects() if isinstance(obj, FooterKey))


def test_footer_keys_of_past_bindings_are_let_go(make_app, line):
    app = make_app()

    async def steps(pilot):
        await settle(pilot)
        shown = len(app.screen.query(FooterKey))
        assert shown > 0
        for _ in range(30):
            app.screen.refresh_bindings()
            await pilot.pause()
            await pilot.pause()
        await settle(pilot)
        # The keys on screen, and at most one footer's worth still being let go.
        assert _alive_footer_keys() <= 2 * shown + 5

    drive(app, steps)
