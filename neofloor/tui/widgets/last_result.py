"""The last thing this terminal did, in large clear text: done, refused (with why), ignored."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from neofloor.i18n import N_, _
from neofloor.tui.safe_text import plain

KINDS = ("ready", "done", "refused", "ignored")
HEADLINES = {
    "ready": N_("READY"),
    "done": N_("✔ DONE"),
    "refused": N_("✘ REFUSED"),
    "ignored": N_("IGNORED"),
}


@dataclass(frozen=True)
class Outcome:
    """What to show: a kind (which sets the colour), a word for it, and one sentence."""

    kind: str
    sentence: str
    headline: str = ""

    @property
    def title(self) -> str:
        return self.headline or _(HEADLINES[self.kind])


class LastResult(Static):
    """Green for done, red for refused, amber for ignored; the word says it too, not only the colour."""

    # A callable default: the sentence is said in the language spoken when the widget is made.
    outcome: reactive[Outcome] = reactive(lambda: Outcome("ready", _("Scan a car's VIN.")))

    def watch_outcome(self, outcome: Outcome) -> None:
        # One style update for the new colour (removing one class and adding another is two).
        self.update_classes({f"-{kind}": kind == outcome.kind for kind in KINDS})
        text = Text()
        text.append(outcome.title, style="bold")
        text.append("\n")
        text.append(plain(outcome.sentence))
        self.update(text)
