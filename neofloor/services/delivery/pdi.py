"""The pre-delivery inspection: a checklist per model, each item passed or failed with a defect.

Results are append-only (``pdi_check``): the latest check of an item counts, earlier ones
stay. A failed item logs a catalog defect through the quality services, so it follows the
usual repair and verification. Each check writes an audit row; signing one takes the yard's
certification or a line role (``pdi_check``). PDI passes when every item of the car's checklist passed
and no critical or major defect is open or awaiting verification.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, insert, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from neofloor.i18n import N_, _
from neofloor.services.delivery.stations import station_of_kind
from neofloor.services.people.audit import record
from neofloor.services.people.permissions import Action, require
from neofloor.services.plant.catalog import PlantCatalog, plant_catalog
from neofloor.services.plant.errors import InvalidInput, NotFound, RuleViolation
from neofloor.services.plant.operators import operator_by_badge
from neofloor.services.plant.parts import PdiItemSpec, PlantParts, plant_parts
from neofloor.services.quality import add_defect, catalog_entry, normalize_zone
from neofloor.services.quality.records import UNCLOSED
from neofloor.services.tracking.ledger import find_vehicle
from neofloor.services.tracking.scans import blocking_defects
from neofloor.store.models import (
    Defect,
    DefectCatalogEntry,
    DefectStatus,
    Operator,
    PdiCheck,
    Severity,
    StationKind,
    Vehicle,
    VehicleState,
)
from neofloor.store.types import utcnow

# What the yard list and the PDI screen say of a car's inspection.
PDI_NOT_STARTED = N_("not started")
PDI_IN_PROGRESS = N_("in progress")
PDI_FAILED = N_("failed")
PDI_PASSED = N_("passed")


@dataclass(frozen=True)
class PdiItemResult:
    """One checklist item and its latest result (``None``: not checked yet)."""

    code: str
    name: str
    passed: bool | None
    defect_id: int | None
    defect_code: str | None
    by: str | None
    at: datetime | None

    @property
    def result(self) -> str:
        if self.passed is None:
            return N_("to check")
        return N_("passed") if self.passed else N_("failed")


@dataclass(frozen=True)
class PdiStatus:
    """A car's inspection: every item's latest result and what still stops the handover."""

    vin: str
    model: str
    in_yard: bool
    items: tuple[PdiItemResult, ...]
    blocking: tuple[str, ...]  # open or unverified critical/major defects, as blocking_defects says them
    status: str  # not started, in progress, failed, passed
    passed_at: datetime | None  # when the last item passed, once the PDI has passed

    @property
    def passed(self) -> bool:
        return self.status == PDI_PASSED

    @property
    def to_check(self) -> tuple[str, ...]:
        """Codes of the items not checked yet or whose latest check failed."""
        return tuple(i.code for i in self.items if not i.passed)


@dataclass(frozen=True)
class PdiCheckResult:
    status: PdiStatus
    defect_id: int | None
    message: str


def in_yard(state: str, resume_state: str | None) -> bool:
    """A car in the yard: finished (passed the last production station), held there or not."""
    return state == VehicleState.FINISHED or (
        state == VehicleState.HELD and resume_state == VehicleState.FINISHED
    )


def pdi_item(parts: PlantParts, catalog: PlantCatalog, model_id: int, code: str) -> PdiItemSpec:
    """The checklist item with this code for the model, or a refusal naming the model's items."""
    wanted = code.strip().upper()
    items = parts.checklist(model_id)
    for item in items:
        if item.code == wanted:
            return item
    known = ", ".join(i.code for i in items) or "none"
    raise NotFound(
        _("Unknown PDI item {given!r} for {code}; items are {known}.").format(
            given=code.strip(), code=catalog.model(model_id).code, known=known
        )
    )


def _status_word(items: tuple[PdiItemResult, ...], blocking: tuple[str, ...]) -> str:
    return _word([i.passed for i in items], bool(blocking))


# (passed, defect id, defect code, at, by) of an item's latest check.
_Check = tuple[bool, int | None, str | None, datetime, str | None]


def _latest_checks(session: Session, vehicle_ids: Iterable[int]) -> dict[tuple[int, int], _Check]:
    """(car, item) -> its latest check, on ix_pdi_check_vehicle."""
    ids = list(vehicle_ids)
    if not ids:
        return {}
    by = aliased(Operator)
    rows = session.execute(
        select(
            col(PdiCheck.vehicle_id),
            col(PdiCheck.item_id),
            col(PdiCheck.passed),
            col(PdiCheck.defect_id),
            col(DefectCatalogEntry.code),
            col(PdiCheck.at),
            col(by.name),
        )
        .outerjoin(Defect, col(Defect.id) == col(PdiCheck.defect_id))
        .outerjoin(DefectCatalogEntry, col(DefectCatalogEntry.id) == col(Defect.catalog_id))
        .outerjoin(by, col(by.id) == col(PdiCheck.operator_id))
        .where(col(PdiCheck.vehicle_id).in_(ids))
        .order_by(col(PdiCheck.vehicle_id), col(PdiCheck.id))
    ).all()
    latest: dict[tuple[int, int], _Check] = {}
    for car, item, passed, defect_id, code, at, name in rows:
        latest[(car, item)] = (bool(passed), defect_id, code, at, name)
    return latest


def _item_results(
    checklist: tuple[PdiItemSpec, ...],
    latest: dict[tuple[int, int], _Check],
    car_id: int,
) -> tuple[PdiItemResult, ...]:
    results = []
    for item in checklist:
        found = latest.get((car_id, item.id))
        if found is None:
            results.append(PdiItemResult(item.code, item.name, None, None, None, None, None))
        else:
            passed, defect_id, code, at, by = found
            results.append(PdiItemResult(item.code, item.name, passed, defect_id, code, by, at))
    return tuple(results)


def _passed_at(items: tuple[PdiItemResult, ...], status: str) -> datetime | None:
    if status != PDI_PASSED:
        return None
    return max((i.at for i in items if i.at is not None), default=None)


def pdi_status(session: Session, raw_vin: str) -> PdiStatus:
    """The car's inspection as it stands: each item's latest result, blocking defects, the verdict."""
    catalog = plant_catalog(session)
    vehicle = find_vehicle(session, catalog, raw_vin)
    return status_of(session, catalog, plant_parts(session), vehicle)


def status_of(session: Session, catalog: PlantCatalog, parts: PlantParts, vehicle: Vehicle) -> PdiStatus:
    """``pdi_status`` for a car already loaded (the handover and the yard scan read it this way)."""
    assert vehicle.id is not None
    checklist = parts.checklist(vehicle.model_id)
    items = _item_results(checklist, _latest_checks(session, [vehicle.id]), vehicle.id)
    blocking = tuple(blocking_defects(session, vehicle.id))
    status = _status_word(items, blocking)
    return PdiStatus(
        vin=vehicle.vin,
        model=catalog.model(vehicle.model_id).code,
        in_yard=in_yard(vehicle.state, vehicle.resume_state),
        items=items,
        blocking=blocking,
        status=status,
        passed_at=_passed_at(items, status),
    )


@cache
def _words_statements() -> tuple[Select[Any], Select[Any]]:
    """The PDI results and the serious open defects of a page of cars, built once."""
    check, defect = PdiCheck.__table__.c, Defect.__table__.c  # type: ignore[attr-defined]
    cars: Any = bindparam("cars", expanding=True)
    checks = (
        select(check.vehicle_id, check.item_id, check.passed)
        .where(check.vehicle_id.in_(cars))
        .order_by(check.vehicle_id, check.id)
    )
    blocked = (
        select(defect.vehicle_id)
        .where(
            defect.vehicle_id.in_(cars),
            defect.severity.in_((Severity.CRITICAL.value, Severity.MAJOR.value)),
            defect.status.in_((DefectStatus.OPEN.value, DefectStatus.REPAIRED.value)),
        )
        .distinct()
    )
    return checks, blocked


def pdi_words(session: Session, parts: PlantParts, cars: Iterable[tuple[int, int]]) -> dict[int, str]:
    """The PDI status word of many cars, (car id, model id) each: two queries, whatever their number."""
    page = list(cars)
    if not page:
        return {}
    ids = [car for car, _unused in page]
    checks, blocked_statement = _words_statements()
    conn = session.connection()
    latest: dict[tuple[int, int], bool] = {}
    for car, item, passed in conn.execute(checks, {"cars": ids}).all():
        latest[(car, item)] = bool(passed)
    blocked = set(conn.execute(blocked_statement, {"cars": ids}).scalars())
    words: dict[int, str] = {}
    for car, model_id in page:
        results = [latest.get((car, item_id)) for item_id in parts.checklist_ids(model_id)]
        words[car] = _word(results, car in blocked)
    return words


def _word(results: list[bool | None], blocked: bool) -> str:
    """The status word from the items' latest results (None: not checked) and serious open defects.

    A plant whose config has no checklist (one upgraded from before it) has nothing to
    inspect: its cars pass unless a serious defect is open.
    """
    if not results:
        return PDI_FAILED if blocked else PDI_PASSED
    if all(r is None for r in results):
        return PDI_NOT_STARTED
    if any(r is False for r in results):
        return PDI_FAILED
    if all(results):
        return PDI_FAILED if blocked else PDI_PASSED
    return PDI_IN_PROGRESS


def check_pdi_item(
    session: Session,
    raw_vin: str,
    item_code: str,
    operator_badge: str,
    *,
    passed: bool,
    defect_code: str | None = None,
    zone: str | None = None,
    note: str = "",
    terminal: str = "",
    now: datetime | None = None,
) -> PdiCheckResult:
    """Record one checklist item of a car in the yard: passed, or failed with a catalog defect.

    A failure logs the defect (at the yard station, in the item's zone unless one is given)
    through the quality services; when the same defect is already open on the car, the
    check points at it instead of logging a twin. Refuses, writing nothing: a car not in
    the yard, an unknown item, a failure without a defect code (or a pass with one),
    someone the table does not let sign a PDI at the yard (``pdi_check``: the yard's
    certification or a line role).
    """
    now = now or utcnow()
    catalog = plant_catalog(session)
    parts = plant_parts(session)
    yard = station_of_kind(catalog, StationKind.YARD, "yard")
    operator = operator_by_badge(session, operator_badge, now=now)
    require(operator, Action.PDI_CHECK, yard)
    vehicle = find_vehicle(session, catalog, raw_vin)
    assert vehicle.id is not None
    if not in_yard(vehicle.state, vehicle.resume_state):
        where = _("delivered") if vehicle.state == VehicleState.DELIVERED else _("not finished yet")
        raise RuleViolation(
            _("{vin} is not in the yard ({where}): only cars in the yard get a PDI.").format(
                vin=vehicle.vin, where=where
            )
        )
    item = pdi_item(parts, catalog, vehicle.model_id, item_code)
    defect_id: int | None = None
    if passed:
        if defect_code:
            raise InvalidInput(_("A passed item takes no defect code; fail it to log a defect."))
        message = _("PDI {item} passed on {vin}.").format(item=item.name.lower(), vin=vehicle.vin)
    else:
        if not defect_code or not defect_code.strip():
            raise InvalidInput(
                _("A failed PDI item needs a defect code from the catalog ({name}).").format(name=item.name)
            )
        entry = catalog_entry(session, defect_code)
        zone_key = normalize_zone(zone) if zone else item.zone
        twin = session.execute(
            select(col(Defect.id))
            .where(
                col(Defect.vehicle_id) == vehicle.id,
                col(Defect.catalog_id) == entry.id,
                col(Defect.zone) == zone_key,
                col(Defect.status).in_(UNCLOSED),
            )
            .limit(1)
        ).scalar_one_or_none()
        if twin is not None:
            defect_id = twin
            message = _("PDI {item} failed on {vin}: {code} already open as defect #{twin}.").format(
                item=item.name.lower(), vin=vehicle.vin, code=entry.code, twin=twin
            )
        else:
            logged = add_defect(
                session, vehicle.vin, yard.code, entry.code, zone_key, operator_badge, note=note, now=now
            )
            defect_id = logged.defect.id
            message = _("PDI {item} failed on {vin}: defect #{defect_id} {code} logged.").format(
                item=item.name.lower(), vin=vehicle.vin, defect_id=defect_id, code=entry.code
            )
    session.execute(
        insert(PdiCheck).values(
            vehicle_id=vehicle.id,
            item_id=item.id,
            passed=passed,
            defect_id=defect_id,
            operator_id=operator.id,
            at=now,
        )
    )
    status = status_of(session, catalog, parts, vehicle)
    after: dict[str, object] = {"item": item.code, "passed": passed, "pdi": status.status}
    if defect_id is not None:
        after["defect"] = defect_id
    record(
        session,
        Action.PDI_CHECK,
        now,
        operator=operator,
        terminal=terminal,
        subject=vehicle.vin,
        after=after,
    )
    if status.passed:
        message += _(" PDI passed: the car may be handed over.")
    return PdiCheckResult(status, defect_id, message)
