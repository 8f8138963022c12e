"""One way for a screen or a dialog to write: off the UI thread, the answer back as a message.

The caller hands :func:`write_in_worker` a unit of work (a plain callable that opens its
own short transaction and calls the services) and a function that turns the
:class:`Answer` into the message its handler expects. The unit runs in a thread worker;
the services' refusal (a ``NeofloorError``, one floor sentence, nothing written) and an
unexpected failure (the database did not answer) come back the same way as a result.
A failure is also raised again, so that the worker ends in error and is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from neofloor.i18n import N_, _

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.message import Message
    from textual.worker import Worker

    from neofloor.services.plant.errors import NeofloorError

ResultT = TypeVar("ResultT")

# What a write that failed (not refused) says, unless its screen says it its own way.
NOT_RECORDED = N_("Not recorded: the database failed ({error}). Try again.")


@dataclass(frozen=True)
class Answer(Generic[ResultT]):
    """What a unit of work came back with: its result, the services' refusal, or the failure."""

    result: ResultT | None = None
    refusal: NeofloorError | None = None
    failure: Exception | None = None

    @property
    def wrote(self) -> bool:
        return self.refusal is None and self.failure is None

    def sentence(self, not_written: str) -> str:
        """Why nothing was written: the services' sentence, or ``not_written`` with ``{error}`` filled in."""
        if self.refusal is not None:
            return str(self.refusal)
        from neofloor.store.errors import StoreProblem  # loaded only once a write failed

        if isinstance(self.failure, StoreProblem):
            # The store's own sentence says what to do.
            return _("Not recorded: {problem}").format(problem=self.failure)
        return _(not_written).format(error=self.failure)


def write_in_worker(
    node: DOMNode,
    unit: Callable[[], ResultT],
    answer: Callable[[Answer[ResultT]], Message],
    *,
    group: str,
    exclusive: bool = False,
) -> Worker[None]:
    """Run ``unit`` in a thread worker of ``node``; post ``answer(...)`` of what came back to ``node``.

    Not exclusive unless asked: a write already sent must still show its result. On a
    read-only wall screen ``unit`` is not run: the answer is a refusal.
    """

    read_only = bool(getattr(node.app, "read_only", False))

    def run() -> None:
        from neofloor.services.plant.errors import NeofloorError, PermissionDenied

        if read_only:
            # A wall screen (tui/wall.py) offers no key that writes; this refuses whatever gets here.
            from neofloor.tui.wall import READ_ONLY_SENTENCE

            node.post_message(answer(Answer(refusal=PermissionDenied(_(READ_ONLY_SENTENCE)))))
            return
        try:
            result = unit()
        except NeofloorError as exc:
            node.post_message(answer(Answer(refusal=exc)))
        except Exception as exc:
            node.post_message(answer(Answer(failure=exc)))
            raise
        else:
            node.post_message(answer(Answer(result=result)))

    return node.run_worker(run, thread=True, exclusive=exclusive, group=group, exit_on_error=False)
