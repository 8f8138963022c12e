"""Supervision commands: the repair bay loop, andon stops, overrides, the line by takt.

Each action prints one line when done; a refusal is the service's sentence on
stderr with a non-zero exit code (``neofloor.cli.main`` does that), and nothing
is written. Hold and release live with the floor commands.
"""

from __future__ import annotations

import argparse
from typing import Any

from neofloor.cli.common import open_database, printed_json, read_days, run_write, station_arg
from neofloor.i18n import _, ngettext, pgettext


def register(commands: Any) -> None:
    """Add this module's subcommands to the neofloor parser."""
    _register_repair(commands)
    _register_andon(commands)

    override = commands.add_parser(
        "override", help=_("move a car out of sequence (supervisor, shift lead, admin; reason required)")
    )
    override.add_argument("vin")
    override.add_argument("--to", dest="to_station", required=True, metavar="STATION")
    override.add_argument("--reason", required=True)
    override.add_argument("--operator", required=True, metavar="BADGE")
    override.set_defaults(handler=override_command)

    overrides = commands.add_parser("overrides", help=_("the overrides of a day (default: today)"))
    _add_date(overrides)
    overrides.add_argument("--json", action="store_true", help=_("print JSON"))
    overrides.set_defaults(handler=overrides_command)

    sequence = commands.add_parser("sequence", help=_("out-of-sequence starts of a day, per station"))
    _add_date(sequence)
    sequence.add_argument("--json", action="store_true", help=_("print JSON"))
    sequence.set_defaults(handler=sequence_command)

    line = commands.add_parser("line", help=_("the line by takt: cars per station, stops, holds, the bay"))
    line.add_argument("--json", action="store_true", help=_("print JSON"))
    line.set_defaults(handler=line_command)


def _register_repair(commands: Any) -> None:
    repair = commands.add_parser("repair", help=_("the repair bay: send, scan, return, list, time"))
    actions = repair.add_subparsers(dest="repair_command", metavar="ACTION", required=True)

    send = actions.add_parser(
        "send", help=_("send a car to the repair bay (supervisor, shift lead, inspector)")
    )
    send.add_argument("vin")
    send.add_argument("--reason", required=True)
    send.add_argument("--operator", required=True, metavar="BADGE")
    send.set_defaults(handler=repair_send_command)

    scan = actions.add_parser(
        "scan", help=_("scan a car at the repair bay: starts, then completes the repair")
    )
    scan.add_argument("vin")
    scan.add_argument("--operator", required=True, metavar="BADGE")
    scan.set_defaults(handler=repair_scan_command)

    back = actions.add_parser("return", help=_("send a repaired car back to the station it left (or --to)"))
    back.add_argument("vin")
    back.add_argument("--operator", required=True, metavar="BADGE")
    back.add_argument(
        "--to", dest="to_station", metavar="STATION", help=_("another station (supervisor's choice)")
    )
    back.add_argument("--note", default="", help=_("why, when naming another station"))
    back.set_defaults(handler=repair_return_command)

    listing = actions.add_parser("list", help=_("cars in the repair bay now, and for how long"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(handler=repair_list_command)

    time = actions.add_parser("time", help=_("time in repair: of one car (VIN), or of a day's visits"))
    time.add_argument("vin", nargs="?", help=_("a car (default: every visit of the day)"))
    _add_date(time)
    time.add_argument("--json", action="store_true", help=_("print JSON"))
    time.set_defaults(handler=repair_time_command)


def _register_andon(commands: Any) -> None:
    andon = commands.add_parser("andon", help=_("andon stops: raise, end, list, reasons"))
    actions = andon.add_subparsers(dest="andon_command", metavar="ACTION", required=True)

    raise_ = actions.add_parser("raise", help=_("stop a station with a downtime reason"))
    raise_.add_argument(
        "--station", dest="andon_station", metavar="CODE", help=_("station (default: --station)")
    )
    raise_.add_argument(
        "--reason", required=True, metavar="CODE", help=_("downtime reason code (andon reasons)")
    )
    raise_.add_argument("--operator", required=True, metavar="BADGE")
    raise_.add_argument("--note", default="")
    raise_.set_defaults(handler=andon_raise_command)

    end = actions.add_parser("end", help=_("end the open stop at a station"))
    end.add_argument(
        "--station", dest="andon_station", metavar="CODE", help=_("station (default: --station)")
    )
    end.add_argument("--operator", required=True, metavar="BADGE")
    end.add_argument("--note", default="")
    end.set_defaults(handler=andon_end_command)

    listing = actions.add_parser("list", help=_("open stops now; with --date, every stop of that day"))
    listing.add_argument(
        "--date", default=None, metavar="YYYY-MM-DD", help=_("a plant day, today, yesterday")
    )
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(handler=andon_list_command)

    reasons = actions.add_parser("reasons", help=_("the plant's downtime reasons"))
    reasons.set_defaults(handler=andon_reasons_command)


def _add_date(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--date", default="today", metavar="YYYY-MM-DD", help=_("plant local day: a date, today, yesterday")
    )


# --- repair -------------------------------------------------------------------------


def repair_send_command(args: argparse.Namespace) -> int:
    from neofloor.services.supervision.repair import send_to_repair

    return run_write(args, lambda s: send_to_repair(s, args.vin, args.reason, args.operator, args.terminal))


def repair_scan_command(args: argparse.Namespace) -> int:
    from neofloor.services.supervision.repair import repair_scan

    return run_write(args, lambda s: repair_scan(s, args.vin, args.operator, args.terminal))


def repair_return_command(args: argparse.Namespace) -> int:
    from neofloor.services.supervision.repair import return_from_repair

    return run_write(
        args,
        lambda s: return_from_repair(s, args.vin, args.operator, args.to_station, args.note, args.terminal),
    )


def repair_list_command(args: argparse.Namespace) -> int:
    from neofloor.services.plant.catalog import plant_catalog
    from neofloor.services.plant.clock import format_duration
    from neofloor.services.supervision.repair_time import cars_in_repair
    from neofloor.services.supervision.rules import local_hhmm

    with open_database(args).read() as session:
        cars = cars_in_repair(session)
        zone = plant_catalog(session).timezone
    if printed_json(args, cars):
        return 0
    if not cars:
        print(_("No car in the repair bay."))
        return 0
    for car in cars:
        print(
            _("#{seq} {vin}  {model} from {station} {phase} {duration} since {moment}  {reason}").format(
                seq=f"{car.build_seq:<6}",
                vin=car.vin,
                model=f"{car.model:<4}",
                station=f"{car.left_station or '-':<8}",
                phase=f"{car.phase:<9}",
                duration=f"{format_duration(car.seconds):>8}",
                moment=local_hhmm(car.sent_at, zone),
                reason=car.reason,
            )
        )
    return 0


def repair_time_command(args: argparse.Namespace) -> int:
    from neofloor.services.plant.clock import format_duration
    from neofloor.services.supervision.repair_time import repair_time_summary
    from neofloor.store.types import utcnow

    if args.vin:
        return _car_repair_time(args)
    now = utcnow()
    days, summary = read_days(args, lambda s, start, end: repair_time_summary(s, start, end, now=now))
    if printed_json(args, summary):
        return 0
    visits = ngettext("{n} repair visit(s)", "{n} repair visit(s)", len(summary.visits)).format(
        n=len(summary.visits)
    )
    cars = ngettext("{n} car(s)", "{n} car(s)", summary.cars).format(n=summary.cars)
    print(
        _("{day}: {visits}, {cars}, {duration} in repair.").format(
            day=days.first.isoformat(),
            visits=visits,
            cars=cars,
            duration=format_duration(summary.total_seconds),
        )
    )
    for visit, seconds in zip(summary.visits, summary.seconds_per_visit, strict=True):
        print(
            "  "
            + _("{vin}  from {station} {duration}  {phase} {reason}").format(
                vin=visit.vin,
                station=f"{visit.left_station or '-':<8}",
                duration=f"{format_duration(seconds):>8}",
                phase=f"{visit.phase:<9}",
                reason=visit.reason,
            )
        )
    return 0


def _car_repair_time(args: argparse.Namespace) -> int:
    from neofloor.services.plant.clock import format_duration
    from neofloor.services.supervision.repair_time import car_repair_time
    from neofloor.store.types import utcnow

    now = utcnow()
    with open_database(args).read() as session:
        car = car_repair_time(session, args.vin, now=now)
    if printed_json(args, car):
        return 0
    print(
        ngettext(
            "{vin}: {n} repair visit(s), {duration} in repair.",
            "{vin}: {n} repair visit(s), {duration} in repair.",
            len(car.visits),
        ).format(vin=car.vin, n=len(car.visits), duration=format_duration(car.total_seconds))
    )
    for visit in car.visits:
        if visit.returned_at:
            back = _("back to {station}").format(station=visit.returned_to)
        else:
            back = _("still in the bay")
        print(
            "  "
            + _("from {station} {duration}  {outcome}  {reason}").format(
                station=f"{visit.left_station or '-':<8}",
                duration=f"{format_duration(visit.seconds(now)):>8}",
                outcome=back,
                reason=visit.reason,
            )
        )
    return 0


# --- andon --------------------------------------------------------------------------


def andon_raise_command(args: argparse.Namespace) -> int:
    from neofloor.services.supervision.andon import raise_andon

    station = station_arg(args, args.andon_station)
    return run_write(
        args, lambda s: raise_andon(s, station, args.reason, args.operator, args.note, terminal=args.terminal)
    )


def andon_end_command(args: argparse.Namespace) -> int:
    from neofloor.services.supervision.andon import end_andon

    station = station_arg(args, args.andon_station)
    return run_write(args, lambda s: end_andon(s, station, args.operator, args.note, terminal=args.terminal))


def andon_list_command(args: argparse.Namespace) -> int:
    from neofloor.services.plant.clock import format_duration
    from neofloor.services.supervision.andon import downtime_between
    from neofloor.services.supervision.rules import local_hhmm

    if args.date is None:
        return _open_stops(args)
    days, spans = read_days(args, downtime_between)
    if printed_json(args, spans):
        return 0
    zone = days.timezone
    total = sum(s.seconds for s in spans)
    print(
        ngettext(
            "{day}: {n} stop(s), {duration} of downtime.",
            "{day}: {n} stop(s), {duration} of downtime.",
            len(spans),
        ).format(day=days.first.isoformat(), n=len(spans), duration=format_duration(total))
    )
    for span in spans:
        stop = span.stop
        since = local_hhmm(span.start, zone)
        until = local_hhmm(span.end, zone) if not stop.is_open else _("now (open)")
        print(
            "  "
            + _(
                "{station} {since}-{until} {duration}  {code} {reason}  raised by {raised_by}, "
                "ended by {ended_by}"
            ).format(
                station=f"{stop.station:<8}",
                since=since,
                until=f"{until:<10}",
                duration=f"{format_duration(span.seconds):>8}",
                code=stop.reason_code,
                reason=stop.reason,
                raised_by=stop.raised_by or "-",
                ended_by=stop.ended_by or "-",
            )
        )
    return 0


def _open_stops(args: argparse.Namespace) -> int:
    from neofloor.services.plant.catalog import plant_catalog
    from neofloor.services.plant.clock import format_duration
    from neofloor.services.supervision.andon import open_stops
    from neofloor.services.supervision.rules import local_hhmm

    with open_database(args).read() as session:
        stops = open_stops(session)
        zone = plant_catalog(session).timezone
    if printed_json(args, stops):
        return 0
    if not stops:
        print(_("No station is stopped."))
    for stop in stops:
        print(
            _("{station} STOPPED {duration} since {moment}  {code} {reason}  raised by {raised_by}  {note}")
            .format(
                station=f"{stop.station:<8}",
                duration=f"{format_duration(stop.seconds):>8}",
                moment=local_hhmm(stop.started_at, zone),
                code=stop.reason_code,
                reason=stop.reason,
                raised_by=stop.raised_by or "-",
                note=stop.note,
            )
            .rstrip()
        )
    return 0


def andon_reasons_command(args: argparse.Namespace) -> int:
    from neofloor.services.supervision.andon import downtime_reasons

    with open_database(args).read() as session:
        reasons = downtime_reasons(session)
    for reason in reasons:
        print(f"{reason.code:<8} {reason.description}")
    return 0


# --- overrides and sequence -----------------------------------------------------------


def override_command(args: argparse.Namespace) -> int:
    from neofloor.services.supervision.overrides import override_move

    return run_write(
        args,
        lambda s: override_move(s, args.vin, args.to_station, args.reason, args.operator, args.terminal),
    )


def overrides_command(args: argparse.Namespace) -> int:
    from neofloor.services.supervision.overrides import overrides_between
    from neofloor.services.supervision.rules import local_hhmm

    days, lines = read_days(args, overrides_between)
    if printed_json(args, lines):
        return 0
    zone = days.timezone
    if not lines:
        print(_("No overrides on {day}.").format(day=days.first.isoformat()))
    for line in lines:
        print(
            f"{local_hhmm(line.at, zone)}  #{line.build_seq:<6} {line.vin}  "
            f"{line.from_station or '-'} -> {line.to_station or '-'}  {line.by or '-'}: {line.reason}"
        )
    return 0


def sequence_command(args: argparse.Namespace) -> int:
    from neofloor.services.supervision.overrides import sequence_breaks
    from neofloor.services.supervision.rules import local_hhmm

    days, report = read_days(args, sequence_breaks)
    if printed_json(args, report):
        return 0
    zone = days.timezone
    starts = sum(s.starts for s in report.stations)
    print(
        ngettext(
            "{day}: {n} out-of-sequence start(s) of {starts}.",
            "{day}: {n} out-of-sequence start(s) of {starts}.",
            report.total,
        ).format(day=days.first.isoformat(), n=report.total, starts=starts)
    )
    for station in report.stations:
        if station.starts:
            print(
                "  "
                + ngettext(
                    "{station} {breaks} of {starts} starts",
                    "{station} {breaks} of {starts} starts",
                    station.starts,
                ).format(
                    station=f"{station.station:<8}",
                    breaks=f"{station.breaks:>3}",
                    starts=f"{station.starts:>4}",
                )
            )
    for brk in report.breaks:
        print(f"  {local_hhmm(brk.started_at, zone)}  {brk.station:<8} #{brk.build_seq:<6} {brk.vin}")
    return 0


def line_command(args: argparse.Namespace) -> int:
    from neofloor.services.metrics.line_status import line_status
    from neofloor.services.plant.clock import format_duration

    with open_database(args).read() as session:
        status = line_status(session)
    if printed_json(args, status):
        return 0
    print(status.progress.text)
    for st in status.stations:
        counts = _("in {inside}  waiting {waiting}  held {held}").format(
            inside=len(st.in_station), waiting=st.queue_count, held=st.held_count
        )
        stopped = (
            "  "
            + _("STOPPED {duration} {reason}").format(
                duration=format_duration(st.stop.seconds), reason=st.stop.reason
            )
            if st.stop
            else ""
        )
        print(f"{st.station.code:<8} {counts}{stopped}")
        for car in (*st.in_station, *st.queue):
            inside = pgettext("a car inside a station", "in")
            where = f"{inside:<3}" if car.inside else "   "
            timed = format_duration(car.seconds)
            # The markers are the service's words, marked for the catalog there and translated here.
            flags = " ".join(_(flag) for flag in car.flags)
            line = f"   {where}#{car.car.build_seq:<6} {car.car.vin}  {timed:>8}  {flags}"
            print(line.rstrip())
    if status.in_repair:
        count = len(status.in_repair)
        print(ngettext("REPAIR   {n} car(s)", "REPAIR   {n} car(s)", count).format(n=count))
        for rep in status.in_repair:
            timed = format_duration(rep.seconds)
            print(f"   #{rep.build_seq:<6} {rep.vin}  {timed:>8}  {rep.phase}  {rep.reason}")
    return 0
