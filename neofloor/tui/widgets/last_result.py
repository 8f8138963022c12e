"""The last thing this terminal did, in large clear text: done, refused (with why), ignored."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from neofloor.tui.safe_text import plain

KINDS = ("ready", "done", "refused", "ignored")
HEADLINES = {
    "ready": "READY",
    "done": "✔ DONE",
    "refused": "✘ REFUSED",
    "ignored": "IGNORED",
}


@dataclass(frozen=True)
class Outcome:
    """What to show: a kind (which sets the colour), a word for it, and one sentence."""

    kind: str
    sentence: str
    headline: str = ""

    @property
    def title(self) -> str:
        return self.headline or HEADLINES[self.kind]


class LastResult(Static):
    """Green for done, red for refused, amber for ignored; the word says it too, not only the colour."""

    outcome: reactive[Outcome] = reactive(Outcome("ready", "Scan a car's VIN."))

    def watch_outcome(self, outcome: Outcome) -> None:
        # One style update for the new colour (removing one class and adding another is two).
        self.update_classes({f"-{kind}": kind == outcome.kind for kind in KINDS})
        text = Text()
        text.append(outcome.title, style="bold")
        text.append("\n")
        text.append(plain(outcome.sentence))
        self.update(text)
