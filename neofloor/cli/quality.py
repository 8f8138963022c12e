"""Quality commands: log, repair, verify, reject and cancel defects; list them; the Pareto of codes.

The same services as the screens, so the same rules: a refusal prints one
sentence on stderr and exits non-zero, and nothing is written.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from neofloor.cli.common import open_database, plain, plant_days, run_write, station_arg, to_json
from neofloor.i18n import N_, _, decimal_text, ngettext
from neofloor.services.plant.errors import InvalidInput

FORMATS = ("table", "csv", "json", "xlsx")
SEVERITY_CHOICES = ("critical", "major", "minor")
STATUS_CHOICES = ("open", "repaired", "verified", "cancelled")
# The columns `defect list --format csv` writes (JSON objects carry the same keys).
LIST_FIELDS = (
    "id",
    "vin",
    "build_seq",
    "model",
    "code",
    "description",
    "category",
    "zone",
    "severity",
    "status",
    "station",
    "found_at",
    "found_by",
    "note",
    "age_seconds",
    "repaired_at",
    "repaired_by",
    "repair_station",
    "repair_note",
    "verified_at",
    "verified_by",
    "cancel_reason",
    "car_state",
    "car_station",
)
PARETO_FIELDS = ("rank", "code", "description", "category", "count", "share", "cumulative_share")
# The column titles of the tables printed for people (translated where printed).
LIST_HEADERS = (
    N_("ID"),
    "VIN",
    N_("CODE"),
    N_("SEVERITY"),
    N_("STATUS"),
    N_("ZONE"),
    N_("STATION"),
    N_("FOUND"),
    N_("AGE"),
    N_("DESCRIPTION"),
)
CATALOG_HEADERS = (N_("CODE"), N_("SEVERITY"), N_("CATEGORY"), N_("DESCRIPTION"))
PARETO_HEADERS = ("#", N_("CODE"), N_("COUNT"), N_("SHARE"), N_("CUMUL."), N_("DESCRIPTION"))


def register(commands: Any) -> None:
    """Add ``neofloor defect ...`` to the neofloor parser."""
    defect = commands.add_parser("defect", help=_("log, repair, verify and list defects; Pareto of codes"))
    actions = defect.add_subparsers(dest="defect_command", metavar="ACTION", required=True)
    _register_logging(actions)
    _register_review(actions)
    _register_queries(actions)
    _register_catalog(actions)


def _defect_action(actions: Any, name: str, help_text: str) -> Any:
    """An action on one defect, named by its ID."""
    parser = actions.add_parser(name, help=help_text)
    parser.add_argument("defect_id", metavar="ID", type=int)
    return parser


def _register_logging(actions: Any) -> None:
    """``defect add`` and ``defect repair``: the line records defects and their repairs."""
    add = actions.add_parser("add", help=_("log a defect found on a car"))
    add.add_argument("vin")
    add.add_argument(
        "--station", dest="defect_station", metavar="CODE", help=_("where found (default: --station)")
    )
    add.add_argument("--code", required=True, help=_("defect catalog code (see 'neofloor defect catalog')"))
    add.add_argument(
        "--zone", required=True, help=_("front, rear, left, right, roof, interior, underbody, ...")
    )
    add.add_argument("--severity", choices=SEVERITY_CHOICES, help=_("default: the catalog's"))
    add.add_argument("--note", default="")
    add.add_argument("--operator", required=True, metavar="BADGE", help=_("badge of who found it"))
    add.set_defaults(handler=add_command)

    repair = _defect_action(actions, "repair", _("record the repair of a defect (open -> repaired)"))
    repair.add_argument("--note", required=True, help=_("what was done"))
    repair.add_argument("--operator", required=True, metavar="BADGE", help=_("badge of who repaired it"))
    repair.add_argument(
        "--station", dest="defect_station", metavar="CODE", help=_("where (default: where the car is)")
    )
    repair.set_defaults(handler=repair_command)


def _register_review(actions: Any) -> None:
    """``defect verify``, ``reject`` and ``cancel``: an inspector's or supervisor's word."""
    verify = _defect_action(actions, "verify", _("an inspector confirms a repair (repaired -> verified)"))
    verify.add_argument("--operator", required=True, metavar="BADGE", help=_("the inspector's badge"))
    verify.add_argument("--note", default="")
    verify.set_defaults(handler=verify_command)

    reject = _defect_action(actions, "reject", _("an inspector sends a repair back (repaired -> open)"))
    reject.add_argument("--reason", required=True)
    reject.add_argument("--operator", required=True, metavar="BADGE", help=_("the inspector's badge"))
    reject.set_defaults(handler=reject_command)

    cancel = _defect_action(actions, "cancel", _("cancel a defect logged in error (kept on record)"))
    cancel.add_argument("--reason", required=True)
    cancel.add_argument("--operator", required=True, metavar="BADGE")
    cancel.set_defaults(handler=cancel_command)


def _register_queries(actions: Any) -> None:
    """``defect list`` and ``defect show``."""
    listing = actions.add_parser("list", help=_("defects, filtered (default: open and unverified)"))
    listing.add_argument("--vin", help=_("one car's defects (delivered cars included)"))
    listing.add_argument("--station", dest="defect_station", metavar="CODE", help=_("where found"))
    listing.add_argument("--zone")
    listing.add_argument("--severity", choices=SEVERITY_CHOICES)
    listing.add_argument(
        "--status",
        default="open,repaired",
        help=_("comma-separated statuses (open, repaired, verified, cancelled) or 'all'"),
    )
    listing.add_argument("--older-than", type=float, metavar="HOURS", help=_("found more than HOURS ago"))
    listing.add_argument(
        "--delivered", action="store_true", help=_("include cars already delivered (always with --vin)")
    )
    listing.add_argument("--limit", type=int, default=100)
    listing.add_argument("--offset", type=int, default=0)
    listing.add_argument("--format", choices=FORMATS, default="table")
    listing.add_argument("--out", metavar="FILE", help=_("the .xlsx file to write (with --format xlsx)"))
    listing.set_defaults(handler=list_command)

    show = _defect_action(actions, "show", _("one defect and its full story"))
    show.add_argument("--format", choices=("table", "json"), default="table")
    show.set_defaults(handler=show_command)


def _register_catalog(actions: Any) -> None:
    """``defect catalog`` and ``defect pareto``."""
    catalog = actions.add_parser("catalog", help=_("the defect catalog, or the entries matching TEXT"))
    catalog.add_argument("text", nargs="?", default="", help=_("part of a code or description ('wl', 'run')"))
    catalog.add_argument(
        "--limit", type=int, default=None, help=_("default: 8 matches, or the whole catalog")
    )
    catalog.add_argument("--format", choices=FORMATS, default="table")
    catalog.add_argument("--out", metavar="FILE", help=_("the .xlsx file to write (with --format xlsx)"))
    catalog.set_defaults(handler=catalog_command)

    pareto = actions.add_parser("pareto", help=_("defect codes by count and share over plant local days"))
    pareto.add_argument(
        "--from",
        dest="first_day",
        required=True,
        metavar="DATE",
        help=_("first day: YYYY-MM-DD, today, yesterday"),
    )
    pareto.add_argument("--to", dest="last_day", required=True, metavar="DATE", help=_("last day (included)"))
    pareto.add_argument(
        "--station", dest="defect_station", metavar="CODE", help=_("only defects found there")
    )
    pareto.add_argument("--limit", type=int, default=20)
    pareto.add_argument("--format", choices=FORMATS, default="table")
    pareto.add_argument("--out", metavar="FILE", help=_("the .xlsx file to write (with --format xlsx)"))
    pareto.set_defaults(handler=pareto_command)


# --- writes ------------------------------------------------------------------------------


def add_command(args: argparse.Namespace) -> int:
    from neofloor.services.quality.defects import add_defect

    station = station_arg(args, args.defect_station, N_("Where was it found?"))
    return run_write(
        args,
        lambda s: add_defect(
            s,
            args.vin,
            station,
            args.code,
            args.zone,
            args.operator,
            severity=args.severity,
            note=args.note,
            terminal=args.terminal,
        ),
    )


def repair_command(args: argparse.Namespace) -> int:
    from neofloor.services.quality.defects import repair_defect

    return run_write(
        args,
        lambda s: repair_defect(
            s, args.defect_id, args.operator, args.note, station=args.defect_station, terminal=args.terminal
        ),
    )


def verify_command(args: argparse.Namespace) -> int:
    from neofloor.services.quality.defects import verify_defect

    return run_write(
        args,
        lambda s: verify_defect(s, args.defect_id, args.operator, note=args.note, terminal=args.terminal),
    )


def reject_command(args: argparse.Namespace) -> int:
    from neofloor.services.quality.defects import reject_repair

    return run_write(
        args, lambda s: reject_repair(s, args.defect_id, args.operator, args.reason, terminal=args.terminal)
    )


def cancel_command(args: argparse.Namespace) -> int:
    from neofloor.services.quality.defects import cancel_defect

    return run_write(
        args, lambda s: cancel_defect(s, args.defect_id, args.operator, args.reason, terminal=args.terminal)
    )


# --- reads -------------------------------------------------------------------------------


def _short(value: datetime | None, zone: str) -> str:
    from neofloor.services.plant.clock import to_local

    return to_local(value, zone).strftime("%Y-%m-%d %H:%M") if value is not None else "-"


def _headers(titles: Sequence[str]) -> list[str]:
    """Column titles in the language spoken now ("VIN" and "#" are not in the catalog: kept)."""
    return [_(title) for title in titles]


def _share(ratio: float) -> str:
    """42.9% in English, as the table has always printed it; 42,9 % in French."""
    return _("{percent}%").format(percent=decimal_text(ratio * 100))


def _print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    for row in (list(headers), *cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def _write_csv(fields: Sequence[str], rows: Sequence[dict[str, object]]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def _check_out(args: argparse.Namespace) -> None:
    """A spreadsheet is a file: --format xlsx needs --out, checked before anything is read."""
    if args.format == "xlsx":
        from neofloor.reports.xlsx import needs_out

        needs_out(args.out)
    elif args.out:
        raise InvalidInput(_("--out writes a spreadsheet: give it with --format xlsx."))


def _write_xlsx(
    name: str, fields: Sequence[str], rows: Sequence[Sequence[object]], zone: str | None, out: str
) -> None:
    from neofloor.reports.xlsx import Sheet, save_xlsx

    path = save_xlsx([Sheet(name, fields, rows, zone)], out)
    print(
        ngettext("{n} row(s) written to {path}.", "{n} row(s) written to {path}.", len(rows)).format(
            n=len(rows), path=path
        )
    )


def _statuses(text: str) -> tuple[str, ...] | None:
    if text.strip().lower() == "all":
        return None
    wanted = tuple(s.strip().lower() for s in text.split(",") if s.strip())
    if not wanted:
        raise InvalidInput(_("Which statuses? Give --status open,repaired or --status all."))
    return wanted


def list_command(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from neofloor.services.plant.catalog import plant_catalog
    from neofloor.services.plant.clock import format_duration
    from neofloor.services.quality.reports import open_defects

    if args.limit < 1 or args.offset < 0:
        raise InvalidInput(_("--limit must be at least 1 and --offset at least 0."))
    _check_out(args)
    if args.older_than is not None and args.older_than < 0:
        raise InvalidInput(_("--older-than takes a number of hours, 0 or more."))
    statuses = _statuses(args.status)
    closed_wanted = statuses is None or any(s in ("verified", "cancelled") for s in statuses)
    with open_database(args).read() as session:
        zone = plant_catalog(session).timezone
        records = open_defects(
            session,
            vin=args.vin,
            station=args.defect_station,
            zone=args.zone,
            severity=args.severity,
            status=statuses,
            older_than=timedelta(hours=args.older_than) if args.older_than is not None else None,
            include_delivered=args.delivered or args.vin is not None,
            oldest_first=not closed_wanted,
            limit=args.limit,
            offset=args.offset,
        )
    rows = []
    for record in records:
        row = plain(record, zone)
        row["age_seconds"] = round(record.age_seconds)
        rows.append({k: row[k] for k in LIST_FIELDS})
    if args.format == "json":
        print(to_json(rows))
    elif args.format == "csv":
        _write_csv(LIST_FIELDS, rows)
    elif args.format == "xlsx":
        cells = [
            [
                timedelta(seconds=round(r.age_seconds)) if f == "age_seconds" else getattr(r, f)
                for f in LIST_FIELDS
            ]
            for r in records
        ]
        header = [("age" if f == "age_seconds" else f) for f in LIST_FIELDS]
        _write_xlsx(_("Defects"), header, cells, zone, args.out)
    elif not records:
        print(_("No defects match."))
    else:
        _print_table(
            _headers(LIST_HEADERS),
            [
                (
                    r.id,
                    r.vin,
                    r.code,
                    r.severity,
                    r.status,
                    r.zone,
                    r.station,
                    _short(r.found_at, zone),
                    format_duration(r.age_seconds),
                    r.description,
                )
                for r in records
            ],
        )
    return 0


def show_command(args: argparse.Namespace) -> int:
    from neofloor.services.plant.catalog import plant_catalog
    from neofloor.services.quality.records import defect_history

    with open_database(args).read() as session:
        zone = plant_catalog(session).timezone
        story = defect_history(session, args.defect_id)
    if args.format == "json":
        print(to_json(story, zone))
        return 0
    d = story.defect
    print(
        _("Defect #{id}  {code} {description}  ({category})").format(
            id=d.id, code=d.code, description=d.description, category=d.category
        )
    )
    print(
        _("car: {vin}  #{seq} {model}, {state} at {station}").format(
            vin=d.vin, seq=d.build_seq, model=d.model, state=d.car_state, station=d.car_station or "-"
        )
    )
    print(
        _("{severity}, {zone}, found at {station}; status: {status}").format(
            severity=d.severity, zone=d.zone, station=d.station, status=d.status
        )
    )
    if d.note:
        print(_("note: {note}").format(note=d.note))
    for event in story.events:
        when, where, who = _short(event.at, zone), event.station or "", event.operator or ""
        print(f"  {when}  {event.kind:<9} {where:<8} {who:<24} {event.note}".rstrip())
    return 0


def catalog_command(args: argparse.Namespace) -> int:
    from neofloor.services.quality.catalog import catalog_entries, match_catalog

    _check_out(args)
    with open_database(args).read() as session:
        entries = catalog_entries(session)
    limit = args.limit if args.limit is not None else (8 if args.text.strip() else len(entries))
    chosen = [m.entry for m in match_catalog(entries, args.text, limit=limit)]
    rows = [asdict(e) for e in chosen]
    if args.format == "json":
        print(to_json(rows))
    elif args.format == "csv":
        _write_csv(("id", "code", "description", "category", "default_severity"), rows)
    elif args.format == "xlsx":
        fields = ("id", "code", "description", "category", "default_severity")
        _write_xlsx(_("Defect catalog"), fields, [[row[f] for f in fields] for row in rows], None, args.out)
    elif not chosen:
        print(_("No catalog entry matches {text}.").format(text=repr(args.text)))
    else:
        _print_table(
            _headers(CATALOG_HEADERS),
            [(e.code, e.default_severity, e.category, e.description) for e in chosen],
        )
    return 0


def pareto_command(args: argparse.Namespace) -> int:
    from neofloor.services.quality.reports import defect_pareto

    _check_out(args)
    database = open_database(args)
    days = plant_days(database, args.first_day, args.last_day)
    first, last = days.first, days.last
    with database.read() as session:
        pareto = defect_pareto(session, days.start, days.end, limit=args.limit, station=args.defect_station)
    rows = [
        {
            "rank": rank,
            "code": line.code,
            "description": line.description,
            "category": line.category,
            "count": line.count,
            "share": round(line.share, 4),
            "cumulative_share": round(line.cumulative_share, 4),
        }
        for rank, line in enumerate(pareto.lines, 1)
    ]
    if args.format == "json":
        print(
            to_json(
                {
                    "from": first.isoformat(),
                    "to": last.isoformat(),
                    "total": pareto.total,
                    "other_count": pareto.other_count,
                    "lines": rows,
                }
            )
        )
    elif args.format == "csv":
        _write_csv(PARETO_FIELDS, rows)
    elif args.format == "xlsx":
        from neofloor.reports.xlsx import Ratio

        cells = [
            [
                Ratio(line.share)
                if f == "share"
                else Ratio(line.cumulative_share)
                if f == "cumulative_share"
                else r[f]
                for f in PARETO_FIELDS
            ]
            for r, line in zip(rows, pareto.lines, strict=True)
        ]
        sheet = _("Pareto {first} to {last}").format(first=first, last=last)
        _write_xlsx(sheet, PARETO_FIELDS, cells, None, args.out)
    elif not pareto.total:
        print(_("No defects found from {first} to {last}.").format(first=first, last=last))
    else:
        print(
            _("Defects found from {first} to {last}: {total}").format(
                first=first, last=last, total=pareto.total
            )
        )
        _print_table(
            _headers(PARETO_HEADERS),
            [
                (
                    r["rank"],
                    r["code"],
                    r["count"],
                    _share(line.share),
                    _share(line.cumulative_share),
                    r["description"],
                )
                for r, line in zip(rows, pareto.lines, strict=True)
            ],
        )
        if pareto.other_count:
            print(_("other codes: {count}").format(count=pareto.other_count))
    return 0
