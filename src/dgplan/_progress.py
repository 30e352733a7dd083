"""When a KPI is done, over plain values: the one set of rules for the models
(:class:`dgplan.kpi.KPI`, :class:`dgplan.kpi.Target`) and for :class:`KPIProgress`, the snapshot of
a KPI that the due questions read (:mod:`dgplan.queries`), which the ``dgplan due`` command reads
back from its cache without importing the models (pydantic).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

__all__ = ["KPIProgress", "latest_index", "meets"]


def meets(comparison: str, goal: float | None, target_value: float, value: float) -> bool:
    """Whether ``value`` satisfies a target: ``comparison`` as the target states it (``change``
    takes its direction from the sign of ``target_value``), ``goal`` the absolute value to reach
    (None when unknown: never met)."""
    if goal is None:
        return False
    if comparison == "change":
        comparison = "<=" if target_value < 0 else ">="
    return {
        ">=": value >= goal,
        ">": value > goal,
        "<=": value <= goal,
        "<": value < goal,
        "=": value == goal,
    }[comparison]


def latest_index(days: Sequence[date], as_of: date) -> int | None:
    """The index of the latest day on or before ``as_of`` (the first of equal ones), or None."""
    latest: int | None = None
    for index, day in enumerate(days):
        if day <= as_of and (latest is None or day > days[latest]):
            latest = index
    return latest


@dataclass(frozen=True, slots=True)
class KPIProgress:
    """What decides whether a KPI is done: the day it was marked done, its observations (day,
    value) in the plan's order, and its target's terms (``has_target`` False: no target)."""

    done_on: date | None
    observations: tuple[tuple[date, float], ...]
    has_target: bool
    comparison: str
    goal: float | None
    target_value: float

    def is_met_by(self, value: float) -> bool:
        """Whether ``value`` satisfies the target (never, without one)."""
        return self.has_target and meets(self.comparison, self.goal, self.target_value, value)

    def is_done(self, *, as_of: date) -> bool:
        """A KPI is done when marked done, or when its latest value meets its target."""
        if self.done_on is not None and self.done_on <= as_of:
            return True
        latest = latest_index([day for day, _ in self.observations], as_of)
        return latest is not None and self.is_met_by(self.observations[latest][1])
