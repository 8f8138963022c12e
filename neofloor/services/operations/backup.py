"""``neofloor backup`` and ``neofloor restore``: a consistent copy of a live plant, and putting one back.

SQLite: the online backup API copies the file in one step under a read transaction, so
terminals keep writing (WAL) and the copy is the plant as of one commit; the copy is then made
a self-contained file (no WAL) and checked before it takes its name. PostgreSQL: pg_dump's
custom format (a consistent snapshot, also while terminals write) and pg_restore, when the
PostgreSQL client programs are installed; otherwise the sentence says how to get them. A SQLite
backup restored to a PostgreSQL URL moves the plant to the server (every row by COPY).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from neofloor.i18n import N_, _
from neofloor.services.plant.errors import BackupFailed, InvalidInput, ToolMissing
from neofloor.store.engine import BUSY_TIMEOUT_MS, SQLITE_HEADER, sqlite_path

CLIENT_PACKAGE = N_("the PostgreSQL client programs (Debian: apt-get install postgresql-client)")


@dataclass(frozen=True)
class CopyResult:
    """A backup written, or a backup restored: where, how big, how long."""

    source: str
    destination: str
    size_bytes: int
    seconds: float
    message: str


def backup_plant(url: str, destination: Path, *, force: bool = False) -> CopyResult:
    """A consistent copy of the plant at ``url`` written to ``destination`` (replaced only with ``force``)."""
    if destination.is_dir():
        raise InvalidInput(
            _("{destination} is a folder: give the backup file's name.").format(destination=destination)
        )
    if destination.exists() and not force:
        raise InvalidInput(
            _("{destination} exists; pass --force to overwrite it.").format(destination=destination)
        )
    began = time.perf_counter()
    path = sqlite_path(url)
    if path is not None:
        _sqlite_backup(path, destination)
    else:
        _run_client("pg_dump", ["--format=custom", "--no-owner", f"--file={destination}"], url)
    seconds = time.perf_counter() - began
    size = destination.stat().st_size
    source = str(path or _printable(url))
    return CopyResult(
        source,
        str(destination),
        size,
        seconds,
        _("Backup of {source} written to {destination} ({size:.1f} MB in {seconds:.1f} s).").format(
            source=source, destination=destination, size=size / 1e6, seconds=seconds
        ),
    )


def restore_plant(url: str, source: Path, *, force: bool = False) -> CopyResult:
    """Put the backup ``source`` in place as the plant at ``url``: every terminal must be stopped first.

    Refused when a plant is already there, unless forced (then it is replaced).
    """
    if not source.is_file():
        raise InvalidInput(_("No backup file at {source}.").format(source=source))
    began = time.perf_counter()
    path = sqlite_path(url)
    if path is not None:
        _sqlite_restore(source, path, force=force)
        target = str(path)
    else:
        target = _printable(url)
        if _postgres_has_plant(url) and not force:
            raise InvalidInput(
                _("{target} already holds a plant; pass --force to replace it.").format(target=target)
            )
        if _is_sqlite_file(source):
            _sqlite_into_postgres(source, url)
        else:
            options = ["--no-owner", "--single-transaction", "--exit-on-error", "--clean", "--if-exists"]
            _run_client("pg_restore", [*options, str(source)], url)
    seconds = time.perf_counter() - began
    size = source.stat().st_size
    return CopyResult(
        str(source),
        target,
        size,
        seconds,
        _("Backup {source} restored to {target} in {seconds:.1f} s.").format(
            source=source, target=target, seconds=seconds
        ),
    )


# --- SQLite ------------------------------------------------------------------------------


def _sqlite_backup(source: Path, destination: Path) -> None:
    if not source.is_file():
        raise InvalidInput(_("No database at {source}.").format(source=source))
    partial = destination.with_name(destination.name + ".part")
    partial.unlink(missing_ok=True)
    try:
        with (
            _closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)) as live,
            _closing(sqlite3.connect(partial)) as copy,
        ):
            # pages=-1: one step, one read transaction, so the copy is the plant as of one commit
            # while terminals go on writing to the WAL.
            live.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            problems = [row[0] for row in copy.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise BackupFailed(
                    _("The copy of {source} does not check out: {problems}.").format(
                        source=source, problems=problems[0]
                    )
                )
        _fsync(partial)
        os.replace(partial, destination)
    except sqlite3.Error as exc:
        raise BackupFailed(_("The backup of {source} failed: {exc}.").format(source=source, exc=exc)) from exc
    finally:
        partial.unlink(missing_ok=True)


def _is_sqlite_file(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def _sqlite_restore(source: Path, target: Path, *, force: bool) -> None:
    if not _is_sqlite_file(source):
        raise InvalidInput(_("{source} is not a SQLite backup of a plant.").format(source=source))
    if target.exists() and not force:
        raise InvalidInput(
            _("{target} exists; pass --force to replace it with the backup.").format(target=target)
        )
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(source, partial)
    _fsync(partial)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(partial, target)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _closing:
    """``contextlib.closing`` for sqlite3 connections (their own ``with`` only ends a transaction)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        return self.conn

    def __exit__(self, *_exc: object) -> None:
        self.conn.close()


# --- PostgreSQL --------------------------------------------------------------------------


def _printable(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The libpq URI of ``url`` without its password, and the environment that carries it."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run_client(program: str, options: list[str], url: str) -> None:
    found = shutil.which(program)
    if found is None:
        raise ToolMissing(
            _(
                "{program} is not installed: install {package}, or back up with "
                "the server's own tools (docs/deploy.md)."
            ).format(program=program, package=_(CLIENT_PACKAGE))
        )
    uri, env = _libpq(url)
    completed = subprocess.run(
        [found, f"--dbname={uri}", *options], capture_output=True, text=True, env=env, check=False
    )
    if completed.returncode != 0:
        reason = (
            completed.stderr.strip().splitlines()
            or [_("exit code {returncode}").format(returncode=completed.returncode)]
        )[0]
        raise BackupFailed(
            _("{program} failed on {url}: {reason}").format(
                program=program, url=_printable(url), reason=reason
            )
        )


def _sqlite_into_postgres(source: Path, url: str) -> None:
    """A SQLite plant (a backup, or a plant moving to a server) copied whole into the server's database.

    The copy is brought to the current schema first, then every row goes over by COPY in one
    transaction, into a schema made by the same migrations.
    """
    from neofloor.store.bulk import copy_sqlite_plant, drop_every_table
    from neofloor.store.engine import Database

    with tempfile.TemporaryDirectory(prefix="neofloor-restore-") as folder:
        staged = Path(folder) / "plant.db"
        shutil.copyfile(source, staged)
        Database(f"sqlite:///{staged}", create=False).dispose()  # upgraded to the current schema
        database = Database(url, upgrade=False)
        with database.translated(), database.engine.begin() as conn:
            drop_every_table(conn)
        database.dispose()
        database = Database(url)
        with database.translated(), database.engine.begin() as conn:
            copy_sqlite_plant(staged, conn)
            conn.exec_driver_sql("ANALYZE")
        database.dispose()


def _postgres_has_plant(url: str) -> bool:
    from neofloor.store.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return bool(conn.exec_driver_sql("SELECT to_regclass('public.vehicle') IS NOT NULL").scalar())
    finally:
        engine.dispose()
