"""What the inspector's typing matches: catalog defects or zones, matched characters highlighted.

The list never takes the focus: the typing stays in the field, ↑ ↓ move the
highlight from there, and Enter in the field takes the highlighted line (the
best match until the arrows move it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from neofloor.tui.formatting import severity_words

if TYPE_CHECKING:
    from neofloor.services.quality import CatalogMatch

# The typed characters, in the theme's accent colour, underlined for monochrome terminals.
MATCHED = "bold underline #ffa62b"
SEVERITY_STYLES = {"critical": "bold red", "major": "bold", "minor": "dim"}


def highlighted(text: str, positions: Sequence[int], base: str = "") -> Text:
    """``text`` with the characters at ``positions`` made to stand out."""
    result = Text(text, style=base)
    for position in positions:
        if 0 <= position < len(text):
            result.stylize(MATCHED, position, position + 1)
    return result


def catalog_prompt(match: CatalogMatch, code_width: int) -> Text:
    """One catalog line: code, description, default severity; typed characters highlighted."""
    entry = match.entry
    line = highlighted(entry.code, match.code_positions, "bold")
    line.pad_right(code_width - len(entry.code) + 2)
    line.append_text(highlighted(entry.description, match.description_positions))
    line.append("  ")
    line.append(severity_words(entry.default_severity), style=SEVERITY_STYLES.get(entry.default_severity, ""))
    return line


def zone_prompt(label: str, typed: str) -> Text:
    """One zone line: its label with the typed start highlighted."""
    start = typed.strip().lower().replace("_", " ")
    count = len(start) if label.lower().startswith(start) else 0
    return highlighted(label, range(count))


class MatchList(OptionList):
    """The matches of the field being typed in; ``choice`` is the line Enter would take."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.can_focus = False
        self.values: list[str] = []

    def show_catalog(self, matches: Sequence[CatalogMatch], *, pick_first: bool) -> None:
        """Catalog matches, best first; the first is highlighted once something was typed."""
        width = max((len(m.entry.code) for m in matches), default=0)
        self.values = [m.entry.code for m in matches]
        self._fill([catalog_prompt(m, width) for m in matches], pick_first)

    def show_zones(self, zones: Sequence[str], labels: dict[str, str], typed: str) -> None:
        """Zones starting with what was typed (all of them before anything is)."""
        self.values = list(zones)
        self._fill([zone_prompt(labels[z], typed) for z in zones], bool(typed.strip()))

    def _fill(self, prompts: list[Text], pick_first: bool) -> None:
        self.clear_options()
        self.add_options([Option(prompt) for prompt in prompts])
        self.highlighted = 0 if pick_first and prompts else None

    def move(self, step: int) -> None:
        """Move the highlight, from none to the first line."""
        if not self.values:
            return
        if self.highlighted is None:
            self.highlighted = 0 if step > 0 else len(self.values) - 1
        else:
            self.highlighted = max(0, min(len(self.values) - 1, self.highlighted + step))

    @property
    def choice(self) -> str | None:
        """The value of the highlighted line, or None when none is."""
        if self.highlighted is None or not 0 <= self.highlighted < len(self.values):
            return None
        return self.values[self.highlighted]
