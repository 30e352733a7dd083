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

from datetime import date, timedelta
from typing import TYPE_CHECKING

from dgplan.fiscal import FiscalQuarter, FiscalYear, Interval, parse_period
from dgplan.kpi import PlanData
from dgplan.queries import DueItems, KPIStatuses, Summary, due_items, kpi_statuses, summarize

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PeriodLike", "Plan"]

#: What the period questions accept: a fiscal quarter or year, an interval, or a phrase (令和4年度上期).
PeriodLike = FiscalQuarter | FiscalYear | Interval | str


class Plan(PlanData):
    """A plan: its facts, sections and measures, and the questions users ask of it.

    Every question takes ``as_of``; nothing reads the clock. Files are read and written by
    :func:`dgplan.load_plan` and :func:`dgplan.save_plan`.
    """

    # -- questions ---------------------------------------------------------------------------

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


def _as_interval(period: PeriodLike, reference: date) -> Interval:
    if isinstance(period, Interval):
        return period
    if isinstance(period, FiscalYear | FiscalQuarter):
        return period.interval
    return parse_period(period, reference=reference)
