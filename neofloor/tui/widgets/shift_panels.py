"""The dashboard's panels: station cycle times, the downtime Pareto, open issues, shift notes.

Each panel is shown parts of one ``ShiftSummary`` (attributes down) and redraws only
when what it shows changed, so a refresh every few seconds does not flicker. The
words carry the meaning (a bottleneck is marked by text, a held car says HELD);
colour only repeats them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import DataTable, Static

from neofloor.i18n import _, decimal_text, percent_text
from neofloor.tui.formatting import hour_text, moment_text, since_text, vin_tail
from neofloor.tui.safe_text import plain
from neofloor.tui.widgets.defect_table import status_words
from neofloor.tui.widgets.floor_table import FloorTable

if TYPE_CHECKING:
    from datetime import datetime

    from neofloor.services.metrics.summary import DowntimeLine, LineNow, StationCycle
    from neofloor.services.supervision.shift_notes import ShiftNoteLine

DASH = "–"
# The longest bar of the downtime Pareto, in cells.
PARETO_BAR = 10
# A reason's description on a narrow terminal is cut to this many characters.
NARROW_REASON = 13
# How many cars or defects the open-issues panel names before it only counts.
ISSUES_NAMED = 3
BOTTLENECK_MARK = "◀"


def duration_text(seconds: float | None) -> str:
    """12m 30s, 1h 05m; a dash for nothing measured."""
    from neofloor.services.plant.clock import format_duration

    return DASH if seconds is None else format_duration(seconds)


def minutes_text(minutes: float) -> str:
    """Downtime minutes as the floor reads them: 22, 7.5, or a dash for none."""
    if minutes < 0.05:
        return DASH
    if abs(minutes - round(minutes)) < 0.05:
        return str(round(minutes))
    return decimal_text(minutes)


def _right(text: str, style: str = "") -> Text:
    return Text(text, style=style, justify="right")


def _fit_height(table: DataTable[str | Text]) -> None:
    """The table as tall as its header and rows (the CSS still caps it at its box).

    Textual measures an auto-height table only when the table is next idle, and a layout
    of the screen done before then can keep the empty table's height (it caches the
    table's box until the next layout request, which the measurement does not always
    make): the dashboard then showed its downtime table with no rows. The height is set
    from the rows instead.
    """
    table.styles.height = table.row_count + (1 if table.show_header else 0)


class StationCycles(FloorTable[str | Text]):
    """Median and 90th-percentile cycle time and downtime per station; the bottleneck marked ◀."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="none", show_cursor=False, zebra_stripes=True)
        self.can_focus = False
        self._shown: tuple[object, ...] = ()

    def on_mount(self) -> None:
        self.add_column(_("Station"), key="station")
        self.add_column(_right(_("Cars")), key="cars")
        self.add_column(_right(_("Median")), key="median")
        self.add_column(_right(_("P90")), key="p90")
        self.add_column(_right(_("Down min")), key="down")
        self.add_column("", key="mark")

    def show(self, stations: Sequence[StationCycle], *, wide: bool) -> None:
        rows = tuple(
            (
                s.station,
                s.cycle.count,
                duration_text(s.cycle.median),
                duration_text(s.cycle.p90),
                minutes_text(s.downtime_minutes),
                s.bottleneck,
            )
            for s in stations
        )
        if (rows, wide) == self._shown:
            return
        self._shown = (rows, wide)
        self.clear()
        mark = BOTTLENECK_MARK + " " + _("bottleneck") if wide else BOTTLENECK_MARK
        for station, cars, median, p90, down, neck in rows:
            style = "bold reverse" if neck else ""
            self.add_row(
                Text(station, style="bold"),
                _right(str(cars) if cars else DASH),
                _right(median, "bold" if neck else ""),
                _right(p90),
                _right(down),
                Text(mark, style=style) if neck else Text(""),
                key=station,
            )
        _fit_height(self)


class DowntimePareto(FloorTable[str | Text]):
    """Downtime by reason, most minutes first: the running share of all stop minutes, and a bar.

    Stops of different reasons may overlap, so the reasons' minutes can add up to more
    than the line's downtime; the share is of the reasons' own total.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="none", show_cursor=False, zebra_stripes=True)
        self.can_focus = False
        self._shown: tuple[object, ...] = ()
        self._wide: bool | None = None

    def show(self, lines: Sequence[DowntimeLine], *, wide: bool) -> None:
        rows = tuple((d.reason_code, d.reason, d.minutes, d.stops, d.stations) for d in lines)
        if (rows, wide) == self._shown:
            return
        self._shown = (rows, wide)
        if wide != self._wide:
            self.clear(columns=True)
            self._wide = wide
            self.add_column(_("Reason"), key="reason")
            self.add_column(_right(_("Min")), key="minutes")
            self.add_column(_right(_("Stops")), key="stops")
            if wide:
                self.add_column(_right(_("Cum.")), key="cumulative")
                self.add_column(_("Where"), key="where")
                self.add_column("", key="bar")
        else:
            self.clear()
        top = max((d.minutes for d in lines), default=0.0)
        total = sum(d.minutes for d in lines)
        running = 0.0
        for code, reason, minutes, stops, stations in rows:
            running += minutes
            cells: list[str | Text] = [
                Text(plain(reason) if wide else _cut(plain(reason), NARROW_REASON)),
                _right(minutes_text(minutes)),
                _right(str(stops)),
            ]
            if wide:
                length = max(1, round(PARETO_BAR * minutes / top)) if top > 0 else 0
                share = percent_text(running / total, 0) if total > 0 else DASH
                cells += [_right(share), ", ".join(stations), Text("█" * length, style="bold")]
            self.add_row(*cells, key=code)
        _fit_height(self)


class OpenIssues(Static):
    """What the next shift inherits, as it stands now: holds, repair bay, critical defects, stops."""

    def show(self, line: LineNow, zone: str, now: datetime | None = None) -> None:
        text = Text()
        text.append(_("WIP {count} car(s)").format(count=line.wip), style="bold")
        as_of = moment_text(line.at, zone, now or line.at)
        text.append(" · " + _("as of {moment}").format(moment=as_of) + "\n", style="dim")

        held_title = _("Held: {count}").format(count=len(line.held))
        text.append(held_title, style="bold reverse" if line.held else "bold")
        for car in line.held[:ISSUES_NAMED]:
            # The hold's moment, named as such (the car's place has its own "since" elsewhere).
            held = since_text(car.held_since, zone, line.at, _("held")) if car.held_since else _("held")
            said = _("{car} at {station}, {held}: {reason}").format(
                car=vin_tail(car.vin), station=car.station or DASH, held=held, reason=plain(car.reason)
            )
            text.append(f"\n  {said}")
        _more(text, len(line.held))

        text.append("\n" + _("In repair: {count}").format(count=len(line.in_repair)), style="bold")
        for repair in line.in_repair[:ISSUES_NAMED]:
            if repair.returns_to:
                said = _("{car}, back to {station}: {reason}").format(
                    car=vin_tail(repair.vin), station=repair.returns_to, reason=plain(repair.reason)
                )
            else:
                said = f"{vin_tail(repair.vin)}: {plain(repair.reason)}"
            text.append(f"\n  {said}")
        _more(text, len(line.in_repair))

        count = line.open_critical_count
        critical = _("Open critical defects: {count}").format(count=count)
        text.append(f"\n{critical}", style="bold reverse" if count else "bold")
        for defect in line.open_critical[:ISSUES_NAMED]:
            what = f"{defect.code} {plain(defect.description)}"
            text.append(f"\n  {vin_tail(defect.vin)} {what} ({status_words(defect.status, short=True)})")
        _more(text, count)

        stops = _("Stops now: {count}").format(count=len(line.open_stops))
        text.append(f"\n{stops}", style="bold reverse" if line.open_stops else "bold")
        for stop in line.open_stops[:ISSUES_NAMED]:
            since = _("since {moment}").format(moment=hour_text(stop.started_at, zone))
            text.append(f"\n  {stop.station} {plain(stop.reason)} {since}")
        _more(text, len(line.open_stops))
        text.no_wrap = True
        text.overflow = "ellipsis"
        self.update(text)


def _cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _more(text: Text, total: int) -> None:
    if total > ISSUES_NAMED:
        text.append("\n  " + _("… and {count} more").format(count=total - ISSUES_NAMED), style="dim")


class ShiftNotes(Static):
    """The shift lead's notes for the handover, oldest first."""

    def show(self, notes: Sequence[ShiftNoteLine], zone: str) -> None:
        if not notes:
            self.update(Text(_("No notes yet. F3 adds one for the handover."), style="dim"))
            return
        text = Text()
        for number, note in enumerate(notes):
            if number:
                text.append("\n")
            text.append(f"{hour_text(note.written_at, zone)} ", style="bold")
            text.append(f"{plain(note.author) or DASH}: ", style="dim")
            text.append(plain(note.text, multiline=True))
        self.update(text)
