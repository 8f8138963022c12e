"""Where the shift handover report goes: its format (Markdown, CSV, JSON) and its file name.

The name offered is the report's default in the folder the app was started from;
choosing another format changes the offered name's extension, a name typed by hand
is kept as typed. A relative name is written in that folder.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from neofloor.i18n import N_, _
from neofloor.tui.dialogs.writing import ResultT, WritingDialog

FORMATS = (
    ("md", N_("Markdown (.md): to read, print or mail")),
    ("csv", N_("CSV (.csv): one figure a row, for a spreadsheet")),
    ("json", N_("JSON (.json): every number unrounded, for other programs")),
)


class ShiftReportDialog(WritingDialog[ResultT]):
    """Answers what ``write(format, path)`` returns, or ``None`` on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *WritingDialog.BINDINGS,
        Binding(
            "up",
            "move(-1)",
            N_("Previous format"),
            id="previous-format",
            show=False,
            tooltip=N_("Format above."),
        ),
        Binding(
            "down", "move(1)", N_("Next format"), id="next-format", show=False, tooltip=N_("Format below.")
        ),
    ]

    def __init__(
        self,
        shift: str,
        folder: Path,
        names: Mapping[str, str],
        write: Callable[[str, Path], ResultT],
    ) -> None:
        super().__init__()
        self.shift = shift
        self.folder = folder
        self.names = dict(names)
        self.write = write

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                _("Handover report of shift {shift}").format(shift=self.shift), classes="dialog-title"
            )
            yield Label(_("↑ ↓ to choose the format; edit the file name if you like."), classes="dialog-hint")
            yield OptionList(*(Option(_(text), id=fmt) for fmt, text in FORMATS), id="formats")
            yield Input(self.names["md"], placeholder=_("File name or path"), id="report-path")
            yield Label(
                _("In {folder}").format(folder=self.folder),
                classes="dialog-hint",
                id="report-folder",
                markup=False,
            )
            yield Label(_("Enter to write the report, Escape to cancel."), classes="dialog-hint")
            yield Label("", id="refusal", classes="dialog-error", markup=False)

    def on_mount(self) -> None:
        formats = self.query_one("#formats", OptionList)
        formats.can_focus = False
        formats.highlighted = 0
        self.query_one("#report-path", Input).focus()

    @property
    def chosen_format(self) -> str:
        highlighted = self.query_one("#formats", OptionList).highlighted
        return FORMATS[highlighted or 0][0]

    def action_move(self, step: int) -> None:
        formats = self.query_one("#formats", OptionList)
        current = formats.highlighted or 0
        formats.highlighted = max(0, min(len(FORMATS) - 1, current + step))

    @on(OptionList.OptionHighlighted, "#formats")
    def _format_changed(self, _event: OptionList.OptionHighlighted) -> None:
        path = self.query_one("#report-path", Input)
        if path.value.strip() in self.names.values():
            path.value = self.names[self.chosen_format]

    def target(self, typed: str) -> Path:
        """The file a typed name means: a relative one is in the folder shown."""
        path = Path(typed).expanduser()
        return path if path.is_absolute() else self.folder / path

    @on(Input.Submitted, "#report-path")
    def _entered(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if not typed:
            self.say(_("Type a file name for the report."))
            return
        write, fmt, target = self.write, self.chosen_format, self.target(typed)
        self.submit(lambda: write(fmt, target))
