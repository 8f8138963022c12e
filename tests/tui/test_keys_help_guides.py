"""F1 names the guide of whoever is signed in, and the guide it names is in the repository."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Label

from neofloor.tui.dialogs.keys_help import GUIDES, KeysHelpDialog
from tests.tui.conftest import drive, settle, sign_in

ROOT = Path(__file__).resolve().parents[2]


async def open_keys(pilot) -> str:
    """Press F1 and give the guide line of the keys dialog, then close it."""
    app = pilot.app
    await pilot.press("f1")
    await settle(pilot, lambda: isinstance(app.screen, KeysHelpDialog))
    line = str(app.screen.query_one("#keys-guide", Label).render())
    await pilot.press("escape")
    await settle(pilot, lambda: not isinstance(app.screen, KeysHelpDialog))
    return line


async def test_f1_names_the_guide_of_the_role_signed_in(make_app):
    app = make_app()
    async with drive(app, size=(100, 30)) as pilot:
        assert app.operator is not None and app.operator.role == "operator"
        assert await open_keys(pilot) == "Your role's guide: docs/guide-operator.md."
        await sign_in(pilot, "2001")
        await settle(pilot, lambda: app.operator is not None and app.operator.badge == "2001")
        assert await open_keys(pilot) == "Your role's guide: docs/guide-inspector.md."
        await sign_in(pilot, "4001")
        await settle(pilot, lambda: app.operator is not None and app.operator.badge == "4001")
        assert await open_keys(pilot) == "Your role's guide: docs/guide-shift-lead.md."


async def test_f1_with_nobody_signed_in_points_to_every_guide(make_app):
    app = make_app(badge=None)
    async with drive(app, size=(100, 30)) as pilot:
        await settle(pilot)
        if not isinstance(app.screen, KeysHelpDialog) and app.screen.is_modal:
            await pilot.press("escape")  # the sign-in the terminal opens on: nobody signs in
            await settle(pilot, lambda: not app.screen.is_modal)
        assert app.operator is None
        assert "docs/guide-*.md" in await open_keys(pilot)


def test_every_guide_f1_names_is_in_the_repository():
    assert set(GUIDES) == {"operator", "inspector", "supervisor", "shift_lead", "admin"}
    for path in GUIDES.values():
        assert (ROOT / path).is_file(), path
