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
    any_,
    bindparam,
    func,
    literal_column,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from neofloor.services.plant.catalog import PlantCatalog, StationInfo, plant_catalog
from neofloor.services.plant.records import CarSummary as CarSummary
from neofloor.services.plant.records import car_from_row as car_from_row
from neofloor.services.plant.records import wip_counts
from neofloor.store.kinds import inside_sql, waiting_sql
from neofloor.store.models import (
    IN_PLANT_SQL,
    VEHICLE_IN_PLANT,
    Downtime,
    Station,
    Vehicle,
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
def _board_cars_stmt(dialect: str = "sqlite") -> CompoundSelect[*tuple[Any, ...]]:
    """The first cars of every station's column, both lists, in one statement.

    For each station, a subquery picks its cars through ix_vehicle_wip (the newest
    arrivals in it; the first waiting, in build sequence) with a LIMIT, so a column
    costs the same however long the planned backlog is. The rows come back by car;
    the caller puts each column in order. PostgreSQL would run a correlated ``IN``
    in a join condition once per car and station (every car of the plant): there the
    picked ids are gathered once per station, ``= ANY(ARRAY(...))``.
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
        picked_ids = (
            col(Vehicle.id) == any_(func.array(ids.scalar_subquery()))
            if dialect == "postgresql"
            else col(Vehicle.id).in_(ids)
        )
        return (
            select(col(Station.id), literal_column(f"'{place}'"), *CAR_COLUMNS)
            .select_from(Station)
            .join(Vehicle, picked_ids)
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
    for row in session.execute(_board_cars_stmt(session.get_bind().dialect.name), params):
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
