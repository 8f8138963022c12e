"""Driving bench/app_probe.py in fresh processes, and what its runs come to."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.timing import figure

PROBE = Path(__file__).with_name("app_probe.py")
ROOT = PROBE.parents[1]
TIMEOUT_S = 120


def _probe(args: list[str]) -> tuple[float, dict[str, Any]]:
    """Start the probe; the moment it was started and its JSON answer."""
    env = dict(os.environ)
    env.pop("TEXTUAL", None)  # no devtools, no debug features: the terminal as the floor runs it
    started = time.time()
    done = subprocess.run(
        [sys.executable, str(PROBE), *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        cwd=ROOT,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"app probe {args[0]} failed: {done.stderr.strip()[-2000:]}")
    return started, json.loads(done.stdout.strip().splitlines()[-1])


def station_runs(
    db_file: Path, station: str, badge: str, runs: int, scans: int, start: datetime
) -> dict[str, Any]:
    """Cold starts of the station terminal; the last run also scans ``scans`` cars and opens more views.

    Each run is a fresh process on the same file; only the last one writes. An empty Textual
    app starts before each run, so that the floor and the terminal meet the same machine (on
    a shared one, the empty app alone has taken from 170 to 260 ms from one minute to the next).
    """
    empty: list[float] = []
    cold: list[float] = []
    open_: list[float] = []
    last: dict[str, Any] = {}
    for run in range(runs):
        count = scans if run == runs - 1 else 0
        floor_started, floor_answer = _probe(["empty"])
        empty.append((floor_answer["ready_at"] - floor_started) * 1000)
        started, answer = _probe(["station", str(db_file), station, badge, str(count), start.isoformat()])
        cold.append((answer["ready_at"] - started) * 1000)
        open_.append((answer["open_at"] - started) * 1000)
        last = answer
    scan_ms = [s["ms"] for s in last.get("scans", [])]
    kinds: dict[str, int] = {}
    for s in last.get("scans", []):
        kinds[s["kind"]] = kinds.get(s["kind"], 0) + 1
    return {
        "cold_start": figure(cold),
        "empty_app_start": figure(empty),
        "cold_open": figure(open_),
        "enter_to_result": figure(scan_ms) if scan_ms else None,
        "scan_outcomes": kinds,
        "ready_rss_mb": round(last["ready_rss_mb"], 1),
        "open_rss_mb": round(last["open_rss_mb"], 1),
        "after_scans_rss_mb": round(last["after_scans_rss_mb"], 1),
        "peak_rss_mb": round(last["peak_rss_mb"], 1),
    }
