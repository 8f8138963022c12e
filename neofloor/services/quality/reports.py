"""What the quality screens look at: the open defects, where they sit, and the Pareto of codes.

Open defects never include cars already delivered (their open minors went to
the customer on the delivery record; they are no longer the floor's work), so
they are read from the few cars still here (``ix_vehicle_state_station``) to
their defects (``ix_defect_vehicle``). The Pareto reads one period through
``ix_defect_catalog_found`` and groups in the database: a year on a ten-year
plant takes milliseconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, ColumnExpressionArgument, case, func, select
from sqlmodel import Session, col

from neofloor.i18n import N_, _
from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.errors import InvalidInput
from neofloor.services.plant.shifts import local_days
from neofloor.services.quality.catalog import SEVERITY_RANK, catalog_entries, normalize_zone
from neofloor.services.quality.records import UNCLOSED, DefectRecord, defect_records
from neofloor.services.tracking.ledger import find_vehicle
from neofloor.store.models import Defect, DefectStatus, Vehicle, VehicleState
from neofloor.store.types import utcnow

STATUSES: tuple[str, ...] = tuple(s.value for s in DefectStatus)
# Age bands of open defects: (label, found less than this long ago); the last is open-ended.
AGE_BANDS: tuple[tuple[str, timedelta | None], ...] = (
    (N_("under 1 h"), timedelta(hours=1)),
    (N_("1-4 h"), timedelta(hours=4)),
    (N_("4-24 h"), timedelta(hours=24)),
    (N_("1-3 days"), timedelta(days=3)),
    (N_("over 3 days"), None),
)


def _statuses(status: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if status is None:
        return None
    wanted = (status,) if isinstance(status, str) else tuple(status)
    for value in wanted:
        if value not in STATUSES:
            raise InvalidInput(
                _("Unknown defect status {value!r}; statuses are {STATUSES}.").format(
                    value=value, STATUSES=", ".join(STATUSES)
                )
            )
    return wanted


def _severity(severity: str | None) -> str | None:
    if severity is None:
        return None
    value = severity.strip().lower()
    if value not in SEVERITY_RANK:
        raise InvalidInput(
            _("Unknown severity {severity!r}; a defect is critical, major or minor.").format(
                severity=severity
            )
        )
    return value


# Every state but delivered, spelled out so the database can use ix_vehicle_state_station.
_NOT_DELIVERED = tuple(s.value for s in VehicleState if s != VehicleState.DELIVERED)


def _not_delivered() -> ColumnElement[bool]:
    """Defects of cars still at the plant.

    Reached through the few cars not delivered, not by walking ten years of
    open minors that left with their cars (100 ms -> 8 ms on a ten-year plant).
    """
    cars_here = select(col(Vehicle.id)).where(col(Vehicle.state).in_(_NOT_DELIVERED))
    return col(Defect.vehicle_id).in_(cars_here)


def open_defects(
    session: Session,
    *,
    vin: str | None = None,
    station: str | None = None,
    zone: str | None = None,
    severity: str | None = None,
    status: str | Sequence[str] | None = UNCLOSED,
    older_than: timedelta | None = None,
    include_delivered: bool = False,
    oldest_first: bool = True,
    limit: int = 100,
    offset: int = 0,
    now: datetime | None = None,
) -> list[DefectRecord]:
    """Defects to work on, filtered: by default open or unverified, on cars not delivered, oldest first.

    ``station`` is where a defect was found; ``older_than`` keeps those found
    longer ago than that; ``status=None`` means every status. A page at a time
    (``limit``, ``offset``).
    """
    now = now or utcnow()
    conditions: list[ColumnExpressionArgument[bool]] = []
    if vin is not None:
        car = find_vehicle(session, plant_catalog(session), vin, for_update=False)
        conditions.append(col(Defect.vehicle_id) == car.id)
    if station is not None:
        conditions.append(col(Defect.station_id) == plant_catalog(session).station(station).id)
    if zone is not None:
        conditions.append(col(Defect.zone) == normalize_zone(zone))
    wanted_severity = _severity(severity)
    if wanted_severity is not None:
        conditions.append(col(Defect.severity) == wanted_severity)
    wanted = _statuses(status)
    if wanted is not None:
        conditions.append(col(Defect.status).in_(wanted))
    if older_than is not None:
        conditions.append(col(Defect.found_at) < now - older_than)
    if not include_delivered:
        conditions.append(_not_delivered())
    found = col(Defect.found_at) if oldest_first else col(Defect.found_at).desc()
    return defect_records(
        session,
        *conditions,
        order_by=(found, col(Defect.id) if oldest_first else col(Defect.id).desc()),
        limit=limit,
        offset=offset,
        now=now,
    )


@dataclass(frozen=True)
class OpenDefectCell:
    """How many unclosed defects share a station, zone, severity, status and age band."""

    station: str
    zone: str
    severity: str
    status: str
    age_band: str
    count: int


@dataclass(frozen=True)
class OpenDefectCounts:
    """Unclosed defects on cars not delivered, counted every way the quality overview shows them."""

    total: int
    by_station: dict[str, int]
    by_zone: dict[str, int]
    by_severity: dict[str, int]
    by_status: dict[str, int]
    by_age: dict[str, int]  # in AGE_BANDS order, every band present
    cells: list[OpenDefectCell]  # for cross tables (station x severity...)

    @property
    def serious(self) -> int:
        """Critical and major: what stops cars at the quality gate."""
        return self.by_severity.get("critical", 0) + self.by_severity.get("major", 0)


def _age_band(now: datetime) -> ColumnElement[int]:
    """The index of a defect's age band, computed in the database."""
    whens = [
        (col(Defect.found_at) > now - limit, index)
        for index, (_label, limit) in enumerate(AGE_BANDS)
        if limit is not None
    ]
    return case(*whens, else_=len(AGE_BANDS) - 1)


def open_defect_counts(session: Session, *, now: datetime | None = None) -> OpenDefectCounts:
    """Counts of unclosed defects by station found, zone, severity, status and age: one grouped query."""
    now = now or utcnow()
    catalog = plant_catalog(session)
    band = _age_band(now)
    rows = session.execute(
        select(
            col(Defect.station_id),
            col(Defect.zone),
            col(Defect.severity),
            col(Defect.status),
            band,
            func.count(),
        )
        .join(Vehicle, col(Vehicle.id) == col(Defect.vehicle_id))
        .where(
            col(Defect.status).in_(UNCLOSED),
            _not_delivered(),
        )
        .group_by(col(Defect.station_id), col(Defect.zone), col(Defect.severity), col(Defect.status), band)
    ).all()
    cells = []
    for station_id, zone, severity, status, band_index, count in rows:
        station = catalog.station_by_id(station_id)
        cells.append(
            OpenDefectCell(
                station=station.code if station else "?",
                zone=zone,
                severity=severity,
                status=status,
                age_band=AGE_BANDS[band_index][0],
                count=count,
            )
        )
    cells.sort(key=lambda c: (c.station, SEVERITY_RANK.get(c.severity, 9), c.zone, c.status, c.age_band))

    def tally(key: str) -> dict[str, int]:
        counter: Counter[str] = Counter()
        for cell in cells:
            counter[getattr(cell, key)] += cell.count
        return dict(counter)

    by_age = tally("age_band")
    severities = tally("severity")
    return OpenDefectCounts(
        total=sum(c.count for c in cells),
        by_station=dict(sorted(tally("station").items(), key=lambda kv: (-kv[1], kv[0]))),
        by_zone=dict(sorted(tally("zone").items(), key=lambda kv: (-kv[1], kv[0]))),
        by_severity={s: severities[s] for s in SEVERITY_RANK if s in severities},
        by_status=tally("status"),
        by_age={label: by_age.get(label, 0) for label, _unused in AGE_BANDS},
        cells=cells,
    )


@dataclass(frozen=True)
class ParetoLine:
    code: str
    description: str
    category: str
    count: int
    share: float  # of every defect in the period
    cumulative_share: float


@dataclass(frozen=True)
class DefectPareto:
    """Defect codes by how often they were found in a period, the most frequent first."""

    start: datetime
    end: datetime
    total: int  # defects found in the period, cancelled ones left out
    lines: list[ParetoLine]
    other_count: int  # defects of codes beyond the listed ones


def defect_pareto(
    session: Session,
    start: datetime,
    end: datetime,
    limit: int = 20,
    *,
    station: str | None = None,
) -> DefectPareto:
    """The Pareto of defect codes found in [start, end): count, share and cumulative share.

    Defects cancelled as logged in error do not count. Ties are listed by code.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise InvalidInput(_("A period needs times with a time zone."))
    if end <= start:
        raise InvalidInput(_("A period must end after it starts."))
    if limit < 1:
        raise InvalidInput(_("A Pareto lists at least one code."))
    conditions = [
        col(Defect.found_at) >= start,
        col(Defect.found_at) < end,
        col(Defect.status) != DefectStatus.CANCELLED,
    ]
    if station is not None:
        conditions.append(col(Defect.station_id) == plant_catalog(session).station(station).id)
    counts = session.execute(
        select(col(Defect.catalog_id), func.count()).where(*conditions).group_by(col(Defect.catalog_id))
    ).all()
    entries = {e.id: e for e in catalog_entries(session)}
    ranked = sorted(
        ((entries[catalog_id], count) for catalog_id, count in counts),
        key=lambda item: (-item[1], item[0].code),
    )
    total = sum(count for _unused, count in ranked)
    lines = []
    running = 0
    for entry, count in ranked[:limit]:
        running += count
        lines.append(
            ParetoLine(
                code=entry.code,
                description=entry.description,
                category=entry.category,
                count=count,
                share=count / total,
                cumulative_share=running / total,
            )
        )
    return DefectPareto(start=start, end=end, total=total, lines=lines, other_count=total - running)


def plant_days(session: Session, first: date, last: date) -> tuple[datetime, datetime]:
    """The UTC period covering plant local days ``first`` to ``last``, both included."""
    return local_days(first, last, plant_catalog(session).timezone)


def parse_day(text: str) -> date:
    """A plant day typed as YYYY-MM-DD, or :class:`InvalidInput`."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput(
            _("{given!r} is not a day; write it as YYYY-MM-DD.").format(given=text.strip())
        ) from exc
