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


def interleaved(functions: dict[str, Callable[[], object]], rounds: int = 5) -> dict[str, list[float]]:
    """Each function timed once per round, in turn, for ``rounds`` rounds: on a shared machine the
    load moves from minute to minute, and interleaving spreads it over all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(rounds):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return times


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def spread(values: list[float]) -> str:
    """The median and the range, in ms: ``12.3 ms (11.9-14.0)``."""
    return f"{median(values) * 1000:9.1f} ms ({min(values) * 1000:.1f}-{max(values) * 1000:.1f})"


def ratios(ours: list[float], reference: list[float]) -> str:
    """The median of the per-round ratios, and their range: rounds run side by side, so each
    round's ratio compares the two under the same load."""
    each = [mine / theirs for mine, theirs in zip(ours, reference, strict=True)]
    return f"{median(each):5.2f}x ({min(each):.2f}-{max(each):.2f})"
