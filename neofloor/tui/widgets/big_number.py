"""A figure read from across the floor: its name in the border, the number, a line or two of context.

Wide terminals show the number in large three-row digits; narrow ones in one bold
line, so five of them still fit side by side in 80 columns. The words always say
what the number means (behind plan, no production...): colour only repeats them.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Label


@dataclass(frozen=True)
class Figure:
    """What one tile shows.

    Wide terminals show ``big`` in large digits (digits, ``.``, ``%``, ``-``) and the
    ``wide`` lines under it (up to three, about 20 characters each); narrow ones show
    ``value`` (the same number, one line) and ``narrow`` (14 characters at most).
    """

    big: str
    value: str
    narrow: str
    wide: tuple[str, ...] = ()
    alert: bool = False


class BigNumber(Vertical):
    """One tile of the dashboard's row of figures."""

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="big-number")
        self.border_title = title
        self.figure: Figure | None = None

    def compose(self) -> ComposeResult:
        yield Digits("-", classes="figure-digits")
        yield Label("-", classes="figure-value", markup=False)
        yield Label("", classes="figure-narrow", markup=False)
        yield Label("", classes="figure-wide", markup=False)

    def show(self, figure: Figure) -> None:
        """Show a new figure; nothing is redrawn when it is the one already shown."""
        if figure == self.figure:
            return
        self.figure = figure
        self.query_one(".figure-digits", Digits).update(figure.big)
        self.query_one(".figure-value", Label).update(figure.value)
        self.query_one(".figure-narrow", Label).update(figure.narrow)
        self.query_one(".figure-wide", Label).update("\n".join(figure.wide))
        self.set_class(figure.alert, "-alert")
