"""Messages that travel up to the app: the plant opened or changed, a car was asked for.

Workers post them from their threads (``post_message`` is thread safe) with plain
results; handlers run on the UI thread and set attributes downwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from neofloor.services.plant.catalog import PlantCatalog
    from neofloor.services.plant.operators import OperatorInfo
    from neofloor.services.tracking.first_look import FirstLook
    from neofloor.store.engine import Database


@dataclass
class FirstLookRead(Message):
    """The station's first view, read with sqlite3 while the store is still being imported."""

    look: FirstLook


@dataclass
class PlantOpened(Message):
    """The database answered: the plant's catalog, and who/where this terminal is."""

    database: Database
    catalog: PlantCatalog
    marker: tuple[int, ...]
    station: str | None
    # The person whose badge was given at start: asked for their PIN first (never signed in without it).
    operator: OperatorInfo | None
    # Why a --station or badge given at start was not taken (the services' sentence).
    station_problem: str = ""
    badge_problem: str = ""
    # The plant config's idle time before a terminal signs its person out.
    idle_minutes: float = 10.0
    # What the last check of the ledger's hash chains found wrong ("" when it passed or never ran).
    chain_warning: str = ""
    # The plant's default language ([plant] language), None when its config names none.
    language: str | None = None


@dataclass
class PlantUnavailable(Message):
    """The database could not be opened; the sentence says why."""

    reason: str
    # The server did not answer: the app tries again by itself.
    retry: bool = False


@dataclass
class PlantChanged(Message):
    """Some terminal wrote: the change marker moved."""

    marker: tuple[int, ...]


@dataclass
class VehicleRequested(Message):
    """Show this car's history (from a queue, the board, the palette)."""

    vin: str


@dataclass
class SignOutRecorded(Message):
    """The sign-out is in the audit trail, or the sentence why it could not be written."""

    problem: str = ""


@dataclass
class ChainChecked(Message):
    """What the last check of the ledger's hash chains found wrong ("" when nothing)."""

    warning: str
