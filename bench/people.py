"""People and trust, measured: the PIN check, what the hash chain adds to a scan, and ``verify``.

Run alone (the machine is shared): ``python -m bench.people [--plant PATH] [--scans N]``.

- PIN check: argon2id at the production cost, median and max of a few checks (budget 250 ms).
- Scan: scans on a copy of a 1-year plant, one with the chain (the ledger's and the audit's),
  the next with the chain's lock-and-hash replaced by constants, in turn; the difference of the
  p99s is what the chain adds (budget 0.3 ms). On a shared machine that difference is mostly the
  fsync's noise, so the chain's own work in each chained scan (its two head reads and two
  hashes, timed where they run) is given too, p50 and p99.
- verify: both chains of the 10-year plant walked (budget 60 s), after migration 0004 chained its
  existing events (timed too: a one-time cost when an old plant upgrades).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.scans import BADGES, SCAN_GAP, backlog, route

DATA = Path(__file__).parent / "data"


def pin_check() -> dict[str, float]:
    from neofloor.services.plant.pins import _hasher

    hasher = _hasher("real")
    stored = hasher.hash("4821")
    times = []
    for _ in range(7):
        began = time.perf_counter()
        hasher.verify(stored, "4821")
        times.append((time.perf_counter() - began) * 1000)
    return {"median_ms": statistics.median(times), "max_ms": max(times)}


def scan_chain(plant: Path, count: int) -> dict[str, float]:
    """Scans with the chain and without it, interleaved one by one on one copy of the plant.

    Interleaving puts both sides on the same disk, load and growing WAL (as bench/scans.py does);
    "without" replaces the chain's lock-and-head and hash, for the ledger and the audit, by constants.
    """
    import neofloor.services.people.audit as audit
    import neofloor.services.tracking.ledger as ledger
    from neofloor.services.scan import record_scan
    from neofloor.store.engine import Database

    copy = DATA / "people-scan.db"
    shutil.copyfile(plant, copy)
    Database(f"sqlite:///{copy}").dispose()  # migration 0004 chains the copy before any timing
    real = (ledger.lock_and_head, ledger.row_hash)

    def plain_head(conn: object, table: str) -> str:
        return "0" * 64

    def plain_hash(previous: str, values: object) -> str:
        return previous

    # The chain's own work in each chained scan (its heads and hashes, timed where they run): a
    # figure the fsync's and the shared machine's noise on whole scans cannot hide.
    spent = [0.0]

    def timed_head(conn: object, table: str) -> str:
        began = time.perf_counter()
        try:
            return real[0](conn, table)  # type: ignore[arg-type]
        finally:
            spent[0] += time.perf_counter() - began

    def timed_hash(previous: str, values: object) -> str:
        began = time.perf_counter()
        try:
            return real[1](previous, values)  # type: ignore[arg-type]
        finally:
            spent[0] += time.perf_counter() - began

    def use(chained: bool) -> None:
        head, digest = (timed_head, timed_hash) if chained else (plain_head, plain_hash)
        ledger.lock_and_head = audit.lock_and_head = head  # type: ignore[assignment]
        ledger.row_hash = audit.row_hash = digest  # type: ignore[assignment]

    database = Database(f"sqlite:///{copy}")
    stations = route(copy)
    at = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)
    times: dict[bool, list[float]] = {True: [], False: []}
    own: list[float] = []
    chained = True
    for vin in backlog(copy, count):
        for station in stations:
            for _ in range(2):  # start, complete
                use(chained)
                spent[0] = 0.0
                began = time.perf_counter()
                with database.write() as session:
                    record_scan(session, station, vin, BADGES[station], "bench", now=at)
                times[chained].append((time.perf_counter() - began) * 1000)
                if chained:
                    own.append(spent[0] * 1000)
                chained = not chained
                at += SCAN_GAP
        at += timedelta(seconds=1)
    ledger.lock_and_head = audit.lock_and_head = real[0]  # type: ignore[assignment]
    ledger.row_hash = audit.row_hash = real[1]  # type: ignore[assignment]
    database.dispose()
    copy.unlink()
    chain, plain = times[True], times[False]
    return {
        "scans_each": len(chain),
        "p50_chain_ms": statistics.median(chain),
        "p50_plain_ms": statistics.median(plain),
        "p99_chain_ms": _p99(chain),
        "p99_plain_ms": _p99(plain),
        "p99_added_ms": _p99(chain) - _p99(plain),
        "chain_own_p50_ms": statistics.median(own),
        "chain_own_p99_ms": _p99(own),
    }


def _p99(times: list[float]) -> float:
    return statistics.quantiles(times, n=100)[98]


def verify_plant(plant: Path) -> dict[str, float]:
    from neofloor.services.people.verify import check_chains
    from neofloor.store.engine import Database
    from neofloor.store.migrate import upgrade

    copy = DATA / "people-verify.db"
    shutil.copyfile(plant, copy)
    database = Database(f"sqlite:///{copy}", upgrade=False)
    began = time.perf_counter()
    upgrade(database.engine)
    migrated = time.perf_counter() - began
    began = time.perf_counter()
    with database.read() as session:
        run = check_chains(session)
    walked = time.perf_counter() - began
    database.dispose()
    copy.unlink()
    return {"migration_s": migrated, "verify_s": walked, "events": run.events_checked, "ok": run.ok}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--scans", type=int, default=100, help="cars (each started and completed along the route)"
    )
    parser.add_argument("--plant-1y", type=Path, default=DATA / "plant-1y-15000.db")
    parser.add_argument("--plant-10y", type=Path, default=DATA / "plant-10y-15000.db")
    parser.add_argument("--skip", nargs="*", default=[])
    args = parser.parse_args()
    if "pin" not in args.skip:
        print("PIN check (argon2id, production cost):", pin_check())
    if "scan" not in args.skip:
        print("Scan with and without the chain:", scan_chain(args.plant_1y, args.scans))
    if "verify" not in args.skip:
        print("verify of the 10-year plant:", verify_plant(args.plant_10y))


if __name__ == "__main__":
    main()
