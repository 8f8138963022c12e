"""The floor's views and the one table that registers them.

A view is a Textual mode with its own screen stack: the app builds its MODES,
its function-key bindings and its command-palette entries from ``FLOOR_VIEWS``.
Adding a view is one module under ``screens/`` plus one line in that table.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding

from neofloor.i18n import N_

if TYPE_CHECKING:
    from textual.screen import Screen


@dataclass(frozen=True)
class FloorView:
    """A view people switch to: its mode name, key, footer label and screen class.

    The first view in ``FLOOR_VIEWS`` is the one the app opens on.
    """

    name: str
    title: str
    key: str
    label: str
    help: str
    # "package.module:ClassName", imported the first time the view is shown.
    screen: str

    def open(self) -> Screen[None]:
        """A new instance of the view's screen (Textual calls this for the mode)."""
        module_name, _colon, class_name = self.screen.partition(":")
        screen_class = getattr(importlib.import_module(module_name), class_name)
        return screen_class()  # type: ignore[no-any-return]

    @property
    def binding(self) -> Binding:
        return Binding(
            self.key,
            f"app.show_view('{self.name}')",
            self.label,
            id=f"show-{self.name}",
            tooltip=self.help,
        )


FLOOR_VIEWS: tuple[FloorView, ...] = (
    FloorView(
        "station",
        N_("Station terminal"),
        "f5",
        N_("Terminal"),
        N_("Scan cars in and out of this terminal's station."),
        "neofloor.tui.screens.station:StationScreen",
    ),
    FloorView(
        "board",
        N_("Line board"),
        "f6",
        N_("Board"),
        N_("Every station with its cars, WIP, held cars and andon stops."),
        "neofloor.tui.screens.board:LineBoardScreen",
    ),
    FloorView(
        "defects",
        N_("Defect entry"),
        "f10",
        N_("Defects"),
        N_("Scan a car and log the defects found on it, one after another."),
        "neofloor.tui.screens.defects:DefectEntryScreen",
    ),
    FloorView(
        "quality",
        N_("Quality overview"),
        "f11",
        N_("Quality"),
        N_("Open defects, the Pareto of defect codes, FPY and DPHU by day and shift."),
        "neofloor.tui.screens.quality:QualityScreen",
    ),
    FloorView(
        "dashboard",
        N_("Shift dashboard"),
        "f12",
        N_("Dashboard"),
        N_("Output against plan, FPY, DPHU, OEE, stations and downtime of a shift; the handover report."),
        "neofloor.tui.screens.dashboard:DashboardScreen",
    ),
)


# The yard's terminal: a mode of its own with no key, shown for the station view when the
# terminal is bound to the yard (the app follows the station's kind).
YARD_VIEW = FloorView(
    "yard",
    N_("Yard terminal"),
    "f5",
    N_("Terminal"),
    N_("Park and move finished cars; their PDI and handover."),
    "neofloor.tui.screens.yard:YardScreen",
)


def floor_view(name: str) -> FloorView:
    """The registered view with this mode name."""
    for view in FLOOR_VIEWS:
        if view.name == name:
            return view
    raise KeyError(name)
