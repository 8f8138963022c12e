"""PIN hashing: argon2id (argon2-cffi), and the check of hashes earlier versions wrote.

The cost is chosen for a 2-core shop-floor terminal so that one check stays well under 250 ms
(docs/security.md gives the figures). ``NEOFLOOR_ARGON2_COST=test`` selects a cheap cost, for
test suites only. Sign-in, lockout and PIN changes are in ``services/people/auth.py``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# 2 passes over 64 MiB on 2 lanes (one per core of a 2-core terminal): 64 MiB as RFC 9106's
# low-memory choice, one pass fewer so a cheap terminal stays well inside 250 ms (docs/security.md).
ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 64 * 1024
ARGON2_PARALLELISM = 2
COST_ENV = "NEOFLOOR_ARGON2_COST"
LEGACY_PREFIX = "pbkdf2_sha256$"


@cache
def _hasher(cost: str) -> PasswordHasher:
    if cost == "test":
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher(
        time_cost=ARGON2_TIME_COST, memory_cost=ARGON2_MEMORY_KIB, parallelism=ARGON2_PARALLELISM
    )


def hasher() -> PasswordHasher:
    """The plant's argon2id hasher (a cheap one only when ``NEOFLOOR_ARGON2_COST=test``)."""
    return _hasher("test" if os.environ.get(COST_ENV, "").strip().lower() == "test" else "real")


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """The argon2id hash of a PIN or a station secret (random salt, parameters kept in the hash).

    A fixed ``salt`` is for the demo plant only, so the same seed writes the same file; it
    always takes the real cost, whatever ``NEOFLOOR_ARGON2_COST`` says.
    """
    if salt is not None:
        return _hasher("real").hash(pin, salt=salt)
    return hasher().hash(pin)


def demo_salt(seed: int, badge: str) -> bytes:
    """The demo plant's salt for a badge: derived from the seed, so the example file is reproducible."""
    return hashlib.sha256(f"neofloor-demo:{seed}:{badge}".encode()).digest()[:16]


def legacy_pin_hash(pin: str, badge: str) -> str:
    """The PBKDF2 hash earlier versions wrote (the badge was the salt): checked, never written."""
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), f"neofloor:{badge}".encode(), 100_000)
    return LEGACY_PREFIX + "100000$" + digest.hex()


def pin_matches(stored: str, pin: str, badge: str) -> bool:
    """Does ``pin`` match the stored hash (argon2id, or a legacy PBKDF2 hash)?"""
    if stored.startswith(LEGACY_PREFIX):
        return hmac.compare_digest(stored, legacy_pin_hash(pin, badge))
    try:
        return hasher().verify(stored, pin)
    except (VerificationError, InvalidHashError):
        return False


def needs_upgrade(stored: str) -> bool:
    """A legacy hash, or an argon2 hash of another cost: rewritten at the next good sign-in."""
    return stored.startswith(LEGACY_PREFIX) or hasher().check_needs_rehash(stored)
