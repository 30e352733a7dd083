"""pandas DataFrames of a plan, for notebooks. pandas is imported here, and only here is it needed.

Dates are ``datetime64`` columns (an open end, as in a ``from`` deadline, is NaT); ids, sections
and kinds are categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from dgplan._frame import typed_frame
from dgplan.queries import STATUSES, DueItem, DueItems, KPIStatus, KPIStatuses, item_statuses, kpi_statuses

if TYPE_CHECKING:
    from dgplan.kpi import PlanData

__all__ = ["due_items_frame", "kpi_statuses_frame", "kpis_frame", "measures_frame", "milestones_frame"]


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
    statuses = item_statuses(plan, as_of if as_of is not None else plan.issued)
    rows: list[dict[str, Any]] = []
    for status in statuses:
        deadline = status.deadline
        if deadline is None:
            continue
        recurring = deadline.recurrence is not None
        window = (status.window if as_of is not None else None) if recurring else deadline.window
        row: dict[str, Any] = {
            "measure_id": status.measure_id,
            "section": status.section,
            "item_id": status.item_id,
            "item_type": status.item_type,
            "text": status.text,
            "kind": deadline.kind.value,
            "window_start": None if window is None else window.start,
            "window_end": None if window is None else window.end,
            "due": (None if window is None else window.end) if recurring else deadline.due,
            "approximate": deadline.approximate,
            "rule": deadline.rule,
            "done_on": status.done_on,
        }
        if as_of is not None:
            row["next_due"] = deadline.next_due(as_of)
            row["status"] = status.status
            row["done"] = status.status == "done"
            row["overdue"] = status.status == "overdue"
            row["recorded"] = status.recorded
        rows.append(row)
    columns = [
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
    return typed_frame(
        rows,
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


def kpis_frame(plan: PlanData, *, as_of: date | None = None) -> pd.DataFrame:
    """One row per KPI: target, and with ``as_of`` its latest value, attainment and grade."""
    return kpi_statuses_frame(kpi_statuses(plan, as_of or date.max), plan)


def kpi_statuses_frame(statuses: Sequence[KPIStatus], plan: PlanData | None = None) -> pd.DataFrame:
    """One row per answer of ``plan.kpi_status`` (``statuses.to_frame()``), as :func:`kpis_frame`."""
    order = [] if plan is None else [section.id for section in plan.sections]
    return KPIStatuses(statuses).to_frame(section_order=order)


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
