"""What the dialogs that write share: the write runs in a thread, a refusal keeps the dialog open.

The screen that opens such a dialog hands it the write as a plain callable (a service
call in a unit of work); the dialog runs it off the UI thread and either closes with
its result or shows the services' sentence and stays open with what was typed, so
nothing has to be typed twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label

from neofloor.i18n import N_, _
from neofloor.tui.writes import Answer, write_in_worker

ResultT = TypeVar("ResultT")


class WritingDialog(ModalScreen[ResultT | None]):
    """Answers the write's result, or ``None`` on Escape. Subclasses compose a ``#refusal`` label."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "cancel",
            N_("Cancel"),
            id="cancel-dialog",
            tooltip=N_("Close without writing anything."),
        ),
    ]

    @dataclass
    class Answered(Message):
        """The write came back: its result, or the sentence saying why it was refused."""

        result: object
        refusal: str

    def __init__(self) -> None:
        super().__init__()
        self.writing = False

    def submit(self, write: Callable[[], ResultT]) -> None:
        """Run ``write`` in a thread, unless a write from this dialog is already on its way."""
        if self.writing:
            return
        self.writing = True
        self.say("")
        self._write(write)

    def _write(self, write: Callable[[], ResultT]) -> None:
        def answered(answer: Answer[ResultT]) -> WritingDialog.Answered:
            if not answer.wrote:
                return self.Answered(None, answer.sentence(_("Nothing was written: {error}")))
            return self.Answered(answer.result, "")

        write_in_worker(self, write, answered, group="dialog-write", exclusive=True)

    def on_writing_dialog_answered(self, message: Answered) -> None:
        self.writing = False
        if message.refusal:
            self.app.bell()
            self.say(message.refusal)
        else:
            self.dismiss(message.result)  # type: ignore[arg-type]

    def say(self, sentence: str) -> None:
        """Show why the write was refused (or clear it)."""
        self.query_one("#refusal", Label).update(sentence)

    def action_cancel(self) -> None:
        self.dismiss(None)
