"""The questions users ask of a plan: what is due, what is overdue, how the KPIs stand.

Each is a function over the plan's data (:class:`dgplan.kpi.PlanData`); the result types are
frozen records. :class:`dgplan.Plan` (:mod:`dgplan.plan`) offers them as methods. Whether an
item is due, done or overdue is decided here once, by :func:`due_items`; everything else (the
statuses of :func:`item_statuses`, the frames, the report and its chart) reads its answer.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from dgplan._collector import collector_paused
from dgplan._progress import KPIProgress, cycle_start, last_window_before, next_window, windows_in
from dgplan._results import Results
from dgplan._text import names_owner, owner_key
from dgplan.closed_days import Roll, roll_to_open_day
from dgplan.deadline import DATED_KINDS, Deadline
from dgplan.display import html_table
from dgplan.errors import DgplanError, PeriodError
from dgplan.fiscal import FiscalQuarter, FiscalYear, Interval, parse_period
from dgplan.labels import label, status_label

# The models (pydantic) only for types: the due questions read a TrackedPlan, which the `dgplan due`
# command reads back from its cache without importing them.
if TYPE_CHECKING:
    import pandas as pd

    from dgplan._progress import Grade
    from dgplan.kpi import Measure, PlanData

__all__ = [
    "DUE_FRAME_COLUMNS",
    "KPI_FRAME_COLUMNS",
    "NO_PROGRESS",
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
    "status_words",
    "summary_of",
    "tracked_items",
]


def _shorten(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


#: The status of an occurrence of a due item on an as-of date (spec §6a): exactly one of these.
Status = Literal["overdue", "due", "done", "no date"]
#: The statuses, in the order reports show them.
STATUSES: tuple[Status, ...] = ("overdue", "due", "done", "no date")
#: What every output adds to an overdue item for which nothing at all is recorded.
NO_PROGRESS = label("no progress recorded", "en")


def status_words(status: Status, recorded: bool) -> str:
    """The status as every output writes it: ``overdue, no progress recorded`` where nothing is
    recorded for an overdue item, else the status itself (the English of
    :func:`dgplan.labels.status_label`, the one table of these words)."""
    return status_label(status, recorded, "en")


@dataclass(frozen=True, slots=True, order=True)
class DueItem:
    """One occurrence of a milestone or KPI target, due on ``due``, with its status on the as-of
    date it was asked for (``done``, ``overdue`` or ``due``: spec §6a).

    ``deadline`` is the occurrence's own: for a recurring item (毎年度末) its window and due date
    are this occurrence's, and its ``rule`` says how it recurs. ``recorded`` says whether anything
    (a completion, an observation) is recorded for the item on that date.

    >>> import dgplan
    >>> plan = dgplan.parse_plan('''
    ... plan: {title: 例, issued: 2021-06-18}
    ... measures:
    ...   - id: "1-1"
    ...     section: I
    ...     title: 窓口の電子化
    ...     milestones:
    ...       - {text: 標準仕様の策定, due: 令和3年度末まで}
    ...     kpis:
    ...       - kind: progress
    ...         text: 電子化した市区町村数
    ...         target: {value: 1741, unit: 市区町村, by: 令和4年度末}
    ...         observations: [{date: 2022-03-31, value: 600}]
    ... ''')
    >>> from datetime import date
    >>> item = plan.overdue(as_of=date(2022, 4, 1))[0]
    >>> item.item_id, item.due, item.status, item.overdue
    ('1-1/m1', datetime.date(2022, 3, 31), 'overdue', True)
    """

    due: date
    item_id: str
    measure_id: str = field(compare=False)
    section: str = field(compare=False)
    item_type: Literal["milestone", "kpi"] = field(compare=False)
    text: str = field(compare=False)
    deadline: Deadline = field(compare=False)
    status: Status = field(compare=False)
    recorded: bool = field(compare=False, default=True)
    owner: str | None = field(compare=False, default=None)
    #: The due date as the plan writes it, when ``roll="following"`` moved it off a closed day
    #: (行政機関の休日に関する法律, article 2); None when the due date is the written one.
    rolled_from: date | None = field(compare=False, default=None)

    @property
    def window(self) -> Interval | None:
        """When this occurrence is to happen."""
        return self.deadline.window

    @property
    def done(self) -> bool:
        return self.status == "done"

    @property
    def overdue(self) -> bool:
        return self.status == "overdue"

    @property
    def status_text(self) -> str:
        """The status in the words every output uses (:func:`status_words`)."""
        return status_words(self.status, self.recorded)

    def record(self) -> dict[str, Any]:
        """The occurrence as one plain row (dates as dates): what every output of due items is
        written from, with the :data:`DUE_FRAME_COLUMNS` and more."""
        window = self.deadline.window
        return {
            "due": self.due,
            "item_id": self.item_id,
            "measure_id": self.measure_id,
            "section": self.section,
            "item_type": self.item_type,
            "kind": self.deadline.kind.value,
            "status": self.status,
            "done": self.done,
            "overdue": self.overdue,
            "recorded": self.recorded,
            "window_start": None if window is None else window.start,
            "window_end": None if window is None else window.end,
            "approximate": self.deadline.approximate,
            "deadline": self.deadline.text,
            "rule": self.deadline.rule,
            "text": self.text,
            "owner": self.owner,
        }


#: The columns of ``DueItems.to_frame()``.
DUE_FRAME_COLUMNS = (
    "due",
    "item_id",
    "measure_id",
    "section",
    "item_type",
    "kind",
    "status",
    "done",
    "overdue",
    "recorded",
    "window_start",
    "window_end",
    "text",
    "owner",
)


class DueItems(Results[DueItem]):
    """A list of :class:`DueItem` that shows itself as a table in Jupyter; a slice or
    ``.filter(...)`` of it is a ``DueItems`` too.

    >>> import dgplan
    >>> plan = dgplan.parse_plan('''
    ... plan: {title: 例, issued: 2021-06-18}
    ... measures:
    ...   - id: "1-1"
    ...     section: I
    ...     title: 窓口の電子化
    ...     milestones:
    ...       - {text: 標準仕様の策定, due: 令和3年度末まで}
    ...     kpis:
    ...       - kind: progress
    ...         text: 電子化した市区町村数
    ...         target: {value: 1741, unit: 市区町村, by: 令和4年度末}
    ...         observations: [{date: 2022-03-31, value: 600}]
    ... ''')
    >>> from datetime import date
    >>> items = plan.due_in("令和3年度", as_of=date(2021, 6, 18))
    >>> len(items), items.to_frame()["item_id"].tolist()
    (1, ['1-1/m1'])
    """

    @collector_paused()
    def to_frame(self) -> pd.DataFrame:
        """One row per occurrence, the :data:`DUE_FRAME_COLUMNS`: dates as ``datetime64``, ids
        and kinds categories, ``status`` an ordered categorical (:data:`STATUSES`); imports pandas."""
        from dgplan._frame import typed_frame

        return typed_frame(
            [item.record() for item in self],
            DUE_FRAME_COLUMNS,
            date_columns=("due", "window_start", "window_end"),
            category_columns=("measure_id", "item_type", "kind"),
            bool_columns=("done", "overdue", "recorded"),
            ordered={"status": STATUSES},
        )

    def _repr_row(self, item: DueItem) -> str:
        return f"{item.due.isoformat()}  {item.item_id}  {item.status_text}  {_shorten(item.text)}"

    def _repr_html_(self) -> str:
        rows = [(i.due, i.item_id, i.deadline.kind.value, i.status_text, i.text) for i in self]
        return html_table(("due", "item", "kind", "status", "text"), rows, caption=f"{len(self)} items")


@dataclass(frozen=True, slots=True)
class KPIStatus:
    """Where a KPI stands on ``as_of``: its latest value, the goal to reach (``target_value``; for a
    change target, the value the change leads to), the due date of the target's occurrence that
    matters (the missed one, else the next), and its grade (spec §6a).

    >>> import dgplan
    >>> plan = dgplan.parse_plan('''
    ... plan: {title: 例, issued: 2021-06-18}
    ... measures:
    ...   - id: "1-1"
    ...     section: I
    ...     title: 窓口の電子化
    ...     milestones:
    ...       - {text: 標準仕様の策定, due: 令和3年度末まで}
    ...     kpis:
    ...       - kind: progress
    ...         text: 電子化した市区町村数
    ...         target: {value: 1741, unit: 市区町村, by: 令和4年度末}
    ...         observations: [{date: 2022-03-31, value: 600}]
    ... ''')
    >>> from datetime import date
    >>> status = plan.kpi_status(as_of=date(2022, 4, 1))[0]
    >>> status.latest_value, status.target_value, round(status.attainment, 2), status.grade
    (600.0, 1741.0, 0.34, 'B')
    """

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
    #: The status of the target's occurrence that matters on ``as_of`` (as :class:`ItemStatus`),
    #: None without a target. A KPI is never graded A while this is ``overdue``.
    status: Status | None = None
    owner: str | None = None
    #: Whether anything is recorded for the target's occurrence that matters (as :class:`DueItem`).
    recorded: bool = True

    @property
    def status_text(self) -> str:
        """The target's status in the words every output uses (:func:`status_words`); empty without one."""
        return "" if self.status is None else status_words(self.status, self.recorded)

    def record(self) -> dict[str, Any]:
        """The status as one plain row (dates as dates), with the :data:`KPI_FRAME_COLUMNS`."""
        return {
            "kpi_id": self.kpi_id,
            "measure_id": self.measure_id,
            "section": self.section,
            "kind": self.kind,
            "text": self.text,
            "unset": self.unset,
            "comparison": self.comparison,
            "target": self.target_value,
            "unit": self.unit,
            "due": self.due,
            "status": self.status,
            "latest_value": self.latest_value,
            "latest_on": self.latest_on,
            "attainment": self.attainment,
            "grade": self.grade,
            "on_track": self.on_track,
            "owner": self.owner,
        }


#: The columns of ``KPIStatuses.to_frame()`` and :func:`dgplan.frames.kpis_frame`.
KPI_FRAME_COLUMNS = (
    "kpi_id",
    "measure_id",
    "section",
    "kind",
    "text",
    "unset",
    "comparison",
    "target",
    "unit",
    "due",
    "status",
    "latest_value",
    "latest_on",
    "attainment",
    "grade",
    "owner",
)


class KPIStatuses(Results[KPIStatus]):
    """A list of :class:`KPIStatus` that shows itself as a table in Jupyter; a slice or
    ``.filter(...)`` of it is a ``KPIStatuses`` too.

    >>> import dgplan
    >>> plan = dgplan.parse_plan('''
    ... plan: {title: 例, issued: 2021-06-18}
    ... measures:
    ...   - id: "1-1"
    ...     section: I
    ...     title: 窓口の電子化
    ...     milestones:
    ...       - {text: 標準仕様の策定, due: 令和3年度末まで}
    ...     kpis:
    ...       - kind: progress
    ...         text: 電子化した市区町村数
    ...         target: {value: 1741, unit: 市区町村, by: 令和4年度末}
    ...         observations: [{date: 2022-03-31, value: 600}]
    ... ''')
    >>> from datetime import date
    >>> statuses = plan.kpi_status(as_of=date(2022, 4, 1))
    >>> statuses.to_frame()[["kpi_id", "grade"]].values.tolist()
    [['1-1/progress/1', 'B']]
    """

    @collector_paused()
    def to_frame(self, *, section_order: Sequence[str] = ()) -> pd.DataFrame:
        """One row per KPI, the :data:`KPI_FRAME_COLUMNS` (as :func:`dgplan.frames.kpis_frame`);
        sections in ``section_order`` first; imports pandas."""
        from dgplan._frame import typed_frame
        from dgplan.kpi import GRADES

        return typed_frame(
            [status.record() for status in self],
            KPI_FRAME_COLUMNS,
            date_columns=("due", "latest_on"),
            category_columns=("measure_id", "kind", "comparison"),
            bool_columns=("unset",),
            float_columns=("target", "latest_value", "attainment"),
            ordered={"grade": GRADES, "status": STATUSES},
            section_order=section_order,
        )

    def _repr_row(self, item: KPIStatus) -> str:
        return f"{item.kpi_id}  {item.grade}  {_shorten(item.text)}"

    def _repr_html_(self) -> str:
        rows = [(s.kpi_id, s.grade, s.latest_value, s.comparison, s.target_value, s.unit, s.due, s.text) for s in self]
        return html_table(("KPI", "grade", "latest", "", "target", "unit", "due", "text"), rows)


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts by status, overall and by section, on ``as_of``.

    >>> import dgplan
    >>> plan = dgplan.parse_plan('''
    ... plan: {title: 例, issued: 2021-06-18}
    ... measures:
    ...   - id: "1-1"
    ...     section: I
    ...     title: 窓口の電子化
    ...     milestones:
    ...       - {text: 標準仕様の策定, due: 令和3年度末まで}
    ...     kpis:
    ...       - kind: progress
    ...         text: 電子化した市区町村数
    ...         target: {value: 1741, unit: 市区町村, by: 令和4年度末}
    ...         observations: [{date: 2022-03-31, value: 600}]
    ... ''')
    >>> from datetime import date
    >>> summary = plan.summary(as_of=date(2022, 4, 1))
    >>> summary.overdue, summary.kpi_grades
    (1, {'B': 1})
    """

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


def _occurrences(
    deadline: Deadline | None, interval: Interval | None, as_of: date, since: date | None = None
) -> Sequence[Interval]:
    """The occurrence windows whose due dates (their ends) fall in ``interval``, or with None, those
    that can be overdue on ``as_of``: a one-off deadline's one occurrence, or a recurring
    deadline's occurrences due before ``as_of`` (and on or after ``since``, the plan's date: a plan
    commits to no occurrence before it was issued, nor before its recurrence starts)."""
    if deadline is None:
        return []
    recurrence = deadline.recurrence
    if recurrence is not None:
        # The rule's windows, worked out once per question (dgplan._progress caches them): the
        # items that share a rule share its dates.
        if interval is not None:
            return windows_in(recurrence, interval)
        last = last_window_before(recurrence, as_of)
        if last is None:
            return ()
        first = last.end if since is None or since > last.end else since
        return windows_in(recurrence, Interval(first, last.end))
    due = deadline.due
    if due is None or deadline.kind not in DATED_KINDS:
        return ()
    if interval is not None and due not in interval:
        return ()
    return (deadline.window if deadline.window is not None else Interval.day(due),)


def _occurrence_deadline(deadline: Deadline, window: Interval) -> Deadline:
    """The deadline of one occurrence: a recurring one with that occurrence's window and due date."""
    if deadline.recurrence is None:
        return deadline
    return replace(deadline, window=window, due=window.end)


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
    #: Who carries the item out (担当): its own owner, else its measure's.
    owner: str | None = None
    #: Further days the milestone was marked done (a recurring one, once per occurrence).
    completions: tuple[date, ...] = ()

    def _since(self, window: Interval | None) -> date | None:
        deadline = self.deadline
        return (
            None if window is None or deadline is None or deadline.recurrence is None else cycle_start(deadline, window)
        )

    def is_recorded(self, as_of: date, window: Interval | None = None) -> bool:
        """Whether anything is recorded for the item on ``as_of`` (a completion or an observation);
        for an occurrence of a recurring item, within that occurrence's period."""
        since = self._since(window)
        end = as_of if since is None or window is None else min(as_of, window.end)
        first = date.min if since is None else since

        def within(day: date | None) -> bool:
            return day is not None and first <= day <= end

        if self.item_type == "milestone" and (within(self.done_on) or any(map(within, self.completions))):
            return True
        kpi = self.kpi
        return kpi is not None and (within(kpi.done_on) or any(first <= day <= end for day, _ in kpi.observations))

    def is_done(self, as_of: date) -> bool:
        """Whether an item with no dated occurrence (``from``, ``undated``, a target without a
        deadline) is done on ``as_of``."""
        if self.item_type == "milestone" and self.done_on is not None and self.done_on <= as_of:
            return True
        return self.kpi is not None and self.kpi.is_done(as_of=as_of)

    def occurrence_done(self, as_of: date, window: Interval) -> bool:
        """Whether the occurrence in ``window`` (due at its end) is done on ``as_of`` (spec §6a):
        the milestone marked done, or the KPI's target met by its due date; for a recurring item,
        within the occurrence's period (from :func:`dgplan._progress.cycle_start` to its due date),
        so that one completion never counts for another occurrence."""
        since = self._since(window)
        if self.item_type == "milestone":
            for day in (self.done_on, *self.completions):
                if day is not None and day <= as_of and (since is None or since <= day <= window.end):
                    return True
        return self.kpi is not None and self.kpi.occurrence_done(as_of, window.end, since)

    def status(self, window: Interval, as_of: date) -> Status:
        """The status on ``as_of`` of the occurrence in ``window``: the one place that decides it."""
        if self.occurrence_done(as_of, window):
            return "done"
        return "overdue" if window.end < as_of else "due"

    def outstanding(self, as_of: date, since: date | None) -> list[Interval]:
        """The occurrences overdue on ``as_of`` that are still to be answered for, in date order: a
        one-off item's one occurrence if overdue; for a recurring item, every missed occurrence
        after its last done one (from ``since``, the plan's date). A later occurrence met closes
        the earlier misses, as it ends a B grade (spec §6a); until then each is listed."""
        windows = _occurrences(self.deadline, None, as_of, since)
        missed: list[Interval] = []
        for window in reversed(windows):
            if self.status(window, as_of) != "overdue":
                break
            missed.append(window)
        return missed[::-1]

    def occurrence(
        self, window: Interval, as_of: date, status: Status | None = None, rolled_from: date | None = None
    ) -> DueItem:
        """The occurrence in ``window`` as a record, with its status on ``as_of``."""
        deadline = self.deadline
        if deadline is None:
            raise PeriodError(f"item {self.item_id!r} has no deadline, so no occurrence", text=self.item_id)
        return DueItem(
            due=window.end,
            item_id=self.item_id,
            measure_id=self.measure_id,
            section=self.section,
            item_type=self.item_type,
            text=self.text,
            deadline=_occurrence_deadline(deadline, window),
            status=self.status(window, as_of) if status is None else status,
            recorded=self.is_recorded(as_of, window),
            owner=self.owner,
            rolled_from=rolled_from,
        )


def _same_due(first: Deadline, second: Deadline) -> bool:
    return first.due == second.due and first.rule == second.rule


def tracked_items(measure: Measure, *, undated_targets: bool = False) -> Iterator[TrackedItem]:
    """Each due item of a measure, in order: the one place that says what a plan's due items are.

    Milestones first, then KPI targets. A KPI target whose deadline a milestone already carries
    (the milestone links the KPI, with the same due date) is that milestone, not a second item,
    done when either is; a link across two dates keeps two items, each done on its own.
    With ``undated_targets``, KPI targets without a deadline come too (deadline None).
    """
    kpis = {kpi.id: kpi for kpi in measure.kpis}
    carried: set[str] = set()
    for milestone in measure.milestones:
        kpi = kpis.get(milestone.kpi) if milestone.kpi is not None else None
        by = None if kpi is None or kpi.target is None else kpi.target.by
        if kpi is not None and by is not None:
            if _same_due(by, milestone.deadline):
                carried.add(kpi.id)
            else:
                kpi = None  # two commitments on two dates: the KPI's target does not complete the milestone
        yield TrackedItem(
            measure.id,
            measure.section,
            milestone.id,
            "milestone",
            milestone.text,
            milestone.deadline,
            milestone.done_on,
            None if kpi is None else kpi._progress(),
            milestone.owner or measure.owner,
            milestone.completions,
        )
    for kpi in measure.kpis:
        if kpi.target is None or kpi.id in carried or (kpi.target.by is None and not undated_targets):
            continue
        yield TrackedItem(
            measure.id,
            measure.section,
            kpi.id,
            "kpi",
            kpi.text,
            kpi.target.by,
            kpi.done_on,
            kpi._progress(),
            kpi.owner or measure.owner,
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


@contextmanager
def _answerable(as_of: date, interval: Interval | None = None) -> Iterator[None]:
    """The datetime module's range errors, raised while answering, as the PeriodError that says why."""
    try:
        yield
    except (ValueError, OverflowError) as error:
        if isinstance(error, DgplanError):
            # Only the calendar's ends raise while answering (FiscalYear(9999), no occurrence
            # after 9999): say which as-of date the question could not be answered on.
            if repr(as_of.isoformat()) in str(error):
                raise
            raise PeriodError(f"cannot answer as of {as_of.isoformat()!r}: {error}", text=as_of.isoformat()) from error
        raise _beyond_calendar(as_of, interval, error) from error


@collector_paused()
def due_items(plan: PlanData | TrackedPlan, interval: Interval | None, *, as_of: date, roll: Roll = "none") -> DueItems:
    """Every due occurrence in ``interval``, or with None, every occurrence still outstanding on
    ``as_of`` (:meth:`TrackedItem.outstanding`: each item's misses since its last done occurrence).

    With ``roll="following"`` a due date on a day government offices are closed moves to the next
    open day (行政機関の休日に関する法律, article 2) before it is placed in ``interval`` and its
    status decided; the item keeps the written date as ``rolled_from``. Off by default: a plan's
    dates are read as written.

    Raises :class:`PeriodError` when the answer needs days outside years 1-9999.
    """
    tracked = plan.items if isinstance(plan, TrackedPlan) else _tracked(plan)
    with _answerable(as_of, interval):
        if roll != "none":
            return _rolled_due_items(tracked, interval, as_of=as_of, roll=roll, since=plan.issued)
        return _due_items(tracked, interval, as_of=as_of, since=plan.issued)


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
        with collector_paused():  # a plan's first question builds hundreds of thousands of records
            items = tuple(
                tracked for measure in plan.measures for tracked in tracked_items(measure, undated_targets=True)
            )
        self._entries[key] = (weakref.ref(plan, partial(self._forget, key)), plan.measures, items)
        return items

    def _forget(self, key: int, _: weakref.ref[PlanData]) -> None:
        entry = self._entries.get(key)
        if entry is not None and entry[0]() is None:
            del self._entries[key]


_tracked = _TrackedMemo().items


def _statuses(
    items: Sequence[TrackedItem], interval: Interval | None, as_of: date, since: date | None
) -> Iterator[tuple[TrackedItem, Interval, Status]]:
    """(item, occurrence window, status) for every occurrence :func:`due_items` lists and
    :func:`summarize` counts (without building records); with no ``interval``, the outstanding ones."""
    for tracked in items:
        if interval is None:
            for window in tracked.outstanding(as_of, since):
                yield tracked, window, "overdue"
            continue
        for window in _occurrences(tracked.deadline, interval, as_of):
            yield tracked, window, tracked.status(window, as_of)


def _due_items(
    tracked_plan: Sequence[TrackedItem], interval: Interval | None, *, as_of: date, since: date | None = None
) -> DueItems:
    items = [
        tracked.occurrence(window, as_of, status)
        for tracked, window, status in _statuses(tracked_plan, interval, as_of, since)
    ]
    # One order everywhere: by due date, then in the plan's own order (1-2 before 1-10), which
    # the items already have; sorted() is stable. Sorting ids as text would put 1-10 before 1-2.
    return DueItems(sorted(items, key=lambda item: item.due))


# The longest run of closed days (Golden Week 2019: ten) is shorter than this: an occurrence written
# this long before a question's period cannot roll into it.
_ROLL_REACH = timedelta(days=16)


def _rolled_due_items(
    tracked_plan: Sequence[TrackedItem], interval: Interval | None, *, as_of: date, roll: Roll, since: date | None
) -> DueItems:
    reach = None
    if interval is not None:
        reach = Interval(max(date.min + _ROLL_REACH, interval.start) - _ROLL_REACH, interval.end)
    items = []
    for tracked in tracked_plan:
        windows = tracked.outstanding(as_of, since) if reach is None else _occurrences(tracked.deadline, reach, as_of)
        for window in windows:
            due = roll_to_open_day(window.end, roll)
            if interval is not None and due not in interval:
                continue
            moved = Interval(window.start, due)
            items.append(tracked.occurrence(moved, as_of, rolled_from=None if due == window.end else window.end))
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

    def owned_by(self, owner: str) -> TrackedPlan:
        """Only the items whose owner (担当) names ``owner``, as :meth:`dgplan.Plan.owned_by` keeps them."""
        key = owner_key(owner)
        items = tuple(item for item in self.items if names_owner(item.owner, key))
        kept = {item.measure_id for item in items}
        titles = {measure_id: title for measure_id, title in self.measure_titles.items() if measure_id in kept}
        return replace(self, measure_titles=titles, items=items)

    def due_between(self, start: date, end: date, *, as_of: date, roll: Roll = "none") -> DueItems:
        """Every milestone and KPI target due from ``start`` to ``end`` (inclusive), with its
        done and overdue flags as they stand on ``as_of``; ``roll``: see :func:`due_items`."""
        return due_items(self, Interval(start, end), as_of=as_of, roll=roll)

    def due_in(self, period: PeriodLike, *, as_of: date, roll: Roll = "none") -> DueItems:
        """Everything due in a fiscal quarter or year, an interval, or a phrase (令和4年度上期),
        with its done and overdue flags as they stand on ``as_of``."""
        return due_items(self, _as_interval(period, self.issued), as_of=as_of, roll=roll)

    def due_this_quarter(self, *, as_of: date, roll: Roll = "none") -> DueItems:
        """Everything due in the fiscal quarter (April start) that holds ``as_of``."""
        return due_items(self, FiscalQuarter.from_date(as_of).interval, as_of=as_of, roll=roll)

    def upcoming(self, *, as_of: date, days: int = 30, roll: Roll = "none") -> DueItems:
        """Everything due from ``as_of`` to ``days`` days later, not yet done."""
        items = due_items(self, Interval(as_of, as_of + timedelta(days=days)), as_of=as_of, roll=roll)
        return DueItems(item for item in items if not item.done)

    def overdue(self, *, as_of: date, roll: Roll = "none") -> DueItems:
        """Milestones and KPI targets whose due date passed before ``as_of`` without being done.

        A recurring deadline contributes each occurrence missed since its last done one (and since
        the plan's date); ``from`` and ``undated`` deadlines are never overdue. With
        ``roll="following"`` an item due on a closed day is overdue only after the next open day.
        """
        return DueItems(item for item in due_items(self, None, as_of=as_of, roll=roll) if item.overdue)


def _as_interval(period: PeriodLike, reference: date) -> Interval:
    if isinstance(period, Interval):
        return period
    if isinstance(period, FiscalYear | FiscalQuarter):
        return period.interval
    return parse_period(period, reference=reference)


@collector_paused()
def kpi_statuses(plan: PlanData, as_of: date) -> KPIStatuses:
    """The status of every KPI of the plan on ``as_of``."""
    with _answerable(as_of):
        return _kpi_statuses(plan, as_of)


def _kpi_statuses(plan: PlanData, as_of: date) -> KPIStatuses:
    statuses = KPIStatuses()
    tracked = {item.item_id: item for item in _tracked(plan)}
    progress_of = _kpi_progress(tracked.values())
    for measure in plan.measures:
        # A KPI target a milestone carries (linked, due the same day) is that milestone's one item:
        # its status is the item's, so that `dgplan kpi` and `dgplan due` never disagree.
        dated = {kpi.id: kpi.target.by for kpi in measure.kpis if kpi.target is not None and kpi.target.by}
        carriers: dict[str, TrackedItem] = {}
        for milestone in measure.milestones:
            by = None if milestone.kpi is None else dated.get(milestone.kpi)
            if milestone.kpi is not None and by is not None and _same_due(by, milestone.deadline):
                carriers.setdefault(milestone.kpi, tracked[milestone.id])
        for kpi in measure.kpis:
            latest = kpi.latest(as_of=as_of)
            target = kpi.target
            progress = progress_of.get(kpi.id) or kpi._progress()
            # KPI.attainment, .grade and .on_track, computed once (grade needs the attainment).
            attainment, grade = kpi._assess(as_of, plan.issued, progress)
            status: Status | None = None
            due: date | None = None
            recorded = False
            if target is not None:
                item = carriers.get(kpi.id) or TrackedItem(
                    measure.id, measure.section, kpi.id, "kpi", kpi.text, target.by, None, progress
                )
                status, window = _current(item, as_of, plan.issued)
                due = None if window is None else window.end
                recorded = item.is_recorded(as_of, window)
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
                    target_value=progress.goal,
                    unit=None if target is None else target.unit,
                    due=due,
                    attainment=attainment,
                    grade=grade,
                    on_track=None if grade not in ("A", "B") else grade == "A",
                    status=status,
                    owner=kpi.owner or measure.owner,
                    recorded=recorded,
                )
            )
    return statuses


def _kpi_progress(items: Iterable[TrackedItem]) -> dict[str, KPIProgress]:
    """Each KPI target item's progress by KPI id: the snapshot ``KPI._progress()`` made when the
    plan's items were built, read again rather than made once more per question."""
    return {item.item_id: item.kpi for item in items if item.item_type == "kpi" and item.kpi is not None}


@collector_paused()
def summarize(plan: PlanData, as_of: date) -> Summary:
    """Counts of measures, overdue items, items due this quarter and KPI grades, by section.

    The same answers as :func:`summary_of` over :func:`due_items` and :func:`kpi_statuses`,
    counted without building their records (a plan of 100,000 measures has as many)."""
    with _answerable(as_of):
        return _summarize(plan, as_of)


def _summarize(plan: PlanData, as_of: date) -> Summary:
    items = _tracked(plan)
    overdue = Counter(tracked.section for tracked, _, _ in _statuses(items, None, as_of, plan.issued))
    quarter: Counter[str] = Counter()
    done_this_quarter = 0
    for tracked, _, status in _statuses(items, FiscalQuarter.from_date(as_of).interval, as_of, plan.issued):
        quarter[tracked.section] += 1
        done_this_quarter += status == "done"
    progress_of = _kpi_progress(items)
    grades = Counter(
        (measure.section, kpi._assess(as_of, plan.issued, progress_of.get(kpi.id))[1])
        for measure in plan.measures
        for kpi in measure.kpis
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


@dataclass(frozen=True, slots=True)
class ItemStatus:
    """A milestone or KPI target and where it stands on ``as_of``: the status of the occurrence
    that matters on that day (spec §6a).

    That occurrence is the last one before ``as_of`` if it was missed (``overdue``), else the next
    one (``due``, or ``done`` if already done), else, for a one-off item already past, its only one
    (``done``); ``due`` is its date. Items without a date (``from``, ``undated``, a target without
    a deadline) are ``no date``, or ``done`` once done. ``recorded`` as in :class:`DueItem`.
    """

    item_id: str
    measure_id: str
    section: str
    item_type: Literal["milestone", "kpi"]
    text: str
    deadline: Deadline | None
    status: Status
    due: date | None
    recorded: bool = True
    #: The window of the occurrence whose status this is (None without a date).
    window: Interval | None = None
    #: The day the item was marked done, if it was.
    done_on: date | None = None
    #: Who carries the item out (担当).
    owner: str | None = None

    @property
    def status_text(self) -> str:
        """The status in the words every output uses (:func:`status_words`)."""
        return status_words(self.status, self.recorded)


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


def _current(tracked: TrackedItem, as_of: date, since: date | None) -> tuple[Status, Interval | None]:
    """The status of the occurrence of ``tracked`` that matters on ``as_of``, and its window: the
    first still outstanding (overdue), else the next (due, or done if already done), else, for a
    one-off item already past, its only one."""
    missed = tracked.outstanding(as_of, since)
    if missed:
        return "overdue", missed[0]
    deadline = tracked.deadline
    recurrence = None if deadline is None else deadline.recurrence
    if recurrence is None:
        windows = _occurrences(deadline, None, as_of)
        if not windows:
            return ("done" if tracked.is_done(as_of) else "no date"), None
        return tracked.status(windows[0], as_of), windows[0]
    upcoming = next_window(recurrence, as_of)
    return tracked.status(upcoming, as_of), upcoming


@collector_paused()
def item_statuses(plan: PlanData | TrackedPlan, as_of: date) -> list[ItemStatus]:
    """Every milestone and every KPI with a target, in plan order, each with one status: that of
    its occurrence that matters on ``as_of`` (see :class:`ItemStatus`). An item listed by
    ``plan.overdue`` is ``overdue`` here, with the same due date."""
    items = plan.items if isinstance(plan, TrackedPlan) else _tracked(plan)
    result = []
    with _answerable(as_of):
        for tracked in items:
            status, window = _current(tracked, as_of, plan.issued)
            # Positional (the fields' order): a plan of 100,000 measures has as many statuses.
            result.append(
                ItemStatus(
                    tracked.item_id,
                    tracked.measure_id,
                    tracked.section,
                    tracked.item_type,
                    tracked.text,
                    tracked.deadline,
                    status,
                    None if window is None else window.end,
                    tracked.is_recorded(as_of, window),
                    window,
                    tracked.done_on,
                    tracked.owner,
                )
            )
    return result


def section_statuses(plan: PlanData, items: Sequence[ItemStatus]) -> list[SectionStatus]:
    """Counts of ``items`` by status for each section, in the plan's section order."""
    titles = {section.id: section.title for section in plan.sections}
    order = list(titles) + [m.section for m in plan.measures if m.section not in titles]
    counts: dict[str, dict[Status, int]] = {section: dict.fromkeys(STATUSES, 0) for section in order}
    for item in items:
        counts[item.section][item.status] += 1
    return [SectionStatus(section=s, title=titles.get(s, ""), counts=counts[s]) for s in counts]
