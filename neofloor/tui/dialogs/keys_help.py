"""F1: the keys of the view on screen and what each does, read from its active bindings.

Built from ``Screen.active_bindings`` (the view's, its focused widget's and the app's), so it
never drifts from the keys that really work: a key added to a view shows here with its tooltip.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, OptionList, Static

from neofloor.i18n import N_, _
from neofloor.tui.floor import floor_of

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

# Keys every text field has, which say nothing about the view.
FIELD_KEYS = frozenset(
    {"left", "right", "home", "end", "backspace", "delete", "enter", "tab", "shift+tab", "ctrl+c", "ctrl+v"}
)
KeyLine = tuple[str, str, str]  # (key as shown, what it does, more about it)
# Each role's guide in the repository's docs: what that role does in a shift, with its keys.
GUIDES = {
    "operator": "docs/guide-operator.md",
    "inspector": "docs/guide-inspector.md",
    "supervisor": "docs/guide-supervisor.md",
    "shift_lead": "docs/guide-shift-lead.md",
    "admin": "docs/guide-admin.md",
}


def guide_line(role: str | None) -> str:
    """The line naming the guide of ``role``; all of them for nobody (or a station account)."""
    guide = GUIDES.get(role or "")
    if guide is not None:
        return _("Your role's guide: {guide}.").format(guide=guide)
    return _("Guides for each role: docs/guide-*.md (operator, inspector, supervisor, shift-lead, admin).")


def keys_of(app: App[Any], screen: Screen[Any]) -> list[KeyLine]:
    """The keys that work on ``screen`` now, one line per action: shown keys first, then the rest."""
    shown: list[KeyLine] = []
    hidden: list[KeyLine] = []
    seen: set[str] = set()
    for key, (node, binding, enabled, tooltip) in screen.active_bindings.items():
        if isinstance(node, Input | DataTable | OptionList):
            continue  # a field's or a list's own editing and moving keys say nothing about the view
        if not enabled or not binding.description or binding.action in seen or key in FIELD_KEYS:
            continue
        seen.add(binding.action)
        line = (app.get_key_display(binding), _(binding.description), _(tooltip or binding.tooltip))
        (shown if binding.show else hidden).append(line)
    return shown + hidden


def keys_table(lines: list[KeyLine]) -> Table:
    """Key, name, what it does: a grid whose last column wraps under itself."""
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(
        justify="right", style="bold", no_wrap=True, width=max((len(k) for k, _w, _m in lines), default=1)
    )
    table.add_column(style="bold", no_wrap=True, width=max((len(w) for _k, w, _m in lines), default=1))
    table.add_column(ratio=1)
    for key, what, more in lines:
        table.add_row(key, what, Text(more))
    return table


class KeysHelpDialog(ModalScreen[None]):
    """The keys of the view under it; Escape or F1 closes it."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1", "dismiss", N_("Close"), id="close-help", tooltip=N_("Back to the view.")),
    ]

    def __init__(self, title: str, lines: list[KeyLine]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="keys-help"):
            yield Label(_("Keys: {view}").format(view=self.title_text), classes="dialog-title")
            with VerticalScroll(id="keys-list"):
                yield Static(keys_table(self.lines), id="keys")
            operator = floor_of(self).operator
            guide = guide_line(operator.role if operator else None)
            yield Label(guide, classes="dialog-hint", id="keys-guide")
            yield Label(_("Escape or F1 closes this; Ctrl+Q quits neofloor."), classes="dialog-hint")
