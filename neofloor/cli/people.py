"""People and trust: operators and their certifications, the audit trail, and the ledger's check.

``operator`` and ``audit`` write or read through ``neofloor.services.people``; every write is
signed by ``--operator`` with its PIN (``cli.common.signed_in``). ``verify`` needs no PIN: it only
reads the chains and records what it found, so a scheduled job can run it.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from neofloor.cli.common import open_database, plant_days, signed_in
from neofloor.i18n import N_, _
from neofloor.services.plant.errors import InvalidInput

if TYPE_CHECKING:
    from neofloor.reports.xlsx import Sheet

# `neofloor verify` found a row changed behind the app's back.
TAMPERED_EXIT = 7


def register(commands: Any) -> None:
    operator = commands.add_parser(
        "operator", help=_("operators: add, disable, set-pin, unlock, certify, list")
    )
    actions = operator.add_subparsers(dest="operator_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help=_("add an operator (admin); the new PIN is asked for"))
    add.add_argument("badge")
    add.add_argument("--name", required=True)
    add.add_argument(
        "--role", required=True, help=_("operator, inspector, supervisor, shift_lead, admin, station")
    )
    _signer(add)
    add.set_defaults(handler=operator_add_command)

    disable = actions.add_parser("disable", help=_("take a badge out of use (admin)"))
    disable.add_argument("badge")
    _signer(disable)
    disable.set_defaults(handler=operator_disable_command)

    set_pin = actions.add_parser("set-pin", help=_("set a badge's PIN (admin, or your own)"))
    set_pin.add_argument("badge")
    _signer(set_pin)
    set_pin.set_defaults(handler=operator_set_pin_command)

    set_lang = actions.add_parser(
        "set-lang", help=_("set the language a badge reads after signing in (admin, or your own)")
    )
    set_lang.add_argument("badge")
    set_lang.add_argument("language", metavar="LANG", help=_("en, fr, or default (the terminal's)"))
    _signer(set_lang)
    set_lang.set_defaults(handler=operator_set_lang_command)

    unlock = actions.add_parser("unlock", help=_("lift a badge's lockout (supervisor, shift lead, admin)"))
    unlock.add_argument("badge")
    _signer(unlock)
    unlock.set_defaults(handler=operator_unlock_command)

    certify = actions.add_parser("certify", help=_("certify an operator for a station (admin)"))
    certify.add_argument("badge")
    certify.add_argument("--for", dest="cert_station", required=True, metavar="STATION")
    certify.add_argument("--on", dest="certified_on", default=None, metavar="DATE", help=_("default: today"))
    certify.add_argument("--expires", required=True, metavar="DATE", help=_("first day it no longer holds"))
    certify.add_argument("--programme", required=True, help=_("the training it came from"))
    _signer(certify)
    certify.set_defaults(handler=operator_certify_command)

    listing = actions.add_parser("list", help=_("operators and their certifications (the skills matrix)"))
    listing.add_argument("--format", choices=("table", "csv", "xlsx"), default="table")
    listing.add_argument("--out", metavar="FILE", help=_("the spreadsheet's file (with --format xlsx)"))
    listing.add_argument("--all", action="store_true", help=_("disabled badges too"))
    listing.set_defaults(handler=operator_list_command)

    audit = commands.add_parser("audit", help=_("the audit trail: who did what, newest first"))
    audit.add_argument("--person", metavar="BADGE")
    audit.add_argument("--vin", metavar="VIN", help=_("a car (or any subject: a badge, a station)"))
    audit.add_argument("--action", metavar="ACTION", help=_("scan, hold, sign_in_failed, ..."))
    audit.add_argument("--since", metavar="DATE", help=_("first plant day (YYYY-MM-DD, today, yesterday)"))
    audit.add_argument("--until", metavar="DATE", help=_("last plant day (included)"))
    audit.add_argument("--limit", type=int, default=100)
    audit.add_argument("--format", choices=("table", "csv", "xlsx"), default="table")
    audit.add_argument("--out", metavar="FILE", help=_("the spreadsheet's file (with --format xlsx)"))
    audit.set_defaults(handler=audit_command)

    verify = commands.add_parser("verify", help=_("check the ledger's and the audit trail's hash chains"))
    verify.set_defaults(handler=verify_command)


def _signer(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--operator", required=True, metavar="BADGE", help=_("who does it (signs with a PIN)")
    )


def _new_pin(badge: str) -> str:
    """The new PIN for ``badge``: ``NEOFLOOR_NEW_PIN`` for scripts, else typed twice without echo."""
    import os
    from getpass import getpass

    pin = os.environ.get("NEOFLOOR_NEW_PIN")
    if pin is not None:
        return pin
    if not sys.stdin.isatty():
        raise InvalidInput(
            _("Type the new PIN for {badge} at a terminal, or set NEOFLOOR_NEW_PIN.").format(badge=badge)
        )
    first = getpass(_("New PIN for badge {badge}: ").format(badge=badge))
    if getpass(_("Again: ")) != first:
        raise InvalidInput(_("The two PINs differ; nothing changed."))
    return first


def _day(text: str, label: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(
            _("{option} should be a date, YYYY-MM-DD ({text} given).").format(option=label, text=repr(text))
        ) from exc


def operator_add_command(args: argparse.Namespace) -> int:
    from neofloor.services.people.certifications import add_operator

    database = open_database(args)
    actor = signed_in(args, database)
    pin = _new_pin(args.badge)
    with database.write() as session:
        message = add_operator(session, actor, args.badge, args.name, args.role, pin, terminal=args.terminal)
    print(message)
    return 0


def operator_disable_command(args: argparse.Namespace) -> int:
    from neofloor.services.people.certifications import disable_operator

    database = open_database(args)
    actor = signed_in(args, database)
    with database.write() as session:
        print(disable_operator(session, actor, args.badge, terminal=args.terminal))
    return 0


def operator_set_pin_command(args: argparse.Namespace) -> int:
    from neofloor.services.people.auth import set_pin

    database = open_database(args)
    actor = signed_in(args, database)
    pin = _new_pin(args.badge)
    with database.write() as session:
        print(set_pin(session, actor, args.badge, pin, args.terminal))
    return 0


def operator_unlock_command(args: argparse.Namespace) -> int:
    from neofloor.services.people.auth import unlock

    database = open_database(args)
    actor = signed_in(args, database)
    with database.write() as session:
        print(unlock(session, actor, args.badge, args.terminal))
    return 0


def operator_certify_command(args: argparse.Namespace) -> int:
    from neofloor.services.people.certifications import certify
    from neofloor.services.plant.operators import plant_today

    database = open_database(args)
    actor = signed_in(args, database)
    with database.write() as session:
        on = _day(args.certified_on, "--on") if args.certified_on else plant_today(session)
        message = certify(
            session,
            actor,
            args.badge,
            args.cert_station,
            certified_on=on,
            expires_on=_day(args.expires, "--expires"),
            programme=args.programme,
            terminal=args.terminal,
        )
    print(message)
    return 0


def operator_list_command(args: argparse.Namespace) -> int:
    from neofloor.services.people.certifications import CertStatus, skills_matrix

    _check_out(args)
    with open_database(args).read() as session:
        matrix = skills_matrix(session, include_inactive=args.all)
    if args.format == "xlsx":
        from neofloor.reports.people_sheets import skills_sheets

        _save_sheets(skills_sheets(matrix), args.out, N_("Skills matrix written to {path}."))
        return 0
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(
            [
                "badge",
                "name",
                "role",
                "active",
                "station",
                "status",
                "certified_on",
                "expires_on",
                "programme",
            ]
        )
        for row in matrix.rows:
            for cell in row.cells:
                if cell.status != CertStatus.NONE:
                    writer.writerow(
                        [
                            row.badge,
                            row.name,
                            row.role,
                            row.active,
                            cell.station,
                            cell.status,
                            cell.certified_on or "",
                            cell.expires_on or "",
                            cell.programme,
                        ]
                    )
        return 0
    marks = {
        CertStatus.VALID: _("ok"),
        CertStatus.EXPIRING: _("soon"),
        CertStatus.EXPIRED: _("EXP"),
        CertStatus.NONE: ".",
    }
    badge, name, role = _("badge"), _("name"), _("role")
    headers = f"{badge:<8} {name:<24} {role:<11} "
    print(headers + " ".join(f"{c:<7}" for c in matrix.stations))
    for row in matrix.rows:
        cells = " ".join(f"{marks[c.status]:<7}" for c in row.cells)
        print(f"{row.badge:<8} {row.name[:24]:<24} {row.role:<11} {cells}".rstrip())
    print(
        _("ok valid, soon expires within 30 days, EXP expired (as of {day}).").format(
            day=matrix.today.isoformat()
        )
    )
    return 0


def audit_command(args: argparse.Namespace) -> int:
    from neofloor.services.people.audit import audit_page
    from neofloor.services.plant.catalog import plant_catalog
    from neofloor.services.plant.clock import to_local

    _check_out(args)
    database = open_database(args)
    since = plant_days(database, args.since).start if args.since else None
    until = plant_days(database, args.until).end if args.until else None
    with database.read() as session:
        page = audit_page(
            session,
            badge=args.person,
            subject=args.vin,
            action=args.action,
            since=since,
            until=until,
            limit=args.limit,
        )
        zone = plant_catalog(session).timezone
    if args.format == "xlsx":
        from neofloor.reports.people_sheets import audit_sheets

        _save_sheets(audit_sheets(page.lines, zone), args.out, N_("Audit trail written to {path}."))
        if page.next_before is not None:
            print(_("(more: raise --limit, or narrow the filters)"))
        return 0
    fields = ["at", "badge", "role", "terminal", "action", "subject", "before", "after"]
    rows = [
        [
            to_local(line.at, zone).strftime("%Y-%m-%d %H:%M:%S"),
            line.badge,
            line.role,
            line.terminal,
            line.action,
            line.subject,
            _changes(line.before),
            _changes(line.after),
        ]
        for line in page.lines
    ]
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(fields)
        writer.writerows(rows)
        return 0
    if not rows:
        print(_("No audit rows match."))
    for row in rows:
        at, badge, role, terminal, action, subject, before, after = row
        print(
            f"{at}  {badge:<8} {role:<10} {terminal:<12} {action:<15} {subject:<17} {before} {after}".rstrip()
        )
    if page.next_before is not None:
        print(_("(more: raise --limit, or narrow the filters)"))
    return 0


def _changes(value: dict[str, Any] | None) -> str:
    from neofloor.reports.people_sheets import changes_text

    return changes_text(value)


def _check_out(args: argparse.Namespace) -> None:
    """A spreadsheet goes to a file: refused before anything is read when --out is missing."""
    if args.format == "xlsx":
        from neofloor.reports.xlsx import needs_out

        needs_out(args.out)


def _save_sheets(sheets: Sequence[Sheet], out: str, written: str) -> None:
    """Save the spreadsheet and say where: ``written`` is a message marked with ``N_``, with ``{path}``."""
    from neofloor.reports.xlsx import save_xlsx

    print(_(written).format(path=save_xlsx(sheets, out)))


def verify_command(args: argparse.Namespace) -> int:
    from neofloor.services.people.verify import check_chains, record_verify

    database = open_database(args)
    # The walk reads (it may take a minute on a ten-year plant); only the result is a write.
    with database.read() as session:
        checked = check_chains(session)
    with database.write() as session:
        result = record_verify(session, checked)
    if result.ok:
        print(result.message)
        return 0
    print(_("neofloor: {problem}").format(problem=result.message), file=sys.stderr)
    return TAMPERED_EXIT


def operator_set_lang_command(args: argparse.Namespace) -> int:
    from neofloor.services.people.language import set_operator_language

    database = open_database(args)
    actor = signed_in(args, database)
    with database.write() as session:
        print(set_operator_language(session, actor, args.badge, args.language, args.terminal))
    return 0
