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
        """Every command: those the palette lists when opened, then one per station to switch to."""
        return self._listed_commands() + self._station_commands()

    def _listed_commands(self) -> list[Command]:
        """The commands the palette lists before anything is typed."""
        floor = self.floor
        if floor.read_only:
            return []  # a wall screen: no other view, no car, no sign-in (tui/wall.py)
        commands: list[Command] = [
            (_(view.title), partial(floor.action_show_view, view.name), _(view.help)) for view in FLOOR_VIEWS
        ]
        commands += [
            (
                _("Find a car"),
                floor.action_find_car,
                _("Open a car's history: type its VIN or its last digits."),
            ),
            (_("Switch station"), floor.action_choose_station, _("Bind this terminal to another station.")),
            (
                _("Recall"),
                self._open_recall,
                _("The cars a recall concerns (model, station, days, defect, part, lot); hold them all."),
            ),
            (
                _("Defects to verify"),
                self._defects_to_verify,
                _("The repaired defects waiting for an inspector (quality overview; v verifies, r repairs)."),
            ),
            (
                _("Defects to repair"),
                partial(self._defects_to, "open"),
                _("The open defects, oldest first (quality overview; r records the repair)."),
            ),
        ]
        if floor.operator is None:
            commands.append((_("Sign in"), floor.action_sign_in, _("Your badge, then your PIN.")))
        else:
            commands.append((_("Sign out"), floor.action_sign_out, _("The next person signs in with a PIN.")))
        if offered(floor, "show_skills"):
            commands.append(
                (
                    _("Skills matrix"),
                    floor.action_show_skills,
                    _("Who is certified for which station, until when."),
                )
            )
        if offered(floor, "show_audit"):
            commands.append((_("Audit trail"), floor.action_show_audit, _("Who did what, where and when.")))
        commands += self._view_keys()
        return commands

    def _station_commands(self) -> list[Command]:
        """One command per station this terminal can be bound to: found by typing, not listed."""
        floor = self.floor
        if floor.read_only or floor.catalog is None:
            return []
        return [
            (
                _("Switch station to {station} · {name}").format(station=station.code, name=station.name),
                partial(floor.bind_station, station.code),
                station.description,
            )
            for station in floor.catalog.terminal_stations
        ]

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
        for name, command, help_text in self._listed_commands():
            yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, command, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, help=help_text)
        if looks_like_vin_fragment(query) and not self.floor.read_only:
            for vin in await self.floor.find_vins(query):
                car = _("Car {vin}").format(vin=vin)
                yield Hit(
                    1.0,
                    car,
                    partial(self.floor.show_vehicle, vin),
                    text=car,
                    help=_("Open this car's history."),
                )
                record = _("Build record {vin}").format(vin=vin)
                yield Hit(
                    0.9,
                    record,
                    partial(self._open_build_record, vin),
                    text=record,
                    help=_("Everything about this car, plan to customer; printable to a file."),
                )

    def _open_recall(self) -> None:
        from neofloor.tui.screens.recall import RecallScreen

        self.app.push_screen(RecallScreen())

    def _open_build_record(self, vin: str) -> None:
        from neofloor.tui.screens.build_record import BuildRecordScreen

        self.app.push_screen(BuildRecordScreen(vin))
