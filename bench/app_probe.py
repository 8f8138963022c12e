"""Run in a fresh process: the app's cold start, Enter to result shown, and peak memory.

``python bench/app_probe.py empty`` times an empty Textual app to its first frame;
``python bench/app_probe.py station DB_FILE STATION BADGE SCANS START_ISO`` times
the neofloor station terminal to its first frame showing live data (its queue
filled, the operator signed in) and to the frame after its store is open (a scan is
recorded at once from then; before, when the store opens), then scans SCANS cars of the station's queue
through the pilot (VIN in the scan field, Enter) and times each from Enter to
the first frame showing the result, then opens the line board and a car's
history and reports the process's peak RSS. Nothing is imported before the
clock starts but the standard library: imports are part of a cold start.

A frame is seen through ``Widget.render_lines``, which Textual calls for each widget it
draws in a frame, just before the frame is written out (public API; the probe used to
wrap the app's private ``_display``).

The last line printed is a JSON object; times are absolute ``time.time()``
values or milliseconds, so the parent can count from the moment it started us.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

SIZE = (120, 40)
READY_TIMEOUT_S = 60
CLOCK_STEP = timedelta(seconds=7)  # each reading of the app's clock: no scan is a double scan


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return _peak_rss_mb()


async def empty_app() -> dict[str, Any]:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Empty(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("ready")

    app = Empty()
    painted: list[float] = []
    first = asyncio.Event()

    def first_frame() -> None:
        if not painted:
            painted.append(time.time())
            first.set()

    _on_each_drawing(first_frame)
    async with app.run_test(size=SIZE):
        await _until(first)
    return {"ready_at": painted[0], "peak_rss_mb": _peak_rss_mb()}


async def station_terminal(
    db_file: str, station: str, badge: str, scans: int, start: datetime
) -> dict[str, Any]:
    from textual.widgets import Input

    from neofloor.tui.app import NeofloorApp

    steps = itertools.count()

    def clock() -> datetime:
        return start + next(steps) * CLOCK_STEP

    app = NeofloorApp(
        f"sqlite:///{db_file}", station=station, terminal="bench", operator_badge=badge, clock=clock
    )
    ready: list[float] = []
    opened: list[float] = []
    is_ready = asyncio.Event()
    watch: dict[str, Any] = {"vin": None, "before": None, "shown": None}

    def on_frame() -> None:
        now = time.time()
        if not ready and _terminal_ready(app):
            ready.append(now)
            is_ready.set()
        if not opened and app.database is not None:
            opened.append(now)  # the store is open: a scan is recorded at once, not when it opens
        vin = watch["vin"]
        if vin is not None and watch["shown"] is None:
            outcome = app.screen.query_one("#last-result").outcome  # type: ignore[attr-defined]
            if outcome is not watch["before"]:
                watch["shown"] = (time.perf_counter(), outcome.kind, outcome.sentence)

    _on_each_drawing(on_frame)
    results: list[dict[str, Any]] = []
    async with app.run_test(size=SIZE) as pilot:
        await _until(is_ready)
        ready_rss = _peak_rss_mb()
        while not opened:
            await asyncio.sleep(0.01)
        # The store is imported after the first look is drawn: the scans' growth counts from here.
        await _settle(app)
        open_rss = _current_rss_mb()
        for _ in range(scans):
            vin = _first_waiting_vin(app)
            if vin is None:
                break
            scan_field = app.screen.query_one("#scan", Input)
            scan_field.value = vin
            await pilot.pause()
            watch["before"] = app.screen.query_one("#last-result").outcome  # type: ignore[attr-defined]
            watch["vin"], watch["shown"] = vin, None
            pressed = time.perf_counter()
            await pilot.press("enter")
            deadline = pressed + 10
            while watch["shown"] is None and time.perf_counter() < deadline:
                await asyncio.sleep(0.0002)
            if watch["shown"] is None:
                raise RuntimeError(f"no result shown for {vin} within 10 s")
            shown_at, kind, sentence = watch["shown"]
            results.append(
                {"vin": vin, "ms": (shown_at - pressed) * 1000, "kind": kind, "sentence": sentence}
            )
            # Let the queue reload after the write before the next car is scanned, as on the floor.
            await _settle(app)
            await pilot.pause()
        scanned_rss = _current_rss_mb()
        # The other views an operator or a supervisor opens, for the peak memory.
        await pilot.press("f6")
        await _settle(app)
        await pilot.pause(0.2)
        await _settle(app)
        if results:
            app.show_vehicle(results[0]["vin"])
            await pilot.pause(0.2)
            await _settle(app)
            await pilot.pause()
    return {
        "ready_at": ready[0],
        "open_at": opened[0],
        "ready_rss_mb": ready_rss,
        "open_rss_mb": open_rss,
        "after_scans_rss_mb": scanned_rss,
        "peak_rss_mb": _peak_rss_mb(),
        "scans": results,
    }


def _on_each_drawing(seen: Any) -> None:
    """Call ``seen()`` whenever a widget is drawn into a frame."""
    from textual.widget import Widget

    render_lines = Widget.render_lines

    def drawn(self: Widget, crop: Any) -> Any:
        lines = render_lines(self, crop)
        seen()
        return lines

    Widget.render_lines = drawn  # type: ignore[method-assign]


async def _until(frame_seen: asyncio.Event) -> None:
    """Wait for the frame without polling the app: a probe that keeps the UI thread busy (a
    pilot pause every millisecond asks every widget for a callback and draws a frame) takes the
    GIL from the worker that opens the plant, and slows the start it measures."""
    await asyncio.wait_for(frame_seen.wait(), READY_TIMEOUT_S)


async def _settle(app: Any) -> None:
    """Wait for the app's workers; one cancelled by a newer one (an exclusive reload) is fine."""
    from textual.worker import WorkerCancelled, WorkerFailed

    with contextlib.suppress(WorkerCancelled, WorkerFailed):
        await app.workers.wait_for_complete()


def _terminal_ready(app: Any) -> bool:
    """The station terminal shows live data: its queue is filled and someone is signed in."""
    from textual.widgets import DataTable

    if app.operator is None or app.catalog is None:
        return False
    try:
        table = app.screen.query_one("#cars", DataTable)
    except Exception:
        return False
    return bool(table.row_count)


def _first_waiting_vin(app: Any) -> str | None:
    screen = app.screen
    cars = [*getattr(screen, "inside", []), *getattr(screen, "queue", [])]
    inside = getattr(screen, "inside", [])
    # Complete a car in the station when there is one, else start the next one.
    if inside:
        return str(inside[-1].vin)
    return str(cars[0].vin) if cars else None


def main(argv: list[str]) -> int:
    mode = argv[0]
    if mode == "empty":
        result = asyncio.run(empty_app())
    elif mode == "station":
        db_file, station, badge, scans, start = argv[1:6]
        start_at = datetime.fromisoformat(start).astimezone(UTC)
        result = asyncio.run(station_terminal(db_file, station, badge, int(scans), start_at))
    else:
        raise SystemExit(f"unknown probe {mode!r}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
