"""What the station terminal says about its cars: table cells, titles, the bay's card.

Plain functions of the services' dataclasses; nothing here touches a widget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

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
BAY_PHASES = {"waiting": "waiting for repair", "repairing": "repairing", "repaired": "repaired"}


def describe_car(car: CarSummary) -> str:
    held = f" · held: {safe(car.hold_reason)}" if car.held else ""
    return f"#{car.build_seq} · {car.model_name} · {car.color} · {state_words(car.state)}{held}"


def describe_bay_car(car: CarInRepair) -> str:
    return f"#{car.build_seq} · {car.model} · {car.color} · {BAY_PHASES.get(car.phase, car.phase)}"


def car_cells(car: CarSummary) -> tuple[str, str, str, str]:
    return (str(car.build_seq), car.vin, car.model, car.color)


def inside_row(car: CarSummary) -> list[Cell]:
    """A car in the station: its cells and status."""
    status = Text("▶ in station", style="bold")
    if car.held:
        status = Text(f"HELD in station: {plain(car.hold_reason)}", style="bold reverse")
    return [*car_cells(car), status]


def queue_row(car: CarSummary, number: int) -> list[Cell]:
    """A waiting car, ``number`` in the queue: its cells and status."""
    if car.held:
        status = Text(f"HELD: {plain(car.hold_reason)}", style="bold reverse")
    elif number == 1:
        status = Text("next", style="bold")
    else:
        status = Text(state_words(car.state))
    return [*car_cells(car), status]


def bay_row(car: CarInRepair) -> list[Cell]:
    """A car in the repair bay: its cells and status."""
    return [str(car.build_seq), car.vin, car.model, car.color, bay_status(car)]


def queue_title(station: str, inside: int, waiting: int, held: int, offset: int) -> str:
    parts = [f"{station}: {inside} in station", f"{waiting} waiting"]
    if held:
        parts.append(f"{held} held")
    if waiting > QUEUE_PAGE:
        last = min(offset + QUEUE_PAGE, waiting)
        parts.append(f"queue {offset + 1}-{last} (PgUp/PgDn)")
    return " · ".join(parts)


def bay_status(car: CarInRepair) -> Text:
    """A car in the bay: its step, how long it has been in repair, where it goes back to."""
    from neofloor.services.plant.clock import format_duration

    took = format_duration(car.seconds)
    if car.phase == "repaired":
        return Text(f"REPAIRED, back to {car.left_station or '-'} · {took}", style="bold reverse")
    if car.phase == "repairing":
        return Text(f"▶ repairing · {took} · {plain(car.reason)}", style="bold")
    return Text(f"{car.phase} · {took} · {plain(car.reason)}")


def bay_title(station: str, bay: list[CarInRepair]) -> str:
    from neofloor.services.plant.clock import format_duration

    if not bay:
        return f"{station}: no car in the repair bay"
    counts = {phase: sum(1 for c in bay if c.phase == phase) for phase in BAY_PHASES}
    parts = [f"{n} {phase}" for phase, n in counts.items() if n]
    total = format_duration(sum(c.seconds for c in bay))
    return f"{station}: {len(bay)} in the bay ({', '.join(parts)}) · {total} in repair"


def bay_card_text(car: CarInRepair, zone: str, now: datetime) -> Text:
    """The car card's text for a car in the bay: where it came from, why, since when."""
    from neofloor.services.plant.clock import format_duration

    text = Text()
    text.append(car.vin, style="bold")
    text.append(f"  #{car.build_seq}\n{car.model} · {car.color}\n")
    text.append("From: ", style="dim")
    text.append(f"{car.left_station or '-'}: {plain(car.reason)}", style="bold")
    by = f" by {plain(car.sent_by)}" if car.sent_by else ""
    text.append(f"\nSent at {moment_text(car.sent_at, zone, now)}{by}")
    text.append(f" · {format_duration(car.seconds)} in repair")
    if car.phase == "repaired":
        back_to = car.left_station or "the line"
        text.append(f"\nRepaired: Ctrl+B sends it back to {back_to}.", style="bold")
    return text
