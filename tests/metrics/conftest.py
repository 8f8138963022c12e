"""Fixtures for the metrics tests: one hand-computed day shift of the demo plant.

Shift A of Thursday 2026-11-26 (Africa/Casablanca, UTC+1): 06:00-14:30 local, breaks
09:30-09:45 and 12:00-12:30, so 465 planned minutes; target 12 cars, takt 2325 s.
Every expected number in the tests is worked out by hand in the comments here.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from neofloor.services.plant.config import init_plant, load_plant_config
from neofloor.services.tracking.holds import hold_vehicle
from neofloor.store.engine import Database
from tests.conftest import ROUTE, SUPERVISOR, plan_cars, run_through
from tests.metrics.builders import (
    add_defect,
    add_override,
    add_stop,
    count_repair_visit,
    local,
    send_to_repair,
    through_qg,
)

SHIFT_LEAD = "4001"


@dataclass(frozen=True)
class ShiftDay:
    db: Database
    vins: list[str]

    @property
    def held_vin(self) -> str:
        return self.vins[7]

    @property
    def repair_vin(self) -> str:
        return self.vins[8]


def build_shift_day(db: Database) -> list[str]:
    """Shift A of 2026-11-26 with five cars through QG, stops, defects, a hold and a car in repair.

    Cars through QG (local time, QG cycle, lead time = 88 min + QG cycle):
      car 1  07:10  10 min   98 min  clean
      car 2  08:20  20 min  108 min  1 minor defect (open)
      car 3  10:05  30 min  118 min  2 defects (major verified, minor repaired)
      car 4  10:40  40 min  128 min  1 cancelled defect, 1 repair visit
      car 5  13:55  25 min  113 min  clean
    Not in the shift: car 6 passed QG the day before, car 7 at 14:30 sharp (shift B).
    Car 8 is held at TRIM2's queue, car 9 is in the repair bay, car 10 is only planned.
    """
    vins = plan_cars(db, 10)
    through_qg(db, vins[0], local(26, 7, 10), 10)
    through_qg(db, vins[1], local(26, 8, 20), 20)
    through_qg(db, vins[2], local(26, 10, 5), 30)
    through_qg(db, vins[3], local(26, 10, 40), 40)
    through_qg(db, vins[4], local(26, 13, 55), 25)
    through_qg(db, vins[5], local(25, 13, 0), 10)
    through_qg(db, vins[6], local(26, 14, 30), 10)
    run_through(db, vins[7], ROUTE[:3], local(26, 9, 0))
    with db.write() as session:
        hold_vehicle(session, vins[7], "Missing harness clip", SUPERVISOR, now=local(26, 9, 40))
    run_through(db, vins[8], ROUTE[:2], local(26, 10, 0))
    send_to_repair(db, vins[8], "TRIM1", local(26, 11, 0), "Paint touch-up on roof")

    add_defect(db, vins[1], "PT-DIRT", "PAINT", local(26, 7, 0), "open", "minor")
    add_defect(db, vins[2], "AS-DOOR", "TRIM2", local(26, 8, 30), "verified", "major")
    add_defect(db, vins[2], "AS-CLIP", "TRIM2", local(26, 8, 31), "repaired", "minor")
    add_defect(db, vins[3], "AS-TRIM", "TRIM1", local(26, 8, 40), "cancelled", "minor")
    count_repair_visit(db, vins[3])
    add_defect(db, vins[7], "AS-SEAT", "TRIM1", local(26, 9, 35), "open", "critical")
    add_defect(db, vins[8], "BD-WELD", "PAINT", local(26, 10, 50), "repaired", "critical")
    add_defect(db, vins[8], "EL-GND", "BODY", local(26, 10, 5), "cancelled", "critical")

    # Line stops, counted only in production time (breaks left out):
    #   PAINT EQP 09:00-10:00 -> 45 min (break 09:30-09:45)
    #   TRIM1 EQP 09:50-10:10 -> 20 min, 10 of them while PAINT was still down
    #   QG MAT 13:00-13:20 -> 20; BODY SAFE 05:30-06:10 -> 10 (shift starts 06:00)
    #   FINAL STAFF from 14:00, still open -> 30 up to the shift end
    #   WATER QUAL 12:10-12:25, inside the meal break -> 0
    # Line downtime (union) = 45 + 10 + 20 + 10 + 30 = 115 min.
    # The repair bay's IT stop (11:00-11:30, 30 min) is in the Pareto, not the line's downtime.
    add_stop(db, "PAINT", "EQP", local(26, 9, 0), local(26, 10, 0))
    add_stop(db, "TRIM1", "EQP", local(26, 9, 50), local(26, 10, 10))
    add_stop(db, "QG", "MAT", local(26, 13, 0), local(26, 13, 20))
    add_stop(db, "BODY", "SAFE", local(26, 5, 30), local(26, 6, 10))
    add_stop(db, "FINAL", "STAFF", local(26, 14, 0), None, "Two operators off sick")
    add_stop(db, "WATER", "QUAL", local(26, 12, 10), local(26, 12, 25))
    add_stop(db, "REPAIR", "IT", local(26, 11, 0), local(26, 11, 30))
    add_stop(db, "PAINT", "EQP", local(24, 9, 0), local(24, 9, 20))  # two days before: not counted

    add_override(db, vins[3], "QG", local(26, 10, 20), SUPERVISOR, "Released with supervisor approval")
    add_override(db, vins[6], "QG", local(26, 14, 45), SUPERVISOR, "In shift B, not A")
    return vins


@pytest.fixture(scope="module")
def shift_day_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The shift day built once per test module (about a hundred scans), as a closed SQLite file."""
    path = tmp_path_factory.mktemp("shift_day") / "plant.db"
    database = Database(f"sqlite:///{path}")
    with database.write() as session:
        init_plant(session, load_plant_config())
    vins = build_shift_day(database)
    database.dispose()  # the last connection closing folds the WAL back into the file
    assert not Path(f"{path}-wal").exists()
    return path, vins


@pytest.fixture
def shift_day(shift_day_file: tuple[Path, list[str]], tmp_path: Path) -> Iterator[ShiftDay]:
    """A fresh copy of the shift day for one test, free to write to."""
    source, vins = shift_day_file
    path = tmp_path / "shift_day.db"
    shutil.copyfile(source, path)
    database = Database(f"sqlite:///{path}")
    yield ShiftDay(db=database, vins=vins)
    database.dispose()
