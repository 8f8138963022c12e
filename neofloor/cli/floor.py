"""Floor commands for scripts and automated stations: plan, scan, hold, release, history."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from neofloor.cli.common import open_database, printed_json, run_write, signed_in, station_arg
from neofloor.i18n import N_, _, ngettext
from neofloor.services.plant.text import printable


def register(commands: Any) -> None:
    scan = commands.add_parser("scan", help=_("scan a car at a station: starts it, or completes it"))
    scan.add_argument("vin")
    scan.add_argument(
        "--station", dest="scan_station", metavar="CODE", help=_("station (default: --station)")
    )
    scan.add_argument("--operator", required=True, metavar="BADGE", help=_("badge of who scans"))
    scan.set_defaults(handler=scan_command)

    hold = commands.add_parser("hold", help=_("hold a car where it is, with a reason"))
    hold.add_argument("vin")
    hold.add_argument("--reason", required=True)
    hold.add_argument("--operator", required=True, metavar="BADGE")
    hold.set_defaults(handler=hold_command)

    release = commands.add_parser("release", help=_("release a held car (supervisor, shift lead, inspector)"))
    release.add_argument("vin")
    release.add_argument("--operator", required=True, metavar="BADGE")
    release.add_argument("--note", default="")
    release.set_defaults(handler=release_command)

    history = commands.add_parser("history", help=_("a car's full history"))
    history.add_argument("vin")
    history.add_argument("--json", action="store_true", help=_("print JSON"))
    history.set_defaults(handler=history_command)

    queue = commands.add_parser("queue", help=_("cars in and waiting for a station"))
    queue.add_argument("queue_station", metavar="STATION")
    queue.add_argument("--limit", type=int, default=20)
    queue.add_argument("--json", action="store_true")
    queue.set_defaults(handler=queue_command)

    plan = commands.add_parser("plan", help=_("plan cars: one, or a CSV production plan"))
    plan_commands = plan.add_subparsers(dest="plan_command", metavar="ACTION", required=True)
    add = plan_commands.add_parser("add", help=_("plan one car"))
    add.add_argument("vin")
    add.add_argument("--model", required=True)
    add.add_argument("--color", required=True)
    add.add_argument("--order", default="", help=_("order reference"))
    add.add_argument("--seq", type=int, default=None, help=_("build sequence (default: next)"))
    add.add_argument("--options", default="", help=_("option codes, comma-separated"))
    add.add_argument("--notes", default="", help=_("option notes for the stations"))
    add.add_argument(
        "--operator", required=True, metavar="BADGE", help=_("who plans (supervisor, shift lead)")
    )
    add.set_defaults(handler=plan_add_command)
    imp = plan_commands.add_parser("import", help=_("import a CSV plan (all rows or none)"))
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--operator", required=True, metavar="BADGE", help=_("who plans (supervisor, shift lead)")
    )
    imp.set_defaults(handler=plan_import_command)


def scan_command(args: argparse.Namespace) -> int:
    from neofloor.services.scan import record_scan

    station = station_arg(args, args.scan_station)
    return run_write(args, lambda s: record_scan(s, station, args.vin, args.operator, args.terminal))


def hold_command(args: argparse.Namespace) -> int:
    from neofloor.services.tracking.holds import hold_vehicle

    return run_write(args, lambda s: hold_vehicle(s, args.vin, args.reason, args.operator, args.terminal))


def release_command(args: argparse.Namespace) -> int:
    from neofloor.services.tracking.holds import release_vehicle

    return run_write(args, lambda s: release_vehicle(s, args.vin, args.operator, args.note, args.terminal))


def history_command(args: argparse.Namespace) -> int:
    from neofloor.services.plant.catalog import plant_catalog
    from neofloor.services.plant.clock import format_duration, to_local
    from neofloor.services.tracking.history import vehicle_history

    with open_database(args).read() as session:
        history = vehicle_history(session, args.vin)
        zone = plant_catalog(session).timezone
    if printed_json(args, history):
        return 0
    car = history.car
    print(
        printable(
            _("{vin}  #{seq}  {model}, {color}  order {order}").format(
                vin=car.vin,
                seq=car.build_seq,
                model=history.model_name,
                color=history.color_name,
                order=car.order_ref,
            )
        )
    )
    print(
        _("state: {state} at {station}  lead time: {lead_time}").format(
            state=car.state,
            station=car.station or "-",
            lead_time=format_duration(history.lead_time_seconds),
        )
    )
    for event in history.events:
        when = to_local(event.at, zone).strftime("%Y-%m-%d %H:%M:%S")
        who = event.operator or ""
        print(printable(f"  {when}  {event.kind:<15} {event.station or '':<8} {who:<24} {event.note}"))
    if history.defects:
        print(_("defects:"))
        for d in history.defects:
            print(
                printable(
                    f"  {d.code:<8} {d.severity:<8} {d.status:<9} {d.zone:<10} {d.station}  {d.description}"
                )
            )
    return 0


def queue_command(args: argparse.Namespace) -> int:
    from neofloor.services.tracking.floor import cars_in_station, station_queue

    with open_database(args).read() as session:
        inside = cars_in_station(session, args.queue_station)
        waiting = station_queue(session, args.queue_station, limit=args.limit)
    if printed_json(args, {"in_station": inside, "queue": waiting}):
        return 0
    for label, cars in ((N_("in station:"), inside), (N_("queue:"), waiting)):
        print(_(label))
        for car in cars:
            held = "  " + _("HELD: {reason}").format(reason=car.hold_reason) if car.held else ""
            print(printable(f"  #{car.build_seq:<6} {car.vin}  {car.model:<4} {car.color:<14}{held}"))
    return 0


def plan_add_command(args: argparse.Namespace) -> int:
    from neofloor.services.tracking.planning import add_vehicle

    database = open_database(args)
    operator = signed_in(args, database)
    with database.write() as session:
        vin = add_vehicle(
            session,
            args.vin,
            args.model,
            args.color,
            args.order,
            build_seq=args.seq,
            options=args.options,
            option_notes=args.notes,
            badge=operator.badge,
            terminal=args.terminal,
        )
    print(_("{vin} planned.").format(vin=vin))
    return 0


def plan_import_command(args: argparse.Namespace) -> int:
    from neofloor.services.tracking.planning import import_plan_csv, read_plan_file

    text = read_plan_file(args.file)
    from neofloor.cli.common import progress

    database = open_database(args)
    operator = signed_in(args, database)
    planning = _("Planning the cars of {name}").format(name=args.file.name)
    with progress(planning), database.write() as session:
        count = import_plan_csv(session, text, badge=operator.badge, terminal=args.terminal)
    print(
        ngettext("{n} car(s) planned from {path}.", "{n} car(s) planned from {path}.", count).format(
            n=count, path=args.file
        ),
        file=sys.stdout,
    )
    return 0
