"""Which shift the dashboard shows: a date typed (YYYY-MM-DD, today, yesterday) and a shift picked.

The plant's calendar says whether that shift runs that day; a shift that has not
started yet is refused too (there is nothing to show, and a typo in the year is
the likelier story).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from neofloor.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from neofloor.services.plant.shifts import ShiftCalendar, ShiftDefinition

ShiftChoice = tuple[date, str]


class ShiftPickerDialog(ModalScreen[ShiftChoice | None]):
    """Answers (plant-local date, shift code), or ``None`` on Escape."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="cancel-dialog", tooltip=N_("Keep the shift shown.")),
        Binding(
            "up",
            "move(-1)",
            N_("Previous shift"),
            id="previous-shift-choice",
            show=False,
            tooltip=N_("Shift above."),
        ),
        Binding(
            "down",
            "move(1)",
            N_("Next shift"),
            id="next-shift-choice",
            show=False,
            tooltip=N_("Shift below."),
        ),
    ]

    def __init__(self, calendar: ShiftCalendar, shown: ShiftChoice, now: Callable[[], datetime]) -> None:
        super().__init__()
        self.calendar = calendar
        self.shown = shown
        self.now = now

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Show another shift"), classes="dialog-title")
            yield Label(
                _("Type the date (YYYY-MM-DD, today or yesterday), pick the shift with ↑ ↓."),
                classes="dialog-hint",
            )
            yield Input(self.shown[0].isoformat(), placeholder=_("YYYY-MM-DD"), id="shift-day", max_length=20)
            yield OptionList(
                *(Option(_describe(s), id=s.code) for s in self.calendar.shifts), id="shift-codes"
            )
            yield Label(_("Enter to show it, Escape to cancel."), classes="dialog-hint")
            yield Label("", id="picker-refusal", classes="dialog-error", markup=False)

    def on_mount(self) -> None:
        codes = self.query_one("#shift-codes", OptionList)
        codes.can_focus = False
        known = [s.code for s in self.calendar.shifts]
        if known:
            codes.highlighted = known.index(self.shown[1]) if self.shown[1] in known else 0
        self.query_one("#shift-day", Input).focus()

    def action_move(self, step: int) -> None:
        codes = self.query_one("#shift-codes", OptionList)
        if codes.option_count:
            current = codes.highlighted if codes.highlighted is not None else 0
            codes.highlighted = max(0, min(codes.option_count - 1, current + step))

    @on(Input.Changed, "#shift-day")
    def _typed(self, _event: Input.Changed) -> None:
        self.query_one("#picker-refusal", Label).update("")

    @on(Input.Submitted, "#shift-day")
    def _entered(self, event: Input.Submitted) -> None:
        refusal = self._check(event.value)
        if isinstance(refusal, str):
            self.app.bell()
            self.query_one("#picker-refusal", Label).update(refusal)
        else:
            self.dismiss(refusal)

    def _check(self, typed: str) -> ShiftChoice | str:
        """The choice, or the sentence saying why it cannot be shown."""
        from neofloor.services.plant.errors import NeofloorError
        from neofloor.services.plant.shifts import parse_plant_date

        highlighted = self.query_one("#shift-codes", OptionList).highlighted
        if highlighted is None or not self.calendar.shifts:
            return _("The plant has no shifts in its config.")
        code = self.calendar.shifts[highlighted].code
        now = self.now()
        try:
            day = parse_plant_date(typed or "today", self.calendar.timezone, now=now)
            window = self.calendar.window(day, code)
        except NeofloorError as exc:
            return str(exc)
        if window.start > now:
            return _("Shift {shift} has not started yet; pick a shift under way or past.").format(
                shift=window.label
            )
        return (window.local_date, window.code)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _describe(shift: ShiftDefinition) -> str:
    target = (
        ngettext("{n} car", "{n} cars", shift.target_cars).format(n=shift.target_cars)
        if shift.target_cars
        else _("no target")
    )
    return f"{shift.code:<4} {shift.name}: {shift.start:%H:%M}–{shift.end:%H:%M}, {shift.day_names}, {target}"
