"""A car's history: opened from the palette, by typing a VIN, from a queue or the board.

Its defects are repaired, verified, rejected and cancelled from here, by keys.
"""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import DataTable, Input, OptionList, Static

from neofloor.services.quality import car_defects
from neofloor.tui.dialogs.note import NoteDialog
from neofloor.tui.dialogs.vin_choice import VinChoiceDialog
from neofloor.tui.screens.board import LineBoardScreen
from neofloor.tui.screens.defects import DefectEntryScreen
from neofloor.tui.screens.station import StationScreen
from neofloor.tui.screens.vehicle import VehicleScreen
from neofloor.tui.widgets.defect_table import DefectTable
from neofloor.tui.widgets.last_result import LastResult
from tests.conftest import INSPECTOR
from tests.quality.helpers import defect_tables
from tests.tui.conftest import Bell, drive, settle
from tests.tui.conftest import sign_in as sign_in_with_pin

OTHER_INSPECTOR = "2002"


def facts(app) -> str:
    return str(app.screen.query_one("#facts", Static).render())


async def test_the_palette_jumps_to_a_car_by_the_last_digits_of_its_vin(make_app, line):
    app = make_app()

    async with drive(app) as pilot:
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
        assert [str(defects.get_row_at(i)[1]) for i in range(defects.row_count)] == ["PT-RUN", "EL-CONN"]


async def test_the_palette_switches_views_and_station(make_app, line):
    app = make_app()

    async with drive(app) as pilot:
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


async def test_typing_a_vin_or_its_end_in_the_find_field(make_app, line):
    app = make_app()

    async with drive(app) as pilot:
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


async def test_the_history_follows_the_car_as_it_moves(make_app, line, clock):
    app = make_app()
    vin = line.vins[4]

    async with drive(app) as pilot:
        await pilot.press(*vin, "enter")  # start it at TRIM1 from the station terminal
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot, lambda: getattr(app.screen, "history", None) is not None)
        assert "in station at TRIM1" in facts(app)
        assert (
            app.screen.query_one("#defects-title").render().plain == "Defects: none recorded (d to log one)"
        )
        from neofloor.services.scan import record_scan

        clock.advance(minutes=9, seconds=30)
        with line.db.write() as session:
            record_scan(session, "TRIM1", vin, "1002", "T-TRIM1-B", now=clock())
        await settle(pilot, lambda: "waiting at TRIM2" in facts(app), timeout=10)
        stays = str(app.screen.query_one("#stays", Static).render())
        assert stays.endswith("TRIM1 9m 30s")


# --- defects on the car's screen ------------------------------------------------------


def defect_result(app) -> tuple[str, str]:
    banner = app.screen.query_one("#defect-result", LastResult)
    assert banner.display, "no result shown yet"
    return banner.outcome.kind, banner.outcome.sentence


def statuses(line, vin: str) -> dict[str, str]:
    """The car's defects, code -> status, as the database has them."""
    with line.db.read() as session:
        return {d.code: d.status for d in car_defects(session, vin)}


async def open_car(pilot, vin: str) -> VehicleScreen:
    app = pilot.app
    app.show_vehicle(vin)
    await settle(pilot, lambda: isinstance(app.screen, VehicleScreen) and app.screen.history is not None)
    return app.screen


async def sign_in(pilot, badge: str) -> None:
    """Sign in (the last person's screens close) and come back to the car shown, on the same defect."""
    app = pilot.app
    screen = app.screen
    vin, defect = screen.vin, screen.selected_defect()
    await sign_in_with_pin(pilot, badge)
    screen = await open_car(pilot, vin)
    table = screen.query_one("#defects", DefectTable)
    for _ in range(table.row_count):
        if screen.selected_defect().id == defect.id:
            break
        await pilot.press("down")


async def answer(pilot, *keys: str) -> None:
    """Type into the dialog a defect action asks, then Enter."""
    assert isinstance(pilot.app.screen, NoteDialog)
    await pilot.press(*keys, "enter")
    await settle(pilot, lambda: not isinstance(pilot.app.screen, NoteDialog))


async def test_repair_then_verify_from_the_cars_screen(make_app, line):
    """The TRIM1 operator repairs the connector, may not verify it; an inspector does."""
    app = make_app()  # TRIM1, its operator signed in
    bell = Bell(app)
    vin = line.vins[3]

    async with drive(app) as pilot:
        screen = await open_car(pilot, vin)
        table = screen.query_one("#defects", DefectTable)
        # The defects to close have the keys: the cursor waits on the first of them.
        assert screen.focused is table
        assert screen.selected_defect().code == "PT-RUN"
        await pilot.press("down")
        assert screen.selected_defect().code == "EL-CONN"
        assert screen.check_action("defect", ("verify",)) is False  # an operator is not offered it
        await pilot.press("v")
        await settle(pilot)
        assert app.screen is screen  # a key not offered asks nothing

        await pilot.press("r")
        await settle(pilot)
        await answer(pilot, *"Connector reseated and clipped")
        kind, sentence = defect_result(app)
        assert kind == "done"
        assert sentence == f"Defect #2 EL-CONN on {vin} repaired at TRIM1; an inspector must verify it."
        await settle(pilot, lambda: screen.selected_defect().status == "repaired")
        assert statuses(line, vin) == {"PT-RUN": "open", "EL-CONN": "repaired"}
        story = str(screen.query_one("#defect-story", Static).render())
        assert (
            "repaired 26 Nov 11:30 at TRIM1 by Fatima Zahra Benali: Connector reseated and clipped" in story
        )

        # An operator may not sign a repair off: not offered, nothing asked, nothing written.
        before = defect_tables(line.db)
        assert screen.check_action("defect", ("verify",)) is False
        await pilot.press("v")
        await settle(pilot)
        assert app.screen is screen and bell.rings == 0
        assert defect_tables(line.db) == before

        await sign_in(pilot, INSPECTOR)
        screen = app.screen
        assert isinstance(screen, VehicleScreen) and screen.selected_defect().code == "EL-CONN"
        await pilot.press("v")
        await settle(pilot)
        await answer(pilot, *"Checked")
        assert defect_result(app) == ("done", f"Defect #2 EL-CONN on {vin} verified: closed.")
        await settle(pilot, lambda: screen.selected_defect().status == "verified")
        assert statuses(line, vin) == {"PT-RUN": "open", "EL-CONN": "verified"}
        assert screen.check_action("defect", ("repair",)) is None
        assert screen.check_action("defect", ("cancel",)) is None


async def test_whoever_repaired_may_not_verify_and_a_rejected_repair_is_open_again(make_app, line):
    app = make_app(badge=INSPECTOR)
    bell = Bell(app)
    vin = line.vins[3]

    async with drive(app) as pilot:
        screen = await open_car(pilot, vin)
        await pilot.press("down", "r")
        await settle(pilot)
        await answer(pilot, *"Reseated")
        await settle(pilot, lambda: screen.selected_defect().status == "repaired")

        before = defect_tables(line.db)
        await pilot.press("v")
        await settle(pilot)
        await answer(pilot)
        assert defect_result(app) == (
            "refused",
            "Nadia Berrada repaired defect #2 EL-CONN and may not verify it; another inspector must.",
        )
        assert bell.rings == 1
        assert defect_tables(line.db) == before

        # Another inspector finds the repair not good: the defect is open again.
        await sign_in(pilot, OTHER_INSPECTOR)
        screen = app.screen
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("enter")  # a rejection needs a reason: the dialog stays
        assert isinstance(app.screen, NoteDialog)
        await answer(pilot, *"Still loose")
        assert defect_result(app) == (
            "done",
            f"Repair of defect #2 EL-CONN on {vin} rejected: open again (Still loose).",
        )
        await settle(pilot, lambda: screen.selected_defect().status == "open")
        assert statuses(line, vin)["EL-CONN"] == "open"
        await settle(
            pilot, lambda: "repair rejected" in str(screen.query_one("#defect-story", Static).render())
        )
        story = str(screen.query_one("#defect-story", Static).render())
        assert "→ repaired 26 Nov 11:30 at TRIM1 by Nadia Berrada: Reseated" in story
        assert "→ repair rejected 26 Nov 11:30 at TRIM1 by Hamza Tazi: Still loose" in story


async def test_a_defect_logged_in_error_is_cancelled_with_a_reason(make_app, line):
    app = make_app(badge=INSPECTOR)
    vin = line.vins[3]

    async with drive(app) as pilot:
        screen = await open_car(pilot, vin)
        assert screen.selected_defect().code == "PT-RUN"
        await pilot.press("c")
        await settle(pilot)
        await answer(pilot, *"Wrong car")
        assert defect_result(app) == ("done", f"Defect #1 PT-RUN on {vin} cancelled: Wrong car.")
        await settle(pilot, lambda: screen.selected_defect().status == "cancelled")
        assert statuses(line, vin) == {"PT-RUN": "cancelled", "EL-CONN": "open"}
        title = screen.query_one("#defects-title").render().plain
        assert title.startswith("Defects (2): 1 not closed · 1 serious: no pass at the quality gate")


async def test_the_cars_screen_opens_the_defect_entry_on_its_car(make_app, line):
    app = make_app(badge=INSPECTOR)
    vin = line.vins[3]

    async with drive(app) as pilot:
        await open_car(pilot, vin)
        await pilot.press("d")
        await settle(pilot, lambda: isinstance(app.screen, DefectEntryScreen) and app.screen.car is not None)
        screen = app.screen
        assert screen.vin == vin
        assert screen.focused is screen.query_one("#defect", Input)
        assert len(app.screen_stack) == 1
