"""The recall containment lists: the cars a bad batch or a drift touches, as Markdown, CSV or JSON.

Made from the services' :class:`StationRecall` and :class:`DefectRecall` only.
Times are plant local; CSV and JSON carry them with their UTC offset, so a list
sent to a dealer or a financing partner reads the same anywhere.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

from neofloor.i18n import N_, _
from neofloor.reports.common import (
    DASH,
    check_format,
    csv_text,
    defect_status_word,
    iso_local,
    md_table,
    severity_word,
    stamp,
)
from neofloor.reports.xlsx import Sheet, column_titles
from neofloor.services.plant.clock import to_local
from neofloor.services.traceability.recall import DefectRecall, RecallCar, StationRecall

CAR_COLUMNS = (
    "build_seq",
    "vin",
    "model",
    "state",
    "station",
    "where",
    "delivered_at",
    "customer",
    "financing_partner",
)
STATION_COLUMNS = (*CAR_COLUMNS[:6], "completed_at", *CAR_COLUMNS[6:])
DEFECT_COLUMNS = (
    *CAR_COLUMNS[:3],
    "defect_id",
    "defect_status",
    "severity",
    "zone",
    "found_at",
    *CAR_COLUMNS[3:],
)


def period_label(start: datetime, end: datetime, zone: str) -> str:
    """Whole plant days as "2026-05-01 to 2026-10-27", else both instants (the end excluded)."""
    first, after = to_local(start, zone), to_local(end, zone)
    if first.time() == time(0) and after.time() == time(0):
        last = after.date() - timedelta(days=1)
        if last == first.date():
            return first.date().isoformat()
        return _("{first} to {last}").format(first=first.date().isoformat(), last=last.isoformat())
    return _("{start} to {end} (end excluded)").format(start=stamp(start, zone), end=stamp(end, zone))


def _text(value: str | None) -> str:
    return DASH if value is None else value


def _car_data(car: RecallCar, zone: str) -> dict[str, Any]:
    return {
        "build_seq": car.build_seq,
        "vin": car.vin,
        "model": car.model,
        "state": car.state,
        "station": car.station,
        "where": car.where,
        "delivered_at": iso_local(car.delivered_at, zone),
        "customer": car.customer,
        "financing_partner": car.financing_partner,
    }


def _counts(recall: StationRecall | DefectRecall) -> dict[str, Any]:
    return {
        "summary": recall.summary,
        "cars": recall.car_count,
        "delivered": recall.delivered_count,
        "at_plant": recall.at_plant_count,
    }


def station_recall_data(recall: StationRecall) -> dict[str, Any]:
    """The list as plain JSON-ready data."""
    zone = recall.timezone
    return {
        "report": "recall_station",
        "model": recall.model,
        "model_name": recall.model_name,
        "station": recall.station,
        "station_name": recall.station_name,
        "timezone": zone,
        "from": iso_local(recall.start, zone),
        "to": iso_local(recall.end, zone),  # excluded
        **_counts(recall),
        "rows": [_car_data(c, zone) | {"completed_at": iso_local(c.completed_at, zone)} for c in recall.rows],
    }


def defect_recall_data(recall: DefectRecall) -> dict[str, Any]:
    """The list as plain JSON-ready data."""
    zone = recall.timezone
    return {
        "report": "recall_defect",
        "code": recall.code,
        "description": recall.description,
        "timezone": zone,
        "from": iso_local(recall.start, zone),
        "to": iso_local(recall.end, zone),  # excluded
        "defects": len(recall.rows),
        **_counts(recall),
        "rows": [
            _car_data(c, zone)
            | {
                "defect_id": c.defect_id,
                "defect_status": c.defect_status,
                "severity": c.severity,
                "zone": c.zone,
                "found_at": iso_local(c.found_at, zone),
            }
            for c in recall.rows
        ],
    }


def _as_data(kind: str, data: dict[str, Any], columns: Sequence[str]) -> str:
    """A recall as ``json`` (all of it) or ``csv`` (its rows, these columns)."""
    if kind == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return csv_text(columns, ([row[c] for c in columns] for row in data["rows"]))


_DELIVERY_HEADER = (N_("Delivered"), N_("Customer"), N_("Financing"))


def _delivery_cells(car: RecallCar, zone: str) -> tuple[str, str, str]:
    return stamp(car.delivered_at, zone), _text(car.customer), _text(car.financing_partner)


def render_station_recall(recall: StationRecall, fmt: str = "md") -> str:
    """The cars of a model through a station, as ``md``, ``csv`` or ``json`` text."""
    kind = check_format(fmt)
    if kind != "md":
        return _as_data(kind, station_recall_data(recall), STATION_COLUMNS)
    zone = recall.timezone
    return _markdown(
        "# "
        + _("Recall: {model} through {station}, {period}").format(
            model=recall.model, station=recall.station, period=period_label(recall.start, recall.end, zone)
        ),
        _(
            "Cars of model {model} ({model_name}) that completed {station} ({station_name}) in the period, "
            "in build order; times are plant time ({zone})."
        ).format(
            model=recall.model,
            model_name=recall.model_name,
            station=recall.station,
            station_name=recall.station_name,
            zone=zone,
        ),
        recall.summary,
        (
            _("Seq"),
            _("VIN"),
            _("Where now"),
            _("Completed {station}").format(station=recall.station),
            *(_(title) for title in _DELIVERY_HEADER),
        ),
        [
            (c.build_seq, c.vin, c.where, stamp(c.completed_at, zone), *_delivery_cells(c, zone))
            for c in recall.rows
        ],
    )


def render_defect_recall(recall: DefectRecall, fmt: str = "md") -> str:
    """The cars on which a defect code was found, as ``md``, ``csv`` or ``json`` text."""
    kind = check_format(fmt)
    if kind != "md":
        return _as_data(kind, defect_recall_data(recall), DEFECT_COLUMNS)
    zone = recall.timezone
    return _markdown(
        "# "
        + _("Recall: defect {code}, {period}").format(
            code=recall.code, period=period_label(recall.start, recall.end, zone)
        ),
        _(
            "Cars on which {code} ({description}) was found in the period, in build order, "
            "one row per defect (cancelled ones left out); times are plant time ({zone})."
        ).format(code=recall.code, description=recall.description, zone=zone),
        recall.summary,
        (
            _("Seq"),
            _("VIN"),
            _("Model"),
            _("Defect"),
            _("Status"),
            _("Found"),
            _("Where now"),
            *(_(title) for title in _DELIVERY_HEADER),
        ),
        [
            (
                c.build_seq,
                c.vin,
                c.model,
                f"#{c.defect_id} {c.zone}, {severity_word(c.severity)}",
                defect_status_word(c.defect_status),
                stamp(c.found_at, zone),
                c.where,
                *_delivery_cells(c, zone),
            )
            for c in recall.rows
        ],
    )


def _markdown(
    title: str, intro: str, summary: str, header: Sequence[str], rows: list[tuple[Any, ...]]
) -> str:
    """A recall in Markdown: title, what it lists, its summary, then its cars (if any)."""
    out = [title, "", intro, "", summary]
    if rows:
        out.append("")
        out += md_table(header, rows, "r")
    return "\n".join(out) + "\n"


def _recall_sheet(name: str, columns: Sequence[str], rows: Sequence[Any], zone: str) -> Sheet:
    """The rows of a recall, the CSV's columns, as cells (times in plant local time)."""
    header = column_titles(columns)
    return Sheet(name, header, [[getattr(row, c) for c in columns] for row in rows], zone)


def station_recall_sheets(recall: StationRecall) -> list[Sheet]:
    """The cars of a model through a station, as one spreadsheet sheet."""
    return [
        _recall_sheet(
            _("Recall {model} {station}").format(model=recall.model, station=recall.station),
            STATION_COLUMNS,
            recall.rows,
            recall.timezone,
        )
    ]


def defect_recall_sheets(recall: DefectRecall) -> list[Sheet]:
    """The cars on which a defect code was found, as one spreadsheet sheet."""
    return [
        _recall_sheet(
            _("Recall {code}").format(code=recall.code), DEFECT_COLUMNS, recall.rows, recall.timezone
        )
    ]
