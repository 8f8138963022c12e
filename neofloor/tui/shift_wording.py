"""What the dashboard says: its figures, curves and sentences, plain functions of a summary."""

from __future__ import annotations

import textwrap
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from neofloor.i18n import N_, _, decimal_text, ngettext, weekday_day_month_text
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
    for _day in range(SHIFT_SEARCH_DAYS + 1):
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
    number = decimal_text(ratio * 100)
    return f"{number}%" if digits else f"{number} %"


def _whole_percent(ratio: float | None) -> str:
    return DASH if ratio is None else decimal_text(ratio * 100, 0)


def _cars(count: int) -> str:
    return ngettext("{count} car", "{count} cars", count).format(count=count)


def _criterion(criterion: str) -> str:
    """The criterion that named the bottleneck, as people read it (the services spell it in English)."""
    # Imported here: the services' modules load the store, which the dashboard reads in its workers.
    from neofloor.services.metrics.formulas import BY_CYCLE, BY_DOWNTIME

    criteria = {BY_CYCLE: N_("longest median cycle time"), BY_DOWNTIME: N_("most downtime")}
    words = criteria.get(criterion)
    return _(words) if words is not None else criterion


def shift_figures(summary: ShiftSummary) -> dict[str, Figure]:
    """The five big numbers: output against plan, FPY, DPHU, OEE with its factors, WIP now."""
    s = summary
    planned = s.target_cars > 0
    behind = s.cars_behind
    if s.status == UPCOMING:
        pace = said = _("not started")
        more = _("target {cars}").format(cars=_cars(s.target_cars)) if planned else _("no target")
    elif not planned:
        pace, said, more = _("no plan"), _("no plan"), _("no target this shift")
    else:
        if behind > 0:
            pace = _("{count} BEHIND").format(count=behind)
            said = _("{count} BEHIND plan").format(count=behind)
        elif behind < 0:
            pace = _("{count} ahead").format(count=-behind)
            said = _("{count} ahead of plan").format(count=-behind)
        else:
            pace = said = _("on plan")
        more = _("plan so far {planned} of {target}").format(planned=s.plan_so_far, target=s.target_cars)
    takt = _("takt {duration}").format(duration=duration_text(s.takt_seconds)) if s.takt_seconds else ""
    of_plan = _("{count} of {planned}").format(count=s.output, planned=s.plan_so_far)
    output = Figure(
        big=str(s.output),
        value=of_plan if planned else str(s.output),
        narrow=pace,
        wide=(said, more, takt),
        alert=planned and behind > 0,
    )
    if s.fpy is None:
        fpy = Figure("-", DASH, _("no car yet"), (_("no car through QG"),))
        quality = Figure("-", DASH, _("no car yet"), (_("no car through QG"),))
    else:
        fpy = Figure(
            _percent(s.fpy, digits=True),
            _percent(s.fpy),
            _("{count} of {total}").format(count=s.first_pass, total=s.output),
            (
                _("{count} of {cars}").format(count=s.first_pass, cars=_cars(s.output)),
                _("right first time"),
            ),
        )
        defects = ngettext("{count} defect", "{count} defects", s.defects).format(count=s.defects)
        quality = Figure(
            decimal_text(s.dphu) if s.dphu is not None else "-",
            decimal_text(s.dphu) if s.dphu is not None else DASH,
            defects,
            (defects, _("{cars} inspected").format(cars=_cars(s.output)), _("per 100 cars")),
        )
    result = s.oee
    if result is None:
        note = _("No OEE: {reason}.").format(reason=s.oee_note)
        oee = Figure("-", DASH, _("no OEE"), tuple(textwrap.wrap(note, OEE_NOTE_WIDTH)[:3]))
    else:
        oee = Figure(
            _percent(result.oee, digits=True),
            _percent(result.oee),
            f"A{_whole_percent(result.availability)} P{_whole_percent(result.performance)} "
            f"Q{_whole_percent(result.quality)}",
            (
                _("availability {percent}").format(percent=_percent(result.availability)),
                _("performance {percent}").format(percent=_percent(result.performance)),
                _("quality {percent}").format(percent=_percent(result.quality)),
            ),
            alert=bool(result.warnings),
        )
    line = s.line
    stops = ", ".join(sorted({stop.station for stop in line.open_stops}))
    wip = Figure(
        str(line.wip),
        str(line.wip),
        _("{count} held").format(count=len(line.held)),
        (
            _("{held} held · {repair} in repair").format(held=len(line.held), repair=len(line.in_repair)),
            _("{count} open critical").format(count=line.open_critical_count),
            _("STOP at {stations}").format(stations=stops) if stops else _("no andon stop"),
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
    return _("{start} and {end}").format(
        start=hour_text(summary.window.start, zone), end=hour_text(summary.as_of, zone)
    )


def banner_sentence(summary: ShiftSummary) -> str:
    """The one thing to say above the numbers, if any: not started, no production, a doubtful OEE."""
    s = summary
    if s.status == UPCOMING:
        start = hour_text(s.window.start, s.window.timezone)
        return _("This shift has not started yet: it starts at {time}.").format(time=start)
    if s.no_production and s.target_cars == 0:
        return _("No production in this shift: none was planned (no target) and no car passed QG.")
    if s.no_production:
        return _("No production in this shift: no car passed QG between {span}.").format(span=_span(s))
    if s.target_cars == 0:
        return _("No target for this shift: {cars} passed QG, with no plan and no OEE to measure.").format(
            cars=_cars(s.output)
        )
    if s.oee is not None and s.oee.warnings:
        return s.oee.warnings[0]
    return ""


def chart_sentence(summary: ShiftSummary) -> str:
    if summary.status == UPCOMING:
        return _("The shift has not started: nothing to draw yet.")
    return _("No plan (no target) and no car through QG: nothing to draw.")


def bottleneck_sentence(summary: ShiftSummary) -> str:
    """Which station holds the line back, and by which criterion (the table marks it ◀)."""
    neck = summary.bottleneck
    if neck is None:
        return _("No bottleneck yet: no station completed a car, none stopped.")
    said = _("Bottleneck: {station} ({criterion}).").format(
        station=neck.station, criterion=_criterion(neck.criterion)
    )
    return f"{BOTTLENECK_MARK} {said}"


def downtime_sentence(summary: ShiftSummary, *, wide: bool) -> str:
    """Line downtime (what OEE counts), against the production time so far."""
    if not summary.downtime:
        return _("No stop in production time.") if wide else _("No stop this shift.")
    line = summary.line_downtime_minutes
    minutes = minutes_text(line) if line >= 0.05 else "0"
    if not wide:
        return _("Line stopped {minutes} min.").format(minutes=minutes)
    return _("Line stopped {minutes} min of {production} min production time.").format(
        minutes=minutes, production=minutes_text(summary.elapsed_planned_minutes)
    )


def title_sentence(summary: ShiftSummary, *, earlier: bool) -> str:
    """The dashboard's title line; ``earlier``: a shift the reader chose, not the clock's."""
    w = summary.window
    start, end = w.local_start, w.local_end
    day = f"{weekday_day_month_text(start)} {start:%Y}"
    parts = [_("Shift {code}").format(code=w.code) + f" · {day} {start:%H:%M}–{end:%H:%M}"]
    if summary.status == RUNNING:
        numbers_to = hour_text(summary.as_of, w.timezone)
        parts.append(_("UNDER WAY, numbers to {time}").format(time=numbers_to))
    else:
        parts.append(_("ENDED") if summary.status == ENDED else _("NOT STARTED"))
    if summary.takt_seconds:
        parts.append(_("takt {duration}").format(duration=duration_text(summary.takt_seconds)))
    else:
        parts.append(_("no target"))
    parts.append(w.name)
    if earlier:
        parts.append(_("an earlier shift: Home for now"))
    return " · ".join(parts)


def lead_time_sentence(summary: ShiftSummary) -> str:
    lead = summary.lead_time
    if lead.median is None:
        return _("Lead time to QG: no car through QG yet.")
    return _("Lead time to QG: median {median} · p90 {p90}").format(
        median=duration_text(lead.median), p90=duration_text(lead.p90)
    )
