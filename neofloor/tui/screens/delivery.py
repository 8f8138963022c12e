"""The handover of one car to its customer: who, through whom, paid how; refused in the services' words.

Opened from the yard terminal (F3 on a car). It first says whether the car may be handed
over now, and every reason it may not (PDI not passed, a serious defect open, on hold,
already delivered), as the delivery services word them. The form: the customer's name,
their reference (order, contract), the dealer who sold the car (empty: sold directly by
the plant), and how it was paid, chosen in a list: cash or one of the plant's financing
partners. Tab moves between fields; F2 (or Enter in the last field) hands the car over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from neofloor.i18n import N_, _
from neofloor.services.plant.words import financing_kind_word
from neofloor.tui.screens.base import FloorScreen
from neofloor.tui.screens.pdi import pdi_word
from neofloor.tui.widgets.header import PlantHeader
from neofloor.tui.widgets.key_footer import KeyFooter
from neofloor.tui.widgets.last_result import LastResult, Outcome
from neofloor.tui.writes import NOT_RECORDED, Answer, write_in_worker

if TYPE_CHECKING:
    from neofloor.services.delivery.handover import DeliveryResult, HandoverCheck, PartnerInfo
    from neofloor.store.engine import Database

CASH = "cash"
# The fields people type, in tab order: (id, placeholder, longest).
FIELDS = (
    ("customer", N_("Customer's name"), 120),
    ("reference", N_("Customer's reference (order, contract): optional"), 120),
    ("dealer", N_("Dealer who sold it (empty: sold directly)"), 120),
)


@dataclass(frozen=True)
class Handover:
    """What the form holds when the car is handed over."""

    customer: str
    reference: str
    dealer: str
    financing: str  # a partner's code, or "cash"


class DeliveryScreen(FloorScreen):
    """The handover form of one car."""

    CSS_PATH = "delivery.tcss"
    AUTO_FOCUS = "#d-customer"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "back", N_("Back"), id="delivery-back", tooltip=N_("Back to the yard, nothing written.")
        ),
        Binding(
            "f2",
            "hand_over",
            N_("Hand over"),
            id="hand-over",
            tooltip=N_("Hand the car over to this customer."),
        ),
    ]

    @dataclass
    class Read(Message):
        check: HandoverCheck | None
        partners: list[PartnerInfo]
        marker: tuple[int, ...] | None
        sentence: str = ""

    @dataclass
    class HandedOver(Message):
        outcome: Outcome
        wrote: bool

    def __init__(self, vin: str) -> None:
        super().__init__()
        self.vin = vin
        self.check: HandoverCheck | None = None
        self.partners: list[PartnerInfo] = []
        self.delivered = False

    def compose(self) -> ComposeResult:
        yield PlantHeader()
        yield Label(_("Handover of {vin}: reading…").format(vin=self.vin), id="delivery-title")
        yield Label("", id="delivery-reasons")
        with Vertical(id="delivery-form"):
            for key, placeholder, longest in FIELDS:
                yield Input(placeholder=_(placeholder), id=f"d-{key}", max_length=longest, compact=True)
            yield Label(_("Paid: ↑ ↓ to choose"), classes="delivery-label")
            yield OptionList(Option(_("Cash"), id=CASH), id="d-financing")
        yield LastResult(id="delivery-result")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#delivery-result", LastResult).outcome = Outcome(
            "ready", _("Type the customer, choose how it was paid, F2 hands the car over.")
        )

    def reload(self) -> None:
        if self.floor.database is not None and self.floor.catalog is not None and not self.delivered:
            self._read(self.floor.database, self.vin)

    @work(thread=True, exclusive=True, exit_on_error=False, group="delivery-read")
    def _read(self, database: Database, vin: str) -> None:
        from neofloor.services.delivery.handover import financing_partners, handover_check
        from neofloor.services.plant.errors import NeofloorError
        from neofloor.services.tracking.marker import change_marker

        try:
            with database.read() as session:
                marker = change_marker(session)
                check = handover_check(session, vin)
                partners = financing_partners(session)
        except NeofloorError as exc:
            self.post_message(self.Read(None, [], None, str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Read(check, partners, marker))

    def on_delivery_screen_read(self, message: Read) -> None:
        title = self.query_one("#delivery-title", Label)
        if message.check is None:
            title.update(Text(message.sentence, style="bold red"))
            self.app.bell()
            return
        self.loaded_marker = message.marker
        self.check = message.check
        if [p.code for p in message.partners] != [p.code for p in self.partners]:
            self.partners = message.partners
            options = self.query_one("#d-financing", OptionList)
            chosen = options.highlighted
            options.clear_options()
            options.add_options(
                [Option(_("Cash"), id=CASH)]
                + [Option(f"{p.name} ({financing_kind_word(p.kind)})", id=p.code) for p in message.partners]
            )
            options.highlighted = chosen or 0
        check = message.check
        headline = Text(
            _("Handover of {vin} · PDI {status}: ").format(vin=check.vin, status=pdi_word(check.pdi.status)),
            style="bold",
        )
        headline.append(
            _("ready") if check.ready else _("not ready"), style="bold green" if check.ready else "bold red"
        )
        title.update(headline)
        reasons = self.query_one("#delivery-reasons", Label)
        reasons.update(Text("\n".join(check.reasons), style="bold red"))
        reasons.display = bool(check.reasons)
        self.refresh_bindings()

    def form(self) -> Handover:
        def value(key: str) -> str:
            return self.query_one(f"#d-{key}", Input).value

        options = self.query_one("#d-financing", OptionList)
        index = options.highlighted or 0
        option = options.get_option_at_index(index) if options.option_count else None
        return Handover(
            value("customer"),
            value("reference"),
            value("dealer"),
            option.id if option and option.id else CASH,
        )

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        """Enter moves on to the next field, as Tab does; from the last, to how it was paid."""
        self.focus_next()

    @on(OptionList.OptionSelected, "#d-financing")
    def _paid(self, _event: OptionList.OptionSelected) -> None:
        self.action_hand_over()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hand_over":
            return not self.delivered  # a car handed over is not offered again
        return True

    def action_hand_over(self) -> None:
        floor = self.floor
        database, operator = floor.database, floor.operator
        if self.delivered:
            return
        if database is None or operator is None:
            self._answer(
                Outcome("refused", floor.problem or _("Nobody is signed in: press F8 and sign in first."))
            )
            return
        form, vin, badge, terminal, now = self.form(), self.vin, operator.badge, floor.terminal, floor.now()

        def unit() -> DeliveryResult:
            from neofloor.services.delivery.handover import deliver_car

            with database.write() as session:
                return deliver_car(
                    session,
                    vin,
                    form.customer,
                    badge,
                    financing=form.financing,
                    reference=form.reference,
                    dealer=form.dealer,
                    terminal=terminal,
                    now=now,
                )

        def answer(reply: Answer[DeliveryResult]) -> DeliveryScreen.HandedOver:
            if reply.result is None:
                return self.HandedOver(Outcome("refused", reply.sentence(NOT_RECORDED)), False)
            return self.HandedOver(Outcome("done", reply.result.message, _("✔ HANDED OVER")), True)

        write_in_worker(self, unit, answer, group="delivery-write")

    def on_delivery_screen_handed_over(self, message: HandedOver) -> None:
        self._answer(message.outcome)
        if message.wrote:
            self.delivered = True
            self.query_one("#delivery-title", Label).update(
                Text(_("{vin} handed over.").format(vin=self.vin), style="bold green")
            )
            self.query_one("#delivery-reasons", Label).display = False
            self.refresh_bindings()
            self.floor.check_for_changes()

    def _answer(self, outcome: Outcome) -> None:
        self.query_one("#delivery-result", LastResult).outcome = outcome
        if outcome.kind == "refused":
            self.app.bell()

    def action_back(self) -> None:
        self.dismiss()
