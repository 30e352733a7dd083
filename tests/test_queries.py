"""The questions over a plan: summaries counted directly agree with the records they count, and the
plan's due items, built once per plan, are never those of another plan."""

from __future__ import annotations

import gc
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dgplan import Plan, load_plan
from dgplan import queries as q


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


class TestSummarize:
    @settings(max_examples=40)
    @given(st.dates(min_value=date(2019, 1, 1), max_value=date(2032, 12, 31)))
    def test_counts_equal_the_records_they_count(self, plan: Plan, as_of: date) -> None:
        overdue = plan.overdue(as_of=as_of)
        quarter = plan.due_this_quarter(as_of=as_of)
        statuses = plan.kpi_status(as_of=as_of)
        expected = q.summary_of(plan, as_of, overdue=overdue, due_this_quarter=quarter, statuses=statuses)
        assert plan.summary(as_of=as_of) == expected

    def test_sections_count_what_the_lists_hold(self, plan: Plan) -> None:
        as_of = date(2022, 1, 15)
        summary = plan.summary(as_of=as_of)
        overdue = plan.overdue(as_of=as_of)
        assert summary.overdue == len(overdue) > 0
        assert sum(counts.get("overdue", 0) for counts in summary.by_section.values()) == len(overdue)
        assert sum(summary.kpi_grades.values()) == summary.kpis == len(plan.kpi_status(as_of=as_of))


class TestTrackedItemsOncePerPlan:
    def test_built_once(self, plan: Plan) -> None:
        assert q._tracked(plan) is q._tracked(plan)

    def test_a_copy_with_other_measures_has_its_own(self, plan: Plan) -> None:
        as_of = date(2022, 1, 15)
        assert len(plan.overdue(as_of=as_of)) > 0
        fewer = plan.model_copy(update={"measures": plan.measures[:1]})
        assert {item.measure_id for item in q._tracked(fewer)} == {plan.measures[0].id}
        assert {item.measure_id for item in fewer.overdue(as_of=as_of)} <= {plan.measures[0].id}
        none = plan.model_copy(update={"measures": ()})
        assert none.overdue(as_of=as_of) == [] and none.summary(as_of=as_of).overdue == 0

    def test_keeps_no_plan_alive(self, plan: Plan) -> None:
        copy = plan.model_copy(update={"measures": plan.measures[:2]})
        q._tracked(copy)
        memo = q._tracked.__self__  # type: ignore[attr-defined]
        key = id(copy)
        assert key in memo._entries
        del copy
        gc.collect()
        assert key not in memo._entries
