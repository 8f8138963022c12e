"""The command palette (Ctrl+P): jump to a car by VIN, switch views or station, sign in or out,
and the keys of the view it was opened over.

It offers what the footer offers: only what the signed-in person may do (the view's keys
as their ``check_action`` shows them, the leaders' views by ``tui.permissions``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from neofloor.i18n import _
from neofloor.tui.floor import Floor, floor_of
from neofloor.tui.formatting import looks_like_vin_fragment
from neofloor.tui.permissions import offered
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
            (
                "Recall",
                self._open_recall,
                "The cars a recall concerns (model, station, days, defect, part, lot); hold them all.",
            ),
            (
                "Defects to verify",
                self._defects_to_verify,
                "The repaired defects waiting for an inspector (quality overview; v verifies, r repairs).",
            ),
            (
                "Defects to repair",
                partial(self._defects_to, "open"),
                "The open defects, oldest first (quality overview; r records the repair).",
            ),
        ]
        if floor.operator is None:
            commands.append(("Sign in", floor.action_sign_in, "Your badge, then your PIN."))
        else:
            commands.append(("Sign out", floor.action_sign_out, "The next person signs in with a PIN."))
        if offered(floor, "show_skills"):
            commands.append(
                ("Skills matrix", floor.action_show_skills, "Who is certified for which station, until when.")
            )
        if offered(floor, "show_audit"):
            commands.append(("Audit trail", floor.action_show_audit, "Who did what, where and when."))
        commands += self._view_keys()
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

    def _view_keys(self) -> list[Command]:
        """The keys the view shows in its footer now, as commands (what the person may do there)."""
        commands: list[Command] = []
        for node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if node is self.app or not binding.show or not enabled:
                continue
            key = self.app.get_key_display(binding)
            run = partial(self.app.run_action, binding.action, node)
            what = _(binding.description)
            commands.append((f"{what} ({key})", run, _(tooltip) if tooltip else what))
        return commands
    def _defects_to_verify(self) -> None:
        self._defects_to("repaired")

    def _defects_to(self, status: str) -> None:
        """The quality overview's open defects narrowed to a status (where repair and verify are keys)."""
        app = self.app
        self.floor.action_show_view("quality")

        def narrow() -> None:
            from neofloor.tui.screens.quality import QualityScreen

            if isinstance(app.screen, QualityScreen):
                app.screen.show_status(status)

        app.call_after_refresh(narrow)

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
                yield Hit(
                    0.9,
                    f"Build record {vin}",
                    partial(self._open_build_record, vin),
                    text=f"Build record {vin}",
                    help="Everything about this car, plan to customer; printable to a file.",
                )

    def _open_recall(self) -> None:
        from neofloor.tui.screens.recall import RecallScreen

        self.app.push_screen(RecallScreen())

    def _open_build_record(self, vin: str) -> None:
        from neofloor.tui.screens.build_record import BuildRecordScreen

        self.app.push_screen(BuildRecordScreen(vin))
