"""What the floor looks at: station queues, the line board, a car's history.

Every query reads current-state columns through an index and returns plain
dataclasses, never ORM objects, so a screen can hold them after the session
closes. None of them replays the ledger or loads a whole table.

These run every second or two on every terminal, so they are written for a
ten-year plant as much as for SQLite: each statement is built once (bound
parameters, kept by ``functools.cache``, so SQLAlchemy compiles it once) and
reads columns, not ``Vehicle`` entities (no identity map to fill for a list of
cars). The "still in the plant" predicate stays literal in the SQL, where SQLite
can match it with the partial index ``ix_vehicle_wip``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    CursorResult,
    Select,
    bindparam,
    func,
    literal_column,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from neofloor.services.catalog import PlantCatalog, StationInfo, plant_catalog
from neofloor.services.errors import NotFound
from neofloor.services.records import CarSummary, car_from_row, instructions_for, wip_counts
from neofloor.services.vin import normalize_vin
from neofloor.store.kinds import inside_sql, waiting_sql
from neofloor.store.models import (
    IN_PLANT_SQL,
    VEHICLE_IN_PLANT,
    Defect,
    DefectCatalogEntry,
    DefectEvent,
    Downtime,
    Operator,
    ShiftNote,
    Station,
    StationEvent,
    StationVisit,
    Vehicle,
    WorkInstruction,
)

# How many cars a board column lists; the count covers them all.
BOARD_CARS_PER_STATION = 8
# How many cars in one station the station terminal lists.
CARS_IN_STATION_LIMIT = BOARD_CARS_PER_STATION * 4


def car_summary(catalog: PlantCatalog, v: Vehicle) -> CarSummary:
    """A car as the floor's lists show it, from its current-state columns."""
    model = catalog.model(v.model_id)
    return CarSummary(
        vin=v.vin,
        build_seq=v.build_seq,
        model=model.code,
        model_name=model.name,
        color=catalog.colors[v.color_id][1],
        state=v.state,
        station=catalog.station_code(v.station_id),
        since=v.state_since,
        options=v.options,
        option_notes=v.option_notes,
        hold_reason=v.hold_reason,
        order_ref=v.order_ref,
    )


# The columns a CarSummary is made of, in the order car_from_row reads them.
CAR_COLUMNS = (
    col(Vehicle.vin),
    col(Vehicle.build_seq),
    col(Vehicle.model_id),
    col(Vehicle.color_id),
    col(Vehicle.state),
    col(Vehicle.station_id),
    col(Vehicle.state_since),
    col(Vehicle.options),
    col(Vehicle.option_notes),
    col(Vehicle.hold_reason),
    col(Vehicle.order_ref),
)


def read_rows(
    session: Session, stmt: Any, params: dict[str, Any] | None = None
) -> CursorResult[*tuple[Any, ...]]:
    """A prebuilt read of columns, run on the session's connection: no ORM layer in between.

    The floor's reads run every second or two on every terminal and load no entities, so the
    ORM's execution step is pure overhead for them. A change the session still holds is
    written first, as the ORM's autoflush would.
    """
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection().execute(stmt, params or {})


def _summaries(session: Session, stmt: Any, params: dict[str, Any]) -> list[CarSummary]:
    catalog = plant_catalog(session)
    return [car_from_row(catalog, row) for row in read_rows(session, stmt, params)]


@cache
def _queue_stmt() -> Select[*tuple[Any, ...]]:
    return (
        select(*CAR_COLUMNS)
        .where(
            col(Vehicle.station_id) == bindparam("station"),
            VEHICLE_IN_PLANT,
            text(waiting_sql("vehicle")),
        )
        .order_by(col(Vehicle.build_seq))
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


@cache
def _in_station_stmt() -> Select[*tuple[Any, ...]]:
    return (
        select(*CAR_COLUMNS)
        .where(
            col(Vehicle.station_id) == bindparam("station"),
            VEHICLE_IN_PLANT,
            text(inside_sql("vehicle")),
        )
        .order_by(col(Vehicle.state_since).desc(), col(Vehicle.build_seq))
        .limit(CARS_IN_STATION_LIMIT)
    )


def station_queue(
    session: Session, station_code: str, *, limit: int = 50, offset: int = 0
) -> list[CarSummary]:
    """Cars waiting for this station (held ones included, marked), in build sequence."""
    station = plant_catalog(session).station(station_code)
    return _summaries(session, _queue_stmt(), {"station": station.id, "limit": limit, "offset": offset})


def cars_in_station(session: Session, station_code: str) -> list[CarSummary]:
    """Cars started and not yet completed at this station, the newest arrival first."""
    station = plant_catalog(session).station(station_code)
    return _summaries(session, _in_station_stmt(), {"station": station.id})


@dataclass(frozen=True)
class StationLoad:
    """One column of the line board."""

    station: StationInfo
    in_station: list[CarSummary]
    queue: list[CarSummary]
    in_station_count: int
    queue_count: int
    held_count: int
    open_stop_since: datetime | None

    @property
    def wip(self) -> int:
        return self.in_station_count + self.queue_count


@cache
def _wip_stmt() -> Select[*tuple[Any, ...]]:
    # ``station_id > 0`` rather than IS NOT NULL: the same cars (ids start at 1), and a range
    # SQLite can walk on ix_vehicle_wip even without planner statistics.
    return (
        select(col(Vehicle.station_id), col(Vehicle.state), col(Vehicle.resume_state), func.count())
        .where(VEHICLE_IN_PLANT, col(Vehicle.station_id) > 0)
        .group_by(col(Vehicle.station_id), col(Vehicle.state), col(Vehicle.resume_state))
    )


def _wip_by_station_id(session: Session) -> dict[int, tuple[int, int, int]]:
    """(in station, waiting, held) per station id; a car held keeps its place by its resume state."""
    return wip_counts(read_rows(session, _wip_stmt()))


def wip_per_station(session: Session) -> dict[str, tuple[int, int, int]]:
    """(in station, waiting, held) counts per station code, for cars still in the plant."""
    catalog = plant_catalog(session)
    by_id = _wip_by_station_id(session)
    return {s.code: by_id.get(s.id, (0, 0, 0)) for s in catalog.stations}


_PLACE_IN = "in"
_PLACE_WAITING = "waiting"


@cache
def _board_cars_stmt() -> CompoundSelect[*tuple[Any, ...]]:
    """The first cars of every station's column, both lists, in one statement.

    For each station, a subquery picks its cars through ix_vehicle_wip (the newest
    arrivals in it; the first waiting, in build sequence) with a LIMIT, so a column
    costs the same however long the planned backlog is. The rows come back by car;
    the caller puts each column in order.
    """
    picked = aliased(Vehicle, name="picked")
    in_plant = text(f"picked.{IN_PLANT_SQL}")
    here = col(picked.station_id) == col(Station.id)
    newest_inside = (
        select(col(picked.id))
        .where(here, in_plant, text(inside_sql("picked")))
        .order_by(col(picked.state_since).desc(), col(picked.build_seq))
        .limit(bindparam("inside"))
        .correlate(Station)
    )
    first_waiting = (
        select(col(picked.id))
        .where(here, in_plant, text(waiting_sql("picked")))
        .order_by(col(picked.build_seq))
        .limit(bindparam("waiting"))
        .correlate(Station)
    )

    def column(place: str, ids: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
        return (
            select(col(Station.id), literal_column(f"'{place}'"), *CAR_COLUMNS)
            .select_from(Station)
            .join(Vehicle, col(Vehicle.id).in_(ids))
        )

    return union_all(column(_PLACE_IN, newest_inside), column(_PLACE_WAITING, first_waiting))


@cache
def _open_stop_starts_stmt() -> Select[*tuple[Any, ...]]:
    return select(col(Downtime.station_id), col(Downtime.started_at)).where(text("downtime.ended_at IS NULL"))


def _board_seq(car: CarSummary) -> int:
    return car.build_seq


def _board_since(car: CarSummary) -> datetime:
    return car.since


def line_board(session: Session, *, cars_per_station: int = BOARD_CARS_PER_STATION) -> list[StationLoad]:
    """Every route station with its cars and counts; the planned backlog only counted."""
    catalog = plant_catalog(session)
    counts = _wip_by_station_id(session)
    open_stops: dict[int, datetime] = dict(read_rows(session, _open_stop_starts_stmt()).all())
    inside: dict[int, list[CarSummary]] = {}
    waiting: dict[int, list[CarSummary]] = {}
    shown = max(cars_per_station, 0)
    params = {"inside": min(shown, CARS_IN_STATION_LIMIT), "waiting": shown}
    for row in session.execute(_board_cars_stmt(), params):
        column = inside if row[1] == _PLACE_IN else waiting
        column.setdefault(row[0], []).append(car_from_row(catalog, row[2:]))
    board = []
    for station in (*catalog.route, *(s for s in catalog.stations if s.position is None)):
        if not station.is_production and station.kind != "repair":
            continue
        in_count, queue_count, held = counts.get(station.id, (0, 0, 0))
        newest = inside.get(station.id, [])
        newest.sort(key=_board_seq)
        newest.sort(key=_board_since, reverse=True)  # stable: the newest arrival first, then build order
        board.append(
            StationLoad(
                station=station,
                in_station=newest,
                queue=sorted(waiting.get(station.id, []), key=_board_seq),
                in_station_count=in_count,
                queue_count=queue_count,
                held_count=held,
                open_stop_since=open_stops.get(station.id),
            )
        )
    return board


@cache
def _marker_stmt() -> Select[*tuple[Any, ...]]:
    def newest(column: Any) -> Any:
        return select(func.max(column)).scalar_subquery()

    open_stops = (
        select(func.count()).select_from(Downtime).where(text("downtime.ended_at IS NULL")).scalar_subquery()
    )
    return select(
        newest(col(StationEvent.id)),
        newest(col(Defect.id)),
        newest(col(DefectEvent.id)),
        newest(col(Downtime.id)),
        newest(col(ShiftNote.id)),
        open_stops,
    )


def change_marker(session: Session) -> tuple[int, ...]:
    """A cheap fingerprint of the plant's state: it changes whenever any terminal writes.

    The newest ledger event, defect, defect step, andon stop and shift note, and how
    many stops are open (ending a stop adds no row). Six index look-ups, whatever the
    history, in one statement.
    """
    event, defect, defect_step, stop, note, open_stops = session.execute(_marker_stmt()).one()
    return (event or 0, defect or 0, defect_step or 0, stop or 0, note or 0, open_stops)


@dataclass(frozen=True)
class TimelineEvent:
    id: int
    at: datetime
    kind: str
    station: str | None
    operator: str | None
    terminal: str
    note: str


@dataclass(frozen=True)
class StationStay:
    station: str
    started_at: datetime
    completed_at: datetime | None
    seconds: float | None
    operator: str | None


@dataclass(frozen=True)
class DefectLine:
    id: int
    code: str
    description: str
    zone: str
    severity: str
    status: str
    station: str
    found_at: datetime


@dataclass(frozen=True)
class VehicleHistory:
    car: CarSummary
    model_name: str
    color_name: str
    planned_at: datetime
    first_start_at: datetime | None
    finished_at: datetime | None
    delivered_at: datetime | None
    events: list[TimelineEvent]
    stays: list[StationStay]
    defects: list[DefectLine]

    @property
    def lead_time_seconds(self) -> float | None:
        if self.first_start_at and self.finished_at:
            return (self.finished_at - self.first_start_at).total_seconds()
        return None


@cache
def _history_stmts() -> tuple[Select[*tuple[Any, ...]], ...]:
    car = select(
        *CAR_COLUMNS,
        col(Vehicle.id),
        col(Vehicle.planned_at),
        col(Vehicle.first_start_at),
        col(Vehicle.finished_at),
        col(Vehicle.delivered_at),
    ).where(col(Vehicle.vin) == bindparam("vin"))
    events = (
        select(
            col(StationEvent.id),
            col(StationEvent.at),
            col(StationEvent.kind),
            col(StationEvent.station_id),
            col(Operator.name),
            col(StationEvent.terminal),
            col(StationEvent.note),
        )
        .outerjoin(Operator, col(Operator.id) == col(StationEvent.operator_id))
        .where(col(StationEvent.vehicle_id) == bindparam("car"))
        .order_by(col(StationEvent.id))
    )
    stays = (
        select(
            col(Station.code),
            col(StationVisit.started_at),
            col(StationVisit.completed_at),
            col(StationVisit.cycle_seconds),
            col(Operator.name),
        )
        .join(Station, col(Station.id) == col(StationVisit.station_id))
        .outerjoin(Operator, col(Operator.id) == col(StationVisit.operator_id))
        .where(col(StationVisit.vehicle_id) == bindparam("car"))
        .order_by(col(StationVisit.started_at), col(StationVisit.id))
    )
    found_at = aliased(Station)
    defects = (
        select(
            col(Defect.id),
            col(DefectCatalogEntry.code),
            col(DefectCatalogEntry.description),
            col(Defect.zone),
            col(Defect.severity),
            col(Defect.status),
            col(found_at.code),
            col(Defect.found_at),
        )
        .join(DefectCatalogEntry, col(DefectCatalogEntry.id) == col(Defect.catalog_id))
        .join(found_at, col(found_at.id) == col(Defect.station_id))
        .where(col(Defect.vehicle_id) == bindparam("car"))
        .order_by(col(Defect.id))
    )
    return car, events, stays, defects


def vehicle_history(session: Session, raw_vin: str) -> VehicleHistory:
    """A car's full story: every ledger event, its time at each station, its defects."""
    catalog = plant_catalog(session)
    vin = normalize_vin(raw_vin)
    car_stmt, events_stmt, stays_stmt, defects_stmt = _history_stmts()
    row = session.execute(car_stmt, {"vin": vin}).first()
    if row is None:
        raise NotFound(f"Unknown VIN {vin or raw_vin!r}: it is not in the production plan.")
    car = car_from_row(catalog, row)
    vehicle_id, planned_at, first_start_at, finished_at, delivered_at = row[11:]
    params = {"car": vehicle_id}
    events = [
        TimelineEvent(e_id, at, kind, catalog.station_code(station_id), name, terminal, note)
        for e_id, at, kind, station_id, name, terminal, note in session.execute(events_stmt, params)
    ]
    stays = [
        StationStay(code, started, completed, seconds, name)
        for code, started, completed, seconds, name in session.execute(stays_stmt, params)
    ]
    defects = [
        DefectLine(d_id, code, description, zone, severity, status, station_code, at)
        for d_id, code, description, zone, severity, status, station_code, at in session.execute(
            defects_stmt, params
        )
    ]
    return VehicleHistory(
        car=car,
        model_name=car.model_name,
        color_name=car.color,
        planned_at=planned_at,
        first_start_at=first_start_at,
        finished_at=finished_at,
        delivered_at=delivered_at,
        events=events,
        stays=stays,
        defects=defects,
    )


def work_instructions(session: Session, station_code: str, model: str, options: str) -> list[str]:
    """Instructions for this car at this station: station-wide, its model's, its options'."""
    catalog = plant_catalog(session)
    station = catalog.station(station_code)
    rows = session.execute(
        select(col(WorkInstruction.model_id), col(WorkInstruction.option), col(WorkInstruction.text))
        .where(col(WorkInstruction.station_id) == station.id)
        .order_by(col(WorkInstruction.id))
    ).all()
    return instructions_for(rows, catalog.model_by_code(model).id, options)


# A typed beginning matching more cars than this (a WMI, a model) is looked for newest first.
_PREFIX_SORT_LIMIT = 500


@cache
def _find_vin_stmts() -> dict[str, Select[*tuple[Any, ...]]]:
    vin, reversed_vin, seq = col(Vehicle.vin), col(Vehicle.vin_reversed), col(Vehicle.build_seq)
    newest_first = (seq + 0).desc()  # ``+ 0``: sort the matches, do not walk every car by build_seq
    return {
        "exact": select(vin).where(vin == bindparam("vin")),
        # A suffix is a prefix of the reversed VIN: a range on ix_vehicle_vin_reversed.
        "ending": select(vin)
        .where(reversed_vin >= bindparam("low"), reversed_vin < bindparam("high"))
        .order_by(newest_first)
        .limit(bindparam("limit")),
        # A beginning: a range of the VIN index, sorted when it holds a few hundred cars ...
        "starting": select(vin, seq)
        .where(vin >= bindparam("low"), vin < bindparam("high"))
        .limit(bindparam("limit")),
        # ... else the newest cars first, walking back until enough match (they are common).
        "starting_newest": select(vin)
        .where(text("+vehicle.vin >= :low AND +vehicle.vin < :high"))
        .order_by(seq.desc())
        .limit(bindparam("limit")),
    }


def _prefix_range(prefix: str) -> dict[str, str]:
    """Bounds of the strings that start with ``prefix`` (VIN characters are ASCII letters and digits)."""
    return {"low": prefix, "high": prefix[:-1] + chr(ord(prefix[-1]) + 1)}


def find_vins(session: Session, fragment: str, *, limit: int = 20) -> list[str]:
    """VINs ending or starting with a typed fragment (floor staff quote the last digits).

    Cars ending with it come first, then cars starting with it; each newest build first.
    Index ranges, whatever the size of the history.
    """
    text = normalize_vin(fragment)
    if len(text) < 4:
        return []
    stmts = _find_vin_stmts()
    if len(text) == 17:
        return list(session.execute(stmts["exact"], {"vin": text}).scalars())
    found = list(session.execute(stmts["ending"], {**_prefix_range(text[::-1]), "limit": limit}).scalars())
    if len(found) < limit:
        bounds = _prefix_range(text)
        starting = session.execute(stmts["starting"], {**bounds, "limit": _PREFIX_SORT_LIMIT}).all()
        if len(starting) < _PREFIX_SORT_LIMIT:
            newest = [vin for vin, _seq in sorted(starting, key=lambda row: row[1], reverse=True)]
        else:
            newest = list(session.execute(stmts["starting_newest"], {**bounds, "limit": limit}).scalars())
        found += [vin for vin in newest if vin not in found]
    return found[:limit]
