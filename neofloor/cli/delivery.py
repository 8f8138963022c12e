"""Delivery commands: component serials, the yard, the pre-delivery inspection, the handover.

Each action prints one line when done; a refusal is the service's sentence on stderr with a
non-zero exit code (``neofloor.cli.main`` does that), and nothing is written.
"""

from __future__ import annotations

import argparse
from typing import Any

from neofloor.cli.common import open_database, printed_json, run_write
from neofloor.i18n import _, ngettext


def register(commands: Any) -> None:
    """Add this module's subcommands to the neofloor parser."""
    _register_component(commands)
    _register_yard(commands)
    _register_pdi(commands)

    deliver = commands.add_parser(
        "deliver", help=_("hand a car over to its customer (PDI passed, no serious defect open, not held)")
    )
    deliver.add_argument("vin")
    deliver.add_argument("--customer", required=True, metavar="NAME")
    deliver.add_argument("--reference", default="", metavar="REF", help=_("the customer's order or contract"))
    deliver.add_argument(
        "--dealer", default="", metavar="NAME", help=_("the dealer who sold it (default: direct)")
    )
    deliver.add_argument(
        "--financing", required=True, metavar="CODE|cash", help=_("a financing partner's code, or cash")
    )
    deliver.add_argument("--note", default="")
    deliver.add_argument("--operator", required=True, metavar="BADGE")
    deliver.set_defaults(handler=deliver_command)


def _register_component(commands: Any) -> None:
    component = commands.add_parser("component", help=_("key component serials: add, replace, find, list"))
    actions = component.add_subparsers(dest="component_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help=_("record the serial of a part fitted to a car at its station"))
    add.add_argument("vin")
    add.add_argument("part", help=_("the part's code (ECU, AIRBAG-D, HV-BATTERY...)"))
    add.add_argument("serial")
    add.add_argument("--lot", default=None)
    add.add_argument("--operator", required=True, metavar="BADGE")
    add.add_argument(
        "--station", dest="at_station", metavar="CODE", help=_("where it is fitted (default: the part's)")
    )
    add.set_defaults(handler=component_add_command)

    replace = actions.add_parser(
        "replace", help=_("replace a part in repair: the old serial is kept, marked removed")
    )
    replace.add_argument("vin")
    replace.add_argument("part")
    replace.add_argument("serial", help=_("the new part's serial"))
    replace.add_argument("--lot", default=None)
    replace.add_argument("--reason", required=True)
    replace.add_argument("--operator", required=True, metavar="BADGE")
    replace.set_defaults(handler=component_replace_command)

    find = actions.add_parser("find", help=_("the car a serial is (or was) on, when fitted and by whom"))
    find.add_argument("serial")
    find.add_argument("--json", action="store_true", help=_("print JSON"))
    find.set_defaults(handler=component_find_command)

    listing = actions.add_parser("list", help=_("every serial fitted to a car, replacements included"))
    listing.add_argument("vin")
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(handler=component_list_command)

    needs = actions.add_parser(
        "needs", help=_("the serials a station still needs from a car before it completes")
    )
    needs.add_argument("vin")
    needs.add_argument("--station", dest="at_station", required=True, metavar="CODE")
    needs.add_argument("--json", action="store_true", help=_("print JSON"))
    needs.set_defaults(handler=component_needs_command)


def _register_yard(commands: Any) -> None:
    yard = commands.add_parser("yard", help=_("the finished-car yard: list, park"))
    actions = yard.add_subparsers(dest="yard_command", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help=_("every car in the yard: spot, age, PDI, sold or not"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(handler=yard_list_command)

    park = actions.add_parser(
        "park", help=_("park a car of the yard at a spot (row-place, e.g. B-07), or move it")
    )
    park.add_argument("vin")
    park.add_argument("spot")
    park.add_argument("--operator", required=True, metavar="BADGE")
    park.set_defaults(handler=yard_park_command)


def _register_pdi(commands: Any) -> None:
    pdi = commands.add_parser("pdi", help=_("the pre-delivery inspection: show, check"))
    actions = pdi.add_subparsers(dest="pdi_command", metavar="ACTION", required=True)

    show = actions.add_parser("show", help=_("a car's checklist, each item's latest result, the verdict"))
    show.add_argument("vin")
    show.add_argument("--json", action="store_true", help=_("print JSON"))
    show.set_defaults(handler=pdi_show_command)

    check = actions.add_parser("check", help=_("pass an item, or fail it with a catalog defect"))
    check.add_argument("vin")
    check.add_argument("item", help=_("the checklist item's code (LIGHTS, PAINT, DOCS...)"))
    result = check.add_mutually_exclusive_group(required=True)
    result.add_argument("--pass", dest="passed", action="store_true", help=_("the item is right"))
    result.add_argument(
        "--fail", dest="defect", metavar="DEFECT_CODE", help=_("the item failed: the defect found")
    )
    check.add_argument("--zone", default=None, help=_("where the defect is (default: the item's zone)"))
    check.add_argument("--note", default="")
    check.add_argument("--operator", required=True, metavar="BADGE")
    check.set_defaults(handler=pdi_check_command)


def _when(moment: Any, zone: str) -> str:
    from neofloor.services.plant.clock import to_local

    return "-" if moment is None else to_local(moment, zone).strftime("%Y-%m-%d %H:%M")


def component_add_command(args: argparse.Namespace) -> int:
    from neofloor.services.delivery.components import capture_component

    return run_write(
        args,
        lambda session: capture_component(
            session,
            args.vin,
            args.part,
            args.serial,
            args.operator,
            lot=args.lot,
            station_code=args.at_station,
            terminal=args.terminal,
        ),
    )


def component_replace_command(args: argparse.Namespace) -> int:
    from neofloor.services.delivery.components import replace_component

    return run_write(
        args,
        lambda session: replace_component(
            session,
            args.vin,
            args.part,
            args.serial,
            args.operator,
            args.reason,
            lot=args.lot,
            terminal=args.terminal,
        ),
    )


def _print_components(records: Any, zone: str) -> None:
    from neofloor.services.plant.text import printable

    for r in records:
        line = _("{vin}  {part} {serial} lot {lot} {station} fitted {moment} by {who}").format(
            vin=r.vin,
            part=f"{r.part:<11}",
            serial=f"{r.serial:<16}",
            lot=f"{r.lot or '-':<10}",
            station=f"{r.station:<8}",
            moment=_when(r.fitted_at, zone),
            who=printable(r.fitted_by or "?"),
        )
        if r.removed_at is not None:
            line += "  " + _("REMOVED {moment} by {who}: {reason}").format(
                moment=_when(r.removed_at, zone),
                who=printable(r.removed_by or "?"),
                reason=printable(r.removal_reason),
            )
        print(line)


def component_find_command(args: argparse.Namespace) -> int:
    from neofloor.services.delivery.components import find_serial
    from neofloor.services.plant.catalog import plant_catalog

    with open_database(args).read() as session:
        records = find_serial(session, args.serial)
        zone = plant_catalog(session).timezone
    if printed_json(args, records):
        return 0
    _print_components(records, zone)
    return 0


def component_list_command(args: argparse.Namespace) -> int:
    from neofloor.services.delivery.components import car_components
    from neofloor.services.plant.catalog import plant_catalog

    with open_database(args).read() as session:
        records = car_components(session, args.vin)
        zone = plant_catalog(session).timezone
    if printed_json(args, records):
        return 0
    if not records:
        print(_("No component serial recorded on this car."))
        return 0
    _print_components(records, zone)
    return 0


def component_needs_command(args: argparse.Namespace) -> int:
    from neofloor.services.delivery.components import parts_at_station

    with open_database(args).read() as session:
        parts = parts_at_station(session, args.vin, args.at_station)
    if printed_json(args, parts):
        return 0
    if not parts:
        print(_("{station} captures no serial from this car.").format(station=args.at_station.upper()))
        return 0
    for p in parts:
        status = p.serial or (_("MISSING") if p.required else _("optional, not captured"))
        print(f"{p.code:<11} {p.name:<20} {status}")
    return 0


def yard_list_command(args: argparse.Namespace) -> int:
    from neofloor.services.delivery.yard import yard_list
    from neofloor.services.plant.clock import format_duration
    from neofloor.services.plant.text import printable

    cars: list[Any] = []
    with open_database(args).read() as session:
        offset = 0
        while True:
            page = yard_list(session, offset=offset, limit=500)
            cars.extend(page.cars)
            if not page.has_more:
                break
            offset += len(page.cars)
    if printed_json(args, cars):
        return 0
    if not cars:
        print(_("No car in the yard."))
        return 0
    for car in cars:
        held = "  " + _("HELD: {reason}").format(reason=printable(car.hold_reason or "")) if car.held else ""
        print(
            _("{spot} {vin}  {model} {color} {duration} in yard  PDI {pdi} {sale}{held}").format(
                spot=f"{car.spot or '-':<5}",
                vin=car.vin,
                model=f"{car.model:<4}",
                color=f"{car.color:<14}",
                duration=f"{format_duration(car.seconds_in_yard):>9}",
                # The PDI words are the service's, marked for the catalog there.
                pdi=f"{_(car.pdi):<11}",
                sale=_("sold") if car.sold else _("stock"),
                held=held,
            )
        )
    print(ngettext("{n} car in the yard.", "{n} cars in the yard.", len(cars)).format(n=len(cars)))
    return 0


def yard_park_command(args: argparse.Namespace) -> int:
    from neofloor.services.delivery.yard import park_car

    return run_write(
        args, lambda session: park_car(session, args.vin, args.spot, args.operator, args.terminal)
    )


def pdi_show_command(args: argparse.Namespace) -> int:
    from neofloor.services.delivery.pdi import pdi_status
    from neofloor.services.plant.catalog import plant_catalog
    from neofloor.services.plant.text import printable

    with open_database(args).read() as session:
        status = pdi_status(session, args.vin)
        zone = plant_catalog(session).timezone
    if printed_json(args, status):
        return 0
    if status.in_yard:
        verdict = _("PDI of {vin} ({model}): {status}")
    else:
        verdict = _("PDI of {vin} ({model}): {status} (not in the yard)")
    print(verdict.format(vin=status.vin, model=status.model, status=_(status.status)))
    for item in status.items:
        defect = (
            "  " + _("defect #{id} {code}").format(id=item.defect_id, code=item.defect_code)
            if item.defect_id
            else ""
        )
        by = (
            "  " + _("{moment} by {who}").format(moment=_when(item.at, zone), who=printable(item.by or "?"))
            if item.at
            else ""
        )
        result = _(item.result)
        print(f"  {item.code:<12} {item.name:<20} {result:<8}{defect}{by}")
    for blocking in status.blocking:
        print("  " + _("open serious defect: {defect}").format(defect=blocking))
    return 0


def pdi_check_command(args: argparse.Namespace) -> int:
    from neofloor.services.delivery.pdi import check_pdi_item

    return run_write(
        args,
        lambda session: check_pdi_item(
            session,
            args.vin,
            args.item,
            args.operator,
            passed=bool(args.passed),
            defect_code=args.defect,
            zone=args.zone,
            note=args.note,
            terminal=args.terminal,
        ),
    )


def deliver_command(args: argparse.Namespace) -> int:
    from neofloor.services.delivery.handover import deliver_car

    return run_write(
        args,
        lambda session: deliver_car(
            session,
            args.vin,
            args.customer,
            args.operator,
            financing=args.financing,
            reference=args.reference,
            dealer=args.dealer,
            note=args.note,
            terminal=args.terminal,
        ),
    )
