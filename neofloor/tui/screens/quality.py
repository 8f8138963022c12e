"""The quality overview: open defects, the Pareto of defect codes, first-pass yield and DPHU.

Three tabs (F2, F3, F4). Open defects: how many are not closed, by station,
zone, severity and age, and the list itself a page at a time, filtered by keys
(s station, z zone, e severity, a age, u status, x clears them); Enter opens the
car, where repairs are recorded and verified. Pareto and FPY & DPHU look at one
period of production days (t today, w this week, m the last 30 days, d days
typed): the defect codes by count with their share and cumulative share, and per
day and per shift the cars through QG, first-pass yield and defects per hundred
units, as DESIGN.md defines them. It reads again whenever another terminal writes. r opens the
recall screen (the cars a recall concerns, by every filter at once; hold them all).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, TabbedContent, TabPane
from textual.worker import get_current_worker

from neofloor.i18n import N_, _
from neofloor.services.plant.words import severity_word
from neofloor.tui.dialogs.choice import ChoiceDialog
from neofloor.tui.dialogs.period import PeriodDialog
from neofloor.tui.formatting import plant_time
from neofloor.tui.screens.base import FloorScreen
from neofloor.tui.screens.defect_steps import DEFECT_STEP_BINDINGS, DefectStepAnswered, DefectSteps
from neofloor.tui.widgets.header import PlantHeader
from neofloor.tui.widgets.key_footer import KeyFooter
from neofloor.tui.widgets.last_result import Outcome
from neofloor.tui.widgets.quality_panes import (
    AGE_FILTERS,
    SEVERITIES,
    STATUS_FILTERS,
    OpenDefectsPane,
    OpenFilters,
    ParetoPane,
    ShiftQuality,
    YieldPane,
    period_days,
)

if TYPE_CHECKING:
    from neofloor.services.metrics.station_quality import StationQuality
    from neofloor.services.metrics.trend import Trend
    from neofloor.services.quality import DefectPareto, DefectRecord, OpenDefectCounts
    from neofloor.store.engine import Database

# How often the open defects' ages move on (from the clock, without reading them again).
AGE_TICK_SECONDS = 10.0
# One page of the open defects list; the next page is read when asked for.
PAGE = 50
PARETO_CODES = 20
# The choice that lifts a filter.
ALL = "*"
FIRST_TABLE = {"open-tab": "#open-list", "pareto-tab": "#pareto", "yield-tab": "#yield-days"}
# The severities as people read them in the filter's choices.


class QualityScreen(DefectSteps, FloorScreen):
    """Open defects, the Pareto of codes, FPY and DPHU; reads again when the plant changes."""

    CSS_PATH = "quality.tcss"
    AUTO_FOCUS = "#open-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        *DEFECT_STEP_BINDINGS,
        Binding(
            "f2",
            "show_tab('open-tab')",
            N_("Open defects"),
            id="show-open-defects",
            tooltip=N_("Open defects."),
        ),
        Binding(
            "f3", "show_tab('pareto-tab')", N_("Pareto"), id="show-pareto", tooltip=N_("The Pareto of codes.")
        ),
        Binding(
            "f4",
            "show_tab('yield-tab')",
            N_("FPY & DPHU"),
            id="show-fpy-dphu",
            tooltip=N_("First-pass yield and defects per hundred units, per day and shift."),
        ),
        Binding(
            "right_square_bracket",
            "page(1)",
            N_("Next page"),
            id="next-defects-page",
            tooltip=N_("Later defects."),
        ),
        Binding(
            "left_square_bracket",
            "page(-1)",
            N_("Previous page"),
            id="previous-defects-page",
            tooltip=N_("Older ones."),
        ),
        # The keys of the filter and period bars, which name them on screen.
        Binding(
            "s",
            "filter('station')",
            N_("Station"),
            id="filter-station",
            show=False,
            tooltip=N_("Where found."),
        ),
        Binding(
            "z", "filter('zone')", N_("Zone"), id="filter-zone", show=False, tooltip=N_("Zone of the car.")
        ),
        Binding(
            "e",
            "filter('severity')",
            N_("Severity"),
            id="filter-severity",
            show=False,
            tooltip=N_("How serious."),
        ),
        Binding(
            "a", "filter('age')", N_("Age"), id="filter-age", show=False, tooltip=N_("Found longer ago than.")
        ),
        Binding(
            "u",
            "filter('status')",
            N_("Status"),
            id="filter-status",
            show=False,
            tooltip=N_("Open or repaired."),
        ),
        Binding(
            "x",
            "clear_filters",
            N_("Clear filters"),
            id="clear-filters",
            show=False,
            tooltip=N_("All of them."),
        ),
        Binding(
            "t", "period('today')", N_("Today"), id="period-today", show=False, tooltip=N_("Today's figures.")
        ),
        Binding(
            "w", "period('week')", N_("This week"), id="period-week", show=False, tooltip=N_("Since Monday.")
        ),
        Binding(
            "m",
            "period('30days')",
            N_("30 days"),
            id="period-30-days",
            show=False,
            tooltip=N_("The last 30 days."),
        ),
        Binding(
            "d", "period('dates')", N_("Dates"), id="period-dates", show=False, tooltip=N_("Days typed in.")
        ),
        Binding(
            "c",
            "open_recall",
            N_("Recall"),
            id="open-recall",
            tooltip=N_("The cars a recall concerns; hold them."),
        ),
    ]

    @dataclass
    class OpenLoaded(Message):
        """Open defect counts and one page of the list, read at one change marker."""

        counts: OpenDefectCounts
        page: list[DefectRecord]
        more: bool
        offset: int
        filters: OpenFilters
        bands: list[str]
        marker: tuple[int, ...]
        read_at: datetime

    @dataclass
    class PeriodLoaded(Message):
        """The Pareto, the days and the shifts of one period."""

        first: date
        last: date
        pareto: DefectPareto
        trend: Trend
        shifts: list[ShiftQuality]
        # FPY and DPHU of each production station, counted where the defects were found.
        stations: tuple[StationQuality, ...] = ()

    @dataclass
    class PeriodRefused(Message):
        """The services refused the period; the sentence says why."""

        first: date
        last: date
        sentence: str

    def __init__(self) -> None:
        super().__init__()
        self.filters = OpenFilters()
        self.page_offset = 0
        self.counts: OpenDefectCounts | None = None
        self.page: list[DefectRecord] = []
        self.more = False
        self.period = "today"
        self.chosen_days: tuple[date, date] | None = None
        self.days: tuple[date, date] | None = None
        self.pareto: DefectPareto | None = None
        self.trend: Trend | None = None
        self.shifts: list[ShiftQuality] = []
        self._period_stale = True

    def compose(self) -> ComposeResult:
        yield PlantHeader()
        with TabbedContent(id="quality-tabs", initial="open-tab"):
            with TabPane(_("Open defects"), id="open-tab"):
                yield OpenDefectsPane()
            with TabPane(_("Pareto"), id="pareto-tab"):
                yield ParetoPane()
            with TabPane(_("FPY & DPHU"), id="yield-tab"):
                yield YieldPane()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(OpenDefectsPane).show_filters(self.filters)
        self._show_period()
        self.set_interval(AGE_TICK_SECONDS, self._retime_ages)

    def _retime_ages(self) -> None:
        """The defects' ages grow with nothing written: moved on from when they were read, no query."""
        if self.is_current:
            self.query_one(OpenDefectsPane).retime(self.floor.now())

    # --- reading ----------------------------------------------------------------

    def reload(self) -> None:
        database = self.floor.database
        if database is None or self.floor.catalog is None:
            return
        self._load_open(database, self.filters, self.page_offset, self.floor.now())
        if self._active_tab() == "open-tab":
            self._period_stale = True  # read when its tab is shown
        else:
            self._read_period()

    def _read_period(self) -> None:
        database = self.floor.database
        if database is None or self.floor.catalog is None:
            return
        self._period_stale = False
        self._load_period(database, self.period, self.chosen_days, self.floor.now())

    @work(thread=True, exclusive=True, exit_on_error=False, group="quality-open")
    def _load_open(self, database: Database, filters: OpenFilters, offset: int, now: datetime) -> None:
        from neofloor.services.quality import AGE_BANDS, open_defect_counts, open_defects
        from neofloor.services.tracking.marker import change_marker

        with database.read() as session:
            marker = change_marker(session)
            counts = open_defect_counts(session, now=now)
            page = open_defects(
                session,
                station=filters.station,
                zone=filters.zone,
                severity=filters.severity,
                status=filters.statuses,
                older_than=filters.older_than,
                limit=PAGE + 1,
                offset=offset,
                now=now,
            )
        bands = [label for label, _limit in AGE_BANDS]
        if not get_current_worker().is_cancelled:
            loaded = self.OpenLoaded(
                counts, page[:PAGE], len(page) > PAGE, offset, filters, bands, marker, now
            )
            self.post_message(loaded)

    @work(thread=True, exclusive=True, exit_on_error=False, group="quality-period")
    def _load_period(
        self, database: Database, kind: str, chosen: tuple[date, date] | None, now: datetime
    ) -> None:
        """The period's Pareto, days and shifts, on production days (from the first shift's start)."""
        from neofloor.services.metrics.station_quality import quality_by_station
        from neofloor.services.metrics.trend import quality_between, trend
        from neofloor.services.plant.errors import NeofloorError
        from neofloor.services.plant.shifts import shift_calendar
        from neofloor.services.quality import defect_pareto

        first = last = now.date()
        try:
            with database.read() as session:
                calendar = shift_calendar(session)
                first, last = period_days(kind, calendar.day_of(now), chosen)
                start, end = calendar.day(first).start, calendar.day(last).end
                pareto = defect_pareto(session, start, end, limit=PARETO_CODES)
                days = trend(session, first, last, now=now)
                shifts = []
                for window in calendar.between(first, last):
                    if window.start >= now:
                        continue
                    figures = quality_between(session, window.start, min(window.end, now))
                    if window.target_cars or figures.passed:
                        shifts.append(ShiftQuality(window, figures))
                stations = quality_by_station(session, start, min(end, now))
        except NeofloorError as exc:
            self.post_message(self.PeriodRefused(first, last, str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.PeriodLoaded(first, last, pareto, days, shifts, stations))

    def on_quality_screen_open_loaded(self, message: OpenLoaded) -> None:
        if message.filters != self.filters or message.offset != self.page_offset:
            return  # an answer to filters no longer asked for
        self.loaded_marker = message.marker
        self.counts, self.page, self.more = message.counts, message.page, message.more
        self.query_one(OpenDefectsPane).show(
            message.counts,
            message.page,
            offset=message.offset,
            more=message.more,
            filters=message.filters,
            bands=message.bands,
            read_at=message.read_at,
        )
        self.refresh_bindings()

    def on_quality_screen_period_loaded(self, message: PeriodLoaded) -> None:
        self.days = (message.first, message.last)
        self.pareto, self.trend, self.shifts = message.pareto, message.trend, message.shifts
        self._show_period()
        self.query_one(ParetoPane).show(message.pareto)
        self.query_one(YieldPane).show(message.trend, message.shifts, message.stations)

    def on_quality_screen_period_refused(self, message: PeriodRefused) -> None:
        self.app.bell()
        self.days = (message.first, message.last)
        self.pareto, self.trend, self.shifts = None, None, []
        self._show_period()
        self.query_one(ParetoPane).show_refusal(message.sentence)
        self.query_one(YieldPane).show_refusal(message.sentence)

    def _show_period(self) -> None:
        self.query_one(ParetoPane).show_period(self.period, self.days)
        self.query_one(YieldPane).show_period(self.period, self.days)

    # --- filters and pages ------------------------------------------------------

    def action_filter(self, what: str) -> None:
        """Ask for one filter's value, with how many unclosed defects each value has."""
        catalog, counts = self.floor.catalog, self.counts
        if catalog is None or counts is None:
            return
        f = self.filters
        choices: list[tuple[str, str]]
        if what == "station":
            stations = [s.code for s in catalog.route] + [
                s.code for s in catalog.stations if s.position is None
            ]
            choices = [(ALL, _("All stations"))]
            choices += [(code, f"{code:<8} {counts.by_station.get(code, 0):>4}") for code in stations]
            current, title = f.station, _("Found at which station?")
        elif what == "zone":
            from neofloor.services.quality import ZONE_LABELS

            choices = [(ALL, _("All zones"))]
            choices += [
                (z, f"{_(label):<12} {counts.by_zone.get(z, 0):>4}") for z, label in ZONE_LABELS.items()
            ]
            current, title = f.zone, _("Which zone of the car?")
        elif what == "severity":
            choices = [(ALL, _("All severities"))]
            choices += [
                (s, f"{severity_word(s):<9} {counts.by_severity.get(s, 0):>4}") for s in SEVERITIES
            ]
            current, title = f.severity, _("How serious?")
        elif what == "age":
            choices = [(ALL, _("Any age"))] + [
                (key, _(label)) for key, (label, _limit) in AGE_FILTERS.items()
            ]
            current, title = f.age, _("Found how long ago?")
        else:
            choices = [(key, _(label)) for key, (label, _statuses) in STATUS_FILTERS.items()]
            current, title = f.status, _("Which status?")

        def chosen(value: str | None) -> None:
            if value is None:
                return
            picked = None if value == ALL else value
            filters = self.filters
            if what == "station":
                filters = replace(filters, station=picked)
            elif what == "zone":
                filters = replace(filters, zone=picked)
            elif what == "severity":
                filters = replace(filters, severity=picked)
            elif what == "age":
                filters = replace(filters, age=picked)
            else:
                filters = replace(filters, status=value)
            self._set_filters(filters)

        self.app.push_screen(ChoiceDialog(title, choices, current or ALL), chosen)

    def action_clear_filters(self) -> None:
        self._set_filters(OpenFilters())

    def _set_filters(self, filters: OpenFilters) -> None:
        self.filters = filters
        self.page_offset = 0
        self.query_one(OpenDefectsPane).show_filters(filters)
        if self.floor.database is not None:
            self._load_open(self.floor.database, filters, 0, self.floor.now())

    def action_page(self, step: int) -> None:
        offset = self.page_offset + step * PAGE
        if offset < 0 or (step > 0 and not self.more):
            return
        self.page_offset = offset
        if self.floor.database is not None:
            self._load_open(self.floor.database, self.filters, offset, self.floor.now())
            self.query_one("#open-list", DataTable).move_cursor(row=0, animate=False)

    # --- the period -------------------------------------------------------------

    def action_period(self, kind: str) -> None:
        if kind != "dates":
            self.period = kind
            self._show_period()
            self._read_period()
            return
        catalog = self.floor.catalog
        today = plant_time(self.floor.now(), catalog.timezone).date() if catalog else self.floor.now().date()
        first, last = self.days or (today, today)

        def chosen(days: tuple[date, date] | None) -> None:
            if days is not None:
                self.period, self.chosen_days = "dates", days
                self._show_period()
                self._read_period()

        self.app.push_screen(PeriodDialog(first, last), chosen)

    # --- tabs -------------------------------------------------------------------

    def _active_tab(self) -> str:
        return self.query_one("#quality-tabs", TabbedContent).active

    def action_open_recall(self) -> None:
        from neofloor.tui.screens.recall import RecallScreen

        self.app.push_screen(RecallScreen())

    def action_show_tab(self, tab: str) -> None:
        self.query_one("#quality-tabs", TabbedContent).active = tab

    @on(TabbedContent.TabActivated, "#quality-tabs")
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        tab = event.pane.id or ""
        if tab in FIRST_TABLE:
            self.query_one(FIRST_TABLE[tab], DataTable).focus()
        if tab != "open-tab" and self._period_stale:
            self._read_period()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Each tab's keys on its own tab; the key of the tab shown is hidden, as are pages not there."""
        tab = self._active_tab() if self.is_mounted else "open-tab"
        if action == "show_tab":
            return parameters[0] != tab
        if action in ("filter", "clear_filters"):
            return tab == "open-tab"
        if action == "page":
            if tab != "open-tab":
                return False
            return self.more if parameters[0] == 1 else self.page_offset > 0
        if action == "period":
            return tab != "open-tab"
        if action == "defect_step":
            return self.defect_step_allowed(str(parameters[0])) if tab == "open-tab" else False
        return True

    # --- repair and verify ----------------------------------------------------------

    def selected_defect(self) -> DefectRecord | None:
        """The defect highlighted in the open defects list."""
        if not self.is_mounted or not self.page:
            return None
        table = self.query_one("#open-list", DataTable)
        row = table.cursor_row
        return self.page[row] if 0 <= row < len(self.page) and table.row_count else None

    @on(DataTable.RowHighlighted, "#open-list")
    def _defect_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def show_status(self, status: str) -> None:
        """The open defects list narrowed to one status: "repaired" (to verify) or "open" (to repair)."""
        self.action_show_tab("open-tab")
        self._set_filters(OpenFilters(status=status))

    def _defect_outcome(self, outcome: Outcome) -> None:
        if outcome.kind == "refused":
            self.app.bell()
            self.notify(outcome.sentence, title=_("Not recorded"), severity="error", timeout=8)
        else:
            self.notify(outcome.sentence, title=_(outcome.title), timeout=5)

    def on_defect_step_answered(self, message: DefectStepAnswered) -> None:
        self._defect_outcome(message.outcome)
        if message.wrote:
            self.reload()
            self.floor.check_for_changes()
