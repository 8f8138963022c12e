"""The shift handover report as a spreadsheet: one sheet per section of the report.

Made from the same :class:`ShiftSummary` as the Markdown, CSV and JSON reports; numbers
are cells (counts, percentages, durations, plant-local times), not text.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from neofloor.reports.xlsx import Ratio, Sheet
from neofloor.services.metrics.summary import ShiftSummary

MINUTES = "0.0"


def _seconds(value: float | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=round(value))


def _minutes(value: float | None) -> timedelta | None:
    return None if value is None else timedelta(minutes=value)


def _ratio(value: float | None) -> Ratio | None:
    return None if value is None else Ratio(value)


def shift_sheets(summary: ShiftSummary) -> list[Sheet]:
    """Shift, Pace, By hour, Quality, Deliveries, OEE, Stations, Quality by station, Downtime,
    Line now, Overrides, Notes: the handover report's sections, in its order."""
    zone = summary.window.timezone
    w = summary.window
    item = ("Item", "Value")
    shift = Sheet(
        "Shift",
        item,
        [
            ("Plant", summary.plant),
            ("Date", w.local_date),
            ("Shift", w.code),
            ("Name", w.name),
            ("Start", w.start),
            ("End", w.end),
            ("Time zone", zone),
            ("Status", summary.status),
            ("Numbers up to", summary.as_of),
            ("Report made", summary.now),
        ],
        zone,
    )
    pace = Sheet(
        "Pace",
        item,
        [
            ("Output (cars through QG)", summary.output),
            ("Plan so far", summary.plan_so_far),
            ("Cars behind (negative: ahead)", summary.cars_behind),
            ("Target", summary.target_cars),
            ("Takt", _seconds(summary.takt_seconds)),
            ("Planned time", _minutes(summary.planned_minutes)),
            ("Planned time elapsed", _minutes(summary.elapsed_planned_minutes)),
            ("No production", summary.no_production),
        ],
    )
    hourly = Sheet(
        "By hour",
        ("Hour", "Start", "End", "Plan", "Output", "Plan to date", "Output to date", "Status"),
        [
            (h.label, h.start, h.end, h.plan, h.output, h.cumulative_plan, h.cumulative_output, h.status)
            for h in summary.hourly
        ],
        zone,
    )
    quality = Sheet(
        "Quality",
        item,
        [
            ("First pass", summary.first_pass),
            ("FPY", _ratio(summary.fpy)),
            ("Defects", summary.defects),
            ("DPHU", summary.dphu),
            ("Lead time, median", _seconds(summary.lead_time.median)),
            ("Lead time, p90", _seconds(summary.lead_time.p90)),
        ],
    )
    deliveries = Sheet(
        "Deliveries",
        ("Financing", "Cars"),
        [
            *((name, count) for name, count in summary.deliveries_by_financing),
            ("Total", summary.deliveries),
        ],
    )
    result = summary.oee
    oee_rows: list[tuple[Any, ...]]
    if result is None:
        oee_rows = [("OEE", None, summary.oee_note)]
    else:
        oee_rows = [
            ("OEE", Ratio(result.oee), "availability × performance × quality"),
            ("Availability", Ratio(result.availability), ""),
            ("Performance", _ratio(result.performance), ""),
            ("Quality", _ratio(result.quality), ""),
            ("Planned time", _minutes(result.planned_minutes), ""),
            ("Line downtime", _minutes(result.downtime_minutes), ""),
            ("Run time", _minutes(result.run_minutes), ""),
            ("Ideal cycle", _seconds(result.ideal_cycle_seconds), "slowest ideal cycle on the route"),
            ("Cars made", result.total_count, ""),
            ("Good cars", result.good_count, ""),
        ]
    oee = Sheet("OEE", ("Item", "Value", "Detail"), oee_rows)
    stations = Sheet(
        "Stations",
        ("Station", "Name", "Ideal cycle", "Median cycle", "P90 cycle", "Cycles", "Downtime", "Bottleneck"),
        [
            (
                s.station,
                s.name,
                _seconds(s.ideal_cycle_seconds),
                _seconds(s.cycle.median),
                _seconds(s.cycle.p90),
                s.cycle.count,
                _minutes(s.downtime_minutes),
                s.bottleneck,
            )
            for s in summary.stations
        ],
    )
    station_quality = Sheet(
        "Quality by station",
        ("Station", "Name", "Cars", "First pass", "FPY", "Defects found", "DPHU"),
        [
            (q.station, q.name, q.cars, q.first_pass, _ratio(q.fpy), q.defects, q.dphu)
            for q in summary.quality_by_station
        ],
    )
    downtime = Sheet(
        "Downtime",
        ("Reason code", "Reason", "Downtime", "Stops", "Stations"),
        [
            (
                "LINE",
                "line downtime (any station stopped)",
                _minutes(summary.line_downtime_minutes),
                None,
                "",
            ),
            *(
                (d.reason_code, d.reason, _minutes(d.minutes), d.stops, " ".join(d.stations))
                for d in summary.downtime
            ),
        ],
    )
    line = summary.line
    # Time: when it began (the hold, the defect's finding); a held car also says since when it
    # has been at its station.
    line_rows: list[tuple[Any, ...]] = [("WIP", "", "", line.wip, "", line.at, None)]
    line_rows += [
        ("held", c.vin, c.station or "", None, c.reason, c.held_since, c.at_station_since) for c in line.held
    ]
    line_rows += [
        ("in repair", r.vin, r.left_station or "", None, r.reason, None, None) for r in line.in_repair
    ]
    line_rows += [
        (
            "open critical defect",
            d.vin,
            d.station,
            None,
            f"{d.code} {d.description} ({d.status})",
            d.found_at,
            None,
        )
        for d in line.open_critical
    ]
    line_now = Sheet(
        "Line now",
        ("What", "VIN", "Station", "Cars", "Detail", "Time", "At the station since"),
        line_rows,
        zone,
    )
    overrides = Sheet(
        "Overrides",
        ("Time", "VIN", "To station", "By", "Note"),
        [(o.at, o.vin, o.to_station or "", o.by or "", o.note) for o in summary.overrides],
        zone,
    )
    notes = Sheet(
        "Notes",
        ("Written", "Author", "Note"),
        [(n.written_at, n.author or "", n.text) for n in summary.notes],
        zone,
    )
    return [
        shift,
        pace,
        hourly,
        quality,
        deliveries,
        oee,
        stations,
        station_quality,
        downtime,
        line_now,
        overrides,
        notes,
    ]
