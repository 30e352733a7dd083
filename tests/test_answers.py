"""Questions take `as_of` by keyword, always; their answers stay answers when sliced or filtered."""

from __future__ import annotations

import inspect
from datetime import date

import pytest

import dgplan
from dgplan import KPI, DueItems, KPIStatuses, Plan

AS_OF = date(2022, 4, 1)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return dgplan.load_plan()


QUESTIONS = (
    (Plan, "overdue"),
    (Plan, "due_this_quarter"),
    (Plan, "upcoming"),
    (Plan, "kpi_status"),
    (Plan, "summary"),
    (Plan, "due_in"),
    (Plan, "due_between"),
    (KPI, "latest"),
    (KPI, "attainment"),
    (KPI, "grade"),
    (KPI, "on_track"),
    (KPI, "due_on"),
    (KPI, "is_done"),
)


class TestAsOf:
    @pytest.mark.parametrize(("cls", "name"), QUESTIONS, ids=[f"{c.__name__}.{n}" for c, n in QUESTIONS])
    def test_required_keyword(self, cls: type, name: str) -> None:
        parameter = inspect.signature(getattr(cls, name)).parameters["as_of"]
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
        assert parameter.default is inspect.Parameter.empty  # no implicit day, least of all today

    def test_every_method_with_as_of_is_listed(self) -> None:
        found = {
            (cls, name)
            for cls in (Plan, KPI)
            for name, member in vars(cls).items()
            if callable(member) and not name.startswith("_") and "as_of" in inspect.signature(member).parameters
        }
        # the frames take it optionally: without it they have no status columns
        assert found - set(QUESTIONS) == {(Plan, "milestones_frame"), (Plan, "kpis_frame")}

    def test_positional_day_is_refused(self, plan: Plan) -> None:
        with pytest.raises(TypeError):
            plan.overdue(AS_OF)  # type: ignore[misc]
        with pytest.raises(TypeError):
            plan.due_in("令和4年度")  # type: ignore[call-arg]

    def test_as_of_is_independent_of_the_period(self, plan: Plan) -> None:
        # asked in the middle of FY2021, its end-of-year deadlines are due but not yet overdue
        early = plan.due_in("令和3年度", as_of=date(2021, 10, 1))
        late = plan.due_in("令和3年度", as_of=AS_OF)
        assert [i.item_id for i in early] == [i.item_id for i in late]
        assert sum(i.overdue for i in early) < sum(i.overdue for i in late)


class TestDueItems:
    def test_slice_keeps_the_type(self, plan: Plan) -> None:
        overdue = plan.overdue(as_of=AS_OF)
        assert type(overdue) is DueItems
        head = overdue[:5]
        assert type(head) is DueItems and list(head) == list(overdue)[:5]
        assert type(overdue[::-1]) is DueItems and overdue[::-1][0] == overdue[-1]
        assert "<table" in head._repr_html_() and "5 items" in head._repr_html_()
        assert type(overdue[0]) is dgplan.DueItem

    def test_filter_keeps_the_type(self, plan: Plan) -> None:
        quarter = plan.due_this_quarter(as_of=date(2022, 1, 15))
        done = quarter.filter(lambda item: item.done)
        assert type(done) is DueItems
        assert list(done) == [item for item in quarter if item.done]
        assert len(done) < len(quarter)

    def test_to_frame(self, plan: Plan) -> None:
        overdue = plan.overdue(as_of=AS_OF)
        frame = overdue[:10].to_frame()
        assert list(frame.columns) == [
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
        ]
        assert len(frame) == 10
        assert list(frame["item_id"]) == [item.item_id for item in overdue[:10]]
        assert str(frame["due"].dtype) == "datetime64[ns]" and str(frame["kind"].dtype) == "category"
        assert frame["overdue"].dtype == bool and bool(frame["overdue"].all())
        assert set(frame["status"]) == {"overdue"} and str(frame["status"].dtype) == "category"
        assert list(frame["window_end"].dt.date) == [item.window.end for item in overdue[:10]]

    def test_empty_frame_has_the_columns(self) -> None:
        frame = DueItems().to_frame()
        assert len(frame) == 0 and "item_id" in frame.columns


class TestKPIStatuses:
    def test_slice_filter_and_frame(self, plan: Plan) -> None:
        statuses = plan.kpi_status(as_of=AS_OF)
        assert type(statuses[2:4]) is KPIStatuses and len(statuses[2:4]) == 2
        graded = statuses.filter(lambda s: s.grade in ("A", "B"))
        assert type(graded) is KPIStatuses
        assert all(s.grade in ("A", "B") for s in graded)
        frame = statuses[:7].to_frame()
        assert list(frame["kpi_id"]) == [s.kpi_id for s in statuses[:7]]
        # the same columns as the plan's KPI frame, which is built from the same answers
        assert list(frame.columns) == list(plan.kpis_frame(as_of=AS_OF).columns)


class TestTerminalRepr:
    """A terminal shows a long answer as pandas does: first and last rows and a count (issue 26)."""

    def test_a_plan_shows_its_size_not_its_texts(self, plan: Plan) -> None:
        text = repr(plan)
        assert len(text) < 200 and "149 measures" in text and plan.title in text

    def test_a_long_answer_shows_its_ends(self, plan: Plan) -> None:
        overdue = plan.overdue(as_of=AS_OF)
        assert len(overdue) > 10
        lines = repr(overdue).splitlines()
        assert lines[0] == f"DueItems({len(overdue)} items)"
        assert len(lines) == 1 + 5 + 1 + 5 and lines[6].strip() == f"... ({len(overdue) - 10} more)"
        assert overdue[0].item_id in lines[1] and overdue[-1].item_id in lines[-1]
        assert all(len(line) < 160 for line in lines)

    def test_a_short_answer_shows_every_row(self, plan: Plan) -> None:
        few = plan.kpi_status(as_of=AS_OF)[:3]
        assert [line.split()[0] for line in repr(few).splitlines()[1:]] == [s.kpi_id for s in few]
