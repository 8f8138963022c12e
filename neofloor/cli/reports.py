"""Report commands: the shift handover, the daily trend, and the shift lead's notes."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from neofloor.cli.common import open_database, signed_in
from neofloor.i18n import _
from neofloor.reports.formats import EXPORT_FORMATS

if TYPE_CHECKING:
    from neofloor.reports.xlsx import Sheet


def register(commands: Any) -> None:
    """Add ``neofloor report shift|trend|note`` to the neofloor parser."""
    report = commands.add_parser("report", help=_("shift handover and trend reports, shift notes"))
    kinds = report.add_subparsers(dest="report_command", metavar="REPORT", required=True)

    shift = kinds.add_parser(
        "shift",
        help=_("a shift's handover report (default: the shift under way, else the last one)"),
    )
    shift.add_argument("--date", metavar="DATE", help=_("plant-local date: YYYY-MM-DD, today, yesterday"))
    shift.add_argument("--shift", dest="shift_code", metavar="CODE", help=_("shift code (e.g. A)"))
    shift.add_argument("--format", dest="fmt", choices=EXPORT_FORMATS, default="md")
    shift.add_argument("--out", metavar="FILE", help=_("write the report to FILE instead of printing it"))
    shift.add_argument(
        "--save",
        action="store_true",
        help=_("write the report to the plant's reports folder (handover-DATE-SHIFT.FORMAT)"),
    )
    shift.set_defaults(handler=shift_report_command)

    trend = kinds.add_parser("trend", help=_("one row per production day: output, plan, FPY, DPHU, OEE"))
    trend.add_argument("--from", dest="from_date", required=True, metavar="DATE")
    trend.add_argument("--to", dest="to_date", default="today", metavar="DATE", help=_("default: today"))
    trend.add_argument("--format", dest="fmt", choices=EXPORT_FORMATS, default="md")
    trend.add_argument("--out", metavar="FILE", help=_("write the report to FILE instead of printing it"))
    trend.set_defaults(handler=trend_report_command)

    note = kinds.add_parser("note", help=_("add a note to a shift's handover (shift lead, supervisor)"))
    note.add_argument("--date", default="today", metavar="DATE", help=_("default: today"))
    note.add_argument("--shift", dest="shift_code", required=True, metavar="CODE")
    note.add_argument("--operator", required=True, metavar="BADGE", help=_("badge of who writes the note"))
    note.add_argument("text", nargs="+", help=_("the note"))
    note.set_defaults(handler=note_command)


def _emit(text: str, out: str | None) -> None:
    from neofloor.reports.common import save_report

    if out:
        path = save_report(text, out)
        print(_("Report written to {path}.").format(path=path.resolve()))
    else:
        print(text, end="")


def _check_out(args: argparse.Namespace) -> None:
    """A spreadsheet goes to a file: refused before anything is read when --out is missing."""
    if args.fmt == "xlsx" and not getattr(args, "save", False):
        from neofloor.reports.xlsx import needs_out

        needs_out(args.out)


def _emit_sheets(sheets: Sequence[Sheet], out: str) -> None:
    from neofloor.reports.xlsx import save_xlsx

    print(_("Report written to {path}.").format(path=save_xlsx(sheets, out)))


def shift_report_command(args: argparse.Namespace) -> int:
    from neofloor.reports.shift_report import render_shift_report, write_shift_report
    from neofloor.services.metrics.summary import summarize_shift
    from neofloor.services.plant.errors import InvalidInput, NotFound
    from neofloor.services.plant.shifts import parse_plant_date, shift_calendar
    from neofloor.store.types import utcnow

    _check_out(args)
    now = utcnow()
    with open_database(args).read() as session:
        calendar = shift_calendar(session)
        if args.date is None and args.shift_code is None:
            window = calendar.current_or_last(now)
            if window is None:
                raise NotFound(_("No shift has run in the last two weeks; give --date and --shift."))
        else:
            day = parse_plant_date(args.date or "today", calendar.timezone, now=now)
            if args.shift_code is not None:
                window = calendar.window(day, args.shift_code)
            else:
                shifts = calendar.windows_on(day)
                if len(shifts) != 1:
                    codes = ", ".join(w.code for w in shifts) or _("none")
                    raise InvalidInput(
                        _("Which shift of {day}? Give --shift CODE (shifts that day: {codes}).").format(
                            day=day, codes=codes
                        )
                    )
                window = shifts[0]
        if args.save and args.out is None and args.fmt != "xlsx":
            path = write_shift_report(session, window.local_date, window.code, fmt=args.fmt, now=now)
            print(_("Report written to {path}.").format(path=path))
            return 0
        summary = summarize_shift(session, window, now=now)
        if args.save and args.out is None:
            # The spreadsheet goes where --save puts the text reports: the plant's reports folder.
            from neofloor.reports.shift_report import default_shift_report_name
            from neofloor.services.plant.report_files import report_path

            target = report_path(session, default_shift_report_name(summary, "xlsx"))
            target.parent.mkdir(parents=True, exist_ok=True)
            args.out = str(target.resolve())
    if args.fmt == "xlsx":
        from neofloor.reports.shift_xlsx import shift_sheets

        _emit_sheets(shift_sheets(summary), args.out)
    else:
        _emit(render_shift_report(summary, args.fmt), args.out)
    return 0


def trend_report_command(args: argparse.Namespace) -> int:
    from neofloor.reports.trend_report import render_trend_report
    from neofloor.services.metrics.trend import trend
    from neofloor.services.plant.catalog import plant_catalog
    from neofloor.services.plant.shifts import parse_plant_date
    from neofloor.store.types import utcnow

    _check_out(args)
    now = utcnow()
    with open_database(args).read() as session:
        zone = plant_catalog(session).timezone
        first = parse_plant_date(args.from_date, zone, now=now)
        last = parse_plant_date(args.to_date, zone, now=now)
        result = trend(session, first, last, now=now)
    if args.fmt == "xlsx":
        from neofloor.reports.trend_report import trend_sheets

        _emit_sheets(trend_sheets(result), args.out)
    else:
        _emit(render_trend_report(result, args.fmt), args.out)
    return 0


def note_command(args: argparse.Namespace) -> int:
    from neofloor.services.plant.catalog import plant_catalog
    from neofloor.services.plant.shifts import parse_plant_date
    from neofloor.services.supervision.shift_notes import add_shift_note
    from neofloor.store.types import utcnow

    now = utcnow()
    database = open_database(args)
    operator = signed_in(args, database)
    with database.write() as session:
        day = parse_plant_date(args.date, plant_catalog(session).timezone, now=now)
        note = add_shift_note(
            session,
            day,
            args.shift_code,
            " ".join(args.text),
            operator.badge,
            now=now,
            terminal=args.terminal,
        )
    print(
        _("Note added to shift {day} {shift} by {author}.").format(
            day=note.shift_date.isoformat(), shift=note.shift_code, author=note.author
        )
    )
    return 0
