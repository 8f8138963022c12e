"""The neofloor app: a station terminal, the line board and a car's history.

The terminal paints at once and opens the plant database afterwards, in a thread
worker: importing the store (SQLModel) alone takes about half a second. A terminal
started for a station shows that station's cars before then: a thread started with
the app reads them with sqlite3 (``services.tracking.first_look``), and the store is imported
once they are drawn. Every database call runs in a thread; nothing here imports the
store or the services at module level.

Until the first view shows its data the terminal imports only what that needs,
and the garbage collector waits: a start makes hundreds of thousands of objects
that live as long as the terminal. Once the view is shown, the rest of what a scan
needs is imported in the background and what the start made is frozen out of the
collector's reach, so that its full collections stay short while cars are scanned.

What each of these start-up tricks (the first look, the switch interval, the
collector held then frozen) buys is measured in one place: docs/performance.md,
"What each start-up trick buys".
"""

from __future__ import annotations

import gc
import importlib
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import var
from textual.worker import Worker, WorkerCancelled, WorkerFailed, WorkerState

from neofloor.tui.commands import FloorCommands
from neofloor.tui.dialogs.sign_in import SignInDialog
from neofloor.tui.dialogs.station_choice import StationDialog
from neofloor.tui.formatting import looks_like_vin_fragment
from neofloor.tui.messages import (
    FirstLookRead,
    PlantChanged,
    PlantOpened,
    PlantUnavailable,
    VehicleRequested,
)
from neofloor.tui.screens import FLOOR_VIEWS
from neofloor.tui.startup import (
    FIRST_LOOK_DRAW_WAIT_SECONDS,
    FIRST_LOOK_READ_WAIT_SECONDS,
    FirstLookReader,
    missing_sqlite_file,
    read_plant,
)

if TYPE_CHECKING:
    from neofloor.services.plant.catalog import PlantCatalog
    from neofloor.services.plant.operators import OperatorInfo
    from neofloor.services.tracking.first_look import FirstLook
    from neofloor.store.engine import Database
    from neofloor.tui.floor import Floor
    from neofloor.tui.screens.station import StationScreen

# How often the app asks whether another terminal wrote (a few indexed MAX() reads).
CHANGE_POLL_SECONDS = 1.5
# How often a terminal whose database server did not answer at start tries again.
RECONNECT_SECONDS = 5.0
# A terminal whose first view shows nothing yet (it asks for a station) ends its start after this.
SETTLE_AFTER_OPEN_SECONDS = 3.0
# What a terminal needs soon after it starts, imported in the background once the first view is shown.
WARM_MODULES = ("neofloor.services.tracking.scans",)


class NeofloorApp(App[None]):
    """The floor terminal, bound to a station or not, with whoever is signed in."""

    TITLE = "neofloor"
    CSS_PATH = "app.tcss"
    MODES: ClassVar[dict[str, str | Callable[[], object]]] = {  # type: ignore[assignment]
        view.name: view.open for view in FLOOR_VIEWS
    }
    COMMANDS = App.COMMANDS | {FloorCommands}
    # Textual declares this without ClassVar, so it is overridden the same way.
    HORIZONTAL_BREAKPOINTS: list[tuple[int, str]] | None = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        *(view.binding for view in FLOOR_VIEWS),
        Binding("f7", "find_car", "Find", id="find-car", tooltip="Open a car's history by its VIN."),
        Binding("f8", "sign_in", "Sign in", id="sign-in", tooltip="Sign in as someone else."),
        Binding(
            "f9", "choose_station", "Station", id="choose-station", tooltip="Bind this terminal to a station."
        ),
    ]

    # Attributes the views read (attributes down); set only on the UI thread.
    catalog: var[PlantCatalog | None] = var(None)
    station: var[str | None] = var(None)
    operator: var[OperatorInfo | None] = var(None)
    marker: var[tuple[int, ...] | None] = var(None)
    problem: var[str] = var("")

    def __init__(
        self,
        database_url: str,
        *,
        station: str | None = None,
        terminal: str = "",
        operator_badge: str | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.database_url = database_url
        self.terminal = terminal
        self.database: Database | None = None
        self._wanted_station = station
        self._wanted_badge = operator_badge
        self._clock = clock
        self._poll_failing = False
        self._badge_problem = ""
        # The garbage collector: whether it ran before this terminal started, whether the start
        # is still under way, and how many scans wait for their result (see hold_gc).
        self._gc_wanted = gc.isenabled()
        self._gc_starting = False
        self._gc_holds = 0
        self._start_settled = False
        # The station's first look, read in a thread from now on; ``opening``: it is on screen
        # and the store not open yet (see open_plant).
        self.opening = False
        self._first_look_reader = (
            FirstLookReader(database_url, station, operator_badge, self.now()) if station else None
        )
        self._first_paint = threading.Event()
        self._first_look_drawn = threading.Event()

    def now(self) -> datetime:
        """The current time (aware, UTC), from the injected clock when there is one."""
        return self._clock() if self._clock is not None else datetime.now(UTC)

    # --- opening the plant ------------------------------------------------------

    def on_mount(self) -> None:
        self._gc_wanted, self._gc_starting = gc.isenabled(), True
        self._apply_gc()
        self.switch_mode(FLOOR_VIEWS[0].name)
        self.call_after_refresh(self._first_paint.set)
        self.open_plant()

    def first_view_shown(self) -> None:
        """The first view shows its data: import the rest in the background, then let the GC run."""
        if self._start_settled:
            return
        self._start_settled = True
        self._warm_up()

    @work(thread=True, exclusive=True, exit_on_error=False, group="warm-up")
    def _warm_up(self) -> None:
        """Imported and compiled now, in the background, so the first scan does not pay for it."""
        for module in WARM_MODULES:
            importlib.import_module(module)
        from neofloor.services.tracking.scans import prepare_scans

        if self.database is not None:
            with self.database.read() as session:
                prepare_scans(session)

    def _resume_gc(self) -> None:
        """Freeze what the start made (it lives as long as the terminal) and let the GC run again."""
        if self._gc_starting:
            self._gc_starting = False
            gc.freeze()
            self._apply_gc()

    def hold_gc(self) -> None:
        """No garbage collection until :meth:`release_gc`: a scan's result is on its way.

        A full collection takes longer than a frame even with the start frozen; between Enter
        and the result shown it would cost the frame. The collection due runs right after instead.
        """
        self._gc_holds += 1
        self._apply_gc()

    def release_gc(self) -> None:
        self._gc_holds = max(0, self._gc_holds - 1)
        self._apply_gc()

    def _apply_gc(self) -> None:
        if self._gc_wanted and not self._gc_starting and not self._gc_holds:
            gc.enable()
        else:
            gc.disable()

    def on_unmount(self) -> None:
        # Frozen objects are never collected: give them back, for a process that goes on.
        self._gc_holds = 0
        self._resume_gc()
        self._apply_gc()
        gc.unfreeze()

    @work(thread=True, exclusive=True, exit_on_error=False, group="plant")
    def open_plant(self) -> None:
        """Open the database, read the catalog, check the --station and badge given.

        A terminal started for a station has its first look read (see FirstLookReader)
        and imports the store only once that is drawn: the import would hold the
        interpreter from the frames before it. The sign-in follows once the store is open.
        """
        missing = missing_sqlite_file(self.database_url)
        if missing is not None:
            self._first_paint.wait(FIRST_LOOK_DRAW_WAIT_SECONDS)
            create = "create one with 'neofloor init' or 'neofloor demo'"
            self.post_message(PlantUnavailable(f"No database at {missing}: {create}."))
            return
        reader = self._first_look_reader
        if reader is not None and reader.read.wait(FIRST_LOOK_READ_WAIT_SECONDS) and reader.look is not None:
            self.post_message(FirstLookRead(reader.look))  # unless the station screen showed it already
            self._first_look_drawn.wait(FIRST_LOOK_DRAW_WAIT_SECONDS)
        else:
            self._first_paint.wait(FIRST_LOOK_DRAW_WAIT_SECONDS)

        from neofloor.store.errors import StoreProblem, StoreUnreachable

        try:
            opened = read_plant(self.database_url, self._wanted_station, self._wanted_badge)
        except StoreProblem as exc:
            # The store's own sentence (a server away, a damaged file...); a server is tried again.
            self.post_message(PlantUnavailable(str(exc), retry=isinstance(exc, StoreUnreachable)))
            return
        except Exception as exc:
            self.post_message(PlantUnavailable(f"The plant database cannot be opened: {exc}"))
            raise
        self.post_message(opened)

    def offer_first_look(self, screen: StationScreen) -> None:
        """Show the first look on the station screen now if it has been read (UI thread)."""
        reader = self._first_look_reader
        if reader is not None and reader.read.is_set() and reader.look is not None:
            self._show_first_look(reader.look, screen)

    def on_first_look_read(self, message: FirstLookRead) -> None:
        from neofloor.tui.screens.station import StationScreen

        if isinstance(self.screen, StationScreen):
            self._show_first_look(message.look, self.screen)
        self.call_after_refresh(self._first_look_drawn.set)

    def _show_first_look(self, look: FirstLook, screen: StationScreen) -> None:
        reader = self._first_look_reader
        if reader is None or reader.shown or self.database is not None or self.problem:
            return
        reader.shown = True
        self.opening = True
        if look.operator is not None:
            self.operator = look.operator
        self.station, self.catalog = look.station, look.catalog
        screen.show_first_look(look)

    def on_plant_opened(self, message: PlantOpened) -> None:
        if self.problem:
            self.problem = ""
            self.notify("The database answers again.", timeout=3)
        self.opening = False
        self.database = message.database
        self.marker = message.marker
        self.operator = message.operator
        self.station = message.station
        self.catalog = message.catalog
        self.set_interval(CHANGE_POLL_SECONDS, self.check_for_changes)
        self.set_timer(SETTLE_AFTER_OPEN_SECONDS, self.first_view_shown)
        self._ask_what_is_missing(message.station_problem, message.badge_problem)

    def on_plant_unavailable(self, message: PlantUnavailable) -> None:
        self.opening = False
        self._resume_gc()
        if message.reason != self.problem:
            self.notify(message.reason, title="No plant database", severity="error", timeout=30)
        self.problem = message.reason
        if message.retry:
            self.set_timer(RECONNECT_SECONDS, self.open_plant)

    def _ask_what_is_missing(self, station_problem: str = "", badge_problem: str = "") -> None:
        """A terminal needs a station, then someone signed in; say why one given was not taken."""
        self._badge_problem = badge_problem
        if self.station is None and self.catalog is not None:
            dialog = StationDialog(self.catalog.terminal_stations, None, station_problem)
            self.push_screen(dialog, self._station_chosen)
        elif self.operator is None:
            self.push_screen(SignInDialog(badge_problem), self._signed_in)

    def _station_chosen(self, code: str | None) -> None:
        if code:
            self.bind_station(code)
        if self.operator is None:
            self.push_screen(SignInDialog(self._badge_problem), self._signed_in)
            self._badge_problem = ""

    def _signed_in(self, operator: OperatorInfo | None) -> None:
        if operator is not None:
            self.operator = operator
            self.notify(f"Signed in: {operator.label}.", timeout=3)

    # --- seeing other terminals' work -------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="change-marker")
    def check_for_changes(self) -> None:
        """Poll the change marker; the views reload only when it moved."""
        from neofloor.services.tracking.marker import change_marker

        database = self.database
        if database is None:
            return
        with database.read() as session:
            marker = change_marker(session)
        if marker != self.marker:
            self.post_message(PlantChanged(marker))

    def on_plant_changed(self, message: PlantChanged) -> None:
        self.marker = message.marker

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Say once that the database stopped answering the poll, and once that it is back."""
        if event.worker.group == "warm-up" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            self._resume_gc()
        if event.worker.group != "change-marker":
            return
        if event.state == WorkerState.ERROR and not self._poll_failing:
            self._poll_failing = True
            self.notify(f"{event.worker.error}", title="The database did not answer", severity="error")
        elif event.state == WorkerState.SUCCESS and self._poll_failing:
            self._poll_failing = False
            self.notify("The database answers again.", timeout=3)

    # --- cars -------------------------------------------------------------------

    async def find_vins(self, typed: str) -> list[str]:
        """VINs starting or ending with what was typed (a thread worker; [] when it fails)."""
        database = self.database
        if database is None or not looks_like_vin_fragment(typed):
            return []

        def look_up() -> list[str]:
            from neofloor.services.tracking.history import find_vins

            with database.read() as session:
                return find_vins(session, typed, limit=10)

        worker = self.run_worker(look_up, thread=True, exclusive=True, group="find-vins", exit_on_error=False)
        try:
            return await worker.wait()
        except (WorkerCancelled, WorkerFailed):
            return []

    def show_vehicle(self, vin: str | None) -> None:
        """Open a car's history over the current view (or show it on the one already open)."""
        from neofloor.tui.screens.vehicle import VehicleScreen

        if isinstance(self.screen, VehicleScreen):
            if vin is None:
                self.screen.focus_find()
            else:
                self.screen.show_car(vin)
        else:
            self.push_screen(VehicleScreen(vin))

    def on_vehicle_requested(self, message: VehicleRequested) -> None:
        self.show_vehicle(message.vin)

    # --- actions ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("show_view", "find_car", "sign_in", "choose_station") and self.screen.is_modal:
            return False
        if action == "show_view" and parameters and parameters[0] == self.current_mode:
            # Hide the key of the view already shown, unless a car's history is open over it.
            return len(self.screen_stack) > 1
        return True

    def action_show_view(self, name: str) -> None:
        if name == self.current_mode:
            while len(self.screen_stack) > 1 and not self.screen.is_modal:
                self.pop_screen()
        else:
            self.switch_mode(name)
        self.refresh_bindings()

    def action_find_car(self) -> None:
        self.show_vehicle(None)

    def action_sign_in(self) -> None:
        if self.database is None:
            self.notify(self.problem or "The plant database is not open yet.", severity="warning")
            return
        self.push_screen(SignInDialog(), self._signed_in)

    def action_choose_station(self) -> None:
        if self.catalog is None:
            self.notify(self.problem or "The plant database is not open yet.", severity="warning")
            return
        self.push_screen(StationDialog(self.catalog.terminal_stations, self.station), self._station_chosen)

    def bind_station(self, code: str) -> None:
        """This terminal now works for another station."""
        self.station = code
        if self.current_mode != FLOOR_VIEWS[0].name:
            self.action_show_view(FLOOR_VIEWS[0].name)


if TYPE_CHECKING:
    # The app is the floor every screen, dialog and widget works on (checked by mypy).
    _THE_FLOOR: type[Floor] = NeofloorApp
