"""People and trust at the terminal: badge and PIN, lockout, idle sign-out, keys by role, the audit trail."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from textual.command import CommandPalette
from textual.widgets import DataTable, Input, Label

from neofloor.services.people.audit import audit_page
from neofloor.store.models import Vehicle
from neofloor.tui.app import NeofloorApp
from neofloor.tui.dialogs.sign_in import SignInDialog
from neofloor.tui.screens.audit import AuditScreen
from neofloor.tui.screens.skills import SkillsScreen, needs_attention
from neofloor.tui.screens.station import StationScreen
from tests.conftest import INSPECTOR, OPERATOR_BODY, SUPERVISOR, TEST_PIN
from tests.tui.conftest import TRIM1_OPERATOR, Bell, drive, footer_actions, settle, sign_in, type_pin


def header_operator(app: NeofloorApp) -> str:
    """Who the header says is signed in (on the view under any dialog)."""
    return str(app.screen_stack[0].query_one("#header-operator", Label).render())


def sign_in_error(app: NeofloorApp) -> str:
    return str(app.screen.query_one("#sign-in-error", Label).render())


class IdleClock:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.at = 1000.0

    def __call__(self) -> float:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += seconds


async def test_the_right_pin_signs_in_and_the_header_says_who(make_app, line):
    app = make_app(badge=None)

    async with drive(app) as pilot:
        dialog = app.screen
        assert isinstance(dialog, SignInDialog)
        await pilot.press(*TRIM1_OPERATOR, "enter")
        await settle(pilot, lambda: dialog.badge == TRIM1_OPERATOR)
        pin = dialog.query_one("#pin", Input)
        assert pin.password and app.focused is pin  # the PIN is asked, never shown
        await type_pin(pilot, dialog)
        assert app.operator is not None and app.operator.badge == TRIM1_OPERATOR
        assert isinstance(app.screen, StationScreen)
        assert header_operator(app) == "Fatima Zahra Benali (operator)"
        assert "sign_out" in footer_actions(app)
    with line.db.read() as session:
        newest = audit_page(session, badge=TRIM1_OPERATOR, limit=1).lines[0]
    assert newest.action == "sign_in" and newest.terminal == "T-TRIM1"


async def test_a_wrong_pin_is_refused_with_the_services_sentence(make_app, line):
    app = make_app(badge=None)

    async with drive(app) as pilot:
        bell = Bell(app)
        dialog = app.screen
        assert isinstance(dialog, SignInDialog)
        await pilot.press(*TRIM1_OPERATOR, "enter")
        await type_pin(pilot, dialog, "9999")
        assert app.operator is None and app.screen is dialog
        assert sign_in_error(app) == f"Wrong PIN for badge {TRIM1_OPERATOR} (4 tries left before it locks)."
        assert dialog.query_one("#pin", Input).value == "" and bell.rings == 1
        # The right one next time.
        await type_pin(pilot, dialog, TEST_PIN)
        assert app.operator is not None and app.operator.badge == TRIM1_OPERATOR


async def test_five_wrong_pins_lock_the_badge_and_the_dialog_says_until_when(make_app, line):
    app = make_app(badge=None)

    async with drive(app) as pilot:
        dialog = app.screen
        assert isinstance(dialog, SignInDialog)
        await pilot.press(*TRIM1_OPERATOR, "enter")
        for _ in range(5):
            await type_pin(pilot, dialog, "9999")
        # NOW is 11:30 in Casablanca: locked for 15 minutes.
        assert "locked until 11:45" in sign_in_error(app)
        await type_pin(pilot, dialog, TEST_PIN)  # even the right PIN waits for the lock to end
        assert app.operator is None
        assert sign_in_error(app).startswith(f"Badge {TRIM1_OPERATOR} is locked until 11:45")


async def test_the_terminal_signs_out_when_left_alone_after_a_countdown(line, clock):
    idle = IdleClock()
    app = NeofloorApp(
        line.url,
        station="TRIM1",
        terminal="T-TRIM1",
        operator_badge=TRIM1_OPERATOR,
        clock=clock,
        idle_minutes=2,
        idle_clock=idle,
        idle_check_seconds=0.02,
    )

    async with drive(app) as pilot:
        assert app.operator is not None
        idle.advance(90)  # 30 s left: the header counts down
        await settle(pilot, lambda: app.idle_left is not None)
        assert header_operator(app).startswith("signing out in 0:30")
        await pilot.press("down")  # someone is there: the wait starts again
        await settle(pilot, lambda: app.idle_left is None)
        assert header_operator(app) == "Fatima Zahra Benali (operator)"

        idle.advance(119)
        await pilot.pause(0.1)
        assert app.operator is not None
        await pilot.press("f2")  # a dialog half used when the time runs out
        await settle(pilot)
        idle.advance(121)
        await settle(pilot, lambda: app.operator is None)
        assert isinstance(app.screen, SignInDialog)
        assert len(app.screen_stack) == 2  # the station, and the sign-in: the hold dialog is gone
        assert header_operator(app) == "nobody signed in"
    with line.db.read() as session:
        newest = audit_page(session, badge=TRIM1_OPERATOR, limit=1).lines[0]
    assert newest.action == "sign_out" and newest.after == {"reason": "idle"}


async def test_f8_signs_out_and_asks_who_signs_in(make_app, line):
    app = make_app()

    async with drive(app) as pilot:
        assert app.operator is not None
        await pilot.press("f8")
        await settle(pilot, lambda: isinstance(app.screen, SignInDialog))
        assert app.operator is None
        await pilot.press("escape")
        await settle(pilot)
        assert "sign_in" in footer_actions(app) and "hold" not in footer_actions(app)


async def palette_names(pilot, typed: str) -> list[str]:
    """What the command palette lists for ``typed``."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await settle(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*typed)
    await pilot.pause(0.5)
    await settle(pilot)
    palette = app.screen
    names = [str(option.prompt) for option in palette.query_one("CommandList").options]
    await pilot.press("escape")
    await settle(pilot)
    return names


async def test_an_operator_is_not_offered_release_or_override_a_supervisor_is(make_app, line):
    app = make_app()

    async with drive(app, size=(120, 40)) as pilot:
        await pilot.press("down", "down")  # the held car: release would apply
        offered = footer_actions(app)
        assert "release" not in offered and "override" not in offered and "show_audit" not in offered
        assert not [n for n in await palette_names(pilot, "overr") if n.startswith("Override")]
        assert not [n for n in await palette_names(pilot, "audit") if n.startswith("Audit")]
        await pilot.press("ctrl+o")  # the key does nothing: no dialog to type a reason into
        await settle(pilot)
        assert isinstance(app.screen, StationScreen)

        await sign_in(pilot, SUPERVISOR)
        offered = footer_actions(app)
        assert {"release", "override", "show_audit", "show_skills"} <= offered
        assert [n for n in await palette_names(pilot, "overr") if n.startswith("Override")]
        assert [n for n in await palette_names(pilot, "audit") if n.startswith("Audit trail")]


async def test_the_audit_screen_lists_newest_first_and_filters(make_app, line):
    app = make_app(badge=SUPERVISOR)

    async with drive(app, size=(120, 40)) as pilot:
        await sign_in(pilot, INSPECTOR, "0000")  # a failed sign-in, in the trail
        await pilot.press("escape", "escape")
        await settle(pilot)
        await sign_in(pilot, SUPERVISOR)
        await pilot.press("ctrl+l")
        await settle(pilot, lambda: isinstance(app.screen, AuditScreen) and app.screen.page is not None)
        screen = app.screen
        table = screen.query_one("#audit-lines", DataTable)
        assert table.row_count > 3
        first = [str(cell) for cell in table.get_row_at(0)]
        assert first[1] == SUPERVISOR and first[4] == "sign in"  # newest first

        screen.query_one("#audit-action", Input).value = "sign in failed"
        screen.query_one("#audit-badge", Input).focus()
        await pilot.press("enter")
        await settle(pilot, lambda: screen.filters.action == "sign_in_failed" and screen.page is not None)
        rows = [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]
        assert rows and all(row[4] == "sign in failed" for row in rows)
        assert any(row[1] == INSPECTOR for row in rows)

        screen.query_one("#audit-since", Input).value = "26-11-2026"
        screen.query_one("#audit-since", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "not a day" in str(screen.query_one("#audit-status", Label).render())
        await pilot.press("f2")
        await settle(pilot)
        assert not screen.filters.narrowed
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StationScreen)


async def test_stored_text_with_markup_and_escape_codes_is_shown_as_it_is(make_app, line):
    """A reason written behind the app's back (markup, an escape sequence, Arabic) cannot paint
    the screen or move the terminal's cursor: it is shown, harmless, as text."""
    vin = line.vins[5]
    reason = "[bold red]peinture[/] \x1b[2J خدش"
    with line.db.write() as session:
        session.execute(
            Vehicle.__table__.update().where(Vehicle.vin == vin).values(hold_reason=reason)  # type: ignore[attr-defined]
        )

    app = make_app()
    async with drive(app, size=(120, 40)) as pilot:
        await pilot.press("down", "down")
        screen = app.screen
        status = str(screen.query_one("#cars", DataTable).get_cell(vin, "status"))
        assert status == "HELD: [bold red]peinture[/] \\x1b[2J خدش"
        assert "\x1b" not in str(screen.query_one("#car").render())


def certify_until(line, badge: str, station: str, expires_on) -> None:
    """Set when a certification runs out (as an admin's `operator certify` would)."""
    from neofloor.store.models import Operator, OperatorStation, Station

    with line.db.write() as session:
        operator_id = session.execute(select(Operator.id).where(Operator.badge == badge)).scalar_one()
        station_id = session.execute(select(Station.id).where(Station.code == station)).scalar_one()
        cert = session.get(OperatorStation, (operator_id, station_id))
        assert cert is not None
        cert.expires_on = expires_on
        cert.programme = "OFPPT — câblage"
        session.add(cert)


async def test_the_skills_matrix_shows_statuses_in_words_and_filters(make_app, line):
    today = date(2026, 11, 26)
    certify_until(line, TRIM1_OPERATOR, "TRIM1", today + timedelta(days=10))  # expiring
    certify_until(line, TRIM1_OPERATOR, "TRIM2", today - timedelta(days=3))  # expired
    app = make_app(badge=SUPERVISOR)

    async with drive(app, size=(120, 40)) as pilot:
        await pilot.press("ctrl+y")
        await settle(pilot, lambda: isinstance(app.screen, SkillsScreen) and app.screen.matrix is not None)
        screen = app.screen
        table = screen.query_one("#skills-matrix", DataTable)
        assert table.row_count == len(screen.matrix.rows) > 5
        labels = [column.label.plain for column in table.ordered_columns]

        def mark(badge: str, station: str) -> str:
            return str(table.get_cell(badge, table.ordered_columns[labels.index(station)].key))

        assert mark(TRIM1_OPERATOR, "TRIM1") == "⚠ soon"
        assert mark(TRIM1_OPERATOR, "TRIM2") == "✘ exp"
        assert mark(OPERATOR_BODY, "BODY") == "ok"
        assert mark(OPERATOR_BODY, "TRIM1") == "·"

        await pilot.press("f2")  # only those with a certification to renew
        await settle(pilot)
        shown = [str(c) for c in table.get_column_at(0)]
        assert TRIM1_OPERATOR in shown
        assert len(shown) < len(screen.matrix.rows)
        assert all(needs_attention(row) for row in screen.shown)
        table.move_cursor(row=shown.index(TRIM1_OPERATOR), column=labels.index("TRIM1"))
        await settle(pilot)
        detail = str(screen.query_one("#skills-detail").render())
        assert "TRIM1: certified" in detail and "valid until 6 Dec 2026 (10 days left)" in detail
        assert "OFPPT — câblage" in detail

        await pilot.press("f2", "slash", *"karim")
        await settle(pilot)
        assert table.row_count == 1 and "Karim" in str(table.get_row_at(0)[1])
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StationScreen)


async def test_an_operator_is_not_offered_the_skills_matrix(make_app, line):
    app = make_app()

    async with drive(app) as pilot:
        assert "show_skills" not in footer_actions(app)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, StationScreen)


async def test_the_header_warns_when_the_last_ledger_check_failed(make_app, line, clock):
    from neofloor.store.models import VerifyRun

    app = make_app()
    async with drive(app) as pilot:
        plant = str(app.screen.query_one("#header-plant", Label).render())
        assert plant == "Aïn Aouda assembly"
        with line.db.write() as session:  # as `neofloor verify` records a check that found a forged row
            session.add(
                VerifyRun(at=clock(), ok=False, broken_table="station_event", broken_row=7,
                          detail="station_event row 7 does not match its content.")
            )
        app.check_chain()
        await settle(pilot, lambda: bool(app.chain_warning))
        label = app.screen.query_one("#header-plant", Label)
        assert str(label.render()).startswith("⚠ LEDGER CHECK FAILED: station_event row 7")
        assert label.has_class("-warning")
