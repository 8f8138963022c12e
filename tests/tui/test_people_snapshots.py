"""People and trust at 80x24 and 120x40: the sign-in, the skills matrix, the audit trail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from neofloor.tui.screens.audit import AuditScreen
from neofloor.tui.screens.skills import SkillsScreen
from tests.conftest import SUPERVISOR
from tests.tui.conftest import TRIM1_OPERATOR, opened, settle
from tests.tui.test_people import certify_until
from tests.tui.test_snapshots import SIZES, still


@pytest.mark.parametrize("size", SIZES)
def test_sign_in_asks_the_pin_after_the_badge(snap_compare, make_app, size):
    app = make_app(badge=None)

    async def run_before(pilot):
        await opened(pilot)
        dialog = app.screen
        still(app)
        await pilot.press(*TRIM1_OPERATOR, "enter")
        await settle(pilot, lambda: dialog.badge == TRIM1_OPERATOR)
        await pilot.press(*"9999", "enter")  # a wrong PIN: the services' sentence
        await settle(pilot, lambda: not dialog.signing_in)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_skills_matrix(snap_compare, make_app, line, size):
    today = date(2026, 11, 26)
    certify_until(line, TRIM1_OPERATOR, "TRIM1", today + timedelta(days=10))
    certify_until(line, TRIM1_OPERATOR, "TRIM2", today - timedelta(days=3))
    app = make_app(badge=SUPERVISOR)

    async def run_before(pilot):
        await opened(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot, lambda: isinstance(app.screen, SkillsScreen) and app.screen.matrix is not None)
        still(app)
        app.clear_notifications()  # "Signed in": seen, not part of the screen

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_audit_trail(snap_compare, make_app, size):
    app = make_app(badge=SUPERVISOR)

    async def run_before(pilot):
        await opened(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot, lambda: isinstance(app.screen, AuditScreen) and app.screen.page is not None)
        still(app)
        app.clear_notifications()

    assert snap_compare(app, terminal_size=size, run_before=run_before)
