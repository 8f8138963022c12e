"""What the subcommands share: the database, who signs a write, a write and its sentence, the stations
and days typed, JSON.

Every write is signed: ``run_write`` (or ``signed_in`` for a command that writes on its own)
checks ``--operator BADGE`` with its PIN, typed at a prompt that does not echo, or taken from
``NEOFLOOR_PIN`` for scripts (an automated station gives its station account's secret there).
Reads need no PIN.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, is_dataclass
from datetime import date, datetime, time
from getpass import getpass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from neofloor.i18n import N_, _
from neofloor.services.plant.clock import to_local
from neofloor.services.plant.errors import InvalidInput, NotFound, PermissionDenied

if TYPE_CHECKING:
    from sqlmodel import Session

    # The store (SQLAlchemy, SQLModel) is imported by the commands that use it, not by the
    # parser: the terminal app, the default command, opens the plant after its first frame.
    from neofloor.services.plant.records import OperatorInfo
    from neofloor.store.engine import Database


T = TypeVar("T")


class Outcome(Protocol):
    """What a service write returns: at least the sentence to show on the floor."""

    @property
    def message(self) -> str: ...


class PrintableOutput:
    """A text stream that escapes control characters on the way out (``printable``).

    The commands print stored text (reasons, notes, names); wrapped around stdout and stderr
    while a command runs, nothing stored can move the reader's cursor or repaint the screen.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from neofloor.services.plant.text import printable

        return int(self._stream.write(printable(text, multiline=True)))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


PIN_ENV = "NEOFLOOR_PIN"


def read_pin(badge: str) -> str:
    """The PIN for ``badge``: ``NEOFLOOR_PIN``, else typed at a prompt without echo."""
    pin = os.environ.get(PIN_ENV)
    if pin is not None:
        return pin
    if not sys.stdin.isatty():
        raise PermissionDenied(
            _("Badge {badge} needs its PIN: type it at a terminal or set {variable}.").format(
                badge=badge, variable=PIN_ENV
            )
        )
    return getpass(_("PIN for badge {badge}: ").format(badge=badge))


def signed_in(args: argparse.Namespace, database: Database | None = None) -> OperatorInfo:
    """Who signs this write: ``--operator`` with its PIN, checked (and a failure counted) first.

    The sign-in commits on its own, so a wrong PIN is counted even though the write never runs.
    """
    from neofloor.services.people.auth import sign_in

    badge = str(getattr(args, "operator", "") or "").strip()
    if not badge:
        raise InvalidInput(_("Who is writing? Give --operator BADGE."))
    pin = read_pin(badge)
    with (database or open_database(args)).write() as session:
        return sign_in(session, badge, pin, args.terminal)


def run_write(args: argparse.Namespace, write: Callable[[Session], Outcome]) -> int:
    """Sign ``--operator`` in, then one service write in one transaction, then its sentence on stdout.

    Every write command comes through here (or through ``signed_in``); a refusal wrote nothing.
    """
    database = open_database(args)
    signed_in(args, database)
    with database.write() as session:
        result = write(session)
    print(result.message)
    return 0


def station_arg(args: argparse.Namespace, named: str | None, question: str = N_("Which station?")) -> str:
    """The station this command names, else the terminal's ``--station``; refused with neither.

    ``question`` is marked with ``N_`` by the caller and translated here, where it is shown.
    """
    station = named or args.station
    if not station:
        raise InvalidInput(_("{question} Give --station CODE.").format(question=_(question)))
    return str(station)


def open_database(args: argparse.Namespace, *, must_exist: bool = True) -> Database:
    """The database named by --db / NEOFLOOR_DATABASE_URL, upgraded to the current schema.

    One that is not a neofloor plant (an empty file, another application's) is refused, not created.
    """
    from neofloor.store.engine import Database, database_url, sqlite_path

    url = database_url(args.db)
    path = sqlite_path(url)
    if must_exist and path is not None and not path.exists():
        raise NotFound(
            _("No database at {path}: create one with 'neofloor init' or 'neofloor demo'.").format(path=path)
        )
    database = Database(url, create=not must_exist)
    if must_exist:
        speak_plant_language(database)
    return database


def speak_plant_language(database: Database) -> None:
    """The plant's language from now on, unless ``--lang`` or ``NEOFLOOR_LANG`` chose one."""
    from neofloor.i18n import apply_plant_language, language_chosen
    from neofloor.services.people.language import plant_language

    if not language_chosen():
        with database.read() as session:
            apply_plant_language(plant_language(session))


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


class Progress(Protocol):
    """What a long command reports: ``advance(done, total)``; a total of 0 means "not known"."""

    def __call__(self, done: int, total: int) -> None: ...


@contextmanager
def progress(description: str) -> Iterator[Progress]:
    """A progress bar on stderr for a command that can take more than a second on a big plant.

    Shown only when stderr is a terminal: in a pipe or a log nothing is drawn, so the
    command's normal output is all there is. Yields ``advance(done, total)``.
    """
    if not sys.stderr.isatty():
        yield _quiet
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield advance


def _quiet(done: int, total: int) -> None:
    """Progress in a pipe: nothing."""
