"""The defect entry form: a car, then a defect, a zone, a severity and a note, in a few keystrokes.

Part of a code or of a description shows the catalog's best matches as it is
typed (the typed characters highlighted), and Enter takes the highlighted one:
the best, until ↑ ↓ move the highlight. The zone goes the same way by its first
letters; the severity is the catalog's unless changed (F2, or letters typed);
Enter in the note asks for the defect to be logged. An empty field shows no list,
↓ opens it. A VIN scanned into any field, even after letters left there, asks for
that car instead, so a barcode scanner works whatever has the focus.

The form only types and picks: it posts what the inspector asked for (a car, a
defect to log) or why it cannot ask yet, and its screen reads and writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from neofloor.i18n import N_, _
from neofloor.tui.formatting import (
    car_line,
    looks_like_vin,
    looks_like_vin_fragment,
    next_severity,
    severity_for,
    severity_info,
    severity_words,
)
from neofloor.tui.widgets.match_list import MatchList
from neofloor.tui.widgets.scan_field import FloorInput

if TYPE_CHECKING:
    from neofloor.services.quality import CatalogEntry, CatalogMatch
    from neofloor.services.tracking.floor import CarSummary

# How many catalog matches the list shows while a defect is typed.
MATCHES = 8
DEFECT_FIELDS = ("defect", "zone", "severity", "note")
# The form's rows: label, field, placeholder, longest input, and the info beside it (none for the note).
FORM_ROWS = (
    (N_("Car"), "vin", N_("Scan or type the VIN"), 40, "car-facts"),
    (N_("Defect"), "defect", N_("code or words"), 60, "defect-info"),
    (N_("Zone"), "zone", N_("first letters"), 20, "zone-info"),
    (N_("Severity"), "severity", N_("the catalog's"), 10, "severity-info"),
    (N_("Note"), "note", N_("optional · Enter logs the defect"), 500, ""),
)


class DefectForm(Vertical):
    """The five fields, what each resolves to, and the matches of the one being typed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f2",
            "cycle_severity",
            N_("Severity"),
            id="cycle-severity",
            tooltip=N_("Change the severity: critical, major, minor (the catalog's by default)."),
        ),
        Binding("up", "move_match(-1)", N_("Previous match"), id="previous-match", show=False),
        Binding("down", "move_match(1)", N_("Next match"), id="next-match", show=False),
    ]

    @dataclass
    class CarAsked(Message):
        """Open the car whose VIN is, or starts or ends with, ``typed``."""

        typed: str

    @dataclass
    class LogAsked(Message):
        """Log this defect on the car on the form."""

        code: str
        zone: str
        severity: str
        note: str

    @dataclass
    class Refused(Message):
        """What was typed cannot be taken; the sentence says why (the field keeps the focus)."""

        sentence: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[CatalogEntry] = []
        self.picked: CatalogEntry | None = None
        self.zone: str | None = None
        self.car_vin: str | None = None
        self.station: str | None = None
        # Whether the plant checks VIN check digits: a scan is told from typing by it.
        self.check_digit = True
        # The arrows opened the list before anything was typed.
        self._browsing = False

    def compose(self) -> ComposeResult:
        with Grid(id="entry-form"):
            for label, field, placeholder, longest, info in FORM_ROWS:
                yield Label(_(label), classes="form-label")
                yield FloorInput(placeholder=_(placeholder), id=field, compact=True, max_length=longest)
                if info:
                    yield Static("", id=info, classes="form-info")
        yield MatchList(id="matches")

    def on_mount(self) -> None:
        self.query_one("#matches", MatchList).display = False
        self.watch(self.screen, "focused", self._focus_moved)
        self.show_car(None)

    # --- attributes down --------------------------------------------------------

    def set_entries(self, entries: list[CatalogEntry]) -> None:
        """The catalog to match against (read once by the screen)."""
        self.entries = entries
        self._refresh_matches()

    def show_station(self, code: str | None) -> None:
        """Where the defect is found (shown beside the severity)."""
        self.station = code
        self._show_severity_info()

    def show_car(self, car: CarSummary | None) -> None:
        """The car on the form: its VIN in the field, what it is and where beside it."""
        facts = self.query_one("#car-facts", Static)
        if car is None:
            self.car_vin = None
            facts.update(Text(_("no car yet"), style="dim"))
            return
        field = self.query_one("#vin", Input)
        if car.vin != self.car_vin or not field.value:
            field.value = car.vin
        self.car_vin = car.vin
        facts.update(car_line(car))

    def clear(self) -> None:
        """Empty the defect, zone, severity and note, ready for the next defect."""
        self.picked = None
        self.zone = None
        for field in DEFECT_FIELDS:
            self.query_one(f"#{field}", Input).value = ""
        self._refresh_matches()
        self._show_severity_info()

    def focus_field(self, field: str) -> None:
        self.query_one(f"#{field}", Input).focus()

    def focus_default(self) -> None:
        """The field in use keeps the focus; otherwise the defect's, or the VIN's with no car."""
        if not isinstance(self.screen.focused, Input):
            self.focus_field("defect" if self.car_vin else "vin")

    def escape(self) -> None:
        """Clear the defect being typed; with nothing typed, go back to the VIN for another car."""
        typed = any(self._typed(f).strip() for f in ("defect", "zone", "note"))
        self.clear()
        self.focus_field("defect" if typed and self.car_vin else "vin")

    def _typed(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    # --- showing ----------------------------------------------------------------

    def _show_vin(self) -> None:
        """The VIN field, emptied by a scan that found no car, shows the car still on the form."""
        field = self.query_one("#vin", Input)
        if self.car_vin is not None and not field.value and not field.has_focus:
            field.value = self.car_vin

    def _show_severity_info(self) -> None:
        default = self.picked.default_severity if self.picked is not None else None
        self.query_one("#severity-info", Static).update(severity_info(default, self.station))

    def _focus_moved(self, _focused: Widget | None) -> None:
        self._browsing = False
        self._show_vin()
        self._refresh_matches()

    def _focused_field(self) -> str | None:
        focused = self.screen.focused
        return focused.id if isinstance(focused, Input) else None

    def _refresh_matches(self) -> None:
        """Show the matches of the field being typed in (catalog defects or zones), or nothing."""
        listing = self.query_one("#matches", MatchList)
        field = self._focused_field()
        typed = self._typed(field).strip() if field in ("defect", "zone") else ""
        if field == "defect" and (typed or self._browsing):
            listing.show_catalog(self._defect_matches(), pick_first=bool(typed))
            listing.display = True
        elif field == "zone":
            # Ten zones: all listed as soon as the field has the focus, narrowed as letters come.
            from neofloor.services.quality import ZONE_LABELS, match_zones

            listing.show_zones(match_zones(typed), ZONE_LABELS, typed)
            listing.display = True
        else:
            listing.display = False
        self._show_defect_info()
        self._show_zone_info()

    def _defect_matches(self) -> list[CatalogMatch]:
        if not self.entries:
            return []
        from neofloor.services.quality import match_catalog

        return match_catalog(self.entries, self._typed("defect"), limit=MATCHES)

    def _listed(self, field: str) -> str | None:
        """The highlighted line of the list, when it shows this field's matches."""
        listing = self.query_one("#matches", MatchList)
        return listing.choice if listing.display and self._focused_field() == field else None

    def _show_defect_info(self) -> None:
        info = self.query_one("#defect-info", Static)
        if self.picked is not None:
            info.update(Text(self.picked.description, style="bold"))
            return
        code = self._listed("defect")
        entry = next((e for e in self.entries if e.code == code), None)
        info.update(Text(f"→ {entry.code} {entry.description}", style="dim") if entry else "")

    def _show_zone_info(self) -> None:
        from neofloor.services.quality import ZONE_LABELS

        info = self.query_one("#zone-info", Static)
        if self.zone is not None:
            info.update(Text(ZONE_LABELS[self.zone], style="bold"))
            return
        zone = self._listed("zone")
        info.update(Text(f"→ {ZONE_LABELS[zone]}", style="dim") if zone else "")

    # --- keys -------------------------------------------------------------------

    def action_move_match(self, step: int) -> None:
        if self._focused_field() not in ("defect", "zone"):
            return
        listing = self.query_one("#matches", MatchList)
        if not listing.display:
            self._browsing = True
            self._refresh_matches()
        listing.move(step)
        self._show_defect_info()
        self._show_zone_info()

    def action_cycle_severity(self) -> None:
        default = self.picked.default_severity if self.picked else None
        severity = next_severity(self._typed("severity"), default)
        self.query_one("#severity", Input).value = severity_words(severity)

    # --- typing -----------------------------------------------------------------

    @on(Input.Changed, "#defect")
    def _defect_typed(self, event: Input.Changed) -> None:
        if self.picked is not None and event.value == self.picked.code:
            return
        self.picked = None
        self._refresh_matches()
        self._show_severity_info()

    @on(Input.Changed, "#zone")
    def _zone_typed(self, event: Input.Changed) -> None:
        from neofloor.services.quality import ZONE_LABELS

        if self.zone is not None and event.value == ZONE_LABELS[self.zone]:
            return
        self.zone = None
        self._refresh_matches()

    @on(Input.Submitted, "#vin")
    def _vin_entered(self, event: Input.Submitted) -> None:
        """Like the station's scan field: the field empties, the car (once found) shows in it."""
        event.stop()
        typed = event.value.strip().upper()
        event.input.clear()
        if not typed or self._scanned_a_car(typed):
            return
        if not looks_like_vin_fragment(typed):
            said = _("{typed} is not a VIN: type at least 4 of its letters and digits.")
            self._refuse(said.format(typed=repr(typed)), "vin")
            return
        self.post_message(self.CarAsked(typed))

    @on(Input.Submitted, "#defect")
    def _defect_entered(self, event: Input.Submitted) -> None:
        event.stop()
        if not self._scanned_a_car(event.value) and self._pick_defect():
            self.focus_field("zone")

    @on(Input.Submitted, "#zone")
    def _zone_entered(self, event: Input.Submitted) -> None:
        event.stop()
        if not self._scanned_a_car(event.value) and self._pick_zone():
            self.focus_field("note")

    @on(Input.Submitted, "#severity")
    def _severity_entered(self, event: Input.Submitted) -> None:
        event.stop()
        if not self._scanned_a_car(event.value) and self._severity() is not None:
            self.focus_field("note")

    @on(Input.Submitted, "#note")
    def _note_entered(self, event: Input.Submitted) -> None:
        event.stop()
        if not self._scanned_a_car(event.value):
            self._ask_to_log()

    def _scanned_a_car(self, typed: str) -> bool:
        """A VIN typed (scanned) into a field, maybe after letters left there: ask for that car."""
        tail = typed.strip().upper()[-17:]
        if not looks_like_vin(tail, check_digit=self.check_digit):
            return False
        self.post_message(self.CarAsked(tail))
        return True

    def _refuse(self, sentence: str, field: str) -> None:
        self.post_message(self.Refused(sentence))
        self.focus_field(field)

    # --- picking ----------------------------------------------------------------

    def _pick_defect(self) -> bool:
        """Take the highlighted match (the best one unless the arrows moved); say why when none."""
        typed = self._typed("defect")
        if self.picked is not None and typed == self.picked.code:
            return True
        matches = self._defect_matches()
        codes = [m.entry.code for m in matches]
        code = self._listed("defect")
        if code not in codes:
            code = codes[0] if typed.strip() and codes else None
        if code is None:
            if typed.strip():
                sentence = _("No defect in the catalog matches {typed}: try other letters or words.").format(
                    typed=repr(typed.strip())
                )
            else:
                sentence = _("Which defect? Type part of its code or description (↑ ↓ to choose).")
            self._refuse(sentence, "defect")
            return False
        entry = next(m.entry for m in matches if m.entry.code == code)
        self.picked = entry
        self.query_one("#defect", Input).value = entry.code
        self.query_one("#severity", Input).value = severity_words(entry.default_severity)
        self._show_defect_info()
        self._show_severity_info()
        return True

    def _pick_zone(self) -> bool:
        from neofloor.services.plant.errors import InvalidInput
        from neofloor.services.quality import ZONE_LABELS, match_zones, normalize_zone

        typed = self._typed("zone")
        if self.zone is not None and typed == ZONE_LABELS[self.zone]:
            return True
        zones = match_zones(typed)
        zone = self._listed("zone")
        if zone not in zones:
            zone = zones[0] if typed.strip() and zones else None
        if zone is None:
            if not typed.strip():
                self._refuse(_("Which zone? Type its first letters (↑ ↓ to choose)."), "zone")
                return False
            try:
                zone = normalize_zone(typed)
            except InvalidInput as exc:
                self._refuse(str(exc), "zone")
                return False
        self.zone = zone
        self.query_one("#zone", Input).value = ZONE_LABELS[zone]
        self._show_zone_info()
        return True

    def _severity(self) -> str | None:
        """The severity to log (the catalog's unless typed); None, said, when the letters are unclear."""
        default = self.picked.default_severity if self.picked else None
        typed = self._typed("severity")
        level = severity_for(typed, default)
        if level is None and typed.strip():
            sentence = _("{typed} is not a severity: type c (critical), ma (major) or mi (minor).")
            self._refuse(sentence.format(typed=repr(typed.strip())), "severity")
            return None
        if level is not None and typed != severity_words(level):
            self.query_one("#severity", Input).value = severity_words(level)
        return level

    def _ask_to_log(self) -> None:
        """Everything picked (what is typed but not yet picked is taken as Enter would): ask to log it."""
        if self.car_vin is None:
            self._refuse(_("Scan the car's VIN first."), "vin")
            return
        if not self._pick_defect() or not self._pick_zone() or self.picked is None or self.zone is None:
            return
        severity = self._severity()
        if severity is not None:
            note = self._typed("note").strip()
            self.post_message(self.LogAsked(self.picked.code, self.zone, severity, note))
