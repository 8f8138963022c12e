"""Binds the terminal to a station: the production route, in order."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from neofloor.services.plant.catalog import StationInfo


class StationDialog(ModalScreen[str | None]):
    """Answers the chosen station's code, or ``None`` on Escape."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel-dialog", tooltip="Keep the current station."),
    ]

    def __init__(self, stations: tuple[StationInfo, ...], current: str | None, problem: str = "") -> None:
        super().__init__()
        self.stations = stations
        self.current = current
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Which station is this terminal at?", classes="dialog-title")
            if self.problem:
                yield Label(self.problem, id="station-problem", classes="dialog-error")
            yield Label("↑ ↓ to choose, Enter to confirm, Escape to cancel.", classes="dialog-hint")
            yield OptionList(
                *(Option(f"{s.code:<8} {s.name}", id=s.code) for s in self.stations),
                id="stations",
            )

    def on_mount(self) -> None:
        options = self.query_one("#stations", OptionList)
        codes = [s.code for s in self.stations]
        options.highlighted = codes.index(self.current) if self.current in codes else 0
        options.focus()

    @on(OptionList.OptionSelected, "#stations")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
