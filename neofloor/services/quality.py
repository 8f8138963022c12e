"""The quality inspector's services in one place: catalog, defects, repairs, gates and reports.

The screens and the CLI import from here; the work is done in
``defect_catalog`` (catalog, zones, fuzzy matching), ``defects`` (logging and
the open -> repaired -> verified state machine), ``defect_records`` (reading
defects and their story) and ``quality_reports`` (open defects, counts, Pareto).
The quality gate itself is checked where cars move, in ``tracking``.
"""

from __future__ import annotations

from neofloor.services.defect_catalog import (
    SEVERITIES,
    ZONE_LABELS,
    CatalogEntry,
    CatalogMatch,
    catalog_entries,
    catalog_entry,
    match_catalog,
    match_zones,
    normalize_severity,
    normalize_zone,
)
from neofloor.services.defect_records import (
    UNCLOSED,
    DefectEventLine,
    DefectRecord,
    DefectStory,
    car_defects,
    defect_history,
    defect_record,
    delivery_defects,
)
from neofloor.services.defects import (
    QUALITY_STAFF,
    VERIFIERS,
    DefectResult,
    add_defect,
    cancel_defect,
    reject_repair,
    repair_defect,
    verify_defect,
)
from neofloor.services.quality_reports import (
    AGE_BANDS,
    STATUSES,
    DefectPareto,
    OpenDefectCell,
    OpenDefectCounts,
    ParetoLine,
    defect_pareto,
    open_defect_counts,
    open_defects,
    parse_day,
    plant_days,
)
from neofloor.services.tracking import blocking_defects

__all__ = [
    "AGE_BANDS",
    "QUALITY_STAFF",
    "SEVERITIES",
    "STATUSES",
    "UNCLOSED",
    "VERIFIERS",
    "ZONE_LABELS",
    "CatalogEntry",
    "CatalogMatch",
    "DefectEventLine",
    "DefectPareto",
    "DefectRecord",
    "DefectResult",
    "DefectStory",
    "OpenDefectCell",
    "OpenDefectCounts",
    "ParetoLine",
    "add_defect",
    "blocking_defects",
    "cancel_defect",
    "car_defects",
    "catalog_entries",
    "catalog_entry",
    "defect_history",
    "defect_pareto",
    "defect_record",
    "delivery_defects",
    "match_catalog",
    "match_zones",
    "normalize_severity",
    "normalize_zone",
    "open_defect_counts",
    "open_defects",
    "parse_day",
    "plant_days",
    "reject_repair",
    "repair_defect",
    "verify_defect",
]
