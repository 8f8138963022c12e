"""One engine per process, short sessions, and the settings a plant floor needs on each store.

SQLite runs in WAL with ``synchronous=FULL`` (a lost scan is worse than a
millisecond) and a busy timeout. Writes open with ``BEGIN IMMEDIATE``: a write
transaction that reads first under a plain ``BEGIN`` fails at once with
"database is locked" when two terminals write together. PostgreSQL (psycopg 3)
gets a connect timeout and a ping before each checkout, so a server that went
away and came back costs one failed unit of work, not a terminal restart.
Whatever the driver raises about the store itself leaves here as one
``StoreProblem`` sentence (``store.errors``).
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlmodel import Session

from neofloor.i18n import _
from neofloor.store.errors import CONNECT_TIMEOUT_SECONDS, StoreUnusable, describe, where

DEFAULT_DB_PATH = "neofloor.db"
DATABASE_URL_ENV = "NEOFLOOR_DATABASE_URL"
BUSY_TIMEOUT_MS = 10_000
# The floor runs with FULL (a lost scan is unacceptable). A test suite or a bulk load,
# whose data can be made again, may lower it through this variable.
SYNCHRONOUS_ENV = "NEOFLOOR_SQLITE_SYNCHRONOUS"
SYNCHRONOUS_LEVELS = ("OFF", "NORMAL", "FULL", "EXTRA")


# The stores neofloor runs on, and the driver each needs.
POSTGRES_DRIVER = "postgresql+psycopg"
SQLITE_HEADER = b"SQLite format 3\x00"


def database_url(db: str | None = None) -> str:
    """The database URL from ``--db`` (path or URL), the environment, or the default file.

    ``postgresql://`` and ``postgres://`` mean psycopg 3; any other scheme is refused.
    """
    value = db or os.environ.get(DATABASE_URL_ENV) or DEFAULT_DB_PATH
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser()}"
    scheme, rest = value.split("://", 1)
    backend, _unused, driver = scheme.lower().partition("+")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        return value
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg"):
        return f"{POSTGRES_DRIVER}://{rest}"
    raise StoreUnusable(
        _(
            "Unknown database URL scheme '{scheme}': give a file path, "
            "sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DATABASE."
        ).format(scheme=scheme)
    )


def sqlite_path(url: str) -> Path | None:
    """The file a SQLite URL names (None for another store or an in-memory database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def check_sqlite_file(path: Path, *, create: bool) -> None:
    """Refuse, with a sentence, a path that cannot be a neofloor plant before SQLite touches it.

    A missing or empty file is a new plant only for the commands that create one.
    """
    if path.is_dir():
        raise StoreUnusable(_("{path} is a folder, not a neofloor database.").format(path=path))
    if not path.exists():
        return
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreUnusable(
            _("{path} cannot be read ({strerror}): check its permissions.").format(
                path=path, strerror=exc.strerror
            )
        ) from exc
    if not header:
        if create:
            return
        raise StoreUnusable(
            _("{path} is empty: not a neofloor database: run neofloor init.").format(
                path=path
            )
        )
    if header != SQLITE_HEADER:
        raise StoreUnusable(_("{path} is not a SQLite file: not a neofloor database.").format(path=path))


def _unwritable_wal(path: Path) -> bool:
    effective = os.access in os.supports_effective_ids
    return (
        path.is_file()
        and not os.access(path, os.W_OK, effective_ids=effective)
        and not os.access(path.parent, os.W_OK, effective_ids=effective)
        and not Path(f"{path}-shm").exists()
    )


def _require_postgres_driver() -> None:
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise StoreUnusable(
            _("PostgreSQL needs its driver: install neofloor[postgres] (pip install "
"'neofloor[postgres]').")
        ) from exc


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event below emit BEGIN, so writes can ask for IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # A file this user may only read keeps its mode; a write will say why it is refused.
    with suppress(sqlite3.OperationalError):
        cursor.execute("PRAGMA journal_mode = WAL")
    level = os.environ.get(SYNCHRONOUS_ENV, "FULL").upper()
    cursor.execute(f"PRAGMA synchronous = {level if level in SYNCHRONOUS_LEVELS else 'FULL'}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


# While another terminal holds the write lock, a write asks again this often (seconds), up to
# the busy timeout. SQLite's own busy handler sleeps up to 100 ms between tries, so with ten
# writers a scan could wait a hundred times longer than the write it waits for.
WRITE_LOCK_RETRY_SECONDS = (0.0005, 0.001, 0.002, 0.004)


def _sqlite_on_begin(conn: Any) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    if mode != "IMMEDIATE":
        conn.exec_driver_sql(f"BEGIN {mode}")
        return
    raw = conn.connection.dbapi_connection
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        for attempt in itertools.count():
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or time.monotonic() > deadline:
                    break
            time.sleep(WRITE_LOCK_RETRY_SECONDS[min(attempt, len(WRITE_LOCK_RETRY_SECONDS) - 1)])
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # once more, so a failure comes as SQLAlchemy's error
    finally:
        raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the plant's settings for its backend."""
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError as exc:
        raise StoreUnusable(
            _("'{url}' is not a database URL: give a file path or a URL.").format(
                url=url
            )
        ) from exc
    if backend == "postgresql":
        _require_postgres_driver()
        connect_args = {"connect_timeout": CONNECT_TIMEOUT_SECONDS, **kwargs.pop("connect_args", {})}
        kwargs = {"pool_pre_ping": True, "connect_args": connect_args, **kwargs}
    path = sqlite_path(url) if backend == "sqlite" else None
    if path is not None and _unwritable_wal(path):
        # Neither the file nor its folder may be written by this user, so SQLite cannot make the
        # WAL's shared-memory file it needs even to read: read the file as it stands.
        url = f"sqlite:///file:{path}?immutable=1&uri=true"
    engine = create_engine(url, **kwargs)
    if backend == "sqlite":
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
    With ``create=False`` a database without a plant's schema (an empty file, another
    application's) is refused rather than made into an empty plant. What the store
    itself fails with (not a database, damaged, read-only, server away) is raised
    as a ``StoreProblem``.
    """

    def __init__(
        self, url: str, *, upgrade: bool = True, create: bool = True, **engine_kwargs: Any
    ) -> None:
        self.url = url
        path = sqlite_path(url)
        if path is not None:
            check_sqlite_file(path, create=create)
        self.engine = make_engine(url, **engine_kwargs)
        self._write_engine = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE") if self.is_sqlite else self.engine
        )
        with self.translated():
            if not create:
                self._require_plant_schema()
            if upgrade:
                from neofloor.store.migrate import upgrade_if_needed

                upgrade_if_needed(self.engine)
                if self.is_sqlite:
                    refresh_planner_statistics(self.engine)

    def _require_plant_schema(self) -> None:
        with self.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        if "alembic_version" not in tables and "vehicle" not in tables:
            raise StoreUnusable(
                _("{where} is not a neofloor database: run neofloor init.").format(
                    where=self.where
                )
            )

    @property
    def where(self) -> str:
        """The database named for a sentence (its file, or its server; never a password)."""
        return where(self.url)

    @contextmanager
    def translated(self) -> Iterator[None]:
        """Raise what the driver says about the store itself as one ``StoreProblem`` sentence."""
        try:
            yield
        except DBAPIError as exc:
            problem = describe(exc, self.url)
            if problem is None:
                raise
            raise problem from exc

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short read-only unit of work."""
        with self.translated(), Session(self.engine, expire_on_commit=False) as session:
            yield session
            session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A short write transaction: committed when the block ends, rolled back on error."""
        with self.translated(), Session(self._write_engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def ping(self) -> None:
        with self.translated(), self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
