"""The demo plant generator: the Aïn Aouda plant with weeks (or years) of takt-paced history.

Deterministic for a seed. Cars flow through the route in *working time* (seconds
of planned production, breaks and nights left out), which a shift calendar maps
to real UTC times, so the history looks like a real line: paced by takt, paused
at breaks and weekends, with defects, repairs, holds, andon stops and deliveries.

Built for volume: the 10-year plant (150,000 cars, 3 M ledger events) must be
written in well under a minute on a small machine. So the simulation keeps
instants as integer microseconds since the epoch and rows as plain tuples, and
the rows go to SQLite with ``executemany`` on the raw ``sqlite3`` connection,
in chunks (memory stays bounded). Time columns are written as text in exactly
the form SQLAlchemy's SQLite ``DateTime`` stores (``YYYY-MM-DD HH:MM:SS.ffffff``,
naive UTC), so the app reads them back as it reads its own writes.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from neofloor.demo.history import History
from neofloor.demo.rows import COLUMNS, Counts
from neofloor.demo.spec import DEMO_END_LOCAL, DemoSpec
from neofloor.i18n import _
from neofloor.services.plant.catalog import forget_catalog
from neofloor.services.plant.config import init_plant, load_plant_config
from neofloor.store.engine import Database

__all__ = ["DEMO_END_LOCAL", "DemoSpec", "generate_demo_plant", "iter_table_rows"]


def generate_demo_plant(out: Path, spec: DemoSpec) -> str:
    """Write a new plant database at ``out`` with ``spec``'s history; returns a one-line summary."""
    began = time.perf_counter()
    _remove_database(out)
    config = load_plant_config()
    database = Database(f"sqlite:///{out}")
    with database.write() as session:
        forget_catalog(session)
        init_plant(session, config, demo_seed=spec.seed)
    database.dispose()
    counts = Counts()
    raw = sqlite3.connect(str(out), isolation_level=None)
    try:
        # A generator may trade durability for speed: a failed run is removed and run again.
        # Rows are consistent by construction, so foreign keys are not checked row by row.
        for pragma in (
            "journal_mode = OFF",
            "synchronous = OFF",
            "foreign_keys = OFF",
            "locking_mode = EXCLUSIVE",
            # Appends only (the secondary indexes are built at the end): a small cache does.
            "cache_size = -8192",
            "threads = 2",
        ):
            raw.execute(f"PRAGMA {pragma}")
        raw.execute("BEGIN")
        # Secondary indexes are built once at the end (a sort) rather than row by row:
        # the same CREATE INDEX statements the schema made, so the schema is unchanged.
        indexes = [
            (name, sql)
            for name, sql in raw.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({', '.join('?' * len(COLUMNS))}) ORDER BY name",
                tuple(COLUMNS),
            )
        ]
        for name, _sql in indexes:
            raw.execute(f'DROP INDEX "{name}"')
        History(raw, config, spec, counts).write()
        # Each index build sorts in memory up to the page cache's size (per sorter thread),
        # then merges from temporary files: the small cache keeps memory bounded.
        for _name, sql in indexes:
            raw.execute(sql)
        raw.execute("COMMIT")
        raw.execute("PRAGMA locking_mode = NORMAL")
        raw.execute("PRAGMA journal_mode = WAL")
        # Planner statistics from a sample of each index: the full scan costs seconds at 10 years.
        raw.execute("PRAGMA analysis_limit = 1000")
        raw.execute("ANALYZE")
    except BaseException:
        raw.close()
        _remove_database(out)
        raise
    raw.close()
    seconds = time.perf_counter() - began
    states = ", ".join(f"{k} {v}" for k, v in sorted(counts.states.items()))
    return _(
        "Demo plant written to {out} in {seconds:.1f} s: {cars} cars "
        "({states}), {events} events, {defects} defects, {downtime} stops, "
        "{deliveries} deliveries."
    ).format(
        out=out,
        seconds=seconds,
        cars=counts.cars,
        states=states,
        events=counts.events,
        defects=counts.defects,
        downtime=counts.downtime,
        deliveries=counts.deliveries,
    )


def _remove_database(out: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{out}{suffix}").unlink(missing_ok=True)


def iter_table_rows(database: Database, table: str) -> Iterator[tuple[Any, ...]]:
    """Every row of a table in id order (to compare two generated plants)."""
    with database.engine.connect() as conn:
        yield from conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1")
