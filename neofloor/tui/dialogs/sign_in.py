"""Who works at this terminal: their badge (scanned, typed, or found by name), then their PIN.

The badge alone signs nobody in: the PIN is always asked, and checked by the people
services (``services.people.auth.sign_in``, argon2id, five wrong PINs lock the badge)
in a thread worker. A wrong PIN or a locked badge is shown as the services' sentence,
and the attempt is in the audit trail whatever the dialog does next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from neofloor.i18n import N_, _
from neofloor.tui.floor import Floor, floor_of
from neofloor.tui.safe_text import plain, safe
from neofloor.tui.writes import Answer, write_in_worker

if TYPE_CHECKING:
    from neofloor.services.plant.operators import OperatorInfo
    from neofloor.store.engine import Database

# What the dialog says of a failure that is not a refusal (the database did not answer).
NOT_SIGNED_IN = N_("Not signed in: the database failed ({error}). Try again.")


class SignInDialog(ModalScreen["OperatorInfo | None"]):
    """Answers the operator who signed in with the right PIN, or ``None`` on Escape."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "cancel",
            N_("Cancel"),
            id="cancel-dialog",
            tooltip=N_("Sign nobody in (or back to the badge)."),
        ),
        Binding(
            "up",
            "move(-1)",
            N_("Previous"),
            id="previous-operator",
            show=False,
            tooltip=N_("The name above."),
        ),
        Binding("down", "move(1)", N_("Next"), id="next-operator", show=False, tooltip=N_("The name below.")),
    ]

    @dataclass
    class OperatorsLoaded(Message):
        operators: list[OperatorInfo]

    @dataclass
    class BadgeAnswered(Message):
        """The badge typed or picked: whose it is, or the services' sentence why nobody's."""

        operator: OperatorInfo | None
        refusal: str

    @dataclass
    class PinAnswered(Message):
        """The sign-in came back: the person signed in, or the sentence (wrong PIN, locked badge)."""

        operator: OperatorInfo | None
        refusal: str

    def __init__(self, problem: str = "", *, badge: str | None = None) -> None:
        """``badge``: one already known (given at start): the dialog asks its PIN at once."""
        super().__init__()
        self.problem = problem
        self.given_badge = badge
        self.operators: list[OperatorInfo] = []
        self.shown: list[OperatorInfo] = []
        # Whose PIN is asked (None: the badge is still to be given).
        self.badge: str | None = None
        self.signing_in = False

    @property
    def floor(self) -> Floor:
        return floor_of(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="sign-in"):
            yield Label(_("Sign in"), classes="dialog-title")
            with Vertical(id="badge-step"):
                yield Label(
                    _("Scan or type your badge and press Enter, or find your name with ↑ ↓ and Enter."),
                    classes="dialog-hint",
                )
                yield Input(placeholder=_("Badge, or part of a name"), id="badge")
                yield OptionList(id="operators")
            with Vertical(id="pin-step"):
                yield Label("", id="pin-for", classes="dialog-hint", markup=False)
                yield Input(placeholder=_("PIN"), id="pin", password=True, max_length=12)
                yield Label(_("Enter to sign in, Escape to give another badge."), classes="dialog-hint")
            yield Label(self.problem, id="sign-in-error", classes="dialog-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#operators", OptionList).can_focus = False
        self.query_one("#pin-step").display = False
        self.query_one("#badge", Input).focus()
        database = self.floor.database
        if database is not None:
            self._load_operators(database)
            if self.given_badge:
                self._look_up_badge(database, self.given_badge)

    # --- the badge --------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="sign-in-list")
    def _load_operators(self, database: Database) -> None:
        from neofloor.services.plant.operators import list_operators

        with database.read() as session:
            operators = list_operators(session)
        if not get_current_worker().is_cancelled:
            self.post_message(self.OperatorsLoaded(operators))

    @work(thread=True, exclusive=True, exit_on_error=False, group="sign-in-badge")
    def _look_up_badge(self, database: Database, badge: str) -> None:
        from neofloor.services.plant.errors import NeofloorError
        from neofloor.services.plant.operators import operator_by_badge

        try:
            with database.read() as session:
                operator = operator_by_badge(session, badge)
        except NeofloorError as exc:
            self.post_message(self.BadgeAnswered(None, str(exc)))
        else:
            self.post_message(self.BadgeAnswered(operator, ""))

    def on_sign_in_dialog_operators_loaded(self, message: OperatorsLoaded) -> None:
        self.operators = message.operators
        self._show_matching(self.query_one("#badge", Input).value)

    def on_sign_in_dialog_badge_answered(self, message: BadgeAnswered) -> None:
        if message.operator is not None:
            self.ask_pin(message.operator)
        else:
            self._refuse(message.refusal)

    @on(Input.Changed, "#badge")
    def _typed(self, event: Input.Changed) -> None:
        self.say("")
        self._show_matching(event.value)

    def _show_matching(self, typed: str) -> None:
        wanted = typed.strip().casefold()
        self.shown = [
            o
            for o in self.operators
            if not wanted or wanted in o.name.casefold() or o.badge.startswith(wanted)
        ]
        options = self.query_one("#operators", OptionList)
        options.clear_options()
        options.add_options([Option(self._describe(o), id=o.badge) for o in self.shown])
        if self.shown:
            options.highlighted = 0

    def _describe(self, operator: OperatorInfo) -> str:
        catalog = self.floor.catalog
        stations = []
        if catalog is not None:
            stations = sorted(
                (s.code for s in catalog.stations if s.id in operator.station_ids),
                key=lambda code: catalog.station(code).position or 99,
            )
        where = ", ".join(stations) if stations else _("whole line") if operator.is_line_leader else "-"
        return safe(f"{operator.badge:<6} {operator.label:<34} {where}")

    def action_move(self, step: int) -> None:
        if self.badge is not None:
            return
        options = self.query_one("#operators", OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -step
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    @on(Input.Submitted, "#badge")
    def _entered(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if typed.isdigit() and self.floor.database is not None:
            # A badge: the services know whose it is (and whether it may still work here).
            self._look_up_badge(self.floor.database, typed)
            return
        options = self.query_one("#operators", OptionList)
        if options.highlighted is not None and self.shown:
            self.ask_pin(self.shown[options.highlighted])
        elif typed:
            self._refuse(_("Nobody called {name} may work here.").format(name=repr(typed)))

    @on(OptionList.OptionSelected, "#operators")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.ask_pin(self.shown[event.option_index])

    # --- the PIN ----------------------------------------------------------------

    def ask_pin(self, operator: OperatorInfo) -> None:
        """The badge is known: ask its PIN (never skipped)."""
        self.badge = operator.badge
        self.query_one("#badge-step").display = False
        self.query_one("#pin-step").display = True
        whose = _("Badge {badge} · {name}: your PIN").format(badge=operator.badge, name=plain(operator.label))
        self.query_one("#pin-for", Label).update(whose)
        pin = self.query_one("#pin", Input)
        pin.value = ""
        pin.focus()

    @on(Input.Submitted, "#pin")
    def _pin_entered(self, event: Input.Submitted) -> None:
        database, badge = self.floor.database, self.badge
        if database is None or badge is None or self.signing_in:
            return
        if not event.value:
            self._refuse(_("Type your PIN, then Enter."))
            return
        self.signing_in = True
        self.say("")
        pin, terminal, now = event.value, self.floor.terminal, self.floor.now()

        def sign_in() -> OperatorInfo:
            from neofloor.services.people.auth import sign_in

            with database.write() as session:
                return sign_in(session, badge, pin, terminal, now)

        def answered(answer: Answer[OperatorInfo]) -> SignInDialog.PinAnswered:
            if answer.result is None:
                return self.PinAnswered(None, answer.sentence(_(NOT_SIGNED_IN)))
            return self.PinAnswered(answer.result, "")

        write_in_worker(self, sign_in, answered, group="sign-in", exclusive=True)

    def on_sign_in_dialog_pin_answered(self, message: PinAnswered) -> None:
        self.signing_in = False
        if message.operator is not None:
            self.dismiss(message.operator)
            return
        self.query_one("#pin", Input).value = ""
        self._refuse(message.refusal)

    # --- saying why not ---------------------------------------------------------

    def say(self, sentence: str) -> None:
        self.query_one("#sign-in-error", Label).update(sentence)

    def _refuse(self, sentence: str) -> None:
        self.app.bell()
        self.say(sentence)

    def action_cancel(self) -> None:
        """From the PIN, back to the badge; from the badge, sign nobody in."""
        if self.badge is None:
            self.dismiss(None)
            return
        self.badge = None
        self.query_one("#pin", Input).value = ""
        self.query_one("#pin-step").display = False
        self.query_one("#badge-step").display = True
        self.say("")
        self.query_one("#badge", Input).focus()
