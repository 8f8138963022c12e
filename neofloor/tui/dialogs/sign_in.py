"""Who works at this terminal: pick a name with the arrows, or scan/type a badge.

A plain picker until badges carry PINs; the services check every write's badge
anyway, so this only chooses whose badge the terminal sends.
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

from neofloor.tui.floor import Floor, floor_of

if TYPE_CHECKING:
    from neofloor.services.plant.operators import OperatorInfo
    from neofloor.store.engine import Database


class SignInDialog(ModalScreen["OperatorInfo | None"]):
    """Answers the operator who signed in, or ``None`` on Escape."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel-dialog", tooltip="Keep whoever is signed in."),
        Binding("up", "move(-1)", "Previous", id="previous-operator", show=False, tooltip="The name above."),
        Binding("down", "move(1)", "Next", id="next-operator", show=False, tooltip="The name below."),
    ]

    @dataclass
    class OperatorsLoaded(Message):
        operators: list[OperatorInfo]

    @dataclass
    class BadgeAnswered(Message):
        operator: OperatorInfo | None
        refusal: str

    def __init__(self, problem: str = "") -> None:
        super().__init__()
        self.problem = problem
        self.operators: list[OperatorInfo] = []
        self.shown: list[OperatorInfo] = []

    @property
    def floor(self) -> Floor:
        return floor_of(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Sign in", classes="dialog-title")
            yield Label(
                "Scan or type your badge and press Enter, or pick your name with ↑ ↓ and Enter.",
                classes="dialog-hint",
            )
            yield Input(placeholder="Badge, or part of a name", id="badge")
            yield OptionList(id="operators")
            yield Label(self.problem, id="sign-in-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one("#operators", OptionList).can_focus = False
        self.query_one("#badge", Input).focus()
        if self.floor.database is not None:
            self._load_operators(self.floor.database)

    @work(thread=True, exclusive=True, exit_on_error=False, group="sign-in")
    def _load_operators(self, database: Database) -> None:
        from neofloor.services.plant.operators import list_operators

        with database.read() as session:
            operators = list_operators(session)
        if not get_current_worker().is_cancelled:
            self.post_message(self.OperatorsLoaded(operators))

    @work(thread=True, exclusive=True, exit_on_error=False, group="sign-in")
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
            self.dismiss(message.operator)
        else:
            self.app.bell()
            self.query_one("#sign-in-error", Label).update(message.refusal)

    @on(Input.Changed, "#badge")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#sign-in-error", Label).update("")
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
        where = ", ".join(stations) if stations else "whole line" if operator.is_line_leader else "-"
        return f"{operator.badge:<6} {operator.label:<34} {where}"

    def action_move(self, step: int) -> None:
        options = self.query_one("#operators", OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -step
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    @on(Input.Submitted, "#badge")
    def _entered(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if typed.isdigit() and self.floor.database is not None:
            # A badge: ask the services, which know who may work here.
            self._look_up_badge(self.floor.database, typed)
            return
        options = self.query_one("#operators", OptionList)
        if options.highlighted is not None and self.shown:
            self.dismiss(self.shown[options.highlighted])
        elif typed:
            self.app.bell()
            self.query_one("#sign-in-error", Label).update(f"Nobody called {typed!r} may work here.")

    @on(OptionList.OptionSelected, "#operators")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
