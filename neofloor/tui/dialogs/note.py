"""Asks for a hold's reason, or a release's optional note, before anything is written."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from neofloor.i18n import N_, _
from neofloor.tui.widgets.scan_field import FloorInput


class NoteDialog(ModalScreen[str | None]):
    """Answers the typed text on Enter, or ``None`` on Escape."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", N_("Cancel"), id="cancel-dialog", tooltip=N_("Close without doing anything.")
        ),
    ]

    def __init__(self, title: str, about: str, prompt: str, *, required: bool) -> None:
        super().__init__()
        self.title_text = title
        self.about = about
        self.prompt = prompt
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Label(self.about, classes="dialog-hint")
            yield FloorInput(placeholder=self.prompt, id="note", max_length=200)
            hint = _("Enter to confirm, Escape to cancel.")
            yield Label(hint, classes="dialog-hint")
            yield Label("", id="note-error", classes="dialog-error", markup=False)

    @on(Input.Submitted, "#note")
    def _confirmed(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if self.required and not text:
            self.query_one("#note-error", Label).update(
                _("{prompt}: type it first.").format(prompt=self.prompt)
            )
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
