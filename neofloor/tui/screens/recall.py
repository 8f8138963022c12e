"""The recall screen: the cars a recall concerns, by every filter at once, and holding them all.

Opened from the command palette ("Recall") or with r from the quality overview. The
filters are typed in the fields at the top (model, station, first and last day, defect
code, part with a serial range, lot); Enter in any of them asks. The list comes a page
at a time: where each car is now (a held one reversed) or, for delivered ones, the customer,
the handover day and the financing partner (the recall letters). F3 moves to the list, F4
back to the filters; on the list [ and ] turn pages, Enter opens a car's history, b its
build record.

F2 holds every car of the recall still at the plant, in one transaction: a line leader's
decision, with one reason typed in a dialog that says how many cars it will hold.
The services say who may and why not; a refusal is shown in their words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input, Label
from textual.worker import get_current_worker

from neofloor.i18n import N_, _, day_month_year_text, ngettext
from neofloor.tui.dialogs.note import NoteDialog
from neofloor.tui.formatting import plant_time
from neofloor.tui.messages import VehicleRequested
from neofloor.tui.screens.base import FloorScreen
from neofloor.tui.widgets.floor_table import FloorTable
from neofloor.tui.widgets.header import PlantHeader
from neofloor.tui.widgets.key_footer import KeyFooter
from neofloor.tui.widgets.last_result import LastResult, Outcome
from neofloor.tui.writes import NOT_RECORDED, Answer, write_in_worker

if TYPE_CHECKING:
    from sqlmodel import Session

    from neofloor.services.traceability.containment import (
        ContainedCar,
        Containment,
        RecallHoldResult,
        RecallQuery,
    )
    from neofloor.store.engine import Database

# One page of the list.
PAGE = 50
# The filter fields: (id, placeholder, tooltip).
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("model", N_("Model"), N_("Only cars of this model (C1, C1E).")),
    ("station", N_("Station"), N_("Cars that completed this station in the period.")),
    ("from", N_("From"), N_("First plant day: YYYY-MM-DD, today, yesterday.")),
    ("to", N_("to"), N_("Last plant day (default: today).")),
    ("defect", N_("Defect"), N_("Cars on which this defect code was found.")),
    ("part", N_("Part"), N_("Cars fitted with this part now (HV-BATTERY, ECU...).")),
    ("serial_from", N_("Serials"), N_("The part's first serial in the range.")),
    ("serial_to", N_("to"), N_("The part's last serial in the range.")),
    ("lot", N_("Lot"), N_("Cars fitted with a part of this lot.")),
)


@dataclass(frozen=True)
class Filters:
    """The fields as typed; the days are turned into a period by the services' rules, in the worker."""

    model: str = ""
    station: str = ""
    first_day: str = ""
    last_day: str = ""
    defect: str = ""
    part: str = ""
    serial_from: str = ""
    serial_to: str = ""
    lot: str = ""


def read_query(session: Session, filters: Filters, now: datetime) -> RecallQuery:
    """The services' query from what was typed (days as plant-local days, both included)."""
    from neofloor.services.plant.catalog import plant_catalog
    from neofloor.services.plant.errors import InvalidInput
    from neofloor.services.plant.shifts import local_days, parse_plant_date
    from neofloor.services.traceability.containment import RecallQuery

    start = end = None
    if filters.first_day or filters.last_day:
        if not filters.first_day:
            raise InvalidInput(_("A recall period needs its first day: type it in From."))
        zone = plant_catalog(session).timezone
        first = parse_plant_date(filters.first_day, zone, now=now)
        last = parse_plant_date(filters.last_day or "today", zone, now=now)
        start, end = local_days(first, last, zone)
    return RecallQuery(
        model=filters.model or None,
        station=filters.station or None,
        start=start,
        end=end,
        defect=filters.defect or None,
        part=filters.part or None,
        serial_from=filters.serial_from or None,
        serial_to=filters.serial_to or None,
        lot=filters.lot or None,
    )


def car_cells(car: ContainedCar, zone: str) -> tuple[str | Text, ...]:
    """One car: where it is now or, once delivered, to whom, when and paid how (one column, so that
    80 columns hold it; the recall letters' list in full is ``neofloor recall cars``)."""
    from neofloor.services.plant.text import printable

    if car.delivered and car.delivered_at is not None:
        day = day_month_year_text(plant_time(car.delivered_at, zone))
        paid = car.financing_partner or _("cash")
        where = Text(printable(f"{car.customer or '?'}, {day}, {paid}"), style="italic")
    else:
        # "held at TRIM1" says the hold; shown reversed, as the floor's lists show a held car.
        where = Text(car.where, style="bold reverse" if car.held else "")
    return (str(car.build_seq), car.vin, car.model, where)


class RecallScreen(FloorScreen):
    """Find the cars of a recall; hold those still at the plant in one go."""

    CSS_PATH = "recall.tcss"
    AUTO_FOCUS = "#f-model"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="recall-back", tooltip=N_("Close the recall screen.")),
        Binding(
            "f2",
            "hold_all",
            N_("Hold all"),
            id="recall-hold-all",
            tooltip=N_("Line leaders: hold every car of the recall still at the plant, with one reason."),
        ),
        Binding("f3", "focus_list", N_("List"), id="recall-list", tooltip=N_("Move to the list of cars.")),
        Binding(
            "f4", "focus_filters", N_("Filters"), id="recall-filters", tooltip=N_("Back to the filters.")
        ),
        Binding(
            "right_square_bracket",
            "page(1)",
            N_("Next page"),
            id="recall-next-page",
            tooltip=N_("Later cars."),
        ),
        Binding(
            "left_square_bracket",
            "page(-1)",
            N_("Prev page"),
            id="recall-prev-page",
            tooltip=N_("Earlier cars."),
        ),
        Binding(
            "b",
            "build_record",
            N_("Build record"),
            id="recall-build-record",
            tooltip=N_("The car's build record."),
        ),
    ]

    @dataclass
    class Found(Message):
        found: Containment | None
        marker: tuple[int, ...] | None
        sentence: str = ""

    @dataclass
    class HoldAnswered(Message):
        outcome: Outcome
        wrote: bool

    def __init__(self) -> None:
        super().__init__()
        self.found: Containment | None = None
        self.filters: Filters | None = None
        self.page_start = 0
        # The services' sentence when the last question was refused ("" when it was answered).
        self.refusal = ""

    def compose(self) -> ComposeResult:
        yield PlantHeader()
        for row in (FIELDS[:4], FIELDS[4:]):
            with Horizontal(classes="recall-filters"):
                for key, label, tooltip in row:
                    # The label stays beside the field: a placeholder goes once something is typed.
                    yield Label(_(label), classes="recall-label")
                    field = Input(placeholder="…", id=f"f-{key}", compact=True, max_length=64)
                    field.tooltip = _(tooltip)
                    yield field
        yield Label(_("Type the recall's filters, then Enter."), id="recall-summary")
        yield FloorTable(id="recall-cars", cursor_type="row")
        yield LastResult(id="recall-result")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#recall-cars", DataTable)
        for label, key in (
            (_("Seq"), "seq"),
            (_("VIN"), "vin"),
            (_("Model"), "model"),
            (_("Where now, or delivered to (day, paid)"), "where"),
        ):
            table.add_column(label, key=key)
        self.query_one("#recall-result", LastResult).display = False

    # --- asking -------------------------------------------------------------------

    def typed_filters(self) -> Filters:
        def value(key: str) -> str:
            return self.query_one(f"#f-{key}", Input).value.strip()

        return Filters(
            model=value("model").upper(),
            station=value("station").upper(),
            first_day=value("from"),
            last_day=value("to"),
            defect=value("defect").upper(),
            part=value("part").upper(),
            serial_from=value("serial_from").upper(),
            serial_to=value("serial_to").upper(),
            lot=value("lot").upper(),
        )

    @on(Input.Submitted)
    def _asked(self, event: Input.Submitted) -> None:
        if event.input.id and event.input.id.startswith("f-"):
            self.filters = self.typed_filters()
            self.page_start = 0
            self.reload()

    def reload(self) -> None:
        if self.filters is not None and self.floor.database is not None and self.floor.catalog is not None:
            self.query_one("#recall-summary", Label).update(_("Looking…"))
            self.refusal = ""
            self._find(self.floor.database, self.filters, self.floor.now())

    @work(thread=True, exclusive=True, exit_on_error=False, group="recall-find")
    def _find(self, database: Database, filters: Filters, now: datetime) -> None:
        from neofloor.services.plant.errors import NeofloorError
        from neofloor.services.traceability.containment import containment
        from neofloor.services.tracking.marker import change_marker

        try:
            with database.read() as session:
                marker = change_marker(session)
                found = containment(session, read_query(session, filters, now))
        except NeofloorError as exc:
            self.post_message(self.Found(None, None, str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Found(found, marker))

    def on_recall_screen_found(self, message: Found) -> None:
        summary = self.query_one("#recall-summary", Label)
        self.refusal = message.sentence
        if message.found is None:
            self.app.bell()
            summary.update(Text(message.sentence, style="bold red"))
            return
        self.found = message.found
        self.loaded_marker = message.marker
        self._show_page()

    def _zone(self) -> str:
        catalog = self.floor.catalog
        return catalog.timezone if catalog else "UTC"

    def _show_page(self) -> None:
        found = self.found
        if found is None:
            return
        rows = found.rows
        self.page_start = max(0, min(self.page_start, max(0, len(rows) - 1) // PAGE * PAGE))
        page = rows[self.page_start : self.page_start + PAGE]
        table = self.query_one("#recall-cars", DataTable)
        table.clear()
        zone = self._zone()
        for car in page:
            table.add_row(*car_cells(car, zone), key=car.vin)
        summary = Text(found.query.describe() + ": ", style="bold")
        summary.append(found.summary, style="")
        if found.rows:
            summary.append(
                " "
                + _("{to_hold} to hold, {held} on hold already.").format(
                    to_hold=len(found.to_hold), held=len(found.already_held)
                )
            )
            last = self.page_start + len(page)
            cars = _("Cars {first}–{last} of {total}.").format(
                first=self.page_start + 1, last=last, total=len(rows)
            )
            summary.append(f" {cars}", style="dim")
        self.query_one("#recall-summary", Label).update(summary)
        self.refresh_bindings()

    # --- moving around ------------------------------------------------------------

    def action_page(self, step: int) -> None:
        if self.found is not None:
            offset = self.page_start + step * PAGE
            if 0 <= offset < len(self.found.rows):
                self.page_start = offset
                self._show_page()

    def action_focus_list(self) -> None:
        self.query_one("#recall-cars", DataTable).focus()

    def action_focus_filters(self) -> None:
        self.query_one("#f-model", Input).focus()

    def selected_car(self) -> ContainedCar | None:
        table = self.query_one("#recall-cars", DataTable)
        if self.found is None or table.row_count == 0:
            return None
        index = self.page_start + table.cursor_row
        return self.found.rows[index] if index < len(self.found.rows) else None

    @on(DataTable.RowSelected, "#recall-cars")
    def _open_car(self, _event: DataTable.RowSelected) -> None:
        car = self.selected_car()
        if car is not None:
            self.post_message(VehicleRequested(car.vin))

    def action_build_record(self) -> None:
        car = self.selected_car()
        if car is not None:
            from neofloor.tui.screens.build_record import BuildRecordScreen

            self.app.push_screen(BuildRecordScreen(car.vin))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        found = self.found
        if action == "page":
            return found is not None and len(found.rows) > PAGE
        if action == "build_record":
            return found is not None and bool(found.rows)
        if action == "hold_all":
            operator = self.floor.operator if self.is_mounted else None
            # Shown to line leaders only; the services refuse anyone else in any case.
            leader = operator is not None and operator.is_line_leader
            if found is None or not found.to_hold:
                return None
            return True if leader else None
        return True

    # --- holding ------------------------------------------------------------------

    def action_hold_all(self) -> None:
        found, database, operator = self.found, self.floor.database, self.floor.operator
        if found is None or self.filters is None:
            self._answer(Outcome("refused", _("Ask first: type the recall's filters and press Enter.")))
            return
        if database is None or operator is None:
            self._answer(Outcome("refused", _("Nobody is signed in: press F8 and sign in first.")))
            return
        count = len(found.to_hold)
        if count == 0:
            self._answer(Outcome("refused", _("No car of this recall is left to hold at the plant.")))
            return
        about = ngettext(
            "{count} car still at the plant will be held ({query}); "
            "{held} on hold already, {delivered} delivered (not held).",
            "{count} cars still at the plant will be held ({query}); "
            "{held} on hold already, {delivered} delivered (not held).",
            count,
        ).format(
            count=count,
            query=found.query.describe(),
            held=len(found.already_held),
            delivered=found.delivered_count,
        )
        filters, badge, terminal, now = self.filters, operator.badge, self.floor.terminal, self.floor.now()

        def answered(reason: str | None) -> None:
            if reason is not None:
                self._hold(database, filters, reason, badge, terminal, now)

        self.app.push_screen(
            NoteDialog(
                ngettext("Hold {count} car?", "Hold {count} cars?", count).format(count=count),
                about,
                _("Reason for the hold"),
                required=True,
            ),
            answered,
        )

    def _hold(
        self, database: Database, filters: Filters, reason: str, badge: str, terminal: str, now: datetime
    ) -> None:
        def unit() -> RecallHoldResult:
            from neofloor.services.traceability.containment import hold_recall

            with database.write() as session:
                return hold_recall(
                    session, read_query(session, filters, now), reason, badge, terminal, now=now
                )

        def answer(reply: Answer[RecallHoldResult]) -> RecallScreen.HoldAnswered:
            if reply.result is None:
                return self.HoldAnswered(Outcome("refused", reply.sentence(NOT_RECORDED)), False)
            return self.HoldAnswered(Outcome("done", reply.result.message, _("✔ HELD")), True)

        write_in_worker(self, partial(unit), answer, group="recall-hold")

    def on_recall_screen_hold_answered(self, message: HoldAnswered) -> None:
        self._answer(message.outcome)
        if message.wrote:
            self.reload()
            self.floor.check_for_changes()

    def _answer(self, outcome: Outcome) -> None:
        banner = self.query_one("#recall-result", LastResult)
        banner.outcome = outcome
        banner.display = True
        if outcome.kind == "refused":
            self.app.bell()

    def action_back(self) -> None:
        self.dismiss()
