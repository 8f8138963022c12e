"""Why the station stops: one of the plant config's downtime reasons, and an optional note.

Keyboard only: ↑ ↓ and Enter, or the first letters of the reason (or of its
code) and Enter. Tab moves to the note, Enter there raises the stop too.
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
from neofloor.tui.widgets.scan_field import FloorInput

if TYPE_CHECKING:
    from neofloor.services.supervision.andon import DowntimeReasonInfo
    from neofloor.store.engine import Database


@dataclass(frozen=True)
class AndonRequest:
    """The reason picked (its code) and the note typed."""

    reason_code: str
    note: str


def reason_matches(reason: DowntimeReasonInfo, typed: str) -> bool:
    """The reason's code, or one of the words of its description, starts with what was typed."""
    wanted = typed.strip().casefold()
    if not wanted:
        return True
    words = [reason.code, reason.description, *reason.description.split()]
    return any(word.casefold().startswith(wanted) for word in words)


class AndonReasonDialog(ModalScreen[AndonRequest | None]):
    """Answers the reason and note, or ``None`` on Escape (nothing is written)."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="cancel-dialog", tooltip=N_("Close without stopping.")),
        Binding(
            "up",
            "move(-1)",
            N_("Previous"),
            id="previous-reason",
            show=False,
            tooltip=N_("The reason above."),
        ),
        Binding("down", "move(1)", N_("Next"), id="next-reason", show=False, tooltip=N_("The reason below.")),
    ]

    @dataclass
    class ReasonsLoaded(Message):
        reasons: list[DowntimeReasonInfo]

    def __init__(self, station: str, about: str = "") -> None:
        super().__init__()
        self.station = station
        self.about = about
        self.reasons: list[DowntimeReasonInfo] = []
        self.shown: list[DowntimeReasonInfo] = []

    @property
    def floor(self) -> Floor:
        return floor_of(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Stop {station}: why?").format(station=self.station), classes="dialog-title")
            if self.about:
                yield Label(self.about, classes="dialog-hint")
            yield Label(
                _("↑ ↓ or the first letters, then Enter. Tab: add a note. Escape: no stop."),
                classes="dialog-hint",
            )
            yield FloorInput(placeholder=_("First letters of the reason"), id="reason-typed", max_length=40)
            yield OptionList(id="reasons")
            yield FloorInput(placeholder=_("Note (optional)"), id="andon-note", max_length=200)
            yield Label("", id="andon-error", classes="dialog-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#reasons", OptionList).can_focus = False
        self.query_one("#reason-typed", Input).focus()
        if self.floor.database is not None:
            self._load_reasons(self.floor.database)

    @work(thread=True, exclusive=True, exit_on_error=False, group="andon-reasons")
    def _load_reasons(self, database: Database) -> None:
        from neofloor.services.supervision.andon import downtime_reasons

        with database.read() as session:
            reasons = downtime_reasons(session)
        if not get_current_worker().is_cancelled:
            self.post_message(self.ReasonsLoaded(reasons))

    def on_andon_reason_dialog_reasons_loaded(self, message: ReasonsLoaded) -> None:
        self.reasons = message.reasons
        self._show_matching(self.query_one("#reason-typed", Input).value)

    @on(Input.Changed, "#reason-typed")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#andon-error", Label).update("")
        self._show_matching(event.value)

    def _show_matching(self, typed: str) -> None:
        self.shown = [r for r in self.reasons if reason_matches(r, typed)]
        options = self.query_one("#reasons", OptionList)
        options.clear_options()
        options.add_options([Option(f"{r.code:<6} {r.description}", id=r.code) for r in self.shown])
        if self.shown:
            options.highlighted = 0

    def action_move(self, step: int) -> None:
        options = self.query_one("#reasons", OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -step
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    @on(Input.Submitted)
    def _confirmed(self, _event: Input.Submitted) -> None:
        options = self.query_one("#reasons", OptionList)
        if options.highlighted is None or not self.shown:
            typed = self.query_one("#reason-typed", Input).value.strip()
            sentence = (
                _("No downtime reason starts with {typed}.").format(typed=repr(typed))
                if typed
                else _("Pick a reason first.")
            )
            self.app.bell()
            self.query_one("#andon-error", Label).update(sentence)
            return
        note = self.query_one("#andon-note", Input).value.strip()
        self.dismiss(AndonRequest(self.shown[options.highlighted].code, note))

    @on(OptionList.OptionSelected, "#reasons")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        note = self.query_one("#andon-note", Input).value.strip()
        self.dismiss(AndonRequest(self.shown[event.option_index].code, note))

    def action_cancel(self) -> None:
        self.dismiss(None)
