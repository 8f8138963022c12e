"""The speed and memory benchmark: 1-, 3- and 10-year plants, every floor interaction timed.

    .venv/bin/python bench/run.py            # the full run (make bench), writes bench/results.json
    .venv/bin/python bench/run.py --quick    # a tiny plant, a few runs of everything (a smoke test)

Plants are generated once with ``neofloor demo`` and cached under bench/data/
(git-ignored); each measurement runs a fixed number of times on a fresh copy,
so a run's length is bounded. Not part of ``make test``: only the ``--quick``
smoke test is. docs/performance.md explains the figures and the targets.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import plants as plant_cache  # noqa: E402
from bench.app_runs import station_runs  # noqa: E402
from bench.floor import RawFloor  # noqa: E402
from bench.measure import (  # noqa: E402
    Reps,
    figure_plans,
    measure_growth,
    measure_lean,
    measure_reads,
    measure_without_statistics,
    plans_changed,
    plant_end,
)
from bench.report import table, unplanned_table, verdict_lines, verdicts  # noqa: E402
from bench.scans import measure_scans  # noqa: E402
from bench.view_switch import measure_view_switches  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"
YEARS = (1, 3, 10)
CARS_PER_YEAR = 15_000
TERMINAL_STATION, TERMINAL_BADGE = "BODY", "1001"


def machine() -> dict[str, Any]:
    """The facts a figure needs to be read against."""
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kb = int(meminfo.read_text().split("MemTotal:", 1)[1].split()[0])
        memory_gb = round(total_kb / 1024 / 1024, 1)
    versions: dict[str, str | None] = {}
    for package in ("textual", "sqlmodel", "sqlalchemy"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        **versions,
    }


def synchronous_level(path: Path) -> str:
    """The ``synchronous`` setting the store's connections actually run with."""
    from neofloor.store.engine import Database

    database = Database(f"sqlite:///{path}", upgrade=False)
    try:
        with database.engine.connect() as conn:
            level = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    finally:
        database.dispose()
    return {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(int(level or 0), str(level))


def measure_plant(plant: plant_cache.Plant, reps: Reps, data_dir: Path, *, with_app: bool,
                  with_plans: bool, quick: bool = False) -> dict[str, Any]:  # fmt: skip
    from neofloor.store.engine import Database

    print(f"measuring the {plant.label} plant ({plant.counts['vehicle']:,} cars)...", flush=True)
    work = plant_cache.working_copy(plant, data_dir)
    end = plant_end(work)
    database = Database(f"sqlite:///{work}")
    raw = RawFloor(work)
    result: dict[str, Any] = {
        "days": plant.days,
        "cars_per_year": plant.cars_per_year,
        "counts": plant.counts,
        "file_mb": plant.file_mb,
        "generated": {
            "wall_s": plant.generated_wall_s,
            "cpu_s": plant.generated_cpu_s,
            "summary": plant.summary,
            "cached": plant.reused,
        },
    }
    try:
        result["synchronous"] = synchronous_level(work)
        figures: dict[str, Any] = {}
        for name, figure in measure_reads(database, raw, work, reps).items():
            if isinstance(figure, str):
                result.setdefault("errors", {})[name] = figure
            else:
                figures[name] = figure.as_dict()
        try:
            lean, same = measure_lean(database, work, reps)
        except Exception as exc:
            result.setdefault("errors", {})["lean"] = f"{type(exc).__name__}: {exc}"
        else:
            figures.update({name: f.as_dict() for name, f in lean.items()})
            result["lean_matches_service"] = same
        scans, same_scan = measure_scans(database, raw, work, reps.scans, end + timedelta(hours=1))
        figures.update({name: f.as_dict() for name, f in scans.items()})
        result.setdefault("lean_matches_service", {})["record_scan"] = same_scan
        plans = figure_plans(database, work) if with_plans else None
        figures["generation"] = {"value": plant.generated_wall_s}
        if with_app:
            try:
                app = station_runs(
                    work, TERMINAL_STATION, TERMINAL_BADGE, reps.cold_starts, reps.pilot_scans,
                    end + timedelta(hours=3),
                )  # fmt: skip
            except Exception as exc:  # the app is someone else's; say why it could not be measured
                result["app_error"] = str(exc)
            else:
                figures["cold_start"] = app["cold_start"].as_dict()
                figures["empty_app_start"] = app["empty_app_start"].as_dict()
                figures["cold_open"] = app["cold_open"].as_dict()
                if app["enter_to_result"] is not None:
                    figures["enter_to_result"] = app["enter_to_result"].as_dict()
                figures["peak_rss"] = {"value": app["peak_rss_mb"]}
                kept = ("scan_outcomes", "ready_rss_mb", "open_rss_mb", "after_scans_rss_mb", "peak_rss_mb")
                result["app"] = {k: app[k] for k in kept}
                scans = sum(app["scan_outcomes"].values())
                result["app"]["pilot_scans"] = scans
                if scans:
                    grown = app["after_scans_rss_mb"] - app["open_rss_mb"]
                    result["app"]["rss_growth_per_scan_mb"] = round(grown / scans, 2)
            try:
                views = measure_view_switches(work, end + timedelta(hours=3), quick=quick)
            except Exception as exc:  # the screens are someone else's; say why they could not be measured
                result.setdefault("errors", {})["view_switch"] = f"{type(exc).__name__}: {exc}"
            else:
                figures.update(views)
        result["figures"] = figures
        # Last: it deletes the planner's statistics from this copy.
        unplanned: dict[str, Any] = {}
        for name, figure in measure_without_statistics(work, reps).items():
            unplanned[name] = figure if isinstance(figure, str) else figure.as_dict()
        result["without_statistics"] = unplanned
        if plans is not None:
            result["plans_changed_without_statistics"] = plans_changed(work, plans)
            result["query_plans"] = {
                name: [{"sql": " ".join(p["sql"].split()), "plan": p["plan"]} for p in entries]
                for name, entries in plans.items()
            }
    finally:
        raw.close()
        database.dispose()
        plant_cache.remove_database(work)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tiny plant and a few runs (smoke test)")
    parser.add_argument(
        "--years", default=",".join(map(str, YEARS)), help="plants to measure (default 1,3,10)"
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="where plants are cached")
    parser.add_argument("--out", type=Path, default=None, help="results file (default bench/results.json)")
    parser.add_argument("--markdown", type=Path, default=None, help="also write the table as Markdown here")
    parser.add_argument("--no-app", action="store_true", help="leave out the app (cold start, pilot, memory)")
    args = parser.parse_args(argv)

    began = time.perf_counter()
    # The floor's durability, whatever the caller's environment says (the test suite relaxes it).
    os.environ.pop("NEOFLOOR_SQLITE_SYNCHRONOUS", None)
    load_before = os.getloadavg()
    if args.quick:
        data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="neofloor-bench-"))
        out = args.out or data_dir / "results.json"
        reps = Reps.quick()
        plants = [plant_cache.plant("quick", 14, 3000, data_dir=data_dir, log=False)]
    else:
        data_dir = args.data_dir or plant_cache.DATA_DIR
        out = args.out or RESULTS
        reps = Reps()
        years = sorted(int(y) for y in args.years.split(",") if y.strip())
        plants = [plant_cache.plant(f"{y}y", y * 365, CARS_PER_YEAR, data_dir=data_dir) for y in years]
    with_app = not args.no_app
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "quick": args.quick,
        "plants": {},
    }
    for index, plant in enumerate(plants):
        measured = measure_plant(
            plant, reps, data_dir, with_app=with_app, with_plans=index == len(plants) - 1, quick=args.quick
        )
        results["plants"][plant.label] = measured
    labels = list(results["plants"])
    if len(plants) > 1:
        print("the floor's reads on every plant in turn, for their growth...", flush=True)
        interleaved = measure_growth({p.label: p.path for p in plants}, reps)
        first, last = labels[0], labels[-1]
        results["plants"][last]["growth"] = {
            name: {
                "from": interleaved[first][name].as_dict(),
                "to": interleaved[last][name].as_dict(),
                "all": {label: interleaved[label][name].as_dict() for label in labels},
            }
            for name in interleaved[last]
        }
    results["targets"] = verdicts(results["plants"], labels[-1], labels[0])
    results["load_average"] = {"before": load_before, "after": os.getloadavg()}
    results["seconds"] = round(time.perf_counter() - began, 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    facts = results["machine"]
    print()
    print(f"{facts['cpu']}, {facts['cores']} cores, Python {facts['python']}, SQLite {facts['sqlite']}")
    print(f"load average before {load_before[0]:.2f}, after {results['load_average']['after'][0]:.2f}")
    print()
    print(table(results["plants"]))
    print()
    print(f"targets, on the {labels[-1]} plant:")
    print(verdict_lines(results["targets"]))
    print()
    print("the same reads on a plant whose planner statistics were never gathered (no ANALYZE):")
    print(unplanned_table(results["plants"]))
    for label, plant_result in results["plants"].items():
        for name, error in plant_result.get("errors", {}).items():
            print(f"{name} could not be measured on {label}: {error[:300]}")
        app = plant_result.get("app")
        if app and app.get("rss_growth_per_scan_mb"):
            print(
                f"app memory on {label}: {app['ready_rss_mb']} MB ready, "
                f"{app['open_rss_mb']} MB with the store open, {app['after_scans_rss_mb']} MB "
                f"after {app['pilot_scans']} scans ({app['rss_growth_per_scan_mb']} MB a scan), "
                f"peak {app['peak_rss_mb']} MB"
            )
        if "app_error" in plant_result:
            print(f"the app could not be measured on {label}: {plant_result['app_error'][:300]}")
    if args.markdown:
        args.markdown.write_text(
            table(results["plants"], markdown=True)
            + "\n\nWithout planner statistics:\n\n"
            + unplanned_table(results["plants"], markdown=True)
            + "\n"
        )
    print(f"\nresults written to {out} in {results['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
