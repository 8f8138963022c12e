"""Recall containment and the build record, as the benchmark measures them.

``bench/measure.py`` times ``cars_through_station(session, model_code,
station_code, start, end)`` and ``cars_with_defect(session, defect_code, start,
end)``; they are the services of ``neofloor.services.traceability.recall``, so the figure is
what a quality engineer waits for.

:func:`measure_traceability` adds what a claim and a recall that acts wait for:

- ``build_record``: a car's whole record (``services.traceability.build_record``) for VINs
  spread over the whole history, each in its own read session, as the CLI and the screen
  read it;
- ``recall_hold_1000``: ``hold_recall`` putting 1,000 cars on hold in one write transaction,
  committed (the containment question included). A ten-year plant has far fewer than 1,000
  cars still at the plant at its end, so on a copy of the plant made for this figure, the
  1,000 newest cars that completed CHASSIS are turned back into cars waiting in the yard
  (their state columns only, in plain SQL) before each run; the hold then goes through the
  services exactly as ``neofloor recall cars --hold`` does.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.timing import Figure, figure, time_calls
from neofloor.services.traceability.build_record import build_record
from neofloor.services.traceability.containment import RecallQuery, hold_recall
from neofloor.services.traceability.recall import cars_through_station, cars_with_defect
from neofloor.store.engine import Database

__all__ = ["cars_through_station", "cars_with_defect", "measure_traceability"]

HOLD_CARS = 1000
HOLD_STATION = "CHASSIS"
HOLD_BADGE = "3001"  # a supervisor of the demo plant


def _hold_window(path: Path, count: int) -> tuple[datetime, datetime, list[int]]:
    """The period in which the ``count`` newest cars completed the hold station, and those cars' ids."""
    conn = sqlite3.connect(path)
    try:
        station = conn.execute("SELECT id FROM station WHERE code = ?", (HOLD_STATION,)).fetchone()[0]
        rows = conn.execute(
            "SELECT vehicle_id, max(completed_at) FROM station_visit WHERE station_id = ? "
            "AND completed_at IS NOT NULL GROUP BY vehicle_id ORDER BY 2 DESC LIMIT ?",
            (station, count),
        ).fetchall()
    finally:
        conn.close()
    first = datetime.fromisoformat(rows[-1][1]).replace(tzinfo=UTC)
    last = datetime.fromisoformat(rows[0][1]).replace(tzinfo=UTC)
    return first, last + timedelta(seconds=1), [r[0] for r in rows]


def _back_in_the_yard(path: Path, car_ids: list[int]) -> None:
    """The cars stand in the yard, not held (the state columns only; the ledger is left as it is)."""
    conn = sqlite3.connect(path)
    try:
        yard = conn.execute("SELECT id FROM station WHERE kind = 'yard'").fetchone()[0]
        marks = ",".join("?" * len(car_ids))
        conn.execute(
            f"UPDATE vehicle SET state = 'finished', station_id = ?, resume_state = NULL, "
            f"hold_reason = NULL WHERE id IN ({marks})",
            (yard, *car_ids),
        )
        conn.commit()
    finally:
        conn.close()


def measure_traceability(
    db: Database, path: Path, vins: list[str], *, records: int, holds: int
) -> dict[str, Figure]:
    """The build record on ``vins`` and a recall hold of 1,000 cars (on a copy of ``path``)."""

    def record(i: int) -> object:
        with db.read() as session:
            return build_record(session, vins[i % len(vins)])

    figures = {"build_record": time_calls(record, records)}

    copy = path.with_name(f"{path.stem}-recall-hold.db")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(path, copy)
    hold_db = Database(f"sqlite:///{copy}")
    try:
        start, end, car_ids = _hold_window(copy, HOLD_CARS)
        query = RecallQuery(station=HOLD_STATION, start=start, end=end)

        def hold(i: int) -> float:
            """One hold of the 1,000 cars, committed: its milliseconds (the reset before it untimed)."""
            hold_db.dispose()
            _back_in_the_yard(copy, car_ids)
            began = time.perf_counter()
            with hold_db.write() as session:
                result = hold_recall(session, query, f"Bench recall {i}", HOLD_BADGE, "bench")
            elapsed = (time.perf_counter() - began) * 1000
            # A small plant (the --quick smoke test) has fewer cars through the station: all of them.
            if len(result.held) != len(car_ids):
                raise RuntimeError(f"the hold held {len(result.held)} cars, not {len(car_ids)}")
            return elapsed

        hold(0)  # warm-up: statements compiled, pages read
        figures["recall_hold_1000"] = figure([hold(i + 1) for i in range(holds)])
    finally:
        hold_db.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
    return figures
