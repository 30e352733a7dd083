"""Extraction of a plan's 施策集 (Part 3) from its PDF text into a :class:`~dgplan.plan.Plan`.

The layout, as the PDF's text comes out::

     Ｉ．デジタル社会に必要な共通機能の整備・普及
     [No.１－１] 国外におけるマイナンバーカード・公的個人認証サービスの継続利用
    ・ 情報通信技術の活用による…（broken across lines）
    KPI（進捗）： ・ …
    KPI（効果）： …

with page-bottom footnotes (``61 “3rd Generation…”``), footnote markers alone on a line
(``114``), ruby lines, and blank lines between every line.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dgplan._text import _drop_ruby_lines, normalize, normalize_mapped
from dgplan.deadline import Deadline, DeadlineKind, find_deadlines
from dgplan.era import ERA_TOKEN, ERA_YEAR_TOKEN
from dgplan.errors import ExtractError
from dgplan.fields import deadline_to_data
from dgplan.plan import Plan
from dgplan.targets import parse_target

__all__ = ["ExtractError", "ExtractReport", "extract_plan"]


_ROMAN = {"I": 1, "V": 5, "X": 10}
_SECTION = re.compile(r"(?P<roman>[IVX]{1,4})\.(?P<title>\S.*)")
_MEASURE = re.compile(r"\[No\.(?P<section>\d{1,2})-(?P<number>\d{1,3})\]\s*(?P<title>.*)")
_KPI = re.compile(r"KPI\((?P<kind>進捗|効果)\)\s*[:：]\s*(?P<rest>.*)")
_FOOTNOTE_BODY = re.compile(r"\d{1,3} \S")
_FOOTNOTE_MARK = re.compile(r"\d{1,3}")
_ERA_YEAR = re.compile(rf"{ERA_TOKEN}{ERA_YEAR_TOKEN}年")
_UNSET = "未設定"


def _roman_to_int(roman: str) -> int:
    total = 0
    for index, char in enumerate(roman):
        value = _ROMAN[char]
        following = _ROMAN[roman[index + 1]] if index + 1 < len(roman) else 0
        total += -value if value < following else value
    return total


def _nfkc(line: str) -> str:
    return unicodedata.normalize("NFKC", line).strip()


def _clean_lines(text: str) -> list[tuple[int, str]]:
    """Content lines with their 1-based line numbers: blank lines, ruby lines, footnote markers
    alone on a line and page-bottom footnote bodies removed."""
    raw = _drop_ruby_lines(text).split("\n")
    kept: list[tuple[int, str]] = []
    in_footnote = False
    previous_blank = True
    for number, line in enumerate(raw, start=1):
        stripped = line.strip()
        if not stripped:
            previous_blank = True
            continue
        starts_page = line[:1] == " " and not line[:2].isspace()
        if in_footnote and starts_page:
            in_footnote = False
        if in_footnote:
            continue
        if _FOOTNOTE_MARK.fullmatch(_nfkc(stripped)):
            continue  # a footnote marker that fell onto a line of its own
        if previous_blank and not line[:1].isspace() and _FOOTNOTE_BODY.match(line):
            in_footnote = True
            continue
        previous_blank = False
        kept.append((number, stripped))
    return kept


def _join(parts: list[str]) -> str:
    """Join broken lines: no space in Japanese, one space between two ASCII words."""
    text = ""
    for part in parts:
        part = re.sub(r"\s+", " ", part.strip())
        if text and text[-1].isascii() and text[-1].isalnum() and part[:1].isascii() and part[:1].isalnum():
            text += " "
        text += part
    return text


@dataclass
class _Block:
    measure_id: str
    section: str
    title: str
    line: int
    title_done: bool = False
    bullets: list[list[str]] = field(default_factory=list)
    kpis: list[tuple[str, list[list[str]]]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ExtractReport:
    """What the extractor found and what it could not resolve."""

    measures_per_section: dict[str, int]
    kpi_items: int
    kpi_unset: int
    targets_parsed: int
    milestones_by_kind: dict[str, int]
    citations: int
    unresolved: tuple[tuple[str, str], ...]

    def lines(self) -> list[str]:
        """The report as text lines, for stderr."""
        sections = ", ".join(f"{s}: {n}" for s, n in self.measures_per_section.items())
        kinds = ", ".join(f"{k}: {n}" for k, n in self.milestones_by_kind.items())
        lines = [
            f"measures: {sum(self.measures_per_section.values())} ({sections})",
            f"KPI items: {self.kpi_items} ({self.kpi_unset} 未設定), targets parsed: {self.targets_parsed}",
            f"milestones: {sum(self.milestones_by_kind.values())} ({kinds}); dates cited, not deadlines: "
            f"{self.citations}",
            f"unresolved phrases: {len(self.unresolved)}",
        ]
        lines.extend(f"  measure {measure_id!r}: {phrase}" for measure_id, phrase in self.unresolved)
        return lines


def _parse_blocks(lines: list[tuple[int, str]]) -> tuple[dict[str, str], list[_Block]]:
    sections: dict[str, str] = {}
    section_numbers: dict[int, str] = {}
    blocks: list[_Block] = []
    current_section: str | None = None
    for number, line in lines:
        normal = _nfkc(line)
        section = _SECTION.fullmatch(normal)
        if section is not None and not normal.startswith("KPI"):
            roman = section["roman"]
            current_section = roman
            sections[roman] = _nfkc(section["title"])
            section_numbers[_roman_to_int(roman)] = roman
            continue
        measure = _MEASURE.fullmatch(normal)
        if measure is not None:
            measure_id = f"{int(measure['section'])}-{int(measure['number'])}"
            if current_section is None:
                raise ExtractError(
                    f"line {number}: measure {measure_id!r} comes before any section heading (Ｉ．…)",
                    line=number,
                    measure_id=measure_id,
                )
            if section_numbers.get(int(measure["section"])) != current_section:
                raise ExtractError(
                    f"line {number}: measure {measure_id!r} is numbered for section {measure['section']}, "
                    f"but it stands in section {current_section}",
                    line=number,
                    measure_id=measure_id,
                )
            title = line.split("]", 1)[1].strip() if "]" in line else measure["title"]
            blocks.append(_Block(measure_id, current_section, title, number))
            continue
        if not blocks:
            continue  # the part's preamble
        block = blocks[-1]
        kpi = _KPI.match(normal)
        if kpi is not None:
            block.title_done = True
            kind = "progress" if kpi["kind"] == "進捗" else "effect"
            rest = re.split(r"[:：]", line, maxsplit=1)[1].strip() if re.search(r"[:：]", line) else ""
            items: list[list[str]] = []
            block.kpis.append((kind, items))
            if rest:
                items.append([rest.lstrip("・").strip()])
            continue
        if line.startswith("・"):
            block.title_done = True
            item = [line[1:].strip()]
            if block.kpis:
                block.kpis[-1][1].append(item)
            else:
                block.bullets.append(item)
            continue
        if not block.title_done:
            block.title += line
        elif block.kpis:
            if not block.kpis[-1][1]:
                block.kpis[-1][1].append([])
            block.kpis[-1][1][-1].append(line)
        elif block.bullets:
            block.bullets[-1].append(line)
        else:
            raise ExtractError(
                f"line {number}: measure {block.measure_id!r}: expected a bullet (・) or a KPI line, got {line[:30]!r}",
                line=number,
                measure_id=block.measure_id,
            )
    return sections, blocks


def _check_numbering(blocks: list[_Block]) -> None:
    expected: dict[str, int] = {}
    for block in blocks:
        section_number, measure_number = (int(part) for part in block.measure_id.split("-"))
        wanted = expected.get(str(section_number), 1)
        if measure_number != wanted:
            raise ExtractError(
                f"line {block.line}: measure {block.measure_id!r} follows measure "
                f"'{section_number}-{wanted - 1}'; expected '{section_number}-{wanted}'",
                line=block.line,
                measure_id=block.measure_id,
            )
        expected[str(section_number)] = wanted + 1


# Words that open a sentence by tying it to the one before; they say nothing of what is due.
_CONNECTIVE = re.compile(
    r"^(?:そのため|このため|また|さらに|加えて|併せて|あわせて|なお|具体的には|その上で|これにより|これらにより|特に)、"
)


def _clause(text: str, deadline: Deadline, previous: Deadline | None, following: Deadline | None) -> str:
    """The clause a deadline governs: from the start of its sentence (or, after another deadline
    in the sentence, from its own words) to the next deadline in the sentence or the sentence's
    end, without the connective that opens the sentence (そのため、 また、) or closing punctuation."""
    if deadline.span is None:
        return text.strip()
    start = text.rfind("。", 0, deadline.span[0]) + 1
    if previous is not None and previous.span is not None and previous.span[1] > start:
        start = deadline.span[0]
    end = text.find("。", deadline.span[1])
    end = len(text) if end < 0 else end
    if following is not None and following.span is not None and following.span[0] < end:
        end = following.span[0]
    clause = " ".join(text[start:end].split()).strip(" 、,・")
    return _CONNECTIVE.sub("", clause).strip(" 、") or clause


_WESTERN_IN_BRACKETS = re.compile(r"\(\d{4}年度?\)")
_PARTICLES_AT_END = re.compile(r"(?:までの間に|までに|まで|中に|中|内に|内|には|に|は|も|を|の)+$")


def _phrase_key(phrase: str) -> str:
    """A deadline phrase as it is compared: normalised, without the Western year in brackets or the
    particle after it (令和６年度（2024年度）中に and 令和6年度中 are one phrase)."""
    return _PARTICLES_AT_END.sub("", _WESTERN_IN_BRACKETS.sub("", normalize(phrase)))


_MILESTONE_KINDS = (
    DeadlineKind.BY,
    DeadlineKind.WITHIN,
    DeadlineKind.ON,
    DeadlineKind.FROM,
    DeadlineKind.RANGE,
    DeadlineKind.RECURRING,
)


def _unresolved(text: str, found: list[Deadline]) -> list[str]:
    mapped = normalize_mapped(text)
    spans = [d.span for d in found if d.span is not None]
    missing = []
    for match in _ERA_YEAR.finditer(mapped.text):
        start, _ = mapped.source_span(match.start(), match.end())
        if not any(low <= start < high for low, high in spans):
            missing.append(mapped.text[match.start() : match.end() + 12])
    return missing


def extract_plan(text: str, *, title: str, issued: date, source: str | None = None) -> tuple[Plan, ExtractReport]:
    """Read the 施策集 of a plan's text into a :class:`Plan`, with a report of what it found.

    ``issued`` is the plan's date: relative phrases are read against it, and dates before it
    are history, not deadlines. Raises :class:`ExtractError` naming the line where the layout
    was lost, or the measure whose block is malformed.
    """
    start = text.find("第３部")
    body = text[start:] if start >= 0 else text
    offset = text[:start].count("\n") if start >= 0 else 0
    lines = [(number + offset, line) for number, line in _clean_lines(body)]
    sections, blocks = _parse_blocks(lines)
    if not blocks:
        raise ExtractError(
            "no measure found: expected headings such as 'Ｉ．…' and measures such as '[No.１－１] title'",
            line=1,
        )
    _check_numbering(blocks)

    measures: list[dict[str, Any]] = []
    kinds: Counter[str] = Counter()
    kpi_items = unset = targets = citations = 0
    unresolved: list[tuple[str, str]] = []
    for block in blocks:
        description = [_join(parts) for parts in block.bullets]
        milestones: list[dict[str, Any]] = []
        kpis: list[dict[str, Any]] = []
        # (passage, the KPI it is the line of, the due date of that KPI's parsed target)
        texts: list[tuple[str, str | None, date | None]] = [(item, None, None) for item in description]
        counters: Counter[str] = Counter()
        for kind, items in block.kpis:
            for parts in items:
                item_text = _join(parts)
                kpi_items += 1
                counters[kind] += 1
                kpi_id = f"{block.measure_id}/{kind}/{counters[kind]}"
                entry: dict[str, Any] = {"kind": kind, "text": item_text}
                target_due: date | None = None
                if item_text.startswith(_UNSET):
                    entry["unset"] = True
                    unset += 1
                else:
                    target = parse_target(item_text, reference=issued)
                    target_due = None if target is None or target.by is None else target.by.due
                    if target is not None:
                        entry["target"] = target.model_dump(
                            by_alias=True, exclude_defaults=True, mode="json", context={"reference": issued}
                        )
                        targets += 1
                kpis.append(entry)
                texts.append((item_text, kpi_id, target_due))
        # One milestone per deadline phrase and due date in a measure: the first clause that
        # states it names it, and the KPI line that states it too is linked to it. A KPI line
        # whose target carries the deadline is the due item itself: no milestone repeats it.
        seen: dict[tuple[str, date | str | None], dict[str, Any]] = {}
        by_due: dict[date | str | None, dict[str, Any]] = {}
        for passage, line_kpi, line_target_due in texts:
            found = find_deadlines(passage, reference=issued, citations=True)
            citations += sum(1 for d in found if d.kind == DeadlineKind.CITATION)
            unresolved.extend((block.measure_id, phrase) for phrase in _unresolved(passage, found))
            dated = [d for d in found if d.kind in _MILESTONE_KINDS]
            for index, deadline in enumerate(dated):
                previous = dated[index - 1] if index else None
                following = dated[index + 1] if index + 1 < len(dated) else None
                due = deadline.due if deadline.recurrence is None else deadline.rule
                key = (_phrase_key(deadline.text), due)
                # A KPI line restates a deadline of the description (（令和６年度末）after
                # 令和６年度末までに…): the same due date makes it the same item.
                same = seen.get(key) or (by_due.get(due) if line_kpi is not None else None)
                if same is not None:
                    if line_kpi is not None:
                        same.setdefault("kpi", line_kpi)
                    continue
                if line_target_due is not None and deadline.due == line_target_due:
                    continue
                kinds[deadline.kind.value] += 1
                milestone: dict[str, Any] = {
                    "text": _clause(passage, deadline, previous, following),
                    "due": deadline_to_data(deadline, issued),
                }
                if line_kpi is not None:
                    milestone["kpi"] = line_kpi
                seen[key] = milestone
                by_due.setdefault(due, milestone)
                milestones.append(milestone)
        measures.append(
            {
                "id": block.measure_id,
                "section": block.section,
                "title": _join([block.title]),
                "description": description,
                "milestones": milestones,
                "kpis": kpis,
            }
        )
    data = {
        "plan": {"title": title, "issued": issued.isoformat(), **({"source": source} if source else {})},
        "sections": [{"id": roman, "title": heading} for roman, heading in sections.items()],
        "measures": measures,
    }
    try:
        plan = Plan.model_validate(data, context={"reference": issued})
    except ValueError as error:
        raise ExtractError(f"the extracted plan does not validate: {error}") from error
    report = ExtractReport(
        measures_per_section=dict(Counter(block.section for block in blocks)),
        kpi_items=kpi_items,
        kpi_unset=unset,
        targets_parsed=targets,
        milestones_by_kind=dict(sorted(kinds.items())),
        citations=citations,
        unresolved=tuple(unresolved),
    )
    return plan, report
