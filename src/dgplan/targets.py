"""KPI targets from KPI text (spec §5): value, unit, comparison, deadline, baseline.

>>> t = parse_target("令和7年度（2025年度）までに登録者数3万人超")
>>> t.comparison, t.value, t.unit, t.by.due
('>', 30000.0, '人', datetime.date(2026, 3, 31))
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from dgplan.deadline import Deadline, DeadlineKind, scan_passage
from dgplan.kpi import Baseline, Target

__all__ = ["parse_target"]

_MULTIPLIERS = {"万": 10_000, "億": 100_000_000, "兆": 1_000_000_000_000}
_COMPARISONS = {"以上": ">=", "超": ">", "未満": "<", "以下": "<=", "超え": ">", "を超える": ">"}
# A number with its multiplier, unit and comparison: 1,741市区町村, 3万人超, 100%超, 約3000校, 3割削減.
_VALUE = re.compile(
    r"(?P<about>約)?(?<![\d.A-Za-z第])(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?P<multiplier>[万億兆])?"
    r"(?P<unit>%|割|[A-Za-z]{1,4}(?![A-Za-z\d])|[\u30a1-\u30fa\u30fc]{1,6}|[\u4e00-\u9fff]{1,4}?(?=以上|超|未満|以下|程度|削減|減|増|[)、。・:/]|$|を|の|に|と|から|まで))?"
    r"(?P<change>削減|減|増加?)?(?P<comparison>以上|超え|超|未満|以下)?(?P<roughly>程度)?"
)
_NOT_A_VALUE_UNIT = re.compile(r"^(?:年度?|月|日|か月|ヶ月|カ月|期|次|回目|号|条|項|G|D|分野|地域IX)$")
_TARGETED = frozenset({DeadlineKind.BY, DeadlineKind.WITHIN, DeadlineKind.ON, DeadlineKind.RECURRING})


def _value_tokens(text: str, excluded: list[tuple[int, int]]) -> list[re.Match[str]]:
    tokens = []
    for match in _VALUE.finditer(text):
        if any(low <= match.start("number") < high for low, high in excluded):
            continue
        unit = match["unit"] or ""
        if _NOT_A_VALUE_UNIT.match(unit) or (not unit and not match["comparison"] and not match["change"]):
            continue
        tokens.append(match)
    return tokens


def _as_target_deadline(deadline: Deadline) -> Deadline:
    """A value "in 令和3年度" is to be reached by the end of it: a target's deadline is ``by``."""
    kind = DeadlineKind.BY if deadline.kind in (DeadlineKind.WITHIN, DeadlineKind.ON) else deadline.kind
    return replace(deadline, kind=kind, span=None)


def parse_target(text: str, *, reference: date | None = None) -> Target | None:
    """The target a KPI line states, or None where it states none exactly.

    A target needs a deadline (令和7年度までに, 毎年度末) and a value with a unit or comparison
    (4,000人, 3万人超, 100%超, 3割削減); ``万 億 兆`` multiply, ``割`` is 10 %, ``約`` and ``程度``
    make the target approximate. A baseline (令和2年度比) turns a 削減/増 into a relative change.
    """
    mapped, found = scan_passage(text, reference)
    deadlines = [d for d in found if d.kind in _TARGETED]
    if not deadlines:
        return None
    tokens = _value_tokens(mapped.text, [(d._phrase_start, d._phrase_end) for d in found])
    if not tokens:
        return None
    deadline = deadlines[0]
    after = [token for token in tokens if token.start() >= deadline._phrase_end]
    token = after[0] if after else tokens[-1]

    number = float(token["number"].replace(",", ""))
    if token["multiplier"]:
        number *= _MULTIPLIERS[token["multiplier"]]
    unit = token["unit"] or None
    if unit == "割":
        number, unit = number * 10, "%"
    comparison = _COMPARISONS.get(token["comparison"] or "", ">=")
    approximate = bool(token["about"] or token["roughly"])
    baseline_citation = next((d for d in found if d.note == "baseline" and d.window is not None), None)
    baseline = None
    if token["change"]:
        comparison = "change"
        number = -number if token["change"] in ("削減", "減") else number
        if baseline_citation is None or baseline_citation.window is None:
            return None  # a change with no baseline is not a target we can state exactly
        baseline = Baseline(period=baseline_citation.window)
    return Target(
        comparison=comparison,  # type: ignore[arg-type]
        value=number,
        unit=unit,
        by=_as_target_deadline(deadline),
        baseline=baseline,
        approximate=approximate,
    )
