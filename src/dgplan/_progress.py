"""The rules of progress over plain values (spec §6 and §6a): when an occurrence of a due item is
done, and how a KPI is graded. One set of rules for the questions (:mod:`dgplan.queries`, which
decides every status from them) and for the models' own ``KPI.grade`` (:mod:`dgplan.kpi`, which
may not import the questions); :class:`KPIProgress` is the snapshot of a KPI they read, which the
``dgplan due`` command reads back from its cache without importing the models (pydantic).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from dgplan.deadline import DATED_KINDS, Deadline, Recurrence
from dgplan.fiscal import Interval

__all__ = ["GRADES", "GRADE_WORDS", "Grade", "KPIProgress", "cycle_start", "grade_kpi", "latest_index", "meets"]

Grade = Literal["A", "B", "N", "F", "no target", "no baseline", "unset"]
"""A KPI's review status (spec §6, §6a): ``A`` on track, ``B`` behind, ``N`` not yet observed, ``F``
the carrying-out of the measure itself (done or not done), ``no target`` a metric with no target,
``no baseline`` a change target whose baseline value is unknown, ``unset`` for 未設定.
``GRADE_WORDS`` says each in words.

>>> from datetime import date
>>> import dgplan
>>> statuses = dgplan.load_plan().kpi_status(as_of=date(2022, 4, 1))
>>> {status.grade for status in statuses} <= set(dgplan.kpi.GRADE_WORDS)
True
>>> dgplan.kpi.GRADE_WORDS["B"]
'behind (or its target missed)'
"""
#: The grades a KPI can have, in the order reports list them.
GRADES: tuple[Grade, ...] = ("A", "B", "N", "F", "no target", "no baseline", "unset")
#: What each grade means, in the words the CLI, the report and the docs use.
GRADE_WORDS: dict[Grade, str] = {
    "A": "on track",
    "B": "behind (or its target missed)",
    "N": "no observation yet",
    "F": "the measure itself, done or not done",
    "no target": "a metric with no target",
    "no baseline": "a change target whose baseline value is unknown",
    "unset": "no KPI set yet (未設定)",
}


def meets(comparison: str, goal: float | None, target_value: float, value: float) -> bool:
    """Whether ``value`` satisfies a target: ``comparison`` as the target states it (``change``
    takes its direction from the sign of ``target_value``), ``goal`` the absolute value to reach
    (None when unknown: never met). 超 (>) and 未満 (<) are strict, 以上 and 以下 are not."""
    if goal is None:
        return False
    if comparison == "change":
        comparison = "<=" if target_value < 0 else ">="
    # A chain, not a table of all five answers: every status question asks this per observation.
    if comparison == ">=":
        return value >= goal
    if comparison == "<=":
        return value <= goal
    if comparison == ">":
        return value > goal
    if comparison == "<":
        return value < goal
    if comparison == "=":
        return value == goal
    raise KeyError(comparison)


def latest_index(days: Sequence[date], as_of: date) -> int | None:
    """The index of the latest day on or before ``as_of`` (the first of equal ones), or None."""
    latest: int | None = None
    for index, day in enumerate(days):
        if day <= as_of and (latest is None or day > days[latest]):
            latest = index
    return latest


def cycle_start(deadline: Deadline, window: Interval) -> date:
    """The first day of the period an occurrence belongs to, which ends on its due date: the year
    up to it for a yearly recurrence (毎年度末's March window belongs to the whole 年度), its window
    otherwise. What is done or observed in that period counts for that occurrence, and only then."""
    if deadline.recurrence is None or deadline.recurrence.frequency == "monthly":
        return window.start
    return _year_before(window.end) + _ONE_DAY


_ONE_DAY = timedelta(days=1)


def _year_before(day: date) -> date:
    """``day - relativedelta(years=1)`` (29 February to the 28th) without building a relativedelta:
    asked once per occurrence of every yearly item in every status question."""
    if day.month == 2 and day.day == 29:
        return day.replace(year=day.year - 1, day=28)
    return day.replace(year=day.year - 1)


# Occurrence windows of a recurrence, remembered: a plan's recurring deadlines are a few distinct
# rules (毎年度末, 毎月末) shared by thousands of items, and each question asks every item about
# the same as-of date or interval. Recurrence and Interval are frozen values; errors are not cached.
@lru_cache(maxsize=4096)
def next_window(recurrence: Recurrence, day: date) -> Interval:
    """``recurrence.next_window(day)``, computed once per rule and day."""
    return recurrence.next_window(day)


@lru_cache(maxsize=4096)
def last_window_before(recurrence: Recurrence, day: date) -> Interval | None:
    """``recurrence.last_window_before(day)``, computed once per rule and day."""
    return recurrence.last_window_before(day)


@lru_cache(maxsize=4096)
def windows_in(recurrence: Recurrence, interval: Interval) -> tuple[Interval, ...]:
    """``recurrence.windows_in(interval)``, computed once per rule and interval."""
    return tuple(recurrence.windows_in(interval))


@dataclass(frozen=True, slots=True)
class KPIProgress:
    """What decides whether a KPI is done and how it grades: the day it was marked done, its
    observations (day, value) in the plan's order, and its target's terms (``has_target`` False:
    no target). ``baseline`` is (the day progress is measured from, the value there) where the plan
    or an observation in the baseline period gives one; ``needs_baseline`` marks a change target
    (3割削減) whose baseline value is unknown, so that it cannot be met or graded. ``ceiling`` marks a
    target to stay under (以下, 未満) with no baseline: it has no trajectory."""

    done_on: date | None
    observations: tuple[tuple[date, float], ...]
    has_target: bool
    comparison: str
    goal: float | None
    target_value: float
    baseline: tuple[date, float] | None = None
    needs_baseline: bool = False
    ceiling: bool = False

    def is_met_by(self, value: float) -> bool:
        """Whether ``value`` satisfies the target (never, without one)."""
        return self.has_target and meets(self.comparison, self.goal, self.target_value, value)

    def latest(self, as_of: date, since: date | None = None) -> tuple[date, float] | None:
        """The last observation on or before ``as_of`` (and on or after ``since``)."""
        latest: tuple[date, float] | None = None
        for day, value in self.observations:
            if day <= as_of and (since is None or day >= since) and (latest is None or day > latest[0]):
                latest = (day, value)
        return latest

    def is_done(self, *, as_of: date) -> bool:
        """A KPI without a dated target is done when marked done, or when its latest value meets
        its target."""
        if self.done_on is not None and self.done_on <= as_of:
            return True
        latest = self.latest(as_of)
        return latest is not None and self.is_met_by(latest[1])

    def met_within(self, start: date | None, end: date) -> bool:
        """Whether an observation dated from ``start`` to ``end`` meets the target."""
        return any((start is None or start <= day) and day <= end and self.is_met_by(v) for day, v in self.observations)

    def occurrence_done(self, as_of: date, due: date, since: date | None) -> bool:
        """Whether the occurrence due on ``due`` (its period running from ``since`` to ``due`` for a
        recurring one) is done on ``as_of``: marked done on or before ``as_of`` (within the period),
        or met by an observation dated on or before both its due date and ``as_of`` (spec §6a)."""
        if self.done_on is not None and self.done_on <= as_of and (since is None or since <= self.done_on <= due):
            return True
        return self.has_target and self.met_within(since, min(due, as_of))

    def attainment(self, value: float, start_value: float) -> float | None:
        """Progress from ``start_value`` to the goal, as a share (1.0 = reached), direction-aware."""
        if self.goal is None:
            return None
        if self.goal == start_value:
            return 1.0 if self.is_met_by(value) else 0.0
        return (value - start_value) / (self.goal - start_value)


def _on_trajectory(progress: KPIProgress, value: float, start: tuple[date, float], due: date, as_of: date) -> bool:
    """§6: progress (capped at 1: past the goal is met, not more than on track) at least the elapsed
    share of the time from ``start`` to ``due``; a ceiling with no baseline keeps within it instead."""
    if progress.ceiling:
        return progress.is_met_by(value)
    share = progress.attainment(value, start[1])
    if share is None:
        return False
    if due <= start[0]:
        return share >= 1
    elapsed = min(max((as_of - start[0]).days / (due - start[0]).days, 0.0), 1.0)
    return min(share, 1.0) >= elapsed


def _start_value(progress: KPIProgress) -> float:
    return progress.baseline[1] if progress.baseline is not None else 0.0


def grade_kpi(progress: KPIProgress, by: Deadline | None, as_of: date, plan_start: date) -> tuple[float | None, Grade]:
    """(attainment, grade) of a KPI with a target on ``as_of`` (spec §6a).

    Before the due date: A or B by the trajectory. On or after it: A only if the target was met
    (or marked done) by then, else B, so a KPI is never A while its target is overdue. A recurring
    target is graded on its current period, counting the observations dated in it, with the elapsed
    share from the period's start; a missed last occurrence makes it B until the current one, met, becomes the last.
    """
    if progress.needs_baseline:
        return None, "no baseline"
    recurrence = None if by is None else by.recurrence
    if by is None or recurrence is None:
        due = by.due if by is not None and by.kind in DATED_KINDS else None
        latest = progress.latest(as_of)
        start = progress.baseline or (plan_start, 0.0)
        attainment = None if latest is None else progress.attainment(latest[1], start[1])
        if due is not None and as_of >= due:
            return attainment, ("A" if progress.occurrence_done(as_of, due, None) else "B")
        if progress.done_on is not None and progress.done_on <= as_of:
            return attainment, "A"
        if latest is None:
            return None, "N"
        if due is None:
            return attainment, ("A" if progress.is_met_by(latest[1]) else "B")
        return attainment, ("A" if _on_trajectory(progress, latest[1], start, due, as_of) else "B")
    current = next_window(recurrence, as_of)
    since = cycle_start(by, current)
    if as_of >= current.end:  # its due date itself: met or not, as for a one-off target
        latest = progress.latest(as_of, since)
        attainment = None if latest is None else progress.attainment(latest[1], _start_value(progress))
        return attainment, ("A" if progress.occurrence_done(as_of, current.end, since) else "B")
    last = last_window_before(recurrence, as_of)
    missed = last is not None and not progress.occurrence_done(as_of, last.end, cycle_start(by, last))
    latest = progress.latest(as_of, since)
    start_value = _start_value(progress)
    attainment = None if latest is None else progress.attainment(latest[1], start_value)
    # The missed occurrence stays listed overdue until the current one falls due, so the grade
    # stays B until then too, even once the current one is met.
    if missed:
        return attainment, "B"
    if progress.occurrence_done(as_of, current.end, since):
        return attainment, "A"
    if latest is None:
        return None, "N"
    on_track = _on_trajectory(progress, latest[1], (since, start_value), current.end, as_of)
    return attainment, ("A" if on_track else "B")
