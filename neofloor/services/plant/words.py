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


def said(words: dict[str, str], code: str, unknown: str | None = None) -> str:
    """A stored code in the words of the language spoken now, from one of these tables; a code the
    table does not know as ``unknown`` (default: the code as it is stored)."""
    word = words.get(str(code))
    return _(word) if word else (str(code) if unknown is None else unknown)


def state_word(state: str) -> str:
    """"in_station" -> "in station" (English), "au poste" (French); an unknown state as it is."""
    return said(STATE_WORDS, state, str(state).replace("_", " "))


def severity_word(severity: str) -> str:
    """"critical" -> "critical" / "critique"."""
    return said(SEVERITY_WORDS, severity)


def defect_status_word(status: str) -> str:
    """"repaired" -> "repaired" / "retouché"."""
    return said(DEFECT_STATUS_WORDS, status)


def financing_kind_word(kind: str) -> str:
    """"leasing" -> "leasing" / "crédit-bail"; a kind the config invented as it is."""
    return said(FINANCING_KIND_WORDS, kind)
