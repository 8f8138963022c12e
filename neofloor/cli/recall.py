"""Recall containment commands: the cars a supplier batch or a process drift touches, and who has them.

``neofloor recall station`` lists the cars of a model that completed a station in
a period; ``neofloor recall defect`` the cars on which a defect code was found.
Days are plant local, both included. A one-line count comes first (how many cars,
how many delivered, how many still at the plant); CSV and JSON printed on the
terminal get it on stderr, so what stdout carries stays machine-readable.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from neofloor.cli.common import open_database, station_arg
from neofloor.reports.formats import EXPORT_FORMATS

if TYPE_CHECKING:
    from datetime import datetime

    from sqlmodel import Session

    from neofloor.reports.xlsx import Sheet


def register(commands: Any) -> None:
    """Add ``neofloor recall station|defect`` to the neofloor parser."""
    recall = commands.add_parser(
        "recall", help="recall containment: the cars a bad batch or a drift touches, and where they are"
    )
    questions = recall.add_subparsers(dest="recall_command", metavar="QUESTION", required=True)

    station = questions.add_parser("station", help="cars of a model that completed a station in a period")
    station.add_argument("--model", required=True, metavar="CODE", help="model code (e.g. C1E)")
    station.add_argument(
        "--station",
        dest="recall_station",
        metavar="CODE",
        help="station the cars completed (default: the terminal's --station)",
    )
    _period_and_output(station)
    station.set_defaults(handler=station_recall_command)

    defect = questions.add_parser("defect", help="cars on which a defect code was found in a period")
    defect.add_argument("--code", required=True, metavar="CODE", help="defect catalog code (e.g. WL-DOOR)")
    _period_and_output(defect)
    defect.set_defaults(handler=defect_recall_command)


def _period_and_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="from_date",
        required=True,
        metavar="DATE",
        help="first plant day: YYYY-MM-DD, today...",
    )
    parser.add_argument(
        "--to", dest="to_date", default="today", metavar="DATE", help="last day (default: today)"
    )
    parser.add_argument("--format", dest="fmt", choices=EXPORT_FORMATS, default="md")
    parser.add_argument("--out", metavar="FILE", help="write the list to FILE instead of printing it")


def _period(session: Session, args: argparse.Namespace) -> tuple[datetime, datetime]:
    """The plant-local days typed, both included, as UTC ``[start, end)``."""
    from neofloor.services.plant.catalog import plant_catalog
    from neofloor.services.plant.shifts import local_days, parse_plant_date
    from neofloor.store.types import utcnow

    now = utcnow()
    zone = plant_catalog(session).timezone
    first = parse_plant_date(args.from_date, zone, now=now)
    last = parse_plant_date(args.to_date, zone, now=now)
    return local_days(first, last, zone)


def _emit(summary: str, text: str, fmt: str, args: argparse.Namespace) -> None:
    from neofloor.reports.common import save_report

    if args.out:
        path = save_report(text, args.out)
        print(summary)
        print(f"Recall list written to {path}.")
    elif fmt == "md":
        print(text, end="")
    else:
        print(summary, file=sys.stderr)
        print(text, end="")


def _check_export(args: argparse.Namespace) -> str:
    """The format asked for; a spreadsheet needs --out (refused before anything is read)."""
    from neofloor.reports.common import check_format
    from neofloor.reports.xlsx import XLSX, needs_out

    if args.fmt == XLSX:
        needs_out(args.out)
        return XLSX
    return check_format(args.fmt)


def _emit_sheets(summary: str, sheets: Sequence[Sheet], out: str) -> None:
    from neofloor.reports.xlsx import save_xlsx

    path = save_xlsx(sheets, out)
    print(summary)
    print(f"Recall list written to {path}.")


def station_recall_command(args: argparse.Namespace) -> int:
    from neofloor.reports.recall_report import render_station_recall
    from neofloor.services.traceability.recall import cars_through_station

    fmt = _check_export(args)
    station = station_arg(args, args.recall_station, "Which station did the cars complete?")
    with open_database(args).read() as session:
        recall = cars_through_station(session, args.model, station, *_period(session, args))
    if fmt == "xlsx":
        from neofloor.reports.recall_report import station_recall_sheets

        _emit_sheets(recall.summary, station_recall_sheets(recall), args.out)
    else:
        _emit(recall.summary, render_station_recall(recall, fmt), fmt, args)
    return 0


def defect_recall_command(args: argparse.Namespace) -> int:
    from neofloor.reports.recall_report import render_defect_recall
    from neofloor.services.traceability.recall import cars_with_defect

    fmt = _check_export(args)
    with open_database(args).read() as session:
        recall = cars_with_defect(session, args.code, *_period(session, args))
    if fmt == "xlsx":
        from neofloor.reports.recall_report import defect_recall_sheets

        _emit_sheets(recall.summary, defect_recall_sheets(recall), args.out)
    else:
        _emit(recall.summary, render_defect_recall(recall, fmt), fmt, args)
    return 0
