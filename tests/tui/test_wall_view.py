"""The read-only wall screen (``neofloor --view board|dashboard``): one view, no sign-in, no writes."""

from __future__ import annotations

import pytest
from textual.message import Message

from neofloor.tui.app import NeofloorApp
from neofloor.tui.dialogs.sign_in import SignInDialog
from neofloor.tui.wall import READ_ONLY_SENTENCE, WALL_ACTIONS
from neofloor.tui.writes import Answer, write_in_worker
from tests.tui.conftest import TRIM1_OPERATOR, drive, plant_state, settle
from tests.tui.test_people import IdleClock

# Every key of the floor that writes, on any view (the board's line actions, the dashboard's note
# and report, the app's sign-in and station choice).
WRITE_ACTIONS = {
    "raise_stop",
    "end_stop",
    "send_to_repair",
    "return_from_repair",
    "override",
    "add_note",
    "write_report",
    "sign_in",
    "choose_station",
    "find_car",
    "history",
    "sign_out",
    "show_skills",
    "show_audit",
}
# Keys a wall shows besides its view's reading keys: Textual's palette.
# Keys that change nothing anywhere: the palette, F1 (the view's keys), Ctrl+Q (quit).
WALL_EXTRA_KEYS = {"command_palette", "keys_help", "quit"}


class Came(Message):
    """The answer came back (the test keeps the answer itself)."""


def wall_app(line, clock, view: str) -> NeofloorApp:
    return NeofloorApp(line.url, terminal="T-WALL", view=view, clock=clock)


def footer_actions(app: NeofloorApp) -> set[str]:
    """The actions of the keys the footer shows (what is live on the screen now)."""
    return {
        active.binding.action.split("(")[0].removeprefix("app.")
        for active in app.active_bindings.values()
        if active.enabled and active.binding.show
    }


@pytest.mark.parametrize("view", ["board", "dashboard"])
async def test_the_wall_shows_its_view_asks_nobody_and_offers_no_write_key(line, clock, view):
    app = wall_app(line, clock, view)
    async with drive(app, size=(120, 40)) as pilot:
        await settle(pilot, lambda: app.database is not None)
        assert app.current_mode == view
        assert app.operator is None
        assert not isinstance(app.screen, SignInDialog)
        shown = footer_actions(app)
        assert not shown & WRITE_ACTIONS, shown & WRITE_ACTIONS
        assert "show_view" not in shown
        # Only the listed reading keys: a key a view gains later stays off the wall until listed.
        assert shown <= WALL_ACTIONS[view] | WALL_EXTRA_KEYS, shown - WALL_ACTIONS[view]
        # The keys that only read stay (the board's overrides list, the dashboard's shifts).
        assert shown & WALL_ACTIONS[view]


async def test_write_keys_do_nothing_on_the_board_wall(line, clock):
    app = wall_app(line, clock, "board")
    before = plant_state(line.db)
    async with drive(app, size=(120, 40)) as pilot:
        await settle(pilot, lambda: app.database is not None)
        for key in ("ctrl+s", "ctrl+r", "ctrl+o", "f8", "f9", "f7", "f5", "f4", "enter"):
            await pilot.press(key)
            await settle(pilot)
            assert app.current_mode == "board"
            assert len(app.screen_stack) == 1, f"{key} opened {app.screen!r}"
        # A scan typed at the wall goes nowhere.
        await pilot.press(*line.vins[4], "enter")
        await settle(pilot)
        assert len(app.screen_stack) == 1
    assert plant_state(line.db) == before


async def test_a_write_that_reaches_the_writer_is_refused_and_not_run(line, clock):
    app = wall_app(line, clock, "dashboard")
    ran: list[bool] = []
    answers: list[Answer[None]] = []

    def unit() -> None:
        ran.append(True)

    async with drive(app, size=(120, 40)) as pilot:
        await settle(pilot, lambda: app.database is not None)

        def answered(answer: Answer[None]) -> Came:
            answers.append(answer)
            return Came()

        write_in_worker(app.screen, unit, answered, group="test-write")
        await settle(pilot, lambda: bool(answers))
    assert ran == []
    assert answers[0].refusal is not None
    assert str(answers[0].refusal) == READ_ONLY_SENTENCE


async def test_the_palette_offers_no_floor_command_on_a_wall(line, clock):
    from neofloor.tui.commands import FloorCommands

    app = wall_app(line, clock, "board")
    async with drive(app, size=(120, 40)) as pilot:
        await settle(pilot, lambda: app.database is not None)
        provider = FloorCommands(app.screen)
        assert provider._commands() == []
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert not [t for t in titles if "screenshot" in t.lower()]
        assert "High-contrast theme" in titles


def audit_count(line) -> int:
    from sqlalchemy import func, select

    from neofloor.store.models import AuditEntry

    with line.db.read() as session:
        return int(session.execute(select(func.count()).select_from(AuditEntry)).scalar_one())


@pytest.mark.parametrize("view", ["board", "dashboard"])
async def test_a_wall_never_counts_down_signs_out_or_asks_anyone_to_sign_in(line, clock, view):
    """The idle sign-out and the sign-in dialog of the floor stay off a wall screen, even with a
    badge given at start and someone taken for signed in."""
    from neofloor.services.plant.operators import operator_by_badge

    idle = IdleClock()
    app = NeofloorApp(
        line.url,
        station="TRIM1",
        terminal="T-WALL",
        operator_badge=TRIM1_OPERATOR,  # ignored by a wall
        clock=clock,
        view=view,
        idle_minutes=2,
        idle_clock=idle,
        idle_check_seconds=0.02,
    )
    audits = audit_count(line)
    async with drive(app, size=(120, 40)) as pilot:
        await settle(pilot, lambda: app.database is not None)
        assert app.operator is None and app.station is None
        idle.advance(600)
        await pilot.pause(0.2)
        assert len(app.screen_stack) == 1 and not isinstance(app.screen, SignInDialog)
        assert app.idle_left is None

        # Were anyone ever taken for signed in on a wall, the idle time would still sign nobody
        # out over it, count nothing down and open no dialog.
        with line.db.read() as session:
            app.operator = operator_by_badge(session, TRIM1_OPERATOR)
        idle.advance(90)
        await pilot.pause(0.2)
        assert app.idle_left is None
        idle.advance(600)
        await pilot.pause(0.2)
        await pilot.press("f8")
        await settle(pilot)
        assert app.operator is not None
        assert len(app.screen_stack) == 1 and not isinstance(app.screen, SignInDialog)
        app.action_sign_in()  # the palette's command, were it reached
        await settle(pilot)
        assert len(app.screen_stack) == 1
        assert app.current_mode == view
    assert audit_count(line) == audits


async def test_a_wall_of_a_french_plant_is_built_again_in_french_and_stays_a_wall(line, clock):
    from sqlalchemy import update

    from neofloor.i18n import language
    from neofloor.store.models import PlantSetting

    with line.db.write() as session:
        session.execute(update(PlantSetting).where(PlantSetting.key == "language").values(value="fr"))
    app = wall_app(line, clock, "board")
    async with drive(app, size=(120, 40)) as pilot:
        await settle(pilot, lambda: app.database is not None and language() == "fr")
        await settle(pilot, lambda: getattr(app.screen, "built_in", None) == "fr")
        await settle(pilot)
        assert app.current_mode == "board" and app.read_only
        shown = footer_actions(app)
        assert not shown & WRITE_ACTIONS, shown & WRITE_ACTIONS
        assert shown <= WALL_ACTIONS["board"] | WALL_EXTRA_KEYS
