"""Binds the terminal to a station: the production route, in order, filtered by what is typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from neofloor.i18n import N_, _

if TYPE_CHECKING:
    from neofloor.services.plant.catalog import StationInfo


def stations_matching(stations: tuple[StationInfo, ...], typed: str) -> list[StationInfo]:
    """The stations a few typed letters name: codes that start with them first, then any code or
    name that holds them, each group in route order ("TR" names TRIM1 and TRIM2, never REPAIR)."""
    wanted = typed.strip().casefold()
    if not wanted:
        return list(stations)
    first = [s for s in stations if s.code.casefold().startswith(wanted)]
    then = [
        s for s in stations if s not in first and (wanted in s.code.casefold() or wanted in s.name.casefold())
    ]
    return first + then


class StationDialog(ModalScreen[str | None]):
    """Answers the chosen station's code, or ``None`` on Escape."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", N_("Cancel"), id="cancel-dialog", tooltip=N_("Keep the current station.")
        ),
        Binding(
            "down", "move(1)", N_("Next"), id="next-station", show=False, tooltip=N_("The next station.")
        ),
        Binding(
            "up", "move(-1)", N_("Previous"), id="previous-station", show=False, tooltip=N_("The one before.")
        ),
    ]

    def __init__(self, stations: tuple[StationInfo, ...], current: str | None, problem: str = "") -> None:
        super().__init__()
        self.stations = stations
        self.current = current
        self.problem = problem
        self.shown: list[StationInfo] = list(stations)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Which station is this terminal at?"), classes="dialog-title")
            if self.problem:
                yield Label(self.problem, id="station-problem", classes="dialog-error")
            yield Label(
                _("Type a few letters of its code or name, or ↑ ↓; Enter to confirm, Escape to cancel."),
                classes="dialog-hint",
            )
            yield Input(placeholder=_("Station code or name"), id="station-filter", max_length=20)
            yield OptionList(*self._options(), id="stations")
            yield Label("", id="station-none", classes="dialog-error")

    def _options(self) -> list[Option]:
        return [Option(f"{s.code:<8} {s.name}", id=s.code) for s in self.shown]

    def on_mount(self) -> None:
        options = self.query_one("#stations", OptionList)
        codes = [s.code for s in self.stations]
        options.highlighted = codes.index(self.current) if self.current in codes else 0
        self.query_one("#station-filter", Input).focus()

    @on(Input.Changed, "#station-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.shown = stations_matching(self.stations, event.value)
        options = self.query_one("#stations", OptionList)
        options.clear_options()
        options.add_options(self._options())
        options.highlighted = 0 if self.shown else None
        none = (
            _("No station's code or name holds '{typed}'.").format(typed=event.value.strip())
            if not self.shown
            else ""
        )
        self.query_one("#station-none", Label).update(none)

    def action_move(self, step: int) -> None:
        options = self.query_one("#stations", OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -step
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    @on(Input.Submitted, "#station-filter")
    def _typed_and_entered(self) -> None:
        options = self.query_one("#stations", OptionList)
        if options.highlighted is not None and options.option_count:
            self.dismiss(options.get_option_at_index(options.highlighted).id)
        else:
            self.app.bell()

    @on(OptionList.OptionSelected, "#stations")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
