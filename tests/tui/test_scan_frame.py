"""A scan's result is drawn in one frame, at once, with the scan field emptied in the same frame.

The floor's target is one 60 Hz frame from Enter to the result shown: the result must not
wait for Textual's next frame tick, nor follow a frame of its own for the emptied field.
"""

from __future__ import annotations

import gc

from textual.widgets import Input

from neofloor.tui.screens.station import StationScreen
from neofloor.tui.widgets.last_result import LastResult
from tests.tui.conftest import drive, settle


def test_the_result_is_drawn_when_it_comes_with_the_field_emptied(make_app, line, monkeypatch):
    app = make_app()
    vin = line.vins[4]
    frames: list[tuple[str, str]] = []
    display = app._display

    def recorded(screen, renderable):
        display(screen, renderable)
        if renderable is not None and isinstance(app.screen, StationScreen):
            outcome = app.screen.query_one("#last-result", LastResult).outcome
            frames.append((outcome.kind, app.screen.query_one("#scan", Input).value))

    app._display = recorded
    drawn_by_the_answer: list[list[tuple[str, str]]] = []
    answered = StationScreen.on_write_answered

    def on_write_answered(self, message):
        before = len(frames)
        answered(self, message)
        drawn_by_the_answer.append(frames[before:])

    monkeypatch.setattr(StationScreen, "on_write_answered", on_write_answered)

    async def steps(pilot):
        await pilot.press(*vin)
        await settle(pilot)
        frames.clear()
        await pilot.press("enter")
        await settle(pilot)
        # The handler that receives the result draws it, the field emptied in that frame.
        assert drawn_by_the_answer and drawn_by_the_answer[0][-1] == ("done", "")
        # Until then the VIN stays in the field: no frame shows it emptied under the old result.
        first_result = frames.index(("done", ""))
        assert all(value == vin for _kind, value in frames[:first_result])
        assert app.screen.focused is app.screen.query_one("#scan", Input)

    drive(app, steps)


def test_no_garbage_collection_between_enter_and_the_result(make_app, line, monkeypatch):
    app = make_app()
    seen: list[bool] = []
    answered = StationScreen.on_write_answered

    def on_write_answered(self, message):
        seen.append(gc.isenabled())
        answered(self, message)

    monkeypatch.setattr(StationScreen, "on_write_answered", on_write_answered)

    async def steps(pilot):
        await settle(pilot)
        assert gc.isenabled()  # the start is over: collections run again
        await pilot.press(*line.vins[4], "enter")
        await settle(pilot)
        assert seen == [False]
        assert gc.isenabled()

    drive(app, steps)
