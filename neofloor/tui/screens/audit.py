"""The audit trail: who did what, in which role, on which terminal, to what, when, and what changed.

Newest first, a page at a time (``services.people.audit.audit_page``, keyset pages: as
quick on the tenth year as on the first), filtered by person (badge), car (its VIN, or
the badge a sign-in was about), action and period. Opened by the line's leaders
(Ctrl+L, or the palette); Escape goes back to the view it was opened over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input, Label
from textual.worker import get_current_worker

from neofloor.tui.formatting import stamp_text
from neofloor.tui.safe_text import plain
from neofloor.tui.screens.base import FloorScreen
from neofloor.tui.widgets.floor_table import FloorTable
from neofloor.tui.widgets.header import PlantHeader
from neofloor.tui.widgets.key_footer import KeyFooter
from neofloor.tui.widgets.tables import Cell, fill_table

if TYPE_CHECKING:
    from neofloor.services.people.audit import AuditLine, AuditPage
    from neofloor.store.engine import Database

COLUMNS = ("When", "Badge", "Role", "Terminal", "Action", "About", "Change")
# Rows of one page (the services cap it; a screen shows a few dozen at once).
PAGE = 50
# A value in the change column is cut to this many characters.
VALUE_ROOM = 40


@dataclass(frozen=True)
class AuditFilters:
    """What the trail is narrowed to; empty strings and None mean "any"."""

    badge: str = ""
    subject: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None

    @property
    def narrowed(self) -> bool:
        return bool(self.badge or self.subject or self.action or self.since or self.until)


def period_bounds(filters: AuditFilters, zone: str) -> tuple[datetime | None, datetime | None]:
    """The period's days, both included, as aware moments: from the first day's plant midnight
    to the midnight after the last."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    since = datetime.combine(filters.since, time(), tz) if filters.since else None
    until = datetime.combine(filters.until + timedelta(days=1), time(), tz) if filters.until else None
    return since, until


def parse_day(typed: str, what: str) -> date | None:
    """A day typed as YYYY-MM-DD (None when nothing is typed); ValueError says what is wrong."""
    typed = typed.strip()
    if not typed:
        return None
    try:
        return date.fromisoformat(typed)
    except ValueError:
        raise ValueError(f"{what} is not a day: type it as YYYY-MM-DD (for example 2026-11-26).") from None


def change_text(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """What changed, one ``field: old → new`` after another (stored values shown printable)."""
    before, after = before or {}, after or {}
    parts = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if key in before and key in after:
            parts.append(f"{key}: {_value(old)} → {_value(new)}")
        elif key in after:
            parts.append(f"{key}: {_value(new)}")
        else:
            parts.append(f"{key}: {_value(old)} → -")
    return plain(" · ".join(parts))


def _value(value: object) -> str:
    text = "-" if value is None else str(value)
    return text if len(text) <= VALUE_ROOM else text[: VALUE_ROOM - 1] + "…"


def audit_cells(line: AuditLine, zone: str) -> tuple[Cell, ...]:
    """One row of the trail, every stored word printable (a Text is never read as markup)."""
    action = Text(line.action.replace("_", " "))
    if line.action in ("sign_in_failed", "lockout"):
        action.stylize("bold red")
    return (
        stamp_text(line.at, zone),
        Text(plain(line.badge) or "-"),
        Text(plain(line.role.replace("_", " ")) or "-"),
        Text(plain(line.terminal) or "-"),
        action,
        Text(plain(line.subject) or "-"),
        Text(change_text(line.before, line.after)),
    )


class AuditScreen(FloorScreen):
    """The audit trail, newest first, filtered and paged."""

    CSS_PATH = "audit.tcss"
    AUTO_FOCUS = "#audit-badge"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="audit-back", tooltip="Close the audit trail."),
        Binding("pagedown", "page(1)", "Older", id="audit-older", tooltip="The next, older page."),
        Binding("pageup", "page(-1)", "Newer", id="audit-newer", tooltip="The page before, newer."),
        Binding("f2", "clear_filters", "Clear", id="audit-clear", tooltip="Show the whole trail again."),
    ]

    @dataclass
    class Loaded(Message):
        """A page of the trail, for the filters and the page asked for."""

        page: AuditPage
        filters: AuditFilters
        before_id: int | None

    def __init__(self) -> None:
        super().__init__()
        self.filters = AuditFilters()
        # The id each page shown so far starts below (None: the newest); the last is the page shown.
        self.pages: list[int | None] = [None]
        self.page: AuditPage | None = None

    def compose(self) -> ComposeResult:
        yield PlantHeader()
        yield Label("Audit trail", id="audit-title", classes="section-title")
        with Horizontal(id="audit-filters"):
            yield Input(placeholder="Badge", id="audit-badge", compact=True, max_length=32)
            yield Input(placeholder="Car VIN (or badge)", id="audit-subject", compact=True, max_length=64)
            yield Input(placeholder="Action", id="audit-action", compact=True, max_length=32)
            yield Input(placeholder="From YYYY-MM-DD", id="audit-since", compact=True, max_length=10)
            yield Input(placeholder="To YYYY-MM-DD", id="audit-until", compact=True, max_length=10)
        yield Label("", id="audit-status", markup=False)
        yield FloorTable(id="audit-lines", cursor_type="row")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#audit-lines", DataTable).can_focus = True

    # --- reading ----------------------------------------------------------------

    def reload(self) -> None:
        database = self.floor.database
        if database is not None and self.floor.catalog is not None:
            self._load(database, self.filters, self.pages[-1], self.floor.catalog.timezone)

    @work(thread=True, exclusive=True, exit_on_error=False, group="audit-load")
    def _load(self, database: Database, filters: AuditFilters, before_id: int | None, zone: str) -> None:
        from neofloor.services.people.audit import audit_page

        since, until = period_bounds(filters, zone)
        with database.read() as session:
            page = audit_page(
                session,
                badge=filters.badge or None,
                subject=filters.subject or None,
                action=filters.action or None,
                since=since,
                until=until,
                before_id=before_id,
                limit=PAGE,
            )
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(page, filters, before_id))

    def on_audit_screen_loaded(self, message: Loaded) -> None:
        if message.filters != self.filters or message.before_id != self.pages[-1]:
            return
        self.loaded_marker = self.floor.marker
        self.page = message.page
        zone = self.floor.catalog.timezone if self.floor.catalog else "UTC"
        rows = [audit_cells(line, zone) for line in message.page.lines]
        fill_table(self.query_one("#audit-lines", DataTable), COLUMNS, rows, select=0)
        self._show_status()
        self.refresh_bindings()

    def _show_status(self, problem: str = "") -> None:
        status = self.query_one("#audit-status", Label)
        status.set_class(bool(problem), "-problem")
        if problem:
            status.update(problem)
            return
        page = self.page
        count = len(page.lines) if page else 0
        number = len(self.pages)
        if count == 0:
            status.update("Nothing in the trail matches these filters." if self.filters.narrowed else "")
            return
        more = " · PgDn: older" if page is not None and page.next_before is not None else " · the oldest"
        newer = " · PgUp: newer" if number > 1 else ""
        status.update(f"Page {number}, newest first: {count} rows{more}{newer}")

    # --- filtering and paging -----------------------------------------------------

    @on(Input.Submitted)
    def _filter(self, _event: Input.Submitted) -> None:
        """Enter in any filter field: read the trail again with every field as typed."""
        fields = ("badge", "subject", "action", "since", "until")
        value = {name: self.query_one(f"#audit-{name}", Input).value.strip() for name in fields}
        try:
            since = parse_day(value["since"], "From")
            until = parse_day(value["until"], "To")
        except ValueError as exc:
            self.app.bell()
            self._show_status(str(exc))
            return
        if since and until and until < since:
            self.app.bell()
            self._show_status("The period ends before it starts: From must be on or before To.")
            return
        action = value["action"].casefold().replace(" ", "_")
        self.filters = AuditFilters(value["badge"], value["subject"].upper(), action, since, until)
        self.pages = [None]
        self.reload()
        self.query_one("#audit-lines", DataTable).focus()

    def action_page(self, step: int) -> None:
        page = self.page
        if step > 0 and page is not None and page.next_before is not None:
            self.pages.append(page.next_before)
        elif step < 0 and len(self.pages) > 1:
            self.pages.pop()
        else:
            return
        self.reload()

    def action_clear_filters(self) -> None:
        for field in self.query("#audit-filters Input").results(Input):
            field.value = ""
        self.filters = AuditFilters()
        self.pages = [None]
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """PgDn while there are older rows, PgUp after paging; Clear once something is filtered."""
        if action == "page":
            if parameters and parameters[0] == 1:
                return self.page is not None and self.page.next_before is not None
            return len(self.pages) > 1
        if action == "clear_filters":
            return self.filters.narrowed
        return True

    def action_back(self) -> None:
        self.dismiss()
