"""A station terminal's first view, read with the standard library's sqlite3.

Importing the store (SQLAlchemy, SQLModel and the tables) takes longer on a station
PC than starting the whole terminal. So that an operator who switches the terminal
on sees the station's cars at once, the terminal reads its first view here, with
plain SQL on a read-only connection, and imports the store beside it; once the
store is open the view is read again through the services, and from then on only
through them. Nothing here writes.

This reading repeats a few of the services' queries (the catalog, a badge, the cars
in and waiting for a station, its counts, its open stop, its work instructions);
``tests/tui/test_first_look.py`` holds the two readings equal on every station
of the test line and of the demo plant. It reads only a plant at the schema revision
this code knows; any other case (no file, an old schema, an unknown station or
badge, the repair bay) returns None and the terminal starts the usual way.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from neofloor.services.plant.records import (
    CarSummary,
    ModelInfo,
    OperatorInfo,
    PlantCatalog,
    StationInfo,
    Stop,
    car_from_row,
    instructions_for,
    plant_catalog_of,
    stop_from_row,
    wip_counts,
)
from neofloor.store.kinds import IN_PLANT_SQL, inside_sql, waiting_sql
from neofloor.store.revision import HEAD_REVISION

# As many as the services' station terminal reads (queries.CARS_IN_STATION_LIMIT).
CARS_IN_STATION = 32

_CAR_COLUMNS = (
    "vin, build_seq, model_id, color_id, state, station_id, state_since, options, option_notes, "
    "hold_reason, order_ref"
)
_IN_STATION_SQL = (
    f"SELECT {_CAR_COLUMNS} FROM vehicle WHERE station_id = ? AND vehicle.{IN_PLANT_SQL} "
    f"AND {inside_sql('vehicle')} ORDER BY state_since DESC, build_seq LIMIT {CARS_IN_STATION}"
)
_QUEUE_SQL = (
    f"SELECT {_CAR_COLUMNS} FROM vehicle WHERE station_id = ? AND vehicle.{IN_PLANT_SQL} "
    f"AND {waiting_sql('vehicle')} ORDER BY build_seq LIMIT ?"
)
_COUNTS_SQL = (
    f"SELECT station_id, state, resume_state, count(*) FROM vehicle WHERE station_id = ? "
    f"AND vehicle.{IN_PLANT_SQL} GROUP BY state, resume_state"
)
# An open stop has no end and nobody who ended it (NULLs, as ``andon.open_stops`` reads them).
_OPEN_STOP_SQL = (
    "SELECT downtime.id, reason.code, reason.description, downtime.started_at, NULL, raised.name, "
    "NULL, downtime.note FROM downtime "
    "LEFT OUTER JOIN downtime_reason AS reason ON reason.id = downtime.reason_id "
    "LEFT OUTER JOIN operator AS raised ON raised.id = downtime.raised_by_id "
    "WHERE downtime.ended_at IS NULL AND downtime.station_id = ?"
)


@dataclass(frozen=True)
class FirstLook:
    """What the station terminal shows first: the plant, who is signed in (if a badge was given), the cars."""

    catalog: PlantCatalog
    station: str
    operator: OperatorInfo | None
    inside: list[CarSummary]
    queue: list[CarSummary]
    waiting_count: int
    held_count: int
    open_stop: Stop | None
    instructions: dict[tuple[str, str], list[str]]


def first_look(
    database_url: str, station_code: str, badge: str | None, now: datetime, queue_page: int
) -> FirstLook | None:
    """The station's first view from a SQLite plant file, or None when the services must read it."""
    path = sqlite_file(database_url)
    if path is None or not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        return _read(connection, station_code, badge, now, queue_page)
    except sqlite3.Error:
        return None  # a schema or a file this reading does not know: the services will say what is wrong
    finally:
        connection.close()


def _read(
    connection: sqlite3.Connection, station_code: str, badge: str | None, now: datetime, queue_page: int
) -> FirstLook | None:
    # One read transaction: the cars, their counts and the stop all come from one moment.
    connection.execute("BEGIN")
    if connection.execute("SELECT version_num FROM alembic_version").fetchall() != [(HEAD_REVISION,)]:
        return None
    catalog = _catalog(connection)
    wanted = station_code.strip().upper()
    station = next((s for s in catalog.stations if s.code == wanted), None)
    if station is None or not station.is_production:
        return None
    operator = None
    if badge is not None:
        operator = _operator(connection, badge.strip())
        if operator is None:
            return None  # the services say why the badge is refused
    inside = [_car(catalog, row) for row in connection.execute(_IN_STATION_SQL, (station.id,))]
    queue = [_car(catalog, row) for row in connection.execute(_QUEUE_SQL, (station.id, queue_page))]
    _in, waiting, held = wip_counts(connection.execute(_COUNTS_SQL, (station.id,))).get(station.id, (0, 0, 0))
    return FirstLook(
        catalog=catalog,
        station=station.code,
        operator=operator,
        inside=inside,
        queue=queue,
        waiting_count=waiting,
        held_count=held,
        open_stop=_open_stop(connection, station, now),
        instructions=_instructions(connection, catalog, station, [*inside, *queue]),
    )


def _catalog(connection: sqlite3.Connection) -> PlantCatalog:
    settings = dict(connection.execute("SELECT key, value FROM plant_setting").fetchall())
    stations = tuple(
        StationInfo(*row)
        for row in connection.execute(
            "SELECT id, code, name, kind, position, ideal_cycle_seconds, description FROM station ORDER BY id"
        )
    )
    models = tuple(
        ModelInfo(*row)
        for row in connection.execute(
            "SELECT id, code, name, powertrain, vin_prefix FROM vehicle_model ORDER BY id"
        )
    )
    colors = {
        color_id: (code, name)
        for color_id, code, name in connection.execute("SELECT id, code, name FROM color")
    }
    return plant_catalog_of(settings, stations, models, colors)


def _operator(connection: sqlite3.Connection, badge: str) -> OperatorInfo | None:
    row = connection.execute(
        "SELECT id, badge, name, role, active, language FROM operator WHERE badge = ?", (badge,)
    ).fetchone()
    if row is None or not row[4]:
        return None
    # Certifications judged by today's UTC date (the services use the plant's; the first view
    # is redrawn by them within a second).
    certified = connection.execute(
        "SELECT station_id, expires_on FROM operator_station WHERE operator_id = ?", (row[0],)
    ).fetchall()
    today = datetime.now(UTC).date().isoformat()
    valid = frozenset(s for s, expires in certified if expires is None or today < expires)
    expired = tuple(
        sorted((s, date.fromisoformat(expires)) for s, expires in certified if expires and today >= expires)
    )
    return OperatorInfo(
        id=row[0], badge=row[1], name=row[2], role=row[3], station_ids=valid, expired=expired, language=row[5]
    )


def _car(catalog: PlantCatalog, row: tuple[Any, ...]) -> CarSummary:
    """A car as the services make it, its time given back its zone (column 6, ``state_since``)."""
    return car_from_row(catalog, (*row[:6], _utc(row[6]), *row[7:]))


def _open_stop(connection: sqlite3.Connection, station: StationInfo, now: datetime) -> Stop | None:
    row = connection.execute(_OPEN_STOP_SQL, (station.id,)).fetchone()
    if row is None:
        return None
    stop_id, code, reason, started, *rest = row
    return stop_from_row(station, (stop_id, code, reason, _utc(started), *rest), now)


def _instructions(
    connection: sqlite3.Connection, catalog: PlantCatalog, station: StationInfo, cars: list[CarSummary]
) -> dict[tuple[str, str], list[str]]:
    """Each car kind's instructions at this station (as ``queries.work_instructions`` picks them)."""
    rows = connection.execute(
        "SELECT model_id, option, text FROM work_instruction WHERE station_id = ? ORDER BY id", (station.id,)
    ).fetchall()
    instructions: dict[tuple[str, str], list[str]] = {}
    for car in cars:
        key = (car.model, car.options)
        if key in instructions:
            continue
        instructions[key] = instructions_for(rows, catalog.model_by_code(car.model).id, car.options)
    return instructions


def _utc(stored: str) -> datetime:
    """A time as the store keeps it on SQLite (naive UTC text), aware again."""
    return datetime.fromisoformat(stored).replace(tzinfo=UTC)


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names; None for another database or an in-memory one."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == prefix or ":memory:" in url:
        return None
    return Path(url.removeprefix(prefix).split("?", 1)[0])
