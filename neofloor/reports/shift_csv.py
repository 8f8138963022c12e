"""The shift handover report as CSV: one row per figure, for spreadsheets."""

from __future__ import annotations

from typing import Any

from neofloor.reports.common import csv_text, percent_value, rounded, stamp
from neofloor.services.metrics.summary import ShiftSummary


def render_csv(summary: ShiftSummary) -> str:
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
