"""Paired timing for the benchmark scripts: ours and the reference run in alternation, several
rounds, and each is reported by its median with the spread of the rounds (min-max), so that a
burst of other work on a shared machine moves one round of both rather than one side alone."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Paired:
    ours: list[float]
    reference: list[float]

    @property
    def ratio(self) -> float:
        """The median of the rounds' ratios (each round times both sides back to back)."""
        return statistics.median(o / r for o, r in zip(self.ours, self.reference, strict=True))

    @property
    def ratio_spread(self) -> tuple[float, float]:
        ratios = [o / r for o, r in zip(self.ours, self.reference, strict=True)]
        return min(ratios), max(ratios)


def _once(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def paired(ours: Callable[[], object], reference: Callable[[], object], rounds: int = 5) -> Paired:
    """Time both ``rounds`` times, alternating which goes first, after one untimed warm-up each."""
    ours()
    reference()
    mine: list[float] = []
    theirs: list[float] = []
    for round_number in range(rounds):
        if round_number % 2:
            theirs.append(_once(reference))
            mine.append(_once(ours))
        else:
            mine.append(_once(ours))
            theirs.append(_once(reference))
    return Paired(mine, theirs)


def paired_line(name: str, result: Paired, reference_name: str, *, unit: str = "ms", per: int = 1) -> str:
    """One line: our median, the reference's median, the median ratio and its spread over rounds.
    ``per`` divides the times (per call, per value) and ``unit`` is ``ms`` or ``us``."""
    scale = (1000 if unit == "ms" else 1_000_000) / per
    low, high = result.ratio_spread
    ours = statistics.median(result.ours) * scale
    reference = statistics.median(result.reference) * scale
    return (
        f"{name:<56} {ours:9.2f} {unit}   {reference_name}: {reference:9.2f} {unit}"
        f"   ratio {result.ratio:5.2f}x ({low:.2f}-{high:.2f})"
    )
