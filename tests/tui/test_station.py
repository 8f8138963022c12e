"""Scanning cars through the station terminal: starts, completes, refusals, holds, sign-in."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Label, OptionList

from neofloor.tui.dialogs.note import NoteDialog
from neofloor.tui.dialogs.sign_in import SignInDialog
from neofloor.tui.dialogs.station_choice import StationDialog
from neofloor.tui.screens.station import StationScreen
from neofloor.tui.screens.vehicle import VehicleScreen
from neofloor.tui.widgets.last_result import LastResult
from tests.conftest import SUPERVISOR, make_vin
from tests.tui.conftest import Bell, car_state, drive, footer_actions, plant_state, settle, sign_in, type_pin


def last_result(app) -> tuple[str, str]:
    outcome = app.screen.query_one("#last-result", LastResult).outcome
    return outcome.kind, outcome.sentence


async def scan(pilot, vin: str) -> None:
    """Type like a barcode scanner: the characters, then Enter."""
    await pilot.press(*vin, "enter")
    await settle(pilot)


async def test_a_scan_starts_the_car_and_the_next_scan_completes_it(make_app, line, clock):
    app = make_app()
    vin = line.vins[4]

    async with drive(app) as pilot:
        assert isinstance(app.screen, StationScreen)
        assert app.screen.focused is app.screen.query_one("#scan", Input)
        await scan(pilot, vin)
        assert last_result(app) == ("done", f"{vin} started at TRIM1. A scan from 11:30:02 completes it.")
        assert car_state(line.db, vin) == ("in_station", "TRIM1", None)
        assert app.screen.query_one("#scan", Input).value == ""
        # The car just started is the one shown and selected.
        assert app.screen.selected_vin() == vin
        assert [c.vin for c in app.screen.inside] == [vin, line.vins[3]]

        clock.advance(minutes=12)
        await scan(pilot, vin.lower())
        assert last_result(app) == ("done", f"{vin} completed TRIM1; next: TRIM2.")
        assert car_state(line.db, vin) == ("queued", "TRIM2", None)
        assert vin not in [c.vin for c in (*app.screen.inside, *app.screen.queue)]
        assert app.screen.focused is app.screen.query_one("#scan", Input)


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        pytest.param("ENFC1P0X3T000000", "has 16 characters; a VIN has 17.", id="malformed-vin"),
        pytest.param("ENFC1P0X4T0000004", "fails its check digit", id="bad-check-digit"),
        pytest.param(make_vin(99), "is not in the production plan.", id="unknown-vin"),
        pytest.param("car7", "is due at PAINT, not TRIM1.", id="wrong-station"),
        pytest.param(
            "car5", "is on hold (Paint run on the bonnet); a supervisor must release it.", id="held"
        ),
    ],
)
async def test_a_refused_scan_says_why_rings_and_changes_nothing(make_app, line, typed, sentence):
    app = make_app()
    bell = Bell(app)
    typed = line.vins[int(typed[3:])] if typed.startswith("car") else typed

    async with drive(app) as pilot:
        before = plant_state(line.db)
        await scan(pilot, typed)
        kind, said = last_result(app)
        assert kind == "refused"
        assert sentence in said
        assert bell.rings == 1
        assert plant_state(line.db) == before
        assert app.screen.query_one("#scan", Input).value == ""


async def test_a_double_scan_is_shown_as_ignored_and_not_recorded(make_app, line):
    app = make_app()
    bell = Bell(app)
    vin = line.vins[4]

    async with drive(app) as pilot:
        await scan(pilot, vin)
        after_first = plant_state(line.db)
        await scan(pilot, vin)  # the clock has not moved: the same second
        # NOW is 11:30 plant time; the default window is 2 s.
        assert last_result(app) == (
            "ignored",
            f"Double scan of {vin} at TRIM1 ignored; a scan from 11:30:02 counts.",
        )
        assert plant_state(line.db) == after_first
        assert bell.rings == 0


async def test_an_operator_not_certified_for_the_station_is_refused(make_app, line):
    app = make_app(badge="1001")  # certified for BODY and PAINT only

    async with drive(app) as pilot:
        before = plant_state(line.db)
        await scan(pilot, line.vins[4])
        assert last_result(app) == ("refused", "Youssef El Amrani is not certified for TRIM1.")
        assert plant_state(line.db) == before


async def test_hold_and_release_by_keys(make_app, line):
    app = make_app()
    vin = line.vins[4]

    async with drive(app) as pilot:
        await pilot.press("down")  # from the car in the station to the next in the queue
        assert app.screen.selected_vin() == vin
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("enter")  # no reason yet: the dialog stays and says so
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"Missing clip", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StationScreen)
        assert last_result(app) == ("done", f"{vin} held at TRIM1: Missing clip.")
        assert car_state(line.db, vin) == ("held", "TRIM1", "Missing clip")
        assert app.screen.focused is app.screen.query_one("#scan", Input)
        assert app.screen.selected_vin() == vin
        status = app.screen.query_one("#cars", DataTable).get_cell(vin, "status")
        assert str(status) == "HELD: Missing clip"

        # An operator may not release a hold: the key is not offered, and pressed does nothing.
        assert "release" not in footer_actions(app)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, StationScreen)
        assert car_state(line.db, vin) == ("held", "TRIM1", "Missing clip")

        # The supervisor signs in on this terminal (badge and PIN) and releases it, with a note.
        await sign_in(pilot, SUPERVISOR)
        assert "release" in footer_actions(app)
        assert app.operator is not None and app.operator.badge == SUPERVISOR
        assert app.screen.selected_vin() == vin
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press(*"Clip fitted", "enter")
        await settle(pilot)
        assert last_result(app) == ("done", f"{vin} released at TRIM1.")
        assert car_state(line.db, vin) == ("queued", "TRIM1", None)
        assert app.screen.focused is app.screen.query_one("#scan", Input)


async def test_escape_leaves_a_hold_unwritten(make_app, line):
    app = make_app()

    async with drive(app) as pilot:
        before = plant_state(line.db)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"typo", "escape")
        await settle(pilot)
        assert isinstance(app.screen, StationScreen)
        assert plant_state(line.db) == before
        assert app.screen.focused is app.screen.query_one("#scan", Input)


async def test_nobody_signed_in_cannot_scan(make_app, line):
    app = make_app(badge=None)

    async with drive(app) as pilot:
        assert isinstance(app.screen, SignInDialog)
        await pilot.press("escape")
        await settle(pilot)
        before = plant_state(line.db)
        await scan(pilot, line.vins[4])
        assert last_result(app) == ("refused", "Nobody is signed in: press F8 and sign in first.")
        assert plant_state(line.db) == before


async def test_sign_in_by_name_with_the_arrows_or_by_badge(make_app, line):
    app = make_app(badge=None)

    async with drive(app) as pilot:
        dialog = app.screen
        assert isinstance(dialog, SignInDialog)
        options = dialog.query_one("#operators", OptionList)
        # The demo plant's operators, the repair technician and the yard agent included.
        assert options.option_count == 11
        await pilot.press(*"karim")
        assert options.option_count == 1
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace")
        await pilot.press("down", "down", "up", "up", "enter")  # by name: Fatima Zahra Benali first
        await settle(pilot)
        assert app.operator is None and dialog.badge == "1002"  # the name found, the PIN still asked
        await type_pin(pilot, dialog)
        assert app.operator is not None and app.operator.name == "Fatima Zahra Benali"
        assert "Fatima Zahra Benali (operator)" in str(
            app.screen.query_one("#header-operator", Label).render()
        )

        # An unknown badge is refused with the services' sentence; the dialog stays open.
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press(*"7777", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SignInDialog)
        error = str(app.screen.query_one("#sign-in-error", Label).render())
        assert error == "Unknown badge '7777': nobody with that badge may work here."
        await pilot.press(*("backspace",) * 4, *"4001", "enter")
        await type_pin(pilot, app.screen)
        assert app.operator is not None and app.operator.badge == "4001"


async def test_a_terminal_without_station_asks_for_one(make_app, line):
    app = make_app(station=None)

    async with drive(app) as pilot:
        assert isinstance(app.screen, StationDialog)
        await pilot.press("down", "down", "enter")  # BODY, PAINT, TRIM1
        await settle(pilot)
        assert app.station == "TRIM1"
        # The badge given at start is not a sign-in: its PIN is asked next.
        assert isinstance(app.screen, SignInDialog) and app.operator is None
        await type_pin(pilot, app.screen)
        await settle(pilot)
        assert isinstance(app.screen, StationScreen)
        assert [c.vin for c in app.screen.inside] == [line.vins[3]]
        await scan(pilot, line.vins[4])
        assert last_result(app)[0] == "done"

        # F9 moves the terminal to another station.
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("up", "enter")
        await settle(pilot)
        assert app.station == "PAINT"
        assert [c.vin for c in app.screen.queue] == [line.vins[7]]


async def test_an_unknown_station_given_at_start_is_said_and_asked_again(make_app):
    app = make_app(station="TRIM9", badge="0000")

    async with drive(app) as pilot:
        assert isinstance(app.screen, StationDialog)
        problem = str(app.screen.query_one("#station-problem", Label).render())
        assert problem.startswith("Unknown station 'TRIM9'; stations are BODY, PAINT, TRIM1")
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        # The badge given was unknown too: the sign-in dialog says so.
        assert isinstance(app.screen, SignInDialog)
        error = str(app.screen.query_one("#sign-in-error", Label).render())
        assert error == "Unknown badge '0000': nobody with that badge may work here."


async def test_f4_opens_the_selected_car_and_escape_comes_back(make_app, line):
    app = make_app()

    async with drive(app) as pilot:
        await pilot.press("down", "down", "f4")
        await settle(pilot)
        assert isinstance(app.screen, VehicleScreen)
        assert app.screen.vin == line.vins[5]
        await settle(pilot, lambda: app.screen.history is not None)
        facts = str(app.screen.query_one("#facts").render())
        held = "State: HELD at TRIM1 since 26 Nov 10:50:00: Paint run on the bonnet"
        assert f"{held} · at TRIM1 since 26 Nov 10:41:00" in facts
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StationScreen)
        assert app.screen.focused is app.screen.query_one("#scan", Input)
        await scan(pilot, line.vins[4])
        assert last_result(app)[0] == "done"


async def test_a_missing_database_is_said_and_not_created(tmp_path):
    from neofloor.tui.app import NeofloorApp

    path = tmp_path / "nowhere.db"
    app = NeofloorApp(f"sqlite:///{path}", station="TRIM1")

    async def steps(pilot):
        await settle(pilot, lambda: bool(app.problem))
        kind, said = last_result(app)
        assert kind == "refused"
        assert said == f"No database at {path}: create one with 'neofloor init' or 'neofloor demo'."
        assert not path.exists()

    async with app.run_test(size=(100, 30)) as pilot:
        await steps(pilot)


async def test_a_long_queue_is_read_a_page_at_a_time(make_app, line):
    from neofloor.services.tracking.planning import add_vehicle
    from neofloor.tui.screens.station import QUEUE_PAGE

    with line.db.write() as session:
        for n in range(11, 11 + QUEUE_PAGE + 10):
            add_vehicle(session, make_vin(n), "C1", "GRY", f"ORD-{n:04d}", badge="3001")
    app = make_app(station="BODY", badge="1001")

    async with drive(app) as pilot:
        screen = app.screen
        title = screen.query_one("#queue-title", Label)
        assert len(screen.queue) == QUEUE_PAGE
        assert str(title.render()) == f"BODY: 0 in station · 63 waiting · queue 1-{QUEUE_PAGE} (PgUp/PgDn)"
        await pilot.press("pagedown")
        await settle(pilot)
        assert [c.build_seq for c in screen.queue] == list(range(QUEUE_PAGE + 8, 11 + QUEUE_PAGE + 10))
        assert str(title.render()).endswith(f"queue {QUEUE_PAGE + 1}-63 (PgUp/PgDn)")
        await pilot.press("pagedown")  # no page after the last
        await settle(pilot)
        assert screen.queue_offset == QUEUE_PAGE
        await pilot.press("pageup")
        await settle(pilot)
        assert screen.queue[0].vin == line.vins[8]


async def test_the_selected_car_stays_selected_when_another_terminal_writes(make_app, line, clock):
    from neofloor.services.scan import record_scan

    app = make_app()

    async with drive(app) as pilot:
        await pilot.press("down", "down", "down")
        assert app.screen.selected_vin() == line.vins[6]
        with line.db.write() as session:  # the terminal at TRIM1's other side starts #4
            record_scan(session, "TRIM1", line.vins[4], "1002", "T-TRIM1-B", now=clock())
        await settle(pilot, lambda: line.vins[4] in [c.vin for c in app.screen.inside], timeout=10)
        assert app.screen.selected_vin() == line.vins[6]
        assert app.screen.focused is app.screen.query_one("#scan", Input)


async def test_every_key_of_the_terminal_shows_at_80_columns(make_app, line):
    app = make_app(badge=SUPERVISOR)  # a supervisor: every key of the terminal is theirs

    async with drive(app, size=(80, 24)) as pilot:
        footer = app.screen.query_one("KeyFooter")
        keys = [k for k in footer.query("FooterKey") if k.display]
        labels = {k.description for k in keys}
        assert {
            "Hold",
            "History",
            "Stop",
            "To repair",
            "Override",
            "Board",
            "Find",
            "Sign out",
            "Station",
        } <= labels
        for key in keys:
            assert key.region.right <= 80
            assert key.region.width >= len(key.key_display) + 1 + len(key.description)
        # Release only for a held car, hold only for one that is not.
        await pilot.press("down", "down")
        labels = {k.description for k in footer.query("FooterKey") if k.display}
        assert "Release" in labels and "Hold" not in labels
