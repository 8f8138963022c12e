"""A recall's cars by every filter given, as Markdown, CSV or JSON: who to stop, who to write to.

Made from the services' :class:`Containment` only. The Markdown lists the cars still at
the plant first (where each one is, whether it is on hold), then the delivered ones
with their customer, handover date and financing partner: the recall letters' list.
"""

from __future__ import annotations

import json
from typing import Any

from neofloor.i18n import _
from neofloor.reports.common import DASH, check_format, csv_text, iso_local, md_table, stamp, yes_no
from neofloor.reports.recall_report import period_label
from neofloor.reports.xlsx import Sheet, column_titles
from neofloor.services.plant.text import printable
from neofloor.services.traceability.containment import ContainedCar, Containment

COLUMNS = (
    "build_seq",
    "vin",
    "model",
    "state",
    "station",
    "where",
    "held",
    "completed_at",
    "defect_ids",
    "parts",
    "delivered_at",
    "customer",
    "financing_partner",
)


def parts_text(car: ContainedCar) -> str:
    """The parts that matched, as ``PART serial (lot L)``."""
    return "; ".join(f"{part} {serial}" + (f" (lot {lot})" if lot else "") for part, serial, lot in car.parts)


def _row(car: ContainedCar, zone: str) -> dict[str, Any]:
    return {
        "build_seq": car.build_seq,
        "vin": car.vin,
        "model": car.model,
        "state": car.state,
        "station": car.station,
        "where": car.where,
        "held": car.held,
        "completed_at": iso_local(car.completed_at, zone),
        "defect_ids": list(car.defect_ids),
        "parts": [{"part": p, "serial": s, "lot": lot} for p, s, lot in car.parts],
        "delivered_at": iso_local(car.delivered_at, zone),
        "customer": car.customer,
        "financing_partner": car.financing_partner,
    }


def containment_data(found: Containment) -> dict[str, Any]:
    """The recall as plain JSON-ready data."""
    query, zone = found.query, found.timezone
    return {
        "report": "recall",
        "filters": {
            "model": query.model,
            "station": query.station,
            "from": iso_local(query.start, zone),
            "to": iso_local(query.end, zone),  # excluded
            "defect": query.defect,
            "part": query.part,
            "serial_from": query.serial_from,
            "serial_to": query.serial_to,
            "lot": query.lot,
        },
        "timezone": zone,
        "summary": found.summary,
        "cars": found.car_count,
        "delivered": found.delivered_count,
        "at_plant": found.at_plant_count,
        "to_hold": len(found.to_hold),
        "already_held": len(found.already_held),
        "rows": [_row(car, zone) for car in found.rows],
    }


def containment_sheets(found: Containment) -> list[Sheet]:
    """The recall as one sheet, the CSV's columns: times as dates in plant time, held as yes/no."""
    rows = [
        [
            car.build_seq,
            car.vin,
            car.model,
            car.state,
            car.station,
            car.where,
            car.held,
            car.completed_at,
            " ".join(map(str, car.defect_ids)),
            parts_text(car),
            car.delivered_at,
            car.customer,
            car.financing_partner,
        ]
        for car in found.rows
    ]
    name = _("Recall {what}").format(what=found.query.describe())
    return [Sheet(name, column_titles(COLUMNS), rows, found.timezone)]


def _matched(car: ContainedCar, zone: str) -> str:
    said = []
    if car.completed_at is not None:
        said.append(_("completed {moment}").format(moment=stamp(car.completed_at, zone)))
    if car.defect_ids:
        said.append(_("defect {numbers}").format(numbers=", ".join(f"#{d}" for d in car.defect_ids)))
    if car.parts:
        said.append(printable(parts_text(car)))
    return "; ".join(said) or DASH


def render_containment(found: Containment, fmt: str = "md") -> str:
    """The recall as ``md``, ``csv`` or ``json`` text."""
    kind = check_format(fmt)
    data = containment_data(found)
    if kind == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if kind == "csv":
        flat = [
            {**row, "defect_ids": " ".join(map(str, row["defect_ids"])), "parts": parts_text(car)}
            for row, car in zip(data["rows"], found.rows, strict=True)
        ]
        return csv_text(COLUMNS, ([row[c] for c in COLUMNS] for row in flat))
    query, zone = found.query, found.timezone
    title = "# " + _("Recall: {what}").format(what=query.describe())
    if query.start is not None and query.end is not None:
        title += f", {period_label(query.start, query.end, zone)}"
    out = [
        title,
        "",
        _("Cars every filter agrees on, in build order; times are plant time ({zone}).").format(zone=zone),
        "",
        found.summary,
    ]
    at_plant = [c for c in found.rows if c.at_plant]
    if at_plant:
        still = _("Still at the plant ({cars}; {not_held} not on hold)").format(
            cars=len(at_plant), not_held=len(found.to_hold)
        )
        out += ["", f"## {still}", ""]
        out += md_table(
            (_("Seq"), _("VIN"), _("Model"), _("Where now"), _("On hold"), _("Matched")),
            [(c.build_seq, c.vin, c.model, c.where, yes_no(c.held), _matched(c, zone)) for c in at_plant],
            "r",
        )
    delivered = found.delivered_cars
    if delivered:
        letters = _("Delivered: the recall letters ({cars})").format(cars=len(delivered))
        out += ["", f"## {letters}", ""]
        out += md_table(
            (_("Seq"), _("VIN"), _("Model"), _("Customer"), _("Handed over"), _("Financing"), _("Matched")),
            [
                (
                    c.build_seq,
                    c.vin,
                    c.model,
                    printable(c.customer or DASH),
                    stamp(c.delivered_at, zone),
                    printable(c.financing_partner or _("cash")),
                    _matched(c, zone),
                )
                for c in delivered
            ],
            "r",
        )
    return "\n".join(out) + "\n"
