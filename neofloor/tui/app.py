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

Nobody works at a terminal without their badge and PIN (``services.people.auth``); a
badge given at start only spares typing it. The terminal signs its person out on F8
and after the plant config's idle time (see ``tui.idle``), and offers each person only
the keys and commands their role allows (``tui.permissions``).
"""

from __future__ import annotations

import gc
import importlib
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import var
from textual.screen import Screen
from textual.worker import Worker, WorkerCancelled, WorkerFailed, WorkerState

from neofloor.i18n import N_, _, language, set_language, terminal_language
from neofloor.tui.commands import FloorCommands
from neofloor.tui.dialogs.sign_in import SignInDialog
from neofloor.tui.dialogs.station_choice import StationDialog
from neofloor.tui.formatting import looks_like_vin_fragment
from neofloor.tui.idle import CHECK_SECONDS, DEFAULT_IDLE_MINUTES, IdleWatch
from neofloor.tui.messages import (
    ChainChecked,
    FirstLookRead,
    PlantChanged,
    PlantOpened,
    PlantUnavailable,
    SignOutRecorded,
    VehicleRequested,
)
from neofloor.tui.permissions import offered
from neofloor.tui.safe_text import safe
from neofloor.tui.screens import FLOOR_VIEWS, YARD_VIEW
from neofloor.tui.screens.base import FloorScreen
from neofloor.tui.startup import (
    FIRST_LOOK_DRAW_WAIT_SECONDS,
    FIRST_LOOK_READ_WAIT_SECONDS,
    FirstLookReader,
    chain_warning,
    missing_sqlite_file,
    read_plant,
)
from neofloor.tui.theme import (
    HIGH_CONTRAST,
    HIGH_CONTRAST_ANSI,
    HIGH_CONTRAST_THEME,
    STANDARD_THEME,
    read_theme,
    remember_theme,
)
from neofloor.tui.widgets.scan_field import FloorInput
from neofloor.tui.writes import Answer, write_in_worker

if TYPE_CHECKING:
    from textual.theme import Theme

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
# What a terminal needs soon after it starts, imported in the background once the first view is shown
# and the scan is compiled: the other views and what they read, so their first opening does not
# import them.
WARM_MODULES = (
    *(view.screen.partition(":")[0] for view in FLOOR_VIEWS[1:]),
    "neofloor.services.metrics.line_status",
    "neofloor.services.metrics.summary",
    "neofloor.services.metrics.station_quality",
    "neofloor.services.metrics.trend",
    "neofloor.services.quality",
)
# The views' stylesheets (screens/NAME.tcss), each also named by its screen's CSS_PATH.
SCREEN_STYLESHEETS = (
    "station",
    "board",
    "dashboard",
    "quality",
    "defects",
    "vehicle",
    "build_record",
    "recall",
    "yard",
    "pdi",
    "delivery",
    "skills",
    "audit",
)
# The app's own keys, put away while a dialog is open.
APP_KEYS = frozenset(
    {"show_view", "find_car", "sign_in", "sign_out", "choose_station", "show_skills", "show_audit"}
)
# How often the header's ledger warning is read again (another terminal may have run `verify`).
CHAIN_CHECK_SECONDS = 300.0


# Textual's own words that a terminal shows (its palette key and system commands), for the
# catalog: the footer, the keys help and get_system_commands translate them where shown.
TEXTUAL_WORDS = (
    N_("palette"),
    N_("Open the command palette"),
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit"),
    N_("Quit the application as soon as possible"),
    N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)

# The blank screen a terminal stands on while the view shown is built again in another language.
LANGUAGE_CHANGE_MODE = "language-change"

class NeofloorApp(App[None]):
    """The floor terminal, bound to a station or not, with whoever is signed in."""

    TITLE = "neofloor"
    # Every view's and dialog's stylesheet, read once at start: a screen whose CSS_PATH is not
    # yet in the app's stylesheet makes Textual parse every rule again and restyle every
    # widget of every open view on its first opening (half a second and more on a floor PC).
    CSS_PATH = [  # noqa: RUF012 (Textual reads a list)
        "app.tcss",
        "dialogs/dialogs.tcss",
        *(f"screens/{name}.tcss" for name in SCREEN_STYLESHEETS),
    ]
    MODES: ClassVar[dict[str, str | Callable[[], object]]] = {  # type: ignore[assignment]
        view.name: view.open for view in (*FLOOR_VIEWS, YARD_VIEW)
    }
    COMMANDS = App.COMMANDS | {FloorCommands}
    # Textual declares this without ClassVar, so it is overridden the same way.
    HORIZONTAL_BREAKPOINTS: list[tuple[int, str]] | None = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        *(view.binding for view in FLOOR_VIEWS),
        Binding("f7", "find_car", N_("Find"), id="find-car", tooltip=N_("Open a car's history by its VIN.")),
        Binding("f8", "sign_in", N_("Sign in"), id="sign-in", tooltip=N_("Sign in with your badge and PIN.")),
        Binding(
            "f8",
            "sign_out",
            N_("Sign out"),
            id="sign-out",
            tooltip=N_("Sign out; the next person signs in with their badge and PIN."),
        ),
        Binding(
            "f9",
            "choose_station",
            N_("Station"),
            id="choose-station",
            tooltip=N_("Bind this terminal to a station."),
        ),
        Binding(
            "ctrl+y",
            "show_skills",
            N_("Skills"),
            id="show-skills",
            tooltip=N_("The skills matrix: who is certified for which station, and until when."),
            show=False,
        ),
        Binding(
            "ctrl+l",
            "show_audit",
            N_("Audit"),
            id="show-audit",
            tooltip=N_("The audit trail: who did what, on which terminal, when."),
            show=False,
        ),
        Binding(
            "f1",
            "keys_help",
            N_("Keys"),
            id="keys-help",
            tooltip=N_("The keys of this view and what they do."),
        ),
        Binding(
            "ctrl+q",
            "quit",
            N_("Quit"),
            id="quit",
            priority=True,
            tooltip=N_("Close neofloor on this terminal."),
        ),
    ]

    # Attributes the views read (attributes down); set only on the UI thread.
    catalog: var[PlantCatalog | None] = var(None)
    station: var[str | None] = var(None)
    operator: var[OperatorInfo | None] = var(None)
    marker: var[tuple[int, ...] | None] = var(None)
    problem: var[str] = var("")
    # Seconds left before the idle sign-out, in its last minute (None before it).
    idle_left: var[int | None] = var(None)
    # What the last check of the ledger's chains found wrong ("" when nothing).
    chain_warning: var[str] = var("")

    def __init__(
        self,
        database_url: str,
        *,
        station: str | None = None,
        terminal: str = "",
        operator_badge: str | None = None,
        clock: Callable[[], datetime] | None = None,
        idle_minutes: float | None = None,
        idle_clock: Callable[[], float] | None = None,
        idle_check_seconds: float = CHECK_SECONDS,
        view: str | None = None,
        settings: Path | None = None,
    ) -> None:
        """``idle_minutes`` overrides the plant config's idle time; ``idle_clock`` (monotonic
        seconds) and ``idle_check_seconds`` let a test drive the idle sign-out quickly."""
        super().__init__()
        self.register_theme(HIGH_CONTRAST)
        self.ansi_theme_light = HIGH_CONTRAST_ANSI
        self.database_url = database_url
        self.terminal = terminal
        # A wall screen (tui/wall.py): this one view, nobody signed in, nothing written.
        self.wall_view = view
        self.read_only = view is not None
        # Where this terminal remembers its theme (tui/theme.py); None: nowhere.
        self.settings = settings
        if view is not None:
            station, operator_badge = None, None
        self.database: Database | None = None
        self._wanted_station = station
        self._wanted_badge = operator_badge
        self._clock = clock
        self._idle = IdleWatch(idle_minutes or DEFAULT_IDLE_MINUTES, idle_clock or time.monotonic)
        self._idle_fixed = idle_minutes is not None
        self._idle_check_seconds = idle_check_seconds
        self._poll_failing = False
        self._badge_problem = ""
        self._badge_given: str | None = None
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
        # The terminal's language: --lang, NEOFLOOR_LANG, else the plant's once it is open.
        self.terminal_language = language()
        # How each view's mode is built (a wall screen has its own): built again on a language change.
        self._openers: dict[str, str | Callable[[], object]] = dict(self.MODES)
        self._first_look_drawn = threading.Event()

    def now(self) -> datetime:
        """The current time (aware, UTC), from the injected clock when there is one."""
        return self._clock() if self._clock is not None else datetime.now(UTC)

    # --- opening the plant ------------------------------------------------------

    def on_mount(self) -> None:
        self._gc_wanted, self._gc_starting = gc.isenabled(), True
        self._apply_gc()
        self._recall_theme()
        if self.wall_view is not None:
            self._open_wall(self.wall_view)
        else:
            self.switch_mode(FLOOR_VIEWS[0].name)
        self.call_after_refresh(self._first_paint.set)
        self.open_plant()
        self.set_interval(self._idle_check_seconds, self.check_idle_sign_out)

    def first_view_shown(self) -> None:
        """The first view shows its data: import the rest in the background, then let the GC run."""
        if self._start_settled:
            return
        self._start_settled = True
        self._warm_up()

    @work(thread=True, exclusive=True, exit_on_error=False, group="warm-up")
    def _warm_up(self) -> None:
        """Imported and compiled now, in the background, so the first scan and the first opening of
        each view do not pay for it (the scan first: it is what a station terminal waits for)."""
        from neofloor.services.tracking.scans import prepare_scans

        if self.database is not None:
            with self.database.read() as session:
                prepare_scans(session)
        for module in WARM_MODULES:
            importlib.import_module(module)

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
            said = _("No database at {path}: create one with 'neofloor init' or 'neofloor demo'.")
            self.post_message(PlantUnavailable(said.format(path=missing)))
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
            said = _("The plant database cannot be opened: {problem}").format(problem=exc)
            self.post_message(PlantUnavailable(said))
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
        # The badge given at start is not a sign-in: its PIN is asked once the plant is open.
        self.station, self.catalog = look.station, look.catalog
        screen.show_first_look(look)

    def on_plant_opened(self, message: PlantOpened) -> None:
        if self.problem:
            self.problem = ""
            self.notify(_("The database answers again."), timeout=3)
        self.opening = False
        self.database = message.database
        self.marker = message.marker
        self.station = message.station
        self.catalog = message.catalog
        self.chain_warning = message.chain_warning
        self._badge_given = message.operator.badge if message.operator is not None else None
        if not self._idle_fixed:
            self._idle.set_minutes(message.idle_minutes)
        self.terminal_language = terminal_language(message.language)
        self.speak(self.operator.language if self.operator is not None else None)
        self.set_interval(CHANGE_POLL_SECONDS, self.check_for_changes)
        self.set_interval(CHAIN_CHECK_SECONDS, self.check_chain)
        self.set_timer(SETTLE_AFTER_OPEN_SECONDS, self.first_view_shown)
        if not self.read_only:
            self._ask_what_is_missing(message.station_problem, message.badge_problem)

    def on_plant_unavailable(self, message: PlantUnavailable) -> None:
        self.opening = False
        self._resume_gc()
        if message.reason != self.problem:
            self.notify(message.reason, title=_("No plant database"), severity="error", timeout=30)
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
            self._ask_sign_in(badge_problem)

    def _station_chosen(self, code: str | None) -> None:
        if code:
            self.bind_station(code)
        if self.operator is None and not isinstance(self.screen, SignInDialog):
            self._ask_sign_in(self._badge_problem)
            self._badge_problem = ""

    def _ask_sign_in(self, problem: str = "") -> None:
        """The sign-in dialog: badge (the one given at start, if any), then PIN; never on a wall screen."""
        if self.read_only:
            return
        badge, self._badge_given = self._badge_given, None
        self.push_screen(SignInDialog(problem, badge=badge), self._signed_in)

    def _signed_in(self, operator: OperatorInfo | None) -> None:
        if operator is not None:
            self.operator = operator
            self._idle.touch()
            self.notify(_("Signed in: {person}.").format(person=safe(operator.label)), timeout=3)

    def watch_operator(self, operator: OperatorInfo | None) -> None:
        """Someone else, or nobody: the keys and commands offered change with them, and the language."""
        self.idle_left = None
        self.speak(operator.language if operator is not None else None)
        self.refresh_bindings()

    # --- the language spoken: the terminal's, or the signed-in person's ---------------

    def speak(self, wanted: str | None) -> None:
        """Speak ``wanted`` (None: the terminal's language) from now on, the views built again in it.

        The views are composed in the language of the moment they are built; when it changes
        (the plant's default read at open, a person who reads another signing in or out), the
        views not shown are dropped, to be built again when next opened, and the one shown is
        built again as soon as no dialog covers it.
        """
        code = wanted or self.terminal_language
        if code != language():
            set_language(code)
            current = self.current_mode
            for name, opener in self._openers.items():
                if name != current:
                    self.remove_mode(name)
                    self.add_mode(name, opener)  # type: ignore[arg-type]
        self.call_later(self.view_in_language)

    async def view_in_language(self) -> None:
        """Build the view shown again if it speaks another language than the terminal now does.

        A mode's first screen cannot be replaced in place: the terminal steps onto a blank
        screen for the moment the view's mode is made again, then back onto it.
        """
        view = self.screen_stack[0]
        if len(self.screen_stack) > 1 or not isinstance(view, FloorScreen) or view.built_in == language():
            return  # a dialog covers it: done when the view comes back (FloorScreen.on_screen_resume)
        current, opener = self.current_mode, self._openers.get(self.current_mode)
        if opener is None:
            return
        self.add_mode(LANGUAGE_CHANGE_MODE, Screen)
        await self.switch_mode(LANGUAGE_CHANGE_MODE)
        await self.remove_mode(current)
        self.add_mode(current, opener)  # type: ignore[arg-type]
        await self.switch_mode(current)
        await self.remove_mode(LANGUAGE_CHANGE_MODE)

    # --- signing out: on a key, and when the terminal is left alone --------------

    async def on_event(self, event: events.Event) -> None:
        """Any key, paste (a scanner) or click means someone is there: the idle time starts again."""
        if isinstance(event, (events.Key, events.Paste, events.MouseDown)):
            self._idle.touch()
            if self.idle_left is not None:
                self.idle_left = None
        await super().on_event(event)

    def check_idle_sign_out(self) -> None:
        """Count down the last minute on the header; sign out once the idle time is up."""
        if self.read_only or self.operator is None or self.database is None:
            return
        left = self._idle.countdown()
        if left is None or left > 0:
            self.idle_left = left
        else:
            self.sign_out("idle")

    def sign_out(self, reason: str = "key") -> None:
        """Nobody works here now: say so in the audit trail, close what was open, ask who signs in."""
        operator, database = self.operator, self.database
        if operator is None or database is None:
            return
        self.operator = None
        terminal, now = self.terminal, self.now()

        def record() -> None:
            from neofloor.services.people.auth import sign_out

            with database.write() as session:
                sign_out(session, operator, terminal, reason=reason, now=now)

        def answered(answer: Answer[None]) -> SignOutRecorded:
            return SignOutRecorded("" if answer.wrote else answer.sentence("{error}"))

        write_in_worker(self, record, answered, group="sign-out")
        # Whatever was open (a dialog half typed, a car's history) was the last person's.
        while len(self.screen_stack) > 1:
            self.pop_screen()
        if reason == "idle":
            said = _("{person} was signed out: nothing was pressed for a while.")
            self.notify(said.format(person=safe(operator.label)), timeout=6)
        self._ask_sign_in()

    def on_sign_out_recorded(self, message: SignOutRecorded) -> None:
        if message.problem:
            self.notify(message.problem, title=_("The sign-out was not recorded"), severity="warning")

    # --- the ledger's chains ------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="chain-check")
    def check_chain(self) -> None:
        """Read the last check of the ledger's chains again (another terminal may have run it)."""
        database = self.database
        if database is None:
            return
        with database.read() as session:
            warning = chain_warning(session)
        self.post_message(ChainChecked(warning))

    def on_chain_checked(self, message: ChainChecked) -> None:
        self.chain_warning = message.warning

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

    # --- the terminal's view follows its station's kind ---------------------------

    def _terminal_view(self) -> str:
        """The station view's mode: the yard's terminal at the yard and the delivery station, the station
        terminal elsewhere."""
        from neofloor.store.kinds import StationKind

        catalog, station = self.catalog, self.station
        if catalog is not None and station is not None:
            kind = next((s.kind for s in catalog.stations if s.code == station), None)
            if kind in (StationKind.YARD, StationKind.DELIVERY):
                return YARD_VIEW.name
        return FLOOR_VIEWS[0].name

    def _follow_station(self) -> None:
        """Bound to the yard (or away from it) while its terminal view is shown: show the right one."""
        terminal_modes = (FLOOR_VIEWS[0].name, YARD_VIEW.name)
        wanted = self._terminal_view()
        if self.current_mode in terminal_modes and self.current_mode != wanted:
            self.switch_mode(wanted)
            self.refresh_bindings()

    def watch_station(self, _station: str | None) -> None:
        self._follow_station()

    def watch_catalog(self, _catalog: PlantCatalog | None) -> None:
        self._follow_station()

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
            self.notify(f"{event.worker.error}", title=_("The database did not answer"), severity="error")
        elif event.state == WorkerState.SUCCESS and self._poll_failing:
            self._poll_failing = False
            self.notify(_("The database answers again."), timeout=3)

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

        if self.read_only:
            return  # a wall screen shows its view only (a car's history has keys that write)
        if isinstance(self.screen, VehicleScreen):
            if vin is None:
                self.screen.focus_find()
            else:
                self.screen.show_car(vin)
        else:
            self.push_screen(VehicleScreen(vin))

    def on_vehicle_requested(self, message: VehicleRequested) -> None:
        self.show_vehicle(message.vin)

    def on_floor_input_overflowed(self, message: FloorInput.Overflowed) -> None:
        """A field overflowed and no screen said it: one message (the field rang once)."""
        self.notify(message.sentence, severity="warning", timeout=5)

    # --- actions ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.read_only and action in APP_KEYS:
            return False
        if action in APP_KEYS and self.screen.is_modal:
            return False
        if action == "sign_in":
            return self.operator is None
        if action == "sign_out":
            return self.operator is not None
        if not offered(self, action, parameters):
            return False
        if action == "show_view" and parameters and self._view_mode(str(parameters[0])) == self.current_mode:
            # Hide the key of the view already shown, unless a car's history is open over it.
            return len(self.screen_stack) > 1
        return True

    def _view_mode(self, name: str) -> str:
        return self._terminal_view() if name == FLOOR_VIEWS[0].name else name

    def action_show_view(self, name: str) -> None:
        name = self._view_mode(name)
        if name == self.current_mode:
            while len(self.screen_stack) > 1 and not self.screen.is_modal:
                self.pop_screen()
        else:
            self.switch_mode(name)
        self.refresh_bindings()

    def action_keys_help(self) -> None:
        """F1: the keys of what is on screen, read from its active bindings."""
        from neofloor.tui.dialogs.keys_help import KeysHelpDialog, keys_of

        if isinstance(self.screen, KeysHelpDialog):
            return
        views = {view.name: view.title for view in FLOOR_VIEWS}
        title = _(views[self.current_mode]) if self.current_mode in views else ""
        if self.screen.is_modal:
            title = _("this dialog")
        elif len(self.screen_stack) > 1:
            title = _("a car's history")
        self.push_screen(KeysHelpDialog(title, keys_of(self, self.screen)))

    def action_find_car(self) -> None:
        self.show_vehicle(None)

    def action_sign_in(self) -> None:
        if self.database is None:
            self.notify(self.problem or _("The plant database is not open yet."), severity="warning")
            return
        self._ask_sign_in()

    def action_sign_out(self) -> None:
        self.sign_out("key")

    def action_show_skills(self) -> None:
        from neofloor.tui.screens.skills import SkillsScreen

        if self.database is not None and offered(self, "show_skills"):
            self.push_screen(SkillsScreen())

    def action_show_audit(self) -> None:
        from neofloor.tui.screens.audit import AuditScreen

        if self.database is not None and offered(self, "show_audit"):
            self.push_screen(AuditScreen())

    def action_choose_station(self) -> None:
        if self.catalog is None:
            self.notify(self.problem or _("The plant database is not open yet."), severity="warning")
            return
        self.push_screen(StationDialog(self.catalog.terminal_stations, self.station), self._station_chosen)

    def bind_station(self, code: str) -> None:
        """This terminal now works for another station."""
        if self.read_only:
            return
        self.station = code
        if self.current_mode != self._terminal_view():
            self.action_show_view(FLOOR_VIEWS[0].name)

    # --- wall screens and themes ------------------------------------------------

    def _open_wall(self, name: str) -> None:
        """Only this view, in its read-only form: the other views are not even modes."""
        from neofloor.tui.screens import floor_view
        from neofloor.tui.wall import wall_screen_factory

        for view in (*FLOOR_VIEWS, YARD_VIEW):
            self.remove_mode(view.name)
        view = floor_view(name)
        factory = wall_screen_factory(view.name, view.screen)
        self._openers = {view.name: factory}
        self.add_mode(view.name, factory)
        self.switch_mode(view.name)

    def action_command_palette(self) -> None:
        """Textual's command palette, its search field in the language spoken."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(CommandPalette(id="--command-palette", placeholder=_("Search for commands…")))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's commands and the high-contrast switch; no screenshot file from a wall screen."""
        for command in super().get_system_commands(screen):
            if not (self.read_only and "screenshot" in command.title.lower()):
                yield command._replace(title=_(command.title), help=_(command.help))
        if self.theme == HIGH_CONTRAST_THEME:
            yield SystemCommand(
                _("Standard theme"),
                _("Back to the standard colours."),
                lambda: self._use_theme(STANDARD_THEME),
            )
        else:
            yield SystemCommand(
                _("High-contrast theme"),
                _("Black on white, strong colours: for bright shop floors. Remembered by this terminal."),
                lambda: self._use_theme(HIGH_CONTRAST_THEME),
            )

    def _use_theme(self, name: str) -> None:
        self.theme = name

    def _recall_theme(self) -> None:
        """Put back the theme this terminal chose last time, then remember every change."""
        if self.settings is None:
            return
        remembered = read_theme(self.settings, self.terminal)
        if remembered is not None and remembered in self.available_themes:
            self.theme = remembered
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        self._save_theme(theme.name)

    @work(thread=True, exclusive=True, exit_on_error=False, group="settings")
    def _save_theme(self, name: str) -> None:
        if self.settings is not None:
            remember_theme(self.settings, self.terminal, name)


if TYPE_CHECKING:
    # The app is the floor every screen, dialog and widget works on (checked by mypy).
    _THE_FLOOR: type[Floor] = NeofloorApp
