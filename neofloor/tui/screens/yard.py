"""The yard terminal: scan a finished car, then its spot; every car of the yard with its spot, age, PDI.

A terminal bound to the yard (``neofloor --station YARD``, or F9) shows this instead of a
station's queue; so does one bound to the delivery station, where a car scanned opens its
handover at once (or says, in the services' words, why it may not go yet).

The scan field keeps the focus: a VIN scanned asks the services where
the car stands (in the yard, its spot if it has one); the next thing scanned or typed is
its spot (row-place: ``B-07``, ``b7``) and parks or moves it there. Escape forgets the car
scanned. A VIN scanned instead of a spot takes that car instead.

The list, longest in the yard first, shows each car's spot, its age in the yard, its PDI
status and whether it was built to a customer's order (sold); Ctrl+T cycles its filter
(all, no spot, PDI to do, PDI passed, sold, held). On the car selected (↑ ↓): F2 opens its
pre-delivery inspection, F3 its handover to the customer, F4 its history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Input, Label
from textual.worker import get_current_worker

from neofloor.i18n import N_, _, ngettext
from neofloor.tui.formatting import looks_like_vin
from neofloor.tui.messages import VehicleRequested
from neofloor.tui.screens.base import FloorScreen
from neofloor.tui.screens.pdi import pdi_word
from neofloor.tui.widgets.floor_table import FloorTable
from neofloor.tui.widgets.header import PlantHeader
from neofloor.tui.widgets.key_footer import KeyFooter
from neofloor.tui.widgets.last_result import LastResult, Outcome
from neofloor.tui.writes import NOT_RECORDED, Answer, write_in_worker

if TYPE_CHECKING:
    from neofloor.services.delivery.yard import ParkResult, YardCar, YardPage
    from neofloor.services.tracking.ledger import ScanResult
    from neofloor.store.engine import Database

# The yard is read whole, up to this many cars (a yard holds a few hundred places).
YARD_READ = 1000
# The list's filters, in the order Ctrl+T cycles them: (key, label, test).
FILTERS: tuple[tuple[str, str, Callable[[YardCar], bool]], ...] = (
    ("all", N_("every car"), lambda car: True),
    ("no-spot", N_("without a spot"), lambda car: car.spot is None),
    ("pdi-to-do", N_("PDI not passed"), lambda car: car.pdi != "passed"),
    ("pdi-passed", N_("PDI passed"), lambda car: car.pdi == "passed"),
    ("sold", N_("sold"), lambda car: car.sold),
    ("held", N_("on hold"), lambda car: car.held),
)
PDI_STYLES = {"passed": "green", "failed": "bold red", "in progress": "", "not started": "dim"}


def sold_text(car: YardCar) -> Text:
    """Sold (built to an order) and, when it is, on hold: one column, so that 80 columns hold the list."""
    text = Text(_("sold") if car.sold else "")
    if car.held:
        text.append(", " if car.sold else "")
        text.append(_("HELD"), style="bold reverse")
    return text


def yard_cells(car: YardCar) -> tuple[str | Text, ...]:
    """One car of the yard: VIN, model, colour, spot, age, PDI, sold (and held)."""
    from neofloor.services.plant.clock import format_duration

    return (
        car.vin,
        car.model,
        car.color,
        Text(car.spot, style="bold") if car.spot else Text(_("no spot"), style="reverse"),
        format_duration(car.seconds_in_yard),
        Text(pdi_word(car.pdi), style=PDI_STYLES.get(car.pdi, "")),
        sold_text(car),
    )


class YardScreen(FloorScreen):
    """The yard's terminal: park and move cars, see them all, open their PDI and handover."""

    CSS_PATH = "yard.tcss"
    AUTO_FOCUS = "#scan"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f2", "pdi", N_("PDI"), id="yard-pdi", tooltip=N_("The selected car's pre-delivery inspection.")
        ),
        Binding(
            "f3", "handover", N_("Handover"), id="yard-handover", tooltip=N_("Hand the selected car over.")
        ),
        Binding("f4", "history", N_("History"), id="yard-history", tooltip=N_("The selected car's history.")),
        Binding(
            "ctrl+t", "next_filter", N_("Filter"), id="yard-filter", tooltip=N_("Which cars the list shows.")
        ),
        Binding(
            "escape", "forget_car", N_("Forget car"), id="yard-forget", tooltip=N_("Forget the car scanned.")
        ),
        Binding(
            "up", "select(-1)", N_("Previous car"), id="yard-up", show=False, tooltip=N_("The car above.")
        ),
        Binding(
            "down", "select(1)", N_("Next car"), id="yard-down", show=False, tooltip=N_("The car below.")
        ),
    ]

    @dataclass
    class Loaded(Message):
        page: YardPage
        marker: tuple[int, ...]

    @dataclass
    class Scanned(Message):
        """A car's scan came back: in the yard (its spot, or none), or refused (``tried``: the scan)."""

        outcome: Outcome
        vin: str | None
        handover: bool = False
        tried: str | None = None

    @dataclass
    class Parked(Message):
        outcome: Outcome
        vin: str | None

    def __init__(self) -> None:
        super().__init__()
        self.cars: tuple[YardCar, ...] = ()
        self.total = 0
        self.filter_index = 0
        # The car scanned, waiting for its spot.
        self.pending_vin: str | None = None

    def compose(self) -> ComposeResult:
        yield PlantHeader()
        scan = Input(placeholder=_("Scan a car's VIN, then its spot (B-07)"), id="scan", max_length=40)
        scan.border_title = _("Scan")
        scan.cursor_blink = False
        yield scan
        yield LastResult(id="yard-result")
        yield Label("", id="yard-title")
        yield FloorTable(id="yard-cars", cursor_type="row")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#yard-cars", DataTable)
        table.can_focus = False
        for label, key in (
            (_("VIN"), "vin"),
            (_("Model"), "model"),
            (_("Colour"), "color"),
            (_("Spot"), "spot"),
            (_("In yard"), "age"),
            (_("PDI"), "pdi"),
            (_("Sold"), "sold"),
        ):
            table.add_column(label, key=key)
        self.query_one("#yard-result", LastResult).outcome = Outcome("ready", _("Scan a car of the yard."))

    # --- reading ----------------------------------------------------------------

    def reload(self) -> None:
        if self.floor.database is not None and self.floor.catalog is not None:
            self._load(self.floor.database, self.floor.now())

    @work(thread=True, exclusive=True, exit_on_error=False, group="yard-load")
    def _load(self, database: Database, now: datetime) -> None:
        from neofloor.services.delivery.yard import yard_list
        from neofloor.services.tracking.marker import change_marker

        with database.read() as session:
            marker = change_marker(session)
            page = yard_list(session, limit=YARD_READ, now=now)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(page, marker))

    def on_yard_screen_loaded(self, message: Loaded) -> None:
        self.loaded_marker = message.marker
        self.cars, self.total = message.page.cars, message.page.total
        self._fill()
        self.call_after_refresh(self.floor.first_view_shown)

    def shown_cars(self) -> list[YardCar]:
        test = FILTERS[self.filter_index][2]
        return [car for car in self.cars if test(car)]

    def _fill(self) -> None:
        table = self.query_one("#yard-cars", DataTable)
        selected = self.selected_car()
        table.clear()
        shown = self.shown_cars()
        for car in shown:
            table.add_row(*yard_cells(car), key=car.vin)
        keep = self.pending_vin or (selected.vin if selected else None)
        if keep is not None:
            self._select(keep)
        label = _(FILTERS[self.filter_index][1])
        longest = _("the {count} longest there").format(count=len(self.cars))
        more = f" ({longest})" if self.total > len(self.cars) else ""
        no_spot = sum(1 for car in self.cars if car.spot is None)
        self.query_one("#yard-title", Label).update(
            ngettext(
                "Yard: {count} car{more}, {no_spot} without a spot · showing {shown}, {filter}",
                "Yard: {count} cars{more}, {no_spot} without a spot · showing {shown}, {filter}",
                self.total,
            ).format(count=self.total, more=more, no_spot=no_spot, shown=len(shown), filter=label)
        )
        self.refresh_bindings()

    # --- scanning ---------------------------------------------------------------

    @on(Input.Submitted, "#scan")
    def _scanned(self, event: Input.Submitted) -> None:
        raw = event.value.strip().upper()
        event.input.clear()
        if not raw:
            return
        floor = self.floor
        if floor.database is None or floor.operator is None or floor.station is None:
            why = floor.problem or _("The plant database is not open yet.")
            if floor.database is not None:
                why = _("Nobody is signed in: press F8 and sign in first.")
            self._answer(Outcome("refused", why))
            return
        database, badge, station, terminal, now = (
            floor.database,
            floor.operator.badge,
            floor.station,
            floor.terminal,
            floor.now(),
        )
        if self.pending_vin is None or looks_like_vin(raw, check_digit=False):

            def scan() -> ScanResult:
                from neofloor.services.scan import record_scan

                with database.write() as session:
                    return record_scan(session, station, raw, badge, terminal, now=now)

            def scanned(answer: Answer[ScanResult]) -> YardScreen.Scanned:
                if answer.result is None:
                    return self.Scanned(Outcome("refused", answer.sentence(NOT_RECORDED)), None, tried=raw)
                result = answer.result
                if result.action == "handover_ready":  # the delivery station: the handover comes next
                    return self.Scanned(
                        Outcome("done", result.message, _("READY FOR HANDOVER")), result.vin, True
                    )
                if result.detail:
                    sentence = _("{vin} is in the yard at {spot}: scan or type its spot (B-07).").format(
                        vin=result.vin, spot=result.detail
                    )
                else:
                    sentence = _("{vin} is in the yard without a spot: scan or type its spot (B-07).").format(
                        vin=result.vin
                    )
                return self.Scanned(Outcome("done", sentence, _("CAR SCANNED")), result.vin)

            write_in_worker(self, scan, scanned, group="yard-write")
            return
        vin = self.pending_vin

        def park() -> ParkResult:
            from neofloor.services.delivery.yard import park_car

            with database.write() as session:
                return park_car(session, vin, raw, badge, terminal, now=now)

        def parked(answer: Answer[ParkResult]) -> YardScreen.Parked:
            if answer.result is None:
                return self.Parked(Outcome("refused", answer.sentence(NOT_RECORDED)), None)
            headline = _("✔ MOVED") if answer.result.previous_spot else _("✔ PARKED")
            return self.Parked(Outcome("done", answer.result.message, headline), answer.result.vin)

        write_in_worker(self, park, parked, group="yard-write")

    def on_yard_screen_scanned(self, message: Scanned) -> None:
        self._answer(message.outcome)
        if message.tried is not None:
            self._select(message.tried)
        if message.vin is not None and message.handover:
            from neofloor.tui.screens.delivery import DeliveryScreen

            self.app.push_screen(DeliveryScreen(message.vin))
            return
        if message.vin is not None:
            self.pending_vin = message.vin
            self.query_one("#scan", Input).placeholder = _("Spot for {vin} (row-place, e.g. B-07)").format(
                vin=message.vin
            )
            self._fill()

    def on_yard_screen_parked(self, message: Parked) -> None:
        self._answer(message.outcome)
        if message.vin is not None:
            self._forget()
            self.reload()
            self.floor.check_for_changes()

    def _forget(self) -> None:
        self.pending_vin = None
        self.query_one("#scan", Input).placeholder = _("Scan a car's VIN, then its spot (B-07)")

    def action_forget_car(self) -> None:
        if self.pending_vin is not None:
            self._forget()
            self._answer(Outcome("ready", _("Scan a car of the yard.")))

    def _answer(self, outcome: Outcome) -> None:
        self.query_one("#yard-result", LastResult).outcome = outcome
        if outcome.kind == "refused":
            self.app.bell()

    # --- the car selected -------------------------------------------------------

    def selected_car(self) -> YardCar | None:
        table = self.query_one("#yard-cars", DataTable)
        shown = self.shown_cars()
        if not shown or table.row_count == 0:
            return None
        return shown[min(table.cursor_row, len(shown) - 1)]

    def _select(self, vin: str) -> None:
        """Put the cursor on ``vin`` when it is listed: the car kept across a reload, and a car
        refused at the handover (its PDI not passed), which F2, F3 and F4 should open next."""
        vins = [car.vin for car in self.shown_cars()]
        if vin in vins:
            self.query_one("#yard-cars", DataTable).move_cursor(row=vins.index(vin), animate=False)

    def _selected_vin(self) -> str | None:
        car = self.selected_car()
        return self.pending_vin or (car.vin if car else None)

    def action_select(self, step: int) -> None:
        table = self.query_one("#yard-cars", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))
            self._forget()

    def action_next_filter(self) -> None:
        self.filter_index = (self.filter_index + 1) % len(FILTERS)
        self._fill()

    def action_pdi(self) -> None:
        vin = self._selected_vin()
        if vin is None:
            self._answer(Outcome("refused", _("No car selected: scan one or choose one with ↑ ↓.")))
            return
        from neofloor.tui.screens.pdi import PdiScreen

        self.app.push_screen(PdiScreen(vin))

    def action_handover(self) -> None:
        vin = self._selected_vin()
        if vin is None:
            self._answer(Outcome("refused", _("No car selected: scan one or choose one with ↑ ↓.")))
            return
        from neofloor.tui.screens.delivery import DeliveryScreen

        self.app.push_screen(DeliveryScreen(vin))

    def action_history(self) -> None:
        vin = self._selected_vin()
        if vin is not None:
            self.post_message(VehicleRequested(vin))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "forget_car":
            return self.pending_vin is not None
        if action in ("pdi", "handover", "history"):
            return True if (self.pending_vin or self.cars) else None
        return True

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        self.query_one("#scan", Input).focus()
