"""The two stores the suites run on: a SQLite file, and a database on a real PostgreSQL server.

The server is named by ``NEOFLOOR_TEST_POSTGRES_URL`` (a URL to its maintenance database, e.g.
``postgresql+psycopg://floor@127.0.0.1:54329/postgres``; ``.ci/run`` starts one). Each test gets
a database of its own, made with ``CREATE DATABASE ... TEMPLATE`` from a plant written once per
test process, and dropped after it.
"""

from __future__ import annotations

import itertools
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

POSTGRES_URL_ENV = "NEOFLOOR_TEST_POSTGRES_URL"
HOW_TO_RUN = (
    f"set {POSTGRES_URL_ENV}=postgresql+psycopg://USER@HOST:PORT/postgres, or run .ci/run "
    "(it starts a throwaway server)"
)

# Every store-parametrized test runs once per store; the PostgreSQL run is marked so it can be chosen.
STORES = ("sqlite", pytest.param("postgres", marks=pytest.mark.postgres))


def postgres_url() -> str | None:
    """The test server's maintenance URL, or None when no server was given."""
    return os.environ.get(POSTGRES_URL_ENV) or None


def url_of(database: str) -> str:
    """The URL of ``database`` on the test server."""
    server = postgres_url()
    assert server is not None, "no PostgreSQL test server"
    return make_url(server).set(database=database).render_as_string(hide_password=False)


def _admin():
    import psycopg

    server = make_url(postgres_url() or "")
    return psycopg.connect(
        host=server.host,
        port=server.port,
        user=server.username,
        password=server.password,
        dbname=server.database or "postgres",
        autocommit=True,
        connect_timeout=5,
    )


_names = itertools.count(1)


def fresh_name(prefix: str) -> str:
    """A database name no other test process uses."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{prefix}_{worker}_{os.getpid()}_{next(_names)}_{uuid.uuid4().hex[:6]}"


def create_database(name: str, template: str | None = None) -> str:
    """Create ``name`` (a copy of ``template`` when given) and answer its URL."""
    with _admin() as conn:
        clause = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{clause}')
    return url_of(name)


def drop_database(name: str) -> None:
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def scratch_database(prefix: str = "nf", template: str | None = None) -> Iterator[str]:
    """A database of its own for one test, dropped afterwards: yields its URL."""
    name = fresh_name(prefix)
    url = create_database(name, template)
    try:
        yield url
    finally:
        drop_database(name)


# --- a server of the test's own, to stop and start under a running terminal ----------------


def server_programs() -> Path | None:
    """The folder of PostgreSQL's initdb and pg_ctl (Debian keeps them off PATH), if installed."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class OwnServer:
    """A throwaway PostgreSQL cluster: a temporary folder, a loopback port, an unprivileged user."""

    def __init__(self, programs: Path, folder: Path, port: int) -> None:
        self.programs = programs
        self.folder = folder
        self.port = port
        self.url = f"postgresql+psycopg://floor@127.0.0.1:{port}/postgres"

    def _run(self, *command: str) -> None:
        line = " ".join(shlex.quote(part) for part in command)
        # initdb refuses root: run as nobody, as .ci/run does.
        argv = ["su", "nobody", "-s", "/bin/sh", "-c", line] if os.geteuid() == 0 else ["/bin/sh", "-c", line]
        subprocess.run(argv, check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        data = str(self.folder / "data")
        self._run(str(self.programs / "initdb"), "-D", data, "-U", "floor", "-A", "trust")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.programs / "pg_ctl"), "-D", str(self.folder / "data"), "-o", options,
            "-l", str(self.folder / "log"), "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(str(self.programs / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")


@contextmanager
def own_server() -> Iterator[OwnServer]:
    """A server of this test's own (skipped when PostgreSQL's programs are not installed)."""
    programs = server_programs()
    if programs is None:
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    folder = Path(tempfile.mkdtemp(prefix="neofloor-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "nobody")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = OwnServer(programs, folder, port)
    server.init()
    server.start()
    try:
        yield server
    finally:
        with suppress(subprocess.CalledProcessError):
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
