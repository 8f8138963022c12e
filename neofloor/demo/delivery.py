"""The second half of a generated car's life: serials at stations, the yard, PDI, the handover.

Nothing here draws from the generator's random stream: serials follow the car's number,
lots the week the part was fitted, spots a free list, the PDI's few failures the car's number,
so adding this half changed nothing of the line's history for a given seed.
"""

from __future__ import annotations

import heapq
import itertools
import json
import re
import sqlite3
from collections.abc import Callable
from datetime import date

from neofloor.demo.rows import DAY_US, EPOCH_ORDINAL, OPEN, REPAIRED, US, VERIFIED, Counts, Rows, stamp
from neofloor.services.plant.config import PlantConfig

# A serial for car number ``n`` of each demo part, in the demo plant's formats.
SERIALS: dict[str, Callable[[int, int], str]] = {
    "ECU": lambda n, year: f"ECU{n * 2654435761 % 16**10:010X}",
    "AIRBAG-P": lambda n, year: f"ABP{400_000_000 + n * 7:09d}",
    "AIRBAG-D": lambda n, year: f"ABD{300_000_000 + n * 7:09d}",
    "ENGINE": lambda n, year: f"H4B{1_000_000 + n * 3:07d}",
    "HV-BATTERY": lambda n, year: f"HVB{year % 100:02d}A{n:07d}",
    "MOTOR": lambda n, year: f"TM{2_000_000_000 + n * 11:010d}",
    "OBC": lambda n, year: f"OBC{500_000_000 + n * 13:09d}",
}
# A replacement ECU's serial number: far above any car's own.
REPLACEMENT_SERIALS_FROM = 5_000_000
REPLACEMENT_REASON = "Fault code U0100 (lost communication with ECU): ECU replaced"
# Parts whose supplier lot is recorded: the week it was fitted, per part.
LOT_PREFIX = {"AIRBAG-P": "ABP", "AIRBAG-D": "ABD", "HV-BATTERY": "HVB"}
DEALERS = ("Auto Atlas Casablanca", "Rabat Motors", "Tanger Auto Nord", "Marrakech Auto Sud")
# Who parks, inspects and hands over in the demo.
YARD_BADGE, PDI_BADGE, HANDOVER_BADGE = "1006", "2002", "1006"
# PDI failures: the item that fails on one car in FAIL_EVERY, and the defect it finds.
FAIL_EVERY = 23
PDI_FAILURES = (
    ("PAINT", "PT-SCR", "left"),
    ("INTERIOR", "AS-TRIM", "interior"),
    ("LIGHTS", "EL-LAMP", "front"),
)


class AfterLine:
    """Mixed into the generator's ledger: the rows of a car's life after the quality gate."""

    raw: sqlite3.Connection
    rows: Rows
    end: int
    operator_ids: dict[str, int]
    station_ids: dict[str, int]
    next_defect_id: Callable[[], int]
    next_defect_event_id: Callable[[], int]
    counts: Counts

    def _setup_after_line(self, config: PlantConfig) -> None:
        """Read the parts, the checklist and the yard the plant config wrote."""
        models = dict(self.raw.execute("SELECT code, id FROM vehicle_model"))
        # (station id, model id) -> [(part id, serial maker, lot prefix or None)]
        self.parts_at: dict[tuple[int, int], list[tuple[int, Callable[[int, int], str], str | None]]] = {}
        self.next_component_id = itertools.count(1).__next__
        self.next_pdi_id = itertools.count(1).__next__
        for part_id, code, station_id, model_codes, pattern in self.raw.execute(
            "SELECT id, code, station_id, models, serial_format FROM component_part ORDER BY id"
        ):
            maker = SERIALS.get(code)
            if maker is None or not re.fullmatch(pattern, maker(1, 2026)):
                continue  # a part this generator cannot make serials for
            for model_code, model_id in models.items():
                if not model_codes or model_code in model_codes.split(","):
                    entry = (part_id, maker, LOT_PREFIX.get(code))
                    self.parts_at.setdefault((station_id, model_id), []).append(entry)
        self.checklists: dict[int, list[tuple[int, str]]] = {model_id: [] for model_id in models.values()}
        for item_id, code, model_codes in self.raw.execute(
            "SELECT id, code, models FROM pdi_item ORDER BY position, id"
        ):
            for model_code, model_id in models.items():
                if not model_codes or model_code in model_codes.split(","):
                    self.checklists[model_id].append((item_id, code))
        self.catalog_ids = dict(self.raw.execute("SELECT code, id FROM defect_catalog"))
        self.catalog_severity = dict(self.raw.execute("SELECT code, default_severity FROM defect_catalog"))
        # Free spots, handed out in order; a spot comes back when its car is handed over.
        self.free_spots: list[tuple[int, int, str]] = [
            (0, i, f"{row}-{place:02d}")
            for i, (row, place) in enumerate(
                (row, place) for row in config.yard_rows for place in range(1, config.yard_places + 1)
            )
        ]
        self.lot_of_day: dict[int, str] = {}
        self.checklist_json: dict[int, str] = {}
        # The part a repair replaces now and then (the main ECU), when the plant has it.
        self.replaced_in_repair = next(
            ((pid, maker) for entries in self.parts_at.values() for pid, maker, _lot in entries
             if maker is SERIALS["ECU"]),
            None,
        )  # fmt: skip
        self.year_of_day: dict[int, int] = {}

    def _week_lot(self, day: int, prefix: str) -> str:
        lot = self.lot_of_day.get(day)
        if lot is None:
            year, week, _ = date.fromordinal(EPOCH_ORDINAL + day).isocalendar()
            lot = self.lot_of_day[day] = f"{year % 100:02d}W{week:02d}"
        return f"{prefix}-{lot}"

    def _fit_parts(
        self,
        vid: int,
        parts: list[tuple[int, Callable[[int, int], str], str | None]],
        station_id: int,
        at: int,
        at_text: str,
        operator_id: int,
    ) -> None:
        """The serials a station captures, recorded as the car completes there (``at``)."""
        day = at // DAY_US
        year = self.year_of_day.get(day)
        if year is None:
            year = self.year_of_day[day] = date.fromordinal(EPOCH_ORDINAL + day).year
        append = self.rows.fitted_component.append
        next_id = self.next_component_id
        for part_id, maker, lot_prefix in parts:
            lot = self._week_lot(day, lot_prefix) if lot_prefix else None
            serial = maker(vid, year)
            append((next_id(), vid, part_id, serial, lot, station_id, at_text, operator_id, None, None, ""))

    def _replace_in_repair(self, vid: int, at: int) -> None:
        """One repair visit in three replaces the car's ECU, if it has one yet: the old serial is
        marked removed, the new one fitted at the bay (the car's rows are still in the buffer)."""
        if self.replaced_in_repair is None or vid % 3 or at >= self.end:
            return
        part_id, maker = self.replaced_in_repair
        rows = self.rows.fitted_component
        for index in range(len(rows) - 1, max(-1, len(rows) - 12), -1):
            row = rows[index]
            if row[1] == vid and row[2] == part_id and row[8] is None:
                break
        else:
            return
        repairer = self.operator_ids["1005"]
        when = stamp(at)
        rows[index] = (*row[:8], when, repairer, REPLACEMENT_REASON)
        new_serial = maker(vid + REPLACEMENT_SERIALS_FROM, 0)
        bay = self.station_ids["REPAIR"]
        new_row = (self.next_component_id(), vid, part_id, new_serial, None, bay, when, repairer)
        rows.append((*new_row, None, None, ""))

    def _park(self, vid: int, finished: int, delivered: int | None) -> tuple[int, str] | None:
        """Give the finished car the first free spot, kept until its handover: (when parked, spot)."""
        spots = self.free_spots
        parked = finished + 20 * 60 * US
        if not spots or spots[0][0] > parked or parked >= self.end:
            return None
        _free_from, order, spot = heapq.heappop(spots)
        if delivered is None:
            self.rows.yard_place.append((vid, spot, stamp(parked), self.operator_ids[YARD_BADGE]))
        else:
            heapq.heappush(spots, (delivered, order, spot))
        return parked, spot

    def _pdi(self, vid: int, model_id: int, finished: int, until: int) -> tuple[bool, int | None]:
        """The car's inspection between its finish and ``until`` (its handover, or the end of history).

        Returns whether it passed and when. It starts a day after the finish. A car handed over
        passed (one in FAIL_EVERY after a defect found, repaired and the item checked again).
        Of the cars still in the yard at the end, one in five stands with a failed item and its
        defect open, one in five with the checklist half done; the rest passed.
        """
        checklist = self.checklists.get(model_id, [])
        if not checklist:
            return True, None
        begin = finished + 26 * 3600 * US
        if begin >= self.end:
            return False, None
        in_yard_at_end = until >= self.end
        inspector = self.operator_ids[PDI_BADGE]
        yard = self.station_ids["YARD"]
        append = self.rows.pdi_check.append
        failing = None
        if vid % FAIL_EVERY == 0 or (in_yard_at_end and vid % 5 == 0):
            failing = PDI_FAILURES[(vid // 5) % len(PDI_FAILURES)]
        stop_after = len(checklist) // 2 if in_yard_at_end and vid % 5 == 1 else len(checklist)
        step = 3 * 60 * US
        if failing is None and stop_after == len(checklist) and begin + step * len(checklist) < self.end:
            # Most cars: every item passed at the first walk round, three minutes apart.
            next_id = self.next_pdi_id
            for n, (item_id, _code) in enumerate(checklist, 1):
                append((next_id(), vid, item_id, 1, None, inspector, stamp(begin + n * step)))
            return True, begin + len(checklist) * step
        at = begin
        passed_at = None
        for item_id, code in checklist[:stop_after]:
            at += 3 * 60 * US
            if at >= self.end:
                return False, None
            if failing is not None and code == failing[0]:
                left_open = in_yard_at_end and vid % 5 == 0
                defect_id = self._pdi_defect(vid, yard, failing[1], failing[2], at, inspector, left_open)
                append((self.next_pdi_id(), vid, item_id, 0, defect_id, inspector, stamp(at)))
                recheck = at + 4 * 3600 * US
                if left_open or recheck >= self.end or recheck >= until:
                    return False, None
                append((self.next_pdi_id(), vid, item_id, 1, None, inspector, stamp(recheck)))
                passed_at = recheck
            else:
                append((self.next_pdi_id(), vid, item_id, 1, None, inspector, stamp(at)))
        if stop_after < len(checklist):
            return False, None
        passed_at = max(at, passed_at or 0)
        return passed_at < self.end, passed_at

    def _pdi_defect(
        self, vid: int, yard: int, code: str, zone: str, at: int, inspector: int, left_open: bool
    ) -> int | None:
        """The defect a failed PDI item logs; repaired and verified within hours unless left open."""
        entry = self.catalog_ids.get(code)
        if entry is None:
            return None
        defect_id = self.next_defect_id()
        repaired = at + 2 * 3600 * US
        verified = at + 3 * 3600 * US
        repaired_ok = repaired < self.end and not left_open
        verified_ok = repaired_ok and verified < self.end
        status = VERIFIED if verified_ok else REPAIRED if repaired_ok else OPEN
        repairer = self.operator_ids["1005"]
        self.counts.defects += 1
        severity = self.catalog_severity[code]
        note = "Touched up in the yard"
        repair = (stamp(repaired), repairer, yard, note) if repaired_ok else (None, None, None, "")
        verify = (stamp(verified), self.operator_ids["2001"]) if verified_ok else (None, None)
        self.rows.defect.append(
            (defect_id, vid, yard, entry, zone, severity, "found at PDI", status, stamp(at), inspector,
             *repair, *verify, "")
        )  # fmt: skip
        trail = (
            ("found", at, inspector, "found at PDI"),
            ("repaired", repaired, repairer, "Touched up in the yard"),
            ("verified", verified, self.operator_ids["2001"], ""),
        )
        for kind, moment, operator_id, note in trail:
            if moment >= self.end:
                break
            self.rows.defect_event.append(
                (self.next_defect_event_id(), defect_id, kind, stamp(moment), operator_id, yard, note)
            )
        return defect_id

    def _checklist_json(self, model_id: int) -> str:
        """What the delivery row keeps of a passed checklist (the same for every car of a model)."""
        text = self.checklist_json.get(model_id)
        if text is None:
            checklist = self.checklists.get(model_id, [])
            passed = {code: True for _id, code in checklist}
            text = self.checklist_json[model_id] = json.dumps(passed, sort_keys=True)
        return text

    def _sale(self, vid: int) -> tuple[str, str]:
        """(customer reference, dealer): one car in three sold directly, the rest through a dealer."""
        dealer = "" if vid % 3 == 0 else DEALERS[(vid // 3) % len(DEALERS)]
        return f"CT-{vid:07d}", dealer

