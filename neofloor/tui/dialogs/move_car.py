"""Where a car goes, and why: an override's target and reason, a repaired car's station and note.

The reason field keeps the focus (letters are the reason); ↑ ↓ choose the
station. Nothing is written here: the screen sends the answer to the services,
which decide who may move a car and where.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from neofloor.i18n import N_, _, ngettext
from neofloor.tui.widgets.scan_field import FloorInput

if TYPE_CHECKING:
    from neofloor.services.plant.catalog import StationInfo


@dataclass(frozen=True)
class Move:
    """The station chosen and the text typed."""

    station: str
    text: str


class MoveDialog(ModalScreen[Move | None]):
    """Answers a :class:`Move`, or ``None`` on Escape."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", N_("Cancel"), id="cancel-dialog", tooltip=N_("Close without moving the car.")
        ),
        Binding(
            "up",
            "move(-1)",
            N_("Previous"),
            id="previous-station",
            show=False,
            tooltip=N_("The station above."),
        ),
        Binding(
            "down", "move(1)", N_("Next"), id="next-station", show=False, tooltip=N_("The station below.")
        ),
    ]

    def __init__(
        self,
        title: str,
        about: str,
        stations: Sequence[StationInfo],
        chosen: str | None,
        prompt: str,
        *,
        required: bool,
        notes: Mapping[str, str] | None = None,
        skipped: Callable[[str], list[str]] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.about = about
        self.stations = tuple(stations)
        self.chosen = chosen
        self.prompt = prompt
        self.required = required
        self.notes = dict(notes or {})
        # The stations a move to a station leaves undone: named, and confirmed by a second Enter.
        self.skipped = skipped
        self._confirming: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Label(self.about, classes="dialog-hint")
            yield OptionList(
                *(Option(self._describe(s), id=s.code) for s in self.stations),
                id="move-stations",
            )
            yield FloorInput(placeholder=self.prompt, id="move-text", max_length=200)
            yield Label(
                _("↑ ↓ choose the station, Enter to confirm, Escape to cancel."), classes="dialog-hint"
            )
            yield Label("", id="move-skips", classes="dialog-error", markup=False)
            yield Label("", id="move-error", classes="dialog-error", markup=False)

    def _describe(self, station: StationInfo) -> str:
        note = self.notes.get(station.code, "")
        return f"{station.code:<8} {station.name}" + (f"  ({note})" if note else "")

    def on_mount(self) -> None:
        options = self.query_one("#move-stations", OptionList)
        options.can_focus = False
        codes = [s.code for s in self.stations]
        options.highlighted = codes.index(self.chosen) if self.chosen in codes else 0
        self.query_one("#move-text", Input).focus()
        self._show_skips()

    def action_move(self, step: int) -> None:
        options = self.query_one("#move-stations", OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -step
            options.highlighted = max(0, min(options.option_count - 1, current + step))
        self._confirming = None
        self._show_skips()

    def _skips(self) -> list[str]:
        options = self.query_one("#move-stations", OptionList)
        if self.skipped is None or options.highlighted is None:
            return []
        return self.skipped(self.stations[options.highlighted].code)

    def _show_skips(self) -> None:
        skips = self._skips()
        words = (
            ngettext(
                "Skips {stations}: it is left undone.", "Skips {stations}: they are left undone.", len(skips)
            ).format(stations=", ".join(skips))
            if skips
            else ""
        )
        self.query_one("#move-skips", Label).update(words)

    @on(Input.Changed, "#move-text")
    def _typed(self, _event: Input.Changed) -> None:
        self.query_one("#move-error", Label).update("")

    @on(Input.Submitted, "#move-text")
    def _confirmed(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if self.required and not text:
            self.app.bell()
            self.query_one("#move-error", Label).update(
                _("{prompt}: type it first.").format(prompt=self.prompt)
            )
            return
        options = self.query_one("#move-stations", OptionList)
        if options.highlighted is None:
            return
        code = self.stations[options.highlighted].code
        skips = self._skips()
        if skips and self._confirming != code:
            self._confirming = code
            self.app.bell()
            stations = ", ".join(skips)
            self.query_one("#move-error", Label).update(
                _(
                    "This move skips {stations}. Enter again to confirm, ↑ ↓ to choose another station."
                ).format(stations=stations)
            )
            return
        self.dismiss(Move(code, text))

    def action_cancel(self) -> None:
        self.dismiss(None)
