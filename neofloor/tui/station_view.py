"""What a station terminal shows, read in one transaction: its cars, their instructions, its stop.

At the repair bay, the cars in repair instead of a queue. Read in a worker thread; the
first look (read with sqlite3 before the store is open) is turned into the same view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from neofloor.tui.station_wording import QUEUE_PAGE

if TYPE_CHECKING:
    from neofloor.services.supervision.andon import Stop
    from neofloor.services.supervision.repair_time import CarInRepair
    from neofloor.services.tracking.first_look import FirstLook
    from neofloor.services.tracking.floor import CarSummary
    from neofloor.store.engine import Database

InstructionKey = tuple[str, str]  # (model code, options)


@dataclass(frozen=True)
class StationView:
    """The station's cars, read at one change marker (None: the first look, before the store)."""

    station: str
    inside: list[CarSummary]
    queue: list[CarSummary]
    queue_offset: int
    waiting_count: int
    held_count: int
    marker: tuple[int, ...] | None
    instructions: dict[InstructionKey, list[str]] = field(default_factory=dict)
    open_stop: Stop | None = None
    bay: list[CarInRepair] = field(default_factory=list)


def read_station(
    database: Database,
    station: str,
    at_bay: bool,
    offset: int,
    known: frozenset[InstructionKey],
    now: datetime,
) -> StationView:
    """Read the station (one page of its queue from ``offset``), with the instructions not ``known``."""
    from neofloor.services.supervision.andon import open_stops
    from neofloor.services.tracking.floor import cars_in_station, station_queue, wip_per_station
    from neofloor.services.tracking.history import work_instructions
    from neofloor.services.tracking.marker import change_marker

    with database.read() as session:
        # Read the marker first: a write after it is caught by the next poll.
        marker = change_marker(session)
        stop = next((s for s in open_stops(session, now=now) if s.station == station), None)
        if at_bay:
            from neofloor.services.supervision.repair_time import cars_in_repair

            bay = cars_in_repair(session, now=now)
            return StationView(station, [], [], 0, len(bay), 0, marker, {}, stop, bay)
        inside = cars_in_station(session, station)
        queue = station_queue(session, station, limit=QUEUE_PAGE, offset=offset)
        _in, waiting, held = wip_per_station(session).get(station, (0, 0, 0))
        instructions: dict[InstructionKey, list[str]] = {}
        for car in (*inside, *queue):
            key = (car.model, car.options)
            if key not in known and key not in instructions:
                instructions[key] = work_instructions(session, station, car.model, car.options)
        return StationView(station, inside, queue, offset, waiting, held, marker, instructions, stop)


def first_look_view(look: FirstLook) -> StationView:
    """The first look as a view: no marker yet, so the services read the station again."""
    return StationView(
        look.station,
        look.inside,
        look.queue,
        0,
        look.waiting_count,
        look.held_count,
        None,
        look.instructions,
        look.open_stop,
    )
