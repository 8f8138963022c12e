"""What the station terminal says about its cars: table cells, titles, the bay's card.

Plain functions of the services' dataclasses; nothing here touches a widget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from neofloor.i18n import N_, _
from neofloor.tui.formatting import moment_text, state_words
from neofloor.tui.safe_text import plain, safe

if TYPE_CHECKING:
    from datetime import datetime

    from neofloor.services.supervision.repair_time import CarInRepair
    from neofloor.services.tracking.floor import CarSummary
    from neofloor.tui.widgets.table_rows import Cell

# How many waiting cars one page of the queue shows; PgUp/PgDn turn the pages.
QUEUE_PAGE = 50
# Where a car in the repair bay stands (the services' phases), in the floor's words.
BAY_PHASES = {
    "waiting": N_("waiting for repair"),
    "repairing": N_("repairing"),
    "repaired": N_("repaired"),
}


# The same phases in one word, for counts and statuses ("2 waiting").
BAY_STEPS = {"waiting": N_("waiting"), "repairing": N_("repairing"), "repaired": N_("repaired")}


def phase_words(phase: str) -> str:
    """A repair phase in the floor's words (an unknown one as the services spell it)."""
    words = BAY_PHASES.get(phase)
    return _(words) if words is not None else phase


def step_words(phase: str) -> str:
    """A repair phase in one word ("waiting"), an unknown one as the services spell it."""
    words = BAY_STEPS.get(phase)
    return _(words) if words is not None else phase


def describe_car(car: CarSummary) -> str:
    held = " · " + _("held: {reason}").format(reason=safe(car.hold_reason)) if car.held else ""
    return f"#{car.build_seq} · {car.model_name} · {car.color} · {state_words(car.state)}{held}"


def describe_bay_car(car: CarInRepair) -> str:
    return f"#{car.build_seq} · {car.model} · {car.color} · {phase_words(car.phase)}"


def car_cells(car: CarSummary) -> tuple[str, str, str, str]:
    return (str(car.build_seq), car.vin, car.model, car.color)


def inside_row(car: CarSummary) -> list[Cell]:
    """A car in the station: its cells and status."""
    status = Text("▶ " + _("in station"), style="bold")
    if car.held:
        status = Text(
            _("HELD in station: {reason}").format(reason=plain(car.hold_reason)), style="bold reverse"
        )
    return [*car_cells(car), status]


def queue_row(car: CarSummary, number: int) -> list[Cell]:
    """A waiting car, ``number`` in the queue: its cells and status."""
    if car.held:
        status = Text(_("HELD: {reason}").format(reason=plain(car.hold_reason)), style="bold reverse")
    elif number == 1:
        status = Text(_("next"), style="bold")
    else:
        status = Text(state_words(car.state))
    return [*car_cells(car), status]


def bay_row(car: CarInRepair) -> list[Cell]:
    """A car in the repair bay: its cells and status."""
    return [str(car.build_seq), car.vin, car.model, car.color, bay_status(car)]


def queue_title(station: str, inside: int, waiting: int, held: int, offset: int) -> str:
    parts = [
        _("{station}: {count} in station").format(station=station, count=inside),
        _("{count} waiting").format(count=waiting),
    ]
    if held:
        parts.append(_("{count} held").format(count=held))
    if waiting > QUEUE_PAGE:
        last = min(offset + QUEUE_PAGE, waiting)
        parts.append(_("queue {first}-{last} (PgUp/PgDn)").format(first=offset + 1, last=last))
    return " · ".join(parts)


def bay_status(car: CarInRepair) -> Text:
    """A car in the bay: its step, how long it has been in repair, where it goes back to."""
    from neofloor.services.plant.clock import format_duration

    took = format_duration(car.seconds)
    if car.phase == "repaired":
        back = _("REPAIRED, back to {station}").format(station=car.left_station or "-")
        return Text(f"{back} · {took}", style="bold reverse")
    if car.phase == "repairing":
        repairing = _("repairing")
        return Text(f"▶ {repairing} · {took} · {plain(car.reason)}", style="bold")
    return Text(f"{step_words(car.phase)} · {took} · {plain(car.reason)}")


def bay_title(station: str, bay: list[CarInRepair]) -> str:
    from neofloor.services.plant.clock import format_duration

    if not bay:
        return _("{station}: no car in the repair bay").format(station=station)
    counts = {phase: sum(1 for c in bay if c.phase == phase) for phase in BAY_PHASES}
    parts = [f"{n} {step_words(phase)}" for phase, n in counts.items() if n]
    total = format_duration(sum(c.seconds for c in bay))
    return _("{station}: {count} in the bay ({phases}) · {total} in repair").format(
        station=station, count=len(bay), phases=", ".join(parts), total=total
    )


def bay_card_text(car: CarInRepair, zone: str, now: datetime) -> Text:
    """The car card's text for a car in the bay: where it came from, why, since when."""
    from neofloor.services.plant.clock import format_duration

    text = Text()
    text.append(car.vin, style="bold")
    text.append(f"  #{car.build_seq}\n{car.model} · {car.color}\n")
    text.append(_("From:") + " ", style="dim")
    text.append(f"{car.left_station or '-'}: {plain(car.reason)}", style="bold")
    sent_at = moment_text(car.sent_at, zone, now)
    if car.sent_by:
        sent = _("Sent at {moment} by {person}").format(moment=sent_at, person=plain(car.sent_by))
    else:
        sent = _("Sent at {moment}").format(moment=sent_at)
    text.append(f"\n{sent}")
    text.append(" · " + _("{duration} in repair").format(duration=format_duration(car.seconds)))
    if car.phase == "repaired":
        if car.left_station:
            back = _("Repaired: Ctrl+B sends it back to {station}.").format(station=car.left_station)
        else:
            back = _("Repaired: Ctrl+B sends it back to the line.")
        text.append(f"\n{back}", style="bold")
    return text
