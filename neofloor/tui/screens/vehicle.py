"""One car's story: where it is, every event (who, when, where), time at each station, defects.

Opened over the current view from the palette, from a car in a queue or on the
board, or by typing a VIN (or its first or last characters) in its find field.
Escape goes back.

Its defects are worked on here, on the one under the cursor: r records a repair
(what was done), v verifies it, x rejects it back to open (why), c cancels a
defect logged in error (why); d logs a new one on this car. b opens the car's build
record (everything about it, printable to a file). A key that does not
apply to the defect's status is shown dimmed; who may do what (roles, nobody
verifying their own repair) is the services' to say, in their words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Static
from textual.worker import get_current_worker

from neofloor.i18n import N_, _
from neofloor.tui.dialogs.defect_action import DEFECT_ACTIONS, DefectChange, change_defect, defect_dialog
from neofloor.tui.dialogs.vin_choice import VinChoiceDialog
from neofloor.tui.formatting import looks_like_vin_fragment
from neofloor.tui.screens.base import FloorScreen
from neofloor.tui.vehicle_wording import car_facts, defects_title, event_cells, station_stays
from neofloor.tui.widgets.defect_table import DefectTable, story_text
from neofloor.tui.widgets.floor_table import FloorTable
from neofloor.tui.widgets.header import PlantHeader
from neofloor.tui.widgets.key_footer import KeyFooter
from neofloor.tui.widgets.last_result import LastResult, Outcome
from neofloor.tui.widgets.scan_field import FloorInput
from neofloor.tui.writes import NOT_RECORDED, Answer, write_in_worker

if TYPE_CHECKING:
    from neofloor.services.quality import DefectRecord, DefectStory
    from neofloor.services.tracking.history import VehicleHistory
    from neofloor.store.engine import Database


class VehicleScreen(FloorScreen):
    """A car's timeline."""

    CSS_PATH = "vehicle.tcss"
    AUTO_FOCUS = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="vehicle-back", tooltip=N_("Close the car's history.")),
        Binding(
            "r",
            "defect('repair')",
            N_("Repair"),
            id="repair-defect",
            tooltip=N_("Record the repair of the defect: what was done."),
        ),
        Binding(
            "v",
            "defect('verify')",
            N_("Verify"),
            id="verify-defect",
            tooltip=N_("Inspector: the repair is good, close the defect."),
        ),
        Binding(
            "x",
            "defect('reject')",
            N_("Reject"),
            id="reject-repair",
            tooltip=N_("Inspector: the repair is not good, the defect is open again (with why)."),
        ),
        Binding(
            "c",
            "defect('cancel')",
            N_("Cancel"),
            id="cancel-defect",
            tooltip=N_("Cancel a defect logged in error, with why."),
        ),
        Binding(
            "d", "log_defect", N_("Log defect"), id="log-defect", tooltip=N_("Log a new defect on this car.")
        ),
        Binding(
            "b",
            "build_record",
            N_("Build record"),
            id="build-record",
            tooltip=N_("The car's build record: stations, parts, defects, holds, PDI, delivery; printable."),
        ),
    ]

    @dataclass
    class Found(Message):
        history: VehicleHistory
        defects: list[DefectRecord]
        marker: tuple[int, ...]

    @dataclass
    class StoryLoaded(Message):
        """The steps of one defect, oldest first."""

        story: DefectStory

    @dataclass
    class DefectAnswered(Message):
        """A defect action came back: the sentence to show, and whether it wrote."""

        outcome: Outcome
        defect_id: int
        wrote: bool = False

    @dataclass
    class Matches(Message):
        typed: str
        vins: list[str]

    @dataclass
    class Missing(Message):
        sentence: str

    def __init__(self, vin: str | None = None) -> None:
        super().__init__()
        self.vin = vin
        self.history: VehicleHistory | None = None
        self.defects: list[DefectRecord] = []
        self.story: DefectStory | None = None
        self._focused_vin: str | None = None

    def compose(self) -> ComposeResult:
        yield PlantHeader()
        with Horizontal(id="find-row"):
            yield Label(_("Find a car"), id="find-label")
            yield FloorInput(
                placeholder=_("VIN, or its first or last 4+ characters, then Enter"),
                id="find",
                compact=True,
                max_length=17,
            )
        yield Static("", id="facts")
        yield Static("", id="stays")
        yield Label(_("Events"), id="events-title", classes="section-title")
        yield FloorTable(id="events", cursor_type="row")
        yield Label(_("Defects"), id="defects-title", classes="section-title")
        yield DefectTable(id="defects")
        yield Static("", id="defect-story")
        yield LastResult(id="defect-result")
        yield KeyFooter()

    def on_mount(self) -> None:
        events = self.query_one("#events", DataTable)
        for label, key in (
            (_("When"), "at"),
            (_("Event"), "kind"),
            (_("Station"), "station"),
            (_("Who"), "who"),
            (_("Terminal"), "terminal"),
            (_("Note"), "note"),
        ):
            events.add_column(label, key=key)
        self.query_one("#defects", DefectTable).display = False
        self.query_one("#defect-story", Static).display = False
        self.query_one("#defect-result", LastResult).display = False
        if self.vin is None:
            self._say(_("Type a VIN, or its first or last 4 or more characters, and press Enter."))
            self.query_one("#find", Input).focus()
        else:
            self.query_one("#events", DataTable).focus()

    # --- reading ----------------------------------------------------------------

    def show_car(self, vin: str) -> None:
        """Show another car on this screen."""
        self.vin = vin
        self.loaded_marker = None
        self.story = None
        self.query_one("#defect-result", LastResult).display = False
        self.query_one("#events", DataTable).focus()
        self.reload()

    def focus_find(self) -> None:
        self.query_one("#find", Input).focus()

    def reload(self) -> None:
        if self.vin and self.floor.database is not None and self.floor.catalog is not None:
            self._load(self.floor.database, self.vin, self.floor.now())

    @work(thread=True, exclusive=True, exit_on_error=False, group="vehicle-load")
    def _load(self, database: Database, vin: str, now: datetime) -> None:
        from neofloor.services.plant.errors import NeofloorError
        from neofloor.services.quality import car_defects
        from neofloor.services.tracking.history import vehicle_history
        from neofloor.services.tracking.marker import change_marker

        try:
            with database.read() as session:
                marker = change_marker(session)
                history = vehicle_history(session, vin)
                defects = car_defects(session, history.car.vin, now=now)
        except NeofloorError as exc:
            self.post_message(self.Missing(str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Found(history, defects, marker))

    @work(thread=True, exclusive=True, exit_on_error=False, group="defect-story")
    def _load_story(self, database: Database, defect_id: int, now: datetime) -> None:
        from neofloor.services.quality import defect_history

        with database.read() as session:
            story = defect_history(session, defect_id, now=now)
        if not get_current_worker().is_cancelled:
            self.post_message(self.StoryLoaded(story))

    @work(thread=True, exclusive=True, exit_on_error=False, group="vehicle-load")
    def _find(self, database: Database, typed: str) -> None:
        from neofloor.services.tracking.history import find_vins

        with database.read() as session:
            vins = find_vins(session, typed)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Matches(typed, vins))

    @on(Input.Submitted, "#find")
    def _typed(self, event: Input.Submitted) -> None:
        typed = event.value.strip().upper()
        if not typed:
            return
        if not looks_like_vin_fragment(typed):
            self.app.bell()
            self._say(
                _("{typed} is not a VIN: type at least 4 of its letters and digits.").format(
                    typed=repr(typed)
                )
            )
            return
        if self.floor.database is not None:
            self._find(self.floor.database, typed)

    def on_vehicle_screen_matches(self, message: Matches) -> None:
        if not message.vins:
            self.app.bell()
            self._say(_("No car's VIN starts or ends with {typed}.").format(typed=message.typed))
            return
        self.query_one("#find", Input).clear()
        if len(message.vins) == 1:
            self.show_car(message.vins[0])
            return

        def chosen(vin: str | None) -> None:
            if vin:
                self.show_car(vin)

        self.app.push_screen(VinChoiceDialog(message.typed, message.vins), chosen)

    def on_vehicle_screen_missing(self, message: Missing) -> None:
        self.app.bell()
        self._say(message.sentence)

    def on_vehicle_screen_found(self, message: Found) -> None:
        if self.vin and message.history.car.vin != self.vin.strip().upper():
            return  # an answer for a car no longer asked for
        self.vin = message.history.car.vin
        self.loaded_marker = message.marker
        self.history = message.history
        self.defects = message.defects
        self._show_history(message.history)
        self._show_defects()

    # --- showing ----------------------------------------------------------------

    def _zone(self) -> str:
        catalog = self.floor.catalog
        return catalog.timezone if catalog else "UTC"

    def _show_history(self, history: VehicleHistory) -> None:
        zone = self._zone()
        self.query_one("#facts", Static).update(car_facts(history, zone, self.floor.now()))
        self.query_one("#stays", Static).update(station_stays(history, zone))
        events = self.query_one("#events", DataTable)
        events.clear()
        for event in history.events:
            events.add_row(*event_cells(event, zone), key=str(event.id))
        if events.row_count:
            events.move_cursor(row=events.row_count - 1, animate=False)
        self.query_one("#events-title", Label).update(_("Events ({count})").format(count=len(history.events)))

    def _say(self, sentence: str) -> None:
        self.query_one("#facts", Static).update(Text(sentence, style="bold"))

    # --- defects ----------------------------------------------------------------

    def _show_defects(self) -> None:
        table = self.query_one("#defects", DefectTable)
        table.show(self.defects, self._zone())
        table.display = bool(self.defects)
        self.query_one("#defect-story", Static).display = bool(self.defects)
        self.query_one("#defects-title", Label).update(defects_title(self.defects))
        if self.defects and self._focused_vin != self.vin:
            # A car just opened: the cursor goes to its first defect still to close.
            self._focused_vin = self.vin
            ids = [d.id for d in self.defects]
            unclosed = [d.id for d in self.defects if not d.is_closed]
            if unclosed:
                table.move_cursor(row=ids.index(unclosed[0]), animate=False)
                table.focus()
        self._show_story()
        self.refresh_bindings()

    def selected_defect(self) -> DefectRecord | None:
        return self.query_one("#defects", DefectTable).selected()

    @on(DataTable.RowHighlighted, "#defects")
    def _defect_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_story()
        self.refresh_bindings()

    def _show_story(self) -> None:
        """The selected defect's steps: at once from its record, then its whole story once read."""
        record = self.selected_defect()
        story = self.query_one("#defect-story", Static)
        if record is None:
            story.update("")
            return
        if self.story is not None and self.story.defect.id == record.id:
            story.update(story_text(record, self.story, self._zone()))
            return
        story.update(story_text(record, None, self._zone()))
        if self.floor.database is not None:
            self._load_story(self.floor.database, record.id, self.floor.now())

    def on_vehicle_screen_story_loaded(self, message: StoryLoaded) -> None:
        self.story = message.story
        record = self.selected_defect()
        if record is not None and record.id == message.story.defect.id:
            self.query_one("#defect-story", Static).update(story_text(record, message.story, self._zone()))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Defect keys show only with defects; dimmed when the selected one's status does not allow them."""
        if action == "defect":
            record = self.selected_defect()
            if record is None:
                return False
            allowed, _done = DEFECT_ACTIONS[str(parameters[0])]
            return True if record.status in allowed else None
        if action in ("log_defect", "build_record"):
            return self.history is not None
        return True

    def action_defect(self, action: str) -> None:
        record = self.selected_defect()
        if record is None:
            return
        database, operator = self.floor.database, self.floor.operator
        if database is None or operator is None:
            refusal = _("Nobody is signed in: press F8 and sign in first.")
            if database is None:
                refusal = self.floor.problem or _("The plant database is not open yet.")
            self._answer(Outcome("refused", refusal))
            return
        badge = operator.badge

        def answered(text: str | None) -> None:
            if text is not None:
                self._change(
                    DefectChange(
                        database, badge, action, record.id, text, self.floor.now(), self.floor.terminal
                    )
                )

        self.app.push_screen(defect_dialog(action, record), answered)

    def _change(self, change: DefectChange) -> None:
        number = change.defect_id

        def answered(answer: Answer[Any]) -> VehicleScreen.DefectAnswered:
            if answer.result is None:
                return self.DefectAnswered(Outcome("refused", answer.sentence(NOT_RECORDED)), number)
            done = Outcome("done", answer.result.message, DEFECT_ACTIONS[change.action][1])
            return self.DefectAnswered(done, number, True)

        write_in_worker(self, partial(change_defect, change), answered, group="defect-write")

    def on_vehicle_screen_defect_answered(self, message: DefectAnswered) -> None:
        self._answer(message.outcome)
        if message.wrote:
            self.story = None
            self.reload()
            self.floor.check_for_changes()

    def _answer(self, outcome: Outcome) -> None:
        banner = self.query_one("#defect-result", LastResult)
        banner.outcome = outcome
        banner.display = True
        if outcome.kind == "refused":
            self.app.bell()

    def action_log_defect(self) -> None:
        if self.history is None:
            return
        from neofloor.tui.screens.defects import log_defects_on

        vin, app = self.history.car.vin, self.app
        self.dismiss()
        log_defects_on(app, vin)

    def action_build_record(self) -> None:
        if self.history is not None:
            from neofloor.tui.screens.build_record import BuildRecordScreen

            self.app.push_screen(BuildRecordScreen(self.history.car.vin))

    def action_back(self) -> None:
        self.dismiss()
