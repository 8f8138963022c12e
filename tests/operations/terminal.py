"""A terminal in a process of its own, for the tests that run several at once or kill one.

    python -m tests.operations.terminal URL ACKS SEED OPERATIONS [VIN ...]

It scans, holds and releases the given cars at random (each in its own short transaction,
through the services, as a station terminal does) and appends one line per answer to ACKS,
flushed at once: ``ok EVENT_ID TIME`` once the write committed, ``refused CLASS`` for a
refusal of the plant's rules, ``error CLASS MESSAGE`` for anything else (which the tests
count as a failure: a lock error, a lost connection). OPERATIONS < 0 runs until killed.
"""

from __future__ import annotations

import os
import random
import sys
import time

from neofloor.services.plant.errors import NeofloorError
from neofloor.services.scan import record_scan
from neofloor.services.tracking.history import vehicle_history
from neofloor.services.tracking.holds import hold_vehicle, release_vehicle
from neofloor.store.engine import Database

SUPERVISOR = "3001"


def one_operation(database: Database, rng: random.Random, vin: str, terminal: str) -> int:
    """Hold, release or scan the car where it is (started there, or completed): the event's id."""
    with database.read() as session:
        car = vehicle_history(session, vin).car
    roll = rng.random()
    with database.write() as session:
        if car.state == "held":
            return release_vehicle(session, vin, SUPERVISOR, terminal=terminal).event_id
        if roll < 0.15:
            return hold_vehicle(session, vin, "Checked by the line leader", SUPERVISOR, terminal).event_id
        station = car.station or "BODY"
        return record_scan(session, station, vin, SUPERVISOR, terminal).event_id


def main(argv: list[str]) -> int:
    url, acks_path, seed, operations, *vins = argv
    rng = random.Random(int(seed))
    terminal = f"T-{os.getpid()}"
    database = Database(url)
    remaining = int(operations)
    with open(acks_path, "a", buffering=1, encoding="utf-8") as acks:
        while remaining != 0:
            remaining -= 1
            try:
                event_id = one_operation(database, rng, rng.choice(vins), terminal)
            except NeofloorError as exc:
                acks.write(f"refused {type(exc).__name__}\n")
            except Exception as exc:
                acks.write(f"error {type(exc).__name__} {str(exc).splitlines()[0] if str(exc) else ''}\n")
            else:
                acks.write(f"ok {event_id} {time.time():.6f}\n")
            acks.flush()
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
