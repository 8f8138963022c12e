"""The plant config's work instructions for the car at the station, one per line, never cut short.

They sit in a panel of their own under the car's card, titled with the car
and the station they are for, so an operator sees at once that this car needs
something the last one did not (the HV battery's torque sequence, a sunroof's
drain hoses). For a car with none at the station it says so, in one line: an
empty panel and a missing one look alike to someone who expects instructions.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from neofloor.i18n import N_, _
from neofloor.tui.safe_text import plain

NO_INSTRUCTION = N_("No instruction for this car here.")


class WorkInstructions(Static):
    """The instructions for one car at one station."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.lines: tuple[str, ...] = ()
        self.display = False

    def show(self, lines: Sequence[str], car_label: str, station: str) -> None:
        """Show ``lines`` (the services' order: station-wide, the model's, the options')."""
        self.lines = tuple(lines)
        self.display = True
        self.set_class(not self.lines, "-none")
        if not self.lines:
            self.border_title = _("Work instructions at {station}").format(station=station)
            self.border_subtitle = car_label
            said = _("No instruction for this car here ({station}).").format(station=station)
            self.update(Text(said, style="dim"))
            return
        count = len(self.lines)
        self.border_title = _("Work instructions at {station} ({count})").format(station=station, count=count)
        self.border_subtitle = car_label
        text = Text()
        for number, line in enumerate(self.lines, start=1):
            if number > 1:
                text.append("\n")
            text.append(f"{number}. ", style="bold")
            text.append(plain(line))
        self.update(text)

    def clear_lines(self) -> None:
        """No car (or the repair bay): no panel."""
        self.lines = ()
        self.display = False
        self.update("")
