"""A small, deterministic line for the app's tests, and a clock that moves only when told.

The plant (times in Casablanca, UTC+1; ``NOW`` is 11:30):
- #1 finished the whole route;  #2 in CHASSIS;
- #3 in TRIM1 (electric, sunroof and alloys, with option notes, two defects);
- #4 (its TRIM1 serials already captured), #5 (held: paint run), #6 waiting at TRIM1;
  #7 waiting at PAINT (andon stop at PAINT);
- #8-#10 planned, waiting at BODY.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.pilot import Pilot

from neofloor.services.plant.config import init_plant, load_plant_config
from neofloor.services.quality.defects import add_defect
from neofloor.services.scan import record_scan
from neofloor.services.tracking.holds import hold_vehicle
from neofloor.services.tracking.planning import add_vehicle
from neofloor.store.engine import Database
from neofloor.store.models import Downtime, DowntimeReason, Operator, Station
from neofloor.tui.app import NeofloorApp
from neofloor.tui.dialogs.sign_in import SignInDialog
from tests.conftest import INSPECTOR, ROUTE, T0, TEST_PIN, fit_parts, give_test_pins, make_vin

NOW = T0 + timedelta(hours=2, minutes=30)
# Who scans at each station in the seeded history.
BADGE_AT = {
    "BODY": "1001",
    "PAINT": "1001",
    "TRIM1": "1002",
    "TRIM2": "1002",
    "CHASSIS": "1003",
    "FINAL": "1003",
    "EOL": "1004",
    "WATER": "1004",
    "QG": "2001",
}
TRIM1_OPERATOR = "1002"


class FrozenClock:
    """The app's clock in tests: stands still, moves when a test says so."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@dataclass(frozen=True)
class Line:
    """The seeded plant: its database, file and the cars' VINs by build sequence."""

    db: Database
    path: Path
    vins: dict[int, str]

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"


def _run(db: Database, vin: str, stations: tuple[str, ...], at: datetime) -> datetime:
    """Start and complete the car at each station, 10 minutes each, by that station's operator
    (who captures the serials the station asks for)."""
    for station in stations:
        with db.write() as session:
            record_scan(session, station, vin, BADGE_AT[station], f"T-{station}", now=at)
        at += timedelta(minutes=10)
        fit_parts(db, vin, station, at, BADGE_AT[station])
        with db.write() as session:
            record_scan(session, station, vin, BADGE_AT[station], f"T-{station}", now=at)
        at += timedelta(minutes=1)
    return at


def _start(db: Database, vin: str, station: str, at: datetime) -> None:
    """Start the car at the station; its serials there are captured at once, so it may complete."""
    with db.write() as session:
        record_scan(session, station, vin, BADGE_AT[station], f"T-{station}", now=at)
    fit_parts(db, vin, station, at, BADGE_AT[station])


def _seed(db: Database) -> dict[int, str]:
    """Plan the ten cars and move them to where the module docstring says."""
    cars = {
        1: ("C1", "WHT", "", ""),
        2: ("C1", "RED", "ALLOY17", ""),
        3: ("C1E", "BLU", "SUNROOF,ALLOY17", "Panoramic glass roof; dark headliner"),
        4: ("C1", "SND", "", ""),
        5: ("C1", "WHT", "", ""),
        6: ("C1E", "GRY", "SUNROOF", ""),
        7: ("C1", "BLU", "", ""),
        8: ("C1E", "WHT", "", ""),
        9: ("C1", "RED", "", ""),
        10: ("C1", "SND", "", ""),
    }
    vins: dict[int, str] = {}
    with db.write() as session:
        for n, (model, color, options, notes) in cars.items():
            vins[n] = add_vehicle(
                session,
                make_vin(n, model),
                model,
                color,
                f"ORD-{n:04d}",
                options=options,
                option_notes=notes,
                now=T0 - timedelta(days=1),
                badge="3001",
            )
    minutes = timedelta(minutes=1)
    _run(db, vins[1], ROUTE, T0)
    at = _run(db, vins[2], ROUTE[:4], T0 + 20 * minutes)
    _start(db, vins[2], "CHASSIS", at)
    _run(db, vins[3], ROUTE[:2], T0 + 40 * minutes)
    _start(db, vins[3], "TRIM1", T0 + 120 * minutes)
    _run(db, vins[4], ROUTE[:2], T0 + 60 * minutes)
    # #4's TRIM1 serials were scanned while it waited (kitted parts), so a scan can complete it.
    fit_parts(db, vins[4], "TRIM1", T0 + 90 * minutes, BADGE_AT["TRIM1"])
    _run(db, vins[5], ROUTE[:2], T0 + 80 * minutes)
    _run(db, vins[6], ROUTE[:2], T0 + 100 * minutes)
    _run(db, vins[7], ROUTE[:1], T0 + 120 * minutes)
    with db.write() as session:
        hold_vehicle(
            session, vins[5], "Paint run on the bonnet", "3001", "T-PAINT", now=T0 + 110 * minutes
        )
        add_defect(session, vins[3], "PAINT", "PT-RUN", "roof", "1001", now=T0 + 55 * minutes)
        add_defect(session, vins[3], "TRIM1", "EL-CONN", "electrical", INSPECTOR, now=T0 + 130 * minutes)
        # An open andon stop at PAINT (written directly: the andon service is another module's).
        paint = session.execute(select(Station.id).where(Station.code == "PAINT")).scalar_one()
        reason = session.execute(select(DowntimeReason.id).where(DowntimeReason.code == "MAT")).scalar_one()
        raised_by = session.execute(select(Operator.id).where(Operator.badge == "1001")).scalar_one()
        session.add(
            Downtime(
                station_id=paint,
                reason_id=reason,
                started_at=T0 + 140 * minutes,
                raised_by_id=raised_by,
                note="Primer drums late",
            )
        )
    return vins


@pytest.fixture(scope="session")
def seeded_plant(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, str]]:
    """The seeded plant, built once: each test gets its own copy of the file."""
    path = tmp_path_factory.mktemp("seeded") / "plant.db"
    database = Database(f"sqlite:///{path}")
    with database.write() as session:
        init_plant(session, load_plant_config())
    vins = _seed(database)
    database.dispose()  # the last connection closing folds the WAL into the file
    give_test_pins(path)  # a command run from a test signs in with the test plant's PIN
    return path, vins


@pytest.fixture
def line(seeded_plant: tuple[Path, dict[int, str]], tmp_path: Path) -> Iterator[Line]:
    template, vins = seeded_plant
    path = tmp_path / "plant.db"
    shutil.copyfile(template, path)
    database = Database(f"sqlite:///{path}")
    yield Line(database, path, vins)
    database.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def make_app(line: Line, clock: FrozenClock) -> Iterator[Callable[..., NeofloorApp]]:
    """An app on the seeded line: at TRIM1 with its operator signed in, unless told otherwise."""

    def make(
        *, station: str | None = "TRIM1", badge: str | None = TRIM1_OPERATOR, terminal: str = "T-TRIM1"
    ) -> NeofloorApp:
        return NeofloorApp(line.url, station=station, terminal=terminal, operator_badge=badge, clock=clock)

    yield make


async def settle(pilot: Pilot[None], until: Callable[[], bool] | None = None, timeout: float = 5.0) -> None:
    """Let workers finish and messages land; with ``until``, wait (up to ``timeout`` s) for it to hold."""
    app = pilot.app
    steps = int(timeout / 0.02)
    for _ in range(steps):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if until is None or until():
            break
        await pilot.pause(0.02)
    else:
        raise AssertionError("the app did not get there in time")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def opened(pilot: Pilot[None]) -> None:
    """Wait until the plant is open and the first view has loaded its data.

    An app given a badge at start asks its PIN: it is typed (the test plant's PIN), as the
    person at the terminal would, and the test goes on with them signed in.
    """
    app = pilot.app
    assert isinstance(app, NeofloorApp)
    await settle(
        pilot, lambda: app.catalog is not None and getattr(app.screen, "loaded_marker", 1) is not None
    )
    dialog = app.screen
    if isinstance(dialog, SignInDialog) and dialog.given_badge:
        await type_pin(pilot, dialog)
        await settle(
            pilot, lambda: app.operator is not None and getattr(app.screen, "loaded_marker", 1) is not None
        )
        app.clear_notifications()  # "Signed in: ...": the start of every test, not what it looks at


async def type_pin(pilot: Pilot[None], dialog: SignInDialog, pin: str = TEST_PIN) -> None:
    """At the sign-in dialog's PIN step (once its badge is known), type ``pin`` and Enter."""
    await settle(pilot, lambda: dialog.badge is not None)
    await pilot.press(*pin, "enter")
    await settle(pilot, lambda: not dialog.signing_in)


async def sign_in(pilot: Pilot[None], badge: str, pin: str = TEST_PIN) -> None:
    """Sign in as the floor does: F8 (signing out whoever is in), the badge and Enter, the PIN and Enter."""
    app = pilot.app
    assert isinstance(app, NeofloorApp)
    if not isinstance(app.screen, SignInDialog):
        await pilot.press("f8")
        await settle(pilot, lambda: isinstance(app.screen, SignInDialog))
    dialog = app.screen
    assert isinstance(dialog, SignInDialog)
    await pilot.press(*badge, "enter")
    await type_pin(pilot, dialog, pin)


@asynccontextmanager
async def drive(app: NeofloorApp, size: tuple[int, int] = (100, 30)) -> AsyncIterator[Pilot[None]]:
    """Run the app headless and wait until the plant is open: ``async with drive(app) as pilot:``."""
    async with app.run_test(size=size) as pilot:
        await opened(pilot)
        yield pilot


def plant_state(db: Database) -> tuple[object, ...]:
    """Everything a refused scan must leave as it was: marker, every car's state, the visits."""
    from sqlalchemy import func

    from neofloor.services.tracking.marker import change_marker
    from neofloor.store.models import StationVisit, Vehicle

    with db.read() as session:
        cars = session.execute(
            select(
                Vehicle.vin,
                Vehicle.state,
                Vehicle.station_id,
                Vehicle.last_scan_at,
                Vehicle.hold_reason,
                Vehicle.last_event_id,
            ).order_by(Vehicle.id)
        ).all()
        visits = session.execute(select(func.count()).select_from(StationVisit)).scalar()
        return (change_marker(session), tuple(cars), visits)


def car_state(db: Database, vin: str) -> tuple[str, str | None, str | None]:
    """A car's state, the station it is at or waits for, and its hold reason."""
    from neofloor.services.tracking.history import vehicle_history

    with db.read() as session:
        car = vehicle_history(session, vin).car
    return car.state, car.station, car.hold_reason


class Bell:
    """Counts the app's terminal bells (the headless driver makes no sound)."""

    def __init__(self, app: NeofloorApp) -> None:
        self.rings = 0
        app.bell = self.ring  # type: ignore[method-assign]

    def ring(self) -> None:
        self.rings += 1


def footer_actions(app: NeofloorApp) -> set[str]:
    """The actions of the keys offered now (those the signed-in person may use), in the footer or not."""
    return {
        active.binding.action.removeprefix("app.")
        for active in app.screen.active_bindings.values()
        if active.enabled
    }
