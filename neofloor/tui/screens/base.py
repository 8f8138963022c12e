"""What every floor view shares: typed access to the app, reloads when the plant changes,
and keys offered only to whoever may use them."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from textual import events
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from neofloor.i18n import _, language
from neofloor.tui.floor import Floor, floor_of
from neofloor.tui.permissions import offered

CheckAction = Callable[[Any, str, tuple[object, ...]], "bool | None"]


class FloorScreen(Screen[None]):
    """A view over the plant's database.

    Subclasses implement :meth:`reload` (start a thread worker that reads through
    the services and posts plain results back) and record the change marker their
    data was read at in ``loaded_marker``. A view that is not on screen when
    another terminal writes reloads when it is shown again, not before.

    Textual calls the ``on_mount`` and ``on_screen_resume`` handlers of every class
    in the MRO, the subclass's first: subclasses define their own and never call
    these through ``super()``.

    A view's keys are offered only to whoever may use them (``tui.permissions``, the people
    services' table): a view's own ``check_action`` says which keys apply to what it shows,
    and is asked only about the keys the signed-in person may use. That holds for every view,
    those to come included, without each having to remember it.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("check_action")
        if own is not None:
            cls.check_action = _permitted_first(own)  # type: ignore[method-assign,assignment]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide (False) the keys the signed-in person may not use; the rest apply."""
        return offered(self.floor, action, parameters)

    def __init__(self) -> None:
        super().__init__()
        self.loaded_marker: tuple[int, ...] | None = None
        self._stale = False
        # The language the view was composed in: built again when the terminal speaks another.
        self.built_in = language()

    @property
    def floor(self) -> Floor:
        return floor_of(self)

    def on_mount(self) -> None:
        self.watch(self.app, "catalog", self._plant_opened)
        self.watch(self.app, "marker", self._plant_changed, init=False)

    def reload(self) -> None:
        """Read the view's data again (in a worker)."""
        raise NotImplementedError

    def draw_now(self) -> None:
        """Lay out and draw the screen at once, not at the next frame tick.

        Textual draws on a 60 Hz timer whose ticks keep to a fixed grid, and once it has drawn
        it waits one to two ticks before it draws again: a scan's result that comes back 10 ms
        after a frame (the VIN the scanner typed) would be shown 20 to 30 ms later. For what an
        operator waits on, the screen is told it has the size it has: Textual lays it out and
        draws it as soon as it handles that, as it does when the terminal is resized. The
        widgets' own refreshes still come through the timer after it.
        """
        if self.is_current:
            size = self.app.size
            self.post_message(events.Resize(size, size))

    def _plant_opened(self, catalog: object) -> None:
        if catalog is not None:
            self.reload()

    def _plant_changed(self, marker: tuple[int, ...] | None) -> None:
        if marker is None or marker == self.loaded_marker:
            return
        if self.is_current:
            self.reload()
        else:
            self._stale = True

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        if self.built_in != language():
            self.app.call_later(self.floor.view_in_language)
            return
        if self._stale:
            self._stale = False
            self.reload()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A database call that failed unexpectedly is said, not swallowed."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(f"{error}", title=_("The database did not answer"), severity="error", timeout=10)


def _permitted_first(check: CheckAction) -> CheckAction:
    """``check`` asked only about what the signed-in person may do (else the key is hidden)."""

    @functools.wraps(check)
    def check_action(screen: FloorScreen, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not offered(screen.floor, action, parameters):
            return False
        return check(screen, action, parameters)

    return check_action
