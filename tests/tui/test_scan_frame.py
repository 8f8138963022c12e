"""A scan's result is drawn in one frame, at once, with the scan field emptied in the same frame.

The floor's target is one 60 Hz frame from Enter to the result shown: the result must not
wait for Textual's next frame tick, nor follow a frame of its own for the emptied field.

Frames are seen through the public ``render_lines`` of the two widgets concerned: Textual
calls it for each widget it draws in a frame, just before the frame is written out.
"""

from __future__ import annotations

import gc

from textual.widgets import Input

from neofloor.tui.screens.station import StationScreen
from neofloor.tui.widgets.last_result import LastResult
from tests.tui.conftest import drive, settle


async def test_the_result_is_drawn_when_it_comes_with_the_field_emptied(make_app, line, monkeypatch):
    app = make_app()
    vin = line.vins[4]
    frames: list[tuple[str, str]] = []

    def record(widget_class):
        render_lines = widget_class.render_lines

        def recorded(self, crop):
            if isinstance(app.screen, StationScreen) and self.screen is app.screen:
                outcome = app.screen.query_one("#last-result", LastResult).outcome
                frames.append((outcome.kind, app.screen.query_one("#scan", Input).value))
            return render_lines(self, crop)

        monkeypatch.setattr(widget_class, "render_lines", recorded)

    record(LastResult)
    record(Input)
    answered_at: list[int] = []
    answered = StationScreen.on_write_answered

    def on_write_answered(self, message):
        answered(self, message)
        answered_at.append(len(frames))

    monkeypatch.setattr(StationScreen, "on_write_answered", on_write_answered)

    async with drive(app) as pilot:
        await pilot.press(*vin)
        await settle(pilot)
        frames.clear()
        await pilot.press("enter")
        await settle(pilot)
        # The first frame drawn after the result came shows it, the field emptied in that frame.
        assert answered_at and frames[answered_at[0]] == ("done", "")
        # Until then the VIN stays in the field: no frame shows it emptied under the old result.
        first_result = frames.index(("done", ""))
        assert all(value == vin for _kind, value in frames[:first_result])
        assert app.screen.focused is app.screen.query_one("#scan", Input)


async def test_no_garbage_collection_between_enter_and_the_result(make_app, line, monkeypatch):
    app = make_app()
    seen: list[bool] = []
    answered = StationScreen.on_write_answered

    def on_write_answered(self, message):
        seen.append(gc.isenabled())
        answered(self, message)

    monkeypatch.setattr(StationScreen, "on_write_answered", on_write_answered)

    async with drive(app) as pilot:
        await settle(pilot)
        assert gc.isenabled()  # the start is over: collections run again
        await pilot.press(*line.vins[4], "enter")
        await settle(pilot)
        assert seen == [False]
        assert gc.isenabled()
