"""The benchmark's plants: generated once with ``neofloor demo``, cached under bench/data/.

A cached plant is reused while the generator and the demo plant config are
unchanged (their hash is kept beside the file); the generation time of the run
that made it is kept too, so the table can show it without making it again.
Measurements run on a copy, since scans and candidate indexes change the file.
"""

from __future__ import annotations

import hashlib
import json
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "bench" / "data"
SEED = 2023
# What the cache depends on: change any and the plants are generated again (the schema too:
# a new migration would otherwise upgrade a cached plant in place).
SOURCES = (
    *sorted((ROOT / "neofloor" / "demo").glob("*.py")),
    ROOT / "neofloor" / "data" / "demo_plant.toml",
    ROOT / "neofloor" / "store" / "models.py",
)
MIGRATIONS = ROOT / "neofloor" / "store" / "migrations" / "versions"


@dataclass(frozen=True)
class Plant:
    """A generated plant file and how it was made."""

    label: str  # "1y", "3y", "10y", "quick"
    path: Path
    days: int
    cars_per_year: int
    seed: int
    generated_wall_s: float
    generated_cpu_s: float
    summary: str
    reused: bool
    file_mb: float
    counts: dict[str, int]


def _key(days: int, cars_per_year: int, seed: int) -> str:
    digest = hashlib.sha256()
    for source in (*SOURCES, *sorted(MIGRATIONS.glob("*.py"))):
        digest.update(source.read_bytes())
    digest.update(f"{days}/{cars_per_year}/{seed}".encode())
    return digest.hexdigest()[:16]


def _generate(path: Path, days: int, cars_per_year: int, seed: int) -> tuple[float, float, str]:
    """Run the real command, in its own process; its wall and CPU seconds and its summary line.

    Whole years are asked for as the issue writes them (``--years 10``), other spans in days.
    """
    span = ["--years", str(days // 365)] if days % 365 == 0 else ["--days", str(days)]
    command = [sys.executable, "-m", "neofloor", "demo", "--out", str(path), "--seed", str(seed), *span]
    command += ["--cars-per-year", str(cars_per_year), "--force"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"neofloor demo failed ({done.returncode}): {done.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout.strip()


def _counts(path: Path) -> dict[str, int]:
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("vehicle", "station_event", "station_visit", "defect", "downtime", "delivery")
        }
    finally:
        conn.close()


def plant(
    label: str,
    days: int,
    cars_per_year: int = 15_000,
    *,
    seed: int = SEED,
    data_dir: Path = DATA_DIR,
    log: bool = True,
) -> Plant:
    """The cached plant for this spec, generated first if missing or stale."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"plant-{label}-{cars_per_year}.db"
    meta_path = path.with_suffix(".json")
    key = _key(days, cars_per_year, seed)
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("key") == key:
            return Plant(**{**meta["plant"], "path": path, "reused": True})
    if log:
        print(f"generating the {label} plant ({days} days, {cars_per_year} cars a year)...", flush=True)
    wall, cpu, summary = _generate(path, days, cars_per_year, seed)
    made = Plant(
        label=label,
        path=path,
        days=days,
        cars_per_year=cars_per_year,
        seed=seed,
        generated_wall_s=round(wall, 2),
        generated_cpu_s=round(cpu, 2),
        summary=summary,
        reused=False,
        file_mb=round(path.stat().st_size / 1e6, 1),
        counts=_counts(path),
    )
    meta_plant = {k: v for k, v in asdict(made).items() if k not in ("path", "reused")}
    meta_path.write_text(json.dumps({"key": key, "plant": meta_plant}, indent=2))
    if log:
        print(f"  {summary}", flush=True)
    return made


def working_copy(source: Plant, data_dir: Path = DATA_DIR) -> Path:
    """A fresh copy of a plant to measure on (scans and trial indexes write to it)."""
    target = data_dir / f"work-{source.label}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source.path, target)
    return target


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
