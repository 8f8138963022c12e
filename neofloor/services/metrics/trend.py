"""The daily trend over a period, and the quality figures of any stretch of time."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlmodel import Session

from neofloor.i18n import _
from neofloor.services.delivery.handover import count_by_financing, handovers_between
from neofloor.services.metrics.formulas import (
    OeeResult,
    cars_behind,
    dphu,
    duration_stats,
    first_pass_yield,
    plan_so_far,
    takt_time,
    union_seconds,
)
from neofloor.services.metrics.queries import (
    QgPass,
    qg_passes,
)
from neofloor.services.metrics.summary import (
    ENDED,
    RUNNING,
    UPCOMING,
    downtime_piece,
    line_oee,
    period_status,
)
from neofloor.services.plant.catalog import PlantCatalog, plant_catalog
from neofloor.services.plant.errors import InvalidInput
from neofloor.services.plant.shifts import (
    Interval,
    ProductionDay,
    shift_calendar,
)
from neofloor.services.supervision.andon import downtime_between
from neofloor.store.types import utcnow

# The longest trend one call will build (a year and a day, for a leap year).
TREND_MAX_DAYS = 366


@dataclass(frozen=True)
class DaySummary:
    """One production day of the trend."""

    local_date: date
    shifts: tuple[str, ...]
    status: str
    target_cars: int
    planned_minutes: float  # production time of shifts with a target, up to now
    output: int  # every car through QG in the production day
    plan: int  # cars planned by now (the whole day's once it is over)
    cars_behind: int
    first_pass: int
    fpy: float | None
    defects: int
    dphu: float | None
    line_downtime_minutes: float
    lead_time_median_seconds: float | None
    oee: OeeResult | None
    # cars handed over to customers that day, and per financing partner (or cash)
    deliveries: int = 0
    deliveries_by_financing: tuple[tuple[str, int], ...] = ()

    @property
    def no_production(self) -> bool:
        return self.output == 0


@dataclass(frozen=True)
class Trend:
    plant: str
    timezone: str
    from_date: date
    to_date: date  # cut at today when asked for days still to come
    now: datetime
    days: tuple[DaySummary, ...]
    total: DaySummary  # the whole period, pooled (OEE from summed times and counts)


def _day_summary(
    catalog: PlantCatalog,
    day: ProductionDay,
    made: list[QgPass],
    line_stops: list[Interval],
    now: datetime,
) -> tuple[DaySummary, tuple[float, float, int, int]]:
    """One day's row, from the cars through QG that day and the line stops that touch it."""
    as_of = max(day.start, min(now, day.end))
    planned_shifts = [s for s in day.shifts if s.is_production]
    production = tuple(p for s in planned_shifts for p in s.production_intervals(until=as_of))
    planned_seconds = sum(p.seconds for p in production)
    plan = sum(
        plan_so_far(s.planned_seconds_between(s.start, as_of), takt_time(s.planned_seconds, s.target_cars))
        for s in planned_shifts
    )
    down = union_seconds(line_stops, production)
    in_shifts = [p for p in made if any(s.contains(p.passed_at) for s in planned_shifts)]
    good_in_shifts = sum(1 for p in in_shifts if p.first_pass)
    result, _unused = line_oee(
        catalog,
        sum(s.target_cars for s in planned_shifts),
        planned_seconds,
        down,
        len(in_shifts),
        good_in_shifts,
    )
    first_pass = sum(1 for p in made if p.first_pass)
    defects = sum(p.defects for p in made)
    summary = DaySummary(
        local_date=day.local_date,
        shifts=tuple(s.code for s in day.shifts),
        status=period_status(day, now),
        target_cars=day.target_cars,
        planned_minutes=planned_seconds / 60,
        output=len(made),
        plan=plan,
        cars_behind=cars_behind(plan, len(made)),
        first_pass=first_pass,
        fpy=first_pass_yield(first_pass, len(made)),
        defects=defects,
        dphu=dphu(defects, len(made)),
        line_downtime_minutes=down / 60,
        lead_time_median_seconds=duration_stats(
            p.lead_seconds for p in made if p.lead_seconds is not None
        ).median,
        oee=result,
    )
    return summary, (planned_seconds, down, len(in_shifts), good_in_shifts)


def trend(session: Session, from_date: date, to_date: date, *, now: datetime | None = None) -> Trend:
    """One row per production day from ``from_date`` to ``to_date`` (cut at today), and the total."""
    now = now or utcnow()
    if to_date < from_date:
        raise InvalidInput(
            _("The trend ends ({to_date}) before it starts ({from_date}).").format(
                to_date=to_date, from_date=from_date
            )
        )
    catalog = plant_catalog(session)
    calendar = shift_calendar(session)
    today = calendar.day_of(now)
    if from_date > today:
        raise InvalidInput(
            _("The trend starts after today ({today}): there is nothing to show yet.").format(today=today)
        )
    last = min(to_date, today)
    span = (last - from_date).days + 1
    if span > TREND_MAX_DAYS:
        raise InvalidInput(
            _("A trend covers at most {TREND_MAX_DAYS} days; this one asks for {span}.").format(
                TREND_MAX_DAYS=TREND_MAX_DAYS, span=span
            )
        )
    days = [calendar.day(from_date + timedelta(days=i)) for i in range(span)]
    start, end = days[0].start, min(days[-1].end, max(now, days[0].start))
    passes = qg_passes(session, start, end)
    passed_at = [p.passed_at for p in passes]
    # Each line stop goes to the days it touches, so a day looks only at its own stops.
    day_starts = [d.start for d in days]
    stops_of_day: list[list[Interval]] = [[] for _unused in days]
    on_line = {st.code for st in catalog.production_route}
    for stopped in downtime_between(session, start, end, now=end):
        if stopped.stop.station not in on_line:
            continue
        piece = downtime_piece(stopped)
        index = max(0, bisect_right(day_starts, piece.start) - 1)
        while index < len(days) and days[index].start < piece.end:
            stops_of_day[index].append(piece)
            index += 1
    handovers = handovers_between(session, start, end)
    handed_at = [at for at, _paid in handovers]
    rows: list[DaySummary] = []
    pooled = [0.0, 0.0, 0, 0]
    for day, day_stops in zip(days, stops_of_day, strict=True):
        as_of = max(day.start, min(now, day.end))
        made_today = passes[bisect_left(passed_at, day.start) : bisect_left(passed_at, as_of)]
        row, (planned, down, made, good) = _day_summary(catalog, day, made_today, day_stops, now)
        handed_today = handovers[bisect_left(handed_at, day.start) : bisect_left(handed_at, as_of)]
        row = replace(
            row, deliveries=len(handed_today), deliveries_by_financing=count_by_financing(handed_today)
        )
        rows.append(row)
        pooled[0] += planned
        pooled[1] += down
        pooled[2] += made
        pooled[3] += good
    output = sum(r.output for r in rows)
    first_pass = sum(r.first_pass for r in rows)
    defects = sum(r.defects for r in rows)
    plan = sum(r.plan for r in rows)
    targets = sum(r.target_cars for r in rows)
    pooled_oee, _unused = line_oee(catalog, targets, pooled[0], pooled[1], int(pooled[2]), int(pooled[3]))
    overall = DaySummary(
        local_date=last,
        shifts=tuple(sorted({c for r in rows for c in r.shifts})),
        status=UPCOMING if now < days[0].start else RUNNING if now < days[-1].end else ENDED,
        target_cars=targets,
        planned_minutes=pooled[0] / 60,
        output=output,
        plan=plan,
        cars_behind=cars_behind(plan, output),
        first_pass=first_pass,
        fpy=first_pass_yield(first_pass, output),
        defects=defects,
        dphu=dphu(defects, output),
        line_downtime_minutes=sum(r.line_downtime_minutes for r in rows),
        lead_time_median_seconds=duration_stats(
            p.lead_seconds for p in passes if p.lead_seconds is not None
        ).median,
        oee=pooled_oee,
        deliveries=sum(r.deliveries for r in rows),
        deliveries_by_financing=count_by_financing(handovers),
    )
    return Trend(
        plant=catalog.name,
        timezone=calendar.timezone,
        from_date=from_date,
        to_date=last,
        now=now,
        days=tuple(rows),
        total=overall,
    )


@dataclass(frozen=True)
class QualityFigures:
    """First-pass yield and DPHU of the cars that passed QG in a period."""

    start: datetime
    end: datetime
    passed: int  # cars through QG for the first time: the cars inspected
    first_pass: int
    defects: int  # recorded on those cars, ever, cancelled ones left out
    fpy: float | None
    dphu: float | None


def quality_between(session: Session, start: datetime, end: datetime) -> QualityFigures:
    """FPY and DPHU over ``[start, end)``, by the same definitions as the shift summary."""
    if end < start:
        raise InvalidInput(_("The period ends before it starts."))
    passes = qg_passes(session, start, end)
    first_pass = sum(1 for p in passes if p.first_pass)
    defects = sum(p.defects for p in passes)
    return QualityFigures(
        start=start,
        end=end,
        passed=len(passes),
        first_pass=first_pass,
        defects=defects,
        fpy=first_pass_yield(first_pass, len(passes)),
        dphu=dphu(defects, len(passes)),
    )
