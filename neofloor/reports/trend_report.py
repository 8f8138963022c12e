"""The trend report: one row per production day (output, plan, FPY, DPHU, downtime, OEE) and the total."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from neofloor.i18n import N_, _, pgettext
from neofloor.reports.common import (
    DASH,
    check_format,
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
    stamp,
)
from neofloor.reports.xlsx import Ratio, Sheet
from neofloor.services.metrics.trend import DaySummary, Trend
from neofloor.services.plant.shifts import WEEKDAYS

COLUMNS = (
    "date",
    "weekday",
    "shifts",
    "status",
    "target",
    "plan",
    "output",
    "cars_behind",
    "first_pass",
    "fpy_pct",
    "defects",
    "dphu",
    "line_downtime_min",
    "planned_min",
    "lead_time_median_s",
    "oee_pct",
    "availability_pct",
    "performance_pct",
    "quality_pct",
    "deliveries",
)


def _day_data(day: DaySummary) -> dict[str, Any]:
    result = day.oee
    return {
        "date": day.local_date.isoformat(),
        "shifts": list(day.shifts),
        "status": day.status,
        "target_cars": day.target_cars,
        "plan": day.plan,
        "output": day.output,
        "cars_behind": day.cars_behind,
        "no_production": day.no_production,
        "first_pass": day.first_pass,
        "fpy": day.fpy,
        "defects": day.defects,
        "dphu": day.dphu,
        "line_downtime_minutes": day.line_downtime_minutes,
        "planned_minutes": day.planned_minutes,
        "lead_time_median_seconds": day.lead_time_median_seconds,
        "deliveries": day.deliveries,
        "deliveries_by_financing": dict(day.deliveries_by_financing),
        "oee": None
        if result is None
        else {
            **oee_factors(result),
            "total_count": result.total_count,
            "good_count": result.good_count,
        },
    }


def trend_report_data(report: Trend) -> dict[str, Any]:
    """The trend as plain JSON-ready data, with the service's numbers as they are."""
    return {
        "report": "trend",
        "plant": report.plant,
        "timezone": report.timezone,
        "from": report.from_date.isoformat(),
        "to": report.to_date.isoformat(),
        "as_of": iso_local(report.now, report.timezone),
        "days": [_day_data(d) for d in report.days],
        "total": _day_data(report.total) | {"date": None},
    }


def _csv_row(day: DaySummary, label: str, weekday: str) -> tuple[Any, ...]:
    result = day.oee
    return (
        label,
        weekday,
        " ".join(day.shifts),
        day.status,
        day.target_cars,
        day.plan,
        day.output,
        day.cars_behind,
        day.first_pass,
        percent_value(day.fpy),
        day.defects,
        rounded(day.dphu, 2),
        rounded(day.line_downtime_minutes, 1),
        rounded(day.planned_minutes, 1),
        rounded(day.lead_time_median_seconds, 0),
        percent_value(result.oee) if result else None,
        percent_value(result.availability) if result else None,
        percent_value(result.performance) if result else None,
        percent_value(result.quality) if result else None,
        day.deliveries,
    )


def _md_row(day: DaySummary, label: str) -> tuple[Any, ...]:
    behind = day.cars_behind
    return (
        label,
        " ".join(day.shifts) or _("off"),
        day.plan,
        day.output,
        f"{behind:+d}" if behind else "0",
        percent(day.fpy),
        number(day.dphu),
        minutes(day.line_downtime_minutes),
        duration(day.lead_time_median_seconds),
        percent(day.oee.oee) if day.oee else DASH,
        day.deliveries,
    )


MD_HEADER = (
    N_("Day"), N_("Shifts"), N_("Plan"), N_("Output"), N_("Behind"), N_("FPY"), N_("DPHU"), N_("Downtime"),
    N_("Lead time"), N_("OEE"), N_("Delivered"),
)  # fmt: skip


def weekday_word(index: int) -> str:
    """The plant calendar's short day name (mon ... sun) in the language spoken, for people."""
    return (
        pgettext("weekday", "mon"),
        pgettext("weekday", "tue"),
        pgettext("weekday", "wed"),
        pgettext("weekday", "thu"),
        pgettext("weekday", "fri"),
        pgettext("weekday", "sat"),
        pgettext("weekday", "sun"),
    )[index]


def render_trend_report(report: Trend, fmt: str = "md") -> str:
    """The trend as ``md``, ``csv`` or ``json`` text."""
    kind = check_format(fmt)
    if kind == "json":
        return json.dumps(trend_report_data(report), indent=2, ensure_ascii=False) + "\n"
    if kind == "csv":
        rows = [_csv_row(d, d.local_date.isoformat(), WEEKDAYS[d.local_date.weekday()]) for d in report.days]
        rows.append(_csv_row(report.total, "total", ""))
        return csv_text(COLUMNS, rows)
    zone = report.timezone
    out = [
        "# "
        + _("Trend: {plant}, {first} to {last}").format(
            plant=report.plant, first=report.from_date.isoformat(), last=report.to_date.isoformat()
        ),
        "",
        _("One row per production day (plant time, {zone}); numbers up to {moment}.").format(
            zone=zone, moment=stamp(report.now, zone)
        ),
        _("Behind: plan − output (negative: ahead). OEE over the shifts with a target."),
        "",
    ]
    out += md_table(
        [_(title) for title in MD_HEADER],
        [
            *(
                _md_row(d, f"{weekday_word(d.local_date.weekday())} {d.local_date.isoformat()}")
                for d in report.days
            ),
            _md_row(report.total, "**" + _("Total") + "**"),
        ],
        "llrrrrrrrrr",
    )
    if report.total.deliveries:
        paid = ", ".join(f"{name} {count}" for name, count in report.total.deliveries_by_financing)
        out += [
            "",
            _("Delivered to customers: {cars} ({paid}).").format(cars=report.total.deliveries, paid=paid),
        ]
    if report.total.no_production:
        out += ["", "**" + _("No production in this period: no car passed QG.") + "**"]
    return "\n".join(out) + "\n"


def trend_sheets(report: Trend) -> list[Sheet]:
    """The trend as one spreadsheet sheet: a row per day and the total; numbers as cells."""

    def row(day: DaySummary, label: object, weekday: str) -> tuple[Any, ...]:
        result = day.oee
        median = day.lead_time_median_seconds
        return (
            label,
            weekday,
            " ".join(day.shifts),
            day.status,
            day.target_cars,
            day.plan,
            day.output,
            day.cars_behind,
            day.first_pass,
            None if day.fpy is None else Ratio(day.fpy),
            day.defects,
            day.dphu,
            timedelta(minutes=day.line_downtime_minutes),
            timedelta(minutes=day.planned_minutes),
            None if median is None else timedelta(seconds=round(median)),
            Ratio(result.oee) if result else None,
            Ratio(result.availability) if result else None,
            None if result is None or result.performance is None else Ratio(result.performance),
            None if result is None or result.quality is None else Ratio(result.quality),
            day.deliveries,
        )

    header = (
        _("Date"),
        _("Weekday"),
        _("Shifts"),
        _("Status"),
        _("Target"),
        _("Plan"),
        _("Output"),
        _("Cars behind"),
        _("First pass"),
        _("FPY"),
        _("Defects"),
        _("DPHU"),
        _("Line downtime"),
        _("Planned time"),
        _("Lead time, median"),
        _("OEE"),
        _("Availability"),
        _("Performance"),
        _("Quality"),
        _("Deliveries"),
    )
    rows = [row(d, d.local_date, weekday_word(d.local_date.weekday())) for d in report.days]
    rows.append(row(report.total, _("Total"), ""))
    return [Sheet(_("Trend"), header, rows, report.timezone)]
