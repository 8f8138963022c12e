"""The shift handover report as Markdown: for people, numbers rounded, in the language spoken."""

from __future__ import annotations

from neofloor.i18n import N_, _, ngettext, pgettext
from neofloor.reports.common import (
    DASH,
    clock,
    defect_status_word,
    duration,
    md_table,
    minutes,
    number,
    percent,
    stamp,
)
from neofloor.services.metrics.summary import ENDED, RUNNING, UPCOMING, ShiftSummary

_STATUS_WORDS = {UPCOMING: N_("not started"), RUNNING: N_("under way"), ENDED: N_("ended")}


def _heading(level: int, title: str) -> str:
    """A Markdown heading: the marks stay outside the translated title."""
    return f"{'#' * level} {title}"


def render_markdown(summary: ShiftSummary) -> str:
    """The whole report, section by section."""
    out = _heading_lines(summary)
    out += [_heading(2, _("Output against plan")), "", *_pace_lines(summary), ""]
    out += [_heading(3, _("By hour")), ""]
    out += _hourly_table(summary)
    out += ["", _heading(2, _("Quality")), ""]
    out += _quality_table(summary)
    out += ["", _heading(2, _("Deliveries")), "", _delivery_line(summary)]
    out += ["", _heading(2, _("OEE")), "", *_oee_lines(summary), "", _heading(2, _("Stations")), ""]
    out += _stations_table(summary)
    out += ["", _heading(3, _("Quality by station, where the defects were found")), ""]
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
        _heading(
            1,
            _("Shift handover: {plant}, {date} shift {shift} ({name})").format(
                plant=summary.plant, date=w.local_date.isoformat(), shift=w.code, name=w.name
            ),
        ),
        "",
        _("{start}–{end} ({zone}), {status}; numbers up to {as_of}, report made {made}.").format(
            start=stamp(w.start, zone),
            end=clock(w.end, zone),
            zone=zone,
            status=_(_STATUS_WORDS[summary.status]),
            as_of=stamp(summary.as_of, zone),
            made=stamp(summary.now, zone),
        ),
        "",
    ]
    if summary.status == UPCOMING:
        out += ["**" + _("The shift has not started yet: no numbers to report.") + "**", ""]
    elif summary.no_production:
        nothing = _("No production in this shift: no car passed QG between {start} and {end}.").format(
            start=clock(w.start, zone), end=clock(summary.as_of, zone)
        )
        out += [f"**{nothing}** " + _("FPY, DPHU and lead time have nothing to measure."), ""]
    return out


def _delivery_line(summary: ShiftSummary) -> str:
    """Cars handed over to customers in the shift, per financing partner or cash."""
    if not summary.deliveries:
        return _("No car handed over to a customer in this shift.")
    paid = ", ".join(f"{name} {count}" for name, count in summary.deliveries_by_financing)
    return ngettext(
        "{n} car handed over to customers ({paid}).",
        "{n} cars handed over to customers ({paid}).",
        summary.deliveries,
    ).format(n=summary.deliveries, paid=paid)


def _oee_lines(summary: ShiftSummary) -> list[str]:
    result = summary.oee
    if result is None:
        return [_("No OEE for this shift: {why}.").format(why=summary.oee_note)]
    ideal = duration(result.ideal_cycle_seconds)
    rows = [
        (_("OEE"), percent(result.oee), _("availability × performance × quality")),
        (
            _("Availability"),
            percent(result.availability),
            _("run {run} of {planned} planned ({downtime} line downtime)").format(
                run=minutes(result.run_minutes),
                planned=minutes(result.planned_minutes),
                downtime=minutes(result.downtime_minutes),
            ),
        ),
        (
            _("Performance"),
            percent(result.performance),
            _("{cars} car(s) × ideal cycle {ideal} / run time").format(cars=result.total_count, ideal=ideal),
        ),
        (
            _("Quality"),
            percent(result.quality),
            _("{good} first-pass of {cars} car(s)").format(good=result.good_count, cars=result.total_count),
        ),
    ]
    lines = md_table((_("Factor"), _("Value"), pgettext("made from", "From")), rows, "lrl")
    lines += [f"> {w}" for w in result.warnings]
    return lines


def _pace_lines(summary: ShiftSummary) -> list[str]:
    behind = summary.cars_behind
    if behind > 0:
        gap = _("{cars} behind").format(cars=behind)
    elif behind < 0:
        gap = _("{cars} ahead").format(cars=-behind)
    else:
        gap = _("on plan")
    takt = DASH if summary.takt_seconds is None else duration(summary.takt_seconds)
    rows = [
        (_("Output (cars through QG)"), summary.output),
        (_("Plan so far"), summary.plan_so_far),
        (_("Cars behind plan"), f"{behind} ({gap})"),
        (_("Shift target"), summary.target_cars),
        (_("Takt time"), takt),
        (
            _("Production time"),
            _("{elapsed} of {planned}").format(
                elapsed=minutes(summary.elapsed_planned_minutes), planned=minutes(summary.planned_minutes)
            ),
        ),
    ]
    return md_table(("", ""), rows, "lr")


def _hourly_table(summary: ShiftSummary) -> list[str]:
    """Plan and output hour by hour."""
    return md_table(
        (_("Hour"), _("Plan"), _("Output"), _("Cumulative plan"), _("Cumulative output"), ""),
        (
            (
                h.label,
                number(h.plan),
                h.output if h.status != UPCOMING else DASH,
                h.cumulative_plan,
                h.cumulative_output if h.status != UPCOMING else DASH,
                _("now") if h.status == RUNNING and summary.status == RUNNING else "",
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
            (
                _("First-pass yield"),
                _("{fpy} ({first_pass} of {output})").format(
                    fpy=percent(summary.fpy), first_pass=summary.first_pass, output=summary.output
                ),
            ),
            (_("Defects on those cars"), summary.defects),
            (_("DPHU"), number(summary.dphu)),
            (
                _("Lead time (median / 90th pct.)"),
                f"{duration(summary.lead_time.median)} / {duration(summary.lead_time.p90)}",
            ),
        ),
        "lr",
    )


def _station_quality_table(summary: ShiftSummary) -> list[str]:
    """FPY and DPHU of each station: cars that completed it, and the defects found there."""
    return md_table(
        (_("Station"), _("Cars"), _("First pass"), _("FPY"), _("Defects found"), _("DPHU")),
        (
            (q.station, q.cars, q.first_pass, percent(q.fpy), q.defects, number(q.dphu))
            for q in summary.quality_by_station
        ),
        "lrrrrr",
    )


def _stations_table(summary: ShiftSummary) -> list[str]:
    """Cycle times and downtime per station."""
    return md_table(
        (_("Station"), _("Cars"), _("Median cycle"), _("90th pct."), _("Ideal"), _("Downtime"), ""),
        (
            (
                s.station,
                s.cycle.count,
                duration(s.cycle.median),
                duration(s.cycle.p90),
                duration(s.ideal_cycle_seconds),
                minutes(s.downtime_minutes),
                _("bottleneck") if s.bottleneck else "",
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
        _("No bottleneck: no cycle time and no downtime yet.")
        if neck is None
        else _("Bottleneck: {station} ({why}).").format(station=f"**{neck.station}**", why=neck.criterion),
        "",
        _heading(2, _("Downtime")),
        "",
        _("Line downtime: {minutes} of production time.").format(
            minutes=minutes(summary.line_downtime_minutes)
        ),
        "",
    ]
    if summary.downtime:
        out += md_table(
            (_("Reason"), _("Minutes"), _("Stops"), _("Stations")),
            (
                (f"{d.reason_code} {d.reason}", number(d.minutes), d.stops, ", ".join(d.stations))
                for d in summary.downtime
            ),
            "lrrl",
        )
    else:
        out.append(_("No stop in production time."))
    return out


def _line_now_lines(summary: ShiftSummary) -> list[str]:
    line = summary.line
    zone = summary.window.timezone
    out = [
        "",
        _heading(2, _("The line at {moment}").format(moment=stamp(line.at, zone))),
        "",
        _("Work in progress: {cars} car(s).").format(cars=line.wip),
        "",
        _heading(3, _("Open holds ({count})").format(count=len(line.held))),
        "",
    ]
    if line.held:
        out += md_table(
            (_("VIN"), _("Seq"), _("Station"), _("Held since"), _("At the station since"), _("Reason")),
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
        out.append(_("None."))
    out += ["", _heading(3, _("Cars in repair ({count})").format(count=len(line.in_repair))), ""]
    if line.in_repair:
        out += md_table(
            (_("VIN"), _("Seq"), _("From"), _("Back to"), _("Since"), _("Open defects"), _("Reason")),
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
        out.append(_("None."))
    out += ["", _heading(3, _("Open critical defects ({count})").format(count=line.open_critical_count)), ""]
    if line.open_critical:
        out += md_table(
            (_("VIN"), _("Defect"), _("Zone"), _("Status"), _("Found at"), _("When")),
            (
                (
                    d.vin,
                    f"{d.code} {d.description}",
                    d.zone,
                    defect_status_word(d.status),
                    d.station,
                    stamp(d.found_at, zone),
                )
                for d in line.open_critical
            ),
        )
        if line.open_critical_count > len(line.open_critical):
            out.append(
                _("(first {shown} of {count})").format(
                    shown=len(line.open_critical), count=line.open_critical_count
                )
            )
    else:
        out.append(_("None."))
    if line.open_stops:
        out += ["", _heading(3, _("Stops running now")), ""]
        out += [
            "- "
            + _("{station}: {code} {reason}, since {moment}").format(
                station=s.station, code=s.reason_code, reason=s.reason, moment=stamp(s.started_at, zone)
            )
            for s in line.open_stops
        ]
    return out


def _shift_log_lines(summary: ShiftSummary) -> list[str]:
    """Overrides and notes written during the shift."""
    zone = summary.window.timezone
    out = ["", _heading(2, _("Overrides in the shift")), ""]
    if summary.overrides:
        out += md_table(
            (_("Time"), _("VIN"), _("Station"), _("By"), _("Note")),
            (
                (clock(o.at, zone), o.vin, o.to_station or DASH, o.by or DASH, o.note)
                for o in summary.overrides
            ),
        )
    else:
        out.append(_("None."))
    out += ["", _heading(2, _("Notes from the shift")), ""]
    if summary.notes:
        out += [f"- {clock(n.written_at, zone)} {n.author or DASH}: {n.text}" for n in summary.notes]
    else:
        out.append(_("No notes."))
    return out
