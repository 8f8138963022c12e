"""Defect entry: scan a car, then log what is found on it in a few keystrokes, one defect after another.

The VIN field has the focus first, so a barcode scanner typing a VIN and Enter
opens the car; the defect field then has it. ``wl⏎ l⏎ ⏎`` logs a water leak at
the left door (the form, ``widgets/defect_form.py``, says how). The form then
stays on the car, ready for the next defect, and the car's defects are listed
below it with their status. Defects are found at the terminal's station unless
F3 says another; F4 opens the car's history, where they are repaired and
verified. Every rule (who may log, where, which severity, the same defect twice)
is the services'; a refusal shows their sentence in red, with the bell.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Label
from textual.worker import get_current_worker

from neofloor.i18n import N_, _
from neofloor.tui.dialogs.choice import ChoiceDialog
from neofloor.tui.dialogs.defect_action import TERMINAL_STATION, DefectWriter, found_at_choices, log_defect
from neofloor.tui.dialogs.vin_choice import VinChoiceDialog
from neofloor.tui.floor import floor_of
from neofloor.tui.messages import VehicleRequested
from neofloor.tui.screens.base import FloorScreen
from neofloor.tui.screens.defect_steps import DEFECT_STEP_BINDINGS, DefectStepAnswered, DefectSteps
from neofloor.tui.widgets.defect_form import DefectForm
from neofloor.tui.widgets.defect_table import DefectTable, car_defects_title, quality_gates
from neofloor.tui.widgets.header import PlantHeader
from neofloor.tui.widgets.key_footer import KeyFooter
from neofloor.tui.widgets.last_result import LastResult, Outcome
from neofloor.tui.writes import Answer, write_in_worker

if TYPE_CHECKING:
    from textual.app import App

    from neofloor.services.plant.catalog import PlantCatalog
    from neofloor.services.quality import CatalogEntry, DefectRecord
    from neofloor.services.quality.defects import DefectResult
    from neofloor.services.tracking.floor import CarSummary
    from neofloor.services.tracking.history import VehicleHistory
    from neofloor.store.engine import Database

READY_NO_CAR = N_("Scan or type the car's VIN (or its last digits), then Enter.")
HOW_TO_LOG = N_("Defect: code or words, Enter · zone: first letters, Enter · Enter logs it.")


class DefectEntryScreen(DefectSteps, FloorScreen):
    """The inspector's form: a car, then its defects, one after another."""

    CSS_PATH = "defects.tcss"
    AUTO_FOCUS = "#vin"
    BINDINGS: ClassVar[list[BindingType]] = [
        *DEFECT_STEP_BINDINGS,
        Binding(
            "f3",
            "choose_found_at",
            N_("Found at"),
            id="choose-found-at",
            tooltip=N_("Where the defect was found (this terminal's station by default)."),
        ),
        Binding(
            "f4",
            "history",
            N_("History"),
            id="car-history",
            tooltip=N_("Open the car's history: its defects, their repair and verification."),
        ),
        Binding(
            "escape",
            "clear",
            N_("Clear"),
            id="clear-defect",
            tooltip=N_("Clear the defect being typed; again to scan another car."),
        ),
    ]

    @dataclass
    class CatalogLoaded(Message):
        entries: list[CatalogEntry]

    @dataclass
    class CarLoaded(Message):
        """A car and its defects, read at one change marker; ``scanned`` when just asked for."""

        history: VehicleHistory
        defects: list[DefectRecord]
        marker: tuple[int, ...]
        select: int | None = None
        scanned: bool = False

    @dataclass
    class CarMatches(Message):
        """Several cars (or none) end or start with what was typed."""

        typed: str
        vins: list[str]

    @dataclass
    class Answered(Message):
        """A car look-up or a defect write came back: what to show, and the defect logged."""

        outcome: Outcome
        logged: int | None = None

    def __init__(self, vin: str | None = None) -> None:
        super().__init__()
        self.vin = vin
        self.car: CarSummary | None = None
        self.defects: list[DefectRecord] = []
        # The defect just logged, to put the cursor on once a reload shows it: a reload the
        # change marker starts may cancel the one asked for with it (they are exclusive).
        self._logged_defect: int | None = None
        self.entries: list[CatalogEntry] = []
        # Where defects are found; None means this terminal's station.
        self.found_at: str | None = None

    def compose(self) -> ComposeResult:
        yield PlantHeader()
        yield DefectForm(id="defect-form")
        yield LastResult(id="entry-result")
        yield Label("", id="car-defects-title", classes="section-title")
        yield DefectTable(id="car-defects")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#entry-result", LastResult).outcome = Outcome("ready", _(READY_NO_CAR), _("READY"))
        self.watch(self.app, "station", self._station_changed)
        self.watch(self.app, "problem", self._show_problem)
        self.watch(self.app, "catalog", self._catalog_changed)
        self._show_car()

    @property
    def form(self) -> DefectForm:
        return self.query_one("#defect-form", DefectForm)

    # --- reading ----------------------------------------------------------------

    def reload(self) -> None:
        database = self.floor.database
        if database is None or self.floor.catalog is None:
            return
        if not self.entries:
            self._load_catalog(database)
        if self.vin:
            self._open_car(
                database, self.vin, self.floor.now(), select=self._logged_defect, scanned=self.car is None
            )
        else:
            self.loaded_marker = self.floor.marker

    def show_car(self, vin: str) -> None:
        """Put this car on the form (from the car's history)."""
        self.vin = vin
        self.car = None
        if self.is_mounted:
            self.reload()

    @work(thread=True, exclusive=True, exit_on_error=False, group="defect-catalog")
    def _load_catalog(self, database: Database) -> None:
        from neofloor.services.quality import catalog_entries

        with database.read() as session:
            entries = catalog_entries(session)
        self.post_message(self.CatalogLoaded(entries))

    @work(thread=True, exclusive=True, exit_on_error=False, group="defect-car")
    def _open_car(
        self, database: Database, typed: str, now: datetime, *, select: int | None, scanned: bool
    ) -> None:
        """The car whose VIN is (or starts or ends with) ``typed``, and its defects."""
        from neofloor.services.plant.errors import NeofloorError
        from neofloor.services.quality import car_defects
        from neofloor.services.tracking.history import find_vins, vehicle_history
        from neofloor.services.tracking.marker import change_marker

        try:
            with database.read() as session:
                vin = typed
                if len(typed) != 17:
                    vins = find_vins(session, typed, limit=10)
                    if len(vins) != 1:
                        self.post_message(self.CarMatches(typed, vins))
                        return
                    vin = vins[0]
                marker = change_marker(session)
                history = vehicle_history(session, vin)
                defects = car_defects(session, vin, now=now)
        except NeofloorError as exc:
            self.post_message(self.Answered(Outcome("refused", str(exc))))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.CarLoaded(history, defects, marker, select, scanned))

    def on_defect_entry_screen_catalog_loaded(self, message: CatalogLoaded) -> None:
        self.entries = message.entries
        self.form.set_entries(message.entries)

    def on_defect_entry_screen_car_matches(self, message: CarMatches) -> None:
        if not message.vins:
            self._answer(
                Outcome("refused", _("No car's VIN starts or ends with {typed}.").format(typed=message.typed))
            )
            return

        def chosen(vin: str | None) -> None:
            if vin:
                self._open(vin)

        self.app.push_screen(VinChoiceDialog(message.typed, message.vins), chosen)

    def on_defect_entry_screen_car_loaded(self, message: CarLoaded) -> None:
        car = message.history.car
        if message.scanned:
            self.vin = car.vin
            self._logged_defect = None
            self.form.clear()
            headline = _("CAR {vin} #{seq}").format(vin=car.vin, seq=car.build_seq)
            self._answer(Outcome("ready", _(HOW_TO_LOG), headline))
            self.form.focus_field("defect")
        elif car.vin != self.vin:
            return  # an answer for a car no longer on the form
        self.car = car
        self.defects = message.defects
        self.loaded_marker = message.marker
        self._show_car()
        zone = self.floor.catalog.timezone if self.floor.catalog else "UTC"
        self.query_one("#car-defects", DefectTable).show(self.defects, zone, message.select)
        if any(d.id == self._logged_defect for d in self.defects):
            self._logged_defect = None

    # --- showing ----------------------------------------------------------------

    def _show_car(self) -> None:
        self.form.show_car(self.car)
        title = self.query_one("#car-defects-title", Label)
        table = self.query_one("#car-defects", DefectTable)
        if self.car is None:
            title.update(_("Defects: scan a car to see and log them"))
            table.display = False
            return
        table.display = bool(self.defects)
        title.update(car_defects_title(self.car.vin, self.defects, quality_gates(self.floor.catalog)))

    def _station(self) -> str | None:
        return self.found_at or self.floor.station

    def _station_changed(self, _station: str | None) -> None:
        self.form.show_station(self._station())

    def _catalog_changed(self, catalog: PlantCatalog | None) -> None:
        if catalog is not None:
            self.form.check_digit = catalog.vin_check_digit

    def _show_problem(self, problem: str) -> None:
        if problem:
            self._answer(Outcome("refused", problem, _("✘ NO DATABASE")), ring=False)

    def _answer(self, outcome: Outcome, *, ring: bool = True) -> None:
        self.query_one("#entry-result", LastResult).outcome = outcome
        if outcome.kind == "refused" and ring:
            self.app.bell()

    # --- repair and verify from the car's list (Tab to it: letters belong to the form's fields) ---

    def selected_defect(self) -> DefectRecord | None:
        table = self.query_one("#car-defects", DefectTable)
        return table.selected() if table.has_focus else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "defect_step":
            return self.defect_step_allowed(str(parameters[0]))
        return True

    def _defect_outcome(self, outcome: Outcome) -> None:
        self._answer(outcome)

    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        self.refresh_bindings()  # r and v are offered while the car's list has the focus

    def on_defect_step_answered(self, message: DefectStepAnswered) -> None:
        self._answer(message.outcome)
        if message.wrote:
            self.reload()
            self.floor.check_for_changes()

    # --- what the form asks for -------------------------------------------------

    @on(DefectForm.CarAsked)
    def _car_asked(self, message: DefectForm.CarAsked) -> None:
        self._open(message.typed)

    @on(DefectForm.Refused)
    def _form_refused(self, message: DefectForm.Refused) -> None:
        self._answer(Outcome("refused", message.sentence))

    @on(DefectForm.LogAsked)
    def _log_asked(self, message: DefectForm.LogAsked) -> None:
        if self.vin is None or self.car is None:
            self._answer(Outcome("refused", _("Scan the car's VIN first.")))
            self.form.focus_field("vin")
            return
        writer = self._writer()
        if writer is not None:
            self._add_defect(writer, self.vin, message.code, message.zone, message.severity, message.note)

    def _open(self, typed: str) -> None:
        database = self.floor.database
        if database is None:
            self._answer(Outcome("refused", self.floor.problem or _("The plant database is not open yet.")))
            return
        self._open_car(database, typed, self.floor.now(), select=None, scanned=True)

    def _writer(self) -> DefectWriter | None:
        """Who logs, where; or say why nothing can be written."""
        floor = self.floor
        station = self._station()
        refusal = ""
        if floor.database is None:
            refusal = floor.problem or _("The plant database is not open yet.")
        elif floor.operator is None:
            refusal = _("Nobody is signed in: press F8 and sign in first.")
        elif station is None:
            refusal = _("This terminal has no station: press F3 to say where the defect was found.")
        if refusal or floor.database is None or floor.operator is None or station is None:
            self._answer(Outcome("refused", refusal))
            return None
        return DefectWriter(floor.database, station, floor.operator.badge, floor.now(), floor.terminal)

    def _add_defect(
        self, writer: DefectWriter, vin: str, code: str, zone: str, severity: str, note: str
    ) -> None:
        def answered(answer: Answer[DefectResult]) -> DefectEntryScreen.Answered:
            result = answer.result
            if result is None:
                sentence = answer.sentence(_("Not logged: the database failed ({error}). Log it again."))
                return self.Answered(Outcome("refused", sentence))
            return self.Answered(Outcome("done", result.message, _("✔ LOGGED")), result.defect.id)

        log = partial(log_defect, writer, vin, code, zone, severity, note)
        write_in_worker(self, log, answered, group="defect-write")

    def on_defect_entry_screen_answered(self, message: Answered) -> None:
        self._answer(message.outcome)
        if message.logged is None:
            return
        self.form.clear()
        self.form.focus_field("defect")
        database = self.floor.database
        self._logged_defect = message.logged
        if database is not None and self.vin:
            self._open_car(database, self.vin, self.floor.now(), select=message.logged, scanned=False)
        self.floor.check_for_changes()

    # --- keys -------------------------------------------------------------------

    def action_choose_found_at(self) -> None:
        catalog = self.floor.catalog
        if catalog is None:
            self._answer(Outcome("refused", self.floor.problem or _("The plant database is not open yet.")))
            return
        terminal = self.floor.station
        choices = found_at_choices(catalog, terminal)

        def chosen(value: str | None) -> None:
            if value is not None:
                self.found_at = None if value == TERMINAL_STATION else value
                self.form.show_station(self._station())

        current = self.found_at or (TERMINAL_STATION if terminal else None)
        self.app.push_screen(ChoiceDialog(_("Where was the defect found?"), choices, current), chosen)

    def action_history(self) -> None:
        if self.vin is None:
            self._answer(Outcome("refused", _("No car on the form: scan one first.")))
            self.form.focus_field("vin")
            return
        self.post_message(VehicleRequested(self.vin))

    def action_clear(self) -> None:
        self.form.escape()

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        """Back from a dialog or another view: the field in use keeps the focus, else the defect or VIN."""
        self.form.focus_default()


def log_defects_on(app: App[None], vin: str) -> None:
    """Show the defect entry with this car on it (from the car's history)."""
    floor_of(app).action_show_view("defects")
    screen = app.screen
    if isinstance(screen, DefectEntryScreen):
        screen.show_car(vin)
