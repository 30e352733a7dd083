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
from dgplan.queries import STATUSES, DueItem, KPIStatus, item_statuses, kpi_statuses, tracked_items

if TYPE_CHECKING:
    from dgplan.kpi import PlanData

__all__ = ["due_items_frame", "kpi_statuses_frame", "kpis_frame", "measures_frame", "milestones_frame"]


def _dates(values: list[date | None]) -> pd.Series:
    """datetime64 values; None and open ends (``date.max``) become NaT."""
    cleaned = [pd.NaT if value is None or value == date.max else pd.Timestamp(value) for value in values]
    return pd.Series(cleaned, dtype="datetime64[ns]")


def _categories(values: list[Any]) -> pd.Categorical:
    return pd.Categorical(values)


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


def _roman_value(numeral: str) -> int | None:
    """I → 1, IX → 9; None for anything that is not a Roman numeral."""
    if not numeral or any(char not in _ROMAN for char in numeral):
        return None
    values = [_ROMAN[char] for char in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _sections(plan: PlanData | None, values: list[Any]) -> pd.Categorical:
    """Sections as an ordered categorical: the plan's own order (I, II, ..., IX; never IX before V),
    or without the plan, Roman numerals by value and other names as they first appear."""
    order = [] if plan is None else [section.id for section in plan.sections]
    first = {value: index for index, value in reversed(list(enumerate(values)))}  # first appearance
    rest = sorted(set(values) - set(order), key=lambda v: (_roman_value(v) or 10_000, first[v]))
    return pd.Categorical(values, categories=order + rest, ordered=True)


def milestones_frame(plan: PlanData, *, as_of: date | None = None) -> pd.DataFrame:
    """One row per due item: each milestone, and each KPI target with a deadline that no milestone
    carries (:func:`dgplan.queries.tracked_items`).

    Columns: measure_id, section, item_id, item_type, text, kind, window_start, window_end, due,
    approximate, rule, done_on, and with ``as_of``: next_due, status, done and overdue, as
    :func:`dgplan.queries.item_statuses` decides them (the same answer as ``plan.overdue`` and
    the report). ``due`` of a recurring deadline is NaT; ``next_due`` gives its next occurrence.
    """
    statuses = {} if as_of is None else {status.item_id: status for status in item_statuses(plan, as_of)}
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
            "due": deadline.due if deadline.recurrence is None else None,
            "approximate": deadline.approximate,
            "rule": deadline.rule,
            "done_on": done_on,
        }
        if as_of is not None:
            status = statuses[item_id]
            row["next_due"] = deadline.next_due(as_of)
            row["status"] = status.status
            row["done"] = status.status == "done"
            row["overdue"] = status.status == "overdue"
        rows.append(row)

    for measure in plan.measures:
        for item in tracked_items(measure):
            if item.deadline is not None:
                add(measure.id, measure.section, item.item_id, item.item_type, item.text, item.deadline, item.done_on)
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
    ] + (["next_due", "status", "done", "overdue"] if as_of is not None else [])
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("window_start", "window_end", "due", "done_on") + (("next_due",) if as_of is not None else ()):
        frame[column] = _dates(list(frame[column]))
    for column in ("measure_id", "item_type", "kind"):
        frame[column] = _categories(list(frame[column]))
    frame["section"] = _sections(plan, list(frame["section"]))
    frame["approximate"] = frame["approximate"].astype(bool)
    if as_of is not None:
        frame["status"] = pd.Categorical(list(frame["status"]), categories=list(STATUSES), ordered=True)
        for column in ("done", "overdue"):
            frame[column] = frame[column].astype(bool)
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
    for column in ("measure_id", "item_type", "kind"):
        frame[column] = _categories(list(frame[column]))
    frame["section"] = _sections(None, list(frame["section"]))
    for column in ("done", "overdue"):
        frame[column] = frame[column].astype(bool)
    return frame


def kpis_frame(plan: PlanData, *, as_of: date | None = None) -> pd.DataFrame:
    """One row per KPI: target, and with ``as_of`` its latest value, attainment and grade."""
    return kpi_statuses_frame(kpi_statuses(plan, as_of or date.max), plan)


def kpi_statuses_frame(statuses: Sequence[KPIStatus], plan: PlanData | None = None) -> pd.DataFrame:
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
    for column in ("measure_id", "kind", "comparison", "grade"):
        frame[column] = _categories(list(frame[column]))
    frame["section"] = _sections(plan, list(frame["section"]))
    frame["unset"] = frame["unset"].astype(bool)
    return frame


def measures_frame(plan: PlanData) -> pd.DataFrame:
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
    frame["section"] = _sections(plan, list(frame["section"]))
    return frame
