"""The plan model and its questions, on a small plan written for the tests (tests/data/small_plan.yaml).

Expected answers are worked out by hand from the plan's comments.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dgplan import FiscalQuarter, FiscalYear, Interval, diff_plans
from dgplan.deadline import DeadlineKind
from dgplan.kpi import KPI, Target
from dgplan.plan import Plan
from dgplan.plan_io import load_plan

SMALL = Path(__file__).parent / "data" / "small_plan.yaml"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(SMALL)


def ids(items: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(item.item_id, item.due.isoformat()) for item in items]


class TestModel:
    def test_lookups(self, plan: Plan) -> None:
        assert plan.title == "テスト計画"
        assert plan.issued == date(2021, 6, 18)
        assert plan["1-2"].title == "モデル事業"
        assert "9-9" not in plan and "1-1" in plan
        with pytest.raises(KeyError):
            plan["9-9"]
        assert [m.id for m in plan.measures_in("I")] == ["1-1", "1-2"]
        assert [m.id for m in plan.measures_in("2")] == ["2-1"]
        assert len(plan) == 4

    def test_ids_are_numbered_when_omitted(self, plan: Plan) -> None:
        assert [m.id for m in plan["1-2"].milestones] == ["1-2/pilot", "1-2/m2", "1-2/m3"]
        assert [k.id for k in plan["1-1"].kpis] == ["1-1/progress/1", "1-1/effect/1"]
        assert plan.kpi("1-2/progress/1").kind == "progress"  # 進捗 is read as progress
        assert plan.milestone("1-2/pilot").text == "モデル事業"

    def test_deadlines_and_dates_from_phrases(self, plan: Plan) -> None:
        m1, m2 = plan["1-1"].milestones
        assert (m1.deadline.kind, m1.deadline.due) == (DeadlineKind.BY, date(2022, 3, 31))
        assert m2.done_on == date(2024, 12, 1)  # 令和6年12月1日
        explicit = plan.milestone("3-1/m2").deadline
        assert (explicit.kind, explicit.window) == (
            DeadlineKind.WITHIN,
            Interval(date(2021, 10, 1), date(2021, 12, 31)),
        )
        assert explicit.due == date(2021, 12, 31)

    def test_unset_kpi_is_kept(self, plan: Plan) -> None:
        kpi = plan.kpi("1-2/progress/1")
        assert kpi.unset and kpi.text == "未設定" and kpi.target is None

    def test_duplicate_ids_in_code(self) -> None:
        measure = {"id": "1-1", "section": "I", "title": "x"}
        with pytest.raises(ValueError, match="duplicate measure ids: 1-1"):
            Plan.model_validate({"plan": {"title": "x", "issued": "2021-06-18"}, "measures": [measure, measure]})

    def test_frozen(self, plan: Plan) -> None:
        with pytest.raises(ValueError, match="frozen"):
            plan["1-1"].title = "x"  # type: ignore[misc]


class TestOverdue:
    @pytest.mark.parametrize(
        ("as_of", "expected"),
        [
            # before anything is due
            (date(2021, 12, 31), []),
            # the explicit window ended on 2021-12-31
            (date(2022, 1, 1), [("3-1/m2", "2021-12-31")]),
            # the last day of FY2021 is not yet overdue
            (date(2022, 3, 31), [("3-1/m2", "2021-12-31")]),
            # FY2021 has ended: 1-1/m1 missed, the yearly report missed; the KPI 1-1 met its target
            (date(2022, 4, 1), [("3-1/m2", "2021-12-31"), ("1-1/m1", "2022-03-31"), ("2-1/m1", "2022-03-31")]),
            # after summer 2022 the pilot (approximate) is overdue too
            (
                date(2022, 9, 1),
                [
                    ("3-1/m2", "2021-12-31"),
                    ("1-1/m1", "2022-03-31"),
                    ("2-1/m1", "2022-03-31"),
                    ("1-2/pilot", "2022-08-31"),
                ],
            ),
            # FY2022 ended: a recurring item lists each miss since its last done occurrence (2-1/m1
            # missed FY2021 and FY2022; 2-1/effect/1 met FY2021, so only FY2022), the range is overdue
            (
                date(2023, 4, 1),
                [
                    ("3-1/m2", "2021-12-31"),
                    ("1-1/m1", "2022-03-31"),
                    ("2-1/m1", "2022-03-31"),
                    ("1-2/pilot", "2022-08-31"),
                    ("2-1/m1", "2023-03-31"),
                    ("2-1/effect/1", "2023-03-31"),
                    ("3-1/m1", "2023-03-31"),
                ],
            ),
        ],
    )
    def test_overdue(self, plan: Plan, as_of: date, expected: list[tuple[str, str]]) -> None:
        assert ids(plan.overdue(as_of=as_of)) == expected

    def test_from_undated_and_done_never_overdue(self, plan: Plan) -> None:
        overdue = {item.item_id for item in plan.overdue(as_of=date(2030, 1, 1))}
        assert {"1-2/m2", "1-2/m3", "1-1/m2", "2-1/m2"}.isdisjoint(overdue)


class TestDue:
    def test_one_order_due_date_then_plan_order(self) -> None:
        # Ids sorted as text would give 1-1, 1-10, 1-2; the plan's order is 1-1, 1-2, 1-10.
        measures = [
            {"id": f"1-{n}", "section": "I", "title": "t", "milestones": [{"text": "x", "due": "2022-03-31"}]}
            for n in (1, 2, 10)
        ]
        measures.insert(
            0, {"id": "1-11", "section": "I", "title": "t", "milestones": [{"text": "x", "due": "2022-01-31"}]}
        )
        plan = Plan.model_validate({"plan": {"title": "t", "issued": "2021-06-18"}, "measures": measures})
        assert [i.measure_id for i in plan.due_this_quarter(as_of=date(2022, 1, 1))] == ["1-11", "1-1", "1-2", "1-10"]
        assert [i.measure_id for i in plan.overdue(as_of=date(2022, 4, 1))] == ["1-11", "1-1", "1-2", "1-10"]

    def test_due_this_quarter_at_quarter_edges(self, plan: Plan) -> None:
        # FY2021 Q4 (Jan-Mar 2022)
        q4 = [
            ("1-1/m1", "2022-03-31"),
            ("1-1/progress/1", "2022-03-31"),
            ("2-1/m1", "2022-03-31"),
            ("2-1/effect/1", "2022-03-31"),
        ]
        assert ids(plan.due_this_quarter(as_of=date(2022, 1, 1))) == q4
        assert ids(plan.due_this_quarter(as_of=date(2022, 3, 31))) == q4
        # FY2022 Q1 (Apr-Jun 2022): nothing
        assert plan.due_this_quarter(as_of=date(2022, 4, 1)) == []
        # FY2021 Q2 (Jul-Sep 2021): the July check, done
        [item] = plan.due_this_quarter(as_of=date(2021, 8, 1))
        assert (item.item_id, item.done, item.overdue) == ("2-1/m2", True, False)

    def test_done_is_judged_as_of(self, plan: Plan) -> None:
        items = {i.item_id: i for i in plan.due_this_quarter(as_of=date(2022, 2, 1))}
        assert not items["1-1/progress/1"].done  # 1741 is observed on 2022-03-31, later
        items = {i.item_id: i for i in plan.due_this_quarter(as_of=date(2022, 3, 31))}
        assert items["1-1/progress/1"].done and items["2-1/effect/1"].done

    def test_due_in_any_period(self, plan: Plan) -> None:
        day = date(2022, 4, 1)  # which are done does not change which are due
        expected = ids(plan.due_between(date(2022, 4, 1), date(2023, 3, 31), as_of=day))
        assert expected == [
            ("1-2/pilot", "2022-08-31"),
            ("2-1/m1", "2023-03-31"),
            ("2-1/effect/1", "2023-03-31"),
            ("3-1/m1", "2023-03-31"),
        ]
        assert ids(plan.due_in(FiscalYear(2022), as_of=day)) == expected
        assert ids(plan.due_in("令和4年度", as_of=day)) == expected
        assert ids(plan.due_in(Interval(date(2022, 4, 1), date(2023, 3, 31)), as_of=day)) == expected
        assert ids(plan.due_in(FiscalQuarter(2022, 2), as_of=day)) == [("1-2/pilot", "2022-08-31")]
        assert ids(plan.due_in("令和4年度上期", as_of=day)) == [("1-2/pilot", "2022-08-31")]
        assert ids(plan.due_in("令和6年度", as_of=day)) == [
            ("1-1/m2", "2025-03-31"),
            ("2-1/m1", "2025-03-31"),
            ("2-1/effect/1", "2025-03-31"),
        ]

    def test_upcoming(self, plan: Plan) -> None:
        assert ids(plan.upcoming(as_of=date(2022, 8, 1), days=30)) == [("1-2/pilot", "2022-08-31")]
        assert plan.upcoming(as_of=date(2022, 8, 1), days=29) == []
        # the July check is upcoming until it is done (2021-07-10)
        assert ids(plan.upcoming(as_of=date(2021, 7, 1), days=30)) == [("2-1/m2", "2021-07-15")]
        assert plan.upcoming(as_of=date(2021, 7, 12), days=30) == []


class TestKPI:
    def test_latest(self, plan: Plan) -> None:
        kpi = plan.kpi("1-1/progress/1")
        assert kpi.latest(as_of=date(2021, 9, 29)) is None
        latest = kpi.latest(as_of=date(2022, 1, 1))
        assert latest is not None and latest.value == 600

    def test_attainment_and_grade_increasing(self, plan: Plan) -> None:
        kpi = plan.kpi("1-1/progress/1")
        # 600 of 1741 (0.345) observed 2021-09-30; on 2021-10-01 the share of time elapsed since the
        # plan's issue (2021-06-18) to the due date (2022-03-31) is 105/286 (0.367): behind.
        assert kpi.attainment(as_of=date(2021, 10, 1), plan_start=plan.issued) == pytest.approx(600 / 1741)
        assert kpi.grade(as_of=date(2021, 10, 1), plan_start=plan.issued) == "B"
        # by 2022-03-30 the elapsed share is 285/286 but progress is still 600/1741
        assert kpi.grade(as_of=date(2022, 3, 30), plan_start=plan.issued) == "B"
        assert kpi.on_track(as_of=date(2022, 3, 30), plan_start=plan.issued) is False
        assert kpi.grade(as_of=date(2022, 3, 31), plan_start=plan.issued) == "A"

    def test_reduction_runs_downwards(self, plan: Plan) -> None:
        kpi = plan.kpi("3-1/effect/1")
        assert kpi.target is not None and kpi.target.decreasing
        assert kpi.target.goal() == pytest.approx(70)
        assert kpi.attainment(as_of=date(2022, 4, 1)) == pytest.approx(5 / 30)
        # baseline is the end of FY2020; due 2026-03-31; on 2022-04-01 a fifth of the time has passed
        assert kpi.grade(as_of=date(2022, 4, 1)) == "B"

    def test_grades_n_and_f(self, plan: Plan) -> None:
        assert plan.kpi("1-1/progress/1").grade(as_of=date(2021, 7, 1)) == "N"  # no observation yet
        assert plan.kpi("1-1/effect/1").grade(as_of=date(2022, 4, 1)) == "F"  # no numeric target
        assert plan.kpi("1-1/effect/1").on_track(as_of=date(2022, 4, 1)) is None

    @pytest.mark.parametrize(
        ("text", "grade"),
        [
            ("マイキーID登録者数", "no target"),  # a metric with no target cannot be graded
            ("研修の実施回数", "no target"),
            ("地方公共団体における利用率（参考）", "no target"),
            ("運用コスト", "no target"),
            ("システムの改修（令和６年度中）", "F"),  # the carrying-out of the measure itself
            ("運用面、制度面の方針策定", "F"),
            ("児童生徒１人１台端末の実現", "F"),
        ],
    )
    def test_without_a_target_an_action_is_f_and_a_metric_has_no_target(self, text: str, grade: str) -> None:
        kpi = KPI.model_validate({"id": "1-1/progress/1", "kind": "progress", "text": text})
        assert kpi.grade(as_of=date(2022, 4, 1)) == grade
        assert kpi.on_track(as_of=date(2022, 4, 1)) is None
        unset = KPI.model_validate({"id": "1-1/progress/1", "kind": "progress", "text": "未設定", "unset": True})
        assert unset.grade(as_of=date(2022, 4, 1)) == "unset"

    @pytest.mark.parametrize(
        ("comparison", "value", "met", "missed"),
        [(">=", 10, 10, 9.9), (">", 10, 10.1, 10), ("<=", 10, 10, 10.1), ("<", 10, 9.9, 10), ("=", 10, 10, 11)],
    )
    def test_target_comparisons(self, comparison: str, value: float, met: float, missed: float) -> None:
        target = Target(comparison=comparison, value=value)  # type: ignore[arg-type]
        assert target.is_met_by(met) and not target.is_met_by(missed)

    def test_change_needs_a_baseline(self) -> None:
        with pytest.raises(ValueError, match="baseline"):
            Target(comparison="change", value=-30, unit="%")

    def test_unset_with_target_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="unset"):
            KPI(id="1-1/progress/1", kind="progress", text="未設定", unset=True, target=Target(value=1))

    def test_kpi_status(self, plan: Plan) -> None:
        statuses = {s.kpi_id: s for s in plan.kpi_status(as_of=date(2022, 4, 1))}
        # A recurring target is graded on its current period (FY2022), which has no observation yet:
        # last year's 80% met last year's occurrence, not this one (spec §6a).
        assert statuses["2-1/effect/1"].grade == "N"
        assert statuses["2-1/effect/1"].status == "due"
        assert statuses["2-1/effect/1"].due == date(2023, 3, 31)  # the next occurrence
        assert plan.kpi("2-1/effect/1").grade(as_of=date(2022, 3, 31), plan_start=plan.issued) == "A"
        assert statuses["3-1/effect/1"].target_value == pytest.approx(70)
        assert statuses["1-2/progress/1"].unset


class TestSummary:
    def test_counts(self, plan: Plan) -> None:
        summary = plan.summary(as_of=date(2022, 4, 1))
        assert (summary.measures, summary.milestones, summary.kpis) == (4, 9, 5)
        assert summary.overdue == 3
        assert summary.kpi_grades == {"A": 1, "B": 1, "N": 1, "F": 1, "unset": 1}
        assert summary.by_section["I"]["overdue"] == 1
        assert summary.by_section["III"]["kpi_B"] == 1

    def test_quarter_counts(self, plan: Plan) -> None:
        summary = plan.summary(as_of=date(2022, 3, 31))
        assert (summary.due_this_quarter, summary.done_this_quarter) == (4, 2)


class TestFrames:
    def test_milestones_frame(self, plan: Plan) -> None:
        frame = plan.milestones_frame(as_of=date(2022, 4, 1))
        assert len(frame) == 9 + 3  # milestones, and KPI targets with a deadline
        assert str(frame["due"].dtype) == "datetime64[ns]"
        assert str(frame["kind"].dtype) == "category"
        row = frame.set_index("item_id").loc["1-2/m2"]
        assert row["kind"] == "from" and str(row["window_end"]) == "NaT"
        assert frame.set_index("item_id").loc["1-1/m1", "overdue"]

    def test_kpis_frame_and_measures(self, plan: Plan) -> None:
        kpis = plan.kpis_frame(as_of=date(2022, 4, 1))
        assert list(kpis["grade"]) == ["A", "F", "unset", "N", "B"]
        assert str(kpis["attainment"].dtype) == "float64"
        measures = plan.to_frame()
        assert list(measures["measure_id"]) == ["1-1", "1-2", "2-1", "3-1"]
        assert list(measures["milestones"]) == [2, 3, 2, 2]

    def test_measure_id_is_one_dtype_in_every_frame(self, plan: Plan) -> None:
        as_of = date(2022, 4, 1)
        frames = {
            "to_frame": plan.to_frame(),
            "milestones_frame": plan.milestones_frame(as_of=as_of),
            "kpis_frame": plan.kpis_frame(as_of=as_of),
            "overdue().to_frame": plan.overdue(as_of=as_of).to_frame(),
            "kpi_status().to_frame": plan.kpi_status(as_of=as_of).to_frame(),
            "diff_plans().to_frame": diff_plans(
                plan, plan.model_copy(update={"measures": plan.measures[1:]})
            ).to_frame(),
        }
        dtypes = {name: str(frame["measure_id"].dtype) for name, frame in frames.items()}
        assert set(dtypes.values()) == {"category"}, dtypes
        # One dtype, so frames join on it without a cast.
        joined = frames["milestones_frame"].merge(frames["to_frame"][["measure_id", "title"]], on="measure_id")
        assert len(joined) == len(frames["milestones_frame"])

    def test_tags_are_a_list_column(self, plan: Plan) -> None:
        tagged = plan.model_copy(
            update={"measures": (plan.measures[0].model_copy(update={"tags": ("ID", "AI,ML")}), *plan.measures[1:])}
        )
        measures = tagged.to_frame()
        assert measures["tags"].tolist()[:2] == [["ID", "AI,ML"], []]
        assert measures.explode("tags")["tags"].dropna().tolist() == ["ID", "AI,ML"]  # a comma inside a tag survives
