"""Shared fixtures: a real plant with the demo plant's config, on SQLite and on PostgreSQL.

No mocks of the database: every test talks to a real file, or a real server, through the
services. ``db`` is one fixture with two parameters (``tests/stores.py``): a SQLite file in
tmp_path, and a database of its own on the PostgreSQL test server when one is given. Without a
server the PostgreSQL runs are left out and the summary says so on one line.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from neofloor.i18n import set_language, set_language_chosen
from neofloor.services.delivery.components import capture_component, parts_needed
from neofloor.services.plant.catalog import forget_catalog
from neofloor.services.plant.config import init_plant, load_plant_config
from neofloor.services.plant.pins import hash_pin
from neofloor.services.plant.vin import with_check_digit
from neofloor.services.scan import record_scan
from neofloor.services.tracking.planning import add_vehicle
from neofloor.store.engine import Database
from neofloor.store.models import Operator
from tests import stores

# Every test starts in the source language, whatever the machine's environment says.
os.environ.pop("NEOFLOOR_LANG", None)


@pytest.fixture(autouse=True)
def _source_language() -> Iterator[None]:
    """The language is one setting per process: a test that speaks French leaves English behind."""
    yield
    set_language(None)
    set_language_chosen(False)


# Test plants are rebuilt for every test: skip the fsync per commit that the floor needs.
os.environ.setdefault("NEOFLOOR_SQLITE_SYNCHRONOUS", "NORMAL")
# PINs are hashed with a cheap argon2 cost in tests (one test in tests/people uses the real one).
os.environ.setdefault("NEOFLOOR_ARGON2_COST", "test")

# A fixed moment for deterministic tests: Thursday 2026-11-26, 09:00 in Casablanca (UTC+1).
T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
ROUTE = ("BODY", "PAINT", "TRIM1", "TRIM2", "CHASSIS", "FINAL", "EOL", "WATER", "QG")
# Every operator of the test plant signs in with this PIN (the CLI reads it from NEOFLOOR_PIN).
TEST_PIN = "2468"
SUPERVISOR = "3001"
OPERATOR_BODY = "1001"
INSPECTOR = "2001"


def make_vin(n: int, model: str = "C1") -> str:
    """A valid demo-plant VIN (check digit right) for car number ``n``."""
    prefix = "C1E" if model == "C1E" else "C1P"
    return with_check_digit(f"ENF{prefix}0X0T{n:07d}"[:17])


def give_test_pins(path: str | Path) -> None:
    """Every operator of a plant made by ``neofloor init`` signs in with ``TEST_PIN`` from now on
    (``path``: the SQLite file, or a server database's URL)."""
    database = Database(str(path) if "://" in str(path) else f"sqlite:///{path}")
    with database.write() as session:
        session.execute(update(Operator).values(pin_hash=hash_pin(TEST_PIN)))
    database.dispose()


@pytest.fixture(autouse=True)
def operator_pin(monkeypatch: pytest.MonkeyPatch) -> str:
    """Commands that write sign their operator in: the test plant's PIN, as a script gives it."""
    monkeypatch.setenv("NEOFLOOR_PIN", TEST_PIN)
    return TEST_PIN


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "plant.db"


@pytest.fixture(scope="session")
def plant_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo plant's config written once per run (PIN hashing is slow on purpose)."""
    path = tmp_path_factory.mktemp("template") / "plant.db"
    database = Database(f"sqlite:///{path}")
    with database.write() as session:
        forget_catalog(session)
        init_plant(session, load_plant_config())
        session.execute(update(Operator).values(pin_hash=hash_pin(TEST_PIN)))
    with database.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """The demo plant's config written once per test process on the PostgreSQL server: its name."""
    name = stores.fresh_name("nf_template")
    database = Database(stores.create_database(name))
    with database.write() as session:
        forget_catalog(session)
        init_plant(session, load_plant_config())
        session.execute(update(Operator).values(pin_hash=hash_pin(TEST_PIN)))
    database.dispose()
    yield name
    stores.drop_database(name)


@pytest.fixture(params=stores.STORES)
def store(request: pytest.FixtureRequest) -> str:
    """Which store this run of the test is on: "sqlite" or "postgres"."""
    return str(request.param)


@pytest.fixture
def db_url(store: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty demo plant (config only, no cars) of this test's own, on its store.

    On SQLite it is the file ``db_path`` names.
    """
    if store == "sqlite":
        db_path = tmp_path / "plant.db"
        shutil.copyfile(request.getfixturevalue("plant_template"), db_path)
        yield f"sqlite:///{db_path}"
        return
    with stores.scratch_database(template=request.getfixturevalue("postgres_template")) as url:
        yield url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """An empty demo plant (config only, no cars) of this test's own, on SQLite and on PostgreSQL."""
    database = Database(db_url)
    yield database
    with database.read() as session:
        forget_catalog(session)
    database.dispose()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the PostgreSQL runs without a server, and those of tests about the SQLite file itself."""
    kept, left_out, skipped = [], [], 0
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = (callspec is not None and callspec.params.get("store") == "postgres") or bool(
            item.get_closest_marker("postgres")
        )
        about_sqlite = "db_path" in getattr(item, "fixturenames", ()) or item.get_closest_marker("sqlite")
        if on_postgres and about_sqlite:
            left_out.append(item)
        elif on_postgres and stores.postgres_url() is None:
            left_out.append(item)
            skipped += 1
        else:
            kept.append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
    config.stash[_POSTGRES_SKIPPED] = skipped
    if hasattr(config, "workeroutput"):  # a pytest-xdist worker: tell the controller, which prints
        config.workeroutput["postgres_skipped"] = skipped


_POSTGRES_SKIPPED = pytest.StashKey[int]()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """pytest-xdist: each worker collected the same tests; keep what they left out for the summary."""
    config = getattr(node, "config", None)
    output = getattr(node, "workeroutput", {})
    if config is not None and "postgres_skipped" in output:
        skipped = max(config.stash.get(_POSTGRES_SKIPPED, 0), int(output["postgres_skipped"]))
        config.stash[_POSTGRES_SKIPPED] = skipped


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    skipped = config.stash.get(_POSTGRES_SKIPPED, 0)
    if skipped:
        terminalreporter.write_line(
            f"PostgreSQL part skipped ({skipped} tests): no test server; to run it, {stores.HOW_TO_RUN}."
        )


def plan_cars(db: Database, count: int, *, start: int = 1, model: str = "C1") -> list[str]:
    vins = []
    with db.write() as session:
        for n in range(start, start + count):
            vins.append(
                add_vehicle(
                    session, make_vin(n, model), model, "WHT", f"ORD-{n:04d}", now=T0, badge=SUPERVISOR
                )
            )
    return vins


def scan(db: Database, station: str, vin: str, at: datetime, badge: str = SUPERVISOR) -> str:
    with db.write() as session:
        return record_scan(session, station, vin, badge, "test", now=at).message


def serial_for(part: str, n: int) -> str:
    """A serial in the demo plant's format for ``part``, unique per ``n``."""
    return {
        "ECU": f"ECU{n:010X}",
        "AIRBAG-P": f"ABP{n:09d}",
        "AIRBAG-D": f"ABD{n:09d}",
        "ENGINE": f"H4B{n:07d}",
        "HV-BATTERY": f"HVB26A{n:07d}",
        "MOTOR": f"TM{n:010d}",
        "OBC": f"OBC{n:09d}",
    }[part]


def fit_parts(db: Database, vin: str, station: str, at: datetime, badge: str = SUPERVISOR) -> None:
    """Capture every serial the station needs from the car (serials numbered by the VIN's last digits)."""
    with db.write() as session:
        for part in parts_needed(session, vin, station):
            capture_component(session, vin, part.code, serial_for(part.code, int(vin[-6:])), badge, now=at)


def run_through(db: Database, vin: str, stations: tuple[str, ...], at: datetime) -> datetime:
    """Start and complete the car at each station, 10 minutes each, its serials captured where
    they are asked for; returns the time after."""
    for station in stations:
        scan(db, station, vin, at)
        at += timedelta(minutes=10)
        fit_parts(db, vin, station, at)
        scan(db, station, vin, at)
        at += timedelta(minutes=1)
    return at


@pytest.fixture
def floor(db: Database) -> Database:
    """The demo plant with a small, deterministic line: 8 cars at various stations."""
    vins = plan_cars(db, 6) + plan_cars(db, 2, start=7, model="C1E")
    at = T0
    run_through(db, vins[0], ROUTE, at)  # finished
    run_through(db, vins[1], ROUTE[:4], at)  # waiting at CHASSIS
    run_through(db, vins[2], ROUTE[:2], at)  # waiting at TRIM1
    scan(db, "TRIM1", vins[2], at + timedelta(minutes=30))  # in TRIM1
    run_through(db, vins[3], ROUTE[:1], at)  # waiting at PAINT
    return db
