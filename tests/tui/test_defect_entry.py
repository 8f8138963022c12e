"""Defect entry (F10): scan a car, log defects with the keyboard alone, a few keys each."""

from __future__ import annotations

from textual.widgets import Input

from neofloor.services.quality import car_defects, repair_defect
from neofloor.tui.dialogs.choice import ChoiceDialog
from neofloor.tui.dialogs.vin_choice import VinChoiceDialog
from neofloor.tui.screens.defects import DefectEntryScreen
from neofloor.tui.screens.vehicle import VehicleScreen
from neofloor.tui.widgets.defect_table import DefectTable
from neofloor.tui.widgets.last_result import LastResult
from neofloor.tui.widgets.match_list import MatchList
from tests.conftest import INSPECTOR
from tests.quality.helpers import defect_tables
from tests.tui.conftest import Bell, drive, settle


class Keys:
    """Presses keys and counts them, to measure what logging a defect costs."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)


def entry(app) -> DefectEntryScreen:
    screen = app.screen
    assert isinstance(screen, DefectEntryScreen)
    return screen


def result(app) -> tuple[str, str]:
    outcome = app.screen.query_one("#entry-result", LastResult).outcome
    return outcome.kind, outcome.sentence


def field(app, name: str) -> Input:
    return app.screen.query_one(f"#{name}", Input)


def rows(app) -> list[tuple[str, ...]]:
    table = app.screen.query_one("#car-defects", DefectTable)
    return [tuple(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


async def open_entry(pilot, vin: str) -> None:
    """F10, then the VIN as a barcode scanner types it."""
    app = pilot.app
    await pilot.press("f10")
    await settle(pilot, lambda: isinstance(app.screen, DefectEntryScreen) and bool(app.screen.entries))
    assert app.screen.focused is field(app, "vin")
    await pilot.press(*vin, "enter")
    await settle(pilot, lambda: entry(app).car is not None)


async def test_a_skilled_inspector_logs_a_common_defect_in_six_keys(make_app, line):
    app = make_app(station="TRIM1", badge=INSPECTOR, terminal="T-TRIM1-Q")
    vin = line.vins[3]

    async with drive(app) as pilot:
        await open_entry(pilot, vin)
        screen = entry(app)
        assert screen.focused is field(app, "defect")
        assert [r[1] for r in rows(app)] == ["PT-RUN", "EL-CONN"]

        keys = Keys(pilot)
        await keys.press("w", "l")
        await settle(pilot)
        matches = screen.query_one("#matches", MatchList)
        assert matches.values[:3] == ["WL-DOOR", "WL-ROOF", "WL-SCRN"]
        assert matches.choice == "WL-DOOR"
        await keys.press("enter")
        await settle(pilot)
        assert screen.focused is field(app, "zone")
        assert field(app, "defect").value == "WL-DOOR"
        assert field(app, "severity").value == "major"  # the catalog's
        # The zones are listed as soon as the field has the focus, before a letter is typed.
        assert matches.display and len(matches.values) == 10 and matches.choice is None
        await keys.press("l", "enter")
        await settle(pilot)
        assert field(app, "zone").value == "Left"
        assert screen.focused is field(app, "note")
        await keys.press("enter")
        await settle(pilot, lambda: len(rows(app)) == 3)
        assert keys.count == 6

        kind, sentence = result(app)
        assert kind == "done"
        assert sentence.endswith(f"logged on {vin}: WL-DOOR Water leak at door seal, left, major.")
        with line.db.read() as session:
            logged = car_defects(session, vin)[-1]
        assert (logged.code, logged.zone, logged.severity, logged.status) == (
            "WL-DOOR",
            "left",
            "major",
            "open",
        )
        assert (logged.station, logged.found_by) == ("TRIM1", "Nadia Berrada")
        # The form stays on the car, ready for the next defect.
        assert screen.vin == vin
        assert screen.focused is field(app, "defect")
        assert [field(app, f).value for f in ("defect", "zone", "severity", "note")] == ["", "", "", ""]
        assert rows(app)[-1][1:5] == ("WL-DOOR", "left", "major", "open")
        assert screen.query_one("#car-defects", DefectTable).selected_id() == logged.id


async def test_refusals_are_red_with_the_services_sentence_and_write_nothing(make_app, line):
    app = make_app(badge="1002")  # TRIM1's operator
    bell = Bell(app)
    vin = line.vins[3]

    async def refused(pilot, *keys: str) -> str:
        before = defect_tables(line.db)
        rings = bell.rings
        await pilot.press(*keys)
        await settle(pilot, lambda: result(app)[0] == "refused")
        assert bell.rings == rings + 1
        assert defect_tables(line.db) == before
        return result(app)[1]

    async with drive(app) as pilot:
        await open_entry(pilot, vin)
        # The connector already logged, open.
        sentence = await refused(pilot, *"el-conn", "enter", *"el", "enter", "enter")
        assert sentence == f"EL-CONN at electrical is already logged on {vin} as defect #2, still open."
        # The form keeps what was typed, to be put right.
        assert (field(app, "defect").value, field(app, "zone").value) == ("EL-CONN", "Electrical")

        # An operator may not log a major defect as minor.
        await pilot.press("escape", *"conn", "enter", *"fr", "enter", "f2")
        assert field(app, "severity").value == "minor"
        sentence = await refused(pilot, "enter")
        assert (
            sentence
            == "EL-CONN is major in the catalog; only an inspector or a line leader may log it as minor."
        )

        # Letters that match nothing in the catalog, or no zone.
        await pilot.press("escape")
        sentence = await refused(pilot, *"zzq", "enter")
        assert sentence == "No defect in the catalog matches 'zzq': try other letters or words."
        await pilot.press("escape", *"dent", "enter")
        sentence = await refused(pilot, *"x", "enter")
        assert sentence.startswith("Unknown zone 'x'; zones are front, rear, left, right, roof")
        assert app.screen.focused is field(app, "zone")


async def test_an_operator_logs_only_at_a_station_they_are_certified_for(make_app, line):
    app = make_app(badge="1001")  # certified for BODY and PAINT, at the TRIM1 terminal
    bell = Bell(app)

    async with drive(app) as pilot:
        await open_entry(pilot, line.vins[3])
        before = defect_tables(line.db)
        await pilot.press(*"scr", "enter", *"le", "enter", "enter")
        await settle(pilot, lambda: result(app)[0] == "refused")
        assert (
            result(app)[1]
            == "Youssef El Amrani may log defects only at a station they are certified for, not TRIM1."
        )
        assert bell.rings == 1
        assert defect_tables(line.db) == before

        # Found at PAINT (F3), where they work: logged there.
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("down", "down", "enter")  # this terminal's station, BODY, PAINT
        await settle(pilot)
        assert entry(app).found_at == "PAINT"
        await pilot.press("enter")
        await settle(pilot, lambda: len(rows(app)) == 3)
        assert result(app) == (
            "done",
            f"Defect #3 logged on {line.vins[3]}: PT-SCR Paint scratch, left, minor.",
        )
        assert rows(app)[-1][5].startswith("PAINT ")


async def test_arrows_choose_among_the_matches_and_letters_name_the_severity(make_app, line):
    app = make_app(badge=INSPECTOR)
    vin = line.vins[3]

    async with drive(app) as pilot:
        await open_entry(pilot, vin)
        screen = entry(app)
        matches = screen.query_one("#matches", MatchList)
        await pilot.press("w", "l")
        await settle(pilot)
        await pilot.press("down", "down")
        assert matches.choice == "WL-SCRN"
        await pilot.press("enter")
        await settle(pilot)
        assert field(app, "defect").value == "WL-SCRN"
        # "r" is rear, right or roof: the first until the arrows say otherwise.
        await pilot.press("r")
        await settle(pilot)
        assert matches.values == ["rear", "right", "roof"]
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert field(app, "zone").value == "Roof"
        await pilot.press("shift+tab")  # back to the severity
        assert screen.focused is field(app, "severity")
        await pilot.press(*"c", "enter")
        await settle(pilot)
        assert field(app, "severity").value == "critical"
        assert screen.focused is field(app, "note")
        await pilot.press(*"Drips on the passenger seat", "enter")
        await settle(pilot, lambda: len(rows(app)) == 3)
        with line.db.read() as session:
            logged = car_defects(session, vin)[-1]
        assert (logged.code, logged.zone, logged.severity, logged.note) == (
            "WL-SCRN",
            "roof",
            "critical",
            "Drips on the passenger seat",
        )


async def test_cars_by_their_last_digits_and_a_vin_scanned_into_any_field(make_app, line):
    app = make_app(badge=INSPECTOR)
    bell = Bell(app)

    async with drive(app) as pilot:
        await pilot.press("f10")
        await settle(pilot, lambda: isinstance(app.screen, DefectEntryScreen) and bool(app.screen.entries))
        screen = entry(app)
        await pilot.press(*"000006", "enter")
        await settle(pilot, lambda: screen.car is not None)
        assert screen.vin == line.vins[6]
        assert rows(app) == []
        title = screen.query_one("#car-defects-title").render().plain
        assert title == "Defects on …000006: none recorded"

        # A scanner reading another car while the defect field has the focus.
        await pilot.press(*"d", "o")
        await pilot.press(*line.vins[3], "enter")
        await settle(pilot, lambda: screen.vin == line.vins[3] and screen.car.vin == line.vins[3])
        assert field(app, "defect").value == ""
        assert screen.focused is field(app, "defect")
        assert len(rows(app)) == 2

        # Escape clears the defect being typed; again, back to the VIN for another car.
        await pilot.press(*"dent", "escape")
        assert field(app, "defect").value == ""
        assert screen.focused is field(app, "defect")
        await pilot.press("escape")
        assert screen.focused is field(app, "vin")
        await pilot.press(*"ENFC1E", "enter")
        await settle(pilot)
        assert isinstance(app.screen, VinChoiceDialog)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press(*"ZZZZ", "enter")
        await settle(pilot)
        assert result(app) == ("refused", "No car's VIN starts or ends with ZZZZ.")
        assert bell.rings == 1

        # F4: the car's history, where its defects are repaired and verified.
        await pilot.press("f4")
        await settle(pilot, lambda: isinstance(app.screen, VehicleScreen) and app.screen.history is not None)
        assert app.screen.vin == line.vins[3]


async def test_nobody_signed_in_logs_nothing(make_app, line):
    app = make_app(badge=None)
    bell = Bell(app)

    async with drive(app) as pilot:
        await pilot.press("escape")  # the sign-in dialog the terminal opens with
        await settle(pilot)
        await open_entry(pilot, line.vins[3])
        before = defect_tables(line.db)
        await pilot.press(*"dent", "enter", "f", "enter", "enter")
        await settle(pilot)
        assert result(app) == ("refused", "Nobody is signed in: press F8 and sign in first.")
        assert bell.rings == 1
        assert defect_tables(line.db) == before


async def test_the_palette_opens_the_defect_entry_and_the_list_follows_other_terminals(make_app, line, clock):
    app = make_app(badge=INSPECTOR)
    vin = line.vins[3]

    async with drive(app) as pilot:
        await pilot.press("ctrl+p", *"defect entry")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, DefectEntryScreen) and bool(app.screen.entries))
        await pilot.press(*vin, "enter")
        await settle(pilot, lambda: entry(app).car is not None)
        assert [r[4] for r in rows(app)] == ["open", "open"]

        # Another terminal records the connector's repair: the list shows it.
        clock.advance(minutes=2)
        with line.db.write() as session:
            repair_defect(session, 2, "1002", "Reseated", now=clock())
        await settle(pilot, lambda: rows(app)[1][4] == "repaired: to verify", timeout=10)
