"""Extraction of the 施策集 layout: excerpts written for the tests, and the plan's own text."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest

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
