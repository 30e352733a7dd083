"""KPI targets (spec §5): phrases of our own in the shapes the plan writes, and the parser under
random text. None of these phrases is the plan's own sentence."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dgplan import KPI, DgplanError, Observation, Target, parse_target
from dgplan.deadline import DeadlineKind
from dgplan.fiscal import FiscalYear

ISSUED = date(2021, 6, 18)
CONTROL = "% (対統制群比)"  # a difference from a control group, in %
FY = {year: FiscalYear(year).interval for year in range(2018, 2030)}

# phrase -> (comparison, value, unit, by's due (None: no date), approximate, baseline period)
VALID: dict[str, tuple[str, float, str | None, date | None, bool, object]] = {
    # the value after the period, in its brackets
    "設置拠点数（令和4年度までに5か所）": (">=", 5, "か所", date(2023, 3, 31), False, None),
    "窓口の数（令和5年度までに12ヶ所）": (">=", 12, "ヶ所", date(2024, 3, 31), False, None),
    "相談窓口を置く団体数（令和6年度 40地方公共団体）": (">=", 40, "地方公共団体", date(2025, 3, 31), False, None),
    "改修件数（令和4年度：約1,500箇所）": (">=", 1500, "箇所", date(2023, 3, 31), True, None),
    "対応地域数（令和8年度末6分野）": (">=", 6, "分野", date(2027, 3, 31), False, None),
    "導入地域の数（令和7年度までに導入地域数50）": (">=", 50, "地域", date(2026, 3, 31), False, None),
    "利用数(令和4年度100以上)": (">=", 100, None, date(2023, 3, 31), False, None),
    "令和6年度を目途とする4機体制の構築": (">=", 4, "機", date(2025, 3, 31), False, None),
    "令和4年度から令和6年度までに30件": (">=", 30, "件", date(2025, 3, 31), False, None),
    # the value after a colon, the period in brackets after it
    "公開データセット数：8件（令和4年）": (">=", 8, "件", date(2022, 12, 31), False, None),
    "指針の数：3件（令和4年度（2022年度）末）": (">=", 3, "件", date(2023, 3, 31), False, None),
    "参加団体数：200 程度（令和8年（2026年））": (">=", 200, None, date(2026, 12, 31), True, None),
    "協力事業者の数：15者（令和5年度末）": (">=", 15, "者", date(2024, 3, 31), False, None),
    # comparisons and multipliers
    "利用者数（令和8年度までに2万人超）": (">", 20000, "人", date(2027, 3, 31), False, None),
    "誤り件数（令和5年度末までに10件未満）": ("<", 10, "件", date(2024, 3, 31), False, None),
    "処理時間（令和5年度までに30分以下）": ("<=", 30, "分", date(2024, 3, 31), False, None),
    "利用率（令和6年度までに7割）": (">=", 70, "%", date(2025, 3, 31), False, None),
    "運用経費2割削減（令和6年度：令和元年度比）": ("change", -20, "%", date(2025, 3, 31), False, FY[2019]),
    # a yearly rate: every 年度, due at the end of the one the plan is in
    "研修の開催（年間24回）": (">=", 24, "回", date(2022, 3, 31), False, None),
    "訓練を年2回以上実施": (">=", 2, "回", date(2022, 3, 31), False, None),
    "装置の稼働率（年間95％以上）": (">=", 95, "%", date(2022, 3, 31), False, None),
    "発表論文数（年間120件以上）": (">=", 120, "件", date(2022, 3, 31), False, None),
    "成果の公表（1年に1度）": (">=", 1, "回", date(2022, 3, 31), False, None),
    # recurring deadlines keep their next occurrence
    "就職者の比率（毎年度末 90%超）": (">", 90, "%", date(2022, 3, 31), False, None),
    # a difference from a control group, not from an earlier period
    "利用回数の向上（令和5年度（2023年度） 対統制群比3%増加）": (">=", 3, CONTROL, date(2024, 3, 31), False, None),
    "待ち時間の短縮（令和5年度（2023年度） 対統制群比10%削減）": ("<=", -10, CONTROL, date(2024, 3, 31), False, None),
    # no date: a count in brackets, a share
    "協力の呼びかけ（15団体）": (">=", 15, "団体", None, False, None),
    "整備した延長（40km）": (">=", 40, "km", None, False, None),
    "整備市町村数(本事業における整備市町村9)": (">=", 9, "市町村", None, False, None),
    "試作機を3箇所以上の拠点に設置し、検証を実施": (">=", 3, "箇所", None, False, None),
    "達成した計画数（評価を実施した計画数の70％以上）": (">=", 70, "%", None, False, None),
    # counted from a start, due at no particular date
    "新サービス数（令和5年度以降に8件以上）": (">=", 8, "件", None, False, None),
}

INVALID = [
    # observed values and baselines: a value right after a past period
    "導入団体数（令和2年度末：500団体）",
    "公開箇所数（令和2年度 30か所）",
    "未整備世帯数（平成30年度末時点で約50万世帯）の減少",
    # footnote marks, model names, ordinals, durations, ratios
    "人材45育成に係る研修の修了者数（対前年度比増）",
    "8K映像の伝送技術の開発",
    "5G基地局の整備",
    "3D地図の整備（令和4年度まで）",
    "ガイドライン第3版の公表（令和4年度中）",
    "第4回会議の開催",
    "3か年計画の策定と改定",
    "生徒1人1台端末の整備",
    "端末1台当たりの生徒数",
    # a value with no date in a line that records the past; 度 alone is no counter
    "令和2年度に整備した拠点を含め、120か所で実施",
    "評価の実施（2度）",
    # a change with no baseline, an action with a date, a metric with no value
    "所要時間を20%以上削減",
    "システムの改修（令和5年度中）",
    "令和4年度の検索機能のアクセス数",
    # a date that cannot be read exactly: no target rather than a wrong one
    "導入件数（令和3年度（2022年度）までに10件）",
    "未設定",
    "",
]


class TestParseTarget:
    @pytest.mark.parametrize(("phrase", "expected"), VALID.items(), ids=list(VALID))
    def test_valid(self, phrase: str, expected: tuple[str, float, str | None, date | None, bool, object]) -> None:
        comparison, value, unit, due, approximate, baseline = expected
        target = parse_target(phrase, reference=ISSUED)
        assert target is not None
        by_due = None if target.by is None else target.by.due
        got_baseline = None if target.baseline is None else target.baseline.period
        assert (target.comparison, target.value, target.unit, by_due, target.approximate, got_baseline) == (
            comparison,
            value,
            unit,
            due,
            approximate,
            baseline,
        )

    @pytest.mark.parametrize("phrase", INVALID)
    def test_invalid(self, phrase: str) -> None:
        assert parse_target(phrase, reference=ISSUED) is None

    def test_yearly_rate_is_every_fiscal_year(self) -> None:
        target = parse_target("研修の開催（年間24回）", reference=ISSUED)
        assert target is not None and target.by is not None
        assert target.by.kind == DeadlineKind.RECURRING and target.recurrence is not None
        recurrence = target.recurrence
        assert (recurrence.frequency, recurrence.fiscal, recurrence.month) == ("yearly", True, None)
        assert target.by.rule == "every fiscal year, by its end"
        assert target.by.window == FY[2021]
        assert target.by.next_due(date(2023, 5, 1)) == date(2024, 3, 31)

    def test_yearly_rate_without_reference_has_no_first_occurrence(self) -> None:
        target = parse_target("研修の開催（年間24回）")
        assert target is not None and target.by is not None
        assert target.by.recurrence is not None and target.by.due is None

    def test_recurring_deadline_keeps_its_next_occurrence(self) -> None:
        target = parse_target("就職者の比率（毎年度末 90%超）", reference=date(2022, 5, 1))
        assert target is not None and target.by is not None
        assert target.by.kind == DeadlineKind.RECURRING
        assert target.by.due == date(2023, 3, 31) and target.by.span is None

    def test_start_is_kept_as_the_targets_deadline(self) -> None:
        target = parse_target("新サービス数（令和5年度以降に8件以上）", reference=ISSUED)
        assert target is not None and target.by is not None
        assert target.by.kind == DeadlineKind.FROM and target.by.window is not None
        assert target.by.window.start == date(2023, 4, 1)

    @pytest.mark.parametrize(
        "phrase", ["研修の開催（年間24回）", "改修件数（令和4年度：約1,500箇所）", "呼びかけ（15団体）"]
    )
    def test_round_trips_through_the_file_format(self, phrase: str) -> None:
        target = parse_target(phrase, reference=ISSUED)
        assert target is not None
        context = {"reference": ISSUED}
        data = target.model_dump(by_alias=True, exclude_defaults=True, mode="json", context=context)
        assert Target.model_validate(data, context=context) == target


class TestGradingTargetsWithoutADueDate:
    """A target with no ``by`` (or a ``from`` one) has no elapsed share to measure progress against:
    it is A once met, B before, N with no observation; it is never due, so never overdue."""

    @pytest.mark.parametrize("phrase", ["協力の呼びかけ（15団体）", "新サービス数（令和5年度以降に8件以上）"])
    def test_grades(self, phrase: str) -> None:
        target = parse_target(phrase, reference=ISSUED)
        assert target is not None
        kpi = KPI(id="1-1/progress/1", kind="progress", text=phrase, target=target)
        as_of = date(2024, 1, 1)
        assert kpi.due_on(as_of=as_of) is None
        assert kpi.grade(as_of=as_of, plan_start=ISSUED) == "N"
        goal = target.value
        low = kpi.model_copy(update={"observations": (Observation(date=date(2023, 1, 1), value=goal - 1),)})
        high = kpi.model_copy(update={"observations": (Observation(date=date(2023, 1, 1), value=goal),)})
        assert low.grade(as_of=as_of, plan_start=ISSUED) == "B"
        assert high.grade(as_of=as_of, plan_start=ISSUED) == "A"
        assert high.is_done(as_of=as_of)

    def test_yearly_rate_grades_against_its_next_occurrence(self) -> None:
        target = parse_target("研修の開催（年間24回）", reference=ISSUED)
        assert target is not None
        kpi = KPI(
            id="1-1/progress/1",
            kind="progress",
            text="研修の開催（年間24回）",
            target=target,
            observations=(Observation(date=date(2021, 12, 1), value=10),),
        )
        as_of = date(2021, 12, 1)
        assert kpi.due_on(as_of=as_of) == date(2022, 3, 31)
        # 10 of 24 (42 %) is behind the 58 % of the time from the plan's date to the 年度's end.
        assert kpi.grade(as_of=as_of, plan_start=ISSUED) == "B"
        assert kpi.due_on(as_of=date(2022, 4, 1)) == date(2023, 3, 31)  # then the next 年度


# Pieces of KPI lines, mixed: periods, numbers, units, comparisons, brackets, colons, rates.
_PIECES = [
    "令和",
    "平成",
    "R",
    "3",
    "12",
    "1,741",
    "2.5",
    "約",
    "年",
    "年度",
    "年間",
    "1年に",
    "末",
    "までに",
    "以降に",
    "毎年度末",
    "時点で",
    "比",
    "対統制群比",
    "(",
    ")",
    "（",
    "）",
    ":",
    "：",
    " ",
    "万",
    "億",
    "兆",
    "割",
    "%",
    "か所",
    "団体",
    "地方公共団体",
    "件",
    "回",
    "度",
    "km",
    "以上",
    "超",
    "未満",
    "以下",
    "程度",
    "削減",
    "増加",
    "第",
    "G",
    "当たり",
    "の",
    "数",
    "整備市町村",
    "9" * 320,
]


class TestProperties:
    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
    def test_pieces_only_dgplan_errors_and_finite_values(self, text: str) -> None:
        self._check(text)

    @settings(max_examples=200, deadline=None)
    @given(st.text(max_size=60))
    def test_random_text(self, text: str) -> None:
        self._check(text)

    @staticmethod
    def _check(text: str) -> None:
        try:
            target = parse_target(text, reference=ISSUED)
        except DgplanError:
            return
        if target is not None:
            assert math.isfinite(target.value)
            assert target.comparison in (">=", ">", "<=", "<", "=", "change")


class TestBundledPlan:
    def test_recurring_targets_know_their_next_due_date(self) -> None:
        from dgplan import load_plan

        plan = load_plan()
        recurring = [k for m in plan for k in m.kpis if k.target and k.target.recurrence is not None]
        assert len(recurring) >= 6  # 毎年度末 (2), 年間 (3), 年1回以上, 1年に1度
        assert all(k.target and k.target.by and k.target.by.due == date(2022, 3, 31) for k in recurring)

    def test_observed_values_are_no_targets(self) -> None:
        from dgplan import load_plan

        plan = load_plan()
        targets = sum(1 for m in plan for k in m.kpis if k.target is not None)
        assert targets >= 73
        for measure in plan.measures_in("III") + plan.measures_in("VII"):
            for item in measure.kpis:
                if "718団体" in item.text or "98万世帯" in item.text:
                    assert item.target is None, item.id
