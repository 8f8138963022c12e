"""Planning cars: one at a time, or a whole production plan from CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, insert, select, update
from sqlmodel import Session, col

from neofloor.i18n import _
from neofloor.services.people.audit import audit_values, record
from neofloor.services.people.chain import AUDIT_FIELDS, lock_and_head, row_hash
from neofloor.services.people.permissions import Action, require
from neofloor.services.plant.catalog import PlantCatalog, plant_catalog
from neofloor.services.plant.errors import InvalidInput, NeofloorError, RuleViolation
from neofloor.services.plant.operators import OperatorInfo, operator_by_badge
from neofloor.services.plant.text import REASON_MAX, clean_text
from neofloor.services.plant.vin import validate_vin
from neofloor.services.tracking.ledger import inserted_id, write_event
from neofloor.store.models import EventKind, Vehicle, VehicleState
from neofloor.store.types import utcnow

# The vehicle table's column sizes.
ORDER_REF_MAX = 40
OPTIONS_MAX = 200
# What a spreadsheet may put at the head of a text file, and the encoding it then names.
_OTHER_ENCODINGS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
PLAN_COLUMNS = ("vin", "model", "color", "order_ref", "build_seq", "options", "option_notes")
REQUIRED_COLUMNS = ("vin", "model", "color")


@dataclass(frozen=True)
class PlannedCar:
    vin: str
    model_id: int
    color_id: int
    order_ref: str
    build_seq: int | None
    options: str
    option_notes: str


class PlanImportError(InvalidInput):
    """A production plan with bad rows: every problem, by line, and nothing imported."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(
            _("Plan not imported: {count} problem(s).\n{lines}").format(count=len(problems), lines=lines)
        )


def _check_car(
    catalog: PlantCatalog,
    vin: str,
    model: str,
    color: str,
    order_ref: str = "",
    build_seq: int | None = None,
    options: str = "",
    option_notes: str = "",
) -> PlannedCar:
    return PlannedCar(
        vin=validate_vin(vin, verify_check_digit=catalog.vin_check_digit),
        model_id=catalog.model_by_code(model).id,
        color_id=catalog.color_by_code(color),
        order_ref=clean_text(order_ref, what=_("The order reference"), max_length=ORDER_REF_MAX),
        build_seq=build_seq,
        options=",".join(
            o.strip().upper()
            for o in clean_text(options, what="The options", max_length=OPTIONS_MAX).split(",")
            if o.strip()
        ),
        option_notes=clean_text(option_notes, what=_("The option notes"), max_length=REASON_MAX),
    )


def read_plan_file(path: Path) -> str:
    """A production plan's text: UTF-8, with or without the BOM spreadsheets write; CRLF line ends are read.

    Any other encoding is refused naming the problem, before anything is written.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            _("Cannot read {path}: {strerror}.").format(path=path, strerror=exc.strerror)
        ) from exc
    for mark, encoding in _OTHER_ENCODINGS:
        if data.startswith(mark):
            raise InvalidInput(
                _("{path} is {encoding} text: save the plan as CSV UTF-8 and import it again.").format(
                    path=path, encoding=encoding
                )
            )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInput(
            _(
                "{path} is not UTF-8 text (byte 0x{data:02x} on line {line}, perhaps "
                "Windows-1252 or Latin-1): save the plan as CSV UTF-8 and import it "
                "again."
            ).format(path=path, data=data[exc.start], line=line)
        ) from exc


# From this many cars a plan goes to PostgreSQL by COPY (ids reserved ahead) rather than row by row.
COPY_FROM_CARS = 50


def _write_cars(
    session: Session,
    catalog: PlantCatalog,
    cars: list[PlannedCar],
    now: datetime,
    operator: OperatorInfo,
    terminal: str,
) -> None:
    first = catalog.route[0]
    next_seq = (session.execute(select(func.max(col(Vehicle.build_seq)))).scalar() or 0) + 1
    if len(cars) >= COPY_FROM_CARS and session.get_bind().dialect.name == "postgresql":
        _copy_cars(session, first.id, cars, next_seq, now, operator, terminal)
        return
    for car in cars:
        seq = car.build_seq if car.build_seq is not None else next_seq
        next_seq = max(next_seq, seq) + 1
        vehicle_id = inserted_id(
            session.execute(
                insert(Vehicle).values(
                    vin=car.vin,
                    vin_reversed=car.vin[::-1],
                    model_id=car.model_id,
                    color_id=car.color_id,
                    build_seq=seq,
                    order_ref=car.order_ref,
                    options=car.options,
                    option_notes=car.option_notes,
                    planned_at=now,
                    state=VehicleState.PLANNED,
                    station_id=first.id,
                    state_since=now,
                )
            )
        )
        event_id = write_event(
            session,
            car=vehicle_id,
            kind=EventKind.PLAN,
            at=now,
            operator=operator.id,
            terminal=terminal,
            note=car.order_ref,
        )
        session.execute(update(Vehicle).where(col(Vehicle.id) == vehicle_id).values(last_event_id=event_id))
        record(
            session,
            Action.PLAN_IMPORT,
            now,
            operator=operator,
            terminal=terminal,
            subject=car.vin,
            after={"build_seq": seq, "order_ref": car.order_ref},
        )


def _copy_cars(
    session: Session,
    first_station: int,
    cars: list[PlannedCar],
    next_seq: int,
    now: datetime,
    operator: OperatorInfo,
    terminal: str,
) -> None:
    """The same rows as the loop above, streamed: cars, their plan events and their audit rows by
    COPY, ids reserved ahead, each event and audit row chained like ``write_event`` and ``record``.

    Both chains' locks are taken before their heads are read and the ids reserved, so the rows
    follow the last committed ones and no other terminal appends in between.
    """
    from neofloor.store.bulk import copy_rows, reserve_ids

    if session.new or session.dirty or session.deleted:
        session.flush()
    conn = session.connection()
    previous_event = lock_and_head(conn, "station_event")
    previous_audit = lock_and_head(conn, "audit")
    car_ids = reserve_ids(session, "vehicle", len(cars))
    event_ids = reserve_ids(session, "station_event", len(cars))
    audit_ids = reserve_ids(session, "audit", len(cars))
    vehicles, events, audits = [], [], []
    kind = EventKind.PLAN.value
    for car, car_id, event_id, audit_id in zip(cars, car_ids, event_ids, audit_ids, strict=True):
        seq = car.build_seq if car.build_seq is not None else next_seq
        next_seq = max(next_seq, seq) + 1
        vehicles.append(
            (car_id, car.vin, car.vin[::-1], car.model_id, car.color_id, seq, car.order_ref, car.options,
             car.option_notes, now, VehicleState.PLANNED.value, first_station, now, event_id, False, 0)
        )  # fmt: skip
        content = (car_id, None, kind, now, operator.id, terminal, car.order_ref)
        previous_event = row_hash(previous_event, content)
        events.append((event_id, car_id, kind, now, operator.id, terminal, car.order_ref, previous_event))
        values = audit_values(
            Action.PLAN_IMPORT,
            now,
            operator=operator,
            terminal=terminal,
            subject=car.vin,
            after={"build_seq": seq, "order_ref": car.order_ref},
        )
        previous_audit = row_hash(previous_audit, tuple(values[name] for name in AUDIT_FIELDS))
        audits.append((audit_id, *(values[name] for name in AUDIT_FIELDS), previous_audit))
    copy_rows(
        session,
        "vehicle",
        ("id", "vin", "vin_reversed", "model_id", "color_id", "build_seq", "order_ref", "options",
         "option_notes", "planned_at", "state", "station_id", "state_since", "last_event_id",
         "out_of_sequence", "repair_visits"),
        vehicles,
    )  # fmt: skip
    copy_rows(
        session,
        "station_event",
        ("id", "vehicle_id", "kind", "at", "operator_id", "terminal", "note", "chain_hash"),
        events,
    )
    copy_rows(session, "audit", ("id", *AUDIT_FIELDS, "chain_hash"), audits)


def _taken(session: Session, vins: list[str], seqs: list[int]) -> tuple[set[str], set[int]]:
    taken_vins = set(session.execute(select(col(Vehicle.vin)).where(col(Vehicle.vin).in_(vins))).scalars())
    taken_seqs = set(
        session.execute(select(col(Vehicle.build_seq)).where(col(Vehicle.build_seq).in_(seqs))).scalars()
    )
    return taken_vins, taken_seqs


def add_vehicle(
    session: Session,
    vin: str,
    model: str,
    color: str,
    order_ref: str = "",
    *,
    build_seq: int | None = None,
    options: str = "",
    option_notes: str = "",
    now: datetime | None = None,
    badge: str,
    terminal: str = "",
) -> str:
    """Plan one car at the end of the build sequence (or at ``build_seq``); returns its VIN.

    ``badge``: who plans it (supervisor, shift lead or admin).
    """
    operator = operator_by_badge(session, badge, now=now)
    require(operator, Action.PLAN_IMPORT)
    catalog = plant_catalog(session)
    car = _check_car(catalog, vin, model, color, order_ref, build_seq, options, option_notes)
    taken_vins, taken_seqs = _taken(session, [car.vin], [build_seq] if build_seq is not None else [])
    if taken_vins:
        raise RuleViolation(_("VIN {vin} is already planned.").format(vin=car.vin))
    if taken_seqs:
        raise RuleViolation(_("Build sequence {build_seq} is already taken.").format(build_seq=build_seq))
    _write_cars(session, catalog, [car], now or utcnow(), operator, terminal)
    return car.vin


def import_plan_csv(
    session: Session, text: str, *, badge: str, terminal: str = "", now: datetime | None = None
) -> int:
    """Plan every car of a CSV production plan, or none: returns how many were planned.

    Columns: vin, model, color (required), order_ref, build_seq, options
    (comma-separated, quoted), option_notes. Every bad row is reported with its
    line number in one :class:`PlanImportError`.
    """
    operator = operator_by_badge(session, badge, now=now)
    require(operator, Action.PLAN_IMPORT)
    catalog = plant_catalog(session)
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise PlanImportError([_("line 1: missing column(s) {missing}").format(missing=", ".join(missing))])
    unknown = [h for h in header if h not in PLAN_COLUMNS]
    if unknown:
        raise PlanImportError([_("line 1: unknown column(s) {unknown}").format(unknown=", ".join(unknown))])
    reader.fieldnames = header
    problems: list[str] = []
    cars: list[tuple[int, PlannedCar]] = []
    seen_vins: dict[str, int] = {}
    seen_seqs: dict[int, int] = {}
    for row in reader:
        line = reader.line_num
        values = {k: (v or "").strip() for k, v in row.items() if k is not None}
        try:
            seq_text = values.get("build_seq", "")
            if seq_text and not seq_text.isdigit():
                raise InvalidInput(
                    _("build_seq {seq_text!r} is not a whole number.").format(seq_text=seq_text)
                )
            car = _check_car(
                catalog,
                values.get("vin", ""),
                values.get("model", ""),
                values.get("color", ""),
                values.get("order_ref", ""),
                int(seq_text) if seq_text else None,
                values.get("options", ""),
                values.get("option_notes", ""),
            )
        except NeofloorError as exc:
            problems.append(_("line {line}: {exc}").format(line=line, exc=exc))
            continue
        if car.vin in seen_vins:
            problems.append(
                _("line {line}: VIN {vin} repeats line {seen_vins}.").format(
                    line=line, vin=car.vin, seen_vins=seen_vins[car.vin]
                )
            )
            continue
        seen_vins[car.vin] = line
        if car.build_seq is not None:
            if car.build_seq in seen_seqs:
                problems.append(
                    _("line {line}: build sequence {build_seq} repeats line {seen_seqs}.").format(
                        line=line, build_seq=car.build_seq, seen_seqs=seen_seqs[car.build_seq]
                    )
                )
                continue
            seen_seqs[car.build_seq] = line
        cars.append((line, car))
    if not cars and not problems:
        raise PlanImportError([_("the file has no cars")])
    taken_vins, taken_seqs = _taken(
        session,
        [c.vin for _unused, c in cars],
        [c.build_seq for _unused, c in cars if c.build_seq is not None],
    )
    for line, car in cars:
        if car.vin in taken_vins:
            problems.append(_("line {line}: VIN {vin} is already planned.").format(line=line, vin=car.vin))
        if car.build_seq in taken_seqs:
            problems.append(
                _("line {line}: build sequence {build_seq} is already taken.").format(
                    line=line, build_seq=car.build_seq
                )
            )
    if problems:
        problems.sort(key=lambda p: int(p.split(":")[0].split()[1]))
        raise PlanImportError(problems)
    _write_cars(session, catalog, [c for _unused, c in cars], now or utcnow(), operator, terminal)
    return len(cars)
