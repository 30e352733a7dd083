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

from dgplan._clauses import clause_around
from dgplan._escape import display_width
from dgplan._text import _drop_ruby_lines, normalize, normalize_mapped
from dgplan.deadline import Deadline, DeadlineKind, scan_passage
from dgplan.era import ERA_TOKEN, ERA_YEAR_TOKEN
from dgplan.errors import ExtractError
from dgplan.fields import deadline_to_data
from dgplan.plan import Plan
from dgplan.targets import parse_target

__all__ = ["MAX_PLAN_CHARACTERS", "ExtractError", "ExtractReport", "extract_plan"]

#: The longest text :func:`extract_plan` reads: about 2,000 pages, as a scanned document
#: (:data:`dgplan.scan.MAX_SCAN_CHARACTERS`); reading each measure's deadlines in a text of tens
#: of megabytes would take minutes and gigabytes.
MAX_PLAN_CHARACTERS = 4_000_000


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
    alone on a line and page-bottom footnote bodies removed.

    Two layouts of the PDF's text: a PDF-to-text tool's, with a blank line between lines and a
    page's first line indented by a space; and :func:`dgplan.documents.read_document`'s, with
    neither, its pages joined by a form feed on a line of its own. There a footnote body is a line
    ``61 …`` numbered as the next footnote (or, for the first, standing at the page's foot or whose
    number the page's text carries glued to a word, ``3GPP61や``), and the footnotes run to the end
    of the page."""
    raw = _drop_ruby_lines(text).split("\n")
    paged = _PAGE_BREAK in raw
    kept: list[tuple[int, str]] = []
    in_footnote = False
    previous_blank = True
    page_start = 0
    last_note: int | None = None
    for number, line in enumerate(raw, start=1):
        if paged and line == _PAGE_BREAK:
            in_footnote, previous_blank, page_start = False, False, number
            continue
        stripped = line.strip()
        if not stripped:
            previous_blank = True
            continue
        starts_page = line[:1] == " " and not line[:2].isspace()
        if in_footnote and starts_page:
            in_footnote = False
        body = _FOOTNOTE_BODY.match(line)
        if in_footnote:
            if body is not None:  # the next footnote of the page: its number counts
                last_note = int(line[: line.index(" ")])
            continue
        if _FOOTNOTE_MARK.fullmatch(_nfkc(stripped)):
            continue  # a footnote marker that fell onto a line of its own
        if body is not None and not line[:1].isspace():
            note = int(line[: line.index(" ")])
            following = raw[number : number + _FOOT_LINES]
            at_foot = _PAGE_BREAK in following or len(following) < _FOOT_LINES
            if previous_blank or (paged and _next_footnote(note, last_note, raw[page_start : number - 1], at_foot)):
                in_footnote, last_note = True, note
                continue
        previous_blank = False
        kept.append((number, stripped))
    return kept


#: How read_document joins a document's pages (its PAGE_SEPARATOR, "\n\f\n"), as a line of its own.
_PAGE_BREAK = "\f"


#: How near a page's end a numbered line stands to be a footnote by its place alone (the page's
#: first footnote, its marker lost): it and at most two more lines, then the page break.
_FOOT_LINES = 3


def _next_footnote(note: int, last_note: int | None, page: list[str], at_foot: bool) -> bool:
    """Whether a line numbered ``note`` on a page is a footnote body: it is numbered as the next
    footnote; or, after a gap (a footnote whose body the layout lost) or as the first seen, it
    stands at the page's foot or the page's text above carries the number glued to a word
    (``3GPP61や``, ``オンライ67``)."""
    if last_note is not None and note == last_note + 1:
        return True
    if last_note is not None and not last_note < note <= last_note + 3:
        return False
    if at_foot:
        return True
    glued = re.compile(rf"(?<=[^\d\s,.]){note}(?![\d年月日])")
    return any(glued.search(line) for line in page)


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
    last_line: str = ""


# A line of the PDF's text column is 70 to 90 columns wide: a KPI line much shorter than that
# ended where its item ended, and the next line is an item of its own even without a ・ bullet
# (選抜評価の実施 / 継続評価の実施 / 終了評価の実施). So does the line after a header that announces a
# list (以下の取組を実施).
_SHORT_LINE = 60
_LIST_HEADER = re.compile(r"以下の[^、。]{0,12}$")
# What makes the next line the same item: a line ending on a joint (、 : 及び 又は), a next line that
# opens with a bracket, a dash item of an alternative, a note (※) or a conjunction.
_ITEM_GOES_ON = re.compile(r"(?:[、,:・]|し|又は|または|及び|並びに|若しくは)$")
_ITEM_CONTINUATION = ("(", "-", "※", "又は", "または", "及び")
# An item's date in a bracket closes the item: （令和３年度（2021年度）予定）.
_DATED_BRACKET_END = re.compile(r"\((?:令和|平成)[^()]*(?:\([^()]*\))?[^()]*\)$")
# A bracket line that applies to every item above it: （ともに令和３年度末までに実施）.
_FOR_ALL_ITEMS = re.compile(r"\((?:とも|いずれも|全て|すべて)")


def _brackets_balanced(text: str) -> bool:
    return text.count("(") == text.count(")") and text.count("「") == text.count("」")


def _starts_kpi_item(item: list[str], previous: str, line: str) -> bool:
    """Whether a KPI line without a bullet is an item of its own rather than the rest of ``item``."""
    so_far = _nfkc(_join(item)).lstrip("・ ")
    previous, line = _nfkc(previous), _nfkc(line)
    if len(so_far) < 5 or not _brackets_balanced(so_far):
        return False  # 罹 / 災証明…: a word broken over lines; （令和３年 / 度）: a bracket left open
    if _ITEM_GOES_ON.search(previous) or line.startswith(_ITEM_CONTINUATION):
        return False
    if _DATED_BRACKET_END.search(previous):
        return True  # …調査・検討（令和３年度予定）: a full line that closes its item with its date
    return display_width(previous) < _SHORT_LINE or _LIST_HEADER.search(previous) is not None


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
    kpi_links: int = 0

    def lines(self) -> list[str]:
        """The report as text lines, for stderr."""
        sections = ", ".join(f"{s}: {n}" for s, n in self.measures_per_section.items())
        kinds = ", ".join(f"{k}: {n}" for k, n in self.milestones_by_kind.items())
        lines = [
            f"measures: {sum(self.measures_per_section.values())} ({sections})",
            f"KPI items: {self.kpi_items} ({self.kpi_unset} 未設定), targets parsed: {self.targets_parsed}",
            f"milestones: {sum(self.milestones_by_kind.values())} ({kinds}), {self.kpi_links} of them a KPI's;"
            f" dates cited, not deadlines: {self.citations}",
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
            block.last_line = line
            kind = "progress" if kpi["kind"] == "進捗" else "effect"
            rest = re.split(r"[:：]", line, maxsplit=1)[1].strip() if re.search(r"[:：]", line) else ""
            items: list[list[str]] = []
            block.kpis.append((kind, items))
            if rest:
                items.append([rest.lstrip("・").strip()])
            continue
        previous, block.last_line = block.last_line, line
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
            items = block.kpis[-1][1]
            if not items:
                items.append([line])
            elif len(items) > 1 and _FOR_ALL_ITEMS.match(_nfkc(line)):
                for item in items:
                    item.append(line)
            elif _starts_kpi_item(items[-1], previous, line):
                items.append([line])
            else:
                items[-1].append(line)
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


def _clause(text: str, deadline: Deadline, previous: Deadline | None, following: Deadline | None) -> str:
    """The clause a deadline governs, up to the next deadline of its sentence (see :func:`clause_around`)."""
    return clause_around(
        text,
        deadline.span,
        None if previous is None else previous.span,
        None if following is None else following.span,
    )


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


# -- commitments and citations -------------------------------------------------------------------
#
# A dated clause commits the measure only when its predicate looks forward from the plan's date.
# The predicate is read in the words after the phrase: up to the next 、 (the words the phrase
# governs first: 令和元年度から本格運用を開始し / 令和５年10月のインボイス制度への移行も見据え) and up
# to the end of its clause (the next dated phrase or the end of the sentence: …実施している。).

# Background: the date is the occasion of the sentence, not what it promises (the verb closes
# the words the phrase governs: …に伴い、 …を見据え、; 踏まえた in …を踏まえた改訂を行い is no background).
_BACKGROUND = re.compile(r"(?:伴い|伴う|迎え|見据え|踏まえ|受け)(?:て|つつ)?$")
# An aim keeps a clause forward-looking whatever its tense: 目指しており, 目標としている, 予定している.
_AIM = re.compile(r"目指|目標|予定|見込")
# A KPI that counts over a period (令和３年度の…アクセス数) names the period it measures.
_METRIC = re.compile(r"^の.*(?:数|率|割合|量|額)$")
# A past tense that closes a clause (開始した。, 行ったが、, 派遣決定した): what was done.
_PAST = re.compile(r"(?:[しっいきれめけせえ]た|ていた|てきた)(?=[、。が]|ところ|$)")
# A state that holds already (実施している, 進めており, 至っていない): with a start (…から) or a
# recurrence (毎年…している), the date tells since when, or how often, something is done.
_ONGOING = re.compile(r"てい|ており|てお|てきて|ている")
# How a clause that reports the present or past ends.
_REPORTING_END = re.compile(r"(?:[しっいきれめけせえ]た|ている|ていた|てきた|ていない|ており|ところ|実施中|中である)$")
# A status note: (注)…実施中, ※…見込めない.
_NOTE_START = re.compile(r"^\s*(?:\(注\d*\)|※)")
# A Diet session is named for what it did (…を令和３年通常国会において改正) unless the clause looks
# forward (…への法案提出を目指す).
_FORWARD = re.compile(r"目指|提出|予定|図る|する")


@dataclass(frozen=True, slots=True)
class _Phrase:
    """A dated phrase of a passage, with the words around it that decide what it is."""

    deadline: Deadline
    sentence: str  # normalised, from the sentence's start to its end
    segment: str  # normalised, from the phrase to the next 、 or 。
    clause: str  # normalised, from the phrase to the next dated phrase or the sentence's end
    bracketed: bool  # the phrase alone in a bracket: （令和２年度まで）


def _phrases(passage: str, found: list[Deadline]) -> list[_Phrase]:
    """Each phrase of ``found`` (in order) with the words after it, normalised."""
    spans = [d.span for d in found if d.span is not None]
    phrases = []
    for deadline in found:
        if deadline.span is None:
            continue
        low, high = deadline.span
        sentence_start = passage.rfind("。", 0, low) + 1
        sentence_end = passage.find("。", high)
        sentence_end = len(passage) if sentence_end < 0 else sentence_end
        following = min((a for a, _ in spans if a >= high), default=len(passage))
        clause = normalize(passage[high : min(sentence_end, following)])
        segment = re.split(r"[、。]", clause, maxsplit=1)[0]
        before = normalize(passage[max(0, low - 1) : low])
        phrases.append(
            _Phrase(
                deadline,
                normalize(passage[sentence_start:sentence_end]),
                segment,
                clause,
                before == "(" and normalize(passage[high : high + 1]) == ")",
            )
        )
    return phrases


def _citation_reason(phrase: _Phrase, issued: date, *, in_kpi: bool) -> str | None:
    """Why a dated phrase is cited rather than committed to; None for a commitment."""
    deadline = phrase.deadline
    if deadline.kind == DeadlineKind.CITATION:
        return deadline.note or "cited"
    if _NOTE_START.match(phrase.sentence) or "実施中" in phrase.clause:
        return "status note"
    if _BACKGROUND.search(phrase.segment):
        return "background"
    if in_kpi and deadline.kind == DeadlineKind.WITHIN and _METRIC.match(phrase.segment):
        return "period of a metric"
    if deadline.kind == DeadlineKind.RECURRING and _ONGOING.search(phrase.segment):
        return "practice"
    # Only a date that has begun by the plan's date can be what was done or is being done.
    begun = deadline.window is not None and deadline.window.start <= issued
    if begun and deadline.kind != DeadlineKind.RECURRING and not _AIM.search(phrase.clause):
        if deadline.kind == DeadlineKind.FROM and _ONGOING.search(phrase.segment):
            return "past or continuing state"
        if _PAST.search(phrase.segment) or _REPORTING_END.search(phrase.clause.rstrip("、。 ")):
            return "past or continuing state"
    fiscal_start = date(issued.year if issued.month >= 4 else issued.year - 1, 4, 1)
    if deadline.kind == DeadlineKind.FROM and deadline.window is not None and deadline.window.start < fiscal_start:
        return "started before the plan"
    window = deadline.window
    session = "通常国会" in normalize(deadline.text) and window is not None and window.start.year <= issued.year
    if session and not _FORWARD.search(phrase.clause):
        return "past Diet session"
    # A deadline written as one (（令和２年度まで）in a schedule) stays one, overdue when issued.
    written = phrase.bracketed and deadline.kind == DeadlineKind.BY
    if deadline.due is not None and deadline.recurrence is None and deadline.due < issued and not written:
        return "before the plan's date"
    return None


# -- linking a KPI line to the clause it restates ---------------------------------------------------

_CONTENT = re.compile(r"[\u4e00-\u9fff\u30a1-\u30faーA-Za-z0-9]+")
# Words every clause uses: sharing them says nothing about sharing a commitment.
_COMMON_BIGRAMS = frozenset(
    {"実施", "推進", "検討", "取組", "整備", "構築", "促進", "事業", "年度", "令和", "以上", "以降"}
    | {"実現", "目指", "活用", "向上", "開始", "策定", "達成", "団体", "地方", "公共", "方公"}
)
# The share of content that a KPI line and a clause must have in common (of the shorter of the
# two) for the line to restate the clause: its object, its numbers (集合演習…100回, 規格案の確定,
# 登録者数３万人超), not a word or two of the measure's subject (選抜評価 / 継続評価).
_RESTATES = 0.5
_SHARED_AT_LEAST = 3


def _bigrams(text: str, phrases: list[str]) -> set[str]:
    for phrase in phrases:
        text = text.replace(phrase, " ")
    words = _CONTENT.findall(normalize(text))
    return {word[i : i + 2] for word in words for i in range(len(word) - 1)} - _COMMON_BIGRAMS


def _restates(line: set[str], clause: set[str], *, bracketed: bool) -> float:
    """How much a KPI line and a clause share, as a share of the shorter one's content (0 to 1).

    Fewer than three pairs in common is no restatement (調査事業…の検討 and 調査事業…手引の改訂 share
    only their subject), unless the shorter has no more (その他の改修 in …その他必要なシステム改修…);
    two do for a line that dates itself in a bracket of its own, the plan's way of restating a
    clause (…規格案の策定（令和３年度以降） after 令和３年度以降の規格案の確定を目標)."""
    if not line or not clause:
        return 0.0
    shared, shorter = len(line & clause), min(len(line), len(clause))
    least = _SHARED_AT_LEAST - 1 if bracketed else _SHARED_AT_LEAST
    return shared / shorter if shared >= min(least, shorter) else 0.0


def _when(deadline: Deadline) -> tuple[object, ...]:
    """What two phrases must share to state the same deadline: due date or rule, or the start of a from."""
    if deadline.recurrence is not None:
        return ("recurring", deadline.rule)
    if deadline.due is None:
        return (deadline.kind.value, None if deadline.window is None else deadline.window.start)
    return ("due", deadline.due)


def _citation_entry(
    passage: str, phrase: _Phrase, previous: Deadline | None, following: Deadline | None, reason: str
) -> dict[str, Any]:
    deadline = phrase.deadline
    entry: dict[str, Any] = {
        "text": _clause(passage, deadline, previous, following),
        "cited": deadline.text,
        "reason": reason,
    }
    window = deadline.window
    if window is not None and window.end == date.max:
        entry["starts"] = window.start.isoformat()
    elif window is not None:
        entry["period"] = str(window)
    return entry


def extract_plan(text: str, *, title: str, issued: date, source: str | None = None) -> tuple[Plan, ExtractReport]:
    """Read the 施策集 of a plan's text into a :class:`Plan`, with a report of what it found.

    ``issued`` is the plan's date: relative phrases are read against it, and dates before it
    are history, not deadlines. Raises :class:`ExtractError` naming the line where the layout
    was lost, or the measure whose block is malformed, and refuses a text of more than
    :data:`MAX_PLAN_CHARACTERS` characters.
    """
    if len(text) > MAX_PLAN_CHARACTERS:
        raise ExtractError(
            f"{len(text):,} characters of text, more than the {MAX_PLAN_CHARACTERS:,} of a plan dgplan extracts"
            " (the 2021 plan holds 150,000); extract its 施策集 alone"
        )
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
    kpi_items = unset = targets = citations = links = 0
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
        # One milestone per committing clause. A KPI line that restates a clause of the description
        # (its words, not only its date) links to that clause's milestone; a KPI line whose target
        # carries the deadline is the due item itself; any other dated KPI line is a milestone.
        stated: list[tuple[dict[str, Any], set[str], tuple[object, ...]]] = []
        cited: list[dict[str, Any]] = []
        for passage, line_kpi, line_target_due in texts:
            _, found = scan_passage(passage, issued, past_as_citations=False)
            unresolved.extend((block.measure_id, phrase) for phrase in _unresolved(passage, found))
            found = [d for d in found if d.kind in _MILESTONE_KINDS or d.kind == DeadlineKind.CITATION]
            line_words = _bigrams(passage, [d.text for d in found]) if line_kpi is not None else set()
            phrases = _phrases(passage, found)
            reasons = [_citation_reason(phrase, issued, in_kpi=line_kpi is not None) for phrase in phrases]
            # A commitment's clause starts after the date phrase before it, if any, and runs up to
            # the next commitment: the dates it cites on the way (令和３年度に、令和２年度の検討結果を
            # 踏まえ、…を行い) are part of it.
            committed = [p.deadline for p, reason in zip(phrases, reasons, strict=True) if reason is None]
            dated = [d for d in found if d.kind in _MILESTONE_KINDS]
            for phrase, reason in zip(phrases, reasons, strict=True):
                deadline = phrase.deadline
                if reason is not None:
                    before, after = found, found
                else:
                    before, after = dated, committed
                index = before.index(deadline)
                previous = before[index - 1] if index else None
                index = after.index(deadline)
                following = after[index + 1] if index + 1 < len(after) else None
                if reason is not None:
                    cited.append(_citation_entry(passage, phrase, previous, following, reason))
                    continue
                when = _when(deadline)
                clause = _clause(passage, deadline, previous, following)
                if line_kpi is not None:
                    scores = [
                        (_restates(line_words, words, bracketed=phrase.bracketed), position)
                        for position, (_, words, stated_when) in enumerate(stated)
                        if stated_when == when
                    ]
                    best_score, best = max(scores, default=(0.0, -1))
                    if best_score >= _RESTATES:
                        # The clause is an item already; a second KPI line restating it adds none.
                        stated[best][0].setdefault("kpi", line_kpi)
                        continue
                    if line_target_due is not None and deadline.due == line_target_due:
                        continue
                kinds[deadline.kind.value] += 1
                milestone: dict[str, Any] = {"text": clause, "due": deadline_to_data(deadline, issued)}
                if line_kpi is not None:
                    milestone["kpi"] = line_kpi
                    words = line_words
                else:
                    words = _bigrams(clause, [deadline.text])
                stated.append((milestone, words, when))
                milestones.append(milestone)
        citations += len(cited)
        links += sum(1 for milestone in milestones if "kpi" in milestone)
        measures.append(
            {
                "id": block.measure_id,
                "section": block.section,
                "title": _join([block.title]),
                "description": description,
                "milestones": milestones,
                "kpis": kpis,
                **({"citations": cited} if cited else {}),
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
        kpi_links=links,
    )
    return plan, report
