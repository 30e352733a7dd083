"""KPI targets from KPI text (spec §5): value, unit, comparison, deadline, baseline.

>>> t = parse_target("令和7年度（2025年度）までに登録者数3万人超")
>>> t.comparison, t.value, t.unit, t.by.due
('>', 30000.0, '人', datetime.date(2026, 3, 31))

A yearly rate is a target every fiscal year (the plan is a 年度 plan); a count in brackets with no
date is a target with no ``by``:

>>> from datetime import date
>>> t = parse_target("研修の開催（年間12回以上）", reference=date(2021, 6, 18))
>>> t.value, t.unit, t.by.rule, t.by.due
(12.0, '回', 'every fiscal year, by its end', datetime.date(2022, 3, 31))
>>> t = parse_target("協力を得た団体数（30団体）")
>>> t.value, t.unit, t.by
(30.0, '団体', None)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import date

from dgplan.deadline import Deadline, DeadlineKind, Recurrence, scan_passage
from dgplan.kpi import Baseline, Target

__all__ = ["parse_target"]

_MULTIPLIERS = {"万": 10_000, "億": 100_000_000, "兆": 1_000_000_000_000}
_COMPARISONS = {"以上": ">=", "超": ">", "未満": "<", "以下": "<=", "超え": ">", "を超える": ">"}
#: Counter words a plan writes after a number, longest first: they are units wherever they stand
#: (3か所, 100地方公共団体, 7機体制 → 機), where other kanji only are before a particle or bracket.
_KNOWN_UNITS = (
    "地方公共団体",
    "地方自治体",
    "市区町村",
    "都道府県",
    "市町村",
    "自治体",
    "団体",
    "機関",
    "事業者",
    "か所",
    "ヶ所",
    "カ所",
    "ケ所",
    "箇所",
    "都市",
    "地域",
    "分野",
    "件",
    "人",
    "名",
    "回",
    "校",
    "社",
    "者",
    "機",
    "台",
    "倍",
    "km",
    "GB",
    "TB",
)
# 度 counts times (1年に1度) but is no counter word on its own: it is a unit, not a known one.
_KNOWN = "|".join((*_KNOWN_UNITS, "度"))
_COMPARISON_WORDS = "以上|超え|超|未満|以下|程度"
# A number with its multiplier, unit and comparison: 1,741市区町村, 3万人超, 100%超, 約3000校, 3割削減.
_VALUE = re.compile(
    r"(?P<about>約)?(?<![\d.A-Za-z第])(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?P<multiplier>[万億兆])?"
    rf"(?P<unit>%|割|(?:{_KNOWN})(?!当|あたり|につき|ごと|毎|目)|[A-Za-z]{{1,4}}(?![A-Za-z\d])"
    r"|[\u30a1-\u30fa\u30fc]{1,6}"
    rf"|(?!{_COMPARISON_WORDS})[\u4e00-\u9fff]{{1,4}}?"
    r"(?=以上|超|未満|以下|程度|削減|減|増|[()、。・:/]|$|を|の|に|と|から|まで))?"
    r"(?P<change>削減|減少?|増加?)?(?P<comparison>以上|超え|超|未満|以下)?(?P<roughly>程度)?"
    r"(?P<change_after>削減|減少?|増加?|向上)?"  # 30%以上削減: a change whatever comes first
)
_NOT_A_VALUE_UNIT = re.compile(r"^(?:年度?|月|日|か月|ヶ月|カ月|期|次|回目|号|条|項|G|D|K|地域IX)$")
# A count closing a bracket right after the noun it counts: (整備市町村17), (実装地域数100).
_BARE_COUNT = re.compile(r"(?<=[\u4e00-\u9fff])(?P<number>\d{1,3}(?:,\d{3})+|\d+)(?=\))")
# A yearly rate: 年間60回, 年1回以上, 1年に1度 (the number follows the basis).
_YEARLY = re.compile(r"(?:年間|1年に|(?<![\d年])年)$")
# A difference from something that is not a period: 対統制群比5%増加.
_AGAINST = re.compile(r"対(?P<against>[^\d()、。:]{1,10}?)比$")
_TARGETED = frozenset(
    {DeadlineKind.BY, DeadlineKind.WITHIN, DeadlineKind.ON, DeadlineKind.RANGE, DeadlineKind.RECURRING}
)
# Dates that record the past: with one in the line, a value with no date of its own may be history.
_HISTORY = frozenset({"before the document's date", "past event", "past decision"})


@dataclass(frozen=True, slots=True)
class _Value:
    """A number as a KPI line writes it, with what is written around it."""

    start: int  # where its words start (約 included)
    end: int
    number: float
    unit: str | None
    comparison: str | None
    change: str | None
    approximate: bool
    known_unit: bool  # a counter word, %, 割 or a comparison: a value even with no date near it

    @classmethod
    def from_match(cls, match: re.Match[str]) -> _Value:
        number = float(match["number"].replace(",", ""))
        if match["multiplier"]:
            number *= _MULTIPLIERS[match["multiplier"]]
        unit = match["unit"] or None
        if unit == "割":
            number, unit = number * 10, "%"
        known = unit in _KNOWN_UNITS or unit == "%" or match["comparison"] is not None
        return cls(
            start=match.start(),
            end=match.end(),
            number=number,
            unit=unit,
            comparison=match["comparison"],
            change=match["change"] or match["change_after"],
            approximate=bool(match["about"] or match["roughly"]),
            known_unit=known,
        )


def _unit_of_noun(noun: str) -> str | None:
    """The counter a noun ends with, for a bare count after it: 整備市町村 → 市町村, 実装地域数 → 地域."""
    noun = noun.removesuffix("数")
    return next((unit for unit in _KNOWN_UNITS if noun.endswith(unit)), None)


def _values(text: str, excluded: list[tuple[int, int]]) -> list[_Value]:
    """Every number in ``text`` that may be a target's value, outside deadline and citation phrases.

    A number needs a unit, a comparison, a change word or 程度; a bare count closing a bracket
    (整備市町村17) is one too. Ordinals (第2版), model names (5G, 8K, 3D), durations (5か年) and
    ratios (1人1台, 1台当たり) are not values.
    """
    values: list[_Value] = []
    ratio_end = -1
    for match in _VALUE.finditer(text):
        if any(low <= match.start("number") < high for low, high in excluded):
            continue
        unit = match["unit"] or ""
        if _NOT_A_VALUE_UNIT.match(unit):
            continue
        if not unit and not (match["comparison"] or match["change"] or match["change_after"] or match["roughly"]):
            continue
        if match.start() == ratio_end or (unit and text[match.end() : match.end() + 1].isdigit()):
            ratio_end = match.end()
            continue  # 1人1台: a ratio, neither number is a value
        value = _Value.from_match(match)
        if math.isfinite(value.number):  # 1e400 is no target
            values.append(value)
    for bare in _BARE_COUNT.finditer(text):
        if any(low <= bare.start() < high for low, high in excluded) or any(v.start == bare.start() for v in values):
            continue
        noun = re.search(r"[\u4e00-\u9fff]+$", text[: bare.start()])
        if not math.isfinite(float(bare["number"].replace(",", ""))):
            continue
        values.append(
            _Value(
                start=bare.start(),
                end=bare.end(),
                number=float(bare["number"].replace(",", "")),
                unit=_unit_of_noun(noun.group() if noun else ""),
                comparison=None,
                change=None,
                approximate=False,
                known_unit=True,
            )
        )
    return sorted(values, key=lambda v: v.start)


def _observed(text: str, value: _Value, citations: list[Deadline]) -> bool:
    """A value written right after a cited (past) period is an observation or a baseline, not a
    target: (令和2年度末:718団体), (平成29年度末時点で約98万世帯)."""
    before = text[: value.start].rstrip(": ")
    return any(c.window is not None and len(before) <= c._phrase_end <= value.start for c in citations)


def _as_target_deadline(deadline: Deadline) -> Deadline:
    """A value "in 令和3年度" is to be reached by the end of it: a target's deadline is ``by``.

    A recurring deadline keeps its next occurrence (``window`` and ``due``, known once the plan's
    date is), so that 毎年度末 is due on the first 31 March after the plan.
    """
    kind = DeadlineKind.BY if deadline.kind in (DeadlineKind.WITHIN, DeadlineKind.ON) else deadline.kind
    return replace(deadline, kind=kind, span=None)


def _every_fiscal_year(reference: date | None) -> Deadline:
    """The deadline of a yearly rate (年間60回): every 年度, by its end; the plan is a 年度 plan."""
    recurrence = Recurrence("yearly", fiscal=True, starts=reference)
    window = recurrence.next_window(reference) if reference is not None else None
    # Written as the phrase that says the same (毎年度), so that a plan file reads it back as it is.
    return Deadline(
        DeadlineKind.RECURRING,
        window=window,
        due=None if window is None else window.end,
        text="毎年度",
        recurrence=recurrence,
    )


def _target(value: _Value, by: Deadline | None, found: list[Deadline], text: str) -> Target | None:
    number, unit = value.number, value.unit
    comparison = _COMPARISONS.get(value.comparison or "", ">=")
    baseline = None
    if value.change:
        decrease = value.change.startswith(("削減", "減"))
        against = _AGAINST.search(text[: value.start])
        if against is not None:
            # 対統制群比5%増加: a difference from a control group, not from an earlier period. The
            # quantity measured is that difference, in % of the control group: at least +5.
            number = -number if decrease else number
            comparison = "<=" if decrease else ">="
            unit = f"{unit or ''} (対{against['against']}比)".strip()
        else:
            cited = next((d for d in found if d.note == "baseline" and d.window is not None), None)
            if cited is None or cited.window is None:
                return None  # a change with no baseline is not a target we can state exactly
            comparison = "change"
            number = -number if decrease else number
            baseline = Baseline(period=cited.window)
    return Target(
        comparison=comparison,  # type: ignore[arg-type]
        value=number,
        unit=unit,
        by=by,
        baseline=baseline,
        approximate=value.approximate,
    )


def parse_target(text: str, *, reference: date | None = None) -> Target | None:
    """The target a KPI line states, or None where it states none exactly.

    A target is a value with a unit or comparison (4,000人, 3万人超, 100%超, 3割削減, 100程度);
    ``万 億 兆`` multiply, ``割`` is 10 %, ``約`` and ``程度`` make it approximate. A baseline
    (令和2年度比) turns a 削減/増 into a relative change; a difference from a control group
    (対統制群比5%増加) is ``>= 5`` in the unit ``% (対統制群比)``. Its ``by`` is, in order:

    - the line's deadline (令和7年度までに, 毎年度末; ``（令和3年度：約2,000か所）`` and
      ``：5件（令和3年）`` too), or a start (令和4年度以降に10件以上) that the value follows;
    - for a yearly rate (年間60回, 年1回以上, 1年に1度), every fiscal year, due at each 年度末;
    - with no date at all, None: a count in brackets (20団体, 125km, 整備市町村17) or a share
      (80%以上) with a counter word, % or a comparison.

    A value right after a cited past period (令和2年度末:718団体) is an observation, and a line
    whose only value is one states no target.

    >>> parse_target("令和7年度までに100%").value
    100.0
    >>> parse_target("令和7年度までに令和2年度比で30%削減").comparison
    'change'
    """
    mapped, found = scan_passage(text, reference)
    normal = mapped.text
    values = _values(normal, [(d._phrase_start, d._phrase_end) for d in found])
    citations = [d for d in found if d.kind == DeadlineKind.CITATION]
    values = [v for v in values if not _observed(normal, v, citations)]
    if not values:
        return None

    dated = any(d.kind in _TARGETED for d in found)
    yearly = [] if dated else [v for v in values if _YEARLY.search(normal[: v.start])]
    for value in yearly:
        if value.unit in ("回", "度", "%", "件", "人") or value.unit in _KNOWN_UNITS:
            value = replace(value, unit="回") if value.unit == "度" else value
            return _target(value, _every_fiscal_year(reference), found, normal)

    if any(d.note is not None and d.note.startswith("unresolved") for d in found):
        return None  # a date is written but cannot be read exactly: no target rather than a wrong one
    deadlines = [d for d in found if d.kind in _TARGETED]
    if deadlines:
        deadline = deadlines[0]
        after = [v for v in values if v.start >= deadline._phrase_end]
        value = after[0] if after else values[-1]
        return _target(value, _as_target_deadline(deadline), found, normal)

    starts = [d for d in found if d.kind == DeadlineKind.FROM]
    for start in starts:
        # 令和4年度以降に10件以上: counted from then on, due at no particular date.
        following = [v for v in values if normal[start._phrase_end : v.start] in ("", "に", "で")]
        if following:
            return _target(following[0], _as_target_deadline(start), found, normal)

    known = [v for v in values if v.known_unit]
    if not known or any(d.note in _HISTORY for d in found):
        return None
    return _target(known[-1], None, found, normal)
