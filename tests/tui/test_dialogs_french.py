"""The dialogs in French: what they say, and the keys they name, from the dialogs' catalog part."""

from __future__ import annotations

from textual.widgets import Input, Label

from neofloor.tui.dialogs.defect_action import DEFECT_ACTIONS, severity_word
from neofloor.tui.dialogs.keys_help import guide_line
from neofloor.tui.dialogs.line_actions import LINE_ACTION_BINDINGS, repair_not_done
from neofloor.tui.dialogs.sign_in import SignInDialog
from tests.reports.french import speaking_french
from tests.tui.conftest import settle


def test_helpers_speak_french_and_english_stays_as_it_was() -> None:
    english = (guide_line("operator"), repair_not_done("VIN1", "repairing", "REPAIR"), severity_word("major"))
    with speaking_french():
        assert guide_line("operator") == "Le guide de votre rôle : docs/guide-operator.md."
        assert repair_not_done("VIN1", "waiting", "REPAIR") == (
            "VIN1 n'a pas encore été retouché : scannez-le à REPAIR pour commencer, "
            "de nouveau pour terminer, puis Ctrl+B."
        )
        assert severity_word("critical") == "critique"
    assert english == (
        "Your role's guide: docs/guide-operator.md.",
        "VIN1 is still being repaired: scan it out at REPAIR first, then Ctrl+B.",
        "major",
    )


def test_key_descriptions_stay_english_in_the_class_and_have_a_french() -> None:
    # Marked only: the footer, F1 and the palette translate them where they show them.
    from neofloor.i18n import _

    descriptions = [binding.description for binding in LINE_ACTION_BINDINGS]  # type: ignore[union-attr]
    assert descriptions == ["Stop", "End stop", "To repair", "Back to line", "Override"]
    with speaking_french():
        assert [_(d) for d in descriptions] == [
            "Arrêt",
            "Relancer",
            "En retouche",
            "Retour en ligne",
            "Forçage",
        ]
        assert _(DEFECT_ACTIONS["verify"][1]) == "✔ VALIDÉ"


async def test_sign_in_asks_the_pin_in_french(make_app) -> None:
    app = make_app()
    with speaking_french():
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot, lambda: isinstance(app.screen, SignInDialog) and app.screen.badge is not None)
            dialog = app.screen
            assert str(dialog.query_one(".dialog-title", Label).render()) == "Se connecter"
            assert str(dialog.query_one("#pin-for", Label).render()).endswith(" : votre code PIN")
            assert dialog.query_one("#pin", Input).placeholder == "Code PIN"
            await pilot.press("escape")  # back to the badge
            await settle(pilot, lambda: dialog.badge is None)
            await pilot.press("z", "z", "z", "enter")
            await settle(pilot)
            refusal = str(dialog.query_one("#sign-in-error", Label).render())
            assert refusal == "Personne du nom de 'zzz' ne peut travailler ici."
