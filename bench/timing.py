"""Timing a call a fixed number of times, and the figures a table shows of it."""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """Milliseconds of ``n`` timed runs of one operation."""

    n: int
    median: float
    p95: float
    p99: float
    max: float
    min: float
    # The calling thread's CPU time per run (no waiting on the disk or for a core): on a
    # loaded machine, the part of the figure that is the code's own.
    cpu_median: float | None = None
    cpu_p95: float | None = None

    def as_dict(self) -> dict[str, float | int]:
        out: dict[str, float | int] = {
            "n": self.n,
            "median_ms": round(self.median, 3),
            "p95_ms": round(self.p95, 3),
            "p99_ms": round(self.p99, 3),
            "max_ms": round(self.max, 3),
            "min_ms": round(self.min, 3),
        }
        if self.cpu_median is not None and self.cpu_p95 is not None:
            out["cpu_median_ms"] = round(self.cpu_median, 3)
            out["cpu_p95_ms"] = round(self.cpu_p95, 3)
        return out


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``pct`` % of values at or below it."""
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def figure(samples_ms: Sequence[float], cpu_ms: Sequence[float] = ()) -> Figure:
    values = sorted(samples_ms)
    if not values:
        raise ValueError("no samples")
    middle = len(values) // 2
    median = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    cpu = sorted(cpu_ms)
    return Figure(
        n=len(values),
        median=median,
        p95=percentile(values, 95),
        p99=percentile(values, 99),
        max=values[-1],
        min=values[0],
        cpu_median=cpu[len(cpu) // 2] if cpu else None,
        cpu_p95=percentile(cpu, 95) if cpu else None,
    )


def time_calls(call: Callable[[int], object], repeat: int, *, warmup: int = 3) -> Figure:
    """Run ``call(i)`` ``warmup`` times untimed, then ``repeat`` times timed, one by one.

    The garbage collector stays on, as in the app: its pauses are part of what an
    operator would wait for.
    """
    for i in range(warmup):
        call(i)
    samples, cpu = [], []
    gc.collect()
    for i in range(repeat):
        began, began_cpu = time.perf_counter(), time.thread_time()
        call(warmup + i)
        samples.append((time.perf_counter() - began) * 1000)
        cpu.append((time.thread_time() - began_cpu) * 1000)
    return figure(samples, cpu)
