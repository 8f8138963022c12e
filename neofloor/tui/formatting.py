"""How the floor reads times, VINs and states on screen (presentation only, no Textual)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.text import Text

from neofloor.i18n import N_, _, day_month_text, day_month_year_text, weekday_day_month_text
from neofloor.services.plant.words import said, severity_word

if TYPE_CHECKING:
    from neofloor.services.tracking.floor import CarSummary

# Positions 12-17 of a VIN are the plant's serial number: what people quote on the floor.
VIN_TAIL = 6

STATE_WORDS = {
    "planned": N_("planned"),
    "queued": N_("waiting"),
    "in_station": N_("in station"),
    "held": N_("HELD"),
    "in_repair": N_("in repair"),
    "finished": N_("finished"),
    "delivered": N_("delivered"),
}
# A defect's severities, the worst first (typed letters pick the first that matches).
SEVERITY_ORDER = ("critical", "major", "minor")


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def plant_time(moment: datetime, zone: str) -> datetime:
    """An aware time as the plant's wall clock shows it."""
    return moment.astimezone(_zone(zone))


def clock_text(moment: datetime, zone: str) -> str:
    """The header clock: Thu 26 Nov 09:40."""
    local = plant_time(moment, zone)
    return f"{weekday_day_month_text(local)} {local:%H:%M}"


def stamp_text(moment: datetime | None, zone: str) -> str:
    """A moment in a table: 26 Nov 09:40:12."""
    if moment is None:
        return "-"
    local = plant_time(moment, zone)
    return f"{day_month_text(local)} {local:%H:%M:%S}"


def day_text(moment: datetime | None, zone: str) -> str:
    """A moment to the minute: 26 Nov 09:40."""
    if moment is None:
        return "-"
    local = plant_time(moment, zone)
    return f"{day_month_text(local)} {local:%H:%M}"


def hour_text(moment: datetime | None, zone: str) -> str:
    """A moment today, to the minute: 09:40."""
    if moment is None:
        return "-"
    return plant_time(moment, zone).strftime("%H:%M")


def moment_text(moment: datetime | None, zone: str, now: datetime, *, seconds: bool = False) -> str:
    """A moment as the floor reads it, dated whenever it is not today (plant time).

    "10:33" today, "25 Nov 10:33" another day of this year, "25 Nov 2025 10:33" another year:
    a time alone is only ever today's. Every screen shows moments through this one helper.
    """
    if moment is None:
        return "-"
    local, today = plant_time(moment, zone), plant_time(now, zone)
    clock = "%H:%M:%S" if seconds else "%H:%M"
    if local.date() == today.date():
        return local.strftime(clock)
    if local.year == today.year:
        return f"{day_month_text(local)} {local.strftime(clock)}"
    return f"{day_month_year_text(local)} {local.strftime(clock)}"


def since_text(moment: datetime | None, zone: str, now: datetime, what: str) -> str:
    """A "since" that says which moment it is: "held since 25 Nov 10:33", "in the queue since 09:12".

    ``what`` names the moment (held, in the queue, in repair, in station): one wording on every screen.
    """
    return _("{what} since {moment}").format(what=what, moment=moment_text(moment, zone, now))


def vin_tail(vin: str) -> str:
    """The serial end of a VIN, as people say it on the floor."""
    return vin[-VIN_TAIL:]


def state_words(state: str) -> str:
    """A car's state in the floor's words."""
    return said(STATE_WORDS, state, state.replace("_", " "))


def severity_words(severity: str) -> str:
    """A defect's severity in the floor's words (an unknown code as it is stored)."""
    return severity_word(severity)


def looks_like_vin_fragment(text: str) -> bool:
    """Worth asking the database: 4 or more letters and digits, nothing else."""
    cleaned = text.strip()
    return len(cleaned) >= 4 and cleaned.isalnum() and cleaned.isascii()


def severity_for(typed: str, default: str | None) -> str | None:
    """The severity a few typed letters name ("c", "ma", "mi"), ``default`` when none; None if unclear."""
    wanted = typed.strip().lower()
    if not wanted:
        return default
    # The plant's codes, or the severities as this terminal's language says them.
    found = [
        s for s in SEVERITY_ORDER if s.startswith(wanted) or severity_words(s).lower().startswith(wanted)
    ]
    return found[0] if len(found) == 1 else None


def looks_like_vin(text: str, *, check_digit: bool) -> bool:
    """A whole VIN, as a scanner types it (its check digit right where the plant checks it)."""
    from neofloor.services.plant.vin import VIN_ALPHABET, VIN_LENGTH
    from neofloor.services.plant.vin import check_digit as expected_check_digit

    vin = text.strip().upper()
    if len(vin) != VIN_LENGTH or not set(vin) <= VIN_ALPHABET or not any(c.isdigit() for c in vin):
        return False
    return not check_digit or vin[8] == expected_check_digit(vin)


def car_line(car: CarSummary) -> Text:
    """A car in one line: its number, model and colour, its state and where."""
    line = Text()
    line.append(f"#{car.build_seq} {car.model} {car.color}", style="bold")
    line.append(f" · {state_words(car.state)}")
    if car.station:
        line.append(" " + _("at {station}").format(station=car.station))
    return line


def next_severity(typed: str, default: str | None) -> str:
    """The severity after the one ``typed`` names (F2 goes round them); the worst when none."""
    current = severity_for(typed, default)
    index = SEVERITY_ORDER.index(current) + 1 if current in SEVERITY_ORDER else 0
    return SEVERITY_ORDER[index % len(SEVERITY_ORDER)]


def severity_info(default: str | None, station: str | None) -> Text:
    """Beside the severity: the catalog's, and where the defect is found (red when nowhere yet)."""
    text = Text()
    if default is not None:
        text.append(_("catalog: {severity}").format(severity=severity_words(default)), style="dim")
        text.append("  ")
    text.append(_("found at") + " ", style="dim")
    text.append(station or _("no station (F3)"), style="bold" if station else "bold red")
    return text
