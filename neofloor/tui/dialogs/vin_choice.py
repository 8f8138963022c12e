"""Several cars match what was typed: pick one."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from neofloor.i18n import N_, _, ngettext


class VinChoiceDialog(ModalScreen[str | None]):
    """Answers the chosen VIN, or ``None`` on Escape."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", N_("Cancel"), id="cancel-dialog", tooltip=N_("Close without choosing a car.")
        ),
    ]

    def __init__(self, typed: str, vins: list[str]) -> None:
        super().__init__()
        self.typed = typed
        self.vins = vins

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            count = len(self.vins)
            title = ngettext("{n} car matches {typed}", "{n} cars match {typed}", count)
            yield Label(title.format(n=count, typed=self.typed), classes="dialog-title")
            yield Label(_("↑ ↓ to choose, Enter to open, Escape to cancel."), classes="dialog-hint")
            yield OptionList(*(Option(vin, id=vin) for vin in self.vins), id="vins")

    def on_mount(self) -> None:
        self.query_one("#vins", OptionList).focus()

    @on(OptionList.OptionSelected, "#vins")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
