"""Simulated operators playing the line at takt, from now, so the board and the dashboard move.

For demonstrations and for training new operators on a plant that is not the real one.
Every write goes through the services, as a terminal's would: scans through
``services.scan.record_scan`` (so every rule holds: sequence, holds, the quality gate,
andon stops), defects logged, repaired and verified through the quality services, stops
raised and ended through the andon service. The simulator reads the line through the
line board's own read (``line_status``) and decides what is due:

- a car in a station is completed once its cycle has run (the station's ideal cycle,
  a little faster or slower, divided by the speed);
- an empty station starts the first car of its queue (held cars wait for a supervisor);
  BODY starts a car once a takt has passed since its last start;
- now and then an inspector logs a defect at a test station; a car with a serious
  defect is repaired and verified before the quality gate;
- now and then a station stops (andon) for a few minutes; no car moves there meanwhile.

The line ends at the quality gate: finished cars go to the yard, where the delivery
services (pre-delivery inspection, handover) would take them once they exist on this
branch. The simulator ignores the shift calendar: a demonstration at 20:00 still moves
the board (the dashboard's shift figures count only what falls in a shift).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import col

from neofloor.services.metrics.line_status import BoardCar, StationStatus, line_status
from neofloor.services.plant.catalog import PlantCatalog, StationInfo, plant_catalog
from neofloor.services.plant.errors import NeofloorError
from neofloor.services.quality.defect_repairs import repair_defect, verify_defect
from neofloor.services.quality.defects import add_defect
from neofloor.services.scan import record_scan
from neofloor.services.supervision.andon import end_andon, raise_andon
from neofloor.services.tracking.ledger import DOUBLE_SCAN_WINDOW
from neofloor.services.tracking.scans import blocking_defects
from neofloor.store.engine import Database
from neofloor.store.models import (
    DefectCatalogEntry,
    DowntimeReason,
    Operator,
    OperatorStation,
    Role,
    Station,
    StationKind,
    Vehicle,
)
from neofloor.store.types import utcnow

TERMINAL = "simulator"
# Per completed visit at a test station or the gate: the chance an inspector finds a defect.
DEFECT_CHANCE = 0.06
# Per simulated takt: the chance a station stops, and how long it stays stopped (in takts).
STOP_CHANCE = 0.08
STOP_TAKTS = (0.1, 0.3)
DEFAULT_TAKT_SECONDS = 2325.0  # 465 min of production / 12 cars: the demo plant's shift A


@dataclass
class SimulationSummary:
    """What a run wrote, counted: the sentence printed when it stops."""

    started: int = 0
    completed: int = 0
    defects: int = 0
    repairs: int = 0
    stops: int = 0
    refused: int = 0
    refusals: list[str] = field(default_factory=list)

    @property
    def writes(self) -> int:
        return self.started + self.completed + self.defects + 2 * self.repairs + 2 * self.stops

    @property
    def message(self) -> str:
        return (
            f"Simulated {self.started} starts and {self.completed} completions, {self.defects} defects "
            f"({self.repairs} repaired and verified), {self.stops} andon stops; "
            f"{self.refused} scans refused by the rules."
        )


@dataclass(frozen=True)
class _Crew:
    """Who does what: a certified operator per station, the bay's repairer, two inspectors."""

    scanner: dict[str, str]
    repairer: str
    inspector: str
    verifier: str
    supervisor: str


class LineSimulator:
    """Plays the line one step at a time: :meth:`step` does what is due at a moment."""

    def __init__(self, database: Database, *, speed: float = 1.0, seed: int | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.database = database
        self.speed = speed
        self.random = random.Random(seed)
        self.summary = SimulationSummary()
        with database.read() as session:
            self.catalog = plant_catalog(session)
            self.crew = _crew(session, self.catalog)
            self.defect_codes = [
                code
                for (code,) in session.execute(
                    select(col(DefectCatalogEntry.code)).order_by(col(DefectCatalogEntry.id))
                )
            ]
            self.reasons = [
                code
                for (code,) in session.execute(
                    select(col(DowntimeReason.code)).order_by(col(DowntimeReason.id))
                )
            ]
            status = line_status(session)
        self.takt = status.takt_seconds or DEFAULT_TAKT_SECONDS
        self.last_release: datetime | None = None
        self.cycles: dict[tuple[str, str], float] = {}
        self.stop_ends: dict[str, datetime] = {}

    @property
    def _boss(self) -> str:
        return self.crew.supervisor

    def seconds(self, takts: float) -> float:
        """Real seconds of ``takts`` at this speed."""
        return takts * self.takt / self.speed

    def step(self, now: datetime | None = None) -> int:
        """Do what is due at ``now`` (default: the clock); returns the number of writes made."""
        now = now or utcnow()
        before = self.summary.writes
        with self.database.read() as session:
            status = line_status(session, now=now)
        self._andon(status.stations, now)
        stopped = {s.station.code for s in status.stations if s.stop is not None}
        # Downstream first: a car completed at a station frees the next one's queue this step.
        for station_status in reversed(status.stations):
            station = station_status.station
            if station.code in stopped:
                continue
            for car in station_status.in_station:
                # A held car waits for a supervisor's release; it still fills the station.
                if not car.car.held and self._cycle_done(station, car, now):
                    self._complete(station, car, now)
            if not station_status.in_station:
                self._start_next(station, station_status, now)
        return self.summary.writes - before

    # --- what is due -------------------------------------------------------------

    def _cycle_done(self, station: StationInfo, car: BoardCar, now: datetime) -> bool:
        key = (station.code, car.car.vin)
        if key not in self.cycles:
            ideal = station.ideal_cycle_seconds or self.takt * 0.8
            cycle = min(ideal, self.takt * 0.9) * self.random.uniform(0.85, 1.05) / self.speed
            # Never inside the double-scan window: a completion that soon would be ignored.
            self.cycles[key] = max(cycle, DOUBLE_SCAN_WINDOW.total_seconds() + 1)
        return (now - car.car.since).total_seconds() >= self.cycles[key]

    def _complete(self, station: StationInfo, car: BoardCar, now: datetime) -> None:
        vin = car.car.vin
        if (
            station.kind in (StationKind.TEST, StationKind.QUALITY_GATE)
            and self.random.random() < DEFECT_CHANCE
        ):
            self._log_defect(station, vin, now)
        if station.kind == StationKind.QUALITY_GATE:
            self._repair_blocking(vin, now)
        if self._scan(station, vin, now):
            self.summary.completed += 1
            self.cycles.pop((station.code, vin), None)

    def _start_next(self, station: StationInfo, status: StationStatus, now: datetime) -> None:
        waiting = [c for c in status.queue if not c.car.held]
        if not waiting:
            return
        if station == self.catalog.route[0]:
            if self.last_release is not None and (now - self.last_release).total_seconds() < self.seconds(1):
                return
            self.last_release = now
        if self._scan(station, waiting[0].car.vin, now):
            self.summary.started += 1

    def _scan(self, station: StationInfo, vin: str, now: datetime) -> bool:
        badge = self.crew.scanner.get(station.code, self.crew.supervisor)
        return self._write(lambda session: record_scan(session, station.code, vin, badge, TERMINAL, now=now))

    def _log_defect(self, station: StationInfo, vin: str, now: datetime) -> None:
        if not self.defect_codes:
            return
        code = self.random.choice(self.defect_codes)
        zone = self.random.choice(("front", "rear", "left", "right", "roof", "interior"))
        if self._write(
            lambda session: add_defect(session, vin, station.code, code, zone, self.crew.inspector, now=now)
        ):
            self.summary.defects += 1

    def _repair_blocking(self, vin: str, now: datetime) -> None:
        with self.database.read() as session:
            car_id = session.execute(select(col(Vehicle.id)).where(col(Vehicle.vin) == vin)).scalar_one()
            blocking = blocking_defects(session, car_id)
        for line in blocking:
            defect_id = int(line.split("#", 1)[1].split(" ", 1)[0])
            repaired = "repaired: verify" in line
            if not repaired and not self._write(
                lambda session, d=defect_id: repair_defect(
                    session, d, self.crew.repairer, "Repaired in line", station="QG", now=now
                )
            ):
                continue
            if self._write(
                lambda session, d=defect_id: verify_defect(session, d, self.crew.verifier, now=now)
            ):
                self.summary.repairs += 1

    def _andon(self, stations: tuple[StationStatus, ...], now: datetime) -> None:
        for status in stations:
            code = status.station.code
            due = status.stop is not None and code in self.stop_ends and now >= self.stop_ends[code]
            if due and self._write(lambda session, c=code: end_andon(session, c, self._boss, now=now)):
                del self.stop_ends[code]
        if self.stop_ends or not self.reasons:
            return
        # The chance of a stop per takt, spread over the steps of a takt.
        if self.random.random() < STOP_CHANCE * self._step_share():
            target = self.random.choice([s for s in stations if s.stop is None] or [None])
            if target is None:
                return
            code, reason = target.station.code, self.random.choice(self.reasons)
            if self._write(
                lambda session: raise_andon(
                    session, code, reason, self.crew.supervisor, "Simulated stop", now=now
                )
            ):
                self.summary.stops += 1
                self.stop_ends[code] = now + timedelta(seconds=self.seconds(self.random.uniform(*STOP_TAKTS)))

    def _step_share(self) -> float:
        return min(1.0, STEP_SECONDS / max(self.seconds(1), STEP_SECONDS))

    def _write(self, call: Callable[..., object]) -> bool:
        """One service write in its own transaction; a refusal is counted, never fatal."""
        try:
            with self.database.write() as session:
                call(session)
        except NeofloorError as exc:
            self.summary.refused += 1
            if len(self.summary.refusals) < 20:
                self.summary.refusals.append(str(exc))
            return False
        return True

    # --- running -----------------------------------------------------------------

    def run(
        self,
        *,
        minutes: float | None = None,
        should_stop: Callable[[], bool] = lambda: False,
        clock: Callable[[], datetime] = utcnow,
        sleep: Callable[[float], None] = time.sleep,
    ) -> SimulationSummary:
        """Step every ``STEP_SECONDS`` until ``minutes`` have passed or ``should_stop()`` says so.

        ``should_stop`` is asked between steps only, so a step's writes always finish.
        """
        began = clock()
        while not should_stop():
            now = clock()
            if minutes is not None and (now - began).total_seconds() >= minutes * 60:
                break
            self.step(now)
            sleep(STEP_SECONDS)
        return self.summary


# How often the simulator looks at the line, in real seconds.
STEP_SECONDS = 0.5


def _crew(session: object, catalog: PlantCatalog) -> _Crew:
    """Badges from the plant's operators: who is certified where, and who repairs and inspects."""
    from sqlmodel import Session

    assert isinstance(session, Session)
    certified = session.execute(
        select(col(Station.code), col(Operator.badge), col(Operator.role))
        .join_from(OperatorStation, Operator, col(Operator.id) == col(OperatorStation.operator_id))
        .join(Station, col(Station.id) == col(OperatorStation.station_id))
        .order_by(col(Operator.id))
    ).all()
    by_role: dict[str, list[str]] = {}
    for badge, role in session.execute(
        select(col(Operator.badge), col(Operator.role)).order_by(col(Operator.id))
    ):
        by_role.setdefault(role, []).append(badge)
    supervisor = (
        by_role.get(Role.SUPERVISOR) or by_role.get(Role.SHIFT_LEAD) or by_role.get(Role.ADMIN) or [""]
    )[0]
    scanner: dict[str, str] = {}
    for code, badge, role in certified:
        if role == Role.OPERATOR:
            scanner.setdefault(code, badge)
    repair = next((s.code for s in catalog.stations if s.kind == StationKind.REPAIR), None)
    inspectors = by_role.get(Role.INSPECTOR, [])
    return _Crew(
        scanner=scanner,
        repairer=scanner.get(repair, supervisor) if repair else supervisor,
        inspector=inspectors[0] if inspectors else supervisor,
        verifier=inspectors[1] if len(inspectors) > 1 else supervisor,
        supervisor=supervisor,
    )
