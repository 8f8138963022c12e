"""Output against plan through a shift, hour by hour, as a terminal chart (plotext).

Both curves are cumulative and drawn against the clock: the plan (dotted) is the whole
cars the takt asks for by the end of each hour, over the whole shift; the output
(solid) is the cars through QG by the end of each hour, up to now. A solid line under
the dots is a line behind plan; the two lines read apart without their colours.
The plot is rebuilt from plain numbers at each render, so it fits whatever size it is
given and the same numbers always draw the same picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.text import Text
from textual.app import RenderResult
from textual_plotext import PlotextPlot

from neofloor.i18n import N_, _

OUTPUT_LABEL = N_("output")
PLAN_LABEL = N_("plan")
# Below this size a chart says nothing: a sentence is shown instead.
MIN_WIDTH, MIN_HEIGHT = 24, 6

Point = tuple[float, int]  # (hours since the shift started, cars)


@dataclass(frozen=True)
class ShiftCurves:
    """What the chart draws, in hours since the shift started (plain numbers, no clock)."""

    length: float  # the shift's length in hours
    hours: tuple[tuple[float, str], ...]  # where each clock hour starts, and its label ("06:00")
    plan: tuple[Point, ...]  # empty for a shift with no target
    output: tuple[Point, ...]  # up to now

    @property
    def drawable(self) -> bool:
        return bool(self.plan) or any(cars for _hour, cars in self.output)


class HourlyChart(PlotextPlot):
    """Cumulative output (solid) against cumulative plan (dotted) through one shift."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.curves: ShiftCurves | None = None
        self.empty_sentence = _("Nothing to draw yet.")

    def show_curves(self, curves: ShiftCurves, *, empty_sentence: str) -> None:
        """Draw these curves (or the sentence when there is nothing to draw); no redraw when unchanged."""
        if (curves, empty_sentence) == (self.curves, self.empty_sentence):
            return
        self.curves, self.empty_sentence = curves, empty_sentence
        self.refresh()

    def render(self) -> RenderResult:
        curves = self.curves
        if curves is None or not curves.drawable:
            return Text(self.empty_sentence, style="dim")
        if self.size.width < MIN_WIDTH or self.size.height < MIN_HEIGHT:
            return Text(_("Too small for the chart: widen the terminal."), style="dim")
        self._draw(curves)
        return super().render()

    def _draw(self, curves: ShiftCurves) -> None:
        plt = self.plt
        plt.clear_figure()
        if curves.plan:
            plt.plot(
                [x for x, _cars in curves.plan],
                [cars for _hour, cars in curves.plan],
                label=_(PLAN_LABEL),
                color="orange",
                marker="dot",
            )
        if curves.output:
            plt.plot(
                [x for x, _cars in curves.output],
                [cars for _hour, cars in curves.output],
                label=_(OUTPUT_LABEL),
                color="green",
                marker="hd",
            )
        positions = [x for x, _label in curves.hours]
        room = (self.size.width - 6) // max(1, len(positions))
        labels = [label if room >= 6 else label[:2] for _hour, label in curves.hours]
        plt.xticks(positions, labels)
        plt.xlim(0, max(curves.length, 0.5))
        top = max([1, *(cars for _hour, cars in curves.plan), *(cars for _hour, cars in curves.output)])
        step = _tick_step(top, max(2, (self.size.height - 3) // 2))
        ticks = [float(tick) for tick in range(0, top + step, step)]
        plt.yticks(ticks, [str(int(tick)) for tick in ticks])
        plt.ylim(0, ticks[-1])


def _tick_step(top: int, rows: int) -> int:
    """A round whole-car step giving at most ``rows`` ticks from 0 to ``top``."""
    step = max(1, math.ceil(top / rows))
    for nice in (1, 2, 4, 5, 10, 20, 25, 50, 100, 200, 250, 500):
        if nice >= step:
            return nice
    return step
