"""What the screens, dialogs and widgets may ask of the app: the floor they work on.

They depend on this protocol, not on the concrete app class, so that none of them
imports ``neofloor.tui.app`` (which imports them all) and a test may hand in a small
app of its own. Attributes are set by the app on the UI thread (attributes down).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from textual.app import App

    from neofloor.services.plant.catalog import PlantCatalog
    from neofloor.services.plant.operators import OperatorInfo
    from neofloor.store.engine import Database
    from neofloor.tui.screens.station import StationScreen


class Floor(Protocol):
    """The plant database, the clock, this terminal's station and whoever is signed in."""

    terminal: str
    database: Database | None
    catalog: PlantCatalog | None
    station: str | None
    # Whoever signed in with their badge and PIN (None: nobody; nothing that writes is offered).
    operator: OperatorInfo | None
    # Seconds left before the idle sign-out, in its last minute (None before it).
    idle_left: int | None
    # What the last check of the ledger's chains found wrong ("" when nothing).
    chain_warning: str
    marker: tuple[int, ...] | None
    problem: str
    # The first look is on screen and the store not open yet.
    opening: bool
    # A read-only wall screen (tui/wall.py): nothing may be written from it.
    read_only: bool

    def now(self) -> datetime: ...

    def check_for_changes(self) -> Any: ...

    def show_vehicle(self, vin: str | None) -> None: ...

    async def find_vins(self, typed: str) -> list[str]: ...

    def bind_station(self, code: str) -> None: ...
    async def view_in_language(self) -> None: ...

    def hold_gc(self) -> None: ...

    def release_gc(self) -> None: ...

    def first_view_shown(self) -> None: ...

    def offer_first_look(self, screen: StationScreen) -> None: ...

    def action_show_view(self, name: str) -> None: ...

    def action_find_car(self) -> None: ...

    def action_choose_station(self) -> None: ...

    def action_sign_in(self) -> None: ...

    def action_sign_out(self) -> None: ...

    def action_show_skills(self) -> None: ...

    def action_show_audit(self) -> None: ...


class _OnTheFloor(Protocol):
    @property
    def app(self) -> App[Any]: ...


def floor_of(node: _OnTheFloor) -> Floor:
    """The floor ``node`` works on: its app, seen through :class:`Floor`."""
    return cast("Floor", node.app)
