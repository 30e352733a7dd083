"""The frames are built column by column (dgplan._frame.typed_columns); these tests hold them to
the frame built the plain way: one record per row, one DataFrame of the records, each column cast
afterwards, as dgplan built them before (issue 28). Same columns, dtypes, categories and values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dgplan
from dgplan import Plan
from dgplan._frame import ALWAYS_CATEGORIES, dates, section_categories, typed_columns, typed_frame
from dgplan.frames import kpis_frame, measures_frame, milestones_frame
from dgplan.queries import STATUSES, item_statuses

_DAYS = st.dates(min_value=date(2021, 4, 1), max_value=date(2027, 3, 31))
_PHRASES = [
    "2022-03-31",
    "令和4年度末まで",
    "令和5年度上期中に",
    "毎年度末",
    "毎年度",
    "毎月末",
    "令和6年度以降",
    "速やかに",
]


def plan_of(*measures: dict[str, Any]) -> Plan:
    return Plan.model_validate({"plan": {"title": "表の計画", "issued": "2021-06-18"}, "measures": list(measures)})


def measure(measure_id: str, milestones: Sequence[dict[str, Any]] = (), kpis: Sequence[dict[str, Any]] = ()) -> dict:
    return {"id": measure_id, "section": "I", "title": "施策", "milestones": list(milestones), "kpis": list(kpis)}


@st.composite
def _plans(draw: st.DrawFn) -> Plan:
    """Plans with one-off, recurring and undated items, done or not, KPIs linked or on their own."""
    measures = []
    for number in range(1, draw(st.integers(1, 4)) + 1):
        kpis = []
        for _ in range(draw(st.integers(0, 2))):
            observations = draw(st.lists(st.tuples(_DAYS, st.sampled_from([0, 70, 100])), max_size=3))
            target = {"comparison": ">=", "value": 70, "by": draw(st.sampled_from(_PHRASES))}
            kpis.append(
                {
                    "kind": "progress",
                    "text": "件数",
                    "target": target if draw(st.booleans()) else {"comparison": ">=", "value": 70},
                    "observations": [{"date": day.isoformat(), "value": v} for day, v in dict(observations).items()],
                }
            )
        milestones = []
        for _ in range(draw(st.integers(0, 3))):
            milestone: dict[str, Any] = {"text": "工程", "due": draw(st.sampled_from(_PHRASES))}
            if draw(st.booleans()):
                milestone["done_on"] = draw(_DAYS).isoformat()
            if kpis and draw(st.booleans()):
                milestone["kpi"] = f"{number}-1/progress/{draw(st.integers(1, len(kpis)))}"
            milestones.append(milestone)
        measures.append(measure(f"{number}-1", milestones, kpis))
    return plan_of(*measures)


def _reference_typed_frame(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    date_columns: Iterable[str] = (),
    category_columns: Iterable[str] = (),
    bool_columns: Iterable[str] = (),
    float_columns: Iterable[str] = (),
    ordered: Mapping[str, Sequence[str]] | None = None,
    section_order: Sequence[str] = (),
) -> pd.DataFrame:
    """The frame as dgplan built it row by row, each value a pd.Timestamp, each column recast."""

    def slow_dates(values: list[Any]) -> pd.Series:
        cleaned = [pd.NaT if v is None or v == date.max else pd.Timestamp(v) for v in values]
        return pd.Series(cleaned, dtype="datetime64[ns]")

    frame = pd.DataFrame([[row.get(column) for column in columns] for row in rows], columns=list(columns))
    for column in date_columns:
        frame[column] = slow_dates(list(frame[column]))
    for column in dict.fromkeys([*category_columns, *(c for c in ALWAYS_CATEGORIES if c in frame.columns)]):
        frame[column] = pd.Categorical(list(frame[column]))
    for column in bool_columns:
        frame[column] = frame[column].astype(bool)
    for column in float_columns:
        frame[column] = pd.to_numeric(frame[column]).astype("float64")
    for column, categories in (ordered or {}).items():
        frame[column] = pd.Categorical(list(frame[column]), categories=list(categories), ordered=True)
    if "section" in frame.columns:
        frame["section"] = section_categories(list(frame["section"]), section_order)
    return frame


def _reference_milestones_frame(plan: Plan, as_of: date | None) -> pd.DataFrame:
    """milestones_frame as it was written before: a dict per row, then the frame."""
    rows = []
    for status in item_statuses(plan, as_of if as_of is not None else plan.info.issued):
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
    return _reference_typed_frame(
        rows,
        columns,
        date_columns=("window_start", "window_end", "due", "done_on") + (("next_due",) if as_of is not None else ()),
        category_columns=("measure_id", "item_type", "kind"),
        bool_columns=("approximate",) + (("done", "overdue", "recorded") if as_of is not None else ()),
        ordered={"status": STATUSES} if as_of is not None else None,
        section_order=[section.id for section in plan.sections],
    )


def assert_same_frame(fast: pd.DataFrame, slow: pd.DataFrame) -> None:
    assert list(fast.columns) == list(slow.columns)
    assert list(fast.dtypes.astype(str)) == list(slow.dtypes.astype(str))
    for column in fast.columns:
        if isinstance(slow[column].dtype, pd.CategoricalDtype):
            assert fast[column].dtype == slow[column].dtype, column  # categories, their order and dtype
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)


class TestMilestonesFrameAsBefore:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(plan=_plans(), as_of=st.none() | _DAYS)
    def test_generated_plans(self, plan: Plan, as_of: date | None) -> None:
        assert_same_frame(milestones_frame(plan, as_of=as_of), _reference_milestones_frame(plan, as_of))

    @pytest.mark.parametrize("as_of", [None, date(2021, 6, 18), date(2022, 11, 26), date(2026, 4, 1)])
    def test_the_bundled_plan(self, as_of: date | None) -> None:
        plan = dgplan.load_plan()
        assert_same_frame(milestones_frame(plan, as_of=as_of), _reference_milestones_frame(plan, as_of))

    @pytest.mark.parametrize("as_of", [None, date(2022, 4, 1)])
    def test_a_plan_without_items(self, as_of: date | None) -> None:
        plan = plan_of(measure("1-1"))
        assert_same_frame(milestones_frame(plan, as_of=as_of), _reference_milestones_frame(plan, as_of))


class TestTypedFrameAsBefore:
    """The shared builder against the row-by-row one, on the values frames hold: missing values,
    open ends, days outside datetime64[ns], columns of None only, no rows."""

    values = st.one_of(
        st.none(),
        st.sampled_from([date.max, date(1, 1, 1), date(1677, 9, 21), date(2262, 4, 11)]),
        st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 12, 31)),
    )

    @settings(max_examples=80, deadline=None)
    @given(
        rows=st.lists(
            st.fixed_dictionaries(
                {
                    "measure_id": st.sampled_from(["1-1", "1-2", "2-10"]),
                    "section": st.sampled_from(["I", "II", "IX", "V", "付録"]),
                    "text": st.none() | st.sampled_from(["工程", "件数"]),
                    "kind": st.none() | st.sampled_from(["by", "within"]),
                    "day": st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 12, 31)) | st.none(),
                    "flag": st.booleans(),
                    "value": st.none() | st.integers(-5, 5) | st.floats(-1e3, 1e3),
                    "status": st.sampled_from(STATUSES),
                    "owner": st.none(),
                }
            ),
            max_size=12,
        ),
        order=st.sampled_from([(), ("IX", "I"), ("I", "II", "V", "IX")]),
    )
    def test_records(self, rows: list[dict[str, Any]], order: tuple[str, ...]) -> None:
        columns = (
            list(rows[0])
            if rows
            else ["measure_id", "section", "text", "kind", "day", "flag", "value", "status", "owner"]
        )
        types: dict[str, Any] = {
            "date_columns": ("day",),
            "category_columns": ("kind",),
            "bool_columns": ("flag",),
            "float_columns": ("value",),
            "ordered": {"status": STATUSES},
            "section_order": order,
        }
        fast = typed_frame(rows, columns, **types)
        assert_same_frame(fast, _reference_typed_frame(rows, columns, **types))
        by_column = typed_columns({column: [row.get(column) for row in rows] for column in columns}, **types)
        assert_same_frame(by_column, fast)

    @settings(max_examples=60, deadline=None)
    @given(days=st.lists(values, max_size=10))
    def test_dates(self, days: list[date | None]) -> None:
        rows = [{"day": day} for day in days]
        try:
            slow = _reference_typed_frame(rows, ["day"], date_columns=("day",))
        except (ValueError, OverflowError) as error:
            with pytest.raises(type(error)):
                typed_frame(rows, ["day"], date_columns=("day",))
            return
        assert_same_frame(typed_frame(rows, ["day"], date_columns=("day",)), slow)
        pd.testing.assert_series_equal(dates(days), slow["day"].rename(None), check_exact=True)


def test_other_frames_as_before() -> None:
    """kpis_frame and measures_frame go through the same builder: still the row-by-row frame."""
    plan = dgplan.load_plan()
    as_of = date(2022, 11, 26)
    kpi_rows = [status.record() for status in plan.kpi_status(as_of=as_of)]
    from dgplan.kpi import GRADES
    from dgplan.queries import KPI_FRAME_COLUMNS

    slow = _reference_typed_frame(
        kpi_rows,
        KPI_FRAME_COLUMNS,
        date_columns=("due", "latest_on"),
        category_columns=("measure_id", "kind", "comparison"),
        bool_columns=("unset",),
        float_columns=("target", "latest_value", "attainment"),
        ordered={"grade": GRADES, "status": STATUSES},
        section_order=[section.id for section in plan.sections],
    )
    assert_same_frame(kpis_frame(plan, as_of=as_of), slow)
    measure_rows = [
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
    slow = _reference_typed_frame(
        measure_rows,
        ["measure_id", "section", "title", "milestones", "kpis", "tags"],
        section_order=[section.id for section in plan.sections],
    )
    assert_same_frame(measures_frame(plan), slow)
    due = plan.due_between(date(2021, 4, 1), date(2030, 3, 31), as_of=as_of)
    from dgplan.queries import DUE_FRAME_COLUMNS

    slow = _reference_typed_frame(
        [item.record() for item in due],
        DUE_FRAME_COLUMNS,
        date_columns=("due", "window_start", "window_end"),
        category_columns=("measure_id", "item_type", "kind"),
        bool_columns=("done", "overdue", "recorded"),
        ordered={"status": STATUSES},
    )
    assert_same_frame(due.to_frame(), slow)
