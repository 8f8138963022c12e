"""A shift's numbers in one call (for the dashboard and the handover report), and the daily trend.

``shift_summary`` gathers output against plan by hour, quality, cycle and lead times,
downtime, OEE and the line's state now; ``trend`` gives one row per production day.
Both read through the range-bounded queries of ``metrics_queries`` (stops, the repair
bay and overrides through the supervision services the line board uses) and compute
with the pure formulas of ``metrics``; docs/metrics.md says what every number means.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from sqlmodel import Session

from neofloor.i18n import _
from neofloor.services.delivery.handover import count_by_financing, handovers_between
from neofloor.services.metrics.formulas import (
    Bottleneck,
    DurationStats,
    OeeResult,
    cars_behind,
    dphu,
    duration_stats,
    find_bottleneck,
    first_pass_yield,
    oee,
    plan_cars,
    plan_so_far,
    seconds_by,
    takt_time,
    union_seconds,
)
from neofloor.services.metrics.queries import (
    LIST_LIMIT,
    HeldCar,
    QgPass,
    held_cars,
    open_critical_defects,
    qg_passes,
    station_cycles,
    wip_count,
)
from neofloor.services.metrics.station_quality import StationQuality, quality_by_station
from neofloor.services.plant.catalog import PlantCatalog, plant_catalog
from neofloor.services.plant.clock import to_local
from neofloor.services.plant.shifts import (
    Interval,
    ProductionDay,
    ShiftCalendar,
    ShiftWindow,
    local_date_of,
    shift_calendar,
)
from neofloor.services.quality.records import DefectRecord
from neofloor.services.supervision.andon import DowntimeSpan, Stop, downtime_between, open_stops
from neofloor.services.supervision.overrides import OverrideMove, overrides_between
from neofloor.services.supervision.repair_time import CarInRepair, cars_in_repair
from neofloor.services.supervision.shift_notes import ShiftNoteLine, list_shift_notes
from neofloor.store.types import utcnow

UPCOMING = "upcoming"
RUNNING = "running"
ENDED = "ended"


@dataclass(frozen=True)
class HourOutput:
    """One clock hour of a shift (the first and last may be shorter): plan against output."""

    start: datetime
    end: datetime
    label: str  # plant-local "06:00"
    planned_seconds: float  # production time in the hour (breaks left out)
    plan: float  # cars the takt asks for in the hour
    output: int
    cumulative_plan: int  # whole cars planned from the shift start to the hour's end
    cumulative_output: int
    status: str  # upcoming, running or ended


@dataclass(frozen=True)
class StationCycle:
    """Cycle times of one production station over the period."""

    station: str
    name: str
    ideal_cycle_seconds: int | None
    cycle: DurationStats
    downtime_minutes: float
    bottleneck: bool


@dataclass(frozen=True)
class DowntimeLine:
    """Downtime of one reason over the period's production time."""

    reason_code: str
    reason: str
    minutes: float
    stops: int
    stations: tuple[str, ...]


@dataclass(frozen=True)
class LineNow:
    """The line as it stands at the moment of the summary (current state, not history)."""

    at: datetime
    wip: int
    held: tuple[HeldCar, ...]
    in_repair: tuple[CarInRepair, ...]
    open_critical_count: int
    open_critical: tuple[DefectRecord, ...]
    open_stops: tuple[Stop, ...]


@dataclass(frozen=True)
class ShiftSummary:
    """Everything the shift dashboard and the handover report show, for one shift."""

    plant: str
    window: ShiftWindow
    now: datetime
    as_of: datetime  # the summary covers [window.start, as_of)
    status: str  # upcoming, running or ended
    # pace
    target_cars: int
    takt_seconds: float | None
    planned_minutes: float  # the whole shift's production time
    elapsed_planned_minutes: float  # production time up to as_of
    output: int
    plan_so_far: int
    cars_behind: int  # negative: ahead of plan
    hourly: tuple[HourOutput, ...]
    # quality
    first_pass: int
    fpy: float | None
    defects: int
    dphu: float | None
    # flow
    lead_time: DurationStats
    stations: tuple[StationCycle, ...]
    bottleneck: Bottleneck | None
    # losses
    line_downtime_minutes: float
    downtime: tuple[DowntimeLine, ...]  # by reason, most minutes first
    line_ideal_cycle_seconds: int | None
    oee: OeeResult | None
    oee_note: str  # why there is no OEE, when there is none
    # the shift's events and the line now
    overrides: tuple[OverrideMove, ...]
    notes: tuple[ShiftNoteLine, ...]
    line: LineNow
    # cars handed over to customers in the shift, and per financing partner (or cash)
    deliveries: int = 0
    deliveries_by_financing: tuple[tuple[str, int], ...] = ()
    # FPY and DPHU by station, where the defects were found (services/metrics/station_quality.py)
    quality_by_station: tuple[StationQuality, ...] = ()

    @property
    def no_production(self) -> bool:
        return self.output == 0

    @property
    def label(self) -> str:
        return self.window.label


def period_status(window: ShiftWindow | ProductionDay, now: datetime) -> str:
    if now < window.start:
        return UPCOMING
    if now < window.end:
        return RUNNING
    return ENDED


def line_ideal_cycle_seconds(catalog: PlantCatalog) -> int | None:
    """The line's ideal cycle time: the slowest ideal cycle among its production stations.

    A line can go no faster than its slowest station by design (its bottleneck by design).
    """
    ideals = [s.ideal_cycle_seconds for s in catalog.production_route if s.ideal_cycle_seconds]
    return max(ideals) if ideals else None


def line_oee(
    catalog: PlantCatalog,
    target_cars: int,
    planned_seconds: float,
    downtime_seconds: float,
    total: int,
    good: int,
) -> tuple[OeeResult | None, str]:
    ideal = line_ideal_cycle_seconds(catalog)
    if target_cars == 0:
        return None, _("no production was planned (no target)")
    if planned_seconds <= 0:
        return None, _("no planned production time has passed yet")
    if ideal is None:
        return None, _("the plant config gives no ideal cycle times")
    return (
        oee(planned_seconds / 60, min(downtime_seconds, planned_seconds) / 60, ideal, total, good),
        "",
    )


def _hourly(
    window: ShiftWindow, takt: float | None, passes: list[QgPass], as_of: datetime
) -> tuple[HourOutput, ...]:
    local_start = to_local(window.start, window.timezone)
    past_hour = local_start.minute * 60 + local_start.second
    edges = [window.start]
    cursor = window.start + timedelta(seconds=3600 - past_hour)
    while cursor < window.end:
        edges.append(cursor)
        cursor += timedelta(hours=1)
    edges.append(window.end)
    hours: list[HourOutput] = []
    planned_total = 0.0
    done_total = 0
    for start, end in pairwise(edges):
        if end <= start:
            continue
        planned = window.planned_seconds_between(start, end)
        planned_total += planned
        made = sum(1 for p in passes if start <= p.passed_at < end)
        done_total += made
        hours.append(
            HourOutput(
                start=start,
                end=end,
                label=to_local(start, window.timezone).strftime("%H:%M"),
                planned_seconds=planned,
                plan=plan_cars(planned, takt),
                output=made,
                cumulative_plan=plan_so_far(planned_total, takt),
                cumulative_output=done_total,
                status=UPCOMING if as_of <= start else RUNNING if as_of < end else ENDED,
            )
        )
    return tuple(hours)


def downtime_piece(span: DowntimeSpan) -> Interval:
    return Interval(span.start, span.end)


def _downtime_lines(spans: list[DowntimeSpan], within: tuple[Interval, ...]) -> list[DowntimeLine]:
    pieces = [(s.stop, downtime_piece(s)) for s in spans]
    minutes = seconds_by(((s.reason_code, p) for s, p in pieces), within)
    lines = []
    for code, seconds in minutes.items():
        if seconds <= 0:
            continue
        counted = [s for s, p in pieces if s.reason_code == code and union_seconds([p], within) > 0]
        lines.append(
            DowntimeLine(
                reason_code=code,
                reason=counted[0].reason,
                minutes=seconds / 60,
                stops=len(counted),
                stations=tuple(sorted({s.station for s in counted})),
            )
        )
    return sorted(lines, key=lambda line: (-line.minutes, line.reason_code))


def line_now(session: Session, now: datetime) -> LineNow:
    """WIP, holds, cars in repair, open critical defects and running stops, as they are now."""
    count, critical = open_critical_defects(session, now=now)
    return LineNow(
        at=now,
        wip=wip_count(session),
        held=tuple(held_cars(session)),
        # In build sequence, as the handover lists the line's cars.
        in_repair=tuple(
            sorted(cars_in_repair(session, now=now, limit=LIST_LIMIT), key=lambda c: c.build_seq)
        ),
        open_critical_count=count,
        open_critical=tuple(critical),
        open_stops=tuple(open_stops(session, now=now)),
    )


def _line_for(session: Session, window: ShiftWindow, status: str, now: datetime) -> LineNow:
    """A shift under way shows the line now; a shift that ended, the line as it stood at its end."""
    if status != ENDED:
        return line_now(session, now)
    from neofloor.services.metrics.line_at import line_at  # it builds a LineNow: imported when used

    return line_at(session, window.end)


def summarize_shift(session: Session, window: ShiftWindow, *, now: datetime | None = None) -> ShiftSummary:
    """The summary of a shift window already looked up (see :func:`shift_summary`)."""
    now = now or utcnow()
    catalog = plant_catalog(session)
    status = period_status(window, now)
    as_of = max(window.start, min(now, window.end))
    # Downtime counts only within planned production time, as OEE does: a shift without a
    # target plans none, so a stop then is neither "line stopped N min of M" nor an OEE loss.
    production = window.production_intervals(until=as_of) if window.is_production else ()
    elapsed = sum(p.seconds for p in production)
    takt = takt_time(window.planned_seconds, window.target_cars)

    passes = qg_passes(session, window.start, as_of)
    output = len(passes)
    first_pass = sum(1 for p in passes if p.first_pass)
    defects = sum(p.defects for p in passes)
    planned_now = plan_so_far(elapsed, takt)

    route = catalog.production_route
    # Stops running at some moment of the shift so far, an open one counted up to as_of.
    spans = downtime_between(session, window.start, as_of, now=as_of)
    on_line = {st.code for st in route}
    line_spans = [s for s in spans if s.stop.station in on_line]
    by_station = seconds_by(((s.stop.station, downtime_piece(s)) for s in line_spans), production)
    line_down = union_seconds((downtime_piece(s) for s in line_spans), production)
    cycles = station_cycles(session, window.start, as_of)
    stats = {code: duration_stats(values) for code, values in cycles.items()}
    station_downtime = {s.code: by_station.get(s.code, 0.0) / 60 for s in route}
    neck = find_bottleneck(
        [s.code for s in route], {c: st.median for c, st in stats.items()}, station_downtime
    )
    stations = tuple(
        StationCycle(
            station=s.code,
            name=s.name,
            ideal_cycle_seconds=s.ideal_cycle_seconds,
            cycle=stats[s.code],
            downtime_minutes=station_downtime[s.code],
            bottleneck=neck is not None and neck.station == s.code,
        )
        for s in route
    )
    result, note = line_oee(catalog, window.target_cars, elapsed, line_down, output, first_pass)
    handovers = handovers_between(session, window.start, as_of)
    if status == UPCOMING:
        note = _("the shift has not started")
    return ShiftSummary(
        plant=catalog.name,
        window=window,
        now=now,
        as_of=as_of,
        status=status,
        target_cars=window.target_cars,
        takt_seconds=takt,
        planned_minutes=window.planned_minutes if window.is_production else 0.0,
        elapsed_planned_minutes=elapsed / 60,
        output=output,
        plan_so_far=planned_now,
        cars_behind=cars_behind(planned_now, output),
        hourly=_hourly(window, takt, passes, as_of),
        first_pass=first_pass,
        fpy=first_pass_yield(first_pass, output),
        defects=defects,
        dphu=dphu(defects, output),
        lead_time=duration_stats(p.lead_seconds for p in passes if p.lead_seconds is not None),
        stations=stations,
        bottleneck=neck,
        line_downtime_minutes=line_down / 60,
        downtime=tuple(_downtime_lines(spans, production)),
        line_ideal_cycle_seconds=line_ideal_cycle_seconds(catalog),
        oee=result,
        oee_note=note,
        overrides=tuple(overrides_between(session, window.start, as_of, limit=LIST_LIMIT)),
        notes=tuple(list_shift_notes(session, window.local_date, window.code)),
        line=_line_for(session, window, status, now),
        quality_by_station=quality_by_station(session, window.start, as_of),
        deliveries=len(handovers),
        deliveries_by_financing=count_by_financing(handovers),
    )


def shift_summary(
    session: Session,
    local_date: date,
    shift_code: str,
    *,
    now: datetime | None = None,
    calendar: ShiftCalendar | None = None,
) -> ShiftSummary:
    """Everything about shift ``shift_code`` of plant-local ``local_date``, up to ``now``.

    A shift under way is summarized up to now (plan so far, OEE so far); a shift
    that has not started gives an empty summary that says so.
    """
    calendar = calendar or shift_calendar(session)
    return summarize_shift(session, calendar.window(local_date, shift_code), now=now)


# --- the trend over days -------------------------------------------------------------


def plant_today(session: Session, now: datetime | None = None) -> date:
    """Today's plant-local calendar date."""
    return local_date_of(now or utcnow(), plant_catalog(session).timezone)
