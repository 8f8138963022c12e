"""What the app does before its first view has data: the first look and opening the plant.

Both run off the UI thread. Nothing here imports the store or the services at module
level: the store (SQLModel) alone takes about half a second to import, and the first
look is meant to be on screen before that (see ``neofloor.tui.app``).
"""

from __future__ import annotations

import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from neofloor.i18n import _
from neofloor.tui.messages import PlantOpened, PlantUnavailable

if TYPE_CHECKING:
    from sqlmodel import Session

    from neofloor.services.tracking.first_look import FirstLook

# How long the plant's opening waits for the first look to be read, then drawn, before it imports
# the store (the import would take the interpreter from the frame that shows it).
FIRST_LOOK_READ_WAIT_SECONDS = 1.0
FIRST_LOOK_DRAW_WAIT_SECONDS = 0.5
# The interpreter's switch interval while the first look is read (see FirstLookReader).
FIRST_LOOK_SWITCH_INTERVAL_SECONDS = 0.0002


class FirstLookReader:
    """The station's first look (``services.tracking.first_look``), read in a thread started with the app.

    It runs while Textual starts and composes the terminal, so that the station screen
    can show its cars in its first frame; nothing waits on it but the plant's opening.
    """

    def __init__(self, database_url: str, station: str, badge: str | None, now: datetime) -> None:
        self.look: FirstLook | None = None
        self.read = threading.Event()
        self.shown = False  # set on the UI thread only
        threading.Thread(
            target=self._read, args=(database_url, station, badge, now), name="first-look", daemon=True
        ).start()

    def _read(self, database_url: str, station: str, badge: str | None, now: datetime) -> None:
        # sqlite3 lets go of the interpreter for every row it steps to, and with the UI thread
        # busy starting, taking it back waits out the switch interval (5 ms) each time. A short
        # interval, for these few milliseconds only (its gain: docs/performance.md, "What each
        # start-up trick buys").
        interval = sys.getswitchinterval()
        sys.setswitchinterval(FIRST_LOOK_SWITCH_INTERVAL_SECONDS)
        try:
            from neofloor.services.tracking.first_look import first_look
            from neofloor.tui.screens.station import QUEUE_PAGE

            self.look = first_look(database_url, station, badge, now, QUEUE_PAGE)
        except Exception:
            # Whatever went wrong, the services read the plant next and say what it is.
            self.look = None
        finally:
            sys.setswitchinterval(interval)
            self.read.set()


def read_plant(
    database_url: str, station_code: str | None, badge: str | None
) -> PlantOpened | PlantUnavailable:
    """Open the database, read the catalog, check the --station and badge given (in a worker).

    Also what the terminal needs of the people services: the idle time before it signs its
    person out, and whether the last check of the ledger's chains failed.
    Raises what opening the database raised; a database without a plant is an answer.
    """
    from neofloor.services.people.auth import idle_sign_out_minutes
    from neofloor.services.people.language import plant_language
    from neofloor.services.plant.catalog import plant_catalog
    from neofloor.services.plant.errors import NeofloorError
    from neofloor.services.plant.operators import operator_by_badge
    from neofloor.services.tracking.marker import change_marker
    from neofloor.store.engine import Database

    database = Database(database_url, create=False)  # the app never makes a plant of an empty file
    with database.read() as session:
        catalog = plant_catalog(session)
        marker = change_marker(session)
        station, station_problem = None, ""
        if station_code:
            try:
                station = catalog.station(station_code).code
            except NeofloorError as exc:
                station_problem = str(exc)
        operator, badge_problem = None, ""
        if badge:
            try:
                operator = operator_by_badge(session, badge)
            except NeofloorError as exc:
                badge_problem = str(exc)
        idle_minutes = float(idle_sign_out_minutes(session))
        warning = chain_warning(session)
        language = plant_language(session)
    if not catalog.stations:
        return PlantUnavailable(_("This database has no plant yet: run 'neofloor init' or 'neofloor demo'."))
    return PlantOpened(
        database,
        catalog,
        marker,
        station,
        operator,
        station_problem,
        badge_problem,
        idle_minutes,
        warning,
        language,
    )


def chain_warning(session: Session) -> str:
    """What the header warns of: the last check of the ledger's chains, when it failed ("" else)."""
    from neofloor.services.people.verify import last_verify

    last = last_verify(session)
    if last is None or last.ok:
        return ""
    return "⚠ " + _("LEDGER CHECK FAILED: {detail}").format(detail=last.detail)


def missing_sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names when it does not exist (the app never creates a plant)."""
    from neofloor.services.tracking.first_look import sqlite_file

    path = sqlite_file(url)
    return None if path is None or path.exists() else path
