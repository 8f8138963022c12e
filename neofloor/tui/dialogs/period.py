"""Asks for a period of production days, first and last, typed as YYYY-MM-DD."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from neofloor.i18n import N_, _, pgettext


class PeriodDialog(ModalScreen[tuple[date, date] | None]):
    """Answers (first day, last day), both included, or ``None`` on Escape."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="cancel-dialog", tooltip=N_("Keep the period shown.")),
    ]

    def __init__(self, first: date, last: date) -> None:
        super().__init__()
        self.first = first
        self.last = last

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Which days?"), classes="dialog-title")
            yield Label(_("Production days as YYYY-MM-DD, both included."), classes="dialog-hint")
            with Horizontal(classes="period-row"):
                yield Label(pgettext("period", "From"), classes="period-label")
                yield Input(self.first.isoformat(), id="period-first", max_length=10)
            with Horizontal(classes="period-row"):
                yield Label(pgettext("period", "To"), classes="period-label")
                yield Input(self.last.isoformat(), id="period-last", max_length=10)
            yield Label(_("Enter to go on, Escape to cancel."), classes="dialog-hint")
            yield Label("", id="period-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one("#period-first", Input).focus()

    @on(Input.Changed)
    def _typed(self, _event: Input.Changed) -> None:
        self.query_one("#period-error", Label).update("")

    @on(Input.Submitted, "#period-first")
    def _first_given(self, _event: Input.Submitted) -> None:
        self.query_one("#period-last", Input).focus()

    @on(Input.Submitted, "#period-last")
    def _last_given(self, _event: Input.Submitted) -> None:
        from neofloor.services.plant.errors import InvalidInput
        from neofloor.services.quality import parse_day

        try:
            first = parse_day(self.query_one("#period-first", Input).value)
            last = parse_day(self.query_one("#period-last", Input).value)
        except InvalidInput as exc:
            self.app.bell()
            self.query_one("#period-error", Label).update(str(exc))
            return
        if last < first:
            self.app.bell()
            self.query_one("#period-error", Label).update(
                _("The period ends ({last}) before it starts ({first}).").format(last=last, first=first)
            )
            return
        self.dismiss((first, last))

    def action_cancel(self) -> None:
        self.dismiss(None)
