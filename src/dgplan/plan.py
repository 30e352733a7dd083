"""The :class:`Plan` users load: the plan's data (:class:`dgplan.kpi.PlanData`) with the questions
of :mod:`dgplan.queries` as methods, and its DataFrames (:mod:`dgplan.frames`, which imports
pandas, on first use).

>>> from datetime import date
>>> plan = Plan.model_validate({
...     "plan": {"title": "例", "issued": "2021-06-18"},
...     "measures": [{"id": "1-1", "section": "I", "title": "改修",
...                   "milestones": [{"text": "システム改修", "due": "令和3年度末まで"}]}],
... })
>>> overdue = plan.overdue(as_of=date(2022, 4, 1))
>>> len(overdue), overdue[0].item_id
(1, '1-1/m1')
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from dgplan.closed_days import Roll
from dgplan.kpi import PlanData
from dgplan.queries import (
    DueItems,
    KPIStatuses,
    PeriodLike,
    Summary,
    TrackedPlan,
    kpi_statuses,
    summarize,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PeriodLike", "Plan"]


class Plan(PlanData):
    """A plan: its facts, sections and measures, and the questions users ask of it.

    Every question takes ``as_of``; nothing reads the clock. Files are read and written by
    :func:`dgplan.load_plan` and :func:`dgplan.save_plan`.

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
    >>> [item.item_id for item in plan.overdue(as_of=date(2022, 4, 1))]
    ['1-1/m1']
    >>> plan.kpi_status(as_of=date(2022, 4, 1))[0].grade
    'B'
    """

    # -- questions ---------------------------------------------------------------------------

    # The due questions are TrackedPlan's (dgplan.queries): one answer for a Plan and for the
    # `dgplan due` command, which reads the bundled plan's TrackedPlan from a cache. ``roll``
    # ("following": a due date on a closed day moves to the next open day) is opt-in.

    def due_between(self, start: date, end: date, *, as_of: date, roll: Roll = "none") -> DueItems:
        """Every milestone and KPI target due from ``start`` to ``end`` (inclusive), with its
        done and overdue flags as they stand on ``as_of``."""
        return TrackedPlan.of(self).due_between(start, end, as_of=as_of, roll=roll)

    def due_in(self, period: PeriodLike, *, as_of: date, roll: Roll = "none") -> DueItems:
        """Everything due in a fiscal quarter or year, an interval, or a phrase (令和4年度上期),
        with its done and overdue flags as they stand on ``as_of``."""
        return TrackedPlan.of(self).due_in(period, as_of=as_of, roll=roll)

    def due_this_quarter(self, *, as_of: date, roll: Roll = "none") -> DueItems:
        """Everything due in the fiscal quarter (April start) that holds ``as_of``."""
        return TrackedPlan.of(self).due_this_quarter(as_of=as_of, roll=roll)

    def upcoming(self, *, as_of: date, days: int = 30, roll: Roll = "none") -> DueItems:
        """Everything due from ``as_of`` to ``days`` days later, not yet done."""
        return TrackedPlan.of(self).upcoming(as_of=as_of, days=days, roll=roll)

    def overdue(self, *, as_of: date, roll: Roll = "none") -> DueItems:
        """Milestones and KPI targets whose due date passed before ``as_of`` without being done.

        A recurring deadline contributes its last missed occurrence only; ``from`` and
        ``undated`` deadlines are never overdue.
        """
        return TrackedPlan.of(self).overdue(as_of=as_of, roll=roll)

    def kpi_status(self, *, as_of: date) -> KPIStatuses:
        """Every KPI with its latest value, target, attainment and grade on ``as_of``."""
        return kpi_statuses(self, as_of)

    def summary(self, *, as_of: date) -> Summary:
        """Counts by status and by section on ``as_of``."""
        return summarize(self, as_of)

    # -- frames (pandas is imported on first use: `import dgplan` must not import it) ----------

    def milestones_frame(self, *, as_of: date | None = None) -> pd.DataFrame:
        """One row per milestone and KPI target deadline (see :func:`dgplan.frames.milestones_frame`)."""
        from dgplan.frames import milestones_frame

        return milestones_frame(self, as_of=as_of)

    def kpis_frame(self, *, as_of: date | None = None) -> pd.DataFrame:
        """One row per KPI with target and latest observation (see :func:`dgplan.frames.kpis_frame`)."""
        from dgplan.frames import kpis_frame

        return kpis_frame(self, as_of=as_of)

    def to_frame(self) -> pd.DataFrame:
        """One row per measure (see :func:`dgplan.frames.measures_frame`)."""
        from dgplan.frames import measures_frame

        return measures_frame(self)
