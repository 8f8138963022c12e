"""How long a shared terminal has been left alone, and when whoever is signed in is signed out.

Shop-floor terminals are shared and unattended between uses: after the plant config's
idle time with no key, no scan and no click, the terminal signs its person out and asks
for the next sign-in. The last minute is counted down on the header, so someone still
there presses a key. Time is read from a monotonic clock, not the plant's wall clock:
Morocco moves its clocks for Ramadan, and an hour gained or lost must not sign anyone
out (tests hand in a clock of their own).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from math import ceil

from neofloor.i18n import _

# The idle time when the plant config says none.
DEFAULT_IDLE_MINUTES = 10.0
# The last seconds before the sign-out are counted down on screen.
COUNTDOWN_SECONDS = 60
# How often the terminal looks at the time left (the countdown moves by whole seconds).
CHECK_SECONDS = 1.0


class IdleWatch:
    """When this terminal was last touched, and how long it may stay untouched."""

    def __init__(
        self, minutes: float = DEFAULT_IDLE_MINUTES, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.clock = clock
        self.limit = minutes * 60.0
        self.touched_at = clock()

    def set_minutes(self, minutes: float) -> None:
        """The plant config's idle time (read once the plant is open); the wait starts again."""
        self.limit = minutes * 60.0
        self.touch()

    def touch(self) -> None:
        """Someone is there: a key, a scan, a click."""
        self.touched_at = self.clock()

    def seconds_left(self) -> float:
        return self.limit - (self.clock() - self.touched_at)

    def countdown(self) -> int | None:
        """Whole seconds left in the last minute (0 once the time is up); None before it."""
        left = self.seconds_left()
        if left > COUNTDOWN_SECONDS:
            return None
        return max(0, ceil(left))


def countdown_text(seconds: int) -> str:
    """The header's warning: ``signing out in 0:42``."""
    left = f"{seconds // 60}:{seconds % 60:02d}"
    return _("signing out in {time}: press a key to stay").format(time=left)
