"""What the quality overview shows, one pane per tab: open defects, the Pareto, FPY and DPHU.

The panes only show what their screen read (attributes down, through ``show``);
the screen reads, filters and pages. Each pane starts with a bar that names its
keys and what they are set to, so the keys need no room in the footer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Label, Static

from neofloor.i18n import (
    N_,
    _,
    day_month_text,
    day_month_year_text,
    decimal_text,
    language,
    ngettext,
    percent_text,
    weekday_day_month_text,
)
from neofloor.tui.formatting import severity_words, state_words, vin_tail
from neofloor.tui.messages import VehicleRequested
from neofloor.tui.safe_text import safe
from neofloor.tui.widgets.bars import bar
from neofloor.tui.widgets.defect_table import severity_text, status_text, zone_words
from neofloor.tui.widgets.floor_table import FloorTable
from neofloor.tui.widgets.tables import Cell, fill_table

if TYPE_CHECKING:
    from neofloor.services.metrics.station_quality import StationQuality
    from neofloor.services.metrics.trend import DaySummary, QualityFigures, Trend
    from neofloor.services.plant.shifts import ShiftWindow
    from neofloor.services.quality import DefectPareto, DefectRecord, OpenDefectCounts

DASH = "–"
KEY_STYLE = "bold #ffa62b"
PARETO_BAR = 12
DAY_BAR = 10
SEVERITIES = ("critical", "major", "minor")
# Status filters: what the key offers, and the statuses each one reads.
STATUS_FILTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "unclosed": (N_("not closed"), ("open", "repaired")),
    "open": (N_("open: to repair"), ("open",)),
    "repaired": (N_("repaired: to verify"), ("repaired",)),
}
# Age filters: found longer ago than this; they fall on the limits of the services' age bands.
AGE_FILTERS: dict[str, tuple[str, timedelta]] = {
    "1h": (N_("older than 1 h"), timedelta(hours=1)),
    "4h": (N_("older than 4 h"), timedelta(hours=4)),
    "24h": (N_("older than 24 h"), timedelta(hours=24)),
    "3d": (N_("older than 3 days"), timedelta(days=3)),
}
# The periods the Pareto and the yields look at: key, kind, words.
PERIODS = (
    ("t", "today", N_("today")),
    ("w", "week", N_("this week")),
    ("m", "30days", N_("last 30 days")),
    ("d", "dates", N_("dates…")),
)
OPEN_COLUMNS = (
    "#",
    N_("VIN"),
    N_("Code"),
    N_("Zone"),
    N_("Severity"),
    N_("Status"),
    N_("Found"),
    N_("Age"),
    N_("Car"),
    N_("What"),
)
PARETO_COLUMNS = ("#", N_("Code"), N_("Description"), N_("Count"), N_("Share"), N_("Cum."), "")
DAY_COLUMNS = (N_("Day"), N_("Cars"), N_("1st pass"), "FPY", N_("Defects"), "DPHU", "")
SHIFT_COLUMNS = (N_("Shift"), N_("Cars"), N_("1st pass"), "FPY", N_("Defects"), "DPHU")
STATION_COLUMNS = (N_("Station"), N_("Cars"), N_("1st pass"), "FPY", N_("Defects"), "DPHU")


def _titles(columns: Sequence[str]) -> list[str]:
    """Column titles in the language spoken now (codes such as FPY, DPHU stay as they are)."""
    return [_(title) if title else title for title in columns]


@dataclass(frozen=True)
class OpenFilters:
    """What the open defects list is narrowed to; None means any."""

    station: str | None = None
    zone: str | None = None
    severity: str | None = None
    status: str = "unclosed"
    age: str | None = None

    @property
    def statuses(self) -> tuple[str, ...]:
        return STATUS_FILTERS[self.status][1]

    @property
    def older_than(self) -> timedelta | None:
        return AGE_FILTERS[self.age][1] if self.age else None

    @property
    def narrowed(self) -> bool:
        return self != OpenFilters()


@dataclass(frozen=True)
class ShiftQuality:
    """One shift of the period and its quality figures (up to now for a shift under way)."""

    window: ShiftWindow
    figures: QualityFigures


def period_days(kind: str, today: date, chosen: tuple[date, date] | None) -> tuple[date, date]:
    """The first and last production day of a period, both included."""
    if kind == "today":
        return today, today
    if kind == "week":
        return today - timedelta(days=today.weekday()), today
    if kind == "30days":
        return today - timedelta(days=29), today
    return chosen or (today, today)


def percent(ratio: float | None) -> str:
    """0.7273 -> "72.7 %"; no value -> a dash."""
    return DASH if ratio is None else percent_text(ratio)


def number(value: float | None) -> str:
    return DASH if value is None else decimal_text(value)


def car_words(state: str, station: str | None) -> str:
    """Where the car is, short: "in TRIM1", "waiting TRIM2", "HELD PAINT", "in repair"."""
    if state == "in_station":
        return _("in {station}").format(station=station) if station else _("in")
    if state in ("queued", "planned"):
        return _("waiting {station}").format(station=station) if station else _("waiting")
    if state == "held":
        return _("HELD {station}").format(station=station) if station else _("HELD")
    return state_words(state)


def _weekday_day(day: date) -> str:
    """Mon 23 / lun. 23: a day of the week and of the month."""
    if language() == "en":
        return day.strftime("%a %d")
    from babel.dates import format_date

    return format_date(day, "EEE dd", locale=language())


def _day_words(day: date) -> str:
    """Thu 26 Nov / jeu. 26 nov."""
    return weekday_day_month_text(datetime(day.year, day.month, day.day))


def days_words(first: date, last: date) -> str:
    """Thu 26 Nov; Mon 23 – Thu 26 Nov; 28 Oct – 26 Nov 2026."""
    if first == last:
        return _day_words(first)
    if (last - first).days < 7:
        return f"{_weekday_day(first)} – {_day_words(last)}"
    if first.year == last.year:
        return f"{day_month_text(first)} – {day_month_year_text(last)}"
    return f"{day_month_year_text(first)} – {day_month_year_text(last)}"


def key_hint(key: str, label: str, value: str, *, active: bool) -> Text:
    """One choice of a key bar: its key, what it is, what it is set to (reversed when it narrows)."""
    text = Text()
    text.append(key, style=KEY_STYLE)
    if label:
        text.append(f" {label}")  # already in the language spoken (the caller's _())
    if value:
        text.append(" ")
        text.append(value, style="bold reverse" if active else "bold")
    return text


def period_bar(kind: str, days: tuple[date, date] | None) -> Text:
    """The period keys, the one in use reversed, and the days it covers."""
    text = Text(" · ").join(key_hint(key, "", _(words), active=kind == k) for key, k, words in PERIODS)
    if days is not None:
        text.append("   ")
        text.append(days_words(*days), style="bold")
    return text


def matching(counts: OpenDefectCounts, filters: OpenFilters, bands: Sequence[str]) -> int:
    """How many unclosed defects the filters keep, from the counts already read.

    ``bands`` are the services' age bands in order; an age filter keeps the bands
    after the one it ends (the filters fall on the bands' limits).
    """
    first_band = 0
    if filters.age is not None:
        first_band = list(AGE_FILTERS).index(filters.age) + 1
    return sum(
        cell.count
        for cell in counts.cells
        if (filters.station is None or cell.station == filters.station)
        and (filters.zone is None or cell.zone == filters.zone)
        and (filters.severity is None or cell.severity == filters.severity)
        and cell.status in filters.statuses
        and bands.index(cell.age_band) >= first_band
    )


def _figure_cells(
    cars: int, first_pass: int, fpy: float | None, defects: int, dphu: float | None
) -> tuple[Text, ...]:
    """Cars, first pass, FPY, defects, DPHU; dashes when no car went through."""
    if not cars:
        return tuple(Text(DASH, style="dim") for _figure in range(5))
    return (
        Text(str(cars)),
        Text(str(first_pass)),
        Text(percent(fpy), style="bold"),
        Text(str(defects)),
        Text(number(dphu), style="bold"),
    )


class OpenDefectsPane(Vertical):
    """Counts of the unclosed defects, the filters, and one page of the list; Enter opens the car."""

    def __init__(self) -> None:
        super().__init__(id="open-pane")
        self.page: list[DefectRecord] = []
        self.read_at: datetime | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="open-filters", classes="key-bar")
        yield Static("", id="open-counts")
        yield Label("", id="open-title", classes="section-title")
        yield FloorTable(id="open-list", cursor_type="row")

    def retime(self, now: datetime) -> None:
        """Each defect's age as at ``now``: its age when read plus the time since (no query)."""
        from neofloor.services.plant.clock import format_duration

        if self.read_at is None or not self.page:
            return
        table = self.query_one("#open-list", DataTable)
        later = max(0.0, (now - self.read_at).total_seconds())
        column = OPEN_COLUMNS.index("Age")
        for row, record in enumerate(self.page[: table.row_count]):
            age = format_duration(record.age_seconds + later)
            table.update_cell_at(Coordinate(row, column), Text(age), update_width=True)

    def show_filters(self, filters: OpenFilters) -> None:
        f = filters
        parts = [
            key_hint("s", _("station"), f.station or _("all"), active=f.station is not None),
            key_hint("z", _("zone"), zone_words(f.zone) if f.zone else _("all"), active=f.zone is not None),
            key_hint(
                "e",
                _("severity"),
                severity_words(f.severity) if f.severity else _("all"),
                active=f.severity is not None,
            ),
            key_hint(
                "a", _("age"), _(AGE_FILTERS[f.age][0]) if f.age else _("any"), active=f.age is not None
            ),
            key_hint("u", _("status"), _(STATUS_FILTERS[f.status][0]), active=f.status != "unclosed"),
        ]
        if f.narrowed:
            parts.append(key_hint("x", _("clear"), "", active=False))
        self.query_one("#open-filters", Static).update(Text(" · ").join(parts))

    def show(
        self,
        counts: OpenDefectCounts,
        page: list[DefectRecord],
        *,
        offset: int,
        more: bool,
        filters: OpenFilters,
        bands: Sequence[str],
        read_at: datetime | None = None,
    ) -> None:
        """The counts, then page ``offset`` of the defects the filters keep (their ages as at ``read_at``)."""
        from neofloor.services.plant.clock import format_duration

        self.page, self.read_at = page, read_at
        self.show_filters(filters)
        self._show_counts(counts)
        rows = [
            (
                str(record.id),
                vin_tail(record.vin),
                record.code,
                zone_words(record.zone),
                severity_text(record.severity, record.status),
                status_text(record.status, record.severity, short=True),
                record.station,
                format_duration(record.age_seconds),
                car_words(record.car_state, record.car_station),
                safe(record.description),
            )
            for record in page
        ]
        table = self.query_one("#open-list", DataTable)
        fill_table(table, _titles(OPEN_COLUMNS), rows, [str(r.id) for r in page])
        title = Text()
        if not page:
            title.append(_("No defect matches these filters") if filters.narrowed else _("No open defect"))
        else:
            title.append(_("{count} match").format(count=matching(counts, filters, bands)))
            first, last = offset + 1, offset + len(page)
            title.append(
                " · " + _("{first}-{last}, oldest first · Enter: the car").format(first=first, last=last)
            )
            if offset:
                title.append(" · " + _("[ previous"))
            if more:
                title.append(" · " + _("] next"))
        self.query_one("#open-title", Label).update(title)

    def _show_counts(self, counts: OpenDefectCounts) -> None:
        text = Text()
        text.append(_("{count} not closed").format(count=counts.total), style="bold")
        for severity in SEVERITIES:
            how_many = counts.by_severity.get(severity, 0)
            text.append(" · ")
            text.append(
                f"{severity_words(severity)} {how_many}",
                style="bold red" if severity == "critical" and how_many else "",
            )
        to_verify = counts.by_status.get("repaired", 0)
        text.append(" · " + _("{count} repaired, to verify").format(count=to_verify))
        lines = (
            (_("Station"), list(counts.by_station.items())),
            (_("Zone"), [(zone_words(zone), n) for zone, n in counts.by_zone.items()]),
            (_("Age"), [(_(band), n) for band, n in counts.by_age.items()]),
        )
        for label, pairs in lines:
            text.append(f"\n{label:<9}", style="dim")
            text.append(" · ".join(f"{name} {n}" for name, n in pairs) or _("none"))
        self.query_one("#open-counts", Static).update(text)

    @on(DataTable.RowSelected, "#open-list")
    def _car_chosen(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.page):
            self.post_message(VehicleRequested(self.page[event.cursor_row].vin))


class ParetoPane(Vertical):
    """The period, then the defect codes by count with their share and cumulative share."""

    def __init__(self) -> None:
        super().__init__(id="pareto-pane")

    def compose(self) -> ComposeResult:
        yield Static("", id="pareto-period", classes="key-bar")
        yield Label("", id="pareto-title", classes="section-title")
        yield FloorTable(id="pareto", cursor_type="row")

    def show_period(self, kind: str, days: tuple[date, date] | None) -> None:
        self.query_one("#pareto-period", Static).update(period_bar(kind, days))

    def show(self, pareto: DefectPareto) -> None:
        top = pareto.lines[0].count if pareto.lines else 0
        rows: list[tuple[Cell, ...]] = [
            (
                str(rank),
                Text(line.code, style="bold"),
                safe(line.description),
                str(line.count),
                percent(line.share),
                percent(line.cumulative_share),
                bar(line.count / top if top else None, PARETO_BAR, "#ffa62b"),
            )
            for rank, line in enumerate(pareto.lines, start=1)
        ]
        if pareto.other_count:
            share = percent(pareto.other_count / pareto.total)
            rows.append(("", Text(_("others"), style="dim"), "", str(pareto.other_count), share, "", ""))
        fill_table(self.query_one("#pareto", DataTable), _titles(PARETO_COLUMNS), rows, select=0)
        found = ngettext("{count} defect found", "{count} defects found", pareto.total)
        title = Text(found.format(count=pareto.total), style="bold")
        if pareto.total:
            shown = len(pareto.lines)
            if pareto.other_count:
                codes = _("over {count} codes").format(count=shown)
            else:
                codes = ngettext("{count} code", "{count} codes", shown).format(count=shown)
            title.append(f" · {codes}")
        title.append(" · " + _("cancelled ones left out"))
        self.query_one("#pareto-title", Label).update(title)

    def show_refusal(self, sentence: str) -> None:
        self.query_one("#pareto-title", Label).update(Text(sentence, style="bold red"))
        self.query_one("#pareto", DataTable).clear()


class YieldPane(Vertical):
    """The period's FPY and DPHU, then the same per production day and per shift."""

    def __init__(self) -> None:
        super().__init__(id="yield-pane")

    def compose(self) -> ComposeResult:
        yield Static("", id="yield-period", classes="key-bar")
        yield Static("", id="yield-total")
        with Horizontal(id="yield-tables"):
            with Vertical(id="yield-days-side"):
                yield Label(_("By production day"), classes="section-title")
                yield FloorTable(id="yield-days", cursor_type="row")
            with Vertical(id="yield-shifts-side"):
                yield Label(_("By shift"), classes="section-title")
                yield FloorTable(id="yield-shifts", cursor_type="row")
                yield Label(_("By station, where the defects were found"), classes="section-title")
                yield FloorTable(id="yield-stations", cursor_type="row")

    def show_period(self, kind: str, days: tuple[date, date] | None) -> None:
        self.query_one("#yield-period", Static).update(period_bar(kind, days))

    def show(self, trend: Trend, shifts: list[ShiftQuality], stations: Sequence[StationQuality] = ()) -> None:
        total = trend.total
        summary = Text()
        through = ngettext("{count} car through QG", "{count} cars through QG", total.output)
        summary.append(through.format(count=total.output), style="bold")
        summary.append(" · " + _("first pass {count}").format(count=total.first_pass) + " · FPY ")
        summary.append(percent(total.fpy), style="bold")
        summary.append(" · " + _("defects on them {count}").format(count=total.defects) + " · DPHU ")
        summary.append(number(total.dphu), style="bold")
        summary.append(
            "\n" + _("FPY: no defect ever, no repair visit · DPHU: defects × 100 / cars through QG"),
            style="dim",
        )
        self.query_one("#yield-total", Static).update(summary)
        days = [self._day_cells(day) for day in reversed(trend.days)]
        fill_table(self.query_one("#yield-days", DataTable), _titles(DAY_COLUMNS), days, select=0)
        rows: list[tuple[Cell, ...]] = [
            (
                f"{_day_words(shift.window.local_date)} {shift.window.code}",
                *_figure_cells(
                    shift.figures.passed,
                    shift.figures.first_pass,
                    shift.figures.fpy,
                    shift.figures.defects,
                    shift.figures.dphu,
                ),
            )
            for shift in reversed(shifts)
        ]
        fill_table(self.query_one("#yield-shifts", DataTable), _titles(SHIFT_COLUMNS), rows, select=0)
        by_station: list[tuple[Cell, ...]] = [
            (s.station, *_figure_cells(s.cars, s.first_pass, s.fpy, s.defects, s.dphu)) for s in stations
        ]
        fill_table(
            self.query_one("#yield-stations", DataTable), _titles(STATION_COLUMNS), by_station, select=0
        )

    @staticmethod
    def _day_cells(day: DaySummary) -> tuple[Cell, ...]:
        cells = _figure_cells(day.output, day.first_pass, day.fpy, day.defects, day.dphu)
        return (_day_words(day.local_date), *cells, bar(day.fpy, DAY_BAR, "green"))

    def show_refusal(self, sentence: str) -> None:
        self.query_one("#yield-total", Static).update(Text(sentence, style="bold red"))
        self.query_one("#yield-days", DataTable).clear()
        self.query_one("#yield-shifts", DataTable).clear()
