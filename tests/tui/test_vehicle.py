"""A car's history: opened from the palette, by typing a VIN, from a queue or the board."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import DataTable, Input, OptionList, Static

from neofloor.tui.dialogs.vin_choice import VinChoiceDialog
from neofloor.tui.screens.board import LineBoardScreen
from neofloor.tui.screens.station import StationScreen
from neofloor.tui.screens.vehicle import VehicleScreen
from tests.tui.conftest import drive, settle


def facts(app) -> str:
    return str(app.screen.query_one("#facts", Static).render())


def test_the_palette_jumps_to_a_car_by_the_last_digits_of_its_vin(make_app, line):
    app = make_app()

    async def steps(pilot):
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"000003")
        hits = app.screen.query_one("CommandList", OptionList)
        await settle(pilot, lambda: hits.option_count and "Car" in str(hits.get_option_at_index(0).prompt))
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, VehicleScreen) and app.screen.history is not None)
        screen = app.screen
        assert screen.vin == line.vins[3]
        assert facts(app).startswith(f"{line.vins[3]}  #3  Atlas compact e (C1E) · Atlantic blue")
        assert "State: in station at TRIM1 since 26 Nov 11:00:00" in facts(app)
        assert "Lead time: 1h 50m so far (started 26 Nov 09:40:00)" in facts(app)
        events = screen.query_one("#events", DataTable)
        kinds = [str(events.get_row_at(i)[1]) for i in range(events.row_count)]
        assert kinds == ["plan", "start", "complete", "start", "complete", "start"]
        last = [str(c) for c in events.get_row_at(events.row_count - 1)]
        assert last == ["26 Nov 11:00:00", "start", "TRIM1", "Fatima Zahra Benali", "T-TRIM1", ""]
        stays = str(screen.query_one("#stays", Static).render())
        assert "BODY 10m 00s · PAINT 10m 00s · TRIM1 since 26 Nov 11:00" in stays
        defects = screen.query_one("#defects", DataTable)
        assert [str(defects.get_row_at(i)[0]) for i in range(defects.row_count)] == ["PT-RUN", "EL-CONN"]

    drive(app, steps)


def test_the_palette_switches_views_and_station(make_app, line):
    app = make_app()

    async def steps(pilot):
        await pilot.press("ctrl+p", *"line board")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LineBoardScreen)
        await pilot.press("ctrl+p", *"switch station to paint")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, StationScreen) and bool(app.screen.queue))
        assert app.station == "PAINT"
        assert [c.vin for c in app.screen.queue] == [line.vins[7]]

    drive(app, steps)


def test_typing_a_vin_or_its_end_in_the_find_field(make_app, line):
    app = make_app()

    async def steps(pilot):
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, VehicleScreen)
        assert app.screen.focused is app.screen.query_one("#find", Input)

        await pilot.press(*"zz9", "enter")
        await settle(pilot)
        assert facts(app) == "'ZZ9' is not a VIN: type at least 4 of its letters and digits."
        await pilot.press("backspace", "backspace", "backspace", *"ZZZZ", "enter")
        await settle(pilot)
        assert facts(app) == "No car's VIN starts or ends with ZZZZ."

        await pilot.press(*("backspace",) * 4, *line.vins[2].lower(), "enter")
        await settle(pilot, lambda: app.screen.history is not None)
        assert app.screen.vin == line.vins[2]
        assert "in station at CHASSIS" in facts(app)

        # The first letters of many VINs: choose among them.
        await pilot.press("f7", *"ENFC1E", "enter")
        await settle(pilot)
        assert isinstance(app.screen, VinChoiceDialog)
        assert app.screen.vins == [line.vins[8], line.vins[6], line.vins[3]]  # newest build first
        await pilot.press("down", "enter")
        await settle(pilot, lambda: getattr(app.screen, "vin", None) == line.vins[6])
        assert "waiting at TRIM1" in facts(app)

    drive(app, steps)


def test_the_history_follows_the_car_as_it_moves(make_app, line, clock):
    app = make_app()
    vin = line.vins[4]

    async def steps(pilot):
        await pilot.press(*vin, "enter")  # start it at TRIM1 from the station terminal
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot, lambda: getattr(app.screen, "history", None) is not None)
        assert "in station at TRIM1" in facts(app)
        assert app.screen.query_one("#defects-title").render().plain == "Defects: none recorded"
        from neofloor.services.tracking import record_scan

        clock.advance(minutes=9, seconds=30)
        with line.db.write() as session:
            record_scan(session, "TRIM1", vin, "1002", "T-TRIM1-B", now=clock())
        await settle(pilot, lambda: "waiting at TRIM2" in facts(app), timeout=10)
        stays = str(app.screen.query_one("#stays", Static).render())
        assert stays.endswith("TRIM1 9m 30s")

    drive(app, steps)
