"""A person who reads French signs in: the terminal speaks French until they sign out."""

from __future__ import annotations

import gettext

import pytest
from sqlalchemy import update
from textual.widgets import Label

from neofloor.i18n import DOMAIN, LOCALE_DIR, language, set_language, set_language_chosen
from neofloor.store.models import Operator
from tests.tui.conftest import TRIM1_OPERATOR, drive, opened, settle, type_pin
from tests.tui.test_snapshots import SIZES, still

FRENCH = gettext.translation(DOMAIN, LOCALE_DIR, languages=["fr"])
ARABIC_NAME = "فاطمة الزهراء بنعلي"


def french(message: str) -> str:
    translated = FRENCH.gettext(message)
    assert translated != message, f"no French for {message!r}"
    return translated


async def test_an_operator_who_reads_french_has_the_terminal_in_french_until_they_sign_out(make_app, line):
    with line.db.write() as session:
        session.execute(
            update(Operator).where(Operator.badge == TRIM1_OPERATOR).values(language="fr", name=ARABIC_NAME)
        )
    app = make_app(badge=None)

    async with drive(app) as pilot:
        dialog = app.screen
        await pilot.press(*TRIM1_OPERATOR, "enter")
        await settle(pilot, lambda: dialog.badge == TRIM1_OPERATOR)
        await type_pin(pilot, dialog)
        await settle(pilot, lambda: language() == "fr")
        await pilot.pause(0.2)
        await settle(pilot)
        assert french("Sign out") in footer_descriptions(app)
        header = str(app.screen_stack[0].query_one("#header-operator", Label).render())
        assert ARABIC_NAME in header  # the name kept whole, letters and order
        await pilot.press("f8")
        await settle(pilot, lambda: language() == "en")
        await pilot.press("escape")
        await pilot.pause(0.2)
        await settle(pilot)
        assert "Sign in" in footer_descriptions(app)


def footer_descriptions(app) -> list[str]:
    return [str(getattr(key, "description", "")) for key in app.screen.query("FooterKey")]


@pytest.mark.parametrize("size", SIZES)
def test_station_terminal_in_french(snap_compare, make_app, line, size):
    """The station terminal of `neofloor --lang fr`, a car started: every word on it in French."""
    set_language("fr")
    set_language_chosen(True)
    app = make_app()

    async def run_before(pilot):
        await opened(pilot)
        still(app)
        await pilot.press(*line.vins[4], "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
