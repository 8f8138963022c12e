"""The station terminal's first look: read with sqlite3 before the store is imported.

The first look repeats a few of the services' queries in plain SQL; these tests hold
the two readings equal on every station of the seeded line (held cars, an andon stop,
options with work instructions, a car out of sequence, one in the repair bay) and of
the demo plant, and show the terminal drawing it, then taking a scan sent before the
store was open once it is.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from textual.widgets import DataTable, Input

from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.operators import operator_by_badge
from neofloor.services.supervision.andon import open_stops
from neofloor.services.tracking import first_look as first_look_module
from neofloor.services.tracking.first_look import FirstLook, first_look
from neofloor.services.tracking.floor import (
    CARS_IN_STATION_LIMIT,
    cars_in_station,
    station_queue,
    wip_per_station,
)
from neofloor.services.tracking.history import work_instructions
from neofloor.store.engine import Database
from neofloor.store.models import Operator, StationEvent, Vehicle
from neofloor.tui.dialogs.sign_in import SignInDialog
from neofloor.tui.screens.scanning import SCAN_FIELD_HOLD_SECONDS
from neofloor.tui.screens.station import QUEUE_PAGE, StationScreen
from neofloor.tui.widgets.last_result import LastResult
from tests.conftest import INSPECTOR, ROUTE, SUPERVISOR
from tests.tui.conftest import NOW, TRIM1_OPERATOR, settle, type_pin
from tests.tui.test_supervisor_snapshots import busy_line

EXAMPLE = Path(__file__).parents[2] / "neofloor.db.example"


def services_look(database: Database, station: str, badge: str | None, now: datetime) -> FirstLook:
    """The same view read through the services, as the terminal reads it once the store is open."""
    with database.read() as session:
        inside = cars_in_station(session, station)
        queue = station_queue(session, station, limit=QUEUE_PAGE)
        _in, waiting, held = wip_per_station(session)[station]
        instructions: dict[tuple[str, str], list[str]] = {}
        for car in (*inside, *queue):
            key = (car.model, car.options)
            if key not in instructions:
                instructions[key] = work_instructions(session, station, car.model, car.options)
        return FirstLook(
            catalog=plant_catalog(session),
            station=station,
            operator=None if badge is None else operator_by_badge(session, badge),
            inside=inside,
            queue=queue,
            waiting_count=waiting,
            held_count=held,
            open_stop=next((s for s in open_stops(session, now=now) if s.station == station), None),
            instructions=instructions,
        )


@pytest.mark.parametrize("station", ROUTE)
def test_the_first_look_reads_what_the_services_read(line, station):
    busy_line(line)
    for badge in (TRIM1_OPERATOR, INSPECTOR, SUPERVISOR, None):
        assert first_look(line.url, station, badge, NOW, QUEUE_PAGE) == services_look(
            line.db, station, badge, NOW
        )


def test_the_seeded_line_has_what_the_comparison_needs(line):
    """The comparison above means something: a held car, a stop, instructions, cars in and waiting."""
    busy_line(line)
    trim1 = first_look(line.url, "TRIM1", TRIM1_OPERATOR, NOW, QUEUE_PAGE)
    paint = first_look(line.url, "PAINT", TRIM1_OPERATOR, NOW, QUEUE_PAGE)
    assert trim1 is not None and paint is not None
    assert trim1.inside and trim1.queue and trim1.held_count == 1
    assert any(lines for lines in trim1.instructions.values())
    assert paint.open_stop is not None and paint.open_stop.seconds > 0


def test_the_first_look_reads_the_demo_plant_as_the_services_do(tmp_path):
    path = tmp_path / "demo.db"
    shutil.copyfile(EXAMPLE, path)
    database = Database(f"sqlite:///{path}")
    try:
        now = datetime.fromisoformat("2026-11-25T12:00:00+00:00")
        for station in ROUTE:
            assert first_look(database.url, station, SUPERVISOR, now, QUEUE_PAGE) == services_look(
                database, station, SUPERVISOR, now
            )
    finally:
        database.dispose()


def test_a_plant_named_by_a_relative_path_gets_its_first_look(line, monkeypatch):
    """``make run`` opens ``--db neofloor.db``: a path relative to where the terminal started."""
    monkeypatch.chdir(line.path.parent)
    look = first_look(f"sqlite:///{line.path.name}", "TRIM1", None, NOW, QUEUE_PAGE)
    assert look is not None and look.inside


def test_as_many_cars_in_a_station_as_the_services_read():
    assert first_look_module.CARS_IN_STATION == CARS_IN_STATION_LIMIT


@pytest.mark.parametrize(
    ("station", "badge"),
    [("REPAIR", SUPERVISOR), ("NOPE", SUPERVISOR), ("TRIM1", "0000"), ("trim1", " 1002 ")],
    ids=["repair-bay", "unknown-station", "unknown-badge", "typed-loosely"],
)
def test_what_the_first_look_leaves_to_the_services(line, station, badge):
    """The bay and anything the services would refuse are theirs to read and to say."""
    look = first_look(line.url, station, badge, NOW, QUEUE_PAGE)
    if station == "trim1":
        assert look is not None and look.station == "TRIM1" and look.operator.badge == "1002"
    else:
        assert look is None


def test_an_inactive_badge_an_old_schema_or_no_file_gets_no_first_look(line, tmp_path):
    with line.db.write() as session:
        session.execute(select(Operator).where(Operator.badge == "1001")).scalar_one().active = False
    assert first_look(line.url, "BODY", "1001", NOW, QUEUE_PAGE) is None
    assert first_look(line.url, "BODY", SUPERVISOR, NOW, QUEUE_PAGE) is not None
    with sqlite3.connect(line.path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0001'")
    assert first_look(line.url, "BODY", SUPERVISOR, NOW, QUEUE_PAGE) is None
    assert first_look(f"sqlite:///{tmp_path / 'none.db'}", "BODY", SUPERVISOR, NOW, QUEUE_PAGE) is None
    assert first_look("postgresql://plant/neofloor", "BODY", SUPERVISOR, NOW, QUEUE_PAGE) is None
    assert not (tmp_path / "none.db").exists()


async def test_the_terminal_shows_the_first_look_and_records_scans_sent_before_the_store_opened(
    make_app, line, monkeypatch
):
    """The store's opening is held back: the station's cars are on screen without it, and
    two cars scanned meanwhile are started once the plant is open, in the order scanned."""
    expected = services_look(line.db, "TRIM1", TRIM1_OPERATOR, NOW)
    gate = open_late(monkeypatch)
    app = make_app()
    first, second = [car.vin for car in expected.queue if not car.held][:2]
    with line.db.read() as session:
        before = session.execute(select(func.max(StationEvent.id))).scalar_one()

    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.opening)
        screen = app.screen
        assert isinstance(screen, StationScreen)
        assert app.database is None and app.opening
        # The badge given at start is known, but nobody is signed in before the PIN.
        assert expected.operator is not None and app.operator is None and app.station == "TRIM1"
        table = screen.query_one("#cars", DataTable)
        shown = [str(key.value) for key in table.rows]
        assert shown == [car.vin for car in (*expected.inside, *expected.queue)]

        for sent, vin in enumerate((first, second), start=1):
            screen.query_one("#scan", Input).value = vin
            await pilot.press("enter")
            await pilot.pause(SCAN_FIELD_HOLD_SECONDS + 0.05)
            outcome = screen.query_one("#last-result", LastResult).outcome
            assert outcome.title == "OPENING THE PLANT" and vin in outcome.sentence
            assert ("2 scans waiting" in outcome.sentence) == (sent == 2)

        gate.set()
        await settle(pilot, lambda: isinstance(app.screen, SignInDialog))
        assert screen._scans_waiting == [first, second]  # they wait for the sign-in
        await type_pin(pilot, app.screen)
        await settle(pilot, lambda: app.database is not None and not screen._scans_waiting)
        await settle(pilot, lambda: outcome_kind(screen) == "done" and second in last_sentence(screen))
    with line.db.read() as session:
        started = session.execute(
            select(Vehicle.vin)
            .join(StationEvent, StationEvent.vehicle_id == Vehicle.id)
            .where(StationEvent.id > before, StationEvent.kind == "start")
            .order_by(StationEvent.id)
        ).scalars()
        assert list(started) == [first, second]


async def test_a_terminal_started_without_a_badge_shows_its_cars_then_asks_who_signs_in(
    make_app, line, monkeypatch
):
    """As a terminal starts on the floor (``neofloor --station TRIM1``): the cars first, then the sign-in."""
    expected = services_look(line.db, "TRIM1", None, NOW)
    gate = open_late(monkeypatch)
    app = make_app(badge=None)

    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.opening)
        screen = app.screen
        assert isinstance(screen, StationScreen) and app.operator is None
        shown = [str(key.value) for key in screen.query_one("#cars", DataTable).rows]
        assert shown == [car.vin for car in (*expected.inside, *expected.queue)]
        gate.set()
        await until(pilot, lambda: isinstance(app.screen, SignInDialog))
        assert app.database is not None


def open_late(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Hold the store's opening (in the app's worker thread) until the returned event is set."""
    gate = threading.Event()
    opening = Database.__init__

    def opened_late(self: Database, *args: object, **kwargs: object) -> None:
        if threading.current_thread() is not threading.main_thread():
            gate.wait(10)
        opening(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Database, "__init__", opened_late)
    return gate


async def until(pilot, condition, timeout: float = 5.0) -> None:
    """Wait for ``condition`` without waiting on the app's workers (one of them is held)."""
    for _ in range(int(timeout / 0.02)):
        if condition():
            break
        await pilot.pause(0.02)
    else:
        raise AssertionError("the app did not get there in time")
    await pilot.pause()


def last_sentence(screen: StationScreen) -> str:
    return screen.query_one("#last-result", LastResult).outcome.sentence


def outcome_kind(screen: StationScreen) -> str:
    return screen.query_one("#last-result", LastResult).outcome.kind
