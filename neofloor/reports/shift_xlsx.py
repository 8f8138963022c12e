"""The shift handover report as a spreadsheet: one sheet per section of the report.

Made from the same :class:`ShiftSummary` as the Markdown, CSV and JSON reports; numbers
are cells (counts, percentages, durations, plant-local times), not text.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from neofloor.i18n import _
from neofloor.reports.common import defect_status_word
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
    item = (_("Item"), _("Value"))
    shift = Sheet(
        _("Shift"),
        item,
        [
            (_("Plant"), summary.plant),
            (_("Date"), w.local_date),
            (_("Shift"), w.code),
            (_("Name"), w.name),
            (_("Start"), w.start),
            (_("End"), w.end),
            (_("Time zone"), zone),
            (_("Status"), summary.status),
            (_("Numbers up to"), summary.as_of),
            (_("Report made"), summary.now),
        ],
        zone,
    )
    pace = Sheet(
        _("Pace"),
        item,
        [
            (_("Output (cars through QG)"), summary.output),
            (_("Plan so far"), summary.plan_so_far),
            (_("Cars behind (negative: ahead)"), summary.cars_behind),
            (_("Target"), summary.target_cars),
            (_("Takt"), _seconds(summary.takt_seconds)),
            (_("Planned time"), _minutes(summary.planned_minutes)),
            (_("Planned time elapsed"), _minutes(summary.elapsed_planned_minutes)),
            (_("No production"), summary.no_production),
        ],
    )
    hourly = Sheet(
        _("By hour"),
        (
            _("Hour"),
            _("Start"),
            _("End"),
            _("Plan"),
            _("Output"),
            _("Plan to date"),
            _("Output to date"),
            _("Status"),
        ),
        [
            (h.label, h.start, h.end, h.plan, h.output, h.cumulative_plan, h.cumulative_output, h.status)
            for h in summary.hourly
        ],
        zone,
    )
    quality = Sheet(
        _("Quality"),
        item,
        [
            (_("First pass"), summary.first_pass),
            (_("FPY"), _ratio(summary.fpy)),
            (_("Defects"), summary.defects),
            (_("DPHU"), summary.dphu),
            (_("Lead time, median"), _seconds(summary.lead_time.median)),
            (_("Lead time, p90"), _seconds(summary.lead_time.p90)),
        ],
    )
    deliveries = Sheet(
        _("Deliveries"),
        (_("Financing"), _("Cars")),
        [
            *((name, count) for name, count in summary.deliveries_by_financing),
            (_("Total"), summary.deliveries),
        ],
    )
    result = summary.oee
    oee_rows: list[tuple[Any, ...]]
    if result is None:
        oee_rows = [(_("OEE"), None, summary.oee_note)]
    else:
        oee_rows = [
            (_("OEE"), Ratio(result.oee), _("availability × performance × quality")),
            (_("Availability"), Ratio(result.availability), ""),
            (_("Performance"), _ratio(result.performance), ""),
            (_("Quality"), _ratio(result.quality), ""),
            (_("Planned time"), _minutes(result.planned_minutes), ""),
            (_("Line downtime"), _minutes(result.downtime_minutes), ""),
            (_("Run time"), _minutes(result.run_minutes), ""),
            (_("Ideal cycle"), _seconds(result.ideal_cycle_seconds), _("slowest ideal cycle on the route")),
            (_("Cars made"), result.total_count, ""),
            (_("Good cars"), result.good_count, ""),
        ]
    oee = Sheet(_("OEE"), (_("Item"), _("Value"), _("Detail")), oee_rows)
    stations = Sheet(
        _("Stations"),
        (
            _("Station"),
            _("Name"),
            _("Ideal cycle"),
            _("Median cycle"),
            _("P90 cycle"),
            _("Cycles"),
            _("Downtime"),
            _("Bottleneck"),
        ),
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
        _("Quality by station"),
        (_("Station"), _("Name"), _("Cars"), _("First pass"), _("FPY"), _("Defects found"), _("DPHU")),
        [
            (q.station, q.name, q.cars, q.first_pass, _ratio(q.fpy), q.defects, q.dphu)
            for q in summary.quality_by_station
        ],
    )
    downtime = Sheet(
        _("Downtime"),
        (_("Reason code"), _("Reason"), _("Downtime"), _("Stops"), _("Stations")),
        [
            (
                "LINE",
                _("line downtime (any station stopped)"),
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
    line_rows: list[tuple[Any, ...]] = [(_("WIP"), "", "", line.wip, "", line.at, None)]
    line_rows += [
        (_("held"), c.vin, c.station or "", None, c.reason, c.held_since, c.at_station_since)
        for c in line.held
    ]
    line_rows += [
        (_("in repair"), r.vin, r.left_station or "", None, r.reason, None, None) for r in line.in_repair
    ]
    line_rows += [
        (
            _("open critical defect"),
            d.vin,
            d.station,
            None,
            f"{d.code} {d.description} ({defect_status_word(d.status)})",
            d.found_at,
            None,
        )
        for d in line.open_critical
    ]
    line_now = Sheet(
        _("Line now"),
        (_("What"), _("VIN"), _("Station"), _("Cars"), _("Detail"), _("Time"), _("At the station since")),
        line_rows,
        zone,
    )
    overrides = Sheet(
        _("Overrides"),
        (_("Time"), _("VIN"), _("To station"), _("By"), _("Note")),
        [(o.at, o.vin, o.to_station or "", o.by or "", o.note) for o in summary.overrides],
        zone,
    )
    notes = Sheet(
        _("Notes"),
        (_("Written"), _("Author"), _("Note")),
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
