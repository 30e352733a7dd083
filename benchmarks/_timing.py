"""Shared timing helper for the benchmark scripts: best of a few runs, in seconds."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(function: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs: the least disturbed by other work on a noisy machine."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def ratio_line(name: str, ours: float, reference: float, reference_name: str) -> str:
    timings = f"{ours * 1000:9.1f} ms   {reference_name}: {reference * 1000:9.1f} ms"
    return f"{name:<52} {timings}   ratio {ours / reference:6.2f}x"
