"""The shift handover report: one shift's numbers and open issues, as Markdown, CSV or JSON.

Made from a :class:`ShiftSummary` only, so the report and the dashboard (which shows
the same summary) cannot disagree. JSON carries the summary's numbers unrounded;
Markdown and CSV round them for people.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from neofloor.reports.common import (
    DASH,
    check_format,
    clock,
    csv_text,
    duration,
    iso_local,
    md_table,
    minutes,
    number,
    oee_factors,
    percent,
    percent_value,
    rounded,
    save_report,
    stamp,
)
from neofloor.services.metrics.formulas import DurationStats
from neofloor.services.metrics.summary import ENDED, RUNNING, UPCOMING, ShiftSummary, shift_summary

_STATUS_WORDS = {UPCOMING: "not started", RUNNING: "under way", ENDED: "ended"}


def default_shift_report_name(summary: ShiftSummary, fmt: str) -> str:
    """handover-2026-11-26-A.md: the file name the dashboard offers."""
    return f"handover-{summary.window.local_date.isoformat()}-{summary.window.code}.{check_format(fmt)}"


def _stats(stats: DurationStats) -> dict[str, Any]:
    return {
        "count": stats.count,
        "median_seconds": stats.median,
        "p90_seconds": stats.p90,
        "mean_seconds": stats.mean,
        "longest_seconds": stats.longest,
    }


def shift_report_data(summary: ShiftSummary) -> dict[str, Any]:
    """The report's content as plain JSON-ready data, with the summary's numbers as they are."""
    zone = summary.window.timezone
    window = summary.window
    result = summary.oee
    line = summary.line
    return {
        "report": "shift handover",
        "plant": summary.plant,
        "shift": {
            "date": window.local_date.isoformat(),
            "code": window.code,
            "name": window.name,
            "timezone": zone,
            "start": iso_local(window.start, zone),
            "end": iso_local(window.end, zone),
            "breaks": [
                {"start": iso_local(b.start, zone), "end": iso_local(b.end, zone)} for b in window.breaks
            ],
            "status": summary.status,
            "as_of": iso_local(summary.as_of, zone),
        },
        "pace": {
            "target_cars": summary.target_cars,
            "takt_seconds": summary.takt_seconds,
            "planned_minutes": summary.planned_minutes,
            "elapsed_planned_minutes": summary.elapsed_planned_minutes,
            "output": summary.output,
            "plan_so_far": summary.plan_so_far,
            "cars_behind": summary.cars_behind,
            "no_production": summary.no_production,
        },
        "hourly": [
            {
                "hour": h.label,
                "start": iso_local(h.start, zone),
                "end": iso_local(h.end, zone),
                "planned_minutes": h.planned_seconds / 60,
                "plan": h.plan,
                "output": h.output,
                "cumulative_plan": h.cumulative_plan,
                "cumulative_output": h.cumulative_output,
                "status": h.status,
            }
            for h in summary.hourly
        ],
        "quality": {
            "passed_qg": summary.output,
            "first_pass": summary.first_pass,
            "fpy": summary.fpy,
            "defects": summary.defects,
            "dphu": summary.dphu,
        },
        "oee": None
        if result is None
        else {
            **oee_factors(result),
            "planned_minutes": result.planned_minutes,
            "downtime_minutes": result.downtime_minutes,
            "run_minutes": result.run_minutes,
            "ideal_cycle_seconds": result.ideal_cycle_seconds,
            "total_count": result.total_count,
            "good_count": result.good_count,
            "warnings": list(result.warnings),
        },
        "oee_note": summary.oee_note,
        "lead_time": _stats(summary.lead_time),
        "stations": [
            {
                "station": s.station,
                "name": s.name,
                "ideal_cycle_seconds": s.ideal_cycle_seconds,
                "cycle": _stats(s.cycle),
                "downtime_minutes": s.downtime_minutes,
                "bottleneck": s.bottleneck,
            }
            for s in summary.stations
        ],
        "bottleneck": None
        if summary.bottleneck is None
        else {
            "station": summary.bottleneck.station,
            "criterion": summary.bottleneck.criterion,
            "median_cycle_seconds": summary.bottleneck.median_cycle_seconds,
            "downtime_minutes": summary.bottleneck.downtime_minutes,
        },
        "downtime": {
            "line_minutes": summary.line_downtime_minutes,
            "by_reason": [
                {
                    "reason_code": d.reason_code,
                    "reason": d.reason,
                    "minutes": d.minutes,
                    "stops": d.stops,
                    "stations": list(d.stations),
                }
                for d in summary.downtime
            ],
        },
        "line_now": {
            "at": iso_local(line.at, zone),
            "wip": line.wip,
            "held": [
                {
                    "vin": c.vin,
                    "build_seq": c.build_seq,
                    "station": c.station,
                    "reason": c.reason,
                    "held_since": iso_local(c.held_since, zone),
                }
                for c in line.held
            ],
            "in_repair": [
                {
                    "vin": c.vin,
                    "build_seq": c.build_seq,
                    "sent_from": c.left_station,
                    "returns_to": c.returns_to,
                    "since": iso_local(c.sent_at, zone),
                    "reason": c.reason,
                    "open_defects": c.open_defects,
                }
                for c in line.in_repair
            ],
            "open_critical_defects": {
                "count": line.open_critical_count,
                "defects": [
                    {
                        "vin": d.vin,
                        "code": d.code,
                        "description": d.description,
                        "zone": d.zone,
                        "status": d.status,
                        "station": d.station,
                        "found_at": iso_local(d.found_at, zone),
                        "car_state": d.car_state,
                    }
                    for d in line.open_critical
                ],
            },
            "open_stops": [
                {
                    "station": s.station,
                    "reason_code": s.reason_code,
                    "reason": s.reason,
                    "since": iso_local(s.started_at, zone),
                }
                for s in line.open_stops
            ],
        },
        "overrides": [
            {
                "at": iso_local(o.at, zone),
                "vin": o.vin,
                "station": o.to_station,
                "operator": o.by,
                "note": o.note,
            }
            for o in summary.overrides
        ],
        "notes": [
            {"written_at": iso_local(n.written_at, zone), "author": n.author, "text": n.text}
            for n in summary.notes
        ],
    }


# --- Markdown --------------------------------------------------------------------


def _oee_lines(summary: ShiftSummary) -> list[str]:
    result = summary.oee
    if result is None:
        return [f"No OEE for this shift: {summary.oee_note}."]
    ideal = duration(result.ideal_cycle_seconds)
    rows = [
        ("OEE", percent(result.oee), "availability × performance × quality"),
        (
            "Availability",
            percent(result.availability),
            f"run {minutes(result.run_minutes)} of {minutes(result.planned_minutes)} planned "
            f"({minutes(result.downtime_minutes)} line downtime)",
        ),
        (
            "Performance",
            percent(result.performance),
            f"{result.total_count} car(s) × ideal cycle {ideal} / run time",
        ),
        (
            "Quality",
            percent(result.quality),
            f"{result.good_count} first-pass of {result.total_count} car(s)",
        ),
    ]
    lines = md_table(("Factor", "Value", "From"), rows, "lrl")
    lines += [f"> {w}" for w in result.warnings]
    return lines


def _pace_lines(summary: ShiftSummary) -> list[str]:
    behind = summary.cars_behind
    gap = f"{behind} behind" if behind > 0 else f"{-behind} ahead" if behind < 0 else "on plan"
    takt = DASH if summary.takt_seconds is None else duration(summary.takt_seconds)
    rows = [
        ("Output (cars through QG)", summary.output),
        ("Plan so far", summary.plan_so_far),
        ("Cars behind plan", f"{behind} ({gap})"),
        ("Shift target", summary.target_cars),
        ("Takt time", takt),
        (
            "Production time",
            f"{minutes(summary.elapsed_planned_minutes)} of {minutes(summary.planned_minutes)}",
        ),
    ]
    return md_table(("", ""), rows, "lr")


def _render_markdown(summary: ShiftSummary) -> str:
    w = summary.window
    zone = w.timezone
    out: list[str] = [
        f"# Shift handover: {summary.plant}, {w.local_date.isoformat()} shift {w.code} ({w.name})",
        "",
        f"{stamp(w.start, zone)}–{clock(w.end, zone)} ({zone}), {_STATUS_WORDS[summary.status]}; "
        f"numbers up to {stamp(summary.as_of, zone)}, report made {stamp(summary.now, zone)}.",
        "",
    ]
    if summary.status == UPCOMING:
        out += ["**The shift has not started yet: no numbers to report.**", ""]
    elif summary.no_production:
        out += [
            f"**No production in this shift: no car passed QG between {clock(w.start, zone)} "
            f"and {clock(summary.as_of, zone)}.** FPY, DPHU and lead time have nothing to measure.",
            "",
        ]
    out += ["## Output against plan", "", *_pace_lines(summary), "", "### By hour", ""]
    out += md_table(
        ("Hour", "Plan", "Output", "Cumulative plan", "Cumulative output", ""),
        (
            (
                h.label,
                number(h.plan),
                h.output if h.status != UPCOMING else DASH,
                h.cumulative_plan,
                h.cumulative_output if h.status != UPCOMING else DASH,
                "now" if h.status == RUNNING and summary.status == RUNNING else "",
            )
            for h in summary.hourly
        ),
        "lrrrrl",
    )
    out += ["", "## Quality", ""]
    out += md_table(
        ("", ""),
        (
            ("First-pass yield", f"{percent(summary.fpy)} ({summary.first_pass} of {summary.output})"),
            ("Defects on those cars", summary.defects),
            ("DPHU", number(summary.dphu)),
            (
                "Lead time (median / 90th pct.)",
                f"{duration(summary.lead_time.median)} / {duration(summary.lead_time.p90)}",
            ),
        ),
        "lr",
    )
    out += ["", "## OEE", "", *_oee_lines(summary), "", "## Stations", ""]
    out += md_table(
        ("Station", "Cars", "Median cycle", "90th pct.", "Ideal", "Downtime", ""),
        (
            (
                s.station,
                s.cycle.count,
                duration(s.cycle.median),
                duration(s.cycle.p90),
                duration(s.ideal_cycle_seconds),
                minutes(s.downtime_minutes),
                "bottleneck" if s.bottleneck else "",
            )
            for s in summary.stations
        ),
        "lrrrrrl",
    )
    neck = summary.bottleneck
    out += [
        "",
        "No bottleneck: no cycle time and no downtime yet."
        if neck is None
        else f"Bottleneck: **{neck.station}** ({neck.criterion}).",
        "",
        "## Downtime",
        "",
        f"Line downtime: {minutes(summary.line_downtime_minutes)} of production time.",
        "",
    ]
    if summary.downtime:
        out += md_table(
            ("Reason", "Minutes", "Stops", "Stations"),
            (
                (f"{d.reason_code} {d.reason}", number(d.minutes), d.stops, ", ".join(d.stations))
                for d in summary.downtime
            ),
            "lrrl",
        )
    else:
        out.append("No stop in production time.")
    out += _line_now_lines(summary)
    out += ["", "## Overrides in the shift", ""]
    if summary.overrides:
        out += md_table(
            ("Time", "VIN", "Station", "By", "Note"),
            (
                (clock(o.at, zone), o.vin, o.to_station or DASH, o.by or DASH, o.note)
                for o in summary.overrides
            ),
        )
    else:
        out.append("None.")
    out += ["", "## Notes from the shift", ""]
    if summary.notes:
        out += [f"- {clock(n.written_at, zone)} {n.author or DASH}: {n.text}" for n in summary.notes]
    else:
        out.append("No notes.")
    return "\n".join(out) + "\n"


def _line_now_lines(summary: ShiftSummary) -> list[str]:
    line = summary.line
    zone = summary.window.timezone
    out = [
        "",
        f"## The line at {stamp(line.at, zone)}",
        "",
        f"Work in progress: {line.wip} car(s).",
        "",
        f"### Open holds ({len(line.held)})",
        "",
    ]
    if line.held:
        out += md_table(
            ("VIN", "Seq", "Station", "Since", "Reason"),
            ((c.vin, c.build_seq, c.station or DASH, stamp(c.held_since, zone), c.reason) for c in line.held),
        )
    else:
        out.append("None.")
    out += ["", f"### Cars in repair ({len(line.in_repair)})", ""]
    if line.in_repair:
        out += md_table(
            ("VIN", "Seq", "From", "Back to", "Since", "Open defects", "Reason"),
            (
                (
                    c.vin,
                    c.build_seq,
                    c.left_station or DASH,
                    c.returns_to or DASH,
                    stamp(c.sent_at, zone),
                    c.open_defects,
                    c.reason,
                )
                for c in line.in_repair
            ),
        )
    else:
        out.append("None.")
    out += ["", f"### Open critical defects ({line.open_critical_count})", ""]
    if line.open_critical:
        out += md_table(
            ("VIN", "Defect", "Zone", "Status", "Found at", "When"),
            (
                (d.vin, f"{d.code} {d.description}", d.zone, d.status, d.station, stamp(d.found_at, zone))
                for d in line.open_critical
            ),
        )
        if line.open_critical_count > len(line.open_critical):
            out.append(f"(first {len(line.open_critical)} of {line.open_critical_count})")
    else:
        out.append("None.")
    if line.open_stops:
        out += ["", "### Stops running now", ""]
        out += [
            f"- {s.station}: {s.reason_code} {s.reason}, since {stamp(s.started_at, zone)}"
            for s in line.open_stops
        ]
    return out


# --- CSV -------------------------------------------------------------------------


def _render_csv(summary: ShiftSummary) -> str:
    """One row per figure: section, item, value, unit, detail (spreadsheet-friendly)."""
    zone = summary.window.timezone
    w = summary.window
    rows: list[tuple[Any, ...]] = [
        ("shift", "plant", summary.plant, "", ""),
        ("shift", "date", w.local_date.isoformat(), "", ""),
        ("shift", "shift", w.code, "", w.name),
        ("shift", "start", stamp(w.start, zone), zone, ""),
        ("shift", "end", stamp(w.end, zone), zone, ""),
        ("shift", "status", summary.status, "", ""),
        ("shift", "as_of", stamp(summary.as_of, zone), zone, ""),
        ("pace", "output", summary.output, "cars", "cars through QG for the first time"),
        ("pace", "plan_so_far", summary.plan_so_far, "cars", ""),
        ("pace", "cars_behind", summary.cars_behind, "cars", "negative: ahead of plan"),
        ("pace", "target", summary.target_cars, "cars", ""),
        ("pace", "takt", rounded(summary.takt_seconds, 1), "s", ""),
        ("pace", "planned_time", rounded(summary.planned_minutes, 1), "min", ""),
        ("pace", "elapsed_planned_time", rounded(summary.elapsed_planned_minutes, 1), "min", ""),
        (
            "pace",
            "no_production",
            "yes" if summary.no_production else "no",
            "",
            "no car passed QG" if summary.no_production else "",
        ),
    ]
    for h in summary.hourly:
        rows.append(("hourly", h.label, h.output, "cars", f"plan {h.plan:.2f}; {h.status}"))
    rows += [
        ("quality", "first_pass", summary.first_pass, "cars", ""),
        ("quality", "fpy", percent_value(summary.fpy), "%", ""),
        ("quality", "defects", summary.defects, "defects", "recorded on the cars through QG"),
        ("quality", "dphu", rounded(summary.dphu, 2), "defects per 100 cars", ""),
        ("lead_time", "median", rounded(summary.lead_time.median, 0), "s", ""),
        ("lead_time", "p90", rounded(summary.lead_time.p90, 0), "s", ""),
    ]
    result = summary.oee
    if result is None:
        rows.append(("oee", "oee", "", "%", summary.oee_note))
    else:
        rows += [
            ("oee", "oee", percent_value(result.oee), "%", ""),
            ("oee", "availability", percent_value(result.availability), "%", ""),
            ("oee", "performance", percent_value(result.performance), "%", ""),
            ("oee", "quality", percent_value(result.quality), "%", ""),
            ("oee", "planned_time", rounded(result.planned_minutes, 1), "min", ""),
            ("oee", "downtime", rounded(result.downtime_minutes, 1), "min", ""),
            ("oee", "ideal_cycle", result.ideal_cycle_seconds, "s", "slowest ideal cycle on the route"),
        ]
    for s in summary.stations:
        detail = "bottleneck" if s.bottleneck else ""
        rows.append(("station_median_cycle", s.station, rounded(s.cycle.median, 0), "s", detail))
        rows.append(("station_p90_cycle", s.station, rounded(s.cycle.p90, 0), "s", ""))
        rows.append(("station_downtime", s.station, rounded(s.downtime_minutes, 1), "min", ""))
    if summary.bottleneck is not None:
        rows.append(("bottleneck", summary.bottleneck.station, "", "", summary.bottleneck.criterion))
    rows.append(("downtime", "line", rounded(summary.line_downtime_minutes, 1), "min", ""))
    for d in summary.downtime:
        rows.append(
            ("downtime", d.reason_code, rounded(d.minutes, 1), "min", f"{d.reason}; {d.stops} stop(s)")
        )
    line = summary.line
    rows.append(("line_now", "wip", line.wip, "cars", stamp(line.at, zone)))
    for c in line.held:
        rows.append(("hold", c.vin, c.station or "", "", c.reason))
    for r in line.in_repair:
        rows.append(("in_repair", r.vin, r.left_station or "", "", r.reason))
    rows.append(("open_critical_defects", "count", line.open_critical_count, "defects", ""))
    for defect in line.open_critical:
        rows.append(("open_critical_defect", defect.vin, defect.code, defect.status, defect.description))
    for o in summary.overrides:
        rows.append(("override", o.vin, o.to_station or "", stamp(o.at, zone), f"{o.by or ''}: {o.note}"))
    for n in summary.notes:
        rows.append(("note", n.author or "", n.text, stamp(n.written_at, zone), ""))
    return csv_text(("section", "item", "value", "unit", "detail"), rows)


# --- entry points -----------------------------------------------------------------


def render_shift_report(summary: ShiftSummary, fmt: str = "md") -> str:
    """The handover report of a summary, as ``md``, ``csv`` or ``json`` text."""
    kind = check_format(fmt)
    if kind == "json":
        return json.dumps(shift_report_data(summary), indent=2, ensure_ascii=False) + "\n"
    if kind == "csv":
        return _render_csv(summary)
    return _render_markdown(summary)


def write_shift_report(
    session: Session,
    local_date: date,
    shift_code: str,
    *,
    fmt: str = "md",
    out: str | os.PathLike[str] | None = None,
    now: datetime | None = None,
) -> Path:
    """Summarize the shift and write its handover report; returns the file written.

    With no ``out``, the file is ``handover-<date>-<shift>.<fmt>`` in the current folder.
    """
    kind = check_format(fmt)
    summary = shift_summary(session, local_date, shift_code, now=now)
    target = out if out is not None else default_shift_report_name(summary, kind)
    return save_report(render_shift_report(summary, kind), target)
