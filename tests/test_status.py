"""One answer for every item and occurrence (spec §6a): the questions, the report, the frames,
CSV, JSON, the workbook and the calendar feed say the same thing about the same item on the same day.
The plans here are our own wording, in the shapes the issue found in the bundled plan."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

import dgplan
from dgplan import FiscalQuarter, FiscalYear, Plan
from dgplan._bundled import tracked_codec
from dgplan.kpi import GRADE_WORDS
from dgplan.labels import grade_name, status_label
from dgplan.queries import STATUSES, DueItem, TrackedPlan, item_statuses
from dgplan.report import render_due, render_report
from dgplan.workbook import workbook_bytes

ISSUED = "2021-06-18"


def plan_of(*measures: dict[str, Any]) -> Plan:
    return Plan.model_validate({"plan": {"title": "状況の計画", "issued": ISSUED}, "measures": list(measures)})


def measure(measure_id: str, *, milestones: list[dict[str, Any]] = (), kpis: list[dict[str, Any]] = ()) -> dict:  # type: ignore[assignment]
    return {
        "id": measure_id,
        "section": "I",
        "title": f"施策{measure_id}",
        "milestones": list(milestones),
        "kpis": list(kpis),
    }


def section_of(text: str, heading: str) -> str:
    start = text.index(heading)
    following = text.find("\n## ", start + 1)
    return text[start : None if following == -1 else following]


ANNUAL = plan_of(measure("1-1", milestones=[{"text": "年次報告の公表", "due": "毎年度末"}]))


class TestReportAnswersTheDueQuestions:
    def test_a_missed_occurrence_keeps_the_next_in_the_quarter(self) -> None:
        as_of = date(2023, 1, 15)  # FY2022-Q4: the FY2021 report was missed, the FY2022 one is due
        assert [(i.item_id, i.due, i.status) for i in ANNUAL.overdue(as_of=as_of)] == [
            ("1-1/m1", date(2022, 3, 31), "overdue")
        ]
        assert [(i.item_id, i.due, i.status) for i in ANNUAL.due_this_quarter(as_of=as_of)] == [
            ("1-1/m1", date(2023, 3, 31), "due")
        ]
        text = render_report(ANNUAL, as_of, lang="en")
        quarter = section_of(text, "## Due this quarter")
        assert "(1)" in quarter.splitlines()[0]
        assert "| 1-1/m1 |" in quarter and "| 2023-03-31 | due; also overdue since 2022-03-31 |" in quarter
        late = section_of(text, "## Overdue")
        assert "| 1-1/m1 |" in late and "| 2022-03-31 |" in late

    @pytest.mark.parametrize("as_of", [date(2021, 12, 1), date(2022, 11, 26), date(2024, 2, 29), date(2026, 12, 5)])
    def test_the_bundled_report_lists_what_due_lists(self, as_of: date) -> None:
        plan = dgplan.load_plan()
        text = render_report(plan, as_of, lang="en")
        quarter = FiscalQuarter.from_date(as_of)
        for heading, items in (
            ("## Due this quarter", plan.due_this_quarter(as_of=as_of)),
            ("## Due next quarter", plan.due_in(quarter.next, as_of=as_of)),
            ("## Overdue", plan.overdue(as_of=as_of)),
        ):
            block = section_of(text, heading)
            assert block.splitlines()[0].endswith(f"({len(items)})"), heading
            listed = re.findall(r"^\| (?:\S+ \| [^|]* \| )?(\d+-\d+/\S+) \|", block, flags=re.M)
            assert sorted(listed) == sorted(item.item_id for item in items), heading


class TestOccurrenceWindows:
    def test_each_occurrence_has_its_own_window_everywhere(self) -> None:
        items = ANNUAL.due_between(date(2021, 4, 1), date(2025, 3, 31), as_of=date(2023, 6, 1))
        assert [i.due for i in items] == [date(y, 3, 31) for y in (2022, 2023, 2024, 2025)]
        for item in items:
            assert item.window == dgplan.Interval(item.due.replace(day=1), item.due)
            assert item.deadline.window == item.window and item.deadline.due == item.due
        rows = list(csv.DictReader(io.StringIO(render_due(items, "csv", as_of=date(2023, 6, 1)))))
        assert [(r["window_start"], r["window_end"], r["due"]) for r in rows] == [
            (f"{y}-03-01", f"{y}-03-31", f"{y}-03-31") for y in (2022, 2023, 2024, 2025)
        ]
        data = json.loads(render_due(items, "json", as_of=date(2023, 6, 1)))["items"]
        assert [(r["window_start"], r["status"]) for r in data] == [
            ("2022-03-01", "overdue"),
            ("2023-03-01", "overdue"),
            ("2024-03-01", "due"),
            ("2025-03-01", "due"),
        ]
        calendar = Calendar.from_ical(render_due(items, "ics", as_of=date(2023, 6, 1), plan=ANNUAL))
        descriptions = [str(event["description"]) for event in calendar.walk("VEVENT")]
        assert [
            d.count(f"window: {y}-03-01..{y}-03-31") for d, y in zip(descriptions, range(2022, 2026), strict=True)
        ] == [1] * 4

    def test_the_workbook_shows_the_occurrence_that_matters(self) -> None:
        done = plan_of(
            measure("1-1", milestones=[{"text": "年次報告の公表", "due": "毎年度末", "done_on": "2024-03-15"}])
        )
        for plan, as_of, due, status in (
            # FY2021, FY2022 and FY2023 all missed: the row shows the first still outstanding
            (ANNUAL, date(2024, 5, 1), datetime_of(2022, 3, 31), "期限超過（進捗の記録なし）"),
            (done, date(2024, 5, 1), datetime_of(2025, 3, 31), "期限前"),
        ):
            book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(plan, as_of=as_of)))
            sheet = book["工程表"]
            header = [cell.value for cell in sheet[1]]
            row = {name: sheet.cell(row=2, column=index + 1).value for index, name in enumerate(header)}
            assert (row["期限日"], row["状況"]) == (due, status)
        # FY2023 done closes the earlier misses (a later occurrence met): the next one is the row's
        # Without an as-of date there is no occurrence to show: never the long-past first one.
        sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes(ANNUAL)))["工程表"]
        assert sheet.cell(row=2, column=5).value is None and sheet.cell(row=2, column=6).value == "毎年度末"


def datetime_of(year: int, month: int, day: int) -> Any:
    from datetime import datetime

    return datetime(year, month, day)


def target_kpi(comparison: str, value: float, by: str, observations: list[tuple[str, float]], **extra: Any) -> dict:
    return {
        "kind": "effect",
        "text": "指標",
        "target": {"comparison": comparison, "value": value, "unit": "人", "by": by, **extra},
        "observations": [{"date": day, "value": v} for day, v in observations],
    }


class TestStrictTargets:
    @pytest.mark.parametrize(
        ("comparison", "value", "met"),
        [
            (">", 30000, False),  # 3万人超: exactly 30,000 is not more than 30,000
            (">", 30001, True),
            (">=", 30000, True),  # 3万人以上
            ("<", 30000, False),  # 未満
            ("<=", 30000, True),  # 以下
        ],
    )
    def test_the_grade_follows_the_comparison(self, comparison: str, value: float, met: bool) -> None:
        plan = plan_of(measure("6-1", kpis=[target_kpi(comparison, 30000, "令和7年度末まで", [("2026-03-31", value)])]))
        as_of = date(2026, 4, 1)
        [status] = plan.kpi_status(as_of=as_of)
        overdue = [i.item_id for i in plan.overdue(as_of=as_of)]
        assert status.grade == ("A" if met else "B")
        assert status.status == ("done" if met else "overdue")
        assert overdue == ([] if met else ["6-1/effect/1"])
        assert plan.kpi("6-1/effect/1").is_done(as_of=as_of) is met

    def test_met_after_the_due_date_is_late(self) -> None:
        plan = plan_of(measure("6-1", kpis=[target_kpi(">=", 100, "2025-03-31", [("2025-06-30", 120)])]))
        as_of = date(2025, 7, 1)
        assert [i.item_id for i in plan.overdue(as_of=as_of)] == ["6-1/effect/1"]
        assert plan.kpi_status(as_of=as_of)[0].grade == "B"


class TestRecurringGrades:
    def ratio(self, observations: list[tuple[str, float]]) -> Plan:
        return plan_of(measure("6-10", kpis=[target_kpi(">", 100, "毎年度末", observations)]))

    def test_exactly_the_goal_misses_a_strict_yearly_target(self) -> None:
        plan = self.ratio([("2022-03-31", 100)])
        as_of = date(2022, 4, 1)
        assert [(i.item_id, i.due) for i in plan.overdue(as_of=as_of)] == [("6-10/effect/1", date(2022, 3, 31))]
        assert plan.kpi_status(as_of=as_of)[0].grade == "B"

    def test_last_year_met_says_nothing_of_this_year(self) -> None:
        plan = self.ratio([("2022-03-31", 101)])
        assert plan.overdue(as_of=date(2022, 4, 1)) == []
        assert plan.kpi_status(as_of=date(2022, 4, 1))[0].grade == "N"
        # two cycles on, FY2022's occurrence was missed: the old value earns nothing
        later = plan.kpi_status(as_of=date(2024, 1, 10))[0]
        assert later.grade == "B" and later.status == "overdue" and later.due == date(2023, 3, 31)

    def test_a_missed_year_stays_b_until_the_next_falls_due_met(self) -> None:
        plan = self.ratio([("2023-01-10", 120)])  # FY2021 missed, FY2022 met early
        assert plan.kpi_status(as_of=date(2023, 2, 1))[0].grade == "B"
        assert plan.kpi_status(as_of=date(2023, 4, 1))[0].grade == "N"  # FY2022 met; FY2023 not yet observed
        assert plan.overdue(as_of=date(2023, 4, 1)) == []

    @pytest.mark.parametrize(("count", "grade"), [(30, "A"), (29, "B")])
    def test_a_yearly_count_runs_from_the_start_of_the_fiscal_year(self, count: float, grade: str) -> None:
        # FY2021's 60 were given; FY2022 is half through
        plan = plan_of(
            measure("8-4", kpis=[target_kpi(">=", 60, "毎年度", [("2022-03-31", 60), ("2022-09-30", count)])])
        )
        # 2022-04-01 to 2022-09-30 is 182 of the year's 364 days: 30 of 60 keeps pace, 29 does not
        assert plan.kpi_status(as_of=date(2022, 9, 30))[0].grade == grade


THIRTY_PERCENT_CUT: dict[str, Any] = {
    "comparison": "change",
    "value": -30,
    "unit": "%",
    "by": "令和7年度末まで",
    "baseline": {"period": "令和2年度"},
}


class TestBaselines:
    def test_a_change_without_a_baseline_value_is_no_baseline(self) -> None:
        plan = plan_of(
            measure(
                "2-2",
                kpis=[
                    {
                        "kind": "effect",
                        "text": "運用コスト3割削減",
                        "target": THIRTY_PERCENT_CUT,
                        "observations": [{"date": "2023-03-31", "value": 900}],
                    }
                ],
            )
        )
        status = plan.kpi_status(as_of=date(2024, 1, 1))[0]
        assert (status.grade, status.target_value, status.on_track) == ("no baseline", None, None)
        assert "no baseline" in GRADE_WORDS

    def test_a_progress_log_records_the_baseline(self, tmp_path: Path) -> None:
        plan = plan_of(
            measure("2-2", kpis=[{"kind": "effect", "text": "運用コスト3割削減", "target": THIRTY_PERCENT_CUT}])
        )
        log = tmp_path / "progress.csv"
        log.write_text(
            "id,date,value,done,note\n2-2/effect/1,2021-03-31,1000,,令和2年度実績\n2-2/effect/1,2023-03-31,800,,\n",
            encoding="utf-8",
        )
        merged = dgplan.load_progress(log, plan)
        status = merged.kpi_status(as_of=date(2023, 4, 1))[0]
        assert status.target_value == pytest.approx(700)
        # 200 of 300 cut after 2 of 5 years: on track
        assert status.grade == "A" and status.attainment == pytest.approx(200 / 300)
        late = merged.kpi_status(as_of=date(2026, 4, 1))[0]
        assert (late.grade, late.status) == ("B", "overdue")  # 800 is not 700


class TestLinks:
    def two(self, *, link: str | None, kpi_due: str) -> Plan:
        milestone: dict[str, Any] = {"text": "アドバイザーの派遣", "due": "2022-03-31"}
        if link:
            milestone["kpi"] = link
        return plan_of(
            measure("6-2", milestones=[milestone], kpis=[target_kpi(">=", 600, kpi_due, [("2022-03-01", 650)])])
        )

    def test_a_shared_date_is_not_a_link(self) -> None:
        plan = self.two(link=None, kpi_due="2022-03-31")
        statuses = {s.item_id: s.status for s in item_statuses(plan, date(2022, 4, 1))}
        assert statuses == {"6-2/m1": "overdue", "6-2/effect/1": "done"}

    def test_a_link_makes_one_item_that_the_kpi_completes(self) -> None:
        plan = self.two(link="6-2/effect/1", kpi_due="2022-03-31")
        statuses = {s.item_id: s.status for s in item_statuses(plan, date(2022, 4, 1))}
        assert statuses == {"6-2/m1": "done"}

    def test_a_link_across_dates_keeps_both(self) -> None:
        plan = self.two(link="6-2/effect/1", kpi_due="2023-03-31")
        assert {s.item_id for s in item_statuses(plan, date(2022, 4, 1))} == {"6-2/m1", "6-2/effect/1"}


class TestOneVocabulary:
    def test_due_and_report_say_the_same_words(self, tmp_path: Path) -> None:
        path = tmp_path / "plan.yaml"
        dgplan.save_plan(ANNUAL, path)
        command = [sys.executable, "-m", "dgplan", "due", "--overdue", "--plan", str(path), "--as-of", "2023-01-15"]
        for lang, words in (("ja", "期限超過（進捗の記録なし）"), ("en", "overdue, no progress recorded")):
            out = subprocess.run([*command, "--lang", lang], capture_output=True, text=True, check=False)
            assert out.returncode == 0
            assert words in out.stdout and "OVERDUE" not in out.stdout
            report = render_report(ANNUAL, date(2023, 1, 15), lang=lang)
            assert f"| {words} |" in report and "past due" not in report.lower()
        code = subprocess.run(
            [*command, "--fail-if-overdue", "--format", "csv"], capture_output=True, text=True, check=False
        )
        assert code.returncode == 1 and "overdue" in code.stdout

    def test_kpi_help_names_every_grade(self) -> None:
        out = subprocess.run(
            [sys.executable, "-m", "dgplan", "kpi", "--help"], capture_output=True, text=True, check=True
        )
        text = " ".join(out.stdout.split())
        for grade, words in GRADE_WORDS.items():
            assert f"{grade} {words}" in text
        assert "F no target" not in text


# ---------------------------------------------------------------------------------------------
# The property: generated plans, progress and days; every output gives each occurrence one status.

_DEADLINES = [
    "2022-03-31",
    "令和4年度末まで",
    "令和5年度上期中に",
    "毎年度末",
    "毎年度",
    "令和6年度以降",
    "速やかに",
    "2023-09-30",
]
_COMPARISONS = [">=", ">", "<=", "<"]
_DAYS = st.dates(min_value=date(2021, 4, 1), max_value=date(2027, 3, 31))


@st.composite
def _plans(draw: st.DrawFn) -> Plan:
    measures = []
    for number in range(1, draw(st.integers(1, 4)) + 1):
        kpis = []
        for _ in range(draw(st.integers(0, 2))):
            change = draw(st.booleans()) and draw(st.booleans())
            target: dict[str, Any] = {"by": draw(st.sampled_from(_DEADLINES[:5] + _DEADLINES[7:]))}
            if change:
                target |= {"comparison": "change", "value": -30, "unit": "%", "baseline": {"period": "令和2年度"}}
                if draw(st.booleans()):
                    target["baseline"]["value"] = 100
            else:
                target |= {
                    "comparison": draw(st.sampled_from(_COMPARISONS)),
                    "value": draw(st.sampled_from([50, 70, 100])),
                }
            values = draw(
                st.lists(
                    st.tuples(
                        st.dates(min_value=date(2020, 4, 1), max_value=date(2027, 3, 31)),
                        st.sampled_from([0, 50, 69, 70, 71, 100, 101]),
                    ),
                    max_size=4,
                    unique_by=lambda pair: pair[0],
                )
            )
            kpis.append(
                {
                    "kind": "progress",
                    "text": "件数",
                    "target": target,
                    "observations": [{"date": day.isoformat(), "value": v} for day, v in values],
                }
            )
        milestones = []
        for _ in range(draw(st.integers(0, 3))):
            milestone: dict[str, Any] = {"text": "工程", "due": draw(st.sampled_from(_DEADLINES))}
            if draw(st.booleans()):
                milestone["done_on"] = draw(_DAYS).isoformat()
            if kpis and draw(st.booleans()):
                milestone["kpi"] = f"{number}-1/progress/{draw(st.integers(1, len(kpis)))}"
            milestones.append(milestone)
        measures.append(measure(f"{number}-1", milestones=milestones, kpis=kpis))
    return plan_of(*measures)


def _key(item: DueItem) -> tuple[str, date]:
    return item.item_id, item.due


class TestOneStatusEverywhere:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(plan=_plans(), as_of=_DAYS)
    def test_every_output_agrees(self, plan: Plan, as_of: date) -> None:
        quarter = FiscalQuarter.from_date(as_of)
        asked = {
            "overdue": plan.overdue(as_of=as_of),
            "this quarter": plan.due_this_quarter(as_of=as_of),
            "next quarter": plan.due_in(quarter.next, as_of=as_of),
            "year": plan.due_in(FiscalYear.from_date(as_of), as_of=as_of),
            "span": plan.due_between(date(2021, 4, 1), date(2027, 3, 31), as_of=as_of),
        }
        status: dict[tuple[str, date], str] = {}
        for items in asked.values():
            for item in items:
                assert item.status in STATUSES[:3]
                assert status.setdefault(_key(item), item.status) == item.status
                assert item.window is not None and item.window.end == item.due
        assert all(item.status == "overdue" for item in asked["overdue"])
        # the questions asked of a TrackedPlan (what `dgplan due` reads), and of one written to the
        # bundled plan's cache and read back, give the same answers with the same statuses
        tracked = TrackedPlan.of(plan)
        codec = tracked_codec()
        cached = codec.loads(codec.dumps(tracked))
        for source in (tracked, cached):
            for mine, theirs in (
                (source.overdue(as_of=as_of), asked["overdue"]),
                (source.due_this_quarter(as_of=as_of), asked["this quarter"]),
                (source.due_in(quarter.next, as_of=as_of), asked["next quarter"]),
            ):
                assert [(i.item_id, i.due, i.status, i.window) for i in mine] == [
                    (i.item_id, i.due, i.status, i.window) for i in theirs
                ]
        # item statuses: overdue exactly where plan.overdue lists the item, dated by its first
        # occurrence still outstanding (a recurring item may have missed several)
        items = item_statuses(plan, as_of)
        first_missed: dict[str, date] = {}
        for missed in asked["overdue"]:
            first_missed[missed.item_id] = min(missed.due, first_missed.get(missed.item_id, missed.due))
        assert {s.item_id: s.due for s in items if s.status == "overdue"} == first_missed
        # frames
        frame = asked["span"].to_frame()
        assert list(frame["status"].astype(str)) == [item.status for item in asked["span"]]
        milestones = plan.milestones_frame(as_of=as_of)
        by_item = {s.item_id: s.status for s in items}
        assert all(by_item[row.item_id] == row.status for row in milestones.itertuples())
        # CSV, JSON and the calendar feed
        span = asked["span"]
        rows = list(csv.DictReader(io.StringIO(render_due(span, "csv", as_of=as_of))))
        assert [(r["item_id"], r["due"], r["status"]) for r in rows] == [
            (i.item_id, i.due.isoformat(), i.status) for i in span
        ]
        data = json.loads(render_due(span, "json", as_of=as_of))["items"]
        assert [r["status"] for r in data] == [i.status for i in span]
        events = Calendar.from_ical(render_due(span, "ics", as_of=as_of, plan=plan)).walk("VEVENT")
        assert [str(e["x-dgplan-status"]) for e in events] == [i.status for i in span]
        # the report's sections list what the questions list
        text = render_report(plan, as_of, lang="en")
        assert re.search(rf"^## Overdue[^\n]*\({len(asked['overdue'])}\)$", text, flags=re.M)
        assert re.search(rf"^## Due this quarter[^\n]*\({len(asked['this quarter'])}\)$", text, flags=re.M)
        assert re.search(rf"^## Due next quarter[^\n]*\({len(asked['next quarter'])}\)$", text, flags=re.M)
        # grades agree with the items
        overdue_ids = {i.item_id for i in asked["overdue"]}
        links = {m.id: m.kpi for ms in plan.measures for m in ms.milestones if m.kpi}
        for kpi_status in plan.kpi_status(as_of=as_of):
            carried = any(links.get(i) == kpi_status.kpi_id for i in overdue_ids)
            if kpi_status.status == "overdue" or kpi_status.kpi_id in overdue_ids:
                assert kpi_status.grade != "A", kpi_status
            if kpi_status.grade == "A":
                assert kpi_status.status != "overdue" and not (carried and kpi_status.status == "overdue")

    @settings(max_examples=40, deadline=None)
    @given(plan=_plans(), as_of=_DAYS)
    def test_met_is_never_overdue(self, plan: Plan, as_of: date) -> None:
        overdue = {_key(i) for i in plan.overdue(as_of=as_of)}
        for measure_ in plan.measures:
            for kpi in measure_.kpis:
                target = kpi.target
                if target is None or target.by is None or target.by.recurrence is not None or target.by.due is None:
                    continue
                if any(
                    o.observed_on <= min(target.by.due, as_of) and kpi._progress().is_met_by(o.value)
                    for o in kpi.observations
                ):
                    assert (kpi.id, target.by.due) not in overdue

    @settings(max_examples=30, deadline=None)
    @given(plan=_plans(), as_of=_DAYS)
    def test_the_workbook_says_what_the_report_says(self, plan: Plan, as_of: date) -> None:
        book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(plan, as_of=as_of)))
        by_item = {s.item_id: s for s in item_statuses(plan, as_of)}
        sheet = book["工程表"]
        header = [cell.value for cell in sheet[1]]
        for values in sheet.iter_rows(min_row=2, values_only=True):
            row = dict(zip(header, values, strict=True))
            expected = by_item[row["ID"]]
            assert row["状況"] == status_label(expected.status, expected.recorded, "ja")
            due = row["期限日"]
            assert (None if due is None else due.date()) == expected.due
        kpis = {s.kpi_id: s for s in plan.kpi_status(as_of=as_of)}
        sheet = book["KPI"]
        header = [cell.value for cell in sheet[1]]
        for values in sheet.iter_rows(min_row=2, values_only=True):
            row = dict(zip(header, values, strict=True))
            status = kpis[row["ID"]]
            words = None if status.status is None else status_label(status.status, status.recorded, "ja")
            assert (row["状況"], row["評価"]) == (words, grade_name(status.grade, "ja"))


class TestEachOccurrenceOnItsOwn:
    """Cases a hostile review found: one completion, one occurrence; every miss outstanding until
    a later occurrence is met; a linked KPI and its milestone one item with one status."""

    def test_one_completion_completes_one_occurrence(self) -> None:
        plan = plan_of(measure("1-1", milestones=[{"text": "報告", "due": "毎年度末", "done_on": "2023-03-15"}]))
        statuses = {
            i.due: i.status for i in plan.due_between(date(2021, 4, 1), date(2024, 3, 31), as_of=date(2024, 4, 2))
        }
        assert statuses == {date(2022, 3, 31): "overdue", date(2023, 3, 31): "done", date(2024, 3, 31): "overdue"}

    def test_a_progress_log_keeps_every_completion(self, tmp_path: Path) -> None:
        log = tmp_path / "progress.csv"
        log.write_text(
            "id,date,value,done,note\n1-1/m1,2023-03-15,,true,\n1-1/m1,2022-03-20,,true,\n", encoding="utf-8"
        )
        plan = dgplan.load_progress(log, ANNUAL)
        milestone = plan.milestone("1-1/m1")
        assert (milestone.done_on, milestone.completions) == (date(2022, 3, 20), (date(2023, 3, 15),))
        assert plan.overdue(as_of=date(2023, 4, 1)) == []

    def test_every_miss_since_the_last_done_one_is_outstanding(self, tmp_path: Path) -> None:
        monthly = plan_of(measure("1-1", milestones=[{"text": "月次報告", "due": "毎月末", "done_on": "2023-11-20"}]))
        missed = [i.due for i in monthly.overdue(as_of=date(2024, 2, 15))]
        assert missed == [date(2023, 12, 31), date(2024, 1, 31)]  # November done closes what came before
        path = tmp_path / "monthly.yaml"
        dgplan.save_plan(monthly, path)
        command = [sys.executable, "-m", "dgplan", "due", "--plan", str(path), "--as-of", "2024-03-15"]
        quarter = subprocess.run([*command, "--this-quarter", "--fail-if-overdue"], capture_output=True, text=True)
        assert quarter.returncode == 1 and "期限超過" in quarter.stdout
        report = render_report(monthly, date(2024, 3, 15), lang="en")
        assert re.search(r"^## Overdue \(3\)$", report, flags=re.M)  # December, January, February

    def test_a_linked_kpi_has_its_milestones_status(self) -> None:
        plan = plan_of(
            measure(
                "1-1",
                milestones=[{"text": "改修", "due": "2022-03-31", "done_on": "2022-03-20", "kpi": "1-1/effect/1"}],
                kpis=[target_kpi(">=", 1741, "2022-03-31", [("2022-03-31", 1200)])],
            )
        )
        [status] = plan.kpi_status(as_of=date(2022, 4, 1))
        assert status.status == "done" and plan.overdue(as_of=date(2022, 4, 1)) == []
        assert status.grade == "B"  # the work is done; the value fell short of 1741

    def test_a_strict_yearly_target_met_exactly_on_its_due_date_is_b(self) -> None:
        plan = plan_of(measure("2-1", kpis=[target_kpi(">", 75, "毎年度末", [("2022-03-31", 75)])]))
        assert plan.kpi_status(as_of=date(2022, 3, 31))[0].grade == "B"
        assert plan.kpi("2-1/effect/1").grade(as_of=date(2022, 3, 31), plan_start=plan.issued) == "B"

    def test_no_progress_recorded_is_said_of_the_missed_occurrence(self) -> None:
        plan = plan_of(measure("1-1", milestones=[{"text": "報告", "due": "毎年度末", "done_on": "2022-03-10"}]))
        [missed] = plan.overdue(as_of=date(2023, 4, 1))
        assert missed.due == date(2023, 3, 31) and not missed.recorded  # FY2021's completion is not FY2022's
        assert missed.status_text == "overdue, no progress recorded"


class TestClosedDaysInTheReport:
    """With roll="following" (--roll-closed-days) the report's lists use the moved due dates, show
    the plan's beside them, and say so (issue 29)."""

    def test_a_due_date_on_a_closed_day_moves_in_the_report(self, tmp_path: Path) -> None:
        plan = plan_of(measure("1-1", milestones=[{"text": "年末の報告", "due": "2026-12-29"}]))
        plain = render_report(plan, date(2026, 12, 30), lang="ja")
        moved = render_report(plan, date(2026, 12, 30), lang="ja", roll="following")
        assert "## 期限超過（進捗の記録なし）（1件）" in plain and "繰り下げ" not in plain
        assert "## 期限超過（進捗の記録なし）（0件）" in moved  # due on the next open day, 2027-01-04
        assert "2027-01-04（2026-12-29から繰下げ）" in moved and "行政機関の休日に関する法律第2条" in moved
        path = tmp_path / "plan.yaml"
        dgplan.save_plan(plan, path)
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "dgplan",
                "report",
                "--plan",
                str(path),
                "--as-of",
                "2026-12-30",
                "--roll-closed-days",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert out.returncode == 0 and "2026-12-29から繰下げ" in out.stdout


def test_a_kpi_linked_by_two_milestones_takes_the_status_of_the_one_due_with_it() -> None:
    # Found by the property: a second milestone linking the same KPI on another date must not
    # become its carrier (it does not carry the KPI's progress).
    plan = plan_of(
        measure(
            "1-1",
            milestones=[
                {"text": "改修", "due": "2022-03-31", "kpi": "1-1/effect/1"},
                {"text": "周知", "due": "2022-09-30", "kpi": "1-1/effect/1"},
            ],
            kpis=[target_kpi(">=", 100, "2022-03-31", [("2022-03-01", 120)])],
        )
    )
    [status] = plan.kpi_status(as_of=date(2023, 1, 1))
    assert (status.grade, status.status) == ("A", "done")
    assert [i.item_id for i in plan.overdue(as_of=date(2023, 1, 1))] == ["1-1/m2"]
