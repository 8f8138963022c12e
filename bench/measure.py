"""What the floor and the office read, timed on one plant, beside the raw-sqlite3 floor.

Each figure is the unit of work the app does: open a read session, call the
service, close it (``with db.read() as s: service(s, ...)``). The raw floor runs
the same statements on a plain ``sqlite3`` connection.
"""

from __future__ import annotations

import math
import random
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event

from bench.floor import RawFloor
from bench.recall import cars_through_station, cars_with_defect
from bench.timing import Figure, figure, time_calls
from neofloor.demo.generator import DEMO_END_LOCAL
from neofloor.store.engine import Database

QUEUE_STATION = "BODY"  # the longest queue: the planned backlog waits there
RECALL_DAYS = 180
RECALL_STATION = "CHASSIS"
RECALL_MODEL = "C1E"
PARETO_DAYS = 365
TREND_DAYS = 30


@dataclass(frozen=True)
class Reps:
    """How many timed runs each kind of figure gets (the benchmark's time stays bounded)."""

    floor: int = 300  # queue, board, history (and their raw floors)
    dashboard: int = 40
    trend: int = 15
    report: int = 10  # recall, Pareto
    scans: int = 240  # per side (service and raw), interleaved
    cold_starts: int = 7
    pilot_scans: int = 60
    holds: int = 5  # a recall hold of 1,000 cars, each on a yard reset to the same state

    @classmethod
    def quick(cls) -> Reps:
        return cls(floor=5, dashboard=2, trend=2, report=2, scans=8, cold_starts=1, pilot_scans=3, holds=1)


def plant_end(path: Path) -> datetime:
    """When the plant's history ends (the generator's end, in the plant's time zone), in UTC."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        zone = conn.execute("SELECT value FROM plant_setting WHERE key = 'timezone'").fetchone()[0]
    finally:
        conn.close()
    return DEMO_END_LOCAL.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def sample_vins(path: Path, count: int, seed: int = 7) -> list[str]:
    """VINs spread evenly at random over the whole history (old cars and new)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        top = conn.execute("SELECT max(id) FROM vehicle").fetchone()[0]
        rng = random.Random(seed)
        ids = [rng.randint(1, top) for _ in range(count)]
        by_id = dict(
            conn.execute(
                f"SELECT id, vin FROM vehicle WHERE id IN ({','.join('?' * len(ids))})", ids
            ).fetchall()
        )
    finally:
        conn.close()
    return [by_id[i] for i in ids]


def sample_serials(path: Path, count: int, seed: int = 11) -> list[str]:
    """Component serials spread evenly at random over the whole history."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        top = conn.execute("SELECT max(id) FROM fitted_component").fetchone()[0] or 0
        rng = random.Random(seed)
        ids = [rng.randint(1, top) for _ in range(count)] if top else []
        serials = [
            serial
            for (serial,) in conn.execute(
                f"SELECT serial FROM fitted_component WHERE id IN ({','.join('?' * len(ids))})", ids
            )
        ]
    finally:
        conn.close()
    return serials


def _read(db: Database, service: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[int], object]:
    def call(_i: int) -> object:
        with db.read() as session:
            return service(session, *args, **kwargs)

    return call


def measure_reads(
    db: Database,
    raw: RawFloor,
    path: Path,
    reps: Reps,
    *,
    deadline: list[float] | None = None,
    limit_ms: float = math.inf,
) -> dict[str, Figure | str]:
    """Every read figure of one plant, service and raw floor.

    A service that fails (the tree is worked on while the benchmark runs) gives
    the error's text in place of its figure; the others are still measured. With
    a ``deadline`` (see :func:`measure_without_statistics`), each call may run
    ``limit_ms`` before it is interrupted.
    """
    from neofloor.services.delivery.components import find_serial
    from neofloor.services.delivery.yard import yard_list
    from neofloor.services.metrics.line_status import line_status
    from neofloor.services.metrics.summary import shift_summary
    from neofloor.services.metrics.trend import trend
    from neofloor.services.plant.catalog import plant_catalog
    from neofloor.services.quality.reports import defect_pareto
    from neofloor.services.tracking.floor import line_board, station_queue
    from neofloor.services.tracking.history import vehicle_history

    end = plant_end(path)
    with db.read() as session:
        zone = ZoneInfo(plant_catalog(session).timezone)
    today = end.astimezone(zone).date()
    vins = sample_vins(path, max(reps.floor, 10) + 3)
    recall_end = end - timedelta(days=30)
    recall_start = recall_end - timedelta(days=RECALL_DAYS)
    code = most_found_defect(path)

    def history(i: int) -> object:
        with db.read() as session:
            return vehicle_history(session, vins[i % len(vins)])

    serials = sample_serials(path, max(reps.floor, 10) + 3) or ["NONE"]

    def serial_search(i: int) -> object:
        with db.read() as session:
            return find_serial(session, serials[i % len(serials)])

    plan: list[tuple[str, Callable[[int], object], int]] = [
        ("station_queue", _read(db, station_queue, QUEUE_STATION), reps.floor),
        ("station_queue_raw", lambda _i: raw.station_queue(QUEUE_STATION), reps.floor),
        ("line_board", _read(db, line_board), reps.floor),
        ("line_board_raw", lambda _i: raw.line_board(), reps.floor),
        ("line_status", _read(db, line_status, now=end), reps.floor),
        ("vehicle_history", history, reps.floor),
        ("vehicle_history_raw", lambda i: raw.vehicle_history(vins[i % len(vins)]), reps.floor),
        ("component_by_serial", serial_search, reps.floor),
        ("component_by_serial_raw", lambda i: raw.component_by_serial(serials[i % len(serials)]), reps.floor),
        ("yard_list", _read(db, yard_list, now=end), reps.floor),
        ("yard_list_raw", lambda _i: raw.yard_list(), reps.floor),
        ("shift_dashboard", _read(db, shift_summary, today, "A", now=end), reps.dashboard),
        (
            "trend_30_days",
            _read(db, trend, today - timedelta(days=TREND_DAYS - 1), today, now=end),
            reps.trend,
        ),
        (
            "recall_station",
            _read(db, cars_through_station, RECALL_MODEL, RECALL_STATION, recall_start, recall_end),
            reps.report,
        ),
        ("recall_defect", _read(db, cars_with_defect, code, recall_start, recall_end), reps.report),
        ("pareto_year", _read(db, defect_pareto, end - timedelta(days=PARETO_DAYS), end), reps.report),
    ]
    figures: dict[str, Figure | str] = {}
    for name, call, repeat in plan:
        if deadline is not None:
            call = _bounded(call, deadline, limit_ms)
        try:
            figures[name] = time_calls(call, repeat, warmup=1 if deadline is not None else 3)
        except TooSlow:
            figures[name] = f"over {limit_ms:.0f} ms: interrupted"
        except Exception as exc:
            figures[name] = f"{type(exc).__name__}: {exc}"
    return figures


class TooSlow(Exception):
    """A call ran past its deadline and SQLite was interrupted."""


def _bounded(
    call: Callable[[int], object], deadline: list[float], limit_ms: float
) -> Callable[[int], object]:
    def bounded(i: int) -> object:
        deadline[0] = time.perf_counter() + limit_ms / 1000
        try:
            return call(i)
        except Exception as exc:
            if "interrupted" in str(exc):
                raise TooSlow from exc
            raise
        finally:
            deadline[0] = math.inf

    return bounded


def most_found_defect(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(
            conn.execute(
                "SELECT defect_catalog.code FROM defect "
                "JOIN defect_catalog ON defect_catalog.id = catalog_id "
                "GROUP BY catalog_id ORDER BY count(*) DESC, catalog_id LIMIT 1"
            ).fetchone()[0]
        )
    finally:
        conn.close()


def statements_of(db: Database, call: Callable[[], object]) -> list[tuple[str, tuple[Any, ...]]]:
    """The SQL statements (and parameters) a call sends to the database."""
    seen: list[tuple[str, tuple[Any, ...]]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        seen.append((statement, tuple(parameters) if isinstance(parameters, (list, tuple)) else ()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen


def query_plans(db: Database, path: Path, call: Callable[[], object]) -> list[dict[str, Any]]:
    """EXPLAIN QUERY PLAN of every SELECT a call makes (to show which index each one walks)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    plans = []
    try:
        for statement, parameters in statements_of(db, call):
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            rows = conn.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
            plans.append({"sql": statement, "params": parameters, "plan": [row[-1] for row in rows]})
    finally:
        conn.close()
    return plans


def figure_plans(db: Database, path: Path) -> dict[str, list[dict[str, Any]]]:
    """The query plans of every read figure's service calls, each statement once."""
    from neofloor.services.metrics.line_status import line_status
    from neofloor.services.metrics.summary import shift_summary
    from neofloor.services.metrics.trend import trend
    from neofloor.services.quality.reports import defect_pareto
    from neofloor.services.tracking.floor import line_board, station_queue
    from neofloor.services.tracking.history import vehicle_history

    end = plant_end(path)
    today = end.date()
    window = (end - timedelta(days=30 + RECALL_DAYS), end - timedelta(days=30))
    from neofloor.services.delivery.components import find_serial
    from neofloor.services.delivery.yard import yard_list

    vin = sample_vins(path, 1)[0]
    serial = (sample_serials(path, 1) or ["NONE"])[0]
    calls: dict[str, Callable[[Any], object]] = {
        "component_by_serial": lambda s: find_serial(s, serial),
        "yard_list": lambda s: yard_list(s, now=end),
        "station_queue": lambda s: station_queue(s, QUEUE_STATION),
        "line_board": line_board,
        "line_status": lambda s: line_status(s, now=end),
        "vehicle_history": lambda s: vehicle_history(s, vin),
        "shift_dashboard": lambda s: shift_summary(s, today, "A", now=end),
        "trend_30_days": lambda s: trend(s, today - timedelta(days=TREND_DAYS - 1), today, now=end),
        "recall_station": lambda s: cars_through_station(s, RECALL_MODEL, RECALL_STATION, *window),
        "recall_defect": lambda s: cars_with_defect(s, most_found_defect(path), *window),
        "pareto_year": lambda s: defect_pareto(s, end - timedelta(days=PARETO_DAYS), end),
    }
    plans: dict[str, list[dict[str, Any]]] = {}
    for name, call in calls.items():

        def unit(call: Callable[[Any], object] = call) -> None:
            with db.read() as session:
                call(session)

        unique: dict[str, dict[str, Any]] = {}
        try:
            for plan in query_plans(db, path, unit):
                unique.setdefault(plan["sql"], plan)
        except Exception as exc:
            unique["error"] = {"sql": "", "params": (), "plan": [f"{type(exc).__name__}: {exc}"]}
        plans[name] = list(unique.values())
    return plans


def plans_changed(path: Path, plans: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The statements whose plan is different on ``path`` now (after its statistics were deleted)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    changed: dict[str, list[dict[str, Any]]] = {}
    try:
        for name, statements in plans.items():
            for entry in statements:
                if not entry["sql"]:
                    continue
                rows = conn.execute(f"EXPLAIN QUERY PLAN {entry['sql']}", entry["params"]).fetchall()
                now = [row[-1] for row in rows]
                if now != entry["plan"]:
                    changed.setdefault(name, []).append(
                        {
                            "sql": " ".join(entry["sql"].split()),
                            "with_statistics": entry["plan"],
                            "without": now,
                        }
                    )
    finally:
        conn.close()
    return changed


def measure_lean(db: Database, path: Path, reps: Reps) -> tuple[dict[str, Figure], dict[str, bool]]:
    """The lean twins of the floor's reads (bench/lean.py), and whether each gives the service's answer."""
    from bench import lean
    from neofloor.services.tracking.floor import line_board, station_queue
    from neofloor.services.tracking.history import vehicle_history

    vins = sample_vins(path, max(reps.floor, 10) + 3)
    with db.read() as session:
        board = line_board(session)
        lean_board = lean.line_board(session)
        history = vehicle_history(session, vins[0])
        lean_history = lean.vehicle_history(session, vins[0])
        columns = [
            (
                c.station.code,
                c.in_station,
                c.queue,
                c.in_station_count,
                c.queue_count,
                c.held_count,
                c.open_stop_since,
            )
            for c in board
        ]
        queue = station_queue(session, QUEUE_STATION)
        same = {
            "station_queue": queue == lean.station_queue(session, QUEUE_STATION),
            "line_board": columns == lean_board,
            "vehicle_history": (
                history.car == lean_history[0]
                and [e.id for e in history.events] == [e[0] for e in lean_history[4]]
                and len(history.stays) == len(lean_history[5])
                and [d.id for d in history.defects] == [d[0] for d in lean_history[6]]
            ),
        }

    def history_call(i: int) -> object:
        with db.read() as session:
            return lean.vehicle_history(session, vins[i % len(vins)])

    figures = {
        "lean_station_queue": time_calls(_read(db, lean.station_queue, QUEUE_STATION), reps.floor),
        "lean_line_board": time_calls(_read(db, lean.line_board), reps.floor),
        "lean_vehicle_history": time_calls(history_call, reps.floor),
    }
    return figures, same


def measure_without_statistics(path: Path, reps: Reps, limit_ms: float = 2000.0) -> dict[str, Figure | str]:
    """The reads again after the planner's statistics are deleted, as on a plant never ANALYZEd.

    The generator runs ANALYZE, and the store gathers statistics when it opens a
    plant without them, so the other figures always have them. These are opened
    without the store's upgrade step (which would gather them again): they show
    whether a query's plan still holds on a plant whose statistics are missing. A
    call still running after ``limit_ms`` is interrupted and the figure says so.
    """
    conn = sqlite3.connect(path)
    try:
        conn.execute("DELETE FROM sqlite_stat1")
        conn.commit()
    finally:
        conn.close()
    database = Database(f"sqlite:///{path}", upgrade=False)
    deadline = [math.inf]

    def interrupt_late(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_progress_handler(lambda: int(time.perf_counter() > deadline[0]), 20_000)

    event.listen(database.engine, "connect", interrupt_late)
    database.engine.dispose()  # connections made before the listener have no handler
    raw = RawFloor(path)
    slow = Reps(
        floor=max(1, reps.floor // 6),
        dashboard=max(1, reps.dashboard // 4),
        trend=max(1, reps.trend // 5),
        report=max(1, reps.report // 3),
    )
    figures: dict[str, Figure | str] = {}
    try:
        for name, figure_or_error in measure_reads(
            database, raw, path, slow, deadline=deadline, limit_ms=limit_ms
        ).items():
            if not name.endswith("_raw"):
                figures[name] = figure_or_error
    finally:
        raw.close()
        database.dispose()
    return figures


def measure_growth(paths: dict[str, Path], reps: Reps) -> dict[str, dict[str, Figure]]:
    """The floor's reads on every plant, taking turns call by call, for a fair growth figure.

    Measured one plant after another, a burst of load from the machine's other users
    lands on one plant's figures only. Taking turns in rounds of 50 calls still let a
    burst of a few hundred milliseconds fall on one plant's round and move its p95 by
    30%; taking turns at every call (the first plant changing each time) spreads any
    burst longer than a call over all of them. The reads do not write, so the cached
    plant files are used as they are.
    """
    from neofloor.services.metrics.line_status import line_status
    from neofloor.services.tracking.floor import line_board, station_queue
    from neofloor.services.tracking.history import vehicle_history

    warm_up = 2
    labels = list(paths)
    databases = {label: Database(f"sqlite:///{path}", upgrade=False) for label, path in paths.items()}
    vins = {label: sample_vins(path, reps.floor + warm_up + 3) for label, path in paths.items()}
    ends = {label: plant_end(path) for label, path in paths.items()}
    names = ("station_queue", "line_board", "line_status", "vehicle_history")
    samples: dict[str, dict[str, tuple[list[float], list[float]]]] = {
        label: {name: ([], []) for name in names} for label in paths
    }

    def reads(label: str) -> dict[str, Callable[[int], object]]:
        db = databases[label]

        def history(i: int) -> object:
            with db.read() as session:
                return vehicle_history(session, vins[label][i % len(vins[label])])

        return {
            "station_queue": _read(db, station_queue, QUEUE_STATION),
            "line_board": _read(db, line_board),
            "line_status": _read(db, line_status, now=ends[label]),
            "vehicle_history": history,
        }

    calls = {label: reads(label) for label in labels}
    try:
        for name in names:
            for i in range(reps.floor + warm_up):
                turn = i % len(labels)
                for label in labels[turn:] + labels[:turn]:
                    began, began_cpu = time.perf_counter(), time.thread_time()
                    calls[label][name](i)
                    if i < warm_up:
                        continue
                    wall, cpu = samples[label][name]
                    wall.append((time.perf_counter() - began) * 1000)
                    cpu.append((time.thread_time() - began_cpu) * 1000)
    finally:
        for db in databases.values():
            db.dispose()
    return {
        label: {name: figure(wall, cpu) for name, (wall, cpu) in by_name.items()}
        for label, by_name in samples.items()
    }
