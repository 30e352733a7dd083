"""pandas DataFrames of a plan, for notebooks. pandas is imported here, and only here is it needed.

Dates are ``datetime64`` columns (an open end, as in a ``from`` deadline, is NaT); ids, sections
and kinds are categories.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from dgplan._collector import collector_paused
from dgplan._frame import typed_columns, typed_frame
from dgplan.queries import (
    STATUSES,
    DueItem,
    DueItems,
    KPIStatus,
    KPIStatuses,
    TrackedPlan,
    item_statuses,
    kpi_statuses,
)

if TYPE_CHECKING:
    from dgplan.fiscal import Interval
    from dgplan.kpi import PlanData

__all__ = ["due_items_frame", "kpi_statuses_frame", "kpis_frame", "measures_frame", "milestones_frame"]


@collector_paused()
def milestones_frame(plan: PlanData, *, as_of: date | None = None) -> pd.DataFrame:
    """One row per due item: each milestone, and each KPI target with a deadline that no milestone
    carries (:func:`dgplan.queries.tracked_items`).

    Columns: measure_id, section, item_id, item_type, text, kind, window_start, window_end, due,
    approximate, rule, done_on, and with ``as_of``: next_due, status, done, overdue and recorded,
    as :func:`dgplan.queries.item_statuses` decides them (the same answer as ``plan.overdue`` and
    the report). A recurring item's window and due date are those of its occurrence that matters
    on ``as_of`` (the missed one, else the next); without ``as_of`` they are NaT, and ``rule``
    says how it recurs.
    """
    names = [
        "measure_id",
        "section",
        "item_id",
        "item_type",
        "text",
        "kind",
        "window_start",
        "window_end",
        "due",
        "approximate",
        "rule",
        "done_on",
    ] + (["next_due", "status", "done", "overdue", "recorded"] if as_of is not None else [])
    # A tuple per row, turned into columns in one transpose: no record per row, one DataFrame
    # constructor. Deadlines are shared by every item that writes the same phrase, so what is
    # derived from one is worked out once.
    facts: dict[int, tuple[str, Interval | None, bool, str | None, date | None]] = {}
    if as_of is None:
        # Without as_of no status is shown: the items are read as they stand, no status decided.
        entries: Iterable[tuple[Any, Interval | None, Any]] = (
            (tracked, None, None) for tracked in TrackedPlan.of(plan).items if tracked.deadline is not None
        )
    else:
        entries = (
            (status, status.window, status) for status in item_statuses(plan, as_of) if status.deadline is not None
        )
    rows: list[tuple[Any, ...]] = []
    for item, current, status in entries:
        deadline = item.deadline
        known = facts.get(id(deadline))
        if known is None:
            next_due = None if as_of is None else deadline.next_due(as_of)
            known = facts[id(deadline)] = (
                deadline.kind.value,
                deadline.window,
                deadline.approximate,
                deadline.rule,
                next_due,
            )
        kind, written, approximate, rule, next_due = known
        recurring = deadline.recurrence is not None
        window = current if recurring else written
        row: tuple[Any, ...] = (
            item.measure_id,
            item.section,
            item.item_id,
            item.item_type,
            item.text,
            kind,
            None if window is None else window.start,
            None if window is None else window.end,
            (None if window is None else window.end) if recurring else deadline.due,
            approximate,
            rule,
            item.done_on,
        )
        if status is not None:
            row += (next_due, status.status, status.status == "done", status.status == "overdue", status.recorded)
        rows.append(row)
    transposed = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    columns = {name: list(values) for name, values in zip(names, transposed, strict=True)}
    return typed_columns(
        columns,
        date_columns=("window_start", "window_end", "due", "done_on") + (("next_due",) if as_of is not None else ()),
        category_columns=("measure_id", "item_type", "kind"),
        bool_columns=("approximate",) + (("done", "overdue", "recorded") if as_of is not None else ()),
        ordered={"status": STATUSES} if as_of is not None else None,
        section_order=[section.id for section in plan.sections],
    )


def due_items_frame(items: Sequence[DueItem]) -> pd.DataFrame:
    """One row per answer of ``plan.overdue``, ``plan.due_in`` and the like: ``items.to_frame()``,
    the :data:`dgplan.queries.DUE_FRAME_COLUMNS` (each occurrence with its own window)."""
    return DueItems(items).to_frame()


@collector_paused()
def kpis_frame(plan: PlanData, *, as_of: date | None = None) -> pd.DataFrame:
    """One row per KPI: target, and with ``as_of`` its latest value, attainment and grade."""
    return kpi_statuses_frame(kpi_statuses(plan, as_of or date.max), plan)


def kpi_statuses_frame(statuses: Sequence[KPIStatus], plan: PlanData | None = None) -> pd.DataFrame:
    """One row per answer of ``plan.kpi_status`` (``statuses.to_frame()``), as :func:`kpis_frame`."""
    order = [] if plan is None else [section.id for section in plan.sections]
    return KPIStatuses(statuses).to_frame(section_order=order)


@collector_paused()
def measures_frame(plan: PlanData) -> pd.DataFrame:
    """One row per measure: id, section, title, counts of milestones and KPIs, and ``tags``, a
    list column (``frame.explode("tags")`` gives one row per tag; a measure without tags has ``[]``).
    """
    rows = [
        {
            "measure_id": m.id,
            "section": m.section,
            "title": m.title,
            "milestones": len(m.milestones),
            "kpis": len(m.kpis),
            "tags": list(m.tags),
        }
        for m in plan.measures
    ]
    return typed_frame(
        rows,
        ["measure_id", "section", "title", "milestones", "kpis", "tags"],
        section_order=[section.id for section in plan.sections],
    )
