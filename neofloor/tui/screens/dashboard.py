"""The shift lead's dashboard: output against plan, quality, OEE, stations and downtime of a shift.

It shows the shift under way (or the last one that ran) and follows the clock: when
another terminal writes (the change marker moves) and, while the shift runs, every
few seconds, since the plan so far grows with time. Earlier shifts and days are a
key away. Every number comes from one ``ShiftSummary`` read in a thread worker; the
handover report written from here is made by the same services, at the same moment,
so the file and the screen say the same thing.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Label
from textual.worker import Worker, WorkerState, get_current_worker

from neofloor.tui.dialogs.shift_note import ShiftNoteDialog
from neofloor.tui.dialogs.shift_picker import ShiftChoice, ShiftPickerDialog
from neofloor.tui.dialogs.shift_report import ShiftReportDialog
from neofloor.tui.formatting import hour_text, plant_time
from neofloor.tui.screens.base import FloorScreen
from neofloor.tui.widgets.big_number import BigNumber, Figure
from neofloor.tui.widgets.header import PlantHeader
from neofloor.tui.widgets.hourly_chart import HourlyChart, ShiftCurves
from neofloor.tui.widgets.key_footer import KeyFooter
from neofloor.tui.widgets.shift_panels import (
    BOTTLENECK_MARK,
    DASH,
    DowntimePareto,
    OpenIssues,
    ShiftNotes,
    StationCycles,
    duration_text,
    minutes_text,
)

if TYPE_CHECKING:
    from neofloor.services.metrics.summary import ShiftSummary
    from neofloor.services.plant.shifts import ShiftCalendar, ShiftWindow
    from neofloor.services.supervision.shift_notes import ShiftNoteLine
    from neofloor.store.engine import Database

# While a shift runs its numbers are read again this often, even when nobody writes:
# the plan so far grows with the clock.
REFRESH_SECONDS = 5.0
# How often the screen looks whether a reload is due (a comparison, no database call).
TICK_SECONDS = 1.0
# How far the previous/next shift keys look for a day with a shift (holidays, shutdowns).
SHIFT_SEARCH_DAYS = 31
# The statuses of a shift, as the metrics services spell them.
UPCOMING, RUNNING, ENDED = "upcoming", "running", "ended"
FIGURES = (("output", "Output"), ("fpy", "FPY"), ("dphu", "DPHU"), ("oee", "OEE"), ("wip", "WIP now"))
FORMAT_NAMES = {"md": "Markdown", "csv": "CSV", "json": "JSON"}
# The width of a figure's lines on a wide terminal (a fifth of 120 columns, less the frame).
OEE_NOTE_WIDTH = 20


@dataclass(frozen=True)
class ReportWritten:
    """A handover report on disk, and the summary it was made from (the screen shows it too)."""

    path: Path
    fmt: str
    replaced: bool
    summary: ShiftSummary


class DashboardScreen(FloorScreen):
    """One shift at a glance; ← → step through shifts, F2 picks a day, F3 notes, F4 the report."""

    CSS_PATH = "dashboard.tcss"
    AUTO_FOCUS = "#dash-body"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "left",
            "step_shift(-1)",
            "Shift",
            key_display="←→",
            priority=True,
            id="dashboard-previous-shift",
            tooltip="Show the shift before the one shown (→ the one after).",
        ),
        Binding(
            "right",
            "step_shift(1)",
            "Next shift",
            show=False,
            priority=True,
            id="dashboard-next-shift",
            tooltip="Show the shift after the one shown.",
        ),
        Binding(
            "home",
            "current_shift",
            "Now",
            priority=True,
            id="dashboard-current-shift",
            tooltip="Back to the shift under way, or the last one that ran.",
        ),
        Binding("f2", "pick_shift", "Day", id="dashboard-pick-shift", tooltip="Show a shift of another day."),
        Binding(
            "f3", "add_note", "Note", id="dashboard-add-note", tooltip="Add a note to the shift's handover."
        ),
        Binding(
            "f4", "write_report", "Report", id="dashboard-write-report", tooltip="Write the handover report."
        ),
    ]

    @dataclass
    class Loaded(Message):
        """A shift's summary, read at one change marker, for the shift asked for."""

        wanted: ShiftChoice | None
        summary: ShiftSummary
        calendar: ShiftCalendar
        marker: tuple[int, ...]

    @dataclass
    class NothingToShow(Message):
        """No shift to show (none ran lately, or the one asked for is gone): the sentence says why."""

        wanted: ShiftChoice | None
        sentence: str
        calendar: ShiftCalendar | None
        marker: tuple[int, ...]

    def __init__(self) -> None:
        super().__init__()
        # The shift asked for; None follows the shift under way (or the last one).
        self.wanted: ShiftChoice | None = None
        self.summary: ShiftSummary | None = None
        self.calendar: ShiftCalendar | None = None
        # When the numbers should be read again even if nobody writes (None: only on a write).
        self.due_at: datetime | None = None
        self.last_report: ReportWritten | None = None
        self._wide: bool | None = None

    def compose(self) -> ComposeResult:
        yield PlantHeader()
        yield Label("Shift dashboard: reading the shift…", id="dash-title", markup=False)
        yield Label("", id="dash-banner", markup=False)
        with Horizontal(id="dash-figures"):
            for key, title in FIGURES:
                yield BigNumber(title, id=f"figure-{key}")
        with VerticalScroll(id="dash-body"):
            with Horizontal(id="dash-middle"):
                with Vertical(id="stations-box", classes="dash-box"):
                    yield StationCycles(id="stations")
                    yield Label("", id="bottleneck", markup=False)
                    yield Label("", id="lead-time", markup=False)
                with Vertical(id="pareto-box", classes="dash-box"):
                    yield Label("", id="line-downtime", markup=False)
                    yield DowntimePareto(id="pareto")
            with Horizontal(id="dash-bottom"):
                with Vertical(id="chart-box", classes="dash-box"):
                    yield HourlyChart(id="hourly-chart")
                with Vertical(id="side-box"):
                    yield OpenIssues(id="open-issues", classes="dash-box")
                    yield ShiftNotes(id="shift-notes", classes="dash-box")
        yield Label("", id="dash-report", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#stations-box").border_title = "Stations: cycle time of the shift"
        self.query_one("#pareto-box").border_title = "Downtime by reason"
        self.query_one("#chart-box").border_title = "Cars through QG, cumulative: output (solid), plan (dots)"
        self.query_one("#open-issues").border_title = "Open now, for the handover"
        self.query_one("#shift-notes").border_title = "Shift notes (F3 adds one)"
        self.set_interval(TICK_SECONDS, self._tick)

    # --- reading ----------------------------------------------------------------

    def reload(self) -> None:
        database = self.floor.database
        if database is None or self.floor.catalog is None:
            return
        self.due_at = None
        self._load(database, self.wanted, self.floor.now())

    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard-load")
    def _load(self, database: Database, wanted: ShiftChoice | None, now: datetime) -> None:
        from neofloor.services.plant.errors import NeofloorError
        from neofloor.services.metrics.summary import summarize_shift
        from neofloor.services.tracking.marker import change_marker
        from neofloor.services.plant.shifts import shift_calendar

        calendar: ShiftCalendar | None = None
        with database.read() as session:
            marker = change_marker(session)
            try:
                calendar = shift_calendar(session)
                window = calendar.window(*wanted) if wanted else calendar.current_or_last(now)
                summary = summarize_shift(session, window, now=now) if window is not None else None
            except NeofloorError as exc:
                self.post_message(self.NothingToShow(wanted, str(exc), calendar, marker))
                return
        if get_current_worker().is_cancelled:
            return
        if summary is None:
            sentence = "No shift has run in the last two weeks: press F2 to pick a day."
            self.post_message(self.NothingToShow(wanted, sentence, calendar, marker))
        else:
            self.post_message(self.Loaded(wanted, summary, calendar, marker))

    def on_dashboard_screen_loaded(self, message: Loaded) -> None:
        if message.wanted != self.wanted:
            return  # read for a shift the reader has already left
        self.loaded_marker = message.marker
        self.calendar = message.calendar
        self.show_summary(message.summary)

    def on_dashboard_screen_nothing_to_show(self, message: NothingToShow) -> None:
        if message.wanted != self.wanted:
            return
        self.loaded_marker = message.marker
        self.calendar = message.calendar
        self.summary = None
        self.query_one("#dash-title", Label).update("Shift dashboard")
        self._banner(message.sentence)
        self.add_class("-nothing")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A read that failed is tried again a little later (the base class says it failed)."""
        if event.worker.group == "dashboard-load" and event.state == WorkerState.ERROR:
            self.due_at = self.floor.now() + timedelta(seconds=REFRESH_SECONDS)

    def _tick(self) -> None:
        if self.is_current and self.due_at is not None and self.floor.now() >= self.due_at:
            self.reload()

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        self._tick()

    def _next_reading(self, summary: ShiftSummary) -> datetime | None:
        """When to read again with no write: soon while it runs, at its start, or when the next begins."""
        if summary.status == RUNNING:
            return summary.now + timedelta(seconds=REFRESH_SECONDS)
        if summary.status == UPCOMING:
            return summary.window.start
        if self.wanted is None and self.calendar is not None:
            later = neighbour_shift(self.calendar, summary.window, 1)
            return later.start if later is not None else None
        return None

    # --- showing ----------------------------------------------------------------

    @property
    def wide(self) -> bool:
        return self.has_class("-wide")

    def show_summary(self, summary: ShiftSummary) -> None:
        """Show a summary everywhere on the screen (values change in place: no flicker)."""
        self.summary = summary
        self.remove_class("-nothing")
        self.due_at = self._next_reading(summary)
        zone = summary.window.timezone
        self.query_one("#dash-title", Label).update(self._title(summary))
        self._banner(banner_sentence(summary))
        for key, figure in shift_figures(summary).items():
            self.query_one(f"#figure-{key}", BigNumber).show(figure)
        curves = shift_curves(summary)
        self.query_one("#hourly-chart", HourlyChart).show_curves(
            curves, empty_sentence=chart_sentence(summary)
        )
        self.query_one("#chart-box").set_class(not curves.drawable, "-empty")
        report = self.last_report
        if report is not None and report.summary.window != summary.window:
            self.query_one("#dash-report", Label).remove_class("-shown")
        self._show_tables(summary)
        self.query_one("#open-issues", OpenIssues).show(summary.line, zone)
        self.query_one("#shift-notes", ShiftNotes).show(summary.notes, zone)

    def _show_tables(self, summary: ShiftSummary) -> None:
        wide = self.wide
        self._wide = wide
        self.query_one("#stations", StationCycles).show(summary.stations, wide=wide)
        self.query_one("#bottleneck", Label).update(bottleneck_sentence(summary))
        lead = summary.lead_time
        self.query_one("#lead-time", Label).update(
            "Lead time to QG: no car through QG yet."
            if lead.median is None
            else f"Lead time to QG: median {duration_text(lead.median)} · p90 {duration_text(lead.p90)}"
        )
        self.query_one("#line-downtime", Label).update(downtime_sentence(summary, wide=wide))
        pareto = self.query_one("#pareto", DowntimePareto)
        pareto.show(summary.downtime, wide=wide)
        pareto.display = bool(summary.downtime)

    def on_resize(self, _event: events.Resize) -> None:
        if self.summary is not None and self.wide != self._wide:
            self._show_tables(self.summary)

    def _title(self, summary: ShiftSummary) -> str:
        w = summary.window
        start, end = w.local_start, w.local_end
        parts = [f"Shift {w.code} · {start:%a %d %b %Y} {start:%H:%M}–{end:%H:%M}"]
        if summary.status == RUNNING:
            parts.append(f"UNDER WAY, numbers to {hour_text(summary.as_of, w.timezone)}")
        else:
            parts.append("ENDED" if summary.status == ENDED else "NOT STARTED")
        parts.append(f"takt {duration_text(summary.takt_seconds)}" if summary.takt_seconds else "no target")
        parts.append(w.name)
        if self.wanted is not None:
            parts.append("an earlier shift: Home for now")
        return " · ".join(parts)

    def _banner(self, sentence: str) -> None:
        banner = self.query_one("#dash-banner", Label)
        banner.update(sentence)
        banner.set_class(bool(sentence), "-shown")

    # --- choosing the shift -----------------------------------------------------

    def _choose(self, window: ShiftWindow | ShiftChoice) -> None:
        """Show this shift; the shift under way (or the last one) means following the clock again."""
        choice = window if isinstance(window, tuple) else (window.local_date, window.code)
        current = self.calendar.current_or_last(self.floor.now()) if self.calendar is not None else None
        following = current is not None and choice == (current.local_date, current.code)
        self.wanted = None if following else choice
        self.reload()

    def action_step_shift(self, step: int) -> None:
        if self.calendar is None or self.summary is None:
            self.notify("The shift is still being read.", timeout=3)
            return
        target = neighbour_shift(self.calendar, self.summary.window, step, until=self.floor.now())
        if target is None:
            self.notify(
                "This is the latest shift: no later one has started."
                if step > 0
                else f"No earlier shift in the {SHIFT_SEARCH_DAYS} days before this one.",
                timeout=4,
            )
            return
        self._choose(target)

    def action_current_shift(self) -> None:
        if self.wanted is None:
            self.notify("This is the shift under way, or the last one that ran.", timeout=3)
            return
        self.wanted = None
        self.reload()

    def action_pick_shift(self) -> None:
        if self.calendar is None:
            self.notify("The shift calendar is still being read.", timeout=3)
            return
        shown = (
            (self.summary.window.local_date, self.summary.window.code)
            if self.summary is not None
            else (plant_time(self.floor.now(), self.calendar.timezone).date(), "")
        )

        def chosen(choice: ShiftChoice | None) -> None:
            if choice is not None:
                self._choose(choice)

        self.app.push_screen(ShiftPickerDialog(self.calendar, shown, self.floor.now), chosen)

    # --- writing: notes and the handover report -----------------------------------

    def action_add_note(self) -> None:
        database, operator, summary = self.floor.database, self.floor.operator, self.summary
        if database is None or summary is None:
            self.notify(self.floor.problem or "No shift is shown yet.", severity="warning")
            return
        if operator is None:
            self.notify("Nobody is signed in: press F8 and sign in first.", severity="warning")
            return
        window, badge, clock = summary.window, operator.badge, self.floor.now

        def save(text: str) -> ShiftNoteLine:
            from neofloor.services.supervision.shift_notes import add_shift_note

            with database.write() as session:
                return add_shift_note(session, window.local_date, window.code, text, badge, now=clock())

        def added(note: ShiftNoteLine | None) -> None:
            if note is not None:
                self.notify(f"Note added to the handover of shift {window.label}.", timeout=4)
                # Notes do not move the change marker: read the shift again now.
                self.reload()

        self.app.push_screen(ShiftNoteDialog(window.label, operator.label, save), added)

    def action_write_report(self) -> None:
        from neofloor.reports.shift_report import default_shift_report_name

        database, summary = self.floor.database, self.summary
        if database is None or summary is None:
            self.notify(self.floor.problem or "No shift is shown yet.", severity="warning")
            return
        window, clock = summary.window, self.floor.now
        names = {fmt: default_shift_report_name(summary, fmt) for fmt in FORMAT_NAMES}

        def write(fmt: str, target: Path) -> ReportWritten:
            from neofloor.reports.shift_report import write_shift_report
            from neofloor.services.metrics.summary import summarize_shift

            replaced = target.exists()
            now = clock()
            # One read transaction: the report and the screen see the same plant at the same moment.
            with database.read() as session:
                path = write_shift_report(
                    session, window.local_date, window.code, fmt=fmt, out=target, now=now
                )
                shown = summarize_shift(session, window, now=now)
            return ReportWritten(path.resolve(), fmt, replaced, shown)

        self.app.push_screen(ShiftReportDialog(window.label, Path.cwd(), names, write), self._report_written)

    def _report_written(self, written: ReportWritten | None) -> None:
        if written is None:
            return
        self.last_report = written
        shown = self.summary
        if shown is not None and shown.window == written.summary.window:
            self.show_summary(written.summary)
        what = f"{FORMAT_NAMES[written.fmt]} handover report"
        sentence = f"{what} written to {written.path}" + (
            " (the earlier file replaced)." if written.replaced else "."
        )
        report = self.query_one("#dash-report", Label)
        report.update(sentence)
        report.add_class("-shown")
        self.notify(sentence, title="Handover report", timeout=8)


# --- what the screen says: plain functions of a summary --------------------------------


def neighbour_shift(
    calendar: ShiftCalendar, window: ShiftWindow, step: int, *, until: datetime | None = None
) -> ShiftWindow | None:
    """The shift just before (``step`` < 0) or after a window; after, only one started by ``until``."""
    day = window.local_date
    for _ in range(SHIFT_SEARCH_DAYS + 1):
        windows = calendar.windows_on(day)
        if step < 0:
            earlier = [w for w in windows if w.start < window.start]
            if earlier:
                return earlier[-1]
            day -= timedelta(days=1)
        else:
            later = [w for w in windows if w.start > window.start]
            if later:
                return later[0] if until is None or later[0].start <= until else None
            day += timedelta(days=1)
    return None


def _percent(ratio: float | None, *, digits: bool = False) -> str:
    if ratio is None:
        return "-" if digits else DASH
    return f"{ratio * 100:.1f}%" if digits else f"{ratio * 100:.1f} %"


def _whole_percent(ratio: float | None) -> str:
    return DASH if ratio is None else f"{ratio * 100:.0f}"


def _cars(count: int) -> str:
    return f"{count} car" if count == 1 else f"{count} cars"


def shift_figures(summary: ShiftSummary) -> dict[str, Figure]:
    """The five big numbers: output against plan, FPY, DPHU, OEE with its factors, WIP now."""
    s = summary
    planned = s.target_cars > 0
    behind = s.cars_behind
    if s.status == UPCOMING:
        pace = said = "not started"
        more = f"target {_cars(s.target_cars)}" if planned else "no target"
    elif not planned:
        pace, said, more = "no plan", "no plan", "no target this shift"
    else:
        if behind > 0:
            pace, said = f"{behind} BEHIND", f"{behind} BEHIND plan"
        elif behind < 0:
            pace, said = f"{-behind} ahead", f"{-behind} ahead of plan"
        else:
            pace = said = "on plan"
        more = f"plan so far {s.plan_so_far} of {s.target_cars}"
    takt = f"takt {duration_text(s.takt_seconds)}" if s.takt_seconds else ""
    output = Figure(
        big=str(s.output),
        value=f"{s.output} of {s.plan_so_far}" if planned else str(s.output),
        narrow=pace,
        wide=(said, more, takt),
        alert=planned and behind > 0,
    )
    if s.fpy is None:
        fpy = Figure("-", DASH, "no car yet", ("no car through QG",))
        quality = Figure("-", DASH, "no car yet", ("no car through QG",))
    else:
        fpy = Figure(
            _percent(s.fpy, digits=True),
            _percent(s.fpy),
            f"{s.first_pass} of {s.output}",
            (f"{s.first_pass} of {_cars(s.output)}", "right first time"),
        )
        defects = f"{s.defects} defect" if s.defects == 1 else f"{s.defects} defects"
        quality = Figure(
            f"{s.dphu:.1f}" if s.dphu is not None else "-",
            f"{s.dphu:.1f}" if s.dphu is not None else DASH,
            defects,
            (defects, f"{_cars(s.output)} inspected", "per 100 cars"),
        )
    result = s.oee
    if result is None:
        oee = Figure("-", DASH, "no OEE", tuple(textwrap.wrap(f"No OEE: {s.oee_note}.", OEE_NOTE_WIDTH)[:3]))
    else:
        oee = Figure(
            _percent(result.oee, digits=True),
            _percent(result.oee),
            f"A{_whole_percent(result.availability)} P{_whole_percent(result.performance)} "
            f"Q{_whole_percent(result.quality)}",
            (
                f"availability {_percent(result.availability)}",
                f"performance {_percent(result.performance)}",
                f"quality {_percent(result.quality)}",
            ),
            alert=bool(result.warnings),
        )
    line = s.line
    stops = ", ".join(sorted({stop.station for stop in line.open_stops}))
    wip = Figure(
        str(line.wip),
        str(line.wip),
        f"{len(line.held)} held",
        (
            f"{len(line.held)} held · {len(line.in_repair)} in repair",
            f"{line.open_critical_count} open critical",
            f"STOP at {stops}" if stops else "no andon stop",
        ),
        alert=bool(line.held or line.open_critical_count or stops),
    )
    return {"output": output, "fpy": fpy, "dphu": quality, "oee": oee, "wip": wip}


def shift_curves(summary: ShiftSummary) -> ShiftCurves:
    """The chart's curves: cumulative plan at each hour's end, cumulative output up to now."""
    window = summary.window

    def hours_in(moment: datetime) -> float:
        return round((moment - window.start).total_seconds() / 3600, 4)

    plan: list[tuple[float, int]] = []
    if summary.target_cars > 0:
        plan = [(0.0, 0), *((hours_in(h.end), h.cumulative_plan) for h in summary.hourly)]
    output: list[tuple[float, int]] = [] if summary.status == UPCOMING else [(0.0, 0)]
    for hour in summary.hourly:
        if hour.status == ENDED:
            output.append((hours_in(hour.end), hour.cumulative_output))
        elif hour.status == RUNNING:
            output.append((hours_in(summary.as_of), hour.cumulative_output))
    return ShiftCurves(
        length=hours_in(window.end),
        hours=tuple((hours_in(h.start), h.label) for h in summary.hourly),
        plan=tuple(plan),
        output=tuple(output),
    )


def _span(summary: ShiftSummary) -> str:
    zone = summary.window.timezone
    return f"{hour_text(summary.window.start, zone)} and {hour_text(summary.as_of, zone)}"


def banner_sentence(summary: ShiftSummary) -> str:
    """The one thing to say above the numbers, if any: not started, no production, a doubtful OEE."""
    s = summary
    if s.status == UPCOMING:
        return f"This shift has not started yet: it starts at {hour_text(s.window.start, s.window.timezone)}."
    if s.no_production and s.target_cars == 0:
        return "No production in this shift: none was planned (no target) and no car passed QG."
    if s.no_production:
        return f"No production in this shift: no car passed QG between {_span(s)}."
    if s.target_cars == 0:
        return f"No target for this shift: {_cars(s.output)} passed QG, with no plan and no OEE to measure."
    if s.oee is not None and s.oee.warnings:
        return s.oee.warnings[0]
    return ""


def chart_sentence(summary: ShiftSummary) -> str:
    if summary.status == UPCOMING:
        return "The shift has not started: nothing to draw yet."
    return "No plan (no target) and no car through QG: nothing to draw."


def bottleneck_sentence(summary: ShiftSummary) -> str:
    """Which station holds the line back, and by which criterion (the table marks it ◀)."""
    neck = summary.bottleneck
    if neck is None:
        return "No bottleneck yet: no station completed a car, none stopped."
    return f"{BOTTLENECK_MARK} Bottleneck: {neck.station} ({neck.criterion})."


def downtime_sentence(summary: ShiftSummary, *, wide: bool) -> str:
    """Line downtime (what OEE counts), against the production time so far."""
    if not summary.downtime:
        return "No stop in production time." if wide else "No stop this shift."
    line = summary.line_downtime_minutes
    stopped = f"Line stopped {minutes_text(line) if line >= 0.05 else 0} min"
    if not wide:
        return f"{stopped}."
    return f"{stopped} of {minutes_text(summary.elapsed_planned_minutes)} min production time."
