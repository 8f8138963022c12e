"""The one-line header on every view: plant, station, who is signed in, plant time.

It also warns, in the plant name's place, when the last check of the ledger's hash
chains failed, and counts down the last minute before an idle sign-out in the place
of who is signed in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from neofloor.i18n import _
from neofloor.tui.floor import Floor, floor_of
from neofloor.tui.formatting import clock_text
from neofloor.tui.idle import countdown_text
from neofloor.tui.safe_text import plain

if TYPE_CHECKING:
    from neofloor.services.plant.catalog import PlantCatalog
    from neofloor.services.plant.operators import OperatorInfo


class PlantHeader(Horizontal):
    """Reads the app's plant, station and operator (attributes down); ticks the clock."""

    def compose(self) -> ComposeResult:
        yield Label("", id="header-station")
        yield Label("neofloor", id="header-plant", markup=False)
        yield Label("", id="header-operator", markup=False)
        yield Label("", id="header-clock")

    @property
    def floor(self) -> Floor:
        return floor_of(self)

    def on_mount(self) -> None:
        self.watch(self.app, "catalog", self._show_plant)
        self.watch(self.app, "station", self._show_station)
        self.watch(self.app, "operator", self._show_operator)
        self.watch(self.app, "idle_left", self._show_countdown)
        self.watch(self.app, "chain_warning", self._show_warning)
        self.set_interval(1.0, self._tick)

    def _show_plant(self, catalog: PlantCatalog | None) -> None:
        self._show_warning(self.floor.chain_warning)
        self._show_station(self.floor.station)
        self._tick()

    def _show_warning(self, warning: str) -> None:
        """The plant's name, or in its place the warning that the ledger was tampered with."""
        catalog = self.floor.catalog
        label = self.query_one("#header-plant", Label)
        label.update(plain(warning) if warning else plain(catalog.name) if catalog else "neofloor")
        label.set_class(bool(warning), "-warning")

    def _show_station(self, code: str | None) -> None:
        label = self.query_one("#header-station", Label)
        catalog = self.floor.catalog
        if code is None:
            label.update(_("no station") if catalog else "")
            return
        station = next((s for s in catalog.stations if s.code == code), None) if catalog else None
        label.update(f"{code} · {station.name}" if station else code)

    def _show_operator(self, operator: OperatorInfo | None) -> None:
        label = self.query_one("#header-operator", Label)
        label.update(plain(operator.label) if operator else _("nobody signed in"))
        label.set_class(operator is None, "-nobody")
        label.set_class(False, "-leaving")

    def _show_countdown(self, seconds: int | None) -> None:
        """The last minute before the idle sign-out, in the place of who is signed in."""
        if seconds is None:
            self._show_operator(self.floor.operator)
            return
        label = self.query_one("#header-operator", Label)
        label.update(countdown_text(seconds))
        label.set_class(True, "-leaving")

    def _tick(self) -> None:
        catalog = self.floor.catalog
        text = clock_text(self.floor.now(), catalog.timezone) if catalog else ""
        self.query_one("#header-clock", Label).update(text)
