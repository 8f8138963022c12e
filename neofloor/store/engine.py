"""One engine per process, short sessions, and the SQLite settings a plant floor needs.

SQLite runs in WAL with ``synchronous=FULL`` (a lost scan is worse than a
millisecond) and a busy timeout. Writes open with ``BEGIN IMMEDIATE``: a write
transaction that reads first under a plain ``BEGIN`` fails at once with
"database is locked" when two terminals write together.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

DEFAULT_DB_PATH = "neofloor.db"
DATABASE_URL_ENV = "NEOFLOOR_DATABASE_URL"
BUSY_TIMEOUT_MS = 10_000
# The floor runs with FULL (a lost scan is unacceptable). A test suite or a bulk load,
# whose data can be made again, may lower it through this variable.
SYNCHRONOUS_ENV = "NEOFLOOR_SQLITE_SYNCHRONOUS"
SYNCHRONOUS_LEVELS = ("OFF", "NORMAL", "FULL", "EXTRA")


def database_url(db: str | None = None) -> str:
    """The database URL from ``--db`` (path or URL), the environment, or the default file."""
    value = db or os.environ.get(DATABASE_URL_ENV) or DEFAULT_DB_PATH
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser()}"


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event below emit BEGIN, so writes can ask for IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    level = os.environ.get(SYNCHRONOUS_ENV, "FULL").upper()
    cursor.execute(f"PRAGMA synchronous = {level if level in SYNCHRONOUS_LEVELS else 'FULL'}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_on_begin(conn: Any) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the plant's settings for its backend."""
    engine = create_engine(url, **kwargs)
    if make_url(url).get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    return engine


# Planner statistics are gathered once the plant has this many cars, and again each time
# it has grown this many times over since they were last gathered.
STATISTICS_MIN_CARS = 1_000
STATISTICS_GROWTH = 4
ANALYSIS_LIMIT = 1_000


def refresh_planner_statistics(engine: Engine, *, force: bool = False) -> bool:
    """Run a bounded ANALYZE when SQLite has no statistics, or stale ones, for the cars.

    Without statistics SQLite guesses, and some guesses (walking a whole index of ten
    years of visits for one shift) cost a hundred times more. ``analysis_limit`` keeps
    the ANALYZE itself to milliseconds, even on a ten-year file. True when it ran.
    """
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cars = raw.execute("SELECT max(id) FROM vehicle").fetchone()[0] or 0
        has_stats = raw.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()[
            0
        ]
        row = (
            raw.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'vehicle' LIMIT 1").fetchone()
            if has_stats
            else None
        )
        known = int(row[0].split()[0]) if row else 0
        if not force and (cars < STATISTICS_MIN_CARS or (known and cars < known * STATISTICS_GROWTH)):
            return False
        raw.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        raw.execute("ANALYZE")
        return True


class Database:
    """The plant's database: an engine plus read and write units of work.

    Services take the ``Session`` these yield; callers (the app, the CLI)
    choose ``read()`` or ``write()`` so SQLite can lock up front for writes.
    """

    def __init__(self, url: str, *, upgrade: bool = True, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self._write_engine = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE") if self.is_sqlite else self.engine
        )
        if upgrade:
            from neofloor.store.migrate import upgrade_if_needed

            upgrade_if_needed(self.engine)
            if self.is_sqlite:
                refresh_planner_statistics(self.engine)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short read-only unit of work."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session
            session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A short write transaction: committed when the block ends, rolled back on error."""
        with Session(self._write_engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
