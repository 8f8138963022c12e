"""A car's build record ("birth certificate") as Markdown or JSON: what a claim or an authority reads.

Made from the services' :class:`BuildRecord` only. Times are plant local (JSON carries
them with their UTC offset); text people typed (reasons, notes, names) is printed
through ``printable`` so that no stored control character reaches a terminal or a file.
"""

from __future__ import annotations

import json
from typing import Any

from neofloor.i18n import _, pgettext
from neofloor.reports.common import (
    DASH,
    defect_status_word,
    duration,
    iso_local,
    md_table,
    severity_word,
    stamp,
    state_word,
)
from neofloor.services.plant.errors import InvalidInput
from neofloor.services.plant.text import printable
from neofloor.services.traceability.build_record import BuildRecord

RECORD_FORMATS = ("md", "json")


def _t(value: str | None) -> str:
    return DASH if value is None or value == "" else printable(value)


def pdi_status_word(status: str) -> str:
    """The inspection's status, capitalised, as people read it ("passed" -> "Passed")."""
    words = {
        "not started": pgettext("pdi status", "Not started"),
        "in progress": pgettext("pdi status", "In progress"),
        "failed": pgettext("pdi status", "Failed"),
        "passed": pgettext("pdi status", "Passed"),
    }
    return words.get(status, status.capitalize())


def pdi_result_word(result: str) -> str:
    """An inspection item's result as people read it."""
    words = {"passed": pgettext("pdi result", "passed"), "failed": pgettext("pdi result", "failed")}
    return words.get(result, result)


def build_record_data(record: BuildRecord) -> dict[str, Any]:
    """The record as plain JSON-ready data, times in plant local time with their offset."""
    zone = record.timezone

    def at(moment: Any) -> str | None:
        return iso_local(moment, zone)

    return {
        "report": "build_record",
        "vin": record.vin,
        "build_seq": record.build_seq,
        "model": record.model,
        "model_name": record.model_name,
        "color": record.color,
        "options": list(record.options),
        "option_notes": record.option_notes,
        "order_ref": record.order_ref,
        "state": record.state,
        "station": record.station,
        "hold_reason": record.hold_reason,
        "timezone": zone,
        "planned_at": at(record.planned_at),
        "first_start_at": at(record.first_start_at),
        "finished_at": at(record.finished_at),
        "delivered_at": at(record.delivered_at),
        "lead_time_seconds": record.lead_time_seconds,
        "stations": [
            {
                "station": s.station,
                "started_at": at(s.started_at),
                "completed_at": at(s.completed_at),
                "seconds": s.seconds,
                "operator": s.operator,
            }
            for s in record.stays
        ],
        "components": [
            {
                "part": c.part,
                "part_name": c.part_name,
                "serial": c.serial,
                "lot": c.lot,
                "station": c.station,
                "fitted_at": at(c.fitted_at),
                "fitted_by": c.fitted_by,
                "removed_at": at(c.removed_at),
                "removed_by": c.removed_by,
                "removal_reason": c.removal_reason,
            }
            for c in record.components
        ],
        "defects": [
            {
                "id": d.id,
                "code": d.code,
                "description": d.description,
                "zone": d.zone,
                "severity": d.severity,
                "status": d.status,
                "found_at_station": d.station,
                "found_at": at(d.found_at),
                "found_by": d.found_by,
                "note": d.note,
                "repaired_at": at(d.repaired_at),
                "repaired_by": d.repaired_by,
                "repair_station": d.repair_station,
                "repair_note": d.repair_note,
                "verified_at": at(d.verified_at),
                "verified_by": d.verified_by,
                "cancel_reason": d.cancel_reason,
            }
            for d in record.defects
        ],
        "holds": [
            {
                "held_at": at(h.held_at),
                "station": h.station,
                "reason": h.reason,
                "held_by": h.held_by,
                "released_at": at(h.released_at),
                "released_by": h.released_by,
                "release_note": h.release_note,
            }
            for h in record.holds
        ],
        "overrides": [
            {"at": at(o.at), "to_station": o.station, "by": o.by, "reason": o.reason}
            for o in record.overrides
        ],
        "repairs": [
            {
                "sent_at": at(r.sent_at),
                "left_station": r.left_station,
                "reason": r.reason,
                "sent_by": r.sent_by,
                "repair_started_at": at(r.repair_started_at),
                "repair_completed_at": at(r.repair_completed_at),
                "returned_at": at(r.returned_at),
                "returned_to": r.returned_to,
                "returned_by": r.returned_by,
            }
            for r in record.repairs
        ],
        "andon_stops": [
            {
                "station": s.stop.station,
                "reason_code": s.stop.reason_code,
                "reason": s.stop.reason,
                "started_at": at(s.stop.started_at),
                "ended_at": at(s.stop.ended_at),
                "seconds_waited": s.seconds,
                "note": s.stop.note,
            }
            for s in record.stops
        ],
        "yard": [{"at": at(p.at), "spot": p.spot, "by": p.by} for p in record.parks],
        "pdi": None
        if record.pdi is None
        else {
            "status": record.pdi.status,
            "passed_at": at(record.pdi.passed_at),
            "blocking": list(record.pdi.blocking),
            "items": [
                {
                    "item": i.code,
                    "name": i.name,
                    "result": i.result,
                    "at": at(i.at),
                    "by": i.by,
                    "defect_id": i.defect_id,
                    "defect": i.defect_code,
                }
                for i in record.pdi.items
            ],
        },
        "delivery": None
        if record.delivery is None
        else {
            "customer": record.delivery.customer,
            "customer_reference": record.delivery.customer_reference,
            "dealer": record.delivery.dealer or None,
            "financing": record.delivery.financing_name,
            "financing_code": record.delivery.financing_code,
            "delivered_at": at(record.delivery.delivered_at),
            "handed_over_by": record.delivery.handed_over_by,
            "note": record.delivery.note,
        },
        "events": record.event_count,
        "read_at": at(record.read_at),
    }


def record_markdown(record: BuildRecord) -> list[str]:
    """The record's Markdown lines: the car, then one section per part of its life."""
    zone = record.timezone
    options = ", ".join(record.options) or _("none")
    out = [
        "# " + _("Build record: {vin}").format(vin=record.vin),
        "",
        "- "
        + _("Model: {name} ({model}), colour {colour}").format(
            name=record.model_name, model=record.model, colour=record.color
        ),
        "- "
        + _("Build sequence: {sequence}; order {order}").format(
            sequence=record.build_seq, order=_t(record.order_ref)
        ),
        "- "
        + _("Options: {options}").format(options=options)
        + (f" ({printable(record.option_notes)})" if record.option_notes else ""),
        "- "
        + (
            _("State: {state} at {station}").format(state=state_word(record.state), station=record.station)
            if record.station
            else _("State: {state}").format(state=state_word(record.state))
        ),
    ]
    if record.hold_reason:
        out.append("- " + _("On hold: {reason}").format(reason=printable(record.hold_reason)))
    out += [
        "- "
        + _("Planned {planned}; first start {started}; finished {finished}; lead time {lead_time}").format(
            planned=stamp(record.planned_at, zone),
            started=stamp(record.first_start_at, zone),
            finished=stamp(record.finished_at, zone),
            lead_time=duration(record.lead_time_seconds),
        ),
        "- "
        + _("Times are plant time ({zone}); read {read}; {events} ledger events.").format(
            zone=zone, read=stamp(record.read_at, zone), events=record.event_count
        ),
    ]

    def section(title: str, header: tuple[str, ...], rows: list[tuple[Any, ...]], empty: str) -> None:
        out.extend(["", f"## {title}", ""])
        if rows:
            out.extend(md_table(header, rows))
        else:
            out.append(empty)

    def by(moment: Any, who: str | None) -> str:
        return _("{moment} by {who}").format(moment=stamp(moment, zone), who=_t(who))

    def by_why(moment: Any, who: str | None, why: str | None) -> str:
        return _("{moment} by {who}: {why}").format(moment=stamp(moment, zone), who=_t(who), why=_t(why))

    section(
        _("Stations"),
        (_("Station"), _("Start"), _("End"), pgettext("duration", "Time"), _("Operator")),
        [
            (
                s.station,
                stamp(s.started_at, zone),
                stamp(s.completed_at, zone),
                duration(s.seconds),
                _t(s.operator),
            )
            for s in record.stays
        ],
        _("Not started."),
    )
    section(
        _("Components"),
        (_("Part"), _("Serial"), _("Lot"), _("Station"), _("Fitted"), _("By"), _("Removed")),
        [
            (
                f"{c.part_name} ({c.part})",
                printable(c.serial),
                _t(c.lot),
                _t(c.station),
                stamp(c.fitted_at, zone),
                _t(c.fitted_by),
                DASH if c.removed_at is None else by_why(c.removed_at, c.removed_by, c.removal_reason),
            )
            for c in record.components
        ],
        _("No component serial recorded."),
    )
    section(
        _("Defects"),
        ("#", _("Code"), _("Zone"), _("Severity"), _("Status"), _("Found"), _("Repair"), _("Verified")),
        [
            (
                d.id,
                f"{d.code} {d.description}",
                d.zone,
                severity_word(d.severity),
                defect_status_word(d.status),
                f"{d.station} {by(d.found_at, d.found_by)}",
                DASH if d.repaired_at is None else by_why(d.repaired_at, d.repaired_by, d.repair_note),
                DASH if d.verified_at is None else by(d.verified_at, d.verified_by),
            )
            for d in record.defects
        ],
        _("No defect recorded."),
    )
    section(
        _("Holds"),
        (_("Held"), _("At"), _("By"), _("Reason"), _("Released")),
        [
            (
                stamp(h.held_at, zone),
                _t(h.station),
                _t(h.held_by),
                _t(h.reason),
                _("still held") if h.released_at is None else by(h.released_at, h.released_by),
            )
            for h in record.holds
        ],
        _("Never held."),
    )
    section(
        _("Overrides"),
        (_("When"), _("To"), _("By"), _("Reason")),
        [(stamp(o.at, zone), _t(o.station), _t(o.by), _t(o.reason)) for o in record.overrides],
        _("None."),
    )
    section(
        _("Repair bay"),
        (_("Sent"), _("From"), _("Why"), _("Repaired"), _("Back"), _("To")),
        [
            (
                stamp(r.sent_at, zone),
                _t(r.left_station),
                _t(r.reason),
                stamp(r.repair_completed_at, zone),
                stamp(r.returned_at, zone),
                _t(r.returned_to),
            )
            for r in record.repairs
        ],
        _("Never sent to the repair bay."),
    )
    section(
        _("Andon stops waited through"),
        (_("Station"), _("Reason"), _("Started"), _("Ended"), _("Waited")),
        [
            (
                s.stop.station,
                _t(s.stop.reason),
                stamp(s.stop.started_at, zone),
                stamp(s.stop.ended_at, zone),
                duration(s.seconds),
            )
            for s in record.stops
        ],
        _("None."),
    )
    section(
        _("Yard"),
        (_("When"), _("Spot"), _("By")),
        [(stamp(p.at, zone), printable(p.spot), _t(p.by)) for p in record.parks],
        _("Never parked in the yard."),
    )
    out.extend(["", "## " + _("Pre-delivery inspection"), ""])
    if record.pdi is None:
        out.append(_("Not started."))
    else:
        status = pdi_status_word(record.pdi.status)
        out.append(
            _("{status}, passed {moment}.").format(status=status, moment=stamp(record.pdi.passed_at, zone))
            if record.pdi.passed_at
            else _("{status}.").format(status=status)
        )
        if record.pdi.blocking:
            out.append(
                _("Stopped by: {blocking}").format(
                    blocking="; ".join(printable(b) for b in record.pdi.blocking)
                )
            )
        if record.pdi.items:
            out.append("")
            out.extend(
                md_table(
                    (_("Item"), _("Result"), _("When"), _("By"), _("Defect")),
                    [
                        (i.name, pdi_result_word(i.result), stamp(i.at, zone), _t(i.by), _t(i.defect_code))
                        for i in record.pdi.items
                    ],
                )
            )
    out.extend(["", "## " + _("Delivery"), ""])
    delivery = record.delivery
    if delivery is None:
        out.append(_("Not delivered."))
    else:
        sold = (
            _("through {dealer}").format(dealer=printable(delivery.dealer))
            if delivery.dealer
            else _("directly")
        )
        out += [
            "- "
            + _("Customer: {customer}; reference {reference}").format(
                customer=_t(delivery.customer), reference=_t(delivery.customer_reference)
            ),
            "- " + _("Sold: {sold}; paid: {paid}").format(sold=sold, paid=printable(delivery.financing_name)),
            "- "
            + _("Handed over {moment} by {who}").format(
                moment=stamp(delivery.delivered_at, zone), who=_t(delivery.handed_over_by)
            ),
        ]
        if delivery.note:
            out.append("- " + _("Note: {note}").format(note=printable(delivery.note)))
    return out


def render_build_record(record: BuildRecord, fmt: str = "md") -> str:
    """The record as ``md`` or ``json`` text."""
    kind = fmt.strip().lower()
    if kind == "json":
        return json.dumps(build_record_data(record), indent=2, ensure_ascii=False) + "\n"
    if kind == "md":
        return "\n".join(record_markdown(record)) + "\n"
    raise InvalidInput(
        _("Unknown format {format}; a build record is written as md or json.").format(format=repr(fmt))
    )
