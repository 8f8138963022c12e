"""``neofloor check``: is the plant whole, and does every car's current state follow from its ledger?

Three kinds of check, each streaming (a ten-year plant has 3.2 M events; memory stays flat):

- the store's own: SQLite's ``integrity_check`` and ``foreign_key_check``; on PostgreSQL, indexes
  left invalid, constraints not validated, and id sequences behind their table (the next insert
  would fail); on both, the schema at the revision this code writes;
- every car against the replay of its ledger: the state and station its events lead to, and its
  last event;
- the station visits against their events: one visit per start, one closed visit per completion.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, inspect, text
from sqlmodel import Session

from neofloor.i18n import _
from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.records import PlantCatalog
from neofloor.store.kinds import EventKind, VehicleState
from neofloor.store.revision import HEAD_REVISION

# Rows read per round trip while streaming the cars and the ledger.
STREAM_ROWS = 20_000
# Problems listed in full; beyond that, only counted.
LISTED_PROBLEMS = 50


@dataclass
class _Found:
    listed: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, problem: str) -> None:
        self.count += 1
        if len(self.listed) < LISTED_PROBLEMS:
            self.listed.append(problem)


@dataclass(frozen=True)
class CheckReport:
    """What ``check_plant`` found: counts of what it read, and every problem (the first ones listed)."""

    store: str
    cars: int
    events: int
    visit_pairs: int
    problems: tuple[str, ...]
    problem_count: int
    # Cars with an event kind this code does not replay: checked for their last event only.
    unreplayed_cars: int

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def message(self) -> str:
        read = _("{cars} cars, {events} events, visits of {visit_pairs} car-station pairs").format(
            cars=self.cars, events=self.events, visit_pairs=self.visit_pairs
        )
        if self.ok:
            return _("Plant consistent ({store}): {read} checked.").format(store=self.store, read=read)
        more = self.problem_count - len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        tail = _("\n  ... and {more} more.").format(more=more) if more else ""
        head = _("Plant NOT consistent ({store}): {problem_count} problem(s) in {read}.").format(
            store=self.store, problem_count=self.problem_count, read=read
        )
        return f"{head}\n{lines}{tail}"


def check_plant(session: Session) -> CheckReport:
    """Check the store, every car against its ledger and the visits against their events (reads only)."""
    conn = session.connection()
    found = _Found()
    dialect = conn.dialect.name
    revision = _revision(conn)
    if revision != HEAD_REVISION:
        found.add(
            _("schema at revision {revision}, this neofloor writes {head}: run 'neofloor upgrade'.").format(
                revision=revision or "none", head=HEAD_REVISION
            )
        )
    if dialect == "sqlite":
        _sqlite_integrity(conn, found)
    else:
        _postgres_integrity(conn, found)
    catalog = plant_catalog(session)
    cars, events, unreplayed = _cars_against_ledger(conn, catalog, found)
    pairs = _visits_against_events(conn, found)
    return CheckReport(
        store="SQLite" if dialect == "sqlite" else "PostgreSQL",
        cars=cars,
        events=events,
        visit_pairs=pairs,
        problems=tuple(found.listed),
        problem_count=found.count,
        unreplayed_cars=unreplayed,
    )


def _revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if value is None else str(value)


# --- the store's own checks ---------------------------------------------------------------


def _sqlite_integrity(conn: Connection, found: _Found) -> None:
    for (line,) in conn.exec_driver_sql("PRAGMA integrity_check"):
        if line != "ok":
            found.add(_("SQLite integrity: {line}").format(line=line))
    for table, rowid, parent, _key in conn.exec_driver_sql("PRAGMA foreign_key_check"):
        found.add(
            _("{table} row {rowid} points at a missing {parent} row.").format(
                table=table, rowid=rowid, parent=parent
            )
        )


def _postgres_integrity(conn: Connection, found: _Found) -> None:
    invalid_indexes = conn.exec_driver_sql(
        "SELECT indexrelid::regclass::text FROM pg_index JOIN pg_class ON pg_class.oid = indrelid "
        "WHERE NOT indisvalid AND pg_class.relnamespace = 'public'::regnamespace"
    )
    for (name,) in invalid_indexes:
        found.add(
            _("index {name} is invalid (a failed CREATE INDEX CONCURRENTLY?): REINDEX it.").format(name=name)
        )
    unvalidated = conn.exec_driver_sql(
        "SELECT conrelid::regclass::text, conname FROM pg_constraint "
        "WHERE NOT convalidated AND connamespace = 'public'::regnamespace"
    )
    for table, name in unvalidated:
        found.add(_("constraint {name} on {table} is not validated.").format(name=name, table=table))
    sequences = conn.exec_driver_sql(
        "SELECT c.table_name, pg_get_serial_sequence(quote_ident(c.table_name), 'id') "
        "FROM information_schema.columns c WHERE c.table_schema = current_schema() AND c.column_name = 'id'"
    ).all()
    for table, sequence in sequences:
        if sequence is None:
            continue
        highest = conn.exec_driver_sql(f'SELECT max(id) FROM "{table}"').scalar() or 0
        last, called = conn.exec_driver_sql(f"SELECT last_value, is_called FROM {sequence}").one()
        next_id = last + 1 if called else last
        if next_id <= highest:
            found.add(
                _("{table}: its id sequence would hand out {next_id}, but ids go up to {highest}.").format(
                    table=table, next_id=next_id, highest=highest
                )
            )


# --- every car against its ledger ----------------------------------------------------------


@dataclass(frozen=True)
class _Replayed:
    state: str
    station_id: int | None


class _Unreplayable(Exception):
    """An event kind this code does not know how to replay."""


def _replay(events: list[tuple[Any, ...]], catalog: PlantCatalog) -> _Replayed:
    """The state and station a car's events, in order, lead to (as the services moved it)."""
    bay = catalog.repair_bay
    yard = catalog.yard
    last_production = catalog.last_production_station
    state, station_id, resume = "", None, None
    for _id, kind, event_station in events:
        if kind == EventKind.PLAN:
            state, station_id = VehicleState.PLANNED, catalog.route[0].id
        elif kind == EventKind.START:
            state, station_id = VehicleState.IN_STATION, event_station
        elif kind == EventKind.COMPLETE:
            done = catalog.station_by_id(event_station)
            following = catalog.next_station(done) if done is not None else None
            if done == last_production or following is None or not following.is_production:
                state, station_id = VehicleState.FINISHED, (yard.id if yard else None)
            else:
                state, station_id = VehicleState.QUEUED, following.id
        elif kind == EventKind.HOLD:
            state, resume = VehicleState.HELD, state
        elif kind == EventKind.RELEASE:
            state, resume = resume or VehicleState.QUEUED, None
        elif kind in (EventKind.TO_REPAIR, EventKind.REPAIR_START, EventKind.REPAIR_COMPLETE):
            state, station_id, resume = VehicleState.IN_REPAIR, (bay.id if bay else None), None
        elif kind in (EventKind.FROM_REPAIR, EventKind.OVERRIDE):
            state, station_id, resume = VehicleState.QUEUED, event_station, None
        elif kind == EventKind.DELIVER:
            state, station_id = VehicleState.DELIVERED, event_station
        else:
            raise _Unreplayable(kind)
    return _Replayed(state, station_id)


def _stream(conn: Connection, sql: str) -> Iterator[Any]:
    """Rows fetched a batch at a time (a server-side cursor on PostgreSQL): memory stays flat."""
    result = conn.execution_options(stream_results=True).exec_driver_sql(sql)
    yield from result.yield_per(STREAM_ROWS)


def _cars_against_ledger(conn: Connection, catalog: PlantCatalog, found: _Found) -> tuple[int, int, int]:
    """Merge the cars (by id) with their events (by car, then id), one car's events in memory at a time."""
    cars = _stream(conn, "SELECT id, vin, state, station_id, last_event_id FROM vehicle ORDER BY id")
    events = groupby(
        _stream(conn, "SELECT vehicle_id, id, kind, station_id FROM station_event ORDER BY vehicle_id, id"),
        key=lambda row: row[0],
    )
    car_count = event_count = unreplayed = 0
    pending = next(events, None)
    for car_id, vin, state, station_id, last_event_id in cars:
        car_count += 1
        while pending is not None and pending[0] < car_id:
            orphans = list(pending[1])
            event_count += len(orphans)
            found.add(
                _("{count} event(s) of car id {pending}, which is not in the plant.").format(
                    count=len(orphans), pending=pending[0]
                )
            )
            pending = next(events, None)
        if pending is None or pending[0] != car_id:
            found.add(_("{vin} has no event in the ledger.").format(vin=vin))
            continue
        history = [row[1:] for row in pending[1]]
        pending = next(events, None)
        event_count += len(history)
        if last_event_id != history[-1][0]:
            found.add(
                _("{vin} points at event {last_event_id}, but its last event is {last}.").format(
                    vin=vin, last_event_id=last_event_id, last=history[-1][0]
                )
            )
        try:
            replayed = _replay(history, catalog)
        except _Unreplayable:
            unreplayed += 1
            continue
        if (state, station_id) != (replayed.state, replayed.station_id):
            found.add(
                _("{vin} is {state} at {where}, but its ledger says {state2} at {where2}.").format(
                    vin=vin,
                    state=state,
                    where=_where(catalog, station_id),
                    state2=replayed.state,
                    where2=_where(catalog, replayed.station_id),
                )
            )
    while pending is not None:
        orphans = list(pending[1])
        event_count += len(orphans)
        found.add(
            _("{count} event(s) of car id {pending}, which is not in the plant.").format(
                count=len(orphans), pending=pending[0]
            )
        )
        pending = next(events, None)
    return car_count, event_count, unreplayed


def _where(catalog: PlantCatalog, station_id: int | None) -> str:
    return catalog.station_code(station_id) or "nowhere"


# --- the visits against their events ------------------------------------------------------

# Per car and station: a visit for every start, a closed visit for every completion.
_VISITS_SQL = """
SELECT vehicle.vin, station.code, t.starts, t.completes, t.visits, t.closed
FROM (
    SELECT u.vehicle_id, u.station_id, sum(u.starts) AS starts, sum(u.completes) AS completes,
           sum(u.visits) AS visits, sum(u.closed) AS closed
    FROM (
        SELECT vehicle_id, station_id,
               CASE WHEN kind = 'start' THEN 1 ELSE 0 END AS starts,
               CASE WHEN kind = 'complete' THEN 1 ELSE 0 END AS completes,
               0 AS visits, 0 AS closed
        FROM station_event WHERE kind IN ('start', 'complete')
        UNION ALL
        SELECT vehicle_id, station_id, 0, 0, 1, CASE WHEN completed_at IS NULL THEN 0 ELSE 1 END
        FROM station_visit
    ) AS u
    GROUP BY u.vehicle_id, u.station_id
    HAVING sum(u.starts) <> sum(u.visits) OR sum(u.completes) <> sum(u.closed)
) AS t
LEFT OUTER JOIN vehicle ON vehicle.id = t.vehicle_id
LEFT OUTER JOIN station ON station.id = t.station_id
"""


def _visits_against_events(conn: Connection, found: _Found) -> int:
    for vin, station, starts, completes, visits, closed in _stream(conn, _VISITS_SQL):
        found.add(
            _(
                "{car} at {station}: {starts} start(s) and {completes} completion(s), "
                "but {visits} visit(s), {closed} of them closed."
            ).format(
                car=vin or _("a car not in the plant"),
                station=station or _("an unknown station"),
                starts=starts,
                completes=completes,
                visits=visits,
                closed=closed,
            )
        )
    pairs = conn.exec_driver_sql(
        "SELECT count(*) FROM (SELECT DISTINCT vehicle_id, station_id FROM station_visit) AS pairs"
    ).scalar()
    return int(pairs or 0)
