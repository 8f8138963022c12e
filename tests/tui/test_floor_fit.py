"""What a new user tripped on at the terminal, each kept fixed (issue "Floor fit")."""

from __future__ import annotations

from textual.widgets import Input, Label, OptionList

from neofloor.tui.dialogs.station_choice import StationDialog
from neofloor.tui.screens.station import StationScreen
from neofloor.tui.widgets.last_result import LastResult
from tests.tui.conftest import Bell, drive, settle, sign_in, type_pin


def last_result(app) -> tuple[str, str]:
    outcome = app.screen.query_one("#last-result", LastResult).outcome
    return outcome.kind, outcome.sentence


async def test_the_station_picker_filters_by_what_is_typed(make_app):
    app = make_app(station=None)

    async with drive(app) as pilot:
        assert isinstance(app.screen, StationDialog)
        await pilot.press("t", "r")
        options = app.screen.query_one("#stations", OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == ["TRIM1", "TRIM2"]
        await pilot.press("enter")
        await settle(pilot)
        assert app.station == "TRIM1"


async def test_the_station_picker_takes_the_arrows_after_typing_and_says_when_nothing_matches(make_app):
    app = make_app(station=None)

    async with drive(app) as pilot:
        await pilot.press(*"zz")
        assert app.screen.query_one("#stations", OptionList).option_count == 0
        assert "zz" in str(app.screen.query_one("#station-none", Label).render())
        await pilot.press("backspace", "backspace", *"tr", "down", "enter")
        await settle(pilot)
        assert app.station == "TRIM2"
        # The badge given at start is not a sign-in: its PIN comes next.
        await type_pin(pilot, app.screen)
        await settle(pilot)
        assert isinstance(app.screen, StationScreen)
        assert app.screen.focused is app.screen.query_one("#scan", Input)


def type_at_once(app, text: str) -> None:
    """Keys that reach the terminal within one pass of the event loop (a fast scanner, a paste
    in a terminal without bracketed paste): all posted before any is handled."""
    from textual import events

    for ch in text:
        key = "enter" if ch == "\r" else ch
        app.post_message(events.Key(key, ch))


async def test_two_vins_in_one_pass_are_two_scans_recorded_in_order(make_app, line):
    from tests.tui.conftest import car_state

    app = make_app()
    first, second = line.vins[4], line.vins[6]
    async with drive(app) as pilot:
        type_at_once(app, f"{first}\r{second}\r")
        await settle(pilot, lambda: car_state(line.db, second)[0] == "in_station")
        await settle(pilot)
        assert car_state(line.db, first) == ("in_station", "TRIM1", None)
        assert last_result(app)[1].startswith(f"{second} started at TRIM1.")
        assert app.screen.query_one("#scan", Input).value == ""
        # In the order scanned: the first car's start is the earlier event.
        from neofloor.services.tracking.history import vehicle_history

        with line.db.read() as session:
            started = [vehicle_history(session, vin).events[-1].id for vin in (first, second)]
        assert started[0] < started[1]


async def test_a_300_character_paste_rings_once_and_says_so_once(make_app, line):
    from tests.tui.conftest import plant_state

    app = make_app()
    bell = Bell(app)
    async with drive(app) as pilot:
        before = plant_state(line.db)
        type_at_once(app, "A" * 300)
        await settle(pilot)
        assert bell.rings == 1
        kind, sentence = last_result(app)
        assert kind == "refused" and sentence.startswith("Too long: this field takes 40 characters")
        recent = app.screen.query_one("#recent")
        assert len(recent.entries) == 1
        assert plant_state(line.db) == before


async def test_a_start_says_when_a_scan_completes_the_car_and_then_one_does(make_app, line, clock):
    from tests.tui.conftest import car_state

    app = make_app()
    vin = line.vins[4]
    async with drive(app) as pilot:
        await pilot.press(*vin, "enter")
        await settle(pilot)
        assert last_result(app) == ("done", f"{vin} started at TRIM1. A scan from 11:30:02 completes it.")
        clock.advance(seconds=1)
        await pilot.press(*vin, "enter")
        await settle(pilot)
        assert last_result(app)[0] == "ignored"
        clock.advance(seconds=1)
        await pilot.press(*vin, "enter")
        await settle(pilot)
        assert last_result(app) == ("done", f"{vin} completed TRIM1; next: TRIM2.")
        assert car_state(line.db, vin) == ("queued", "TRIM2", None)


def test_the_double_scan_window_comes_from_the_plant_config(tmp_path):
    import pytest

    from neofloor.services.plant.catalog import plant_catalog
    from neofloor.services.plant.config import demo_plant_text, init_plant, load_plant_config
    from neofloor.services.plant.errors import ConfigError
    from neofloor.store.engine import Database

    assert load_plant_config().double_scan_seconds == 2.0
    path = tmp_path / "plant.toml"
    path.write_text(
        demo_plant_text().replace(
            "vin_check_digit = true", "vin_check_digit = true\ndouble_scan_seconds = 0.5"
        )
    )
    database = Database(f"sqlite:///{tmp_path / 'p.db'}")
    with database.write() as session:
        init_plant(session, load_plant_config(path))
    with database.read() as session:
        assert plant_catalog(session).double_scan_seconds == 0.5
    database.dispose()
    path.write_text(
        demo_plant_text().replace(
            "vin_check_digit = true", 'vin_check_digit = true\ndouble_scan_seconds = "soon"'
        )
    )
    with pytest.raises(ConfigError, match="double_scan_seconds"):
        load_plant_config(path)


def test_moments_are_dated_whenever_they_are_not_today():
    from datetime import UTC, datetime

    from neofloor.tui.formatting import moment_text

    now = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    zone = "Africa/Casablanca"
    assert moment_text(datetime(2026, 12, 5, 8, 33, tzinfo=UTC), zone, now) == "09:33"
    assert moment_text(datetime(2026, 11, 25, 9, 33, tzinfo=UTC), zone, now) == "25 Nov 10:33"
    assert moment_text(datetime(2025, 11, 25, 9, 33, tzinfo=UTC), zone, now) == "25 Nov 2025 10:33"
    assert moment_text(None, zone, now) == "-"


async def test_f1_lists_the_views_keys_and_the_footer_shows_how_to_quit(make_app):
    from neofloor.tui.dialogs.keys_help import KeysHelpDialog

    app = make_app()
    async with drive(app, size=(80, 24)) as pilot:
        footer = {b.description for _n, b, enabled, _t in app.screen.active_bindings.values() if b.show}
        assert "Quit" in footer
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, KeysHelpDialog)
        lines = {what: more for _key, what, more in app.screen.lines}
        assert lines["Hold"] == "Hold the selected car, with a reason."
        assert "Board" in lines and "Quit" in lines
        await pilot.press("f6")  # the board's keys are the board's
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f6", "f1")
        await settle(pilot)
        lines = {what for _key, what, _more in app.screen.lines}
        assert "Overrides" in lines and "Hold" not in lines
        await pilot.press("f1")
        await settle(pilot)
        assert not isinstance(app.screen, KeysHelpDialog)


async def test_the_quality_overviews_ages_move_on_without_reading_again(make_app, line, clock):
    from textual.widgets import DataTable

    from neofloor.tui.screens.quality import QualityScreen
    from neofloor.tui.widgets.quality_panes import OPEN_COLUMNS

    app = make_app(badge="2001")
    async with drive(app, size=(120, 40)) as pilot:
        await pilot.press("f11")
        await settle(pilot, lambda: isinstance(app.screen, QualityScreen) and app.screen.counts is not None)
        screen = app.screen
        table = screen.query_one("#open-list", DataTable)
        age = OPEN_COLUMNS.index("Age")
        before = [str(table.get_row_at(i)[age]) for i in range(table.row_count)]
        page = screen.page
        clock.advance(minutes=61)
        screen._retime_ages()
        await pilot.pause()
        after = [str(table.get_row_at(i)[age]) for i in range(table.row_count)]
        assert screen.page is page  # nothing read again
        assert after != before
        from neofloor.services.plant.clock import format_duration

        assert after[0] == format_duration(page[0].age_seconds + 61 * 60)


async def test_repair_and_verify_from_the_quality_overview_and_the_palette(make_app, line):
    from neofloor.tui.dialogs.note import NoteDialog
    from neofloor.tui.screens.quality import QualityScreen
    from tests.tui.test_vehicle import statuses

    app = make_app()  # the TRIM1 operator repairs; an inspector verifies
    vin = line.vins[3]
    async with drive(app, size=(120, 40)) as pilot:
        await pilot.press("f11")
        await settle(pilot, lambda: isinstance(app.screen, QualityScreen) and app.screen.counts is not None)
        screen = app.screen
        assert [r.code for r in screen.page] == ["PT-RUN", "EL-CONN"]  # oldest first
        assert screen.check_action("defect_step", ("verify",)) is None  # open: nothing to verify yet
        await pilot.press("down", "r")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"Connector reseated", "enter")
        await settle(pilot, lambda: statuses(line, vin)["EL-CONN"] == "repaired")

        await sign_in(pilot, "2001")  # the last person's views close
        await pilot.press("f11")
        await settle(pilot, lambda: isinstance(app.screen, QualityScreen) and app.screen.counts is not None)
        screen = app.screen
        # The palette's "Defects to verify" narrows the list to the repairs waiting for an inspector.
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Defects to verify")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot, lambda: screen.filters.status == "repaired" and len(screen.page) == 1)
        assert screen.page[0].code == "EL-CONN"
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("enter")
        await settle(pilot, lambda: statuses(line, vin)["EL-CONN"] == "verified")
        await settle(pilot, lambda: not screen.page)


async def test_the_quality_overview_gives_fpy_and_dphu_by_station(make_app, line):
    from textual.widgets import DataTable

    from neofloor.tui.screens.quality import QualityScreen

    app = make_app(badge="2001")
    async with drive(app, size=(120, 40)) as pilot:
        await pilot.press("f11")
        await settle(pilot, lambda: isinstance(app.screen, QualityScreen) and app.screen.counts is not None)
        await pilot.press("f4")
        table = app.screen.query_one("#yield-stations", DataTable)
        await settle(pilot, lambda: table.row_count > 0)
        rows = {
            str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)] for i in range(table.row_count)
        }
        assert list(rows)[:3] == ["BODY", "PAINT", "TRIM1"]
        # PAINT: the seeded cars through it today; #3's paint run was found there.
        assert rows["PAINT"][4] == "1"


async def test_repair_from_the_defect_entry_view_once_its_list_has_the_focus(make_app, line):
    from neofloor.tui.dialogs.note import NoteDialog
    from neofloor.tui.widgets.defect_table import DefectTable
    from tests.tui.test_defect_entry import open_entry
    from tests.tui.test_vehicle import statuses

    app = make_app()
    vin = line.vins[3]
    async with drive(app, size=(120, 40)) as pilot:
        await open_entry(pilot, vin)
        screen = app.screen
        # In a field, r is a letter of what is typed: the key is not offered.
        assert screen.check_action("defect_step", ("repair",)) is False
        table = screen.query_one("#car-defects", DefectTable)
        table.focus()
        await pilot.press("down")  # EL-CONN
        await settle(pilot)
        assert screen.check_action("defect_step", ("repair",)) is True
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"Connector reseated", "enter")
        await settle(pilot, lambda: statuses(line, vin)["EL-CONN"] == "repaired")
