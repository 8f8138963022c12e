"""A catalog defect picked by a few letters of its code or description (a PDI item failed)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from neofloor.i18n import N_, _
from neofloor.tui.widgets.match_list import MatchList

if TYPE_CHECKING:
    from neofloor.services.quality import CatalogEntry


class DefectPickDialog(ModalScreen[str | None]):
    """A catalog defect by a few letters of its code or description; answers its code, or None."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", N_("Cancel"), id="cancel-defect-pick", tooltip=N_("Do not fail the item.")
        ),
        Binding("up", "move(-1)", N_("Up"), id="defect-pick-up", show=False, tooltip=N_("The match above.")),
        Binding(
            "down", "move(1)", N_("Down"), id="defect-pick-down", show=False, tooltip=N_("The match below.")
        ),
    ]

    def __init__(self, title: str, catalog: list[CatalogEntry]) -> None:
        super().__init__()
        self.title_text = title
        self.catalog = catalog

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(placeholder=_("defect: code or words"), id="defect-typed", max_length=60)
            yield Label(
                _("Type, ↑ ↓ to choose, Enter to fail the item, Escape to cancel."), classes="dialog-hint"
            )
            yield MatchList(id="defect-matches")
            yield Label("", id="defect-pick-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one("#defect-typed", Input).focus()

    @on(Input.Changed, "#defect-typed")
    def _typed(self, event: Input.Changed) -> None:
        from neofloor.services.quality import match_catalog

        matches = match_catalog(self.catalog, event.value) if event.value.strip() else []
        self.query_one("#defect-matches", MatchList).show_catalog(matches, pick_first=True)

    @on(Input.Submitted, "#defect-typed")
    def _chosen(self, _event: Input.Submitted) -> None:
        choice = self.query_one("#defect-matches", MatchList).choice
        if choice is None:
            self.query_one("#defect-pick-error", Label).update(
                _("No defect matches: type a few letters of one.")
            )
            return
        self.dismiss(choice)

    def action_move(self, step: int) -> None:
        self.query_one("#defect-matches", MatchList).move(step)

    def action_cancel(self) -> None:
        self.dismiss(None)
