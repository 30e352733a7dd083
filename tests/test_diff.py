"""diff_plans: two editions of a plan → what changed."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import dgplan
from dgplan.cli import main
from dgplan.diff import CHANGES, DIFF_COLUMNS, EPSILON, THRESHOLD, PlanChange, PlanDiff, diff_plans, similarity
from dgplan.kpi import PlanData

ISSUED = date(2021, 6, 18)


def plan_of(measures: list[dict[str, Any]], *, issued: date = ISSUED, title: str = "例") -> dgplan.Plan:
    data = {"plan": {"title": title, "issued": issued.isoformat()}, "measures": measures}
    return dgplan.Plan.model_validate(data, context={"reference": issued})


def measure(mid: str, title: str, milestones: list[Any] = (), kpis: list[Any] = (), section: str = "I") -> dict:  # type: ignore[assignment]
    return {"id": mid, "section": section, "title": title, "milestones": list(milestones), "kpis": list(kpis)}


def kpi(
    text: str,
    value: float | None = None,
    *,
    comparison: str = ">=",
    unit: str = "件",
    by: str | None = None,
    kind: str = "progress",
    unset: bool = False,
    baseline: dict | None = None,
) -> dict[str, Any]:
    item: dict[str, Any] = {"kind": kind, "text": text}
    if unset:
        item["unset"] = True
    if value is not None:
        target: dict[str, Any] = {"comparison": comparison, "value": value, "unit": unit}
        if by is not None:
            target["by"] = by
        if baseline is not None:
            target["baseline"] = baseline
        item["target"] = target
    return item


def key(change: PlanChange) -> tuple[Any, ...]:
    return (
        change.change,
        change.old_measure_id,
        change.measure_id,
        change.old_item_id,
        change.item_id,
        change.slip_days,
        change.slip_quarters,
    )


def kinds(diff: PlanDiff) -> list[str]:
    return [c.change for c in diff.changes]


# ---------------------------------------------------------------------------------------------


class TestSimilarity:
    def test_symmetric_and_normalised(self) -> None:
        a, b = "マイナンバーカードの普及", "マイナンバーカード の 普及促進。"
        assert similarity(a, b) == similarity(b, a)
        assert similarity("ＡＢＣの推進", "ABCの推進") == 1.0  # NFKC, full-width letters
        assert similarity("ガバメントクラウドの整備", "ガバメント・クラウドの整備") == 1.0  # punctuation ignored

    def test_threshold_separates_the_bundled_plans_measures(self) -> None:
        # The documented reason for THRESHOLD: of every pair of different measures in the bundled plan,
        # only 7-5 and 7-6 reach it; a reworded title (a word added or changed) stays above it.
        plan = dgplan.load_plan()
        measures = list(plan.measures)
        above = [
            (a.id, b.id)
            for n, a in enumerate(measures)
            for b in measures[n + 1 :]
            if similarity(a.title, b.title) >= THRESHOLD
        ]
        assert above == [("7-5", "7-6")]
        assert similarity("情報システムの整備の推進", "情報システムの整備の促進") >= THRESHOLD
        assert similarity("マイナンバーカードの普及", "マイナンバーカードの普及促進") >= THRESHOLD

    def test_items_within_a_measure_stay_below_it(self) -> None:
        # docs/diff.md: within a measure only the items of one list that differ in a word (9-4's three
        # reviews, 1-16's yearly steps) come near the threshold; other milestones stay at or below 0.58,
        # KPIs of one kind at or below 0.64.
        from itertools import combinations

        from dgplan.diff import _kpi_score, _milestone_score

        def siblings(a: str, b: str) -> bool:
            return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= 4

        plan = dgplan.load_plan()
        milestones = [
            (_milestone_score(a, b), siblings(a.text, b.text), a.id)
            for m in plan.measures
            for a, b in combinations(m.milestones, 2)
        ]
        kpis = [
            (_kpi_score(a, b), siblings(a.text, b.text), a.id)
            for m in plan.measures
            for a, b in combinations(m.kpis, 2)
            if a.kind == b.kind
        ]
        near = sorted({item.split("/")[0] for score, sibling, item in milestones + kpis if score >= 0.65})
        assert near == ["1-16", "9-4"]
        assert all(sibling for score, sibling, _ in milestones + kpis if score >= 0.65)
        assert max(score for score, sibling, _ in milestones if not sibling) <= 0.58
        assert max(score for score, sibling, _ in kpis if not sibling) <= 0.64 < THRESHOLD


class TestSelf:
    def test_the_bundled_plan_against_itself(self) -> None:
        plan = dgplan.load_plan()
        diff = diff_plans(plan, plan)
        assert diff.changes == () and not diff and diff.summary == {} and diff.slips == ()
        assert diff.added == () and diff.removed == () and diff.ambiguous == ()
        assert len(diff.matched) == len(plan.measures) and diff.pairings == ()

    def test_a_later_edition_with_the_same_text(self) -> None:
        # Recurring deadlines (毎年度末) resolve to their next occurrence after the edition's date and
        # start on it: the same phrase in an edition issued a year later is no change.
        plan = dgplan.load_plan()
        data = plan.to_data()
        data["plan"]["issued"] = "2022-06-07"
        later = dgplan.parse_plan(_yaml(data))
        recurring = [m for m in plan.measures for k in m.kpis if k.target and k.target.recurrence]
        assert recurring  # the bundled plan has recurring targets to compare
        assert diff_plans(plan, later).changes == ()


def _yaml(data: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


class TestMeasures:
    def test_renumbered_measures_pair_by_title(self) -> None:
        old = plan_of([measure("1-1", "甲の整備"), measure("1-2", "乙の推進"), measure("1-3", "丙の検討")])
        new = plan_of([measure("1-1", "乙の推進"), measure("1-2", "丙の検討")])
        diff = diff_plans(old, new)
        assert [m.id for m in diff.removed] == ["1-1"] and diff.added == ()
        assert [(m.old.id, m.new.id, m.method, m.score) for m in diff.pairings] == [
            ("1-2", "1-1", "title", 1.0),
            ("1-3", "1-2", "title", 1.0),
        ]
        assert kinds(diff) == ["measure renumbered", "measure renumbered", "measure removed"]

    def test_a_reworded_title_is_paired_with_its_score(self) -> None:
        old = plan_of([measure("1-1", "行政手続のオンライン化の推進"), measure("1-2", "電子署名の普及")])
        new = plan_of([measure("1-1", "電子署名の普及"), measure("1-2", "行政手続のオンライン化の促進")])
        diff = diff_plans(old, new)
        (change,) = diff.of("measure retitled")
        assert (change.old_measure_id, change.measure_id) == ("1-1", "1-2")
        assert change.score == similarity("行政手続のオンライン化の推進", "行政手続のオンライン化の促進")
        assert THRESHOLD <= change.score < 1

    def test_a_stricter_threshold_pairs_fewer(self) -> None:
        old = plan_of([measure("1-1", "行政手続のオンライン化の推進")])
        new = plan_of([measure("1-2", "行政手続のオンライン化の促進")])
        score = similarity("行政手続のオンライン化の推進", "行政手続のオンライン化の促進")
        assert kinds(diff_plans(old, new)) == ["measure renumbered", "measure retitled"]
        strict = diff_plans(old, new, threshold=score + 0.01)
        assert kinds(strict) == ["measure added", "measure removed"] and strict.threshold == score + 0.01
        with pytest.raises(ValueError, match=re.escape("not 1.5")):
            diff_plans(old, new, threshold=1.5)

    def test_same_id_with_a_rewritten_title_is_one_measure_retitled(self) -> None:
        diff = diff_plans(plan_of([measure("1-1", "甲乙丙丁")]), plan_of([measure("1-1", "戊己庚辛")]))
        (pairing,) = diff.pairings
        assert (pairing.method, pairing.score) == ("id", 0.0)
        assert kinds(diff) == ["measure retitled"]

    def test_two_candidates_alike_are_ambiguous_never_paired(self) -> None:
        # The old title is as close to two new ones: neither pairing is made, nothing is added or removed.
        old = plan_of([measure("1-1", "データ連携基盤の整備")])
        new = plan_of([measure("1-2", "データ連携基盤の整備A"), measure("1-3", "データ連携基盤の整備B")])
        diff = diff_plans(old, new)
        assert diff.matched == () and diff.added == () and diff.removed == ()
        (ambiguous,) = diff.ambiguous
        assert (ambiguous.level, ambiguous.old_ids, ambiguous.new_ids) == ("measure", ("1-1",), ("1-2", "1-3"))
        scores = [s for _, _, s in ambiguous.candidates]
        assert len(scores) == 2 and abs(scores[0] - scores[1]) < EPSILON and min(scores) >= THRESHOLD
        assert kinds(diff) == ["measure ambiguous"]
        assert "1-1 ~ 1-2" in diff.changes[0].text and "1-1 ~ 1-3" in diff.changes[0].text
        # and the same from the other side
        backward = diff_plans(new, old)
        assert backward.ambiguous == (ambiguous.mirrored(),) and backward.matched == ()

    def test_a_clear_best_is_paired_when_the_runner_up_is_further(self) -> None:
        old = plan_of([measure("1-1", "データ連携基盤の整備")])
        new = plan_of([measure("1-2", "データ連携基盤の整備等"), measure("1-3", "データ連携の基盤整備の推進")])
        diff = diff_plans(old, new)
        assert [(m.old.id, m.new.id) for m in diff.matched] == [("1-1", "1-2")]
        assert [m.id for m in diff.added] == ["1-3"]

    def test_section_moves(self) -> None:
        diff = diff_plans(plan_of([measure("1-1", "甲")]), plan_of([measure("2-1", "甲", section="II")]))
        assert kinds(diff) == ["measure renumbered", "measure resectioned"]


class TestMilestones:
    @pytest.mark.parametrize(
        ("old", "new", "change", "days", "quarters"),
        [
            # later and earlier: days and fiscal quarters
            ("令和3年度末までに", "令和4年度末までに", "milestone later", 365, 4),
            ("令和4年度末までに", "令和3年度末までに", "milestone earlier", -365, -4),
            ("令和3年度上期", "令和3年度中", "milestone later", 182, 2),
            ("令和4年1月末までに", "令和4年2月末までに", "milestone later", 28, 0),  # both in FY2021-Q4
            ("令和3年12月末までに", "令和4年1月末までに", "milestone later", 31, 1),  # Q3 to Q4
            ("令和4年3月31日", "令和4年4月1日", "milestone later", 1, 1),
            # losing or gaining a date
            ("令和3年度末までに", {"kind": "undated", "text": "速やかに"}, "milestone undated", None, None),
            ({"kind": "undated", "text": "速やかに"}, "令和3年度末までに", "milestone dated", None, None),
            # no order: a recurring rule, a start
            ("毎年度末", "毎年度上期", "milestone rescheduled", None, None),
            ("令和4年度から", "令和5年度から", "milestone later", 365, 4),  # a start moved
            ("令和4年度から", "令和4年度から毎年度", "milestone rescheduled", None, None),  # a start made a rule
            ("令和4年度から", "令和5年度末までに", "milestone dated", None, None),
            # the same due date, another kind
            ("令和4年3月31日", "令和3年度中", "milestone rescheduled", 0, 0),
        ],
    )
    def test_moves(self, old: Any, new: Any, change: str, days: int | None, quarters: int | None) -> None:
        first = plan_of([measure("1-1", "甲", [{"text": "システム改修", "due": old}])])
        second = plan_of([measure("1-1", "甲", [{"text": "システム改修", "due": new}])])
        diff = diff_plans(first, second)
        (moved,) = diff.changes
        assert (moved.change, moved.slip_days, moved.slip_quarters) == (change, days, quarters)
        assert moved.old_deadline == first.milestone("1-1/m1").deadline
        assert moved.new_deadline == second.milestone("1-1/m1").deadline
        assert diff.matched[0].milestones_moved == (moved,)
        assert moved.slipped == (change in ("milestone later", "milestone undated"))

    def test_the_same_phrase_written_differently_is_no_move(self) -> None:
        first = plan_of([measure("1-1", "甲", [{"text": "改修", "due": "令和3年度末までに"}])])
        second = plan_of([measure("1-1", "甲", [{"text": "改修", "due": "2022年3月末までに"}])])
        assert diff_plans(first, second).changes == ()

    def test_paired_by_text_not_position(self) -> None:
        first = plan_of(
            [
                measure(
                    "1-1",
                    "甲",
                    [
                        {"text": "要件定義", "due": "令和3年度末までに"},
                        {"text": "システム構築", "due": "令和4年度末までに"},
                    ],
                )
            ]
        )
        second = plan_of(
            [
                measure(
                    "1-1",
                    "甲",
                    [
                        {"text": "基本計画の策定", "due": "令和3年度中"},
                        {"text": "システム構築", "due": "令和5年度末までに"},
                    ],
                )
            ]
        )
        diff = diff_plans(first, second)
        assert [(c.change, c.old_item_id, c.item_id) for c in diff.changes] == [
            ("milestone added", None, "1-1/m1"),
            ("milestone later", "1-1/m2", "1-1/m2"),
            ("milestone removed", "1-1/m1", None),
        ]

    def test_reworded_is_told_from_moved(self) -> None:
        first = plan_of(
            [measure("1-1", "甲", [{"text": "令和3年度末までに全市区町村でシステム改修", "due": "令和3年度末までに"}])]
        )
        second = plan_of(
            [measure("1-1", "甲", [{"text": "令和4年度末までに全市区町村でシステム改修", "due": "令和4年度末までに"}])]
        )
        assert kinds(diff_plans(first, second)) == ["milestone later"]
        third = plan_of(
            [
                measure(
                    "1-1",
                    "甲",
                    [{"text": "令和3年度末までに全市区町村でシステム改修を完了", "due": "令和3年度末までに"}],
                )
            ]
        )
        assert kinds(diff_plans(first, third)) == ["milestone reworded"]

    def test_duplicate_milestones_are_not_ambiguous(self) -> None:
        same = [{"text": "報告", "due": "令和3年度末までに"}, {"text": "報告", "due": "令和3年度末までに"}]
        plan = plan_of([measure("1-1", "甲", same)])
        assert diff_plans(plan, plan).changes == ()

    def test_two_alike_candidates_are_ambiguous(self) -> None:
        first = plan_of([measure("1-1", "甲", [{"text": "実証事業の実施", "due": "令和3年度末までに"}])])
        second = plan_of(
            [
                measure(
                    "1-1",
                    "甲",
                    [
                        {"text": "実証事業の実施A", "due": "令和4年度末までに"},
                        {"text": "実証事業の実施B", "due": "令和4年度末までに"},
                    ],
                )
            ]
        )
        diff = diff_plans(first, second)
        assert kinds(diff) == ["milestone ambiguous"]
        assert diff.ambiguous[0].new_ids == ("1-1/m1", "1-1/m2")


class TestKPIs:
    @pytest.mark.parametrize(
        ("old", "new", "expected"),
        [
            # an increase: lower is weaker
            (kpi("登録数", 100), kpi("登録数", 80), ["target weakened"]),
            (kpi("登録数", 100), kpi("登録数", 120), ["target strengthened"]),
            # a reduction: higher is weaker
            (kpi("待ち時間", 30, comparison="<="), kpi("待ち時間", 40, comparison="<="), ["target weakened"]),
            (kpi("待ち時間", 30, comparison="<="), kpi("待ち時間", 20, comparison="<="), ["target strengthened"]),
            # a relative change: -30% → -20% asks less
            (
                kpi("費用", -30, comparison="change", unit="%", baseline={"period": "令和2年度"}),
                kpi("費用", -20, comparison="change", unit="%", baseline={"period": "令和2年度"}),
                ["target weakened"],
            ),
            # no order: another unit, an equality, a reduction turned increase
            (kpi("研修", 100, unit="回"), kpi("研修", 100, unit="人"), ["target changed"]),
            (kpi("件数", 5, comparison="="), kpi("件数", 6, comparison="="), ["target changed"]),
            (kpi("件数", 5, comparison="<="), kpi("件数", 5, comparison=">="), ["target changed"]),
            # the deadline of the target
            (kpi("登録数", 100, by="令和3年度末"), kpi("登録数", 100, by="令和5年度末"), ["target later"]),
            (
                kpi("登録数", 100, by="令和3年度末"),
                kpi("登録数", 90, by="令和4年度末"),
                ["target weakened", "target later"],
            ),
            (kpi("登録数", 100, by="令和3年度末"), kpi("登録数", 100), ["target undated"]),
            # set, unset, quietly removed
            (kpi("登録数", unset=True), kpi("登録数", 100), ["kpi set"]),
            (kpi("登録数"), kpi("登録数", 100), ["kpi set"]),
            (kpi("登録数", 100), kpi("登録数", unset=True), ["kpi unset"]),
            (kpi("登録数", 100), kpi("登録数"), ["kpi unset"]),
            # the bracket holding the target is not what pairs a KPI
            (
                kpi("登録数（令和3年度 100件）", 100),
                kpi("登録数（令和3年度 50件）", 50),
                ["kpi reworded", "target weakened"],
            ),
        ],
    )
    def test_changes(self, old: dict[str, Any], new: dict[str, Any], expected: list[str]) -> None:
        diff = diff_plans(plan_of([measure("1-1", "甲", kpis=[old])]), plan_of([measure("1-1", "甲", kpis=[new])]))
        assert kinds(diff) == expected
        assert all(c.item_id == c.old_item_id == "1-1/progress/1" for c in diff.changes)

    def test_added_and_removed_by_kind(self) -> None:
        # A progress KPI is not paired with an effect KPI of the same text.
        diff = diff_plans(
            plan_of([measure("1-1", "甲", kpis=[kpi("利用者数", kind="progress")])]),
            plan_of([measure("1-1", "甲", kpis=[kpi("利用者数", kind="effect")])]),
        )
        assert [(c.change, c.old_item_id, c.item_id) for c in diff.changes] == [
            ("kpi added", None, "1-1/effect/1"),
            ("kpi removed", "1-1/progress/1", None),
        ]

    def test_target_values_are_kept(self) -> None:
        diff = diff_plans(
            plan_of([measure("1-1", "甲", kpis=[kpi("数", 100)])]),
            plan_of([measure("1-1", "甲", kpis=[kpi("数", 80)])]),
        )
        (change,) = diff.changes
        assert change.old_target is not None and change.new_target is not None
        assert (change.old_target.value, change.new_target.value) == (100, 80)
        assert (change.old, change.new) == ("≥ 100件", "≥ 80件")


# ---------------------------------------------------------------------------------------------
# A second edition built by rules, and the diff that must recover every rule


def _chars(block: int, count: int = 8) -> str:
    """Text no other block shares a character with (CJK ideographs, 32 per block)."""
    return "".join(chr(0x4E00 + block * 32 + i) for i in range(count))


def _phrase(year: int) -> str:
    return f"令和{year}年度末までに"


def _due(year: int) -> date:
    return date(2019 + year, 3, 31)


@dataclass
class Edition:
    old: dgplan.Plan
    new: dgplan.Plan
    expected: list[tuple[Any, ...]]


@st.composite
def editions(draw: Callable[..., Any]) -> Edition:
    block = iter(range(1, 1000))
    count = draw(st.integers(1, 5))
    old_measures: list[dict[str, Any]] = []
    for n in range(1, count + 1):
        milestones = [
            {
                "text": _chars(next(block)),
                "due": _phrase(draw(st.integers(4, 8))),
            }
            for _ in range(draw(st.integers(0, 3)))
        ]
        kpis = [
            kpi(
                _chars(next(block)),
                draw(st.integers(10, 1000)),
                comparison=draw(st.sampled_from([">=", "<="])),
                by=_phrase(draw(st.integers(4, 8))),
            )
            for _ in range(draw(st.integers(0, 2)))
        ]
        old_measures.append(measure(f"1-{n}", _chars(next(block)), milestones, kpis))

    expected: list[tuple[Any, ...]] = []
    kept: list[tuple[str, dict[str, Any], list[Callable[[str], list[tuple[Any, ...]]]]]] = []
    for old in old_measures:
        if draw(st.booleans()) and draw(st.booleans()):  # dropped, one time in four
            expected.append(("measure removed", old["id"], None, None, None, None, None))
            continue
        new = {**old, "milestones": [], "kpis": []}
        rules: list[Callable[[str], list[tuple[Any, ...]]]] = []  # given the new id, the expected changes
        if draw(st.booleans()) and draw(st.booleans()):
            new["title"] = old["title"] + "等"  # reworded: 8 of 9 characters kept, 0.94
            rules.append(lambda mid, o=old["id"]: [("measure retitled", o, mid, None, None, None, None)])
        for m, milestone in enumerate(old["milestones"], start=1):
            action = draw(st.sampled_from(["keep", "move", "drop", "undate"]))
            if action == "drop":
                rules.append(
                    lambda mid, o=old["id"], m=m: [("milestone removed", o, mid, f"{o}/m{m}", None, None, None)]
                )
                continue
            year = int(re.findall(r"\d+", milestone["due"])[0])
            if action == "move":
                shift = draw(st.sampled_from([-2, -1, 1, 2, 3]))
                kind = "milestone later" if shift > 0 else "milestone earlier"
                new["milestones"].append({**milestone, "due": _phrase(year + shift)})
                days = (_due(year + shift) - _due(year)).days
                position = len(new["milestones"])
                rules.append(
                    lambda mid, o=old["id"], m=m, p=position, k=kind, d=days, q=4 * shift: [
                        (k, o, mid, f"{o}/m{m}", f"{mid}/m{p}", d, q)
                    ]
                )
            elif action == "undate":
                new["milestones"].append({**milestone, "due": {"kind": "undated", "text": "速やかに"}})
                position = len(new["milestones"])
                rules.append(
                    lambda mid, o=old["id"], m=m, p=position: [
                        ("milestone undated", o, mid, f"{o}/m{m}", f"{mid}/m{p}", None, None)
                    ]
                )
            else:
                new["milestones"].append(milestone)
        if draw(st.booleans()):
            new["milestones"].append({"text": _chars(next(block)), "due": _phrase(draw(st.integers(4, 8)))})
            position = len(new["milestones"])
            rules.append(
                lambda mid, o=old["id"], p=position: [("milestone added", o, mid, None, f"{mid}/m{p}", None, None)]
            )
        for k, item in enumerate(old["kpis"], start=1):
            target = item["target"]
            action = draw(st.sampled_from(["keep", "raise", "lower", "slip", "unset"]))
            changed = {**item, "target": dict(target)}
            if action in ("raise", "lower"):
                changed["target"]["value"] = target["value"] * (2 if action == "raise" else 0.5)
                weaker = (action == "lower") == (target["comparison"] == ">=")
                kind = "target weakened" if weaker else "target strengthened"
            elif action == "slip":
                year = int(re.findall(r"\d+", target["by"])[0])
                changed["target"]["by"] = _phrase(year + 1)
                kind = "target later"
            elif action == "unset":
                changed = {"kind": "progress", "text": item["text"], "unset": True}
                kind = "kpi unset"
            else:
                kind = ""
            new["kpis"].append(changed)
            if kind:
                days, quarters = ((_due(year + 1) - _due(year)).days, 4) if kind == "target later" else (None, None)
                rules.append(
                    lambda mid, o=old["id"], k=k, kind=kind, d=days, q=quarters: [
                        (kind, o, mid, f"{o}/progress/{k}", f"{mid}/progress/{k}", d, q)
                    ]
                )
        kept.append((old["id"], new, rules))
    if draw(st.booleans()):
        kept = draw(st.permutations(kept))
    renumber = draw(st.booleans())
    new_measures = []
    for n, (old_id, new, rules) in enumerate(kept, start=1):
        new_id = f"1-{n}" if renumber else old_id
        new_measures.append({**new, "id": new_id})
        if new_id != old_id:
            expected.append(("measure renumbered", old_id, new_id, None, None, None, None))
        for rule in rules:
            expected += rule(new_id)
    for n in range(1, draw(st.integers(0, 2)) + 1):
        # Added measures take ids no old measure had (section II), as a new edition's do.
        new_measures.append(measure(f"2-{n}", _chars(next(block)), section="II"))
        expected.append(("measure added", None, f"2-{n}", None, None, None, None))
    return Edition(plan_of(old_measures), plan_of(new_measures, issued=date(2022, 6, 7)), expected)


class TestEditions:
    @settings(max_examples=60)
    @given(editions())
    def test_every_rule_is_recovered(self, edition: Edition) -> None:
        diff = diff_plans(edition.old, edition.new)
        assert sorted(map(key, diff.changes), key=repr) == sorted(edition.expected, key=repr)
        assert diff.ambiguous == ()
        assert sum(diff.summary.values()) == len(diff.changes)
        # The slips: later deadlines, the largest slip first, then those that lost their date.
        later = diff.of("milestone later", "target later")
        undated = diff.of("milestone undated", "target undated")
        assert diff.slips[: len(later)] == tuple(sorted(later, key=lambda c: -(c.slip_days or 0)))
        assert diff.slips[len(later) :] == undated

    @settings(max_examples=40)
    @given(editions())
    def test_swapped_editions_mirror(self, edition: Edition) -> None:
        forward, backward = diff_plans(edition.old, edition.new), diff_plans(edition.new, edition.old)
        mirrored = [key(c.mirrored()) for c in forward.changes]
        assert sorted(map(key, backward.changes), key=repr) == sorted(mirrored, key=repr)
        assert {m.id for m in forward.added} == {m.id for m in backward.removed}
        assert {m.id for m in forward.removed} == {m.id for m in backward.added}
        assert sorted(c.slip_days for c in forward.of("milestone later", "target later")) == sorted(
            -(c.slip_days or 0) for c in backward.of("milestone earlier", "target earlier")
        )

    @settings(max_examples=20)
    @given(editions())
    def test_each_edition_against_itself(self, edition: Edition) -> None:
        assert diff_plans(edition.old, edition.old).changes == ()
        assert diff_plans(edition.new, edition.new).changes == ()


# ---------------------------------------------------------------------------------------------
# Output


@pytest.fixture(scope="module")
def example() -> tuple[dgplan.Plan, dgplan.Plan]:
    old = plan_of(
        [
            measure(
                "1-1",
                "甲の整備",
                [{"text": "システム改修", "due": "令和3年度末までに"}],
                [kpi("団体数", 100, by="令和4年度末")],
            ),
            measure("1-2", "乙の推進"),
            measure("1-3", "丙の検討", [{"text": "方針の策定", "due": "令和3年度中"}]),
        ]
    )
    new = plan_of(
        [
            measure(
                "1-1",
                "甲の整備",
                [{"text": "システム改修", "due": "令和5年度末までに"}],
                [kpi("団体数", 80, by="令和4年度末")],
            ),
            measure("1-2", "丙の検討", [{"text": "方針の策定", "due": {"kind": "undated", "text": "速やかに"}}]),
            measure("1-3", "丁の開始"),
        ],
        issued=date(2022, 6, 7),
    )
    return old, new


class TestOutput:
    def test_summary_and_slips(self, example: tuple[dgplan.Plan, dgplan.Plan]) -> None:
        diff = diff_plans(*example)
        assert diff.summary == {
            "measure added": 1,
            "measure removed": 1,
            "measure renumbered": 1,
            "milestone later": 1,
            "milestone undated": 1,
            "target weakened": 1,
        }
        assert list(diff.summary) == [k for k in CHANGES if k in diff.summary]
        assert [(c.item_id, c.slip_days) for c in diff.slips] == [("1-1/m1", 731), ("1-2/m1", None)]

    def test_frame(self, example: tuple[dgplan.Plan, dgplan.Plan]) -> None:
        frame = diff_plans(*example).to_frame()
        assert list(frame.columns) == list(DIFF_COLUMNS)
        assert str(frame["slip_days"].dtype) == "Int64" and str(frame["old_due"].dtype).startswith("datetime64")
        assert frame["change"].cat.ordered
        assert frame.loc[frame["change"] == "milestone later", "slip_quarters"].tolist() == [8]
        assert diff_plans(example[0], example[0]).to_frame().empty

    def test_csv_and_json(self, example: tuple[dgplan.Plan, dgplan.Plan]) -> None:
        from dgplan.report import render_diff

        diff = diff_plans(*example)
        rows = list(csv.DictReader(io.StringIO(render_diff(diff, "csv"))))
        assert tuple(rows[0]) == DIFF_COLUMNS and len(rows) == len(diff.changes)
        data = json.loads(render_diff(diff, "json"))
        assert data["summary"] == diff.summary and data["threshold"] == THRESHOLD
        assert data["changes"] == diff.rows()
        assert data["new"] == {"title": "例", "issued": "2022-06-07"}

    def test_markdown_table_and_html(self, example: tuple[dgplan.Plan, dgplan.Plan]) -> None:
        from dgplan.report import render_diff

        diff = diff_plans(*example)
        markdown = render_diff(diff, "markdown")
        assert "## Slipped deadlines (2)" in markdown and "| 1-3 → 1-2 | 1-3/m1 → 1-2/m1 |" in markdown
        table = render_diff(diff, "table")
        assert table.splitlines()[2].split() == ["measure", "added", "1"]
        section = render_diff(diff, "html")
        assert section.startswith('<section class="diff">') and section.count("<table>") == 4
        assert render_diff(diff_plans(example[0], example[0]), "table") == "(no changes)\n"

    def test_the_report_includes_the_diff(self, example: tuple[dgplan.Plan, dgplan.Plan]) -> None:
        from dgplan.report import render_report

        diff = diff_plans(*example)
        page = render_report(example[1], date(2022, 7, 1), fmt="html", compare=diff, lang="en")
        assert page.index('<section class="diff">') < page.index("</body>")
        assert "Slipped deadlines (2)" in page
        markdown = render_report(example[1], date(2022, 7, 1), compare=diff, lang="en")
        assert markdown.endswith(render_diff_markdown(diff))

    def test_rich_display(self, example: tuple[dgplan.Plan, dgplan.Plan]) -> None:
        html = diff_plans(*example)._repr_html_()
        assert html.count("<table") == 2 and "1-3 → 1-2" in html


def render_diff_markdown(diff: PlanDiff) -> str:
    from dgplan.diff_render import diff_markdown

    return diff_markdown(diff)


# ---------------------------------------------------------------------------------------------
# The command


@pytest.fixture
def files(tmp_path: Path, example: tuple[dgplan.Plan, dgplan.Plan]) -> tuple[Path, Path]:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    dgplan.save_plan(example[0], old)
    dgplan.save_plan(example[1], new)
    return old, new


class TestCommand:
    def test_table(self, files: tuple[Path, Path]) -> None:
        result = CliRunner().invoke(main, ["diff", str(files[0]), str(files[1])])
        assert result.exit_code == 0, result.output
        assert "milestone later" in result.output and "1-3 → 1-2" in result.output

    @pytest.mark.parametrize("fmt", ["json", "csv", "markdown", "html"])
    def test_formats_agree(self, files: tuple[Path, Path], fmt: str) -> None:
        from dgplan.report import render_diff

        result = CliRunner().invoke(main, ["diff", str(files[0]), str(files[1]), "--format", fmt])
        assert result.exit_code == 0
        expected = render_diff(diff_plans(dgplan.load_plan(files[0]), dgplan.load_plan(files[1])), fmt)
        assert result.output == expected

    def test_threshold(self, files: tuple[Path, Path]) -> None:
        # 丙の検討 is 1-3 in one edition and 1-2 in the other: the same title pairs at any threshold,
        # and a threshold outside (0, 1] is a usage error.
        result = CliRunner().invoke(
            main, ["diff", str(files[0]), str(files[1]), "--threshold", "0.99", "--format", "json"]
        )
        assert result.exit_code == 0 and json.loads(result.output)["threshold"] == 0.99
        assert json.loads(result.output)["summary"]["measure renumbered"] == 1
        bad = CliRunner().invoke(main, ["diff", str(files[0]), str(files[1]), "--threshold", "0"])
        assert bad.exit_code == 2 and len(bad.stderr.splitlines()) == 1 and "--threshold" in bad.stderr

    def test_output_file(self, files: tuple[Path, Path], tmp_path: Path) -> None:
        out = tmp_path / "changes.csv"
        result = CliRunner().invoke(
            main, ["diff", str(files[0]), str(files[1]), "--format", "csv", "--bom", "-o", str(out)]
        )
        assert result.exit_code == 0 and result.output == ""
        assert out.read_text(encoding="utf-8").startswith("\ufeffchange,measure_id")

    def test_two_files_that_are_not_plans(self, tmp_path: Path) -> None:
        first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
        first.write_text("plan: [unclosed\n", encoding="utf-8")
        second.write_text("plan:\n  title: x\n  issued: 2021-02-30\nmeasures: []\n", encoding="utf-8")
        result = CliRunner().invoke(main, ["diff", str(first), str(second)])
        assert result.exit_code == 2 and result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 2  # one line for each file's problem, both reported
        assert re.match(rf"dgplan: error: {re.escape(str(first))}:\d+:\d+: not valid YAML", lines[0])
        assert lines[1].startswith(f"dgplan: error: {second}:3:") and "2021-02-30" in lines[1]

    def test_a_missing_file(self, files: tuple[Path, Path], tmp_path: Path) -> None:
        result = CliRunner().invoke(main, ["diff", str(files[0]), str(tmp_path / "nope.yaml")])
        assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1 and "nope.yaml" in result.stderr

    def test_report_compare(self, files: tuple[Path, Path]) -> None:
        args = ["report", "--plan", str(files[1]), "--compare", str(files[0]), "--as-of", "2022-07-01"]
        result = CliRunner().invoke(main, [*args, "--format", "html"])
        assert result.exit_code == 0 and '<section class="diff">' in result.output
        plain = CliRunner().invoke(
            main, ["report", "--plan", str(files[1]), "--as-of", "2022-07-01", "--format", "html"]
        )
        assert '<section class="diff">' not in plain.output

    def test_as_a_subprocess(self, files: tuple[Path, Path]) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "dgplan", "diff", str(files[0]), str(files[1]), "--format", "json"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["summary"]["milestone later"] == 1


def test_diff_plans_takes_plan_data() -> None:
    # The data model is enough: diff needs no questions of a plan.
    data = PlanData.model_validate({"plan": {"title": "例", "issued": "2021-06-18"}, "measures": []})
    assert diff_plans(data, data).changes == ()


def test_the_report_section_in_a_browser(
    tmp_path: Path, example: tuple[dgplan.Plan, dgplan.Plan], chromium: str
) -> None:
    """The diff section of the HTML report, drawn by headless Chromium (as tests/test_browser.py
    draws the report): visible, its tables inside a phone's width or scrolling in their own box."""
    from playwright.sync_api import sync_playwright

    from dgplan.report import render_report

    page_file = tmp_path / "report.html"
    page_file.write_text(
        render_report(example[1], date(2022, 7, 1), fmt="html", compare=diff_plans(*example), lang="en"),
        encoding="utf-8",
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 400, "height": 800})
            page.goto(page_file.as_uri())
            section = page.locator("section.diff")
            assert section.is_visible() and section.locator("table").count() == 4
            assert section.locator("h3").first.inner_text() == "Slipped deadlines (2)"
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 400
        finally:
            browser.close()


class TestPairingManyMeasures:
    """Pairing renumbered measures compared every title with every other, each comparison setting
    up a SequenceMatcher: 1,000 measures took 17 s (issue 34). Counted here, not timed."""

    def test_each_title_is_indexed_once(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import difflib

        import dgplan.diff

        built = 0

        class Counting(difflib.SequenceMatcher):  # type: ignore[type-arg]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                nonlocal built
                built += 1
                super().__init__(*args, **kwargs)

        monkeypatch.setattr(dgplan.diff, "SequenceMatcher", Counting)
        base = [m.title for m in dgplan.load_plan().measures][:120]
        old = plan_of([measure(f"1-{i + 1}", title) for i, title in enumerate(base)])
        new = plan_of([measure(f"2-{i + 1}", title[:3] + "新" + title[4:]) for i, title in enumerate(base)])
        diff = diff_plans(old, new)
        assert diff.summary.get("measure renumbered") == len(base)
        assert built <= 3 * len(base)

    @settings(max_examples=200, deadline=None)
    @given(
        st.lists(st.text("アイウエオカキ", max_size=12), max_size=8),
        st.lists(st.text("アイウエオカキ", max_size=12), max_size=8),
        st.sampled_from([0.3, 0.5, 0.75, 0.9, 1.0]),
    )
    def test_the_shortlist_keeps_every_pair_that_can_score(
        self, olds: list[str], news: list[str], floor: float
    ) -> None:
        from dgplan.diff import _ratio, _Ratios

        ratios = _Ratios(floor)
        shortlist = set(ratios.shortlist(olds, news))
        for i, a in enumerate(olds):
            for j, b in enumerate(news):
                expected = _ratio(a, b, floor=floor)
                assert ratios(a, b) == expected
                if expected >= floor and a != b:
                    assert (i, j) in shortlist
