"""A logged defect's way to closed: repaired, verified by an inspector or sent back, or
cancelled (the rules are in :mod:`neofloor.services.quality.defects`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from neofloor.i18n import N_, _
from neofloor.services.people.chain import lock_chains
from neofloor.services.people.permissions import Action, may, require
from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from neofloor.services.plant.operators import OperatorInfo, operator_by_badge
from neofloor.services.quality.defect_steps import (
    DefectResult,
    clean_text,
    record_step,
)
from neofloor.store.models import Defect, DefectCatalogEntry, DefectStatus, Vehicle, VehicleState
from neofloor.store.types import utcnow


@dataclass(frozen=True)
class _Defect:
    """A defect about to change, locked for this transaction, with its car and its label."""

    row: Defect
    vehicle: Vehicle
    code: str  # its catalog code
    label: str  # "defect #12 PT-RUN"


def _load(session: Session, defect_id: int) -> _Defect:
    """The defect (locked for this transaction, after the chains' locks), its car and its catalog code."""
    lock_chains(session.connection())
    defect = session.execute(
        select(Defect).where(col(Defect.id) == defect_id).with_for_update()
    ).scalar_one_or_none()
    if defect is None:
        raise NotFound(_("No defect #{defect_id}.").format(defect_id=defect_id))
    vehicle = session.execute(select(Vehicle).where(col(Vehicle.id) == defect.vehicle_id)).scalar_one()
    code = session.execute(
        select(col(DefectCatalogEntry.code)).where(col(DefectCatalogEntry.id) == defect.catalog_id)
    ).scalar_one()
    return _Defect(
        defect, vehicle, code, _("defect #{defect_id} {code}").format(defect_id=defect_id, code=code)
    )


def _refuse_if_delivered(target: _Defect) -> None:
    if target.vehicle.state == VehicleState.DELIVERED:
        raise RuleViolation(
            _("{vin} was delivered: {label} can no longer change here.").format(
                vin=target.vehicle.vin, label=target.label
            )
        )


def repair_defect(
    session: Session,
    defect_id: int,
    badge: str,
    repair_note: str,
    *,
    station: str | None = None,
    now: datetime | None = None,
    terminal: str = "",
) -> DefectResult:
    """Record a repair (who, where, what was done): open -> repaired, waiting for an inspector.

    ``station`` is where the work was done; by default where the car is now.
    """
    now = now or utcnow()
    repair_note = clean_text(repair_note, N_("repair note (what was done)"), required=True)
    catalog = plant_catalog(session)
    operator = operator_by_badge(session, badge, now=now)
    target = _load(session, defect_id)
    defect, vehicle = target.row, target.vehicle
    _refuse_if_delivered(target)
    if defect.status != DefectStatus.OPEN:
        raise RuleViolation(_not_open(target.label, defect.status))
    where = catalog.station(station) if station else catalog.station_by_id(vehicle.station_id)
    if where is None:
        raise InvalidInput(_("Where was {label} repaired? Give the station.").format(label=target.label))
    require(operator, Action.DEFECT_REPAIR, where)

    defect.status = DefectStatus.REPAIRED
    defect.repaired_at = now
    defect.repaired_by_id = operator.id
    defect.repair_station_id = where.id
    defect.repair_note = repair_note
    return record_step(
        session,
        defect_id,
        "repaired",
        now,
        operator,
        where.id,
        repair_note,
        _("Defect #{defect_id} {code} on {vin} repaired at {station}; an inspector must verify it.").format(
            defect_id=defect_id, code=target.code, vin=vehicle.vin, station=where.code
        ),
        action=Action.DEFECT_REPAIR,
        vin=vehicle.vin,
        terminal=terminal,
    )


def _cap(label: str) -> str:
    """``label`` at the start of a sentence ("defect #12 PT-RUN" -> "Defect #12 PT-RUN")."""
    return label[:1].upper() + label[1:]


def _not_open(label: str, status: str) -> str:
    if status == DefectStatus.REPAIRED:
        return _("{defect} is already repaired; an inspector must verify or reject it.").format(
            defect=_cap(label)
        )
    if status == DefectStatus.VERIFIED:
        return _("{defect} is verified and closed; log a new defect if it came back.").format(
            defect=_cap(label)
        )
    return _("{defect} was cancelled; log a new defect if there is one.").format(defect=_cap(label))


def _repair_to_check(
    session: Session, defect_id: int, badge: str, action: str, now: datetime
) -> tuple[OperatorInfo, _Defect]:
    """The inspector and the repaired defect for ``action`` ("verify" or "reject"), every check passed."""
    operator = operator_by_badge(session, badge, now=now)
    require(operator, Action.DEFECT_VERIFY if action == "verify" else Action.DEFECT_REJECT)
    target = _load(session, defect_id)
    _refuse_if_delivered(target)
    label, status = target.label, target.row.status
    if status == DefectStatus.OPEN:
        raise RuleViolation(
            _("{defect} is still open: there is no repair to {action} yet.").format(
                defect=_cap(label), action=action
            )
        )
    if status == DefectStatus.VERIFIED:
        raise RuleViolation(_("{defect} is already verified.").format(defect=_cap(label)))
    if status == DefectStatus.CANCELLED:
        raise RuleViolation(
            _("{defect} was cancelled; there is no repair to check.").format(defect=_cap(label))
        )
    return operator, target


def verify_defect(
    session: Session,
    defect_id: int,
    badge: str,
    *,
    note: str = "",
    now: datetime | None = None,
    terminal: str = "",
) -> DefectResult:
    """An inspector confirms the repair: repaired -> verified, closed (not by whoever repaired it)."""
    now = now or utcnow()
    note = clean_text(note, N_("note"), required=False)
    operator, target = _repair_to_check(session, defect_id, badge, "verify", now)
    defect, vehicle = target.row, target.vehicle
    if defect.repaired_by_id == operator.id:
        raise PermissionDenied(
            _("{name} repaired {label} and may not verify it; another inspector must.").format(
                name=operator.name, label=target.label
            )
        )

    defect.status = DefectStatus.VERIFIED
    defect.verified_at = now
    defect.verified_by_id = operator.id
    return record_step(
        session,
        defect_id,
        "verified",
        now,
        operator,
        vehicle.station_id,
        note,
        _("Defect #{defect_id} {code} on {vin} verified: closed.").format(
            defect_id=defect_id, code=target.code, vin=vehicle.vin
        ),
        action=Action.DEFECT_VERIFY,
        vin=vehicle.vin,
        terminal=terminal,
    )


def reject_repair(
    session: Session,
    defect_id: int,
    badge: str,
    reason: str,
    *,
    now: datetime | None = None,
    terminal: str = "",
) -> DefectResult:
    """An inspector sends a repair back: repaired -> open; the repair stays in the defect's story."""
    now = now or utcnow()
    reason = clean_text(reason, N_("reason"), required=True)
    operator, target = _repair_to_check(session, defect_id, badge, "reject", now)
    defect, vehicle = target.row, target.vehicle

    defect.status = DefectStatus.OPEN
    defect.repaired_at = None
    defect.repaired_by_id = None
    defect.repair_station_id = None
    defect.repair_note = ""
    return record_step(
        session,
        defect_id,
        "rejected",
        now,
        operator,
        vehicle.station_id,
        reason,
        _("Repair of defect #{defect_id} {code} on {vin} rejected: open again ({reason}).").format(
            defect_id=defect_id, code=target.code, vin=vehicle.vin, reason=reason
        ),
        action=Action.DEFECT_REJECT,
        vin=vehicle.vin,
        terminal=terminal,
    )


def cancel_defect(
    session: Session,
    defect_id: int,
    badge: str,
    reason: str,
    *,
    now: datetime | None = None,
    terminal: str = "",
) -> DefectResult:
    """Withdraw a defect logged in error, with a reason; it stays on record, marked cancelled."""
    now = now or utcnow()
    reason = clean_text(reason, N_("reason"), required=True)
    operator = operator_by_badge(session, badge, now=now)
    target = _load(session, defect_id)
    defect, vehicle, label = target.row, target.vehicle, target.label
    own_open = defect.found_by_id == operator.id and defect.status == DefectStatus.OPEN
    if not own_open and not may(operator, Action.DEFECT_CANCEL):
        raise PermissionDenied(
            _("{name} may not cancel {label}; that takes an inspector or a line leader.").format(
                name=operator.name, label=label
            )
        )
    if defect.status == DefectStatus.VERIFIED:
        raise RuleViolation(
            _("{defect} is verified and closed; it cannot be cancelled.").format(defect=_cap(label))
        )
    if defect.status == DefectStatus.CANCELLED:
        raise RuleViolation(_("{defect} is already cancelled.").format(defect=_cap(label)))

    defect.status = DefectStatus.CANCELLED
    defect.cancel_reason = reason
    return record_step(
        session,
        defect_id,
        "cancelled",
        now,
        operator,
        vehicle.station_id,
        reason,
        _("Defect #{defect_id} {code} on {vin} cancelled: {reason}.").format(
            defect_id=defect_id, code=target.code, vin=vehicle.vin, reason=reason
        ),
        action=Action.DEFECT_CANCEL,
        vin=vehicle.vin,
        terminal=terminal,
    )
