"""The shift handover report as Markdown: for people, numbers rounded."""

from __future__ import annotations

from neofloor.reports.common import DASH, clock, duration, md_table, minutes, number, percent, stamp
from neofloor.services.metrics.summary import ENDED, RUNNING, UPCOMING, ShiftSummary

_STATUS_WORDS = {UPCOMING: "not started", RUNNING: "under way", ENDED: "ended"}


def render_markdown(summary: ShiftSummary) -> str:
    """The whole report, section by section."""
    out = _heading_lines(summary)
    out += ["## Output against plan", "", *_pace_lines(summary), "", "### By hour", ""]
    out += _hourly_table(summary)
    out += ["", "## Quality", ""]
    out += _quality_table(summary)
    out += ["", "## OEE", "", *_oee_lines(summary), "", "## Stations", ""]
    out += _stations_table(summary)
    out += ["", "### Quality by station, where the defects were found", ""]
    out += _station_quality_table(summary)
    out += _downtime_lines(summary)
    out += _line_now_lines(summary)
    out += _shift_log_lines(summary)
    return "\n".join(out) + "\n"


def _heading_lines(summary: ShiftSummary) -> list[str]:
    """The title, the shift's times and status, and a word when there is nothing to report."""
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
    return out


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


def _hourly_table(summary: ShiftSummary) -> list[str]:
    """Plan and output hour by hour."""
    return md_table(
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


def _quality_table(summary: ShiftSummary) -> list[str]:
    """First-pass yield, defects, DPHU and lead time."""
    return md_table(
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


def _station_quality_table(summary: ShiftSummary) -> list[str]:
    """FPY and DPHU of each station: cars that completed it, and the defects found there."""
    return md_table(
        ("Station", "Cars", "First pass", "FPY", "Defects found", "DPHU"),
        (
            (q.station, q.cars, q.first_pass, percent(q.fpy), q.defects, number(q.dphu))
            for q in summary.quality_by_station
        ),
        "lrrrrr",
    )


def _stations_table(summary: ShiftSummary) -> list[str]:
    """Cycle times and downtime per station."""
    return md_table(
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


def _downtime_lines(summary: ShiftSummary) -> list[str]:
    """The bottleneck and the line's stops by reason."""
    neck = summary.bottleneck
    out: list[str] = [
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
    return out


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
            ("VIN", "Seq", "Station", "Held since", "At the station since", "Reason"),
            (
                (
                    c.vin,
                    c.build_seq,
                    c.station or DASH,
                    stamp(c.held_since, zone),
                    stamp(c.at_station_since, zone),
                    c.reason,
                )
                for c in line.held
            ),
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


def _shift_log_lines(summary: ShiftSummary) -> list[str]:
    """Overrides and notes written during the shift."""
    zone = summary.window.timezone
    out = ["", "## Overrides in the shift", ""]
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
    return out
