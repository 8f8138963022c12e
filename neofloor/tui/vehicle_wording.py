"""What a car's history says: its facts, its time at each station, its events, its defects' title.

Plain functions of the services' dataclasses; nothing here touches a widget.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text

from neofloor.tui.formatting import day_text, stamp_text, state_words
from neofloor.tui.safe_text import plain, safe

if TYPE_CHECKING:
    from neofloor.services.quality import DefectRecord
    from neofloor.services.tracking.history import TimelineEvent, VehicleHistory


def car_facts(history: VehicleHistory, zone: str, now: datetime) -> Text:
    """The car, its state and since when, its lead time, its options."""
    from neofloor.services.plant.clock import format_duration

    car = history.car
    facts = Text()
    facts.append(car.vin, style="bold")
    facts.append(f"  #{car.build_seq}  {history.model_name} ({car.model}) · {history.color_name}")
    if car.order_ref:
        facts.append(f" · order {plain(car.order_ref)}")
    facts.append("\nState: ", style="dim")
    facts.append(state_words(car.state), style="bold reverse" if car.held else "bold")
    if car.station:
        facts.append(f" at {car.station}")
    if car.held:
        held_at = next((e.at for e in reversed(history.events) if e.kind == "hold"), None)
        facts.append(f" since {stamp_text(held_at, zone)}: ")
        facts.append(plain(car.hold_reason), style="bold")
        facts.append(f" · at {car.station or '-'} since {stamp_text(car.since, zone)}")
    else:
        facts.append(f" since {stamp_text(car.since, zone)}")
    facts.append("\nLead time: ", style="dim")
    if history.lead_time_seconds is not None:
        facts.append(format_duration(history.lead_time_seconds))
    elif history.first_start_at is not None:
        so_far = (now - history.first_start_at).total_seconds()
        started = stamp_text(history.first_start_at, zone)
        facts.append(f"{format_duration(so_far)} so far (started {started})")
    else:
        facts.append(f"not started (planned {stamp_text(history.planned_at, zone)})")
    options = ", ".join(o for o in car.options.split(",") if o)
    if options or car.option_notes:
        facts.append("\nOptions: ", style="dim")
        facts.append(options or "none")
        if car.option_notes:
            facts.append(f" · {plain(car.option_notes)}")
    return facts


def station_stays(history: VehicleHistory, zone: str) -> Text:
    from neofloor.services.plant.clock import format_duration

    stays = Text()
    stays.append("Time at each station: ", style="dim")
    if not history.stays:
        stays.append("none yet")
    for number, stay in enumerate(history.stays):
        if number:
            stays.append(" · ", style="dim")
        stays.append(stay.station, style="bold")
        if stay.completed_at is None:
            stays.append(f" since {day_text(stay.started_at, zone)}")
        else:
            stays.append(f" {format_duration(stay.seconds)}")
    return stays


def event_cells(event: TimelineEvent, zone: str) -> tuple[str, ...]:
    return (
        stamp_text(event.at, zone),
        event.kind.replace("_", " "),
        event.station or "",
        safe(event.operator),
        safe(event.terminal),
        safe(event.note),
    )


def defects_title(defects: list[DefectRecord]) -> Text:
    if not defects:
        return Text("Defects: none recorded (d to log one)")
    unclosed = [d for d in defects if not d.is_closed]
    title = Text(f"Defects ({len(defects)})")
    if unclosed:
        to_verify = sum(1 for d in unclosed if d.status == "repaired")
        title.append(f": {len(unclosed)} not closed")
        if to_verify:
            title.append(f", {to_verify} to verify")
        serious = sum(1 for d in unclosed if d.is_serious)
        if serious:
            title.append(" · ")
            title.append(f"{serious} serious: no pass at the quality gate", style="bold red")
    else:
        title.append(": all closed")
    return title
