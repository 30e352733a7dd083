"""The questions users ask of a plan: what is due, what is overdue, how the KPIs stand.

Each is a function over the plan's data (:class:`dgplan.kpi.PlanData`); the result types are
frozen records. :class:`dgplan.Plan` (:mod:`dgplan.plan`) offers them as methods. Whether an
item is due, done or overdue is decided here once, by :func:`due_items`; everything else (the
statuses of :func:`item_statuses`, the frames, the report and its chart) reads its answer.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING, Literal

from dateutil.relativedelta import relativedelta

from dgplan._progress import KPIProgress
from dgplan._results import Results
from dgplan.deadline import DATED_KINDS, Deadline
from dgplan.display import html_table
from dgplan.errors import DgplanError, PeriodError
from dgplan.fiscal import FiscalQuarter, FiscalYear, Interval, parse_period

# The models (pydantic) only for types: the due questions read a TrackedPlan, which the `dgplan due`
# command reads back from its cache without importing them.
if TYPE_CHECKING:
    import pandas as pd

    from dgplan.kpi import Grade, Measure, PlanData

__all__ = [
    "STATUSES",
    "DueItem",
    "PeriodLike",
    "TrackedPlan",
    "ItemStatus",
    "SectionStatus",
    "Status",
    "DueItems",
    "KPIStatus",
    "KPIStatuses",
    "Summary",
    "TrackedItem",
    "due_items",
    "has_progress",
    "item_statuses",
    "kpi_statuses",
    "section_statuses",
    "summarize",
    "summary_of",
    "tracked_items",
]


@dataclass(frozen=True, slots=True, order=True)
class DueItem:
    """A milestone or KPI target falling due on ``due`` (one occurrence of a recurring one)."""

    due: date
    item_id: str
    measure_id: str = field(compare=False)
    section: str = field(compare=False)
    item_type: Literal["milestone", "kpi"] = field(compare=False)
    text: str = field(compare=False)
    deadline: Deadline = field(compare=False)
    done: bool = field(compare=False)
    overdue: bool = field(compare=False)


class DueItems(Results[DueItem]):
    """A list of :class:`DueItem` that shows itself as a table in Jupyter; a slice or
    ``.filter(...)`` of it is a ``DueItems`` too."""

    def to_frame(self) -> pd.DataFrame:
        """One row per item (see :func:`dgplan.frames.due_items_frame`); imports pandas."""
        from dgplan.frames import due_items_frame

        return due_items_frame(self)

    def _repr_html_(self) -> str:
        rows = [
            (i.due, i.item_id, i.deadline.kind.value, "done" if i.done else "OVERDUE" if i.overdue else "due", i.text)
            for i in self
        ]
        return html_table(("due", "item", "kind", "status", "text"), rows, caption=f"{len(self)} items")


@dataclass(frozen=True, slots=True)
class KPIStatus:
    """Where a KPI stands on ``as_of``."""

    kpi_id: str
    measure_id: str
    section: str
    kind: str
    text: str
    unset: bool
    latest_value: float | None
    latest_on: date | None
    comparison: str | None
    target_value: float | None
    unit: str | None
    due: date | None
    attainment: float | None
    grade: Grade
    on_track: bool | None


class KPIStatuses(Results[KPIStatus]):
    """A list of :class:`KPIStatus` that shows itself as a table in Jupyter; a slice or
    ``.filter(...)`` of it is a ``KPIStatuses`` too."""

    def to_frame(self) -> pd.DataFrame:
        """One row per KPI (see :func:`dgplan.frames.kpi_statuses_frame`); imports pandas."""
        from dgplan.frames import kpi_statuses_frame

        return kpi_statuses_frame(self)

    def _repr_html_(self) -> str:
        rows = [(s.kpi_id, s.grade, s.latest_value, s.comparison, s.target_value, s.unit, s.due, s.text) for s in self]
        return html_table(("KPI", "grade", "latest", "", "target", "unit", "due", "text"), rows)


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts by status, overall and by section, on ``as_of``."""

    as_of: date
    measures: int
    milestones: int
    kpis: int
    overdue: int
    due_this_quarter: int
    done_this_quarter: int
    kpi_grades: dict[str, int]
    by_section: dict[str, dict[str, int]]

    def _repr_html_(self) -> str:
        from dgplan.kpi import GRADES

        keys = ("measures", "milestones", "kpis", "overdue", "due_this_quarter", *(f"kpi_{g}" for g in GRADES))
        rows = [(section, *(counts.get(key, 0) for key in keys)) for section, counts in self.by_section.items()]
        return html_table(("section", *keys), rows, caption=f"as of {self.as_of.isoformat()}")


def _cycle_start(deadline: Deadline, window: Interval) -> date:
    if deadline.recurrence is None or deadline.recurrence.frequency == "monthly":
        return window.start
    return window.end - relativedelta(years=1) + timedelta(days=1)


def _milestone_done(done_on: date | None, as_of: date, deadline: Deadline, window: Interval | None) -> bool:
    if done_on is None or done_on > as_of:
        return False
    if deadline.recurrence is not None and window is not None:
        return done_on >= window.start
    return True


def _kpi_done(kpi: KPIProgress, as_of: date, deadline: Deadline, window: Interval | None) -> bool:
    if deadline.recurrence is None or window is None or not kpi.has_target:
        return kpi.is_done(as_of=as_of)
    start = _cycle_start(deadline, window)
    return any(start <= day <= as_of and kpi.is_met_by(value) for day, value in kpi.observations)


def _occurrences(
    deadline: Deadline | None, interval: Interval | None, as_of: date
) -> list[tuple[date, Interval | None]]:
    """(due, occurrence window) pairs: those in ``interval``, or with none, the one that can be overdue."""
    if deadline is None:
        return []
    recurrence = deadline.recurrence
    if interval is not None:
        if recurrence is None:
            return [(due, deadline.window) for due in deadline.due_dates(interval)]
        return [(due, _window_of(deadline, due)) for due in recurrence.due_dates(interval)]
    if recurrence is not None:
        missed = recurrence.last_window_before(as_of)
        return [] if missed is None else [(missed.end, missed)]
    if deadline.due is None or deadline.kind not in DATED_KINDS:
        return []
    return [(deadline.due, deadline.window)]


def _window_of(deadline: Deadline, due: date) -> Interval | None:
    return None if deadline.recurrence is None else deadline.recurrence.next_window(due)


@dataclass(frozen=True, slots=True)
class TrackedItem:
    """One due item of a plan: a milestone, or a KPI target no milestone carries.

    ``deadline`` is None for a KPI target without one. ``done_on`` is the milestone's (or KPI's)
    day of completion; ``kpi`` the progress of the KPI whose target, when met, makes the item done.
    Plain data (no model), so that a plan's items can be cached and read back cheaply.
    """

    measure_id: str
    section: str
    item_id: str
    item_type: Literal["milestone", "kpi"]
    text: str
    deadline: Deadline | None
    done_on: date | None
    kpi: KPIProgress | None

    def is_done(self, as_of: date, window: Interval | None) -> bool:
        """Whether the item, or the occurrence of it in ``window``, is done on ``as_of``."""
        if self.deadline is None:
            return self.kpi is not None and self.kpi.is_done(as_of=as_of)
        if self.item_type == "milestone" and _milestone_done(self.done_on, as_of, self.deadline, window):
            return True
        if self.kpi is None:
            return False
        if not self.kpi.has_target:
            return self.kpi.done_on is not None and self.kpi.done_on <= as_of
        return _kpi_done(self.kpi, as_of, self.deadline, window)


def _same_due(first: Deadline, second: Deadline) -> bool:
    return first.due == second.due and first.rule == second.rule


def tracked_items(measure: Measure, *, undated_targets: bool = False) -> Iterator[TrackedItem]:
    """Each due item of a measure, in order: the one place that says what a plan's due items are.

    Milestones first, then KPI targets. A KPI target whose deadline a milestone already carries
    (the milestone links the KPI, with the same due date) is that milestone, not a second item.
    With ``undated_targets``, KPI targets without a deadline come too (deadline None).
    """
    kpis = {kpi.id: kpi for kpi in measure.kpis}
    carried: set[str] = set()
    for milestone in measure.milestones:
        kpi = kpis.get(milestone.kpi) if milestone.kpi is not None else None
        by = None if kpi is None or kpi.target is None else kpi.target.by
        if kpi is not None and by is not None and _same_due(by, milestone.deadline):
            carried.add(kpi.id)
        yield TrackedItem(
            measure.id,
            measure.section,
            milestone.id,
            "milestone",
            milestone.text,
            milestone.deadline,
            milestone.done_on,
            None if kpi is None else kpi._progress(),
        )
    for kpi in measure.kpis:
        if kpi.target is None or kpi.id in carried or (kpi.target.by is None and not undated_targets):
            continue
        yield TrackedItem(
            measure.id, measure.section, kpi.id, "kpi", kpi.text, kpi.target.by, kpi.done_on, kpi._progress()
        )


def _beyond_calendar(as_of: date, interval: Interval | None, error: Exception) -> PeriodError:
    """The error for a question whose answer needs a day before year 1 or after 9999: recurring
    deadlines look a cycle or two either side of ``as_of``."""
    span = "" if interval is None else f" for {interval}"
    return PeriodError(
        f"cannot answer as of {as_of.isoformat()!r}{span}: a recurring deadline's cycle around it"
        f" falls outside years 1-9999 ({error})",
        text=as_of.isoformat(),
    )


def _outside_calendar(error: Exception) -> bool:
    # The datetime module's own range errors, not dgplan's (DgplanError is a ValueError too).
    return isinstance(error, ValueError | OverflowError) and not isinstance(error, DgplanError)


@contextmanager
def _answerable(as_of: date, interval: Interval | None = None) -> Iterator[None]:
    """The datetime module's range errors, raised while answering, as the PeriodError that says why."""
    try:
        yield
    except (ValueError, OverflowError) as error:
        if not _outside_calendar(error):
            raise
        raise _beyond_calendar(as_of, interval, error) from error


def due_items(plan: PlanData | TrackedPlan, interval: Interval | None, *, as_of: date) -> DueItems:
    """Every due occurrence in ``interval`` (or, with None, the latest one of each deadline).

    Raises :class:`PeriodError` when the answer needs days outside years 1-9999.
    """
    tracked = plan.items if isinstance(plan, TrackedPlan) else _tracked(plan)
    with _answerable(as_of, interval):
        return _due_items(tracked, interval, as_of=as_of)


class _TrackedMemo:
    """The due items of each plan still alive, built once: every question asks for them, and a
    plan's models are frozen. An entry is used only for the very plan object it was built from
    (held weakly, so the memo keeps no plan alive) and the very tuple of measures it read, so a
    copy with other measures (``model_copy(update=...)``) is never answered from it."""

    def __init__(self) -> None:
        self._entries: dict[int, tuple[weakref.ref[PlanData], tuple[Measure, ...], tuple[TrackedItem, ...]]] = {}

    def items(self, plan: PlanData) -> tuple[TrackedItem, ...]:
        key = id(plan)
        entry = self._entries.get(key)
        if entry is not None and entry[0]() is plan and entry[1] is plan.measures:
            return entry[2]
        items = tuple(tracked for measure in plan.measures for tracked in tracked_items(measure))
        self._entries[key] = (weakref.ref(plan, partial(self._forget, key)), plan.measures, items)
        return items

    def _forget(self, key: int, _: weakref.ref[PlanData]) -> None:
        entry = self._entries.get(key)
        if entry is not None and entry[0]() is None:
            del self._entries[key]


_tracked = _TrackedMemo().items


def _due_occurrences(
    items: Sequence[TrackedItem], interval: Interval | None, as_of: date
) -> Iterator[tuple[TrackedItem, date, bool]]:
    """(item, due date, done) for every due occurrence: what :func:`due_items` lists and
    :func:`summarize` counts."""
    for tracked in items:
        for due, window in _occurrences(tracked.deadline, interval, as_of):
            yield tracked, due, tracked.is_done(as_of, window)


def _due_items(tracked_plan: Sequence[TrackedItem], interval: Interval | None, *, as_of: date) -> DueItems:
    items = [
        DueItem(
            due=due,
            item_id=tracked.item_id,
            measure_id=tracked.measure_id,
            section=tracked.section,
            item_type=tracked.item_type,
            text=tracked.text,
            deadline=tracked.deadline,  # type: ignore[arg-type]  # an item with occurrences has one
            done=done,
            overdue=due < as_of and not done,
        )
        for tracked, due, done in _due_occurrences(tracked_plan, interval, as_of)
    ]
    # One order everywhere: by due date, then in the plan's own order (1-2 before 1-10), which
    # the items already have; sorted() is stable. Sorting ids as text would put 1-10 before 1-2.
    return DueItems(sorted(items, key=lambda item: item.due))


#: What the period questions accept: a fiscal quarter or year, an interval, or a phrase (令和4年度上期).
PeriodLike = FiscalQuarter | FiscalYear | Interval | str


@dataclass(frozen=True, slots=True)
class TrackedPlan:
    """What the due questions read of a plan: its title and date, the title of each measure by
    id (in plan order), and its due items (:func:`tracked_items`), in plan order.

    Plain data, without the models: the ``dgplan due`` command reads the bundled plan's from a
    cache without importing pydantic. :class:`dgplan.Plan`'s due questions are these methods,
    asked of ``TrackedPlan.of(plan)``, so both give the same answers.
    """

    title: str
    issued: date
    measure_titles: dict[str, str]
    items: tuple[TrackedItem, ...]

    @classmethod
    def of(cls, plan: PlanData) -> TrackedPlan:
        """The due items and the names of ``plan``."""
        return cls(
            title=plan.title,
            issued=plan.issued,
            measure_titles={m.id: m.title for m in plan.measures},
            items=_tracked(plan),
        )

    def due_between(self, start: date, end: date, *, as_of: date) -> DueItems:
        """Every milestone and KPI target due from ``start`` to ``end`` (inclusive), with its
        done and overdue flags as they stand on ``as_of``."""
        return due_items(self, Interval(start, end), as_of=as_of)

    def due_in(self, period: PeriodLike, *, as_of: date) -> DueItems:
        """Everything due in a fiscal quarter or year, an interval, or a phrase (令和4年度上期),
        with its done and overdue flags as they stand on ``as_of``."""
        return due_items(self, _as_interval(period, self.issued), as_of=as_of)

    def due_this_quarter(self, *, as_of: date) -> DueItems:
        """Everything due in the fiscal quarter (April start) that holds ``as_of``."""
        return due_items(self, FiscalQuarter.from_date(as_of).interval, as_of=as_of)

    def upcoming(self, *, as_of: date, days: int = 30) -> DueItems:
        """Everything due from ``as_of`` to ``days`` days later, not yet done."""
        items = due_items(self, Interval(as_of, as_of + timedelta(days=days)), as_of=as_of)
        return DueItems(item for item in items if not item.done)

    def overdue(self, *, as_of: date) -> DueItems:
        """Milestones and KPI targets whose due date passed before ``as_of`` without being done.

        A recurring deadline contributes its last missed occurrence only; ``from`` and
        ``undated`` deadlines are never overdue.
        """
        return DueItems(item for item in due_items(self, None, as_of=as_of) if item.overdue)


def _as_interval(period: PeriodLike, reference: date) -> Interval:
    if isinstance(period, Interval):
        return period
    if isinstance(period, FiscalYear | FiscalQuarter):
        return period.interval
    return parse_period(period, reference=reference)


def kpi_statuses(plan: PlanData, as_of: date) -> KPIStatuses:
    """The status of every KPI of the plan on ``as_of``."""
    with _answerable(as_of):
        return _kpi_statuses(plan, as_of)


def _kpi_statuses(plan: PlanData, as_of: date) -> KPIStatuses:
    statuses = KPIStatuses()
    for measure in plan.measures:
        for kpi in measure.kpis:
            latest = kpi.latest(as_of=as_of)
            target = kpi.target
            # KPI.attainment, .grade and .on_track, computed once (grade needs the attainment).
            attainment, grade = kpi._assess(as_of, plan.issued)
            statuses.append(
                KPIStatus(
                    kpi_id=kpi.id,
                    measure_id=measure.id,
                    section=measure.section,
                    kind=kpi.kind,
                    text=kpi.text,
                    unset=kpi.unset,
                    latest_value=None if latest is None else latest.value,
                    latest_on=None if latest is None else latest.observed_on,
                    comparison=None if target is None else target.comparison,
                    target_value=None if target is None else target.goal(),
                    unit=None if target is None else target.unit,
                    due=kpi.due_on(as_of=as_of),
                    attainment=attainment,
                    grade=grade,
                    on_track=None if grade not in ("A", "B") else grade == "A",
                )
            )
    return statuses


def summarize(plan: PlanData, as_of: date) -> Summary:
    """Counts of measures, overdue items, items due this quarter and KPI grades, by section.

    The same answers as :func:`summary_of` over :func:`due_items` and :func:`kpi_statuses`,
    counted without building their records (a plan of 100,000 measures has as many)."""
    with _answerable(as_of):
        return _summarize(plan, as_of)


def _summarize(plan: PlanData, as_of: date) -> Summary:
    items = _tracked(plan)
    overdue = Counter(
        tracked.section for tracked, due, done in _due_occurrences(items, None, as_of) if due < as_of and not done
    )
    quarter: Counter[str] = Counter()
    done_this_quarter = 0
    for tracked, _, done in _due_occurrences(items, FiscalQuarter.from_date(as_of).interval, as_of):
        quarter[tracked.section] += 1
        done_this_quarter += done
    grades = Counter(
        (measure.section, kpi._assess(as_of, plan.issued)[1]) for measure in plan.measures for kpi in measure.kpis
    )
    return _summary(plan, as_of, overdue, quarter, done_this_quarter, grades)


def summary_of(
    plan: PlanData,
    as_of: date,
    *,
    overdue: Sequence[DueItem],
    due_this_quarter: Sequence[DueItem],
    statuses: Sequence[KPIStatus],
) -> Summary:
    """The :class:`Summary` of answers already computed (a report shows both, and asks once)."""
    return _summary(
        plan,
        as_of,
        Counter(item.section for item in overdue),
        Counter(item.section for item in due_this_quarter),
        sum(1 for item in due_this_quarter if item.done),
        Counter((status.section, status.grade) for status in statuses),
    )


def _summary(
    plan: PlanData,
    as_of: date,
    overdue: Counter[str],
    due_this_quarter: Counter[str],
    done_this_quarter: int,
    grades: Counter[tuple[str, Grade]],
) -> Summary:
    """The :class:`Summary` from counts by section: overdue items, items due this quarter, and
    KPIs by (section, grade)."""
    by_section: dict[str, Counter[str]] = {}
    for measure in plan.measures:
        counts = by_section.setdefault(measure.section, Counter())
        counts["measures"] += 1
        counts["milestones"] += len(measure.milestones)
        counts["kpis"] += len(measure.kpis)
    for section, count in overdue.items():
        by_section[section]["overdue"] += count
    for section, count in due_this_quarter.items():
        by_section[section]["due_this_quarter"] += count
    grade_totals: Counter[str] = Counter()
    for (section, grade), count in grades.items():
        by_section[section][f"kpi_{grade}"] += count
        grade_totals[grade] += count
    return Summary(
        as_of=as_of,
        measures=len(plan.measures),
        milestones=sum(len(m.milestones) for m in plan.measures),
        kpis=sum(len(m.kpis) for m in plan.measures),
        overdue=sum(overdue.values()),
        due_this_quarter=sum(due_this_quarter.values()),
        done_this_quarter=done_this_quarter,
        kpi_grades=dict(sorted(grade_totals.items())),
        by_section={section: dict(counts) for section, counts in by_section.items()},
    )


# ---------------------------------------------------------------------------------------------
# Where each item stands: one status per milestone and KPI target, for the report's tables.

Status = Literal["overdue", "due this quarter", "due next quarter", "done", "not yet due", "no date"]
#: The statuses, in the order a report shows them; every item has exactly one.
STATUSES: tuple[Status, ...] = ("overdue", "due this quarter", "due next quarter", "done", "not yet due", "no date")


@dataclass(frozen=True, slots=True)
class ItemStatus:
    """A milestone or KPI target and where it stands on ``as_of``.

    ``due`` is the date that matters on that day: the missed occurrence of an overdue item,
    else the occurrence due in this or next quarter, else the next one; None with no date.
    """

    item_id: str
    measure_id: str
    section: str
    item_type: Literal["milestone", "kpi"]
    text: str
    deadline: Deadline | None
    status: Status
    due: date | None


@dataclass(frozen=True, slots=True)
class SectionStatus:
    """How many items of a section stand in each status."""

    section: str
    title: str
    counts: dict[Status, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def has_progress(plan: PlanData) -> bool:
    """Whether the plan records any progress at all: a milestone or KPI done, or an observation.

    Without any, an item past its date is not known to be late, only not known to be done.
    """
    return any(milestone.done_on is not None for measure in plan.measures for milestone in measure.milestones) or any(
        kpi.done_on is not None or kpi.observations for measure in plan.measures for kpi in measure.kpis
    )


def item_statuses(plan: PlanData, as_of: date) -> list[ItemStatus]:
    """Every milestone and every KPI with a target, in plan order, each with one status.

    The statuses partition the items: overdue first (a recurring item by its last missed
    occurrence), then due this fiscal quarter or the next (done if done), then undated ones
    (``from``, ``undated``, a target without ``by``), then done, then not yet due.
    """
    try:
        quarter = FiscalQuarter.from_date(as_of)
        following = quarter.next
    except DgplanError as error:  # the last quarter of 9999 has no next one
        raise PeriodError(f"cannot answer as of {as_of.isoformat()!r}: {error}", text=as_of.isoformat()) from error
    latest = _first_by_id(due_items(plan, None, as_of=as_of))
    this_quarter = _first_by_id(due_items(plan, quarter.interval, as_of=as_of))
    next_quarter = _first_by_id(due_items(plan, following.interval, as_of=as_of))
    result = []
    for measure in plan.measures:
        for tracked in tracked_items(measure, undated_targets=True):
            deadline = tracked.deadline
            done = tracked.is_done(as_of, None if deadline is None or deadline.recurrence else deadline.window)
            status, due = _status_of(tracked.item_id, deadline, done, as_of, latest, this_quarter, next_quarter)
            result.append(
                ItemStatus(
                    item_id=tracked.item_id,
                    measure_id=measure.id,
                    section=measure.section,
                    item_type=tracked.item_type,
                    text=tracked.text,
                    deadline=deadline,
                    status=status,
                    due=due,
                )
            )
    return result


def _first_by_id(items: Sequence[DueItem]) -> dict[str, DueItem]:
    first: dict[str, DueItem] = {}
    for item in items:
        first.setdefault(item.item_id, item)
    return first


def _status_of(
    item_id: str,
    deadline: Deadline | None,
    done: bool,
    as_of: date,
    latest: dict[str, DueItem],
    this_quarter: dict[str, DueItem],
    next_quarter: dict[str, DueItem],
) -> tuple[Status, date | None]:
    last = latest.get(item_id)
    if last is not None and last.overdue:
        return "overdue", last.due
    for found, status in (
        (this_quarter.get(item_id), "due this quarter"),
        (next_quarter.get(item_id), "due next quarter"),
    ):
        if found is not None:
            return ("done" if found.done else status), found.due  # type: ignore[return-value]
    if deadline is None or (deadline.kind not in DATED_KINDS and deadline.recurrence is None):
        return ("done" if done else "no date"), None
    if last is not None and last.done and deadline.recurrence is None:
        return "done", last.due
    upcoming = deadline.next_due(as_of) if deadline.recurrence is not None else deadline.due
    return ("done" if done and deadline.recurrence is None else "not yet due"), upcoming


def section_statuses(plan: PlanData, items: Sequence[ItemStatus]) -> list[SectionStatus]:
    """Counts of ``items`` by status for each section, in the plan's section order."""
    titles = {section.id: section.title for section in plan.sections}
    order = list(titles) + [m.section for m in plan.measures if m.section not in titles]
    counts: dict[str, dict[Status, int]] = {section: dict.fromkeys(STATUSES, 0) for section in order}
    for item in items:
        counts[item.section][item.status] += 1
    return [SectionStatus(section=s, title=titles.get(s, ""), counts=counts[s]) for s in counts]
