"""How the line board writes the line in its cells: cars against takt, stops, the bay, overrides.

Every mark is text as well as colour, so the board reads in monochrome too: a
car's serial carries ``!`` late (over one takt at its station), ``!!`` very
late (over two), ``H`` held, ``S`` started out of build sequence; the list of a
station's cars spells them out. A stop's timer is counted from its start and
the clock given, never read again from the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text

from neofloor.i18n import N_, _, ngettext
from neofloor.tui.formatting import hour_text, moment_text, state_words, vin_tail
from neofloor.tui.safe_text import plain, safe
from neofloor.tui.widgets.andon_banner import running_time, stop_seconds
from neofloor.tui.widgets.table_rows import Cell

if TYPE_CHECKING:
    from neofloor.services.metrics.line_status import BoardCar, LineStatus, StationStatus
    from neofloor.services.supervision.andon import Stop
    from neofloor.services.supervision.overrides import OverrideMove
    from neofloor.services.supervision.repair_time import CarInRepair, RepairTimeSummary

# Lateness against takt (the services' levels): the colour, and the overview's short mark.
LEVEL_STYLES = {"normal": "", "late": "bold yellow", "very_late": "bold red"}
LEVEL_MARKS = {"normal": "", "late": "!", "very_late": "!!"}
STOP_STYLE = "bold white on red"
LEGEND = N_("Cars: ! late (over 1 takt)  !! very late (over 2)  H held  S out of sequence")
# The services' lateness markers, in the board's words.
FLAG_WORDS = {"LATE": N_("LATE"), "VERY LATE": N_("VERY LATE")}
# Where a car in the repair bay stands (the services' phases), in the board's words.
BAY_PHASES = {"waiting": N_("waiting"), "repairing": N_("repairing"), "repaired": N_("REPAIRED")}
# The board's tables: (heading, column key).
STATION_COLUMNS = (
    (N_("Station"), "station"),
    (N_("Stop"), "stop"),
    (N_("In"), "in"),
    (N_("Wait"), "wait"),
    (N_("Held"), "held"),
    (N_("Late"), "late"),
    (N_("In station"), "inside"),
    (N_("Next up"), "next"),
)
CAR_COLUMNS = (
    (N_("Seq"), "seq"),
    (N_("VIN"), "vin"),
    (N_("Where"), "where"),
    (N_("Here since"), "since"),
    (N_("Time"), "time"),
    (N_("Status"), "status"),
    (N_("Model"), "model"),
    (N_("Colour"), "color"),
)
OVERRIDE_COLUMNS = (
    (N_("At"), "at"),
    (N_("VIN"), "vin"),
    (N_("Seq"), "seq"),
    (N_("Move"), "move"),
    (N_("Reason"), "reason"),
    (N_("By"), "by"),
)


def bay_phase(phase: str) -> str:
    """A car's step in the repair bay, in the board's words (an unknown one as the services spell it)."""
    words = BAY_PHASES.get(phase)
    return _(words) if words is not None else phase


def duration(seconds: float | None) -> str:
    """1h 05m, 12m 30s: the services' way of saying how long."""
    from neofloor.services.plant.clock import format_duration

    return format_duration(seconds)


def stop_cell(stop: Stop | None, now: datetime) -> Text:
    """A station's stop column: its running timer, in red; empty while the station runs."""
    if stop is None:
        return Text("")
    return Text(f"■ {running_time(stop_seconds(stop, now))}", style=STOP_STYLE)


def car_marks(car: BoardCar) -> str:
    marks = LEVEL_MARKS.get(car.level, "")
    if car.car.held:
        marks += "H"
    if car.out_of_sequence:
        marks += "S"
    return marks


def car_tail(car: BoardCar) -> Text:
    """A car in a station's row: its serial and marks, coloured by lateness (reversed when held)."""
    marks = car_marks(car)
    style = LEVEL_STYLES.get(car.level, "")
    if car.car.held:
        style = f"{style} reverse".strip()
    return Text(vin_tail(car.car.vin) + (f"({marks})" if marks else ""), style=style)


def bay_tail(car: CarInRepair) -> Text:
    """A car in the repair bay's row; ``(OK)`` once repaired, waiting to go back."""
    if car.phase == "repaired":
        return Text(f"{vin_tail(car.vin)}(OK)", style="bold")
    return Text(vin_tail(car.vin))


def station_cells(station: StationStatus, now: datetime, next_up: int) -> dict[str, Cell]:
    """A line station's row, by column key."""
    waiting = Text(" ").join(car_tail(car) for car in station.queue[:next_up])
    more = station.queue_count - min(len(station.queue), next_up)
    if more > 0:
        waiting.append(f" +{more}")
    late = station.late_count
    return {
        "station": Text(station.station.code, style=STOP_STYLE if station.stop else "bold"),
        "stop": stop_cell(station.stop, now),
        "in": str(len(station.in_station)),
        "wait": str(station.queue_count),
        "held": Text(str(station.held_count), style="bold reverse") if station.held_count else "0",
        "late": Text(str(late), style="bold red") if late else "0",
        "inside": Text(" ").join(car_tail(car) for car in station.in_station) or Text("-"),
        "next": waiting or Text("-"),
    }


def bay_cells(code: str, bay: Sequence[CarInRepair], stop: Stop | None, now: datetime) -> dict[str, Cell]:
    """The repair bay's row: cars being (or done being) repaired in it, cars sent there waiting."""
    working = [c for c in bay if c.phase != "waiting"]
    waiting = [c for c in bay if c.phase == "waiting"]
    return {
        "station": Text(code, style=STOP_STYLE if stop else "bold"),
        "stop": stop_cell(stop, now),
        "in": str(len(working)),
        "wait": str(len(waiting)),
        "held": "0",
        "late": "0",
        "inside": Text(" ").join(bay_tail(car) for car in working) or Text("-"),
        "next": Text(" ").join(bay_tail(car) for car in waiting) or Text("-"),
    }


def car_status(car: BoardCar) -> Text:
    """The car's marks in words: VERY LATE, LATE, HELD: reason, OUT OF SEQUENCE."""
    text = Text()
    for flag in car.flags:
        if text:
            text.append(" ")
        if flag == "HELD":
            held = _("HELD: {reason}").format(reason=plain(car.car.hold_reason) or "-")
            text.append(f" {held} ", style="bold reverse")
        elif flag == "OUT OF SEQUENCE":
            text.append(" " + _("OUT OF SEQUENCE") + " ", style="bold magenta reverse")
        else:
            words = _(FLAG_WORDS[flag]) if flag in FLAG_WORDS else flag
            text.append(f" {words} ", style=f"{LEVEL_STYLES.get(car.level, '')} reverse".strip())
    return text


def car_cells(car: BoardCar, zone: str, now: datetime) -> list[Cell]:
    """A car in a station's list: seq, VIN, where, since, time there (production time), marks."""
    summary = car.car
    if summary.state == "planned":
        where, since, took = _("planned"), "-", "-"
    else:
        where = _("in station") if car.inside else state_words(summary.state)
        if summary.held:
            where = _("held in station") if car.inside else _("held, waiting")
        since, took = moment_text(summary.since, zone, now), duration(car.working_seconds)
    return [
        str(summary.build_seq),
        summary.vin,
        where,
        since,
        Text(took, style=LEVEL_STYLES.get(car.level, "")),
        car_status(car),
        summary.model,
        summary.color,
    ]


def bay_car_cells(car: CarInRepair, zone: str, now: datetime) -> list[Cell]:
    """A car in the repair bay's list, in the same columns: its step, sent at, time in repair, why."""
    phase = bay_phase(car.phase)
    came_from = car.left_station or "-"
    status = Text(_("from {station}: {reason}").format(station=came_from, reason=plain(car.reason)))
    if car.phase == "repaired":
        back = _("back to {station} (Ctrl+B)").format(station=came_from)
        status = Text(f" {back} ", style="bold reverse")
        status.append(f" {plain(car.reason)}", style="")
    return [
        str(car.build_seq),
        car.vin,
        Text(phase, style="bold") if car.phase != "waiting" else phase,
        moment_text(car.sent_at, zone, now),
        duration(car.seconds),
        status,
        car.model,
        car.color,
    ]


def override_cells(move: OverrideMove, zone: str, now: datetime) -> list[Cell]:
    return [
        moment_text(move.at, zone, now),
        move.vin,
        str(move.build_seq),
        f"{move.from_station or '-'} → {move.to_station or '-'}",
        safe(move.reason),
        safe(move.by) or "-",
    ]


def cars_title(station: StationStatus, shown: int, takt: float | None, zone: str, now: datetime) -> Text:
    """Above a station's cars: its counts, its takt, its stop."""
    info = station.station
    text = Text(f"{info.code} · {info.name}: ", style="bold")
    parts = [
        _("{count} in station").format(count=len(station.in_station)),
        _("{count} waiting").format(count=station.queue_count),
    ]
    if station.held_count:
        parts.append(_("{count} held").format(count=station.held_count))
    if station.late_count:
        parts.append(_("{count} late").format(count=station.late_count))
    text.append(", ".join(parts))
    if len(station.in_station) + station.queue_count > shown:
        text.append(" " + _("(first {count} shown)").format(count=shown))
    if takt:
        text.append(" · " + _("takt {duration}").format(duration=duration(takt)))
    if station.stop is not None:
        text.append_text(_stopped_since(station.stop, zone, now))
    return text


def bay_title(
    code: str,
    bay: Sequence[CarInRepair],
    day: RepairTimeSummary | None,
    stop: Stop | None,
    zone: str,
    now: datetime,
) -> Text:
    """Above the bay's cars: how many, their time in repair now, today's visits and time."""
    text = Text(f"{code} · " + _("repair bay:") + " ", style="bold")
    cars = ngettext("{count} car", "{count} cars", len(bay)).format(count=len(bay))
    now_in = _("{cars}, {duration} in repair now").format(
        cars=cars, duration=duration(sum(c.seconds for c in bay))
    )
    text.append(now_in)
    if day is not None and day.visits:
        visits = ngettext("{count} visit", "{count} visits", len(day.visits)).format(count=len(day.visits))
        today = _("today {visits}, {duration}").format(visits=visits, duration=duration(day.total_seconds))
        text.append(f" · {today}")
    if stop is not None:
        text.append_text(_stopped_since(stop, zone, now))
    return text


def _stopped_since(stop: Stop, zone: str, now: datetime) -> Text:
    since = moment_text(stop.started_at, zone, now)
    said = _("ANDON STOP since {moment}: {reason}").format(moment=since, reason=plain(stop.reason))
    return Text(f"  {said} ", style=STOP_STYLE)


def bay_panel(bay: Sequence[CarInRepair]) -> Text:
    """The wide board's repair bay panel: each car, its step, its time in repair, where from, why."""
    text = Text()
    for car in bay:
        if text:
            text.append("\n")
        text.append(vin_tail(car.vin), style="bold")
        phase = bay_phase(car.phase)
        text.append(f" {phase:<9} {duration(car.seconds):>7} {car.left_station or '-'}")
        text.append(f"\n  {plain(car.reason)}", style="dim")
    return text or Text(_("No car in the repair bay."), style="dim")


def overrides_panel(moves: Sequence[OverrideMove], zone: str) -> Text:
    """The wide board's panel of today's overrides: when, which car, from where to where, why, who."""
    text = Text()
    for move in moves:
        if text:
            text.append("\n")
        text.append(f"{hour_text(move.at, zone)} ")
        text.append(vin_tail(move.vin), style="bold")
        text.append(f" {move.from_station or '-'} → {move.to_station or '-'}")
        text.append(f"\n  {plain(move.reason)}", style="dim")
        if move.by:
            text.append(f" ({plain(move.by)})", style="dim")
    return text or Text(_("No override today."), style="dim")


def describe_car(car: BoardCar) -> str:
    """One line about a car, for a dialog's heading."""
    summary = car.car
    if car.inside:
        where = _("in {station}").format(station=summary.station)
    else:
        where = _("waiting at {station}").format(station=summary.station)
    return f"#{summary.build_seq} · {summary.model_name} · {summary.color} · {where}"


def describe_bay_car(car: CarInRepair) -> str:
    """One line about a car in the bay, for a dialog's heading."""
    return f"#{car.build_seq} · {car.model} · {car.color} · {bay_phase(car.phase)}"


def line_counts(status: LineStatus) -> str:
    """Held, in repair, out of sequence this shift, stopped: the line's counts under its summary."""
    held = sum(s.held_count for s in status.stations)
    parts = [
        _("{count} held").format(count=held),
        _("{count} in repair").format(count=len(status.in_repair)),
    ]
    breaks = status.progress.sequence_breaks
    parts.append(_("{count} out of sequence this shift").format(count=breaks))
    if status.stops:
        parts.append(_("{count} stopped").format(count=len(status.stops)))
    return " · ".join(parts)


def overrides_title(count: int) -> Text:
    text = Text(_("Overrides today:") + " ", style="bold")
    text.append(_("{count} · Ctrl+T: back to the station's cars").format(count=count))
    return text
