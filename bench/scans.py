"""Scans committed as the app commits them, beside the same scans by hand on raw sqlite3.

Cars from the planned backlog are scanned in and out of every station of the
route (start, then complete), one scan of the service and one raw scan in turn,
so both sides see the same disk, the same load and the same growing WAL. Before a
completion at a station that captures serials, the car's serials are captured (not
timed): the timed completion then pays for the check that they are there, as on the floor.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from bench.floor import RawFloor
from bench.timing import Figure, figure
from neofloor.store.engine import Database

# Who scans at each station (certified there in the demo plant).
BADGES = {
    "BODY": "1001",
    "PAINT": "1001",
    "TRIM1": "1002",
    "TRIM2": "1002",
    "CHASSIS": "1003",
    "FINAL": "1003",
    "EOL": "1004",
    "WATER": "1004",
    "QG": "2001",
}
SCAN_GAP = timedelta(seconds=6)  # more than the double-scan window between two scans of a car
# Serial numbers of the parts the benchmark fits: far above the generated plant's (one per car).
BENCH_SERIALS_FROM = 2_500_000


def route(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [
            code
            for (code,) in conn.execute(
                "SELECT code FROM station WHERE kind IN ('work', 'test', 'quality_gate') ORDER BY position"
            )
        ]
    finally:
        conn.close()


def backlog(path: Path, count: int) -> list[str]:
    """The first ``count`` planned cars, in build order."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT vin FROM vehicle WHERE state = 'planned' ORDER BY build_seq LIMIT ?", (count,)
        ).fetchall()
    finally:
        conn.close()
    if len(rows) < count:
        raise RuntimeError(f"the plant has {len(rows)} planned cars; the scan benchmark needs {count}")
    return [vin for (vin,) in rows]


def measure_scans(
    db: Database, raw: RawFloor, path: Path, per_side: int, start: datetime
) -> tuple[dict[str, Figure], bool]:
    """``per_side`` scans by ``record_scan`` in ``db.write()``, as many raw and as many lean, in turn.

    Also whether the lean twin (bench/lean.py) left its cars as the service left its own.
    """
    from bench import lean
    from neofloor.demo.delivery import SERIALS
    from neofloor.services.delivery.components import capture_component, parts_needed
    from neofloor.services.scan import record_scan

    stations = route(path)
    steps = [(code, action) for code in stations for action in ("start", "complete")]
    cars_per_side = -(-(per_side + 1) // len(steps))
    cars = backlog(path, 3 * cars_per_side)

    def service(code: str, vin: str, badge: str, now: datetime) -> None:
        with db.write() as session:
            record_scan(session, code, vin, badge, "bench", now=now)

    def lean_twin(code: str, vin: str, badge: str, now: datetime) -> None:
        with db.write() as session:
            lean.record_scan(session, code, vin, badge, "bench", now)

    def by_hand(code: str, vin: str, badge: str, now: datetime) -> None:
        raw.record_scan(code, vin, badge, "bench", now)

    serial_numbers = iter(range(BENCH_SERIALS_FROM, BENCH_SERIALS_FROM + 1_000_000))

    def fit(code: str, vin: str, now: datetime) -> None:
        """The serials the station asks for, captured before the completing scan (not timed)."""
        with db.write() as session:
            for part in parts_needed(session, vin, code):
                serial = SERIALS[part.code](next(serial_numbers), now.year)
                capture_component(session, vin, part.code, serial, BADGES[code], now=now)

    sides: dict[str, tuple[list[str], Callable[[str, str, str, datetime], None]]] = {
        "record_scan": (cars[0::3], service),
        "record_scan_raw": (cars[1::3], by_hand),
        "lean_record_scan": (cars[2::3], lean_twin),
    }
    samples: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in sides}
    now = start
    wanted = per_side + 1  # the first scan of each side pays for imports and caches: a warm-up
    for code, action in steps:
        badge = BADGES[code]
        for car_index in range(cars_per_side):
            if len(samples["record_scan"][0]) >= wanted:
                break
            for name, (vins, scan) in sides.items():
                now += SCAN_GAP
                if action == "complete":
                    fit(code, vins[car_index], now)
                wall, cpu = samples[name]
                began, began_cpu = time.perf_counter(), time.thread_time()
                scan(code, vins[car_index], badge, now)
                wall.append((time.perf_counter() - began) * 1000)
                cpu.append((time.thread_time() - began_cpu) * 1000)
    figures = {name: figure(wall[1:], cpu[1:]) for name, (wall, cpu) in samples.items()}
    return figures, _same_outcome(path, sides["record_scan"][0], sides["lean_record_scan"][0])


def _same_outcome(path: Path, service_vins: list[str], lean_vins: list[str]) -> bool:
    """Each lean car is where its service twin is, with as many events and visits."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:

        def story(vin: str) -> tuple[object, ...]:
            return conn.execute(
                "SELECT state, station_id, last_scan_station_id, first_start_at IS NOT NULL, "
                "(SELECT count(*) FROM station_event WHERE vehicle_id = vehicle.id), "
                "(SELECT count(*) FROM station_visit "
                "WHERE vehicle_id = vehicle.id AND completed_at IS NOT NULL), "
                "last_event_id = (SELECT max(id) FROM station_event WHERE vehicle_id = vehicle.id) "
                "FROM vehicle WHERE vin = ?",
                (vin,),
            ).fetchone()

        return all(story(a) == story(b) for a, b in zip(service_vins, lean_vins, strict=True))
    finally:
        conn.close()
