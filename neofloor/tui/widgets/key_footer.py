"""The footer of the floor's busy screens: every key shown, on two rows when one is too narrow.

Textual's footer keeps to one row and cuts what does not fit, which at 80
columns hides the last keys; a keyboard-only floor must see them all. When the
keys need more room than one row has, they are laid out in a grid of two rows
(three if two are not enough), each column as wide as its widest key, and the
palette's key (Ctrl+P, which still works) gives up its room.
"""

from __future__ import annotations

from math import ceil
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer

from neofloor.i18n import _

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen

# What the footer shows of the screen's bindings: each binding, whether it is enabled, its tooltip.
KeysShown = tuple[tuple[str, "Binding", bool, str], ...]

# What the command palette key takes on the right of a one-row footer.
PALETTE_ROOM = 12
MAX_ROWS = 3


class KeyFooter(Footer):
    """A compact footer that wraps onto more rows when its keys do not fit on one."""

    DEFAULT_CSS = """
    KeyFooter.-rows {
        layout: grid;
        overflow: hidden hidden;
        grid-rows: 1;
        grid-gutter: 0 0;
    }
    KeyFooter.-rows FooterKey {
        width: 100%;
    }
    /* Ctrl+P still opens the palette; its key gives its room to the others. */
    KeyFooter.-rows FooterKey.-command-palette {
        display: none;
    }
    """

    def __init__(self) -> None:
        super().__init__(compact=True)
        self._rooms: list[int] = []
        self._composed_for: KeysShown | None = None
        self._check_due = False

    def _keys_now(self) -> KeysShown:
        return tuple(
            (key, binding, enabled, tooltip)
            for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
        )

    def bindings_changed(self, screen: Screen) -> None:
        """Compose the keys again only when what they show has changed, once things settle.

        The station terminal asks for its bindings to be checked after every load (the keys
        of the selected car, an andon stop), which is after every scan; composing the footer
        again each time mounts and styles its dozen keys anew for nothing, in the frames
        after the result and while the next scan may already be coming. A view coming back
        announces its bindings several times while the switch is under way, some of them
        before the app knows which view is current: the keys are compared once, after the
        next refresh, and only on the view shown, so a switch back to a view whose keys are
        as they were composes nothing.
        """
        if not self._check_due:
            self._check_due = True
            self.call_after_refresh(self._check_keys, screen)

    def _check_keys(self, screen: Screen) -> None:
        self._check_due = False
        if not screen.is_current:
            # A view being switched away from: it announces its keys again when it comes back.
            return
        shown = self._composed_for
        if shown is not None and screen is self.screen and self._keys_now() == shown:
            return
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        self._forget_removed_keys()
        keys = list(super().compose())
        _speak(keys)
        self._composed_for = self._keys_now() if keys else None
        # The keys shown, one per action, in the order Footer.compose lists them.
        shown = {
            binding.action: binding
            for _node, binding, _enabled, _tooltip in self.screen.active_bindings.values()
            if binding.show
        }
        # A compact key is "f4 History" and a space after it.
        self._rooms = [len(self.app.get_key_display(b)) + len(_(b.description)) + 2 for b in shown.values()]
        self._fit(self.size.width)
        yield from keys

    def _forget_removed_keys(self) -> None:
        """Drop the ``compact`` watchers of keys a previous compose removed.

        Footer binds every key it makes to its ``compact`` reactive, and Textual prunes
        those watchers only when ``compact`` is set, which it never is here. As the
        footer is composed again whenever the bindings change (every scan on a station
        terminal), the removed keys would otherwise stay alive: a terminal left running
        for a week grew by hundreds of megabytes. ``mutate_reactive`` sets it to its own
        value, which prunes the watchers of the removed keys and changes nothing shown.
        """
        self.mutate_reactive(Footer.compact)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        """One row when the keys fit on it, else the fewest rows of a grid that fits (at most three)."""
        rooms = self._rooms
        if not width or not rooms or sum(rooms) + PALETTE_ROOM <= width:
            self.set_class(False, "-rows")
            self.styles.height = 1
            return
        for rows in range(2, MAX_ROWS + 1):
            columns = ceil(len(rooms) / rows)
            widths = [max(rooms[i::columns]) for i in range(columns)]
            if sum(widths) <= width or rows == MAX_ROWS:
                break
        # Footer.compose sets one grid column per key: a grid of rows needs fewer, each its own width.
        self.styles.grid_size_columns = columns
        self.styles.grid_columns = " ".join(str(w) for w in widths)
        self.styles.height = rows
        self.set_class(True, "-rows")


def _speak(keys: list[Widget]) -> None:
    """Key descriptions in the language spoken now.

    Bindings are declared once, at import, in the source language (marked for the catalog with
    ``N_``); the language can change at sign-in, so each key Footer.compose makes is given its
    description in the language of the moment before it is mounted.
    """
    for key in keys:
        description = getattr(key, "description", None)
        if isinstance(description, str) and description:
            key.description = _(description)  # type: ignore[attr-defined]
        if isinstance(key.tooltip, str) and key.tooltip:
            key.tooltip = _(key.tooltip)
