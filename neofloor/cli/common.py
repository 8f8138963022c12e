"""What the subcommands share: the database, a write and its sentence, the stations and days typed, JSON."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, is_dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from neofloor.services.plant.clock import to_local
from neofloor.services.plant.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from sqlmodel import Session

    # The store (SQLAlchemy, SQLModel) is imported by the commands that use it, not by the
    # parser: the terminal app, the default command, opens the plant after its first frame.
    from neofloor.store.engine import Database


T = TypeVar("T")


class Outcome(Protocol):
    """What a service write returns: at least the sentence to show on the floor."""

    @property
    def message(self) -> str: ...


def run_write(args: argparse.Namespace, write: Callable[[Session], Outcome]) -> int:
    """One service write in one transaction, then its sentence on stdout (a refusal wrote nothing)."""
    with open_database(args).write() as session:
        result = write(session)
    print(result.message)
    return 0


def station_arg(args: argparse.Namespace, named: str | None, question: str = "Which station?") -> str:
    """The station this command names, else the terminal's ``--station``; refused with neither."""
    station = named or args.station
    if not station:
        raise InvalidInput(f"{question} Give --station CODE.")
    return str(station)


def open_database(args: argparse.Namespace, *, must_exist: bool = True) -> Database:
    """The database named by --db / NEOFLOOR_DATABASE_URL, upgraded to the current schema.

    One that is not a neofloor plant (an empty file, another application's) is refused, not created.
    """
    from neofloor.store.engine import Database, database_url, sqlite_path

    url = database_url(args.db)
    path = sqlite_path(url)
    if must_exist and path is not None and not path.exists():
        raise NotFound(f"No database at {path}: create one with 'neofloor init' or 'neofloor demo'.")
    return Database(url, create=not must_exist)


@dataclass(frozen=True)
class PlantDays:
    """Plant-local days named on the command line, and the UTC period ``[start, end)`` they cover."""

    first: date
    last: date
    start: datetime
    end: datetime
    timezone: str


def plant_days(database: Database, first: str, last: str | None = None) -> PlantDays:
    """The plant-local days from ``first`` to ``last`` (one day without ``last``).

    Each is typed YYYY-MM-DD, today or yesterday.
    """
    from neofloor.services.plant.catalog import plant_catalog
    from neofloor.services.plant.shifts import local_days, parse_plant_date
    from neofloor.store.types import utcnow

    with database.read() as session:
        zone = plant_catalog(session).timezone
    now = utcnow()
    first_day = parse_plant_date(first, zone, now=now)
    last_day = first_day if last is None else parse_plant_date(last, zone, now=now)
    start, end = local_days(first_day, last_day, zone)
    return PlantDays(first_day, last_day, start, end, zone)


def read_days(
    args: argparse.Namespace, query: Callable[[Session, datetime, datetime], T]
) -> tuple[PlantDays, T]:
    """The plant day named by ``--date``, and what ``query`` reads over its UTC period."""
    database = open_database(args)
    days = plant_days(database, args.date)
    with database.read() as session:
        return days, query(session, days.start, days.end)


def printed_json(args: argparse.Namespace, value: Any) -> bool:
    """With ``--json``, print ``value`` as JSON and say so: the command then prints nothing more."""
    if args.json:
        print(to_json(value))
        return True
    return False


def plain(value: Any, zone: str | None = None) -> Any:
    """JSON-ready data: dataclasses as dicts, times in ISO 8601.

    With ``zone``, times are given in plant local time, with their UTC offset.
    """
    if isinstance(value, datetime) and zone is not None:
        return to_local(value, zone).isoformat()
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {k: plain(v, zone) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {k: plain(v, zone) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        return [plain(v, zone) for v in value]
    return value


def to_json(value: Any, zone: str | None = None) -> str:
    return json.dumps(plain(value, zone), indent=2, ensure_ascii=False)
