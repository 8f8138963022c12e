"""The line supervisor's actions, asked and written the same way at a station terminal and on the board.

Each ``ask_*`` opens the dialog its action needs and, once answered, hands the
screen a :class:`Write`: the service call to run and the headline to show when
it is done. :class:`LineWrites` runs it in a thread worker, in one write
transaction, as whoever is signed in when the dialog closes, and posts a
:class:`WriteAnswered` back. Nothing here decides who may act: the services do,
and say why not, and a refusal writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.binding import Binding, BindingType
from textual.message import Message

from neofloor.i18n import N_, _
from neofloor.tui.dialogs.andon_reason import AndonReasonDialog, AndonRequest
from neofloor.tui.dialogs.move_car import Move, MoveDialog
from neofloor.tui.dialogs.note import NoteDialog
from neofloor.tui.floor import floor_of
from neofloor.tui.permissions import may_do
from neofloor.tui.widgets.last_result import Outcome
from neofloor.tui.writes import NOT_RECORDED, Answer, write_in_worker

if TYPE_CHECKING:
    from sqlmodel import Session
    from textual.app import App
    from textual.dom import DOMNode

    from neofloor.services.plant.catalog import StationInfo
    from neofloor.store.engine import Database

# The supervisor's keys: Ctrl combinations a scan field leaves alone and a scanner never types.
LINE_ACTION_BINDINGS: list[BindingType] = [
    Binding(
        "ctrl+s",
        "raise_stop",
        N_("Stop"),
        id="raise-stop",
        tooltip=N_("Andon: stop the station, with a reason."),
    ),
    Binding(
        "ctrl+g",
        "end_stop",
        N_("End stop"),
        id="end-stop",
        tooltip=N_("The station runs again: end its stop."),
    ),
    Binding(
        "ctrl+r",
        "send_to_repair",
        N_("To repair"),
        id="send-to-repair",
        tooltip=N_("Send the selected car to the repair bay, with a reason (supervisor, inspector)."),
    ),
    Binding(
        "ctrl+b",
        "return_from_repair",
        N_("Back to line"),
        id="return-from-repair",
        tooltip=N_("Send the selected repaired car back to the line: to the station it left, or another."),
    ),
    Binding(
        "ctrl+o",
        "override",
        N_("Override"),
        id="override-car",
        tooltip=N_("Move the selected car to another station, with a reason (supervisor)."),
    ),
]


@dataclass(frozen=True)
class Writer:
    """Who writes, from which terminal (and station), at what time: taken on the UI thread."""

    database: Database
    badge: str
    terminal: str
    now: datetime
    station: str = ""


@dataclass(frozen=True)
class Write:
    """A service call to run in a write transaction; its result has a ``message``."""

    headline: str
    vin: str | None
    call: Callable[[Session, Writer], Any]


Done = Callable[[Write], None]


@dataclass(frozen=True)
class ActedOn:
    """The car an action is about: its VIN, a line about it for the dialog, and its station
    (where it is, or for a car in the repair bay the station it left)."""

    vin: str
    about: str
    station: str | None
    # Why the action cannot apply to this car yet (said before any dialog opens); "" when it can.
    not_yet: str = ""


def repair_not_done(vin: str, phase: str, bay: str) -> str:
    """Why a car in the bay cannot go back to the line yet ("" once its repair is done).

    The services refuse it the same way; the screen says it before the dialog, not after.
    """
    if phase == "repaired":
        return ""
    if phase == "repairing":
        return _("{vin} is still being repaired: scan it out at {bay} first, then Ctrl+B.").format(
            vin=vin, bay=bay
        )
    return _(
        "{vin} has not been repaired yet: scan it at {bay} to start, again to finish, then Ctrl+B."
    ).format(vin=vin, bay=bay)


@dataclass
class WriteAnswered(Message):
    """A write came back: what to show, the car to keep selected, whether anything was written."""

    outcome: Outcome
    vin: str | None = None
    wrote: bool = False


class LineWrites:
    """For a screen: run a :class:`Write` as the one signed in, post a :class:`WriteAnswered`.

    The screen supplies :meth:`_writer` (who writes, or says why nobody can), the car
    selected on the line and in the repair bay, and what it says when there is none; the
    repair and override actions, the same wherever they are offered, are here.
    """

    def _writer(self) -> Writer | None:
        raise NotImplementedError

    def _line_car(self) -> ActedOn | None:
        raise NotImplementedError

    def _bay_car(self) -> ActedOn | None:
        raise NotImplementedError

    def _no_car(self) -> None:
        raise NotImplementedError

    def _answer(self, outcome: Outcome) -> None:
        raise NotImplementedError

    def action_send_to_repair(self) -> None:
        car = self._line_car()
        if car is None:
            self._no_car()
        elif self._writer() is not None:
            ask_send_to_repair(cast("DOMNode", self).app, car.vin, car.about, self._run)

    def action_override(self) -> None:
        car, node = self._line_car(), cast("DOMNode", self)
        catalog = floor_of(node).catalog
        if car is None or catalog is None:
            self._no_car()
        elif self._writer() is not None:
            ask_override(node.app, car.vin, car.about, catalog.production_route, car.station, self._run)

    def action_return_from_repair(self) -> None:
        car, node = self._bay_car(), cast("DOMNode", self)
        catalog = floor_of(node).catalog
        if car is None or catalog is None:
            self._no_car()
        elif car.not_yet:
            self._answer(Outcome("refused", car.not_yet))
        elif self._writer() is not None:
            # Another station than the one it left is a line leader's decision: offered only to them.
            stations = catalog.production_route
            if not may_do(floor_of(node), "redirect", at_station=False):
                stations = tuple(s for s in stations if s.code == car.station) or stations
            ask_return_from_repair(node.app, car.vin, car.about, stations, car.station, self._run)

    def _run(self, write: Write) -> None:
        """A dialog was answered: write now, as whoever is signed in now."""
        writer = self._writer()
        if writer is not None:
            self._write(writer, write)

    def _write(self, writer: Writer, write: Write) -> None:
        def unit() -> Any:
            with writer.database.write() as session:
                return write.call(session, writer)

        def answered(answer: Answer[Any]) -> WriteAnswered:
            if answer.result is None:
                return WriteAnswered(Outcome("refused", answer.sentence(_(NOT_RECORDED))))
            return WriteAnswered(Outcome("done", answer.result.message, write.headline), write.vin, True)

        write_in_worker(cast("DOMNode", self), unit, answered, group="line-write")


def ask_hold(app: App[Any], vin: str, about: str, done: Done) -> None:
    """Ask why the car is held, then hold it."""

    def answered(reason: str | None) -> None:
        if not reason:
            return

        def hold(session: Session, who: Writer) -> Any:
            from neofloor.services.tracking.holds import hold_vehicle

            return hold_vehicle(session, vin, reason, who.badge, who.terminal, now=who.now)

        done(Write(_("✔ HELD"), vin, hold))

    dialog = NoteDialog(_("Hold {vin}").format(vin=vin), about, _("Reason for the hold"), required=True)
    app.push_screen(dialog, answered)


def ask_release(app: App[Any], vin: str, about: str, done: Done) -> None:
    """Ask for a note (optional), then release the held car (supervisor, shift lead, admin, inspector)."""

    def answered(note: str | None) -> None:
        if note is None:
            return

        def release(session: Session, who: Writer) -> Any:
            from neofloor.services.tracking.holds import release_vehicle

            return release_vehicle(session, vin, who.badge, note, who.terminal, now=who.now)

        done(Write(_("✔ RELEASED"), vin, release))

    dialog = NoteDialog(_("Release {vin}").format(vin=vin), about, _("Note (optional)"), required=False)
    app.push_screen(dialog, answered)


def ask_send_to_repair(app: App[Any], vin: str, about: str, done: Done) -> None:
    """Ask why the car goes to the repair bay, then send it (supervisor, shift lead, admin, inspector)."""

    def answered(reason: str | None) -> None:
        if not reason:
            return

        def send(session: Session, who: Writer) -> Any:
            from neofloor.services.supervision.repair import send_to_repair

            return send_to_repair(session, vin, reason, who.badge, who.terminal, now=who.now)

        done(Write(_("✔ SENT TO REPAIR"), vin, send))

    dialog = NoteDialog(
        _("Send {vin} to the repair bay").format(vin=vin), about, _("Reason for the repair"), required=True
    )
    app.push_screen(dialog, answered)


def ask_return_from_repair(
    app: App[Any], vin: str, about: str, stations: Sequence[StationInfo], left: str | None, done: Done
) -> None:
    """Ask where the repaired car goes (the station it left, or another a supervisor names) and why."""

    def answered(move: Move | None) -> None:
        if move is None:
            return
        to_station = None if move.station == left else move.station

        def back(session: Session, who: Writer) -> Any:
            from neofloor.services.supervision.repair import return_from_repair

            return return_from_repair(
                session, vin, who.badge, to_station, move.text, who.terminal, now=who.now
            )

        done(Write(_("✔ BACK FROM REPAIR"), vin, back))

    notes = {left: _("the station it left")} if left else {}
    dialog = MoveDialog(
        _("Send {vin} back to the line").format(vin=vin),
        _("{about} · another station than the one it left takes a supervisor.").format(about=about),
        stations,
        left,
        _("Note (optional)"),
        required=False,
        notes=notes,
    )
    app.push_screen(dialog, answered)


def ask_override(
    app: App[Any], vin: str, about: str, stations: Sequence[StationInfo], current: str | None, done: Done
) -> None:
    """Ask where the car moves out of sequence and why (supervisor, shift lead, admin)."""

    def answered(move: Move | None) -> None:
        if move is None:
            return

        def override(session: Session, who: Writer) -> Any:
            from neofloor.services.supervision.overrides import override_move

            return override_move(session, vin, move.station, move.text, who.badge, who.terminal, now=who.now)

        done(Write(_("✔ MOVED BY OVERRIDE"), vin, override))

    from neofloor.services.supervision.overrides import stations_skipped

    codes = [s.code for s in stations]
    # Skipping ahead is the usual override: offer the station after the one the car is at.
    chosen = codes[min(codes.index(current) + 1, len(codes) - 1)] if current in codes else None
    dialog = MoveDialog(
        _("Override: move {vin} out of sequence").format(vin=vin),
        _("{about} · a supervisor's decision, with a reason.").format(about=about),
        stations,
        chosen,
        _("Reason for the override"),
        required=True,
        notes={current: _("where it is now")} if current else {},
        skipped=partial(stations_skipped, codes, current),
    )
    app.push_screen(dialog, answered)


def ask_raise_stop(app: App[Any], station: str, about: str, done: Done) -> None:
    """Ask the downtime reason, then stop the station (an andon stop)."""

    def answered(request: AndonRequest | None) -> None:
        if request is None:
            return

        def stop(session: Session, who: Writer) -> Any:
            from neofloor.services.supervision.andon import raise_andon

            return raise_andon(
                session,
                station,
                request.reason_code,
                who.badge,
                request.note,
                now=who.now,
                terminal=who.terminal,
            )

        done(Write(_("■ STOPPED"), None, stop))

    app.push_screen(AndonReasonDialog(station, about), answered)


def end_stop(station: str) -> Write:
    """End the open stop at the station (no question: one key)."""

    def run_again(session: Session, who: Writer) -> Any:
        from neofloor.services.supervision.andon import end_andon

        return end_andon(session, station, who.badge, now=who.now, terminal=who.terminal)

    return Write(_("✔ RUNNING AGAIN"), None, run_again)
