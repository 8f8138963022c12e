"""What a car's history says: its facts, its time at each station, its events, its defects' title.

Plain functions of the services' dataclasses; nothing here touches a widget.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text

from neofloor.i18n import _
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
        facts.append(" · " + _("order {reference}").format(reference=plain(car.order_ref)))
    facts.append("\n" + _("State:") + " ", style="dim")
    facts.append(state_words(car.state), style="bold reverse" if car.held else "bold")
    if car.station:
        facts.append(" " + _("at {station}").format(station=car.station))
    if car.held:
        held_at = next((e.at for e in reversed(history.events) if e.kind == "hold"), None)
        facts.append(" " + _("since {moment}:").format(moment=stamp_text(held_at, zone)) + " ")
        facts.append(plain(car.hold_reason), style="bold")
        at = _("at {station} since {moment}").format(
            station=car.station or "-", moment=stamp_text(car.since, zone)
        )
        facts.append(f" · {at}")
    else:
        facts.append(" " + _("since {moment}").format(moment=stamp_text(car.since, zone)))
    facts.append("\n" + _("Lead time:") + " ", style="dim")
    if history.lead_time_seconds is not None:
        facts.append(format_duration(history.lead_time_seconds))
    elif history.first_start_at is not None:
        so_far = (now - history.first_start_at).total_seconds()
        started = stamp_text(history.first_start_at, zone)
        facts.append(
            _("{duration} so far (started {moment})").format(duration=format_duration(so_far), moment=started)
        )
    else:
        planned = stamp_text(history.planned_at, zone)
        facts.append(_("not started (planned {moment})").format(moment=planned))
    options = ", ".join(o for o in car.options.split(",") if o)
    if options or car.option_notes:
        facts.append("\n" + _("Options:") + " ", style="dim")
        facts.append(options or _("none"))
        if car.option_notes:
            facts.append(f" · {plain(car.option_notes)}")
    return facts


def station_stays(history: VehicleHistory, zone: str) -> Text:
    from neofloor.services.plant.clock import format_duration

    stays = Text()
    stays.append(_("Time at each station:") + " ", style="dim")
    if not history.stays:
        stays.append(_("none yet"))
    for number, stay in enumerate(history.stays):
        if number:
            stays.append(" · ", style="dim")
        stays.append(stay.station, style="bold")
        if stay.completed_at is None:
            stays.append(" " + _("since {moment}").format(moment=day_text(stay.started_at, zone)))
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
        return Text(_("Defects: none recorded (d to log one)"))
    unclosed = [d for d in defects if not d.is_closed]
    title = Text(_("Defects ({count})").format(count=len(defects)))
    if unclosed:
        to_verify = sum(1 for d in unclosed if d.status == "repaired")
        title.append(": " + _("{count} not closed").format(count=len(unclosed)))
        if to_verify:
            title.append(", " + _("{count} to verify").format(count=to_verify))
        serious = sum(1 for d in unclosed if d.is_serious)
        if serious:
            title.append(" · ")
            warning = _("{count} serious: no pass at the quality gate").format(count=serious)
            title.append(warning, style="bold red")
    else:
        title.append(": " + _("all closed"))
    return title
