"""Views that switch at once: each view's key → the view shown with its data, first time and again.

Measured in the app itself, headless (Textual's pilot, ``run_test``): the clock starts when the
key is pressed and stops once the view is the current screen, its worker has filled it (the
view sets ``loaded_marker`` when it shows what it read) and a frame has been drawn
(``pilot.pause()``). "First" is the view's first opening in a fresh app (the screen is built,
its module imported if it was not, its data read); "warm" is every later switch to it.

Every figure has two floors measured in the same run, on the same machine state: a minimal
Textual app switching between two screens that each show a small table, and one answering
Enter in its input with a label. The targets (p95 < 100 ms warm, < 250 ms first) are read
in milliseconds and as ratios to those floors (docs/performance.md).

    .venv/bin/python bench/view_switch.py FILE.db [FILE.db ...]   # prints JSON
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.timing import Figure, figure  # noqa: E402

# The views a supervisor flips between, by key, and how many times each is timed.
VIEWS = (("f6", "board"), ("f11", "quality"), ("f12", "dashboard"), ("f5", "station"))
FIRST_RUNS = 5
WARM_ROUNDS = 15
FLOOR_RUNS = 40
SIZE = (120, 40)
STATION, BADGE = "TRIM1", "1002"
TIMEOUT_S = 30.0


async def _until(pilot: Any, ready: Callable[[], bool]) -> None:
    """Let the app work until ``ready()``; then one more pause, for the frame that shows it."""
    deadline = time.perf_counter() + TIMEOUT_S
    while not ready():
        if time.perf_counter() > deadline:
            raise TimeoutError("the view did not show its data in time")
        await pilot.pause()
    await pilot.pause()


def _shown(app: Any, name: str) -> Callable[[], bool]:
    from neofloor.tui.screens import floor_view

    wanted = floor_view(name).screen.rsplit(":", 1)[1]

    def check() -> bool:
        screen = app.screen
        return type(screen).__name__ == wanted and getattr(screen, "loaded_marker", None) is not None

    return check


async def _one_app(
    db_file: Path, now: datetime, warm_rounds: int
) -> tuple[dict[str, float], dict[str, list[float]]]:
    from neofloor.tui.app import NeofloorApp

    app = NeofloorApp(f"sqlite:///{db_file}", station=STATION, operator_badge=BADGE, clock=lambda: now)
    first: dict[str, float] = {}
    warm: dict[str, list[float]] = {name: [] for _, name in VIEWS}
    async with app.run_test(size=SIZE) as pilot:
        # The badge given at start is asked its PIN (the demo's PIN is the badge) before the station shows.
        asking_pin = lambda: type(app.screen).__name__ == "SignInDialog" and app.screen.badge is not None  # noqa: E731
        await _until(pilot, asking_pin)
        await pilot.press(*BADGE, "enter")
        await _until(pilot, lambda: app.catalog is not None and _shown(app, "station")())
        await app.workers.wait_for_complete()
        for round_ in range(warm_rounds + 1):
            for key, name in VIEWS:
                began = time.perf_counter()
                await pilot.press(key)
                await _until(pilot, _shown(app, name))
                ms = (time.perf_counter() - began) * 1000
                if round_ == 0 and name not in first and name != "station":
                    first[name] = ms
                else:
                    warm[name].append(ms)
                # What the view started (its reloads) ends before the next key, as a person reads it.
                await app.workers.wait_for_complete()
    return first, warm


async def _floor_tables(runs: int) -> list[float]:
    from textual.app import App, ComposeResult
    from textual.screen import Screen
    from textual.widgets import DataTable

    class TableScreen(Screen[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Station", "Car", "Since")
            for n in range(12):
                table.add_row(f"ST{n}", f"VIN{n:014d}", f"{n:02d}:00")

    class TwoScreens(App[None]):
        MODES = {"one": TableScreen, "two": TableScreen}  # noqa: RUF012
        BINDINGS = [("f1", "switch_mode('one')"), ("f2", "switch_mode('two')")]  # noqa: RUF012

        def on_mount(self) -> None:
            self.switch_mode("one")

    samples: list[float] = []
    app = TwoScreens()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for n in range(runs + 2):
            key, mode = ("f2", "two") if n % 2 == 0 else ("f1", "one")
            began = time.perf_counter()
            await pilot.press(key)
            await _until(pilot, lambda mode=mode: app.current_mode == mode)  # type: ignore[misc]
            if n >= 2:
                samples.append((time.perf_counter() - began) * 1000)
    return samples


async def _floor_enter(runs: int) -> list[float]:
    from textual.app import App, ComposeResult
    from textual.widgets import Input, Label

    class Answer(App[None]):
        answered = 0

        def compose(self) -> ComposeResult:
            yield Input()
            yield Label("")

        def on_input_submitted(self, event: Input.Submitted) -> None:
            self.answered += 1
            self.query_one(Label).update(f"{event.value}: done")
            event.input.clear()

    samples: list[float] = []
    app = Answer()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for n in range(runs + 2):
            app.query_one(Input).value = f"ENF{n:014d}"
            before = app.answered
            began = time.perf_counter()
            await pilot.press("enter")
            await _until(pilot, lambda before=before: app.answered > before)  # type: ignore[misc]
            if n >= 2:
                samples.append((time.perf_counter() - began) * 1000)
    return samples


def _ratio(value: Figure, floor: Figure) -> dict[str, float]:
    return {
        "median_x_floor": round(value.median / floor.median, 2) if floor.median else 0.0,
        "p95_x_floor": round(value.p95 / floor.p95, 2) if floor.p95 else 0.0,
    }


def measure_view_switches(db_file: Path, now: datetime, *, quick: bool = False) -> dict[str, dict[str, Any]]:
    """The ``view_switch_*`` figures of one plant, with their floors and ratios to them.

    ``quick``: one app and a few switches (the benchmark's smoke test).
    """
    runs = (1, 1, 4) if quick else (FIRST_RUNS, WARM_ROUNDS, FLOOR_RUNS)
    return asyncio.run(_measure(db_file, now, *runs))


async def _measure(
    db_file: Path, now: datetime, first_runs: int, warm_rounds: int, floor_runs: int
) -> dict[str, dict[str, Any]]:
    table_floor = figure(await _floor_tables(floor_runs))
    enter_floor = figure(await _floor_enter(floor_runs))
    firsts: dict[str, list[float]] = {name: [] for _, name in VIEWS if name != "station"}
    warms: dict[str, list[float]] = {name: [] for _, name in VIEWS}
    for run in range(first_runs):
        first, warm = await _one_app(db_file, now, warm_rounds if run == 0 else 0)
        for name, ms in first.items():
            firsts[name].append(ms)
        for name, values in warm.items():
            warms[name].extend(values)
    out: dict[str, dict[str, Any]] = {
        "view_switch_floor_two_tables": table_floor.as_dict(),
        "view_switch_floor_enter": enter_floor.as_dict(),
    }
    for name, values in firsts.items():
        fig = figure(values)
        out[f"view_switch_first_{name}"] = {**fig.as_dict(), **_ratio(fig, table_floor)}
    for name, values in warms.items():
        if values:
            fig = figure(values)
            out[f"view_switch_warm_{name}"] = {**fig.as_dict(), **_ratio(fig, table_floor)}
    return out


def main(argv: list[str]) -> int:
    from bench.measure import plant_end

    os.environ.pop("NEOFLOOR_SQLITE_SYNCHRONOUS", None)
    results = {}
    for name in argv:
        path = Path(name)
        results[path.name] = measure_view_switches(path, plant_end(path) + timedelta(hours=3))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
