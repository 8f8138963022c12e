"""A big plant's scale: PostgreSQL with 400,000 cars a year for two years, 30 terminals scanning at once.

    make bench-scale      # a server: NEOFLOOR_BENCH_POSTGRES_URL (else NEOFLOOR_TEST_POSTGRES_URL)
    python bench/scale.py --cars-per-year 20000 --years 1    # a quick run

Figures (written to bench/scale_results.json and printed as the table of docs/performance.md):

- one terminal scanning alone: every scan's time from opening the write to its commit;
- 30 terminal processes scanning at once, each its own cars through the whole route, started
  together: the same figure over every scan of every process, and every error counted; twice:
  back to back (the store's throughput) and paced (each terminal pausing about a second after
  each scan, about 40 times a real line's rate);
- the floor's reads on the big plant: a station's queue, the line board, a car's history;
- the same writers test on SQLite with 10 processes, on a generated plant in a file.

Targets (issue 13): single scan p99 < 10 ms; p99 < 30 ms with 30 writers and zero errors; queue,
board and history p95 < 5 ms; SQLite with 10 writers: zero errors, p99 < 50 ms. The machine's
cores are shared: the figures say how many there were and what else ran.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from neofloor.demo.delivery import SERIALS  # noqa: E402
from neofloor.demo.generator import generate_demo_plant  # noqa: E402
from neofloor.demo.server import generate_demo_plant_at  # noqa: E402
from neofloor.demo.spec import DemoSpec  # noqa: E402
from neofloor.services.delivery.components import capture_component, parts_needed  # noqa: E402
from neofloor.services.scan import record_scan  # noqa: E402
from neofloor.services.tracking.floor import line_board, station_queue  # noqa: E402
from neofloor.services.tracking.history import vehicle_history  # noqa: E402
from neofloor.services.tracking.scans import prepare_scans  # noqa: E402
from neofloor.store.engine import Database  # noqa: E402

RESULTS = ROOT / "bench" / "scale_results.json"
SEED = 2023
SUPERVISOR = "3001"  # scans at every station
# Serial numbers the terminals capture: above every demo plant's (as in bench/scans.py).
BENCH_SERIALS_FROM = 2_500_000
BENCH_SERIALS_SPAN = 500_000  # the engine's seven digits end at 3,000,000
SCAN_GAP = timedelta(seconds=6)  # more than the double-scan window between two scans of a car
BENCH_DATABASE = "neofloor_bench_scale"
# A paced terminal's mean pause between scans. The 400,000-car plant's takt is about 36 s and a
# station scans twice a takt: one scan a second at each of 30 terminals is about 40 times the
# whole line's real rate, every terminal busy at once.
PACE_S = 1.0


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50, p95, p99 and max of ``samples`` (seconds), in milliseconds."""
    ordered = sorted(samples)
    if not ordered:
        return {"n": 0}

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {"n": len(ordered), "p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": at(1.0)}


# --- the plant -------------------------------------------------------------------------------


def server_url() -> str:
    maintenance = os.environ.get("NEOFLOOR_BENCH_POSTGRES_URL")
    maintenance = maintenance or os.environ.get("NEOFLOOR_TEST_POSTGRES_URL")
    if not maintenance:
        raise SystemExit(
            "bench-scale needs a PostgreSQL server: set NEOFLOOR_BENCH_POSTGRES_URL="
            "postgresql+psycopg://USER@HOST:PORT/postgres (a role that may create databases)."
        )
    return maintenance


def plant_on_server(maintenance: str, years: float, cars_per_year: int) -> tuple[str, float | None]:
    """The bench plant's URL, generated unless a plant of that size is there already; its load time."""
    import psycopg

    name = f"{BENCH_DATABASE}_{cars_per_year}_{int(years * 365)}"
    url = make_url(maintenance).set(database=name).render_as_string(hide_password=False)
    admin_url = make_url(maintenance).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    if exists:
        database = Database(url, upgrade=False)
        with database.read() as session:
            has_plant = session.execute(text("SELECT to_regclass('public.vehicle') IS NOT NULL")).scalar()
            cars = session.execute(text("SELECT count(*) FROM vehicle")).scalar() if has_plant else 0
        database.dispose()
        if cars:
            return url, None
    began = time.perf_counter()
    print(generate_demo_plant_at(url, DemoSpec(seed=SEED, days=int(years * 365), cars_per_year=cars_per_year),
                                 force=True), flush=True)  # fmt: skip
    return url, time.perf_counter() - began


def plant_in_file(folder: Path, years: float, cars_per_year: int) -> str:
    path = folder / "scale.db"
    print(generate_demo_plant(path, DemoSpec(seed=SEED, days=int(years * 365), cars_per_year=cars_per_year)))
    return f"sqlite:///{path}"


def backlog(url: str, count: int) -> list[str]:
    """The first ``count`` planned cars, in build order (the cars the terminals scan)."""
    database = Database(url)
    with database.read() as session:
        rows = session.execute(
            text("SELECT vin FROM vehicle WHERE state = 'planned' ORDER BY build_seq LIMIT :n"), {"n": count}
        ).all()
    database.dispose()
    if len(rows) < count:
        raise SystemExit(f"the plant has {len(rows)} planned cars; the benchmark needs {count}")
    return [vin for (vin,) in rows]


def route(url: str) -> list[str]:
    database = Database(url)
    with database.read() as session:
        codes = session.execute(
            text("SELECT code FROM station WHERE kind IN ('work', 'test', 'quality_gate') ORDER BY position")
        ).all()
    database.dispose()
    return [code for (code,) in codes]


# --- a terminal scanning ---------------------------------------------------------------------


def fit(database: Database, station: str, vin: str, now: datetime) -> None:
    """The serials the station asks for, captured before its completing scan.

    Numbered by the car's id, above every demo plant's serials and within each part's format
    (a cached plant is scanned again by later runs: each run's cars are new ones).
    """
    with database.write() as session:
        car = session.execute(text("SELECT id FROM vehicle WHERE vin = :vin"), {"vin": vin}).scalar_one()
        number = BENCH_SERIALS_FROM + car % BENCH_SERIALS_SPAN
        for part in parts_needed(session, vin, station):
            serial = SERIALS[part.code](number, now.year)
            capture_component(session, vin, part.code, serial, SUPERVISOR, now=now)


def terminal(args: tuple[str, list[str], list[str], int, float, Any, Any]) -> dict[str, Any]:
    """One terminal process: its cars through the route, start and complete; every scan timed.

    ``pace`` is the mean pause after each scan, in seconds (drawn between half and one and a half
    of it, so the terminals drift apart as people do); 0 scans back to back.
    """
    url, vins, stations, number, pace, ready, go = args
    rng = random.Random(SEED + number)
    database = Database(url)
    with database.read() as session:  # connect, read the catalog, compile the scan, as the app does idle
        station_queue(session, stations[0])
        prepare_scans(session)
    ready.wait()
    go.wait()
    if pace:  # people do not scan at the same instant: each terminal's first scan within one pause
        time.sleep(rng.uniform(0, pace))
    times: list[float] = []
    errors: list[str] = []
    now = datetime.now(UTC) + timedelta(days=1, minutes=number)
    for vin in vins:
        for station in stations:
            for step in ("start", "complete"):
                if step == "complete":
                    fit(database, station, vin, now)  # untimed, as bench/scans.py does
                began = time.perf_counter()
                try:
                    with database.write() as session:
                        record_scan(session, station, vin, SUPERVISOR, f"BENCH-{number}", now=now)
                except Exception as exc:
                    errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
                else:
                    times.append(time.perf_counter() - began)
                now += SCAN_GAP
                if pace:
                    time.sleep(rng.uniform(0.5, 1.5) * pace)
    database.dispose()
    return {"times": times, "errors": errors}


def writers(url: str, processes: int, cars_each: int, offset: int, pace: float = 0.0) -> dict[str, Any]:
    """``processes`` terminals scanning at once, each its own ``cars_each`` cars through the route.

    ``pace`` 0: every terminal scans back to back (the store's throughput, and on a machine with
    fewer cores than terminals, mostly the queue for the cores); ``pace`` > 0: every terminal
    pauses about that long after each scan, as a terminal on a line does, only much faster.
    """
    stations = route(url)
    vins = backlog(url, offset + processes * cars_each)[offset:]
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        ready = manager.Barrier(processes)
        go = manager.Event()
        jobs = [
            (url, vins[n * cars_each : (n + 1) * cars_each], stations, n, pace, ready, go)
            for n in range(processes)
        ]
        with context.Pool(processes) as pool:
            pending = pool.map_async(terminal, jobs)
            time.sleep(2)  # every process connected and waiting on the barrier
            began = time.perf_counter()
            go.set()
            results = pending.get(timeout=3600)
            wall = time.perf_counter() - began
    times = [t for r in results for t in r["times"]]
    errors = [e for r in results for e in r["errors"]]
    return {
        "processes": processes,
        "pace_s": pace,
        "scans": len(times),
        "errors": len(errors),
        "first_errors": errors[:5],
        "scans_per_second": round(len(times) / wall, 1),
        "latency_ms": percentiles(times),
    }


def reads(url: str, rounds: int) -> dict[str, Any]:
    """The floor's reads on the plant, each timed in its own read unit of work, as a terminal reads."""
    database = Database(url)
    rng = random.Random(SEED)
    stations = route(url)
    with database.read() as session:
        vins = [v for (v,) in session.execute(text("SELECT vin FROM vehicle ORDER BY id"))]
    figures: dict[str, list[float]] = {"queue": [], "board": [], "history": []}
    for _ in range(rounds):
        for name in figures:
            began = time.perf_counter()
            with database.read() as session:
                if name == "queue":
                    station_queue(session, rng.choice(stations))
                elif name == "board":
                    line_board(session)
                else:
                    vehicle_history(session, rng.choice(vins))
            figures[name].append(time.perf_counter() - began)
    database.dispose()
    return {name: percentiles(samples) for name, samples in figures.items()}


def server_settings(url: str) -> dict[str, str]:
    names = (
        "server_version", "shared_buffers", "work_mem", "effective_cache_size", "max_connections",
        "synchronous_commit", "fsync", "wal_level", "max_wal_size", "random_page_cost",
    )  # fmt: skip
    database = Database(url, upgrade=False)
    with database.read() as session:
        settings = {name: str(session.execute(text(f"SHOW {name}")).scalar()) for name in names}
    database.dispose()
    return settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--cars-per-year", type=int, default=400_000)
    parser.add_argument("--writers", type=int, default=30)
    parser.add_argument("--sqlite-writers", type=int, default=10)
    parser.add_argument("--cars-each", type=int, default=3, help="cars each writer takes through the route")
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--sqlite-cars-per-year", type=int, default=15_000)
    parser.add_argument("--parts", default="postgres,sqlite", help="stores to measure, comma-separated")
    parser.add_argument(
        "--pace", type=float, default=PACE_S, help="mean seconds between a paced terminal's scans (0: none)"
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))

    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "load_average_before": os.getloadavg(),
        "plant": {"years": args.years, "cars_per_year": args.cars_per_year},
    }
    if "postgres" in parts:
        url, load_seconds = plant_on_server(server_url(), args.years, args.cars_per_year)
        results["server"] = server_settings(url)
        database = Database(url)
        with database.read() as session:
            results["plant"]["cars"] = session.execute(text("SELECT count(*) FROM vehicle")).scalar()
            results["plant"]["events"] = session.execute(text("SELECT count(*) FROM station_event")).scalar()
            results["plant"]["in_plant"] = session.execute(
                text("SELECT count(*) FROM vehicle WHERE state NOT IN ('finished', 'delivered')")
            ).scalar()
        database.dispose()
        results["plant"]["load_seconds"] = load_seconds and round(load_seconds, 1)
        print(f"plant: {results['plant']}", flush=True)

        results["postgres_single"] = writers(url, 1, args.cars_each * 2, 0)
        print("single:", results["postgres_single"], flush=True)
        results["postgres_writers"] = writers(url, args.writers, args.cars_each, args.cars_each * 2)
        print("writers:", results["postgres_writers"], flush=True)
        if args.pace:
            offset = args.cars_each * (2 + args.writers)
            results["postgres_writers_paced"] = writers(url, args.writers, args.cars_each, offset, args.pace)
            print("writers, paced:", results["postgres_writers_paced"], flush=True)
        results["postgres_reads"] = reads(url, args.reads)
        print("reads:", results["postgres_reads"], flush=True)

    if "sqlite" in parts:
        with tempfile.TemporaryDirectory(prefix="neofloor-scale-") as folder:
            sqlite_url = plant_in_file(Path(folder), 1, args.sqlite_cars_per_year)
            results["sqlite_writers"] = writers(sqlite_url, args.sqlite_writers, args.cars_each, 0)
            print("sqlite writers:", results["sqlite_writers"], flush=True)
            if args.pace:
                offset = args.cars_each * args.sqlite_writers
                paced = writers(sqlite_url, args.sqlite_writers, args.cars_each, offset, args.pace)
                results["sqlite_writers_paced"] = paced
                print("sqlite writers, paced:", paced, flush=True)
    results["load_average_after"] = os.getloadavg()
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
