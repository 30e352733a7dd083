"""pandas DataFrames of a plan, for notebooks. pandas is imported here, and only here is it needed.

Dates are ``datetime64`` columns (an open end, as in a ``from`` deadline, is NaT); ids, sections
and kinds are categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from dgplan.deadline import Deadline

if TYPE_CHECKING:
    from dgplan.kpi import Plan
    from dgplan.queries import DueItem, KPIStatus

__all__ = ["due_items_frame", "kpi_statuses_frame", "kpis_frame", "measures_frame", "milestones_frame"]


def _dates(values: list[date | None]) -> pd.Series:
    """datetime64 values; None and open ends (``date.max``) become NaT."""
    cleaned = [pd.NaT if value is None or value == date.max else pd.Timestamp(value) for value in values]
    return pd.Series(cleaned, dtype="datetime64[ns]")


def _categories(values: list[Any]) -> pd.Categorical:
    return pd.Categorical(values)


def milestones_frame(plan: Plan, *, as_of: date | None = None) -> pd.DataFrame:
    """One row per milestone and per KPI target with a deadline.

    Columns: measure_id, section, item_id, item_type, text, kind, window_start, window_end, due,
    approximate, rule, done_on, and with ``as_of``: next_due and overdue. ``due`` of a recurring
    deadline is NaT; ``next_due`` gives its next occurrence.
    """
    rows: list[dict[str, Any]] = []

    def add(
        measure_id: str, section: str, item_id: str, item_type: str, text: str, deadline: Deadline, done_on: date | None
    ) -> None:
        row: dict[str, Any] = {
            "measure_id": measure_id,
            "section": section,
            "item_id": item_id,
            "item_type": item_type,
            "text": text,
            "kind": deadline.kind.value,
            "window_start": None if deadline.window is None else deadline.window.start,
            "window_end": None if deadline.window is None else deadline.window.end,
            "due": deadline.due,
            "approximate": deadline.approximate,
            "rule": deadline.rule,
            "done_on": done_on,
        }
        if as_of is not None:
            row["next_due"] = deadline.next_due(as_of)
            row["overdue"] = deadline.is_overdue(as_of, done_on=done_on)
        rows.append(row)

    for measure in plan.measures:
        for milestone in measure.milestones:
            add(
                measure.id,
                measure.section,
                milestone.id,
                "milestone",
                milestone.text,
                milestone.deadline,
                milestone.done_on,
            )
        for kpi in measure.kpis:
            if kpi.target is not None and kpi.target.by is not None:
                add(measure.id, measure.section, kpi.id, "kpi", kpi.text, kpi.target.by, kpi.done_on)
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
    ] + (["next_due", "overdue"] if as_of is not None else [])
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("window_start", "window_end", "due", "done_on") + (("next_due",) if as_of is not None else ()):
        frame[column] = _dates(list(frame[column]))
    for column in ("measure_id", "section", "item_type", "kind"):
        frame[column] = _categories(list(frame[column]))
    frame["approximate"] = frame["approximate"].astype(bool)
    if as_of is not None:
        frame["overdue"] = frame["overdue"].astype(bool)
    return frame


def due_items_frame(items: Sequence[DueItem]) -> pd.DataFrame:
    """One row per answer of ``plan.overdue``, ``plan.due_in`` and the like (``items.to_frame()``).

    Columns: due, item_id, measure_id, section, item_type, kind, done, overdue, text.
    """
    columns = ["due", "item_id", "measure_id", "section", "item_type", "kind", "done", "overdue", "text"]
    frame = pd.DataFrame(
        [
            (i.due, i.item_id, i.measure_id, i.section, i.item_type, i.deadline.kind.value, i.done, i.overdue, i.text)
            for i in items
        ],
        columns=columns,
    )
    frame["due"] = _dates(list(frame["due"]))
    for column in ("measure_id", "section", "item_type", "kind"):
        frame[column] = _categories(list(frame[column]))
    for column in ("done", "overdue"):
        frame[column] = frame[column].astype(bool)
    return frame


def kpis_frame(plan: Plan, *, as_of: date | None = None) -> pd.DataFrame:
    """One row per KPI: target, and with ``as_of`` its latest value, attainment and grade."""
    return kpi_statuses_frame(plan.kpi_status(as_of=as_of or date.max))


def kpi_statuses_frame(statuses: Sequence[KPIStatus]) -> pd.DataFrame:
    """One row per answer of ``plan.kpi_status`` (``statuses.to_frame()``), as :func:`kpis_frame`."""
    rows = [
        {
            "kpi_id": s.kpi_id,
            "measure_id": s.measure_id,
            "section": s.section,
            "kind": s.kind,
            "text": s.text,
            "unset": s.unset,
            "comparison": s.comparison,
            "target": s.target_value,
            "unit": s.unit,
            "due": s.due,
            "latest_value": s.latest_value,
            "latest_on": s.latest_on,
            "attainment": s.attainment,
            "grade": s.grade,
        }
        for s in statuses
    ]
    columns = [
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
        "latest_value",
        "latest_on",
        "attainment",
        "grade",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("due", "latest_on"):
        frame[column] = _dates(list(frame[column]))
    for column in ("target", "latest_value", "attainment"):
        frame[column] = pd.to_numeric(frame[column]).astype("float64")
    for column in ("measure_id", "section", "kind", "comparison", "grade"):
        frame[column] = _categories(list(frame[column]))
    frame["unset"] = frame["unset"].astype(bool)
    return frame


def measures_frame(plan: Plan) -> pd.DataFrame:
    """One row per measure: id, section, title, counts of milestones and KPIs, tags."""
    frame = pd.DataFrame(
        [
            {
                "measure_id": m.id,
                "section": m.section,
                "title": m.title,
                "milestones": len(m.milestones),
                "kpis": len(m.kpis),
                "tags": ",".join(m.tags),
            }
            for m in plan.measures
        ],
        columns=["measure_id", "section", "title", "milestones", "kpis", "tags"],
    )
    frame["section"] = _categories(list(frame["section"]))
    return frame
