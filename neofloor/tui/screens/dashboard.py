"""The shift lead's dashboard: output against plan, quality, OEE, stations and downtime of a shift.

It shows the shift under way (or the last one that ran) and follows the clock: when
another terminal writes (the change marker moves) and, while the shift runs, every
few seconds, since the plan so far grows with time. Earlier shifts and days are a
key away. Every number comes from one ``ShiftSummary`` read in a thread worker; the
handover report written from here is made by the same services, at the same moment,
so the file and the screen say the same thing.
"""

from __future__ import annotations

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

from neofloor.i18n import N_, _
from neofloor.tui.dialogs.shift_note import ShiftNoteDialog
from neofloor.tui.dialogs.shift_picker import ShiftChoice, ShiftPickerDialog
from neofloor.tui.dialogs.shift_report import ShiftReportDialog
from neofloor.tui.formatting import plant_time
from neofloor.tui.handover import FORMAT_NAMES, ReportWritten, write_handover_report, written_sentence
from neofloor.tui.screens.base import FloorScreen
from neofloor.tui.shift_wording import (
    RUNNING,
    SHIFT_SEARCH_DAYS,
    UPCOMING,
    banner_sentence,
    bottleneck_sentence,
    chart_sentence,
    downtime_sentence,
    lead_time_sentence,
    neighbour_shift,
    shift_curves,
    shift_figures,
    title_sentence,
)
from neofloor.tui.widgets.big_number import BigNumber
from neofloor.tui.widgets.header import PlantHeader
from neofloor.tui.widgets.hourly_chart import HourlyChart
from neofloor.tui.widgets.key_footer import KeyFooter
from neofloor.tui.widgets.shift_panels import (
    DowntimePareto,
    OpenIssues,
    ShiftNotes,
    StationCycles,
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
FIGURES = (
    ("output", N_("Output")),
    ("fpy", N_("FPY")),
    ("dphu", N_("DPHU")),
    ("oee", N_("OEE")),
    ("wip", N_("WIP now")),
)


class DashboardScreen(FloorScreen):
    """One shift at a glance; ← → step through shifts, F2 picks a day, F3 notes, F4 the report."""

    CSS_PATH = "dashboard.tcss"
    AUTO_FOCUS = "#dash-body"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "left",
            "step_shift(-1)",
            N_("Shift"),
            key_display="←→",
            priority=True,
            id="dashboard-previous-shift",
            tooltip=N_("Show the shift before the one shown (→ the one after)."),
        ),
        Binding(
            "right",
            "step_shift(1)",
            N_("Next shift"),
            show=False,
            priority=True,
            id="dashboard-next-shift",
            tooltip=N_("Show the shift after the one shown."),
        ),
        Binding(
            "home",
            "current_shift",
            N_("Now"),
            priority=True,
            id="dashboard-current-shift",
            tooltip=N_("Back to the shift under way, or the last one that ran."),
        ),
        Binding(
            "f2",
            "pick_shift",
            N_("Day"),
            id="dashboard-pick-shift",
            tooltip=N_("Show a shift of another day."),
        ),
        Binding(
            "f3",
            "add_note",
            N_("Note"),
            id="dashboard-add-note",
            tooltip=N_("Add a note to the shift's handover."),
        ),
        Binding(
            "f4",
            "write_report",
            N_("Report"),
            id="dashboard-write-report",
            tooltip=N_("Write the handover report."),
        ),
        Binding(
            "c",
            "copy_report_path",
            N_("Copy path"),
            id="dashboard-copy-report-path",
            tooltip=N_("Copy the full path of the report just written to the clipboard."),
        ),
        Binding(
            "o",
            "open_report",
            N_("Open report"),
            id="dashboard-open-report",
            tooltip=N_("Open the report just written with the program the system has for it."),
        ),
    ]

    @dataclass
    class Loaded(Message):
        """A shift's summary, read at one change marker, for the shift asked for."""

        wanted: ShiftChoice | None
        summary: ShiftSummary
        calendar: ShiftCalendar
        marker: tuple[int, ...]
        # The plant's reports folder (a full path), where the handover report is offered.
        reports: Path | None = None

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
        self.reports: Path | None = None
        self._wide: bool | None = None

    def compose(self) -> ComposeResult:
        yield PlantHeader()
        yield Label(_("Shift dashboard: reading the shift…"), id="dash-title", markup=False)
        yield Label("", id="dash-banner", markup=False)
        with Horizontal(id="dash-figures"):
            for key, title in FIGURES:
                yield BigNumber(_(title), id=f"figure-{key}")
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
        self.query_one("#stations-box").border_title = _("Stations: cycle time of the shift")
        self.query_one("#pareto-box").border_title = _("Downtime by reason")
        self.query_one("#chart-box").border_title = _(
            "Cars through QG, cumulative: output (solid), plan (dots)"
        )
        self.query_one("#open-issues").border_title = _("Open now, for the handover")
        self.query_one("#shift-notes").border_title = _("Shift notes (F3 adds one)")
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
        from neofloor.services.metrics.summary import summarize_shift
        from neofloor.services.plant.errors import NeofloorError
        from neofloor.services.plant.report_files import reports_folder
        from neofloor.services.plant.shifts import shift_calendar
        from neofloor.services.tracking.marker import change_marker

        calendar: ShiftCalendar | None = None
        with database.read() as session:
            marker = change_marker(session)
            try:
                calendar = shift_calendar(session)
                window = calendar.window(*wanted) if wanted else calendar.current_or_last(now)
                summary = summarize_shift(session, window, now=now) if window is not None else None
                reports = reports_folder(session)
            except NeofloorError as exc:
                self.post_message(self.NothingToShow(wanted, str(exc), calendar, marker))
                return
        if get_current_worker().is_cancelled:
            return
        if summary is None:
            sentence = _("No shift has run in the last two weeks: press F2 to pick a day.")
            self.post_message(self.NothingToShow(wanted, sentence, calendar, marker))
        else:
            self.post_message(self.Loaded(wanted, summary, calendar, marker, reports))

    def on_dashboard_screen_loaded(self, message: Loaded) -> None:
        if message.wanted != self.wanted:
            return  # read for a shift the reader has already left
        self.loaded_marker = message.marker
        self.calendar = message.calendar
        self.reports = message.reports
        self.show_summary(message.summary)

    def on_dashboard_screen_nothing_to_show(self, message: NothingToShow) -> None:
        if message.wanted != self.wanted:
            return
        self.loaded_marker = message.marker
        self.calendar = message.calendar
        self.summary = None
        self.query_one("#dash-title", Label).update(_("Shift dashboard"))
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
            later = neighbour_shift(self.calendar.worked, summary.window, 1)
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
        self.query_one("#dash-title", Label).update(title_sentence(summary, earlier=self.wanted is not None))
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
        issues = self.query_one("#open-issues", OpenIssues)
        issues.show(summary.line, zone, self.floor.now())
        # A past shift's line is rebuilt as it stood when the shift ended: say so, not "now".
        ended = summary.line.at < self.floor.now() - timedelta(minutes=1)
        issues.border_title = _("As the shift ended") if ended else _("Open now, for the handover")
        self.query_one("#shift-notes", ShiftNotes).show(summary.notes, zone)

    def _show_tables(self, summary: ShiftSummary) -> None:
        wide = self.wide
        self._wide = wide
        self.query_one("#stations", StationCycles).show(summary.stations, wide=wide)
        self.query_one("#bottleneck", Label).update(bottleneck_sentence(summary))
        self.query_one("#lead-time", Label).update(lead_time_sentence(summary))
        self.query_one("#line-downtime", Label).update(downtime_sentence(summary, wide=wide))
        pareto = self.query_one("#pareto", DowntimePareto)
        pareto.show(summary.downtime, wide=wide)
        pareto.display = bool(summary.downtime)

    def on_resize(self, _event: events.Resize) -> None:
        if self.summary is not None and self.wide != self._wide:
            self._show_tables(self.summary)

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
            self.notify(_("The shift is still being read."), timeout=3)
            return
        target = neighbour_shift(self.calendar, self.summary.window, step, until=self.floor.now())
        if target is None:
            self.notify(
                _("This is the latest shift: no later one has started.")
                if step > 0
                else _("No earlier shift in the {days} days before this one.").format(days=SHIFT_SEARCH_DAYS),
                timeout=4,
            )
            return
        self._choose(target)

    def action_current_shift(self) -> None:
        if self.wanted is None:
            self.notify(_("This is the shift under way, or the last one that ran."), timeout=3)
            return
        self.wanted = None
        self.reload()

    def action_pick_shift(self) -> None:
        if self.calendar is None:
            self.notify(_("The shift calendar is still being read."), timeout=3)
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
            self.notify(self.floor.problem or _("No shift is shown yet."), severity="warning")
            return
        if operator is None:
            self.notify(_("Nobody is signed in: press F8 and sign in first."), severity="warning")
            return
        window, badge, clock = summary.window, operator.badge, self.floor.now

        def save(text: str) -> ShiftNoteLine:
            from neofloor.services.supervision.shift_notes import add_shift_note

            with database.write() as session:
                return add_shift_note(session, window.local_date, window.code, text, badge, now=clock())

        def added(note: ShiftNoteLine | None) -> None:
            if note is not None:
                self.notify(
                    _("Note added to the handover of shift {shift}.").format(shift=window.label), timeout=4
                )
                # Notes do not move the change marker: read the shift again now.
                self.reload()

        self.app.push_screen(ShiftNoteDialog(window.label, operator.label, save), added)

    def action_write_report(self) -> None:
        from neofloor.reports.shift_report import default_shift_report_name

        database, summary = self.floor.database, self.summary
        if database is None or summary is None:
            self.notify(self.floor.problem or _("No shift is shown yet."), severity="warning")
            return
        window, clock = summary.window, self.floor.now
        names = {fmt: default_shift_report_name(summary, fmt) for fmt in FORMAT_NAMES}

        reports = self.reports

        def write(fmt: str, target: Path) -> ReportWritten:
            return write_handover_report(database, window, fmt, target, clock(), reports)

        self.app.push_screen(
            ShiftReportDialog(window.label, self.reports or Path.cwd(), names, write), self._report_written
        )

    def _report_written(self, written: ReportWritten | None) -> None:
        if written is None:
            return
        self.last_report = written
        shown = self.summary
        if shown is not None and shown.window == written.summary.window:
            self.show_summary(written.summary)
        sentence = written_sentence(written)
        report = self.query_one("#dash-report", Label)
        report.update(_("{sentence} c copies its path, o opens it.").format(sentence=sentence))
        report.add_class("-shown")
        # Said on the screen's report line, which a toast over it would hide.
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Copy and open are offered once a report has been written from here."""
        if action in ("copy_report_path", "open_report"):
            return self.last_report is not None
        return True

    def action_copy_report_path(self) -> None:
        """The report's full path to the clipboard (the terminal's, through Textual)."""
        if self.last_report is not None:
            path = str(self.last_report.path)
            self.app.copy_to_clipboard(path)
            self.notify(_("Copied: {path}").format(path=path), timeout=4)

    def action_open_report(self) -> None:
        """The report opened by the system's program for its kind of file (a browser, an editor)."""
        if self.last_report is not None:
            self.app.open_url(self.last_report.path.as_uri())
