"""The status report: what it says, in markdown and HTML, and the statuses behind its tables."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dgplan import FiscalQuarter, PlanError, load_plan
from dgplan._escape import display_width
from dgplan.plan import Plan
from dgplan.queries import STATUSES, has_progress, item_statuses, section_statuses
from dgplan.report import _fit, render_report, timeline_svg

SMALL = Path(__file__).parent / "data" / "small_plan.yaml"


@pytest.fixture(scope="module")
def small() -> Plan:
    return load_plan(SMALL)


@pytest.fixture(scope="module")
def bundled() -> Plan:
    return load_plan()


class TestStatuses:
    @settings(max_examples=60)
    @given(st.dates(min_value=date(2021, 1, 1), max_value=date(2032, 12, 31)))
    def test_each_item_has_one_status_and_overdue_agrees_with_the_query(self, as_of: date) -> None:
        plan = load_plan(SMALL)
        items = item_statuses(plan, as_of)
        assert len({item.item_id for item in items}) == len(items) == 9 + 3  # milestones, targeted KPIs
        assert all(item.status in STATUSES for item in items)
        assert {i.item_id for i in items if i.status == "overdue"} == {i.item_id for i in plan.overdue(as_of=as_of)}
        for row in section_statuses(plan, items):
            assert row.total == sum(1 for item in items if item.section == row.section)

    def test_small_plan_on_a_day(self, small: Plan) -> None:
        statuses = {item.item_id: (item.status, item.due) for item in item_statuses(small, date(2022, 1, 15))}
        assert statuses["3-1/m2"] == ("overdue", date(2021, 12, 31))
        assert statuses["1-1/m1"] == ("due", date(2022, 3, 31))
        assert statuses["2-1/m2"] == ("done", date(2021, 7, 15))
        assert statuses["1-2/m3"] == ("no date", None)  # 速やかに
        assert statuses["1-2/pilot"] == ("due", date(2022, 8, 31))

    def test_progress_recorded_or_not(self, small: Plan, bundled: Plan) -> None:
        assert has_progress(small) and not has_progress(bundled)


class TestMarkdown:
    def test_top_gives_both_calendars_and_the_quarter(self, small: Plan) -> None:
        text = render_report(small, date(2022, 1, 15), lang="en")
        assert text.splitlines()[2] == (
            "As of 令和4年1月15日 / 2022-01-15, fiscal quarter FY2021-Q4 (令和3年度第4四半期)."
        )

    def test_section_table(self, small: Plan) -> None:
        text = render_report(small, date(2022, 1, 15), lang="en")
        assert "| section | title | overdue | due | done | no date |" in text
        assert "| I | 共通機能 | 0 | 4 | 0 | 2 |" in text
        assert "| III | 産業 | 1 | 2 | 0 | 0 |" in text
        assert "| total |  | 1 | 8 | 1 | 2 |" in text

    def test_overdue_grouped_by_measure_with_days(self, small: Plan) -> None:
        text = render_report(small, date(2022, 4, 1), lang="en")
        start = text.index("## Overdue (3)")
        block = text[start : text.index("\n## ", start + 1)]
        assert re.findall(r"^### (\S+)", block, flags=re.M) == ["1-1", "2-1", "3-1"]
        assert (
            "| 3-1/m2 | 標準仕様 | 2021-10-01..2021-12-31 | 2021-12-31 | 91 | overdue, no progress recorded |" in block
        )
        assert "| 1-1/m1 | システム改修 | 令和3年度末まで | 2022-03-31 | 1 | overdue, no progress recorded |" in block

    def test_due_this_and_next_quarter(self, small: Plan) -> None:
        text = render_report(small, date(2022, 5, 1), lang="en")
        assert "## Due this quarter: FY2022-Q1 (令和4年度第1四半期) (0)" in text
        assert "## Due next quarter: FY2022-Q2 (令和4年度第2四半期) (1)" in text
        assert "| 1-2 | モデル事業 | 1-2/pilot | モデル事業 | 令和4年（2022年）夏を目途に | 2022-08-31 | due |" in text

    def test_kpi_table(self, small: Plan) -> None:
        text = render_report(small, date(2022, 4, 1), lang="en")
        assert "## KPIs with a numeric target (3)" in text
        row = (
            "| 3-1/effect/1 | 運用コスト3割削減（令和7年度：令和2年度比） | 95 (2022-03-31)"
            " | ≤ 70 (-30%) | 2026-03-31 | B |"
        )
        assert row in text
        assert "| 1-1/progress/1 | 改修済み市区町村数 | 1741 (2022-03-31) | ≥ 1741市区町村 | 2022-03-31 | A |" in text

    def test_no_progress_recorded_is_overdue_and_says_so(self, bundled: Plan) -> None:
        # Spec §6a: an overdue item with no progress recorded is overdue, and every output says
        # both, in the same words.
        text = render_report(bundled, date(2026, 11, 26), lang="en")
        assert "No progress is recorded" in text
        past = bundled.overdue(as_of=date(2026, 11, 26))
        assert f"## Overdue, no progress recorded ({len(past)})" in text
        assert text.count("| overdue, no progress recorded |") == len(past)
        assert "past due" not in text.lower()


class TestHtml:
    def test_page_structure(self, bundled: Plan) -> None:
        page = render_report(bundled, date(2026, 11, 26), fmt="html", lang="en")
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
        assert '<time datetime="2026-11-26">As of 令和8年11月26日 / 2026-11-26, fiscal quarter' in page
        assert "令和8年度第3四半期" in page
        tbody = page[page.index("<tbody>") : page.index("</tbody>")]
        assert tbody.count("<tr>") == 9  # the summary's table by section comes first
        assert "<script" not in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "white-space:nowrap" in page and '<td class="date" data-label="due">' in page

    def test_chart(self, bundled: Plan) -> None:
        svg = timeline_svg(bundled, date(2026, 11, 26), lang="en")
        assert svg.startswith("<svg") and 'role="img"' in svg and "<desc" in svg and "<title" in svg
        labels = re.findall(r'class="section-label"><title>([^<]+)</title>', svg)
        assert labels == [f"{s.id} {s.title}" for s in bundled.sections]
        # sixteen fiscal years: the labels are thinned so that none overlaps its neighbour
        years = [int(y) for y in re.findall(r">FY(\d{4})<", svg)]
        assert len(years) >= 6 and years == sorted(years) and len(set(years[1] - years[0] for _ in years)) == 1
        positions = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="\w+">FY\d{4}<', svg)]
        assert all(b - a >= 6 * 0.6 * 12 for a, b in itertools.pairwise(positions))
        counts = [int(n) for n in re.findall(r'fill="#fff"[^>]*>(\d+)</text>', svg)]
        assert counts and max(counts) > 1  # items sharing a date are counted
        drawn = sum(
            int(n) for n in re.findall(r"<title>(\d+) (?:overdue, no progress recorded|overdue|done|due) \(due", svg)
        )
        dated = sum(1 for item in item_statuses(bundled, date(2026, 11, 26)) if item.due is not None)
        assert drawn == dated
        assert "as of 2026-11-26" in svg

    def test_recurring_item_at_its_missed_occurrence(self, small: Plan) -> None:
        svg = timeline_svg(small, date(2023, 4, 1), lang="en")
        # 2-1/m1 (毎年度末) missed its FY2022 occurrence: one overdue mark on 2023-03-31 in row II.
        assert re.search(r"<title>\d+ overdue \(due 2023-03-31\)</title>", svg)

    def test_same_bytes_every_time(self, small: Plan) -> None:
        assert render_report(small, date(2022, 4, 1), fmt="html", lang="en") == render_report(
            small, date(2022, 4, 1), fmt="html", lang="en"
        )

    def test_needs_no_plotting_library(self) -> None:
        code = (
            "import sys; sys.modules['matplotlib'] = None\n"
            "from datetime import date\n"
            "from dgplan import load_plan\n"
            "from dgplan.report import render_report\n"
            "page = render_report(load_plan(), date(2026, 11, 26), fmt='html')\n"
            "assert '<svg' in page and 'matplotlib' not in sys.modules or sys.modules['matplotlib'] is None\n"
            "print(len(page))\n"
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        assert int(result.stdout) > 10_000

    def test_placeholder_dates_and_empty_plans(self) -> None:
        base = {"plan": {"title": "t", "issued": "2021-06-18"}}
        dated = [
            {"text": "a", "due": "9999-12-31"},
            {"text": "b", "due": "0001-01-01"},
            {"text": "c", "due": "2022-03-31"},
        ]
        for measures in ([], [{"id": "1-1", "section": "I", "title": "x", "milestones": dated}]):
            plan = Plan.model_validate({**base, "measures": measures})
            page = render_report(plan, date(2022, 1, 1), fmt="html", lang="en")
            assert "<svg" in page and "</html>" in page
            assert render_report(plan, date(2022, 1, 1), lang="en").startswith("# t\n")
        # the far dates are counted in the table, and said not to be drawn
        assert "2 outside these years are not drawn" in page

    @pytest.mark.parametrize("as_of", [date(1873, 1, 1), date(1800, 1, 1), date(2020, 2, 29)])
    def test_early_and_leap_as_of(self, small: Plan, as_of: date) -> None:
        page = render_report(small, as_of, fmt="html", lang="en")
        assert as_of.isoformat() in page
        assert render_report(small, as_of + timedelta(days=1), lang="en")


class TestAnyDay:
    @settings(max_examples=40)
    @given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)), st.sampled_from(["markdown", "html"]))
    def test_a_report_or_a_dgplan_error_on_any_day(self, as_of: date, fmt: str) -> None:
        from dgplan.errors import DgplanError

        try:
            page = render_report(load_plan(SMALL), as_of, fmt=fmt, lang="en")
        except DgplanError as error:
            assert repr(as_of.isoformat()) in str(error)
        else:
            assert as_of.isoformat() in page


class TestProgressChangesTheWords:
    def test_one_recorded_row_makes_past_due_items_overdue(self, tmp_path: Path, bundled: Plan) -> None:
        from dgplan import load_progress

        log = tmp_path / "progress.csv"
        log.write_text("id,date,value,done,note\n1-1/m2,2022-03-25,,true,改修完了\n", encoding="utf-8")
        plan = load_progress(log, bundled)
        text = render_report(plan, date(2022, 11, 26), lang="en")
        assert "past due, no progress recorded" not in text and "## Overdue (" in text
        statuses = {item.item_id: item.status for item in item_statuses(plan, date(2022, 11, 26))}
        assert statuses["1-1/m2"] == "done"


class TestOneAnswerEverywhere:
    """plan.overdue, plan.due_this_quarter, the frames, the report's counts and its chart name the
    same items, for any as-of date and any progress recorded (issue: "one truth for due items")."""

    @settings(max_examples=40, deadline=None)
    @given(
        as_of=st.dates(min_value=date(2021, 1, 1), max_value=date(2030, 12, 31)),
        done=st.lists(st.tuples(st.integers(0, 40), st.dates(date(2021, 1, 1), date(2030, 12, 31))), max_size=8),
        values=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 3000)), max_size=6),
    )
    def test_every_view_agrees(
        self,
        tmp_path_factory: pytest.TempPathFactory,
        as_of: date,
        done: list[tuple[int, date]],
        values: list[tuple[int, int]],
    ) -> None:
        from dgplan import load_progress

        plan = load_plan(SMALL)
        milestones = [m.id for measure in plan.measures for m in measure.milestones]
        kpis = [k.id for measure in plan.measures for k in measure.kpis if not k.unset]
        rows = ["id,date,value,done,note"]
        rows += [f"{milestones[i % len(milestones)]},{day.isoformat()},,true," for i, day in done]
        rows += [f"{kpis[i % len(kpis)]},2021-10-{(i % 28) + 1:02d},{value},," for i, value in values]
        log = tmp_path_factory.mktemp("progress") / "progress.csv"
        log.write_text("\n".join(rows) + "\n", encoding="utf-8")
        try:
            plan = load_progress(log, plan)
        except PlanError:
            return  # a row the log refuses (nothing merged)

        listed = plan.overdue(as_of=as_of)  # occurrences: a recurring item may miss several
        overdue = {item.item_id for item in listed}
        statuses = item_statuses(plan, as_of)
        assert {i.item_id for i in statuses if i.status == "overdue"} == overdue
        frame = plan.milestones_frame(as_of=as_of)
        assert set(frame.loc[frame["overdue"], "item_id"]) == overdue
        quarter = {item.item_id for item in plan.due_this_quarter(as_of=as_of)}
        this_quarter = FiscalQuarter.from_date(as_of).interval
        in_quarter = {i.item_id for i in statuses if i.status == "due" and i.due in this_quarter}
        assert in_quarter <= quarter  # the rest of the quarter's items are done or overdue
        assert {i.item_id for i in statuses if i.item_id in quarter} == quarter

        text = render_report(plan, as_of, lang="en")
        late = re.search(r"^## Overdue(?:, no progress recorded)? \((\d+)\)$", text, flags=re.M)
        assert late is not None and int(late.group(1)) == len(listed)
        svg = timeline_svg(plan, as_of, years=(2015, 2030), lang="en")
        drawn = re.search(r">overdue(?:, no progress recorded)? \((\d+)\)<", svg)
        shown = {
            i.item_id
            for i in statuses
            if i.status == "overdue" and i.due and date(2015, 4, 1) <= i.due < date(2031, 4, 1)
        }
        assert (int(drawn.group(1)) if drawn else 0) == len(shown)


class TestFit:
    """Table cells: the longest start of the text that fits, with an ellipsis, wide characters as two."""

    @given(st.text(alphabet=st.sampled_from("あ漢ｱA1 ①\u200b"), max_size=40), st.integers(1, 30))
    def test_the_longest_start_that_fits(self, text: str, width: int) -> None:
        fitted = _fit(text, width)
        if display_width(text) <= width:
            assert fitted == text
            return
        start = fitted.removesuffix("…")
        assert fitted == start + "…" and text.startswith(start)
        assert display_width(start) <= width - 1 < display_width(text[: len(start) + 1])

    def test_a_long_text_in_linear_time(self) -> None:
        assert _fit("令和" * 50_000, 60) == "令和" * 14 + "令…"
