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
- now and then a station stops (andon) for a few minutes; no car moves there meanwhile;
- a station that captures key components scans each required part's serial (made as the
  demo generator makes them) before it completes the car, as its terminal prompts;
- finished cars are parked in the yard, inspected item by item (now and then an item
  fails with a defect, which is repaired, verified and checked again) and handed over
  to a customer, through a financing partner of the plant or in cash, a few takts later.

Each write is made by someone the people services allow to make it on the simulated day
(``operator_by_badge`` judges certifications, ``permissions.may`` the role table): a
valid certification for the station first, a line leader when nobody holds one (the
summary says so). The simulator ignores the shift calendar: a demonstration at 20:00
still moves the board (the dashboard's shift figures count only what falls in a shift).
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from neofloor.demo.delivery import DEALERS, PDI_FAILURES, SERIALS
from neofloor.demo.ledger import FIRST_NAMES, LAST_NAMES
from neofloor.i18n import _
from neofloor.services.delivery.components import capture_component, parts_needed
from neofloor.services.delivery.handover import deliver_car, financing_partners
from neofloor.services.delivery.pdi import PDI_PASSED, check_pdi_item, pdi_status
from neofloor.services.delivery.yard import YardCar, park_car, yard_list
from neofloor.services.metrics.line_status import BoardCar, StationStatus, line_status
from neofloor.services.people.permissions import Action, may, rule
from neofloor.services.plant.catalog import StationInfo, plant_catalog
from neofloor.services.plant.clock import to_local
from neofloor.services.plant.errors import NeofloorError
from neofloor.services.plant.operators import operator_by_badge, plant_today
from neofloor.services.plant.parts import PlantParts, plant_parts
from neofloor.services.plant.records import OperatorInfo, role_label
from neofloor.services.quality.defect_repairs import repair_defect, verify_defect
from neofloor.services.quality.defects import add_defect
from neofloor.services.quality.records import defect_record
from neofloor.services.scan import record_scan
from neofloor.services.supervision.andon import end_andon, raise_andon
from neofloor.services.tracking.ledger import DOUBLE_SCAN_WINDOW
from neofloor.services.tracking.scans import blocking_defect_rows
from neofloor.store.engine import Database
from neofloor.store.models import (
    DefectCatalogEntry,
    DefectStatus,
    DowntimeReason,
    Operator,
    Role,
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
# The yard, in takts: a finished car is parked, inspected, then handed over a while later.
PARK_AFTER_TAKTS = 0.3
PDI_AFTER_TAKTS = 0.5
PDI_ITEM_TAKTS = 0.05  # one checklist item
PDI_REPAIR_TAKTS = 0.3  # a defect found at PDI, touched up in the yard
HANDOVER_AFTER_TAKTS = 1.0  # a car passed at PDI is handed over once this long in the yard
HANDOVER_EVERY_TAKTS = 0.5  # the delivery desk hands over two cars a takt, oldest first
# Per car inspected: the chance one checklist item fails with a defect.
PDI_FAIL_CHANCE = 0.1
# Per handover: the chance the customer pays in cash, and buys directly from the plant.
CASH_CHANCE = 0.4
DIRECT_SALE_CHANCE = 1 / 3
# Who to ask first for each kind of work (after anyone certified at the station).
LINE_ROLES = (Role.OPERATOR, Role.STATION, Role.SUPERVISOR, Role.SHIFT_LEAD, Role.ADMIN, Role.INSPECTOR)
QUALITY_ROLES = (Role.INSPECTOR, Role.SUPERVISOR, Role.SHIFT_LEAD, Role.ADMIN, Role.OPERATOR)
LEADER_ROLES = (Role.SUPERVISOR, Role.SHIFT_LEAD, Role.ADMIN, Role.INSPECTOR, Role.OPERATOR)


@dataclass
class SimulationSummary:
    """What a run wrote, counted: the sentence printed when it stops."""

    started: int = 0
    completed: int = 0
    serials: int = 0
    defects: int = 0
    repairs: int = 0
    stops: int = 0
    parked: int = 0
    inspected: int = 0
    pdi_failed: int = 0
    pdi_fixed: int = 0
    delivered: int = 0
    writes: int = 0
    refused: int = 0
    refusals: list[str] = field(default_factory=list)
    # Station -> who stood in there for want of anyone with a valid certification.
    stand_ins: dict[str, str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        sentence = _(
            "Simulated {started} starts and {completed} completions ({serials} serials "
            "scanned), {defects} defects ({repairs} repaired and verified), "
            "{stops} andon stops; {parked} cars parked, {inspected} inspected "
            "({pdi_failed} PDI items failed, {pdi_fixed} fixed), {delivered} delivered; "
            "{refused} of {writes} writes refused by the rules."
        ).format(
            started=self.started,
            completed=self.completed,
            serials=self.serials,
            defects=self.defects,
            repairs=self.repairs,
            stops=self.stops,
            parked=self.parked,
            inspected=self.inspected,
            pdi_failed=self.pdi_failed,
            pdi_fixed=self.pdi_fixed,
            delivered=self.delivered,
            refused=self.refused,
            writes=self.writes + self.refused,
        )
        if self.stand_ins:
            who = "; ".join(f"{code}: {name}" for code, name in sorted(self.stand_ins.items()))
            stood_in = _("Nobody held a valid certification, so a line leader stood in ({who}).")
            sentence += " " + stood_in.format(who=who)
        return sentence


@dataclass(frozen=True)
class _Crew:
    """The plant's people as the services judge them on one plant day (certifications, roles)."""

    day: date
    people: tuple[OperatorInfo, ...]

    def who(
        self,
        action: Action,
        station: StationInfo | None,
        prefer: tuple[Role, ...],
        exclude: Iterable[int] = (),
    ) -> OperatorInfo | None:
        """Who does ``action`` (at ``station``): someone certified there first, then by ``prefer``.

        ``may`` is the permission table every write service checks, so the one chosen is
        allowed to make the write; None when nobody is.
        """
        skip = set(exclude)
        allowed = [p for p in self.people if p.id not in skip and may(p, action, station)]

        def order(person: OperatorInfo) -> tuple[int, int, int]:
            certified = station is not None and station.id in person.station_ids
            rank = prefer.index(Role(person.role)) if person.role in prefer else len(prefer)
            return (0 if certified else 1, rank, person.id)

        return min(allowed, key=order, default=None)


def _crew(session: Session, now: datetime) -> _Crew:
    """Everyone active, their certifications judged at ``now`` by the badge look-up every scan uses."""
    badges = session.execute(
        select(col(Operator.badge)).where(col(Operator.active).is_(True)).order_by(col(Operator.id))
    ).scalars()
    people = tuple(operator_by_badge(session, badge, now=now) for badge in badges)
    return _Crew(plant_today(session, now), people)


class LineSimulator:
    """Plays the line one step at a time: :meth:`step` does what is due at a moment."""

    def __init__(self, database: Database, *, speed: float = 1.0, seed: int | None = None) -> None:
        if speed <= 0:
            raise ValueError(_("speed must be positive"))
        self.database = database
        self.speed = speed
        self.random = random.Random(seed)
        self.summary = SimulationSummary()
        with database.read() as session:
            self.catalog = plant_catalog(session)
            self.parts: PlantParts = plant_parts(session)
            self.crew = _crew(session, utcnow())
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
            self.partners = [p.code for p in financing_partners(session)]
            status = line_status(session)
        self.takt = status.takt_seconds or DEFAULT_TAKT_SECONDS
        self.last_release: datetime | None = None
        self.cycles: dict[tuple[str, str], float] = {}
        self.stop_ends: dict[str, datetime] = {}
        self.looked: set[tuple[str, str]] = set()
        self.capturing = {p.station_id for p in self.parts.parts}
        self.yard = self.catalog.yard
        self.delivery = next((s for s in self.catalog.stations if s.kind == StationKind.DELIVERY), None)
        # The inspector's walk round: the car under inspection, when the next check is due,
        # and the item (with its defect and zone) that will fail on it, if one does.
        self.pdi_car: str | None = None
        self.pdi_due: datetime | None = None
        self.pdi_failing: tuple[str, str, str] | None = None
        self.last_handover: datetime | None = None

    def seconds(self, takts: float) -> float:
        """Real seconds of ``takts`` at this speed."""
        return takts * self.takt / self.speed

    def step(self, now: datetime | None = None) -> int:
        """Do what is due at ``now`` (default: the clock); returns the number of writes made."""
        now = now or utcnow()
        before = self.summary.writes
        with self.database.read() as session:
            if plant_today(session, now) != self.crew.day:
                self.crew = _crew(session, now)  # a new day: certifications may have run out
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
        if self.yard is not None:
            self._yard(now)
        return self.summary.writes - before

    # --- who -----------------------------------------------------------------------

    def _badge(
        self,
        action: Action,
        station: StationInfo | None,
        prefer: tuple[Role, ...] = LINE_ROLES,
        exclude: Iterable[int] = (),
    ) -> OperatorInfo | None:
        """Who makes this write today; a line leader standing in for a station is noted."""
        person = self.crew.who(action, station, prefer, exclude)
        if person is None:
            return None
        if (
            station is not None
            and rule(action).certified
            and station.id not in person.station_ids
            and person.is_line_leader
            and station.code not in self.summary.stand_ins
        ):
            self.summary.stand_ins[station.code] = _("{name} ({role})").format(
                name=person.name, role=role_label(person.role)
            )
        return person

    def _as(
        self,
        action: Action,
        station: StationInfo | None,
        call: Callable[[Session, str], object],
        prefer: tuple[Role, ...] = LINE_ROLES,
        exclude: Iterable[int] = (),
    ) -> bool:
        """Make one write as whoever may make it; nobody allowed is a refusal like any other."""
        person = self._badge(action, station, prefer, exclude)
        if person is None:
            what = _(rule(action).what)
            self._refused(
                _("Nobody may {what} at {code} today.").format(what=what, code=station.code)
                if station is not None
                else _("Nobody may {what} today.").format(what=what)
            )
            return False
        return self._write(lambda session: call(session, person.badge))

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
        if station.id in self.capturing:
            self._capture_parts(station, vin, now)
        if (
            station.kind in (StationKind.TEST, StationKind.QUALITY_GATE)
            and (station.code, vin) not in self.looked
            and self.random.random() < DEFECT_CHANCE
        ):
            self._log_defect(station, vin, now)
        # One look per visit: a completion refused and tried again finds no second defect.
        self.looked.add((station.code, vin))
        if station.kind == StationKind.QUALITY_GATE:
            self._repair_blocking(vin, station, now)
        if self._scan(station, vin, now):
            self.summary.completed += 1
            self.cycles.pop((station.code, vin), None)
            self.looked.discard((station.code, vin))

    def _capture_parts(self, station: StationInfo, vin: str, now: datetime) -> None:
        """Scan the serial of every required part the car still lacks here, as the terminal asks.

        Serials are the demo generator's (``demo.delivery.SERIALS``), numbered by the car's
        id as the generator numbers them; a part it has no maker for is left to the scan's refusal.
        """
        with self.database.read() as session:
            needed = parts_needed(session, vin, station.code)
            if not needed:
                return
            car_id = session.execute(select(col(Vehicle.id)).where(col(Vehicle.vin) == vin)).scalar_one()
        year = to_local(now, self.catalog.timezone).year
        for part in needed:
            maker = SERIALS.get(part.code)
            serial = maker(car_id, year) if maker else ""
            if not re.fullmatch(part.serial_format, serial):
                continue
            if self._capture(station, vin, part.code, serial, now):
                self.summary.serials += 1

    def _capture(self, station: StationInfo, vin: str, part: str, serial: str, now: datetime) -> bool:
        return self._as(
            Action.COMPONENT_ADD,
            station,
            lambda session, badge: capture_component(
                session, vin, part, serial, badge, station_code=station.code, now=now
            ),
        )

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
        return self._as(
            Action.SCAN,
            station,
            lambda session, badge: record_scan(session, station.code, vin, badge, TERMINAL, now=now),
        )

    def _log_defect(self, station: StationInfo, vin: str, now: datetime) -> None:
        if not self.defect_codes:
            return
        code = self.random.choice(self.defect_codes)
        zone = self.random.choice(("front", "rear", "left", "right", "roof", "interior"))
        if self._as(
            Action.DEFECT_LOG,
            station,
            lambda session, badge: add_defect(session, vin, station.code, code, zone, badge, now=now),
            QUALITY_ROLES,
        ):
            self.summary.defects += 1

    def _repair_blocking(self, vin: str, station: StationInfo, now: datetime) -> None:
        """Repair and verify the car's open serious defects where it stands (a gate would refuse it)."""
        with self.database.read() as session:
            car_id = session.execute(select(col(Vehicle.id)).where(col(Vehicle.vin) == vin)).scalar_one()
            blocking = blocking_defect_rows(session, car_id)
        for _code, defect_id, _severity, status in blocking:
            if status != DefectStatus.REPAIRED and not self._repair(defect_id, station, now):
                continue
            if self._verify(defect_id, station, now):
                self.summary.repairs += 1

    def _repairer(self, station: StationInfo) -> OperatorInfo | None:
        return self.crew.who(Action.DEFECT_REPAIR, station, LINE_ROLES)

    def _repair(self, defect_id: int, station: StationInfo, now: datetime) -> bool:
        return self._as(
            Action.DEFECT_REPAIR,
            station,
            lambda session, badge: repair_defect(
                session, defect_id, badge, f"Repaired at {station.code}", station=station.code, now=now
            ),
        )

    def _verify(self, defect_id: int, station: StationInfo, now: datetime) -> bool:
        """An inspector verifies the repair: never the one who made it (the service refuses that)."""
        repairer = self._repairer(station)
        return self._as(
            Action.DEFECT_VERIFY,
            None,
            lambda session, badge: verify_defect(session, defect_id, badge, now=now),
            QUALITY_ROLES,
            exclude=() if repairer is None else (repairer.id,),
        )

    def _andon(self, stations: tuple[StationStatus, ...], now: datetime) -> None:
        for status in stations:
            station = status.station
            due = (
                status.stop is not None
                and station.code in self.stop_ends
                and now >= self.stop_ends[station.code]
            )
            if due and self._end_stop(station, now):
                del self.stop_ends[station.code]
        if self.stop_ends or not self.reasons:
            return
        # The chance of a stop per takt, spread over the steps of a takt.
        if self.random.random() < STOP_CHANCE * self._step_share():
            target = self.random.choice([s for s in stations if s.stop is None] or [None])
            if target is None:
                return
            code, reason = target.station.code, self.random.choice(self.reasons)
            if self._as(
                Action.ANDON_RAISE,
                target.station,
                lambda session, badge: raise_andon(session, code, reason, badge, "Simulated stop", now=now),
            ):
                self.summary.stops += 1
                self.stop_ends[code] = now + timedelta(seconds=self.seconds(self.random.uniform(*STOP_TAKTS)))

    def _end_stop(self, station: StationInfo, now: datetime) -> bool:
        return self._as(
            Action.ANDON_END,
            station,
            lambda session, badge: end_andon(session, station.code, badge, now=now),
        )

    def _step_share(self) -> float:
        return min(1.0, STEP_SECONDS / max(self.seconds(1), STEP_SECONDS))

    # --- the yard: park, inspect, hand over ----------------------------------------

    def _yard(self, now: datetime) -> None:
        """What the yard, the inspector and the delivery desk do at ``now``, oldest cars first."""
        with self.database.read() as session:
            page = yard_list(session, limit=1000, now=now)
        free = self._free_spots(page.cars)
        for car in page.cars:
            if car.spot is None and not car.held and car.seconds_in_yard >= self.seconds(PARK_AFTER_TAKTS):
                if not free:
                    break
                self._park(car.vin, free.pop(0), now)
        parked = [c for c in page.cars if c.spot is not None and not c.held]
        if self.pdi_due is None or now >= self.pdi_due:
            self._inspect(parked, now)
        if self.delivery is not None and (
            self.last_handover is None
            or (now - self.last_handover).total_seconds() >= self.seconds(HANDOVER_EVERY_TAKTS)
        ):
            ready = [
                c
                for c in parked
                if c.pdi == PDI_PASSED and c.seconds_in_yard >= self.seconds(HANDOVER_AFTER_TAKTS)
            ]
            if ready:
                self.last_handover = now
                self._hand_over(ready[0], now)

    def _free_spots(self, cars: tuple[YardCar, ...]) -> list[str]:
        taken = {c.spot for c in cars}
        spots = (
            f"{row}-{place:02d}"
            for row in self.parts.yard_rows
            for place in range(1, self.parts.yard_places + 1)
        )
        return [s for s in spots if s not in taken]

    def _park(self, vin: str, spot: str, now: datetime) -> None:
        if self._as(
            Action.YARD_PARK,
            self.yard,
            lambda session, badge: park_car(session, vin, spot, badge, TERMINAL, now=now),
        ):
            self.summary.parked += 1

    def _inspect(self, parked: list[YardCar], now: datetime) -> None:
        """The inspector's next move on the car under inspection (one at a time, oldest first)."""
        assert self.yard is not None
        waiting = [
            c.vin
            for c in parked
            if c.pdi != PDI_PASSED and c.seconds_in_yard >= self.seconds(PDI_AFTER_TAKTS)
        ]
        if not waiting:
            return
        if self.pdi_car not in waiting:
            self.pdi_car = waiting[0]
            self.pdi_failing = self._failing_item() if self.random.random() < PDI_FAIL_CHANCE else None
        vin = self.pdi_car
        with self.database.read() as session:
            status = pdi_status(session, vin)
            failed = [i for i in status.items if i.passed is False]
            open_defects = {
                i.defect_id: defect_record(session, i.defect_id, now=now).status
                for i in failed
                if i.defect_id is not None
            }
        takts = PDI_ITEM_TAKTS
        if status.blocking:
            self._repair_blocking(vin, self.yard, now)
            takts = PDI_REPAIR_TAKTS
        elif any(s == DefectStatus.OPEN for s in open_defects.values()):
            for defect_id, state in open_defects.items():
                if state == DefectStatus.OPEN:
                    self._repair(defect_id, self.yard, now)
            takts = PDI_REPAIR_TAKTS
        elif any(s == DefectStatus.REPAIRED for s in open_defects.values()):
            for defect_id, state in open_defects.items():
                if state == DefectStatus.REPAIRED and self._verify(defect_id, self.yard, now):
                    self.summary.repairs += 1
        elif failed:
            # Fixed: the item is checked again, and passes.
            if self._check(vin, failed[0].code, now, None):
                self.summary.pdi_fixed += 1
        elif status.to_check:
            item = status.to_check[0]
            failing = self.pdi_failing if self.pdi_failing and self.pdi_failing[0] == item else None
            if failing is not None:
                self.pdi_failing = None
                if self._check(vin, item, now, failing):
                    self.summary.pdi_failed += 1
            else:
                self._check(vin, item, now, None)
        self.pdi_due = now + timedelta(seconds=self.seconds(takts))
        with self.database.read() as session:
            if pdi_status(session, vin).passed:
                self.summary.inspected += 1
                self.pdi_car = None

    def _failing_item(self) -> tuple[str, str, str] | None:
        """The item that will fail on this car and the defect it finds (the generator's own few)."""
        usable = [f for f in PDI_FAILURES if f[1] in self.defect_codes]
        return self.random.choice(usable) if usable else None

    def _check(self, vin: str, item: str, now: datetime, failing: tuple[str, str, str] | None) -> bool:
        return self._as(
            Action.PDI_CHECK,
            self.yard,
            lambda session, badge: check_pdi_item(
                session,
                vin,
                item,
                badge,
                passed=failing is None,
                defect_code=failing[1] if failing else None,
                zone=failing[2] if failing else None,
                note="found at PDI" if failing else "",
                now=now,
            ),
            QUALITY_ROLES,
        )

    def _hand_over(self, car: YardCar, now: datetime) -> None:
        """Hand the car to a customer: a partner from the plant's list or cash, a dealer or direct."""
        customer = f"{self.random.choice(FIRST_NAMES)} {self.random.choice(LAST_NAMES)}"
        paid = (
            self.random.choice(self.partners)
            if self.partners and self.random.random() >= CASH_CHANCE
            else "cash"
        )
        dealer = "" if self.random.random() < DIRECT_SALE_CHANCE else self.random.choice(DEALERS)
        reference = car.order_ref or f"CT-{car.build_seq:07d}"
        if self._as(
            Action.DELIVER,
            self.delivery,
            lambda session, badge: deliver_car(
                session,
                car.vin,
                customer,
                badge,
                financing=paid,
                reference=reference,
                dealer=dealer,
                terminal=TERMINAL,
                now=now,
            ),
            LEADER_ROLES,
        ):
            self.summary.delivered += 1

    # --- writing -------------------------------------------------------------------

    def _write(self, call: Callable[[Session], object]) -> bool:
        """One service write in its own transaction; a refusal is counted, never fatal."""
        try:
            with self.database.write() as session:
                call(session)
        except NeofloorError as exc:
            self._refused(str(exc))
            return False
        self.summary.writes += 1
        return True

    def _refused(self, sentence: str) -> None:
        self.summary.refused += 1
        if len(self.summary.refusals) < 20:
            self.summary.refusals.append(sentence)

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
