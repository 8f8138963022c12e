"""The shift handover report as plain JSON-ready data, with the summary's numbers as they are."""

from __future__ import annotations

from typing import Any

from neofloor.reports.common import iso_local, oee_factors
from neofloor.services.metrics.formulas import DurationStats
from neofloor.services.metrics.summary import ShiftSummary


def shift_report_data(summary: ShiftSummary) -> dict[str, Any]:
    """The report's content as plain JSON-ready data, with the summary's numbers as they are."""
    zone = summary.window.timezone
    return {
        "report": "shift handover",
        "plant": summary.plant,
        "shift": _shift(summary),
        "pace": _pace(summary),
        "hourly": _hourly(summary),
        "quality": {
            "passed_qg": summary.output,
            "first_pass": summary.first_pass,
            "fpy": summary.fpy,
            "defects": summary.defects,
            "dphu": summary.dphu,
            "by_station": [
                {
                    "station": q.station,
                    "cars": q.cars,
                    "first_pass": q.first_pass,
                    "fpy": q.fpy,
                    "defects_found": q.defects,
                    "dphu": q.dphu,
                }
                for q in summary.quality_by_station
            ],
        },
        "oee": _oee(summary),
        "oee_note": summary.oee_note,
        "lead_time": _stats(summary.lead_time),
        "stations": _stations(summary),
        "bottleneck": _bottleneck(summary),
        "downtime": _downtime(summary),
        "line_now": _line_now(summary),
        "overrides": _overrides(summary),
        "notes": [
            {"written_at": iso_local(n.written_at, zone), "author": n.author, "text": n.text}
            for n in summary.notes
        ],
    }


def _shift(summary: ShiftSummary) -> dict[str, Any]:
    """The shift's date, times and status."""
    zone = summary.window.timezone
    window = summary.window
    return {
        "date": window.local_date.isoformat(),
        "code": window.code,
        "name": window.name,
        "timezone": zone,
        "start": iso_local(window.start, zone),
        "end": iso_local(window.end, zone),
        "breaks": [{"start": iso_local(b.start, zone), "end": iso_local(b.end, zone)} for b in window.breaks],
        "status": summary.status,
        "as_of": iso_local(summary.as_of, zone),
    }


def _pace(summary: ShiftSummary) -> dict[str, Any]:
    """Output against plan and takt."""
    return {
        "target_cars": summary.target_cars,
        "takt_seconds": summary.takt_seconds,
        "planned_minutes": summary.planned_minutes,
        "elapsed_planned_minutes": summary.elapsed_planned_minutes,
        "output": summary.output,
        "plan_so_far": summary.plan_so_far,
        "cars_behind": summary.cars_behind,
        "no_production": summary.no_production,
    }


def _hourly(summary: ShiftSummary) -> list[dict[str, Any]]:
    """Plan and output hour by hour."""
    zone = summary.window.timezone
    return [
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
    ]


def _oee(summary: ShiftSummary) -> dict[str, Any] | None:
    """The OEE factors and what they were made from; None when there is no OEE."""
    result = summary.oee
    return (
        None
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
        }
    )


def _stations(summary: ShiftSummary) -> list[dict[str, Any]]:
    """Cycle times and downtime per station."""
    return [
        {
            "station": s.station,
            "name": s.name,
            "ideal_cycle_seconds": s.ideal_cycle_seconds,
            "cycle": _stats(s.cycle),
            "downtime_minutes": s.downtime_minutes,
            "bottleneck": s.bottleneck,
        }
        for s in summary.stations
    ]


def _bottleneck(summary: ShiftSummary) -> dict[str, Any] | None:
    """The slowest station and why; None when there is none yet."""
    return (
        None
        if summary.bottleneck is None
        else {
            "station": summary.bottleneck.station,
            "criterion": summary.bottleneck.criterion,
            "median_cycle_seconds": summary.bottleneck.median_cycle_seconds,
            "downtime_minutes": summary.bottleneck.downtime_minutes,
        }
    )


def _downtime(summary: ShiftSummary) -> dict[str, Any]:
    """The line's downtime, by reason."""
    return {
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
    }


def _line_now(summary: ShiftSummary) -> dict[str, Any]:
    """Holds, repairs, open critical defects and running stops now."""
    zone = summary.window.timezone
    line = summary.line
    return {
        "at": iso_local(line.at, zone),
        "wip": line.wip,
        "held": [
            {
                "vin": c.vin,
                "build_seq": c.build_seq,
                "station": c.station,
                "reason": c.reason,
                "held_since": iso_local(c.held_since, zone),
                "at_station_since": iso_local(c.at_station_since, zone),
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
    }


def _overrides(summary: ShiftSummary) -> list[dict[str, Any]]:
    """Scans out of sequence that a supervisor let through."""
    zone = summary.window.timezone
    return [
        {
            "at": iso_local(o.at, zone),
            "vin": o.vin,
            "station": o.to_station,
            "operator": o.by,
            "note": o.note,
        }
        for o in summary.overrides
    ]


def _stats(stats: DurationStats) -> dict[str, Any]:
    return {
        "count": stats.count,
        "median_seconds": stats.median,
        "p90_seconds": stats.p90,
        "mean_seconds": stats.mean,
        "longest_seconds": stats.longest,
    }
