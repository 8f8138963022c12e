"""Open andon stops in large red text, each with a timer that runs every second.

The timer is counted on the screen from the stop's start and the app's clock:
no database read per tick. The banner hides itself when no station is stopped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from neofloor.i18n import _
from neofloor.tui.floor import floor_of
from neofloor.tui.formatting import moment_text
from neofloor.tui.safe_text import plain

if TYPE_CHECKING:
    from neofloor.services.supervision.andon import Stop

# A stop that has run this long is written in hours.
HOUR = 3600
# Stops shown in full, one a line; any more are named on one more line.
MAX_LINES = 3


def running_time(seconds: float) -> str:
    """A stop's timer as a wall clock counts: 0:45, 12:05, 1:02:05."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, HOUR)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def stop_seconds(stop: Stop, now: datetime) -> float:
    """How long the stop has run at ``now`` (it may have ended since it was read)."""
    return max(0.0, ((stop.ended_at or now) - stop.started_at).total_seconds())


class AndonBanner(Static):
    """One line per open stop (the first three): where, why, for how long, since when, by whom.

    ``hint`` ends the first line (the key that ends the stop on this screen).
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.stops: tuple[Stop, ...] = ()
        self.zone = "UTC"
        self.hint = ""
        self.display = False

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)

    def on_resize(self) -> None:
        """A narrower banner drops who raised the stop and its note, to keep one line a stop."""
        self.tick()

    def show_stops(self, stops: Sequence[Stop], zone: str, hint: str = "") -> None:
        self.stops, self.zone, self.hint = tuple(stops), zone, hint
        self.display = bool(self.stops)
        self.tick()

    def tick(self) -> None:
        """Redraw the timers from the clock (called every second)."""
        if not self.stops:
            return
        at = floor_of(self).now()
        room = self.content_size.width or self.size.width
        text = Text()
        for number, stop in enumerate(self.stops[:MAX_LINES]):
            if number:
                text.append("\n")
            hint = self.hint if number == 0 else ""
            # Before the banner has a width, the short line: a long one would wrap, make the
            # banner two lines high, and Textual does not always lay it out again when it shrinks.
            line = self._line(stop, at, hint, full=bool(room))
            if room and line.cell_len > room:
                line = self._line(stop, at, hint, full=False)
            text.append_text(line)
        others = self.stops[MAX_LINES:]
        if others:
            codes = ", ".join(stop.station for stop in others)
            text.append("\n■ " + _("also stopped: {stations}").format(stations=codes), style="bold")
        self.update(text)

    def _line(self, stop: Stop, at: datetime, hint: str, *, full: bool) -> Text:
        """Where, for how long, why, since when; when there is room, who raised it and the note."""
        line = Text()
        line.append("■ " + _("ANDON STOP {station}").format(station=stop.station) + " ", style="bold")
        line.append(f" {running_time(stop_seconds(stop, at))} ", style="bold reverse")
        line.append(f" {plain(stop.reason)}", style="bold")
        line.append(" · " + _("since {moment}").format(moment=moment_text(stop.started_at, self.zone, at)))
        if full and stop.raised_by:
            line.append(", " + _("raised by {person}").format(person=plain(stop.raised_by)))
        if full and stop.note:
            line.append(f" · {plain(stop.note)}")
        if hint:
            line.append(f" · {hint}", style="bold")
        return line
