"""Extraction of the 施策集 layout: excerpts written for the tests, and the plan's own text."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dgplan import load_plan
from dgplan.deadline import DeadlineKind
from dgplan.extract import ExtractError, extract_plan
from dgplan.plan_io import dump_plan

ISSUED = date(2021, 6, 18)
TITLE = "デジタル社会の実現に向けた重点計画"
SOURCE = "デジタル社会の実現に向けた重点計画（令和3年6月18日閣議決定）第3部 施策集"
BUNDLED = Path(__file__).resolve().parents[1] / "data" / "measures.yaml"

# tests/data/excerpt.txt is written in the layout of the PDF text: blank lines between lines,
# a heading with a full-width numeral, broken lines, a ruby line, a footnote marker alone on a
# line, a footnote body at the bottom of a page, and KPI lines with and without bullets.
EXCERPT = (Path(__file__).parent / "data" / "excerpt.txt").read_text(encoding="utf-8")


def extract(text: str = EXCERPT):  # type: ignore[no-untyped-def]
    return extract_plan(text, title="試験計画", issued=ISSUED)


class TestExcerpt:
    def test_structure(self) -> None:
        plan, report = extract()
        assert [m.id for m in plan.measures] == ["1-1", "1-2", "2-1"]
        assert [(s.id, s.title) for s in plan.sections] == [("I", "共通機能の整備"), ("II", "行政サービス")]
        assert [m.section for m in plan.measures] == ["I", "I", "II"]
        assert plan["1-2"].title == "研修プログラムの推進"
        assert report.measures_per_section == {"I": 2, "II": 1}

    def test_bullets_joined_and_noise_removed(self) -> None:
        plan, _ = extract()
        first, second = plan["1-1"].description
        assert first == (
            "令和３年度（2021年度）末までに全ての市区町村のシステムを改修し、令和６年度（2024年度）中に"
            "その他の改修を実施する。"
        )
        assert second == "利用者の利便性の向上に繋がる取組を進める。"  # ruby line dropped
        # the footnote body at the page bottom is not part of the bullet
        assert plan["1-2"].description == (
            "研修を毎年度実施し、オンライン研修を令和４年（2022年）夏を目途に開始する。",
        )

    def test_kpis_split_on_bullets_and_unset_kept(self) -> None:
        plan, report = extract()
        kpis = plan["1-1"].kpis
        assert [(k.id, k.text) for k in kpis] == [
            ("1-1/progress/1", "改修済み市区町村数（令和３年度（2021年度）までに1,741市区町村）"),
            ("1-1/progress/2", "その他の改修（令和６年度（2024年度）中）"),
            ("1-1/effect/1", "未設定"),
        ]
        assert kpis[2].unset
        assert (report.kpi_items, report.kpi_unset) == (6, 1)

    def test_targets(self) -> None:
        plan, report = extract()
        target = plan.kpi("1-1/progress/1").target
        assert target is not None
        assert (target.comparison, target.value, target.unit) == (">=", 1741, "市区町村")
        assert target.by is not None and target.by.due == date(2022, 3, 31)
        recurring = plan.kpi("1-2/progress/1").target  # 毎年度114末 100％超: the footnote 114 is dropped
        assert recurring is not None and recurring.comparison == ">" and recurring.value == 100
        assert recurring.recurrence is not None and recurring.recurrence.month == 3
        large = plan.kpi("2-1/progress/1").target
        assert large is not None and (large.comparison, large.value) == (">", 30000)
        assert report.targets_parsed == 3

    def test_milestones_from_bullets_and_kpis(self) -> None:
        plan, report = extract()
        # Each deadline once, named by its clause; the KPI lines that restate them are linked.
        first, second = plan["1-1"].milestones
        assert (first.deadline.kind, first.deadline.due, first.kpi) == (
            DeadlineKind.BY,
            date(2022, 3, 31),
            "1-1/progress/1",
        )
        assert first.text == "令和３年度（2021年度）末までに全ての市区町村のシステムを改修し"
        assert (second.deadline.kind, second.deadline.due, second.kpi) == (
            DeadlineKind.WITHIN,
            date(2025, 3, 31),
            "1-1/progress/2",
        )
        assert second.text == "令和６年度（2024年度）中にその他の改修を実施する"
        # 毎年度末 100％超 is the KPI's target: the target is the due item, no milestone repeats it.
        recurring, pilot = plan["1-2"].milestones
        assert recurring.deadline.rule == "every fiscal year, by its end"  # 毎年度実施
        assert plan.kpi("1-2/progress/1").target.by.rule == "every fiscal year, at its end"  # type: ignore[union-attr]
        assert pilot.deadline.approximate and pilot.deadline.due == date(2022, 8, 31)
        assert pilot.text.endswith("夏を目途に開始する")
        # the law number is cited, not a milestone; the 2-1 milestone is "from" FY2022, its KPI target the due item
        assert [m.deadline.kind for m in plan["2-1"].milestones] == [DeadlineKind.FROM]
        assert plan.kpi("2-1/progress/1").target.by.due == date(2026, 3, 31)  # type: ignore[union-attr]
        assert report.citations == 1
        assert report.unresolved == ()

    def test_report_lines(self) -> None:
        _, report = extract()
        lines = report.lines()
        assert lines[0] == "measures: 3 (I: 2, II: 1)"
        assert lines[-1] == "unresolved phrases: 0"


def as_read_document(text: str) -> str:
    """``text`` in read_document's layout of a PDF: no blank lines, no indent at a page's first line,
    the pages joined by a form feed on a line of its own."""
    lines: list[str] = []
    for line in text.split("\n"):
        if line[:1] == " " and not line[:2].isspace() and lines:
            lines.append("\f")
        if line.strip():
            lines.append(line.strip())
    return "\n".join(lines)


class TestReadDocumentsLayout:
    def test_the_same_plan_as_from_the_text(self) -> None:
        paged = as_read_document(EXCERPT)
        assert "\n\f\n" in paged and "\n\n" not in paged and "\n12 研修" in paged
        assert extract(paged)[0] == extract()[0]

    def test_footnotes_by_their_numbers_run_to_the_pages_end(self) -> None:
        # 61 is glued in the page above; 62 is the next footnote though no marker survived; both
        # run to the page's end, over their continuation line.
        paged = as_read_document(EXCERPT).replace(
            "・ 利用者の利便性の向上に繋",
            "・ 3GPP61の規格に沿い、利用者の利便性の向上に繋",
        )
        paged = paged.replace(
            "町村）\n",
            "町村）\n61 “3rd Generation Partnership Project”の略称。\n国際標準化の団体。\n62 別途定める。\n\f\n",
            1,
        )
        kpis = [k.text for k in extract(paged)[0]["1-1"].kpis]
        assert kpis[0] == "改修済み市区町村数（令和３年度（2021年度）までに1,741市区町村）"

    def test_a_numbered_line_inside_a_page_is_text(self) -> None:
        paged = as_read_document(EXCERPT).replace(
            "がる取組を進める。", "がる取組を進める。\n100 回の演習を行い、\n成果を共有する。", 1
        )
        assert extract(paged)[0]["1-1"].description[1].endswith("100 回の演習を行い、成果を共有する。")


class TestMalformed:
    def test_not_the_layout(self) -> None:
        with pytest.raises(ExtractError, match="no measure found"):
            extract("これは施策集ではない。\n\n令和3年度末までに改修する。\n")

    def test_measure_in_the_wrong_section(self) -> None:
        text = EXCERPT.replace(" [No.２－１]", " [No.３－１]")
        with pytest.raises(ExtractError) as info:
            extract(text)
        assert info.value.measure_id == "3-1"
        assert info.value.line == EXCERPT.split("\n").index(" [No.２－１] 手続のオンライン化") + 1
        assert f"line {info.value.line}: measure '3-1'" in str(info.value)

    def test_gap_in_numbering(self) -> None:
        text = EXCERPT.replace("[No.１－２]", "[No.１－４]")
        with pytest.raises(ExtractError, match=r"measure '1-4' follows measure '1-1'; expected '1-2'") as info:
            extract(text)
        assert info.value.line == EXCERPT.split("\n").index(" [No.１－２] 研修プログラムの推進") + 1

    def test_measure_before_any_section(self) -> None:
        with pytest.raises(ExtractError, match="before any section heading"):
            extract(" [No.１－１] 施策\n\n・ 内容\n")


@pytest.fixture(scope="module")
def extracted(plan_source_text: str):  # type: ignore[no-untyped-def]
    return extract_plan(plan_source_text, title=TITLE, issued=ISSUED, source=SOURCE)


class TestThePlan:
    def test_regeneration_equals_the_bundled_yaml(self, extracted) -> None:  # type: ignore[no-untyped-def]
        plan, _ = extracted
        assert dump_plan(plan) == BUNDLED.read_text(encoding="utf-8")
        assert load_plan() == plan

    def test_149_measures_with_contiguous_ids(self, extracted) -> None:  # type: ignore[no-untyped-def]
        plan, report = extracted
        assert len(plan.measures) == 149
        assert sum(report.measures_per_section.values()) == 149
        by_section: dict[int, list[int]] = {}
        for measure in plan.measures:
            section, number = (int(part) for part in measure.id.split("-"))
            by_section.setdefault(section, []).append(number)
        assert sorted(by_section) == list(range(1, 10))
        for numbers in by_section.values():
            assert numbers == list(range(1, len(numbers) + 1))
        assert report.unresolved == ()

    def test_titles_match_the_source(self, extracted, plan_source_text: str) -> None:  # type: ignore[no-untyped-def]
        plan, _ = extracted
        for match in re.finditer(r"\[No\.([０-９]+)－([０-９]+)\] (.+)", plan_source_text):
            measure_id = (
                f"{int(unicodedata.normalize('NFKC', match[1]))}-{int(unicodedata.normalize('NFKC', match[2]))}"
            )
            assert plan[measure_id].title.startswith(match[3].strip()), measure_id

    def test_every_kpi_line_is_kept(self, extracted, plan_source_text: str) -> None:  # type: ignore[no-untyped-def]
        plan, _ = extracted
        part3 = plan_source_text[plan_source_text.index("第３部 施策集") :]
        kpi_texts = [k.text for m in plan.measures for k in m.kpis]
        lines = [line for line in part3.split("\n") if "KPI（" in line]
        assert len(lines) == 294
        for line in lines:
            start = re.sub(r"\s+", " ", line.split("：", 1)[1].strip().lstrip("・").strip())[:12]
            assert any(text.startswith(start) for text in kpi_texts), line


# -- issue 23: milestones are the plan's commitments ----------------------------------------------
#
# Each passage below is written for these tests in the shapes the plans use; the measure sits in
# the layout of the PDF text (blank lines between lines), issued on ISSUED (2021-06-18).


def one_measure(*bullets: str, kpis: str = "KPI（進捗）： 未設定\n\nKPI（効果）： 未設定\n") -> str:
    lines = [" 第３部 施策集", "", " Ｉ．共通機能の整備", "", " [No.１－１] 試験のための施策", ""]
    for bullet in bullets:
        lines += [f"・ {bullet}", ""]
    return "\n".join(lines) + "\n" + kpis


def measure_of(*bullets: str, kpis: str = "KPI（進捗）： 未設定\n\nKPI（効果）： 未設定\n"):  # type: ignore[no-untyped-def]
    plan, _ = extract(one_measure(*bullets, kpis=kpis))
    return plan, plan["1-1"]


def milestones(measure) -> list[tuple[str, str, date | None]]:  # type: ignore[no-untyped-def]
    return [(m.deadline.kind.value, m.deadline.text, m.deadline.due) for m in measure.milestones]


def reasons(measure) -> list[tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    return [(c.cited, c.reason) for c in measure.citations]


class TestHistoryIsCited:
    def test_a_start_years_ago_with_a_continuing_predicate(self) -> None:
        _, measure = measure_of("平成30年度（2018年度）から、相談窓口を設けて利用者の支援を行っている。")
        assert measure.milestones == ()
        (citation,) = measure.citations
        assert citation.cited == "平成30年度（2018年度）から"
        assert citation.reason == "past or continuing state"
        assert citation.starts == date(2018, 4, 1) and citation.period is None
        assert citation.text.endswith("利用者の支援を行っている")

    def test_a_start_followed_by_what_was_done_and_not_reached(self) -> None:
        _, measure = measure_of(
            "令和元年度（2019年度）から試作を開始し、部品の検証等を行ったが、全体の評価には至っていない。"
        )
        assert measure.milestones == ()
        assert reasons(measure) == [("令和元年度（2019年度）から", "past or continuing state")]

    def test_a_start_before_the_plan_year_is_cited_and_the_deadline_after_it_kept(self) -> None:
        _, measure = measure_of(
            "令和２年度（2020年度）より、関係機関との調整の上、令和４年度（2022年度）末までに新しい台帳へ移行する。"
        )
        assert milestones(measure) == [("by", "令和４年度（2022年度）末までに", date(2023, 3, 31))]
        assert reasons(measure) == [("令和２年度（2020年度）より", "started before the plan")]

    def test_a_start_this_month_reported_in_the_past_tense(self) -> None:
        _, measure = measure_of("新しい基盤を整備し、令和３年（2021年）４月から運用を開始した。")
        assert measure.milestones == ()
        assert reasons(measure) == [("令和３年（2021年）４月から", "past or continuing state")]

    def test_a_start_in_the_plan_year_with_a_forward_predicate_is_kept(self) -> None:
        _, measure = measure_of("令和３年度（2021年度）から、機能を統合した試験を行い、評価を実施する。")
        assert milestones(measure) == [("from", "令和３年度（2021年度）から", None)]
        assert measure.citations == ()


class TestBackgroundIsCited:
    @pytest.mark.parametrize(
        ("passage", "cited"),
        [
            ("令和６年（2024年）１月の新制度への移行も見据え、事業者向けの手引を作成する。", "令和６年（2024年）１月"),
            (
                "令和２年（2020年）４月から中学校で新しい課程が始まることに伴い、地域の講座を広げることが重要。",
                "令和２年（2020年）４月から",
            ),
            ("令和３年度（2021年度）で開設から10年目を迎え、運営体制の見直しが必要。", "令和３年度（2021年度）"),
        ],
    )
    def test_the_occasion_of_a_sentence_is_no_commitment(self, passage: str, cited: str) -> None:
        plan, measure = measure_of(passage)
        assert measure.milestones == ()
        assert reasons(measure) == [(cited, "background")]
        assert plan.due_between(date(2021, 1, 1), date(2030, 12, 31), as_of=ISSUED) == []

    def test_a_relative_clause_on_earlier_results_is_no_background(self) -> None:
        # 踏まえた modifies the guidebook: the clause still commits the year's work.
        _, measure = measure_of("令和３年度（2021年度）に実証を行い、その成果を踏まえた手引の改訂を行う。")
        assert milestones(measure) == [("within", "令和３年度（2021年度）に", date(2022, 3, 31))]


class TestNotesPracticesAndSessions:
    def test_a_status_note_is_cited(self) -> None:
        _, measure = measure_of(
            "令和２年度（2020年度）に実証を行った。（注）大会の延期に伴い、令和３年度（2021年度）も引き続き実証を実施中。"
        )
        assert measure.milestones == ()
        assert ("令和３年度（2021年度）も", "status note") in reasons(measure)

    def test_a_practice_is_cited_but_a_recurring_commitment_is_not(self) -> None:
        _, practice = measure_of("毎年更新している事例集について、掲載する地域を増やす。")
        assert practice.milestones == ()
        assert reasons(practice) == [("毎年", "practice")]
        _, commitment = measure_of("毎年度、事例集を更新して公表する。")
        assert [m.deadline.rule for m in commitment.milestones] == ["every fiscal year, by its end"]

    def test_a_session_of_the_plan_year_that_amended_a_law_is_cited(self) -> None:
        _, measure = measure_of(
            "手続に関する法律（令和２年法律第12号）を令和３年通常国会において改正。今後、運用の詳細を検討する。"
        )
        assert measure.milestones == ()
        assert reasons(measure) == [
            ("令和２年法律第12号", "law number"),
            ("令和３年通常国会において", "past Diet session"),
        ]

    def test_a_future_session_with_a_forward_predicate_is_a_milestone(self) -> None:
        _, measure = measure_of("令和４年通常国会への法案提出を目指す。")
        assert milestones(measure) == [("within", "令和４年通常国会", date(2022, 6, 30))]
        assert measure.milestones[0].deadline.approximate and measure.citations == ()

    def test_an_aim_keeps_a_clause_after_the_project_forward(self) -> None:
        # spec §4c: X の事業終了後、速やかに is "from" the day after X, approximate; 目指しており is an aim.
        _, measure = measure_of(
            "本事業では令和３年度（2021年度）末の事業終了後、速やかに成果を実装することを目指しており、準備を進める。"
        )
        (milestone,) = measure.milestones
        deadline = milestone.deadline
        assert (deadline.kind.value, deadline.window.start, deadline.due, deadline.approximate) == (  # type: ignore[union-attr]
            "from",
            date(2022, 4, 1),
            None,
            True,
        )

    def test_a_deadline_written_as_one_stays_even_when_already_past(self) -> None:
        # spec §4b: a schedule line （令和２年度まで）is a deadline, overdue when the plan was issued.
        kpis = "KPI（進捗）： 旧台帳の移行（令和２年度（2020年度）まで）\n\nKPI（効果）： 未設定\n"
        plan, measure = measure_of("台帳の移行を進める。", kpis=kpis)
        assert milestones(measure) == [("by", "令和２年度（2020年度）まで", date(2021, 3, 31))]
        assert measure.milestones[0].kpi == "1-1/progress/1"
        assert [item.item_id for item in plan.overdue(as_of=ISSUED)] == ["1-1/m1"]
        # the same date in running prose reports the past
        _, prose = measure_of("令和２年度（2020年度）までに台帳の移行を行った。")
        assert prose.milestones == ()

    def test_citations_are_never_due_nor_overdue(self) -> None:
        plan, measure = measure_of(
            "平成29年度（2017年度）から演習を実施しており、令和３年度（2021年度）も同じ規模で実施する。",
            "令和５年（2023年）10月の制度の移行を見据え、手引を作成する。",
        )
        assert [m.deadline.text for m in measure.milestones] == ["令和３年度（2021年度）も"]
        assert len(measure.citations) == 2
        everything = plan.due_between(date(2000, 1, 1), date(2040, 12, 31), as_of=date(2040, 12, 31))
        assert [item.item_id for item in everything] == ["1-1/m1"]
        assert [item.item_id for item in plan.overdue(as_of=date(2040, 12, 31))] == ["1-1/m1"]


class TestOneMilestonePerClause:
    TWO_CLAUSES = (
        "令和３年度（2021年度）も集合研修を同じ規模で実施する。また、令和３年度（2021年度）中に、"
        "遠隔地の職員のためにオンラインでの受講を開始する。"
    )

    def test_two_clauses_due_the_same_day_are_two_milestones(self) -> None:
        _, measure = measure_of(self.TWO_CLAUSES)
        assert [m.deadline.due for m in measure.milestones] == [date(2022, 3, 31), date(2022, 3, 31)]
        assert measure.milestones[1].text.endswith("オンラインでの受講を開始する")

    def test_a_kpi_line_restating_a_clause_links_to_that_clause_only(self) -> None:
        kpis = "KPI（進捗）： 集合研修の開催回数（令和３年度（2021年度）50回）\n\nKPI（効果）： 未設定\n"
        _, measure = measure_of(self.TWO_CLAUSES, kpis=kpis)
        assert [m.kpi for m in measure.milestones] == ["1-1/progress/1", None]

    def test_a_shared_due_date_alone_is_no_link(self) -> None:
        kpis = (
            "KPI（進捗）： 未設定\n\nKPI（効果）： 電子申請を導入した団体数（令和３年度（2021年度）末までに300団体）\n"
        )
        _, measure = measure_of("相談員の派遣を受け付け、令和４年（2022年）３月まで順次派遣を実施する予定。", kpis=kpis)
        (milestone,) = measure.milestones
        assert milestone.deadline.due == date(2022, 3, 31) and milestone.kpi is None
        target = measure.kpis[1].target
        assert target is not None and target.by is not None and target.by.due == date(2022, 3, 31)

    def test_two_kpi_lines_of_different_work_due_alike_are_two_milestones(self) -> None:
        kpis = (
            "KPI（進捗）： 調査事業を通じたクラブの全国での連携の検討を令和３年度（2021年度）中に実施\n\n"
            "KPI（効果）： 調査事業を踏まえた手引の改訂を令和３年度（2021年度）中に実施\n"
        )
        _, measure = measure_of("地域のクラブの活動を支援する。", kpis=kpis)
        assert [m.kpi for m in measure.milestones] == ["1-1/progress/1", "1-1/effect/1"]

    def test_a_kpi_line_dated_in_its_own_bracket_restates_with_less_in_common(self) -> None:
        # …規格案の策定（令和３年度以降）restates …令和３年度以降の規格案の確定を目標: two pairs (規格, 格案)
        # in common are enough for a line that dates itself in a bracket, not for a line in prose.
        bullet = "令和３年度（2021年度）以降の規格案の確定を目標としている。"
        bracketed = "KPI（進捗）： 国際会議における規格案の策定（令和３年度（2021年度）以降）\n\nKPI（効果）： 未設定\n"
        _, measure = measure_of(bullet, kpis=bracketed)
        assert [m.kpi for m in measure.milestones] == ["1-1/progress/1"]
        prose = "KPI（進捗）： 国際会議における規格案の策定を令和３年度（2021年度）以降に行う\n\nKPI（効果）： 未設定\n"
        _, measure = measure_of(bullet, kpis=prose)
        assert [m.kpi for m in measure.milestones] == [None, "1-1/progress/1"]

    def test_a_second_kpi_line_restating_an_item_adds_none(self) -> None:
        kpis = (
            "KPI（進捗）： 令和３年度（2021年度） 大規模な社会実証\n\n"
            "KPI（効果）： 令和３年度（2021年度） 大規模な社会実証の実施\n"
        )
        _, measure = measure_of("信号機を活用した通信網の実証を進める。", kpis=kpis)
        assert [m.kpi for m in measure.milestones] == ["1-1/progress/1"]


class TestKpiLines:
    def test_lines_without_bullets_are_items_and_a_bracket_for_all_goes_to_each(self) -> None:
        kpis = (
            "KPI（進捗）： 一次審査の実施 \n\n中間審査の実施 \n\n最終審査の実施 \n\n"
            "（いずれも令和３年度（2021年度）末までに実施） \n\nKPI（効果）： 未設定\n"
        )
        _, measure = measure_of("審査を適切に実施する。", kpis=kpis)
        texts = [k.text for k in measure.kpis if k.kind == "progress"]
        assert [text[:7] for text in texts] == ["一次審査の実施", "中間審査の実施", "最終審査の実施"]
        assert all(text.endswith("（いずれも令和３年度（2021年度）末までに実施）") for text in texts)
        assert [m.kpi for m in measure.milestones] == ["1-1/progress/1", "1-1/progress/2", "1-1/progress/3"]
        assert {m.deadline.due for m in measure.milestones} == {date(2022, 3, 31)}

    def test_the_items_under_a_list_header(self) -> None:
        kpis = (
            "KPI（進捗）： 港湾の生産性の向上に向け、以下の取組を実施 \n\n"
            "熟練者の技能の継承（令和３年度（2021年度）まで） \n\n"
            "蔵置計画の最適化（令和２年度（2020年度）まで） \n\nKPI（効果）： 未設定\n"
        )
        _, measure = measure_of("港湾の取組を進める。", kpis=kpis)
        assert [k.text[:5] for k in measure.kpis] == ["港湾の生産", "熟練者の技", "蔵置計画の", "未設定"]
        assert [m.deadline.due for m in measure.milestones] == [date(2022, 3, 31), date(2021, 3, 31)]

    def test_a_word_broken_after_its_first_character_stays_one_item(self) -> None:
        kpis = "KPI（進捗）： 未設定\n\nKPI（効果）： 罹\n\n災証明の交付を電子化した地方公共団体数\n"
        _, measure = measure_of("証明の電子化を進める。", kpis=kpis)
        assert measure.kpis[1].text == "罹災証明の交付を電子化した地方公共団体数"

    def test_a_full_line_closed_by_its_date_ends_its_item(self) -> None:
        first = "KPI（進捗）： 歩行空間のオープンデータ利活用の拡大へ向けた調査・検討（令和３年度（2021年度）予定）"
        kpis = f"{first} \n\nオープンデータ化された施設の数 \n\nKPI（効果）： 未設定\n"
        _, measure = measure_of("データの公開を進める。", kpis=kpis)
        assert [k.text for k in measure.kpis] == [
            first.split("： ", 1)[1],
            "オープンデータ化された施設の数",
            "未設定",
        ]

    @given(st.text(alphabet="市区町村台帳改修運用整備推進調査計画", min_size=40, max_size=160), st.integers(30, 44))
    def test_a_text_wrapped_at_the_column_width_is_one_item(self, text: str, width: int) -> None:
        # A wrapped line is at least `width` full-width characters: no short line, no new item.
        lines = [text[i : i + width] for i in range(0, len(text), width)]
        kpis = "KPI（進捗）： " + " \n\n".join(lines) + " \n\nKPI（効果）： 未設定\n"
        _, measure = measure_of("台帳を整備する。", kpis=kpis)
        assert [k.text for k in measure.kpis] == [text, "未設定"]


DOCS = Path(__file__).resolve().parents[1] / "docs"


class TestTheBundledPlan:
    """The cases issue 23 found in the bundled plan, read from data/measures.yaml."""

    def test_counts_documented_in_plan_format(self) -> None:
        page = (DOCS / "plan-format.md").read_text(encoding="utf-8")
        said = re.search(r"holds (\d+) milestones, (\d+) of them linked to a KPI, and (\d+) citations", page)
        assert said is not None
        plan = load_plan()
        milestones = [m for measure in plan.measures for m in measure.milestones]
        counted = (
            len(milestones),
            sum(1 for m in milestones if m.kpi is not None),
            sum(len(measure.citations) for measure in plan.measures),
        )
        assert tuple(int(n) for n in said.groups()) == counted

    def test_no_from_milestone_starts_before_the_plan_year(self) -> None:
        plan = load_plan()
        starts = [
            m.deadline.window.start  # type: ignore[union-attr]
            for measure in plan.measures
            for m in measure.milestones
            if m.deadline.kind == DeadlineKind.FROM
        ]
        assert starts and min(starts) >= date(2021, 4, 1)

    def test_only_a_deadline_written_as_one_was_due_before_the_plan(self) -> None:
        plan = load_plan()
        past = [
            m.id
            for m in (m for ms in plan.measures for m in ms.milestones)
            if m.deadline.due and m.deadline.due < ISSUED
        ]
        assert past == ["3-44/m3"]  # （令和２年度（2020年度）まで）, spec §4b

    def test_history_and_notes_are_no_due_items(self) -> None:
        plan = load_plan()
        assert [c.reason for c in plan["1-12"].citations if "通常国会" in c.cited] == ["past Diet session"]
        assert [c.reason for c in plan["5-20"].citations if c.cited.startswith("令和３年度")] == ["status note"]
        assert [c.reason for c in plan["6-10"].citations if c.cited == "令和３年度（2021年度）"] == ["background"]
        assert [c.reason for c in plan["4-1"].citations] == ["background"]
        assert [c.reason for c in plan["4-4"].citations if c.cited == "毎年"] == ["practice"]
        for measure_id in ("1-12", "4-1", "5-20", "6-6", "6-10", "3-16", "9-3"):
            due = [m.id for m in plan[measure_id].milestones if m.deadline.due is not None]
            assert all(plan.milestone(i).deadline.window.start >= date(2021, 4, 1) for i in due), measure_id  # type: ignore[union-attr]
        overdue = plan.overdue(as_of=date(2021, 7, 1))
        assert "1-12/m1" not in {item.item_id for item in overdue}

    def test_second_deliverables_are_kept(self) -> None:
        plan = load_plan()
        fy2021 = [m.text for m in plan["6-3"].milestones if m.deadline.due == date(2022, 3, 31)]
        assert len(fy2021) == 2 and "オンライン受講環境の正式提供を開始する" in fy2021[1]
        assert any(m.kpi == "7-9/effect/1" for m in plan["7-9"].milestones)
        schedule = [(m.kpi, m.deadline.due) for m in plan["3-44"].milestones if m.kpi and "progress" in m.kpi]
        assert schedule == [
            ("3-44/progress/2", date(2022, 3, 31)),
            ("3-44/progress/3", date(2021, 3, 31)),
            ("3-44/progress/4", date(2022, 3, 31)),
        ]

    def test_kpi_lines_run_together_are_split(self) -> None:
        plan = load_plan()
        progress = [k.text for k in plan["9-4"].kpis if k.kind == "progress"]
        assert [text.split("（")[0] for text in progress] == ["選抜評価の実施", "継続評価の実施", "終了評価の実施"]

    def test_a_shared_date_is_no_link(self) -> None:
        plan = load_plan()
        (advisers,) = plan["6-2"].milestones
        assert advisers.deadline.due == plan.kpi("6-2/effect/1").target.by.due  # type: ignore[union-attr]
        assert advisers.kpi is None

    def test_after_the_project_ends_is_from_the_next_day(self) -> None:
        plan = load_plan()
        (after,) = [m for m in plan["5-3"].milestones if "事業終了後" in m.text]
        assert after.deadline.kind == DeadlineKind.FROM and after.deadline.approximate
        assert after.deadline.window is not None and after.deadline.window.start == date(2022, 4, 1)


class TestTheCliPage:
    def test_the_extract_example_prints_what_extraction_reports(self, extracted) -> None:  # type: ignore[no-untyped-def]
        _, report = extracted
        page = (DOCS / "cli.md").read_text(encoding="utf-8")
        block = page.split("$ dgplan extract ", 1)[1].split("```", 1)[0]
        printed = [line for line in block.splitlines() if not line.startswith((" ", "--"))][1:]
        assert printed == report.lines()


def test_a_text_longer_than_any_plan_is_refused_before_reading() -> None:
    """A text of tens of megabytes is refused at once, not read measure by measure for minutes
    (the scan's bound, found by a hostile reading of the documents)."""
    from dgplan.extract import MAX_PLAN_CHARACTERS

    text = "第３部\n" + "報告は令和7年3月末までに提出。\n" * (MAX_PLAN_CHARACTERS // 16 + 1)
    with pytest.raises(ExtractError, match=r"more than the 4,000,000 of a plan"):
        extract_plan(text, title="t", issued=date(2021, 6, 18))
