"""The recall screen: filters typed, the list a page at a time, and a supervisor's hold of them all."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Label

from neofloor.tui.screens.recall import RecallScreen
from tests.tui.conftest import car_state, drive, opened, settle

SUPERVISOR = "3001"


async def ask(pilot, **fields: str) -> RecallScreen:
    app = pilot.app
    app.push_screen(RecallScreen())
    await settle(pilot, lambda: isinstance(app.screen, RecallScreen))
    screen = app.screen
    for key, value in fields.items():
        screen.query_one(f"#f-{key}", Input).value = value
    screen.query_one("#f-model", Input).focus()
    await pilot.press("enter")
    await settle(pilot, lambda: screen.found is not None or bool(screen.refusal))
    return screen


async def test_filters_find_the_cars_and_a_supervisor_holds_them_all(make_app, line):
    app = make_app(badge=SUPERVISOR)
    async with drive(app) as pilot:
        screen = await ask(pilot, station="PAINT", **{"from": "2026-11-26", "to": "2026-11-26"})
        table = screen.query_one("#recall-cars", DataTable)
        # Cars #1 to #6 completed PAINT on the day; #5 is held already.
        assert [str(table.get_row_at(i)[1]) for i in range(table.row_count)] == [
            line.vins[n] for n in range(1, 7)
        ]
        summary = str(screen.query_one("#recall-summary", Label).content)
        assert "6 cars: 0 delivered, 6 still at the plant." in summary
        assert "5 to hold, 1 on hold already" in summary

        await pilot.press("f2")
        await settle(pilot)
        assert "Hold 5 cars?" in str(app.screen.query_one(".dialog-title", Label).content)
        await pilot.press(*"Recall R-26-007", "enter")
        await settle(pilot, lambda: screen.found is not None and not screen.found.to_hold)
        assert str(screen.query_one("#recall-result").outcome.sentence).startswith(
            "5 cars put on hold: Recall R-26-007."
        )
        for n in (1, 2, 3, 4, 6):
            assert car_state(line.db, line.vins[n])[0] == "held"
            assert car_state(line.db, line.vins[n])[2] == "Recall R-26-007"
        assert car_state(line.db, line.vins[5])[2] == "Paint run on the bonnet"


async def test_an_operator_cannot_hold_a_recall(make_app, line):
    app = make_app()  # the TRIM1 operator
    async with drive(app) as pilot:
        screen = await ask(pilot, station="PAINT", **{"from": "2026-11-26"})
        assert screen.found is not None and len(screen.found.to_hold) == 5
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is screen  # no dialog: the key is dimmed for an operator
        assert car_state(line.db, line.vins[1])[0] != "held"


async def test_a_refused_query_is_said_in_the_services_words(make_app, line):
    app = make_app(badge=SUPERVISOR)
    async with drive(app) as pilot:
        screen = await ask(pilot, model="C1E")
        assert "Say what the recall is about" in str(screen.query_one("#recall-summary", Label).content)
        screen = app.screen
        screen.query_one("#f-station", Input).value = "PAINT"
        screen.query_one("#f-from", Input).value = "someday"
        screen.query_one("#f-model", Input).focus()
        await pilot.press("enter")
        await settle(pilot, lambda: bool(screen.refusal))
        assert "someday" in str(screen.query_one("#recall-summary", Label).content)


async def test_the_palette_and_the_quality_overview_open_it(make_app):
    app = make_app(badge=SUPERVISOR)
    async with drive(app) as pilot:
        await pilot.press("f11")
        await settle(pilot)
        await pilot.press("c")  # r and v repair and verify the highlighted defect there
        await settle(pilot, lambda: isinstance(app.screen, RecallScreen))
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, RecallScreen)


def test_recall_screen_snapshot(snap_compare, make_app, line):
    app = make_app(badge=SUPERVISOR)

    async def run_before(pilot):
        await opened(pilot)
        await ask(pilot, station="PAINT", **{"from": "2026-11-26"})
        for field in app.screen.query(Input):
            field.cursor_blink = False

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
