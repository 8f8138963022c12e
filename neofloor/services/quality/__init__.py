"""The quality inspector's concern: the defect catalog, defects and their repair and verification,
and the quality views; this package's names are its public face for the screens and the CLI.
"""

from __future__ import annotations

from neofloor.services.quality.catalog import (
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
from neofloor.services.quality.defects import (
    DefectResult,
    add_defect,
    cancel_defect,
    reject_repair,
    repair_defect,
    verify_defect,
)
from neofloor.services.quality.records import (
    UNCLOSED,
    DefectEventLine,
    DefectRecord,
    DefectStory,
    car_defects,
    defect_history,
    defect_record,
    delivery_defects,
)
from neofloor.services.quality.reports import (
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
from neofloor.services.tracking.scans import blocking_defects

__all__ = [
    "AGE_BANDS",
    "SEVERITIES",
    "STATUSES",
    "UNCLOSED",
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
