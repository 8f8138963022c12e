"""The command palette (Ctrl+P): jump to a car by VIN, switch views or station, sign in."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from neofloor.tui.floor import Floor, floor_of
from neofloor.tui.formatting import looks_like_vin_fragment
from neofloor.tui.screens import FLOOR_VIEWS

Command = tuple[str, Callable[[], object], str]


class FloorCommands(Provider):
    """The floor's commands, and the cars whose VIN starts or ends with what is typed."""

    @property
    def floor(self) -> Floor:
        return floor_of(self)

    def _commands(self) -> list[Command]:
        floor = self.floor
        if floor.read_only:
            return []  # a wall screen: no other view, no car, no sign-in (tui/wall.py)
        commands: list[Command] = [
            (view.title, partial(floor.action_show_view, view.name), view.help) for view in FLOOR_VIEWS
        ]
        commands += [
            ("Find a car", floor.action_find_car, "Open a car's history: type its VIN or its last digits."),
            ("Switch station", floor.action_choose_station, "Bind this terminal to another station."),
            ("Sign in as someone else", floor.action_sign_in, "Scan a badge or pick a name."),
        ]
        if floor.catalog is not None:
            commands += [
                (
                    f"Switch station to {station.code} · {station.name}",
                    partial(floor.bind_station, station.code),
                    station.description,
                )
                for station in floor.catalog.terminal_stations
            ]
        return commands

    async def discover(self) -> Hits:
        for name, command, help_text in self._commands():
            if not name.startswith("Switch station to"):
                yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, command, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, help=help_text)
        if looks_like_vin_fragment(query) and not self.floor.read_only:
            for vin in await self.floor.find_vins(query):
                yield Hit(
                    1.0,
                    f"Car {vin}",
                    partial(self.floor.show_vehicle, vin),
                    text=f"Car {vin}",
                    help="Open this car's history.",
                )
