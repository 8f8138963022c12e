"""The words people read for the plant's stored values (a car's state, a defect's severity and
status), in the language spoken now: the database keeps the English codes, screens and refusals
show these."""

from __future__ import annotations

from neofloor.i18n import N_, _

# A car's state as a sentence says it ("in station", not "in_station").
STATE_WORDS = {
    "planned": N_("planned"),
    "queued": N_("queued"),
    "in_station": N_("in station"),
    "held": N_("held"),
    "in_repair": N_("in repair"),
    "finished": N_("finished"),
    "delivered": N_("delivered"),
}

SEVERITY_WORDS = {"critical": N_("critical"), "major": N_("major"), "minor": N_("minor")}

DEFECT_STATUS_WORDS = {
    "open": N_("open"),
    "repaired": N_("repaired"),
    "verified": N_("verified"),
    "cancelled": N_("cancelled"),
}


# What a financing partner is, as its config says ("bank", "leasing").
FINANCING_KIND_WORDS = {"bank": N_("bank"), "leasing": N_("leasing")}


def state_word(state: str) -> str:
    """"in_station" -> "in station" (English), "au poste" (French); an unknown state as it is."""
    word = STATE_WORDS.get(str(state))
    return _(word) if word else str(state).replace("_", " ")


def severity_word(severity: str) -> str:
    """"critical" -> "critical" / "critique"."""
    word = SEVERITY_WORDS.get(str(severity))
    return _(word) if word else str(severity)


def defect_status_word(status: str) -> str:
    """"repaired" -> "repaired" / "retouché"."""
    word = DEFECT_STATUS_WORDS.get(str(status))
    return _(word) if word else str(status)


def financing_kind_word(kind: str) -> str:
    """"leasing" -> "leasing" / "crédit-bail"; a kind the config invented as it is."""
    word = FINANCING_KIND_WORDS.get(str(kind))
    return _(word) if word else str(kind)
