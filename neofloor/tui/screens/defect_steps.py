"""Repair and verify a defect from any view that lists defects, not only from a car's history.

An inspector looks for the repairs to verify in the quality overview; a repairer for the
defects to repair. The view names the highlighted defect (:meth:`selected_defect`), says the
outcome its own way (:meth:`_defect_outcome`), and reads again once a step is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.binding import Binding
from textual.message import Message

from neofloor.i18n import N_, _
from neofloor.tui.dialogs.defect_action import DEFECT_ACTIONS, DefectChange, change_defect, defect_dialog
from neofloor.tui.floor import floor_of
from neofloor.tui.widgets.last_result import Outcome
from neofloor.tui.writes import NOT_RECORDED, Answer, write_in_worker

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from neofloor.services.quality import DefectRecord

DEFECT_STEP_BINDINGS = [
    Binding(
        "r",
        "defect_step('repair')",
        N_("Repair"),
        id="repair-highlighted-defect",
        tooltip=N_("Record the repair of the highlighted defect: what was done."),
    ),
    Binding(
        "v",
        "defect_step('verify')",
        N_("Verify"),
        id="verify-highlighted-defect",
        tooltip=N_("Inspector: the highlighted defect's repair is good, close it."),
    ),
]


@dataclass
class DefectStepAnswered(Message):
    """A defect step came back: written, or refused with the services' sentence."""

    outcome: Outcome
    wrote: bool = False


class DefectSteps:
    """The repair and verify keys of a view that lists defects (a mixin for a FloorScreen)."""

    def selected_defect(self) -> DefectRecord | None:
        raise NotImplementedError

    def _defect_outcome(self, outcome: Outcome) -> None:
        raise NotImplementedError

    def defect_step_allowed(self, step: str) -> bool | None:
        """For check_action: shown when a defect is highlighted; dimmed when it is not at that step."""
        record = self.selected_defect()
        if record is None:
            return False
        allowed, _done = DEFECT_ACTIONS[step]
        return True if record.status in allowed else None

    def action_defect_step(self, step: str) -> None:
        node = cast("DOMNode", self)
        floor = floor_of(node)
        record = self.selected_defect()
        if record is None:
            return
        database, operator = floor.database, floor.operator
        if database is None or operator is None:
            refusal = _("Nobody is signed in: press F8 and sign in first.")
            if database is None:
                refusal = floor.problem or _("The plant database is not open yet.")
            self._defect_outcome(Outcome("refused", refusal))
            return
        badge = operator.badge

        def asked(text: str | None) -> None:
            if text is not None:
                change = DefectChange(database, badge, step, record.id, text, floor.now(), floor.terminal)
                write_in_worker(
                    node, partial(change_defect, change), partial(_answered, step), group="defect-write"
                )

        node.app.push_screen(defect_dialog(step, record), asked)


def _answered(step: str, answer: Answer[Any]) -> DefectStepAnswered:
    if answer.result is None:
        return DefectStepAnswered(Outcome("refused", answer.sentence(NOT_RECORDED)))
    return DefectStepAnswered(Outcome("done", answer.result.message, DEFECT_ACTIONS[step][1]), True)
