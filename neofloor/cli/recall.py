"""Recall containment commands: the cars a supplier batch or a process drift touches, and who has them.

``neofloor recall station`` lists the cars of a model that completed a station in
a period; ``neofloor recall defect`` the cars on which a defect code was found;
``neofloor recall cars`` the cars every filter given agrees on (model, station and
period, defect code, part and serial range, lot), and with ``--hold`` puts those still
at the plant on hold in one transaction.
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
from neofloor.i18n import N_, _
from neofloor.reports.formats import EXPORT_FORMATS
from neofloor.services.plant.errors import InvalidInput

if TYPE_CHECKING:
    from datetime import datetime

    from sqlmodel import Session

    from neofloor.reports.xlsx import Sheet
    from neofloor.services.traceability.containment import RecallQuery


def register(commands: Any) -> None:
    """Add ``neofloor recall station|defect|cars`` and ``neofloor record`` to the neofloor parser."""
    recall = commands.add_parser(
        "recall", help=_("recall containment: the cars a bad batch or a drift touches, and where they are")
    )
    questions = recall.add_subparsers(dest="recall_command", metavar="QUESTION", required=True)

    station = questions.add_parser("station", help=_("cars of a model that completed a station in a period"))
    station.add_argument("--model", required=True, metavar="CODE", help=_("model code (e.g. C1E)"))
    station.add_argument(
        "--station",
        dest="recall_station",
        metavar="CODE",
        help=_("station the cars completed (default: the terminal's --station)"),
    )
    _period_and_output(station)
    station.set_defaults(handler=station_recall_command)

    defect = questions.add_parser("defect", help=_("cars on which a defect code was found in a period"))
    defect.add_argument("--code", required=True, metavar="CODE", help=_("defect catalog code (e.g. WL-DOOR)"))
    _period_and_output(defect)
    defect.set_defaults(handler=defect_recall_command)

    cars = questions.add_parser(
        "cars",
        help=_(
            "cars every filter given agrees on (model, station and period, defect, part serials, lot); "
            "--hold stops those still at the plant"
        ),
    )
    cars.add_argument("--model", metavar="CODE", help=_("only cars of this model (e.g. C1E)"))
    cars.add_argument(
        "--station",
        dest="recall_station",
        metavar="CODE",
        help=_("cars that completed this station in the period"),
    )
    cars.add_argument("--defect", metavar="CODE", help=_("cars on which this defect code was found"))
    cars.add_argument("--part", metavar="PART", help=_("cars fitted with this part (e.g. HV_BATTERY)"))
    cars.add_argument("--serial-from", metavar="SERIAL", help=_("the part's first serial in the range"))
    cars.add_argument("--serial-to", metavar="SERIAL", help=_("the part's last serial in the range"))
    cars.add_argument("--lot", metavar="LOT", help=_("cars fitted with a part of this lot"))
    cars.add_argument(
        "--from", dest="from_date", metavar="DATE", help=_("first plant day (completion, finding, fitting)")
    )
    cars.add_argument(
        "--to", dest="to_date", metavar="DATE", help=_("last day (default: today, with --from)")
    )
    cars.add_argument("--format", dest="fmt", choices=EXPORT_FORMATS, default="md")
    cars.add_argument("--out", metavar="FILE", help=_("write the list to FILE instead of printing it"))
    cars.add_argument(
        "--hold",
        action="store_true",
        help=_("put every car still at the plant on hold, in one transaction (line leaders)"),
    )
    cars.add_argument("--reason", default="", help=_("why the cars are held (with --hold)"))
    cars.add_argument("--operator", metavar="BADGE", help=_("who holds them (with --hold)"))
    cars.set_defaults(handler=cars_recall_command)

    record = commands.add_parser(
        "record", help=_("a car's build record: stations, components, defects, holds, PDI, delivery")
    )
    record.add_argument("vin")
    record.add_argument("--format", dest="fmt", choices=("md", "json"), default="md")
    record.add_argument("--out", metavar="FILE", help=_("write the record to FILE instead of printing it"))
    record.set_defaults(handler=record_command)


def _period_and_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="from_date",
        required=True,
        metavar="DATE",
        help=_("first plant day: YYYY-MM-DD, today..."),
    )
    parser.add_argument(
        "--to", dest="to_date", default="today", metavar="DATE", help=_("last day (default: today)")
    )
    parser.add_argument("--format", dest="fmt", choices=EXPORT_FORMATS, default="md")
    parser.add_argument("--out", metavar="FILE", help=_("write the list to FILE instead of printing it"))


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
        print(_("Recall list written to {path}.").format(path=path))
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
    print(_("Recall list written to {path}.").format(path=path))


def station_recall_command(args: argparse.Namespace) -> int:
    from neofloor.reports.recall_report import render_station_recall
    from neofloor.services.traceability.recall import cars_through_station

    fmt = _check_export(args)
    station = station_arg(args, args.recall_station, N_("Which station did the cars complete?"))
    from neofloor.cli.common import progress

    with progress(_("Finding the cars")), open_database(args).read() as session:
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
    from neofloor.cli.common import progress

    with progress(_("Finding the cars")), open_database(args).read() as session:
        recall = cars_with_defect(session, args.code, *_period(session, args))
    if fmt == "xlsx":
        from neofloor.reports.recall_report import defect_recall_sheets

        _emit_sheets(recall.summary, defect_recall_sheets(recall), args.out)
    else:
        _emit(recall.summary, render_defect_recall(recall, fmt), fmt, args)
    return 0


def _query(session: Session, args: argparse.Namespace) -> RecallQuery:
    from neofloor.services.traceability.containment import RecallQuery

    start = end = None
    if args.from_date or args.to_date:
        if not args.from_date:
            raise InvalidInput(_("A recall period needs its first day: give --from."))
        if args.to_date is None:
            args.to_date = "today"
        start, end = _period(session, args)
    return RecallQuery(
        model=args.model,
        station=args.recall_station,
        start=start,
        end=end,
        defect=args.defect,
        part=args.part,
        serial_from=args.serial_from,
        serial_to=args.serial_to,
        lot=args.lot,
    )


def cars_recall_command(args: argparse.Namespace) -> int:
    """The cars every filter agrees on; with --hold, those still at the plant held in one transaction."""
    from neofloor.reports.containment_report import render_containment
    from neofloor.services.traceability.containment import containment, hold_recall

    fmt = _check_export(args)
    database = open_database(args)
    if args.hold:
        if not args.operator:
            raise InvalidInput(_("Who holds the cars? Give --operator BADGE."))
        with database.write() as session:
            held = hold_recall(session, _query(session, args), args.reason, args.operator, args.terminal)
        # Stdout stays machine-readable for CSV and JSON printed on the terminal.
        print(held.message, file=sys.stdout if fmt == "md" or args.out else sys.stderr)
    with database.read() as session:
        found = containment(session, _query(session, args))
    if fmt == "xlsx":
        from neofloor.reports.containment_report import containment_sheets

        _emit_sheets(found.summary, containment_sheets(found), args.out)
    else:
        _emit(found.summary, render_containment(found, fmt), fmt, args)
    return 0


def record_command(args: argparse.Namespace) -> int:
    """A car's build record, printed or written to a file."""
    from neofloor.reports.build_record import render_build_record
    from neofloor.reports.common import save_report
    from neofloor.services.traceability.build_record import build_record

    with open_database(args).read() as session:
        record = build_record(session, args.vin)
    text = render_build_record(record, args.fmt)
    if args.out:
        path = save_report(text, args.out)
        print(_("Build record of {vin} written to {path}.").format(vin=record.vin, path=path))
    else:
        print(text, end="")
    return 0
