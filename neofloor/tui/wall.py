"""Wall screens: the board or the dashboard, read-only, for an office PC or a screen on the floor.

A terminal started with ``--view board`` (or ``dashboard``) opens that view only, asks
nobody to sign in and offers no key that writes. The view's screen is the ordinary
one, subclassed here so that only the keys named in :data:`WALL_ACTIONS` are live:
a key added later to the screen stays off the wall until it is listed. Writes that
still reach :mod:`neofloor.tui.writes` are refused there as well (a second guard).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from neofloor.i18n import N_

if TYPE_CHECKING:
    from textual.screen import Screen

# The views a wall screen may show, and the screen keys that only read (everything else is off).
WALL_ACTIONS: dict[str, frozenset[str]] = {
    "board": frozenset({"stations", "toggle_overrides"}),
    "dashboard": frozenset({"step_shift", "current_shift", "pick_shift"}),
}
WALL_VIEWS = tuple(WALL_ACTIONS)
# What a write attempted on a wall screen is told.
READ_ONLY_SENTENCE = N_("This is a read-only wall screen: nothing can be written from it.")


def wall_screen_factory(name: str, screen_path: str) -> Callable[[], Screen[None]]:
    """A factory of the view's screen with every key but the reading ones turned off."""
    module_name, _, class_name = screen_path.partition(":")
    base = getattr(importlib.import_module(module_name), class_name)
    allowed = WALL_ACTIONS[name]
    css_path = base.CSS_PATH
    if isinstance(css_path, str | Path):
        # Textual reads CSS_PATH beside the module defining the class: point at the original file.
        css_path = Path(inspect.getfile(base)).parent / css_path

    def check_action(self: Screen[None], action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in allowed:
            return False
        return base.check_action(self, action, parameters)  # type: ignore[no-any-return]

    wall = type(f"Wall{class_name}", (base,), {"check_action": check_action, "CSS_PATH": css_path})
    return wall  # type: ignore[no-any-return]
