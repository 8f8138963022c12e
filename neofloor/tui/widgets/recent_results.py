"""This terminal's last results, newest first, so a scan that flashed by can be read again."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from neofloor.i18n import _
from neofloor.tui.safe_text import plain
from neofloor.tui.widgets.last_result import Outcome

# How many results the list keeps.
KEPT = 20
STYLES = {"done": "bold green", "refused": "bold red", "ignored": "bold yellow"}


class RecentResults(Static):
    """A short, in-memory list: what this terminal did, when, and how it went."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.entries: list[tuple[str, Outcome]] = []
        self.border_title = _("This terminal")

    def add(self, at: str, outcome: Outcome) -> None:
        self.entries.insert(0, (at, outcome))
        del self.entries[KEPT:]
        text = Text()
        for number, (when, entry) in enumerate(self.entries):
            if number:
                text.append("\n")
            text.append(f"{when} ", style="dim")
            text.append(entry.title, style=STYLES.get(entry.kind, "bold"))
            text.append(f" {plain(entry.sentence)}")
        # Its size is the panel's (the station's CSS), never its text's: no layout needed.
        self.update(text, layout=False)
