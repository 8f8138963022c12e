"""The station terminal asks for the serials a car needs before it completes, naming each part."""

from __future__ import annotations

from textual.widgets import Input, Label, Static

from neofloor.tui.dialogs.components import ComponentDialog
from neofloor.tui.widgets.last_result import LastResult
from tests.conftest import serial_for
from tests.tui.conftest import car_state, drive, settle


async def test_a_completion_without_serials_asks_for_each_then_completes(make_app, line, clock):
    """Car #6 waits at TRIM1 without serials: start it, complete it: the terminal asks for the ECU,
    then the passenger airbag; a serial already on car #3 is refused with that car named."""
    app = make_app()
    vin = line.vins[6]
    async with drive(app) as pilot:
        await pilot.press(*vin, "enter")
        await settle(pilot, lambda: car_state(line.db, vin)[0] == "in_station")
        clock.advance(minutes=10)
        await pilot.press(*vin, "enter")
        await settle(pilot, lambda: isinstance(app.screen, ComponentDialog))
        dialog = app.screen
        result = app.screen_stack[0].query_one("#last-result", LastResult).outcome
        assert (
            result.kind == "refused" and "needs the main ECU and passenger airbag serials" in result.sentence
        )
        field = dialog.query_one("#serial", Input)
        assert field.placeholder == "Scan the Main ECU serial"

        await pilot.press(*"NOT-A-SERIAL", "enter")
        await settle(pilot)
        assert "is not a" in str(dialog.query_one("#serial-answer", Label).content)

        await pilot.press(*serial_for("ECU", 3), "enter")  # car #3's ECU
        await settle(pilot)
        refusal = str(dialog.query_one("#serial-answer", Label).content)
        assert line.vins[3] in refusal

        await pilot.press(*serial_for("ECU", 6), "enter")
        await settle(
            pilot, lambda: "Passenger airbag: scan" in str(dialog.query_one("#serial-parts", Static).content)
        )
        await pilot.press(*serial_for("AIRBAG-P", 6), "enter")
        await settle(pilot, lambda: car_state(line.db, vin)[1] == "TRIM2")
        assert not isinstance(app.screen, ComponentDialog)
        assert car_state(line.db, vin)[0] == "queued"
