"""Find the user-visible strings in neofloor's code that do not go through the catalog.

A string is user-visible when it is handed to something that shows it to a person: a widget
(label, static, button, input's placeholder), a toast, a key's description, a column title,
a dialog's title, ``print`` in the command line, an error raised for the person to read, an
argparse help. Literal text there (letters in a plain string or an f-string) must be wrapped in
``_()``/``ngettext()``/``N_()`` instead.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "neofloor"
# The parts whose strings people read: the screens, the commands, the reports and the services' refusals.
SCANNED = ("tui", "cli", "reports", "services", "store", "demo")
TRANSLATE = {"_", "ngettext", "pgettext", "N_"}
# Calls whose positional arguments are shown as they are.
SHOWN_POSITIONAL = {
    "notify",
    "Label",
    "Static",
    "Button",
    "print",
    "Binding",
    "Checkbox",
    "RadioButton",
    "Option",
    "Tab",
    "TabPane",
    "Collapsible",
    "Hit",
    "DiscoveryHit",
    "bell_refusal",
    "refuse",
}
# Keyword arguments shown as they are, whatever the call.
SHOWN_KEYWORDS = {
    "description",
    "placeholder",
    "title",
    "sub_title",
    "subtitle",
    "tooltip",
    "help",
    "label",
    "message",
    "prompt",
    "border_title",
    "border_subtitle",
    "epilog",
}
# A plain string with at least one word of two letters is text to translate.
WORDS = re.compile(r"[A-Za-z]{2,}")
# Literal texts that are not words to translate: units, key names, codes.
NOT_TEXT = re.compile(r"^\s*(?:[a-z_]+(?:\+[a-z_]+)*|[A-Z0-9_]+|%[a-zA-Z%:.\- ]+|\{[^}]*\})\s*$")


@dataclass(frozen=True)
class Untranslated:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def _literal_text(node: ast.expr) -> str | None:
    """The words of a literal string or f-string, None when it has none to translate."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
    else:
        return None
    if not WORDS.search(text) or NOT_TEXT.match(text):
        return None
    return text


def _called_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_error_class(name: str) -> bool:
    endings = ("Error", "Refused", "Problem", "Invalid", "Input", "Exception", "Refusal")
    endings += ("Violation", "Denied")
    endings += ("DoubleScan", "Inconsistent", "Missing", "Failed", "NotFound", "Unknown", "Language")
    return name.endswith(endings) or name in {"NotFound", "NotAllowed", "Conflict"}


def untranslated_in(path: Path) -> Iterator[Untranslated]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    relative = str(path.relative_to(PACKAGE.parent))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _called_name(node) in TRANSLATE:
            continue
        name = _called_name(node)
        candidates: list[ast.expr] = []
        if name in SHOWN_POSITIONAL or _is_error_class(name):
            # A Binding's key and action are not text: only its description (third) is.
            candidates.extend(node.args[2:3] if name == "Binding" else node.args)
        candidates.extend(kw.value for kw in node.keywords if kw.arg in SHOWN_KEYWORDS)
        for candidate in candidates:
            text = _literal_text(candidate)
            if text is not None:
                yield Untranslated(relative, candidate.lineno, text)
    for node in ast.walk(tree):
        # BINDINGS = [("f1", "help", "Keys"), ...]: a tuple key's description.
        if isinstance(node, ast.Tuple) and len(node.elts) >= 3:
            key, action, description = node.elts[:3]
            if (
                isinstance(key, ast.Constant)
                and isinstance(action, ast.Constant)
                and isinstance(key.value, str)
                and isinstance(action.value, str)
                and _is_binding_tuple(key.value, action.value)
            ):
                text = _literal_text(description)
                if text is not None:
                    yield Untranslated(relative, description.lineno, text)


def _is_binding_tuple(key: str, action: str) -> bool:
    action_shape = r"[a-z_][a-z0-9_.()'\", ]*"
    return bool(re.fullmatch(r"[a-z0-9_+,\-]+", key)) and bool(re.fullmatch(action_shape, action))


def untranslated(parts: tuple[str, ...] = SCANNED) -> list[Untranslated]:
    found: list[Untranslated] = []
    for part in parts:
        for path in sorted((PACKAGE / part).rglob("*.py")):
            found.extend(untranslated_in(path))
    return found


if __name__ == "__main__":
    import sys

    parts = tuple(sys.argv[1:]) or SCANNED
    rows = untranslated(parts)
    for row in rows:
        print(row)
    print(len(rows), "untranslated", file=sys.stderr)
