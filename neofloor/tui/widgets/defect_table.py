"""A car's defects in a table: what, where, how serious, and how far each got (open -> verified).

The defect entry and the car's screen show the same table, so a status reads
the same everywhere: an unclosed serious defect in bold red (it stops the car
at the quality gate), a repair waiting for an inspector in yellow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from neofloor.i18n import N_, _
from neofloor.services.plant.words import defect_status_word, said
from neofloor.tui.formatting import day_text, severity_words, vin_tail
from neofloor.tui.safe_text import plain
from neofloor.tui.widgets.floor_table import FloorTable
from neofloor.tui.widgets.tables import fill_table

if TYPE_CHECKING:
    from neofloor.services.plant.catalog import PlantCatalog
    from neofloor.services.quality import DefectRecord, DefectStory

STATUS_WORDS = {
    "open": N_("open"),
    "repaired": N_("repaired: to verify"),
    "verified": N_("verified"),
    "cancelled": N_("cancelled"),
}
EVENT_WORDS = {
    "found": N_("found"),
    "repaired": N_("repaired"),
    "verified": N_("verified"),
    "rejected": N_("repair rejected"),
    "cancelled": N_("cancelled"),
}
SERIOUS = ("critical", "major")
UNCLOSED = ("open", "repaired")
COLUMNS = ("#", N_("Code"), N_("Zone"), N_("Severity"), N_("Status"), N_("Found"), N_("What"))
# The zones as people read them (the stored keys stay as they are).
ZONE_WORDS = {
    "front": N_("front"),
    "rear": N_("rear"),
    "left": N_("left"),
    "right": N_("right"),
    "roof": N_("roof"),
    "interior": N_("interior"),
    "underbody": N_("underbody"),
    "powertrain": N_("powertrain"),
    "electrical": N_("electrical"),
    "hv_battery": N_("HV battery"),
}


def status_words(status: str, *, short: bool = False) -> str:
    """A defect's status in the floor's words ("repaired: to verify"; "repaired" where short)."""
    return defect_status_word(status) if short else said(STATUS_WORDS, status)


def zone_words(zone: str) -> str:
    """A zone key as people read it ("hv_battery" -> "HV battery")."""
    return said(ZONE_WORDS, zone, zone.replace("_", " "))


def severity_text(severity: str, status: str) -> Text:
    """The severity, loud only while it still matters (unclosed and serious)."""
    words = severity_words(severity)
    if severity in SERIOUS and status in UNCLOSED:
        return Text(words, style="bold red" if severity == "critical" else "bold")
    return Text(words, style="" if status in UNCLOSED else "dim")


def status_text(status: str, severity: str, *, short: bool = False) -> Text:
    """The status in the floor's words: red while a serious defect is open, yellow awaiting an inspector."""
    words = status_words(status, short=short)
    if status == "open":
        return Text(words, style="bold red" if severity in SERIOUS else "bold")
    if status == "repaired":
        return Text(words, style="bold yellow")
    if status == "verified":
        return Text(words, style="green")
    return Text(words, style="dim strike")


def story_text(record: DefectRecord, story: DefectStory | None, zone: str) -> Text:
    """One defect and its steps: found, repaired (what was done), rejected, verified or cancelled.

    From the defect's whole story once read (a rejected repair stays in it), else
    from its record, which knows only the steps it has now.
    """
    text = Text()
    text.append(f"#{record.id} {record.code}", style="bold")
    text.append(
        f" {plain(record.description)} · {zone_words(record.zone)} · {severity_words(record.severity)}"
    )
    if record.note:
        text.append(f" · {plain(record.note)}")
    steps: list[tuple[str, str, str | None, str | None, str]] = []
    if story is not None and story.defect.status == record.status:
        steps = [
            (said(EVENT_WORDS, e.kind), day_text(e.at, zone), e.station, e.operator, e.note)
            for e in story.events
            if e.kind != "found"
        ]
    else:
        if record.repaired_at is not None:
            when = day_text(record.repaired_at, zone)
            repaired = said(EVENT_WORDS, "repaired")
            steps.append((repaired, when, record.repair_station, record.repaired_by, record.repair_note))
        if record.verified_at is not None:
            verified = said(EVENT_WORDS, "verified")
            steps.append((verified, day_text(record.verified_at, zone), None, record.verified_by, ""))
        if record.status == "cancelled":
            steps.append((said(EVENT_WORDS, "cancelled"), "", None, None, record.cancel_reason))
    text.append("\n" + said(EVENT_WORDS, "found") + " ", style="dim")
    found_at = day_text(record.found_at, zone)
    text.append(_("{moment} at {station}").format(moment=found_at, station=record.station))
    if record.found_by:
        text.append(" " + _("by {person}").format(person=plain(record.found_by)))
    for word, when, station, who, note in steps:
        text.append(f" → {word} ", style="dim")
        where = _("at {station}").format(station=station) if station else ""
        by = _("by {person}").format(person=plain(who)) if who else ""
        text.append(" ".join(part for part in (when, where, by) if part))
        if note:
            text.append(f": {plain(note)}", style="italic")
    return text


class DefectTable(FloorTable[str | Text]):
    """Shows defect records; keeps the cursor on the same defect when the list is read again."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row")
        self.records: list[DefectRecord] = []

    def show(self, records: list[DefectRecord], zone: str, select: int | None = None) -> None:
        """Fill the table; the cursor goes to defect ``select``, else stays on the defect it was on."""
        keep = select if select is not None else self.selected_id()
        self.records = list(records)
        rows = [
            (
                str(record.id),
                record.code,
                zone_words(record.zone),
                severity_text(record.severity, record.status),
                status_text(record.status, record.severity),
                f"{record.station} {day_text(record.found_at, zone)}",
                record.description,
            )
            for record in self.records
        ]
        ids = [r.id for r in self.records]
        row = ids.index(keep) if keep in ids else 0
        fill_table(self, [_(label) for label in COLUMNS], rows, [str(i) for i in ids], select=row)

    def selected(self) -> DefectRecord | None:
        """The defect under the cursor, or None when the table is empty."""
        if not self.records or self.row_count == 0:
            return None
        return self.records[min(self.cursor_row, len(self.records) - 1)]

    def selected_id(self) -> int | None:
        record = self.selected()
        return record.id if record else None


def quality_gates(catalog: PlantCatalog | None) -> str:
    """The plant's quality gates by code ("QG"), for the sentence that says a car may not pass."""
    gates = [s.code for s in catalog.production_route if s.kind == "quality_gate"] if catalog else []
    return ", ".join(gates) or _("the quality gate")


def car_defects_title(vin: str, defects: list[DefectRecord], gates: str) -> Text:
    """Above the defect entry's list: how many, how many not closed or to verify, and the serious ones."""
    title = Text(_("Defects on …{vin}:").format(vin=vin_tail(vin)) + " ")
    if not defects:
        title.append(_("none recorded"))
        return title
    unclosed = [d for d in defects if not d.is_closed]
    serious = [d for d in unclosed if d.is_serious]
    to_verify = sum(1 for d in unclosed if d.status == "repaired")
    title.append(_("{count}, {unclosed} not closed").format(count=len(defects), unclosed=len(unclosed)))
    if to_verify:
        title.append(" " + _("({count} to verify)").format(count=to_verify))
    if serious:
        title.append(" · ")
        warning = _("{count} serious: no pass at {gates}").format(count=len(serious), gates=gates)
        title.append(warning, style="bold red")
    return title
