"""What the dashboard says: its figures, curves and sentences, plain functions of a summary."""

from __future__ import annotations

import textwrap
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from neofloor.tui.formatting import hour_text
from neofloor.tui.widgets.big_number import Figure
from neofloor.tui.widgets.hourly_chart import ShiftCurves
from neofloor.tui.widgets.shift_panels import (
    BOTTLENECK_MARK,
    DASH,
    duration_text,
    minutes_text,
)

if TYPE_CHECKING:
    from neofloor.services.metrics.summary import ShiftSummary
    from neofloor.services.plant.shifts import ShiftCalendar, ShiftWindow

# How far the previous/next shift keys look for a day with a shift (holidays, shutdowns).
SHIFT_SEARCH_DAYS = 31
# The width of a figure's lines on a wide terminal (a fifth of 120 columns, less the frame).
OEE_NOTE_WIDTH = 20
# The statuses of a shift, as the metrics services spell them.
UPCOMING, RUNNING, ENDED = "upcoming", "running", "ended"


def neighbour_shift(
    calendar: ShiftCalendar, window: ShiftWindow, step: int, *, until: datetime | None = None
) -> ShiftWindow | None:
    """The shift just before (``step`` < 0) or after a window; after, only one started by ``until``."""
    day = window.local_date
    for _ in range(SHIFT_SEARCH_DAYS + 1):
        windows = calendar.windows_on(day)
        if step < 0:
            earlier = [w for w in windows if w.start < window.start]
            if earlier:
                return earlier[-1]
            day -= timedelta(days=1)
        else:
            later = [w for w in windows if w.start > window.start]
            if later:
                return later[0] if until is None or later[0].start <= until else None
            day += timedelta(days=1)
    return None


def _percent(ratio: float | None, *, digits: bool = False) -> str:
    if ratio is None:
        return "-" if digits else DASH
    return f"{ratio * 100:.1f}%" if digits else f"{ratio * 100:.1f} %"


def _whole_percent(ratio: float | None) -> str:
    return DASH if ratio is None else f"{ratio * 100:.0f}"


def _cars(count: int) -> str:
    return f"{count} car" if count == 1 else f"{count} cars"


def shift_figures(summary: ShiftSummary) -> dict[str, Figure]:
    """The five big numbers: output against plan, FPY, DPHU, OEE with its factors, WIP now."""
    s = summary
    planned = s.target_cars > 0
    behind = s.cars_behind
    if s.status == UPCOMING:
        pace = said = "not started"
        more = f"target {_cars(s.target_cars)}" if planned else "no target"
    elif not planned:
        pace, said, more = "no plan", "no plan", "no target this shift"
    else:
        if behind > 0:
            pace, said = f"{behind} BEHIND", f"{behind} BEHIND plan"
        elif behind < 0:
            pace, said = f"{-behind} ahead", f"{-behind} ahead of plan"
        else:
            pace = said = "on plan"
        more = f"plan so far {s.plan_so_far} of {s.target_cars}"
    takt = f"takt {duration_text(s.takt_seconds)}" if s.takt_seconds else ""
    output = Figure(
        big=str(s.output),
        value=f"{s.output} of {s.plan_so_far}" if planned else str(s.output),
        narrow=pace,
        wide=(said, more, takt),
        alert=planned and behind > 0,
    )
    if s.fpy is None:
        fpy = Figure("-", DASH, "no car yet", ("no car through QG",))
        quality = Figure("-", DASH, "no car yet", ("no car through QG",))
    else:
        fpy = Figure(
            _percent(s.fpy, digits=True),
            _percent(s.fpy),
            f"{s.first_pass} of {s.output}",
            (f"{s.first_pass} of {_cars(s.output)}", "right first time"),
        )
        defects = f"{s.defects} defect" if s.defects == 1 else f"{s.defects} defects"
        quality = Figure(
            f"{s.dphu:.1f}" if s.dphu is not None else "-",
            f"{s.dphu:.1f}" if s.dphu is not None else DASH,
            defects,
            (defects, f"{_cars(s.output)} inspected", "per 100 cars"),
        )
    result = s.oee
    if result is None:
        oee = Figure("-", DASH, "no OEE", tuple(textwrap.wrap(f"No OEE: {s.oee_note}.", OEE_NOTE_WIDTH)[:3]))
    else:
        oee = Figure(
            _percent(result.oee, digits=True),
            _percent(result.oee),
            f"A{_whole_percent(result.availability)} P{_whole_percent(result.performance)} "
            f"Q{_whole_percent(result.quality)}",
            (
                f"availability {_percent(result.availability)}",
                f"performance {_percent(result.performance)}",
                f"quality {_percent(result.quality)}",
            ),
            alert=bool(result.warnings),
        )
    line = s.line
    stops = ", ".join(sorted({stop.station for stop in line.open_stops}))
    wip = Figure(
        str(line.wip),
        str(line.wip),
        f"{len(line.held)} held",
        (
            f"{len(line.held)} held · {len(line.in_repair)} in repair",
            f"{line.open_critical_count} open critical",
            f"STOP at {stops}" if stops else "no andon stop",
        ),
        alert=bool(line.held or line.open_critical_count or stops),
    )
    return {"output": output, "fpy": fpy, "dphu": quality, "oee": oee, "wip": wip}


def shift_curves(summary: ShiftSummary) -> ShiftCurves:
    """The chart's curves: cumulative plan at each hour's end, cumulative output up to now."""
    window = summary.window

    def hours_in(moment: datetime) -> float:
        return round((moment - window.start).total_seconds() / 3600, 4)

    plan: list[tuple[float, int]] = []
    if summary.target_cars > 0:
        plan = [(0.0, 0), *((hours_in(h.end), h.cumulative_plan) for h in summary.hourly)]
    output: list[tuple[float, int]] = [] if summary.status == UPCOMING else [(0.0, 0)]
    for hour in summary.hourly:
        if hour.status == ENDED:
            output.append((hours_in(hour.end), hour.cumulative_output))
        elif hour.status == RUNNING:
            output.append((hours_in(summary.as_of), hour.cumulative_output))
    return ShiftCurves(
        length=hours_in(window.end),
        hours=tuple((hours_in(h.start), h.label) for h in summary.hourly),
        plan=tuple(plan),
        output=tuple(output),
    )


def _span(summary: ShiftSummary) -> str:
    zone = summary.window.timezone
    return f"{hour_text(summary.window.start, zone)} and {hour_text(summary.as_of, zone)}"


def banner_sentence(summary: ShiftSummary) -> str:
    """The one thing to say above the numbers, if any: not started, no production, a doubtful OEE."""
    s = summary
    if s.status == UPCOMING:
        return f"This shift has not started yet: it starts at {hour_text(s.window.start, s.window.timezone)}."
    if s.no_production and s.target_cars == 0:
        return "No production in this shift: none was planned (no target) and no car passed QG."
    if s.no_production:
        return f"No production in this shift: no car passed QG between {_span(s)}."
    if s.target_cars == 0:
        return f"No target for this shift: {_cars(s.output)} passed QG, with no plan and no OEE to measure."
    if s.oee is not None and s.oee.warnings:
        return s.oee.warnings[0]
    return ""


def chart_sentence(summary: ShiftSummary) -> str:
    if summary.status == UPCOMING:
        return "The shift has not started: nothing to draw yet."
    return "No plan (no target) and no car through QG: nothing to draw."


def bottleneck_sentence(summary: ShiftSummary) -> str:
    """Which station holds the line back, and by which criterion (the table marks it ◀)."""
    neck = summary.bottleneck
    if neck is None:
        return "No bottleneck yet: no station completed a car, none stopped."
    return f"{BOTTLENECK_MARK} Bottleneck: {neck.station} ({neck.criterion})."


def downtime_sentence(summary: ShiftSummary, *, wide: bool) -> str:
    """Line downtime (what OEE counts), against the production time so far."""
    if not summary.downtime:
        return "No stop in production time." if wide else "No stop this shift."
    line = summary.line_downtime_minutes
    stopped = f"Line stopped {minutes_text(line) if line >= 0.05 else 0} min"
    if not wide:
        return f"{stopped}."
    return f"{stopped} of {minutes_text(summary.elapsed_planned_minutes)} min production time."


def title_sentence(summary: ShiftSummary, *, earlier: bool) -> str:
    """The dashboard's title line; ``earlier``: a shift the reader chose, not the clock's."""
    w = summary.window
    start, end = w.local_start, w.local_end
    parts = [f"Shift {w.code} · {start:%a %d %b %Y} {start:%H:%M}–{end:%H:%M}"]
    if summary.status == RUNNING:
        parts.append(f"UNDER WAY, numbers to {hour_text(summary.as_of, w.timezone)}")
    else:
        parts.append("ENDED" if summary.status == ENDED else "NOT STARTED")
    parts.append(f"takt {duration_text(summary.takt_seconds)}" if summary.takt_seconds else "no target")
    parts.append(w.name)
    if earlier:
        parts.append("an earlier shift: Home for now")
    return " · ".join(parts)


def lead_time_sentence(summary: ShiftSummary) -> str:
    lead = summary.lead_time
    if lead.median is None:
        return "Lead time to QG: no car through QG yet."
    return f"Lead time to QG: median {duration_text(lead.median)} · p90 {duration_text(lead.p90)}"
