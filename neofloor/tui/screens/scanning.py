"""A floor view with a scan field: what a scanner types is recorded, one car after another.

A barcode scanner types a VIN and Enter. The VIN stays in the field until its result
replaces it, in the same frame; scans sent while the plant is still opening wait and
are recorded in the order sent once it is open. The screen says who writes
(:meth:`_writer`) and shows each result (:meth:`_answer`).
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from textual import on
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from neofloor.i18n import N_, _, ngettext
from neofloor.tui.dialogs.components import SERIALS_NEEDED
from neofloor.tui.dialogs.line_actions import WriteAnswered, Writer
from neofloor.tui.formatting import moment_text
from neofloor.tui.screens.base import FloorScreen
from neofloor.tui.widgets.last_result import Outcome
from neofloor.tui.widgets.scan_field import FloorInput
from neofloor.tui.writes import Answer, write_in_worker

if TYPE_CHECKING:
    from neofloor.services.tracking.ledger import ScanResult

SCAN_NOT_RECORDED = N_("Not recorded: the database failed ({error}). Scan again.")
# What a scan did, as its result's headline says it (the services' action names stay English).
SCAN_HEADLINES = {
    "started": N_("✔ STARTED"),
    "completed": N_("✔ COMPLETED"),
    "repair_started": N_("✔ REPAIR STARTED"),
    "repair_completed": N_("✔ REPAIR COMPLETED"),
    "in_yard": N_("✔ IN YARD"),
    "handover_ready": N_("✔ HANDOVER READY"),
}
# A scan stays in the field until its result is shown, in the same frame; if the database is
# slow to answer (another terminal holds the write lock), the field is emptied after this long.
SCAN_FIELD_HOLD_SECONDS = 0.25
FINISHED = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)


class ScanningScreen(FloorScreen):
    """A view whose ``#scan`` field records scans at the screen's station."""

    def __init__(self) -> None:
        super().__init__()
        # What the scanner sent that is still in the scan field, waiting for its result.
        self._scan_shown: str | None = None
        self._scan_field_timer: Timer | None = None
        # Scans sent while the plant was still opening, or while the scan before them was being
        # recorded: each recorded in turn, in the order scanned.
        self._scans_waiting: list[str] = []
        self._scan_in_flight = False

    def on_mount(self) -> None:
        # Scans sent while the plant was opening wait for someone to sign in with their PIN.
        self.watch(self.app, "operator", self._operator_changed, init=False)

    def _operator_changed(self, operator: object) -> None:
        if operator is not None:
            self._send_waiting_scan()

    def _writer(self) -> Writer | None:
        """Who writes, where, with what; or show why nothing can be written."""
        raise NotImplementedError

    def _answer(self, outcome: Outcome, *, ring: bool = True) -> None:
        """Show a result (the screen empties the scan field in the same frame); a refusal rings
        unless ``ring`` is False."""
        raise NotImplementedError

    @on(Input.Submitted, "#scan")
    def _scanned(self, event: Input.Submitted) -> None:
        """Record the scan; the VIN stays in the field until its result replaces it.

        Emptying the field at once would draw a frame of its own, and the result would then
        wait for the next frame: shown together, the result comes one frame sooner.
        """
        value = event.value
        # A car scanned before the last one's result came back follows that one's VIN.
        if self._scan_shown and value.startswith(self._scan_shown):
            value = value[len(self._scan_shown) :]
        raw = value.strip()
        if not raw:
            self._scan_shown = None
            event.input.clear()
            return
        self._scan_shown = event.value
        if self._scan_field_timer is not None:
            self._scan_field_timer.stop()
        self._scan_field_timer = self.set_timer(SCAN_FIELD_HOLD_SECONDS, self._empty_scan_field)
        if self.floor.opening:
            self._scans_waiting.append(raw)
            waiting = len(self._scans_waiting)
            if waiting > 1:
                sentence = ngettext(
                    "{vin}: recorded once the plant is open and you have signed in "
                    "({count} scan waiting, in the order sent).",
                    "{vin}: recorded once the plant is open and you have signed in "
                    "({count} scans waiting, in the order sent).",
                    waiting,
                ).format(vin=raw, count=waiting)
            else:
                sentence = _("{vin}: recorded once the plant is open and you have signed in.").format(vin=raw)
            self._answer(Outcome("ready", sentence, _("OPENING THE PLANT")))
            return
        self._send_scan(raw)

    def _send_scan(self, raw: str) -> None:
        if self._scan_in_flight:
            # Two VINs in one breath (a fast scanner, two pasted lines): the second waits its turn.
            self._scans_waiting.append(raw)
            return
        writer = self._writer()
        if writer is not None:
            # No garbage collection between Enter and the result shown (released when the worker ends).
            self.floor.hold_gc()
            self._scan_in_flight = True
            self._record_scan(writer, raw)

    def _send_waiting_scan(self) -> None:
        """The next scan that waited (the plant opening, nobody signed in yet, the scan before it
        being recorded): one at a time, so the cars are recorded in the order they were scanned."""
        floor = self.floor
        ready = floor.database is not None and floor.operator is not None and not floor.opening
        if self._scans_waiting and ready and not self._scan_in_flight:
            self._send_scan(self._scans_waiting.pop(0))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "station-write" and event.state in FINISHED:
            self.floor.release_gc()
            self._scan_in_flight = False
            self.call_after_refresh(self._send_waiting_scan)

    @on(FloorInput.Overflowed, "#scan")
    def _scan_too_long(self, event: FloorInput.Overflowed) -> None:
        """One refusal for a paste too long for the field (the field rang once already)."""
        event.stop()
        self._answer(Outcome("refused", event.sentence, _("✘ TOO LONG")), ring=False)

    def _empty_scan_field(self) -> None:
        """Take the scans already sent out of the field, keeping anything typed after them."""
        if self._scan_field_timer is not None:
            self._scan_field_timer.stop()
            self._scan_field_timer = None
        shown, self._scan_shown = self._scan_shown, None
        scan = self.query_one("#scan", Input)
        if shown and scan.value.startswith(shown):
            scan.value = scan.value[len(shown) :]
            scan.cursor_position = len(scan.value)

    def _record_scan(self, writer: Writer, raw_vin: str) -> None:
        def scan() -> ScanResult:
            from neofloor.services.scan import record_scan

            with writer.database.write() as session:
                return record_scan(
                    session, writer.station, raw_vin, writer.badge, writer.terminal, now=writer.now
                )

        catalog = self.floor.catalog
        zone = catalog.timezone if catalog is not None else "UTC"
        window = catalog.double_scan_window if catalog is not None else timedelta(0)
        write_in_worker(self, scan, partial(_scan_answered, zone, window, raw_vin), group="station-write")


def _scan_answered(zone: str, window: timedelta, raw_vin: str, answer: Answer[ScanResult]) -> WriteAnswered:
    """The scan's result in the floor's words, with when a second scan counts where that matters."""
    from neofloor.services.plant.errors import ComponentsMissing, DoubleScan

    result = answer.result
    if isinstance(answer.refusal, DoubleScan):
        sentence = str(answer.refusal)
        if answer.refusal.counts_from is not None:
            at = moment_text(answer.refusal.counts_from, zone, answer.refusal.counts_from, seconds=True)
            sentence = _("{sentence}; a scan from {at} counts.").format(
                sentence=sentence.split(";")[0], at=at
            )
        return WriteAnswered(Outcome("ignored", sentence, _("IGNORED: DOUBLE SCAN")))
    if isinstance(answer.refusal, ComponentsMissing):
        # The car stays in the station: the terminal asks for the serials (dialogs/components.py).
        return WriteAnswered(Outcome("refused", str(answer.refusal), SERIALS_NEEDED), raw_vin.strip().upper())
    if result is None:
        return WriteAnswered(Outcome("refused", answer.sentence(_(SCAN_NOT_RECORDED))))
    known = SCAN_HEADLINES.get(result.action)
    headline = _(known) if known else f"✔ {result.action.replace('_', ' ').upper()}"
    message = result.message
    if result.action.endswith("started") and window:
        at = moment_text(result.at + window, zone, result.at, seconds=True)
        message += " " + _("A scan from {at} completes it.").format(at=at)
    return WriteAnswered(Outcome("done", message, headline), result.vin, True)
