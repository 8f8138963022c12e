"""A car's defects in a table: what, where, how serious, and how far each got (open -> verified).

The defect entry and the car's screen show the same table, so a status reads
the same everywhere: an unclosed serious defect in bold red (it stops the car
at the quality gate), a repair waiting for an inspector in yellow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from neofloor.tui.formatting import day_text, vin_tail
from neofloor.tui.safe_text import plain
from neofloor.tui.widgets.floor_table import FloorTable
from neofloor.tui.widgets.tables import fill_table

if TYPE_CHECKING:
    from neofloor.services.plant.catalog import PlantCatalog
    from neofloor.services.quality import DefectRecord, DefectStory

STATUS_WORDS = {
    "open": "open",
    "repaired": "repaired: to verify",
    "verified": "verified",
    "cancelled": "cancelled",
}
EVENT_WORDS = {
    "found": "found",
    "repaired": "repaired",
    "verified": "verified",
    "rejected": "repair rejected",
    "cancelled": "cancelled",
}
SERIOUS = ("critical", "major")
UNCLOSED = ("open", "repaired")
COLUMNS = ("#", "Code", "Zone", "Severity", "Status", "Found", "What")


def zone_words(zone: str) -> str:
    """A zone key as people read it ("hv_battery" -> "HV battery")."""
    return "HV battery" if zone == "hv_battery" else zone.replace("_", " ")


def severity_text(severity: str, status: str) -> Text:
    """The severity, loud only while it still matters (unclosed and serious)."""
    if severity in SERIOUS and status in UNCLOSED:
        return Text(severity, style="bold red" if severity == "critical" else "bold")
    return Text(severity, style="" if status in UNCLOSED else "dim")


def status_text(status: str, severity: str, *, short: bool = False) -> Text:
    """The status in the floor's words: red while a serious defect is open, yellow awaiting an inspector."""
    words = status if short else STATUS_WORDS.get(status, status)
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
    text.append(f" {plain(record.description)} · {zone_words(record.zone)} · {record.severity}")
    if record.note:
        text.append(f" · {plain(record.note)}")
    steps: list[tuple[str, str, str | None, str | None, str]] = []
    if story is not None and story.defect.status == record.status:
        steps = [
            (EVENT_WORDS.get(e.kind, e.kind), day_text(e.at, zone), e.station, e.operator, e.note)
            for e in story.events
            if e.kind != "found"
        ]
    else:
        if record.repaired_at is not None:
            when = day_text(record.repaired_at, zone)
            steps.append(("repaired", when, record.repair_station, record.repaired_by, record.repair_note))
        if record.verified_at is not None:
            steps.append(("verified", day_text(record.verified_at, zone), None, record.verified_by, ""))
        if record.status == "cancelled":
            steps.append(("cancelled", "", None, None, record.cancel_reason))
    text.append("\nfound ", style="dim")
    text.append(f"{day_text(record.found_at, zone)} at {record.station}")
    if record.found_by:
        text.append(f" by {plain(record.found_by)}")
    for word, when, station, who, note in steps:
        text.append(f" → {word} ", style="dim")
        where = f"at {station}" if station else ""
        text.append(" ".join(part for part in (when, where, f"by {plain(who)}" if who else "") if part))
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
        fill_table(self, COLUMNS, rows, [str(i) for i in ids], select=row)

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
    return ", ".join(gates) or "the quality gate"


def car_defects_title(vin: str, defects: list[DefectRecord], gates: str) -> Text:
    """Above the defect entry's list: how many, how many not closed or to verify, and the serious ones."""
    title = Text(f"Defects on …{vin_tail(vin)}: ")
    if not defects:
        title.append("none recorded")
        return title
    unclosed = [d for d in defects if not d.is_closed]
    serious = [d for d in unclosed if d.is_serious]
    to_verify = sum(1 for d in unclosed if d.status == "repaired")
    title.append(f"{len(defects)}, {len(unclosed)} not closed")
    if to_verify:
        title.append(f" ({to_verify} to verify)")
    if serious:
        title.append(" · ")
        title.append(f"{len(serious)} serious: no pass at {gates}", style="bold red")
    return title
