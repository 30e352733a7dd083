"""Deadline phrases: from Japanese plan text to typed :class:`Deadline` values.

>>> d = parse_deadline("令和3年度末までに")
>>> d.kind, str(d.window), d.due
(<DeadlineKind.BY: 'by'>, '2022-03-01..2022-03-31', datetime.date(2022, 3, 31))
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal

from dateutil.relativedelta import relativedelta

from dgplan._text import MappedText, normalize_mapped
from dgplan.errors import DeadlineError, DgplanError
from dgplan.fiscal import PERIOD_PATTERN, FiscalYear, Interval, Period, resolve_period

__all__ = [
    "Deadline",
    "DeadlineKind",
    "Recurrence",
    "find_deadlines",
    "parse_deadline",
]


class DeadlineKind(enum.StrEnum):
    """What a deadline phrase asks for.

    ``citation`` is not a deadline: a date the text cites (a law number, a past decision, a
    statistics source, a baseline). :func:`find_deadlines` returns those only when asked.
    """

    BY = "by"
    WITHIN = "within"
    ON = "on"
    FROM = "from"
    RANGE = "range"
    RECURRING = "recurring"
    UNDATED = "undated"
    CITATION = "citation"


#: The kinds with a single due date, which can fall due and be overdue.
DATED_KINDS = frozenset({DeadlineKind.BY, DeadlineKind.WITHIN, DeadlineKind.ON, DeadlineKind.RANGE})


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A deadline that comes back: every (fiscal) year or every month.

    ``month`` narrows each yearly occurrence to one month (毎年度末: March; 各年度…6月末まで: June);
    None means the whole year or month is the window. ``starts`` is the first day of the first
    occurrence, where the text gives one (令和3年度から毎年度).
    """

    frequency: Literal["yearly", "monthly"]
    fiscal: bool = False
    month: int | None = None
    starts: date | None = None

    @property
    def rule(self) -> str:
        """The rule in words: ``every fiscal year, at its end``."""
        if self.frequency == "monthly":
            return "every month, by its end"
        unit = "fiscal year" if self.fiscal else "year"
        if self.month is None:
            return f"every {unit}, by its end"
        if (self.fiscal and self.month == 3) or (not self.fiscal and self.month == 12):
            return f"every {unit}, at its end"
        return f"every {unit}, by the end of month {self.month}"

    def _window(self, cycle: int) -> Interval:
        if self.month is not None:
            year = cycle + 1 if self.fiscal and self.month < 4 else cycle
            return Interval.month(year, self.month)
        return FiscalYear(cycle).interval if self.fiscal else Interval.year(cycle)

    def windows_around(self, day: date) -> Iterator[Interval]:
        """The occurrence windows near ``day``, in order (from two cycles before to two after)."""
        if self.frequency == "monthly":
            first = date(day.year, day.month, 1) - relativedelta(months=2)
            for offset in range(5):
                start = first + relativedelta(months=offset)
                yield Interval.month(start.year, start.month)
            return
        for cycle in range(day.year - 2, day.year + 3):
            yield self._window(cycle)

    def _started(self, window: Interval) -> bool:
        return self.starts is None or window.end >= self.starts

    def next_window(self, day: date) -> Interval:
        """The first occurrence whose due date is on or after ``day`` (and after the first one starts)."""
        # Before the recurrence starts, look from its start: the next occurrence is its first.
        around = day if self.starts is None or self.starts <= day else self.starts
        for window in self.windows_around(around):
            if window.end >= day and self._started(window):
                return window
        raise DeadlineError(f"no occurrence of {self.rule!r} falls on or after {day.isoformat()}")

    def last_window_before(self, day: date) -> Interval | None:
        """The last occurrence whose due date is before ``day`` (None if it had not started)."""
        found = None
        for window in self.windows_around(day):
            if window.end < day and self._started(window):
                found = window
        return found

    def due_dates(self, interval: Interval) -> list[date]:
        """Every due date that falls inside ``interval``."""
        dues: list[date] = []
        day = interval.start
        while day <= interval.end:
            window = self.next_window(day)
            if window.end > interval.end:
                break
            dues.append(window.end)
            day = window.end + timedelta(days=1)
        return dues


@dataclass(frozen=True, slots=True)
class Deadline:
    """A deadline phrase, resolved.

    ``window`` is when the thing is to happen; ``due`` the last day it may happen (None for
    ``from``, ``undated``, ``recurring`` and ``citation``); ``text`` the phrase as found and
    ``span`` its offsets in the text given to :func:`find_deadlines` (or :func:`parse_deadline`).
    """

    kind: DeadlineKind
    window: Interval | None = None
    due: date | None = None
    approximate: bool = False
    text: str = ""
    span: tuple[int, int] | None = None
    recurrence: Recurrence | None = None
    note: str | None = None
    # Where the phrase lies in the normalised text of its passage (for the scanner's own use).
    _phrase_start: int = field(default=0, repr=False, compare=False)
    _phrase_end: int = field(default=0, repr=False, compare=False)

    # -- named constructors ------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str, *, reference: date | None = None) -> Deadline:
        """Same as :func:`parse_deadline`."""
        return parse_deadline(text, reference=reference)

    @classmethod
    def by(cls, day: date, *, approximate: bool = False, text: str = "") -> Deadline:
        """A ``by`` deadline due on ``day`` (its window is that day)."""
        return cls(DeadlineKind.BY, Interval.day(day), day, approximate, text or day.isoformat())

    @classmethod
    def within(cls, window: Interval, *, approximate: bool = False, text: str = "") -> Deadline:
        """A ``within`` deadline: the work happens in ``window`` and is due at its end."""
        return cls(DeadlineKind.WITHIN, window, window.end, approximate, text or str(window))

    # -- questions ---------------------------------------------------------------------------

    @property
    def rule(self) -> str | None:
        """The recurrence rule in words, for recurring deadlines."""
        return None if self.recurrence is None else self.recurrence.rule

    def is_overdue(self, as_of: date, *, done_on: date | None = None) -> bool:
        """Whether, on ``as_of``, the due date has passed without the work being done.

        ``done_on`` is the day it was done (a day after ``as_of`` does not count yet). A recurring
        deadline is overdue when its last occurrence before ``as_of`` was not done within or after
        that occurrence's window. ``from``, ``undated`` and citations are never overdue.
        """
        done = done_on is not None and done_on <= as_of
        if self.kind == DeadlineKind.RECURRING:
            assert self.recurrence is not None
            missed = self.recurrence.last_window_before(as_of)
            if missed is None:
                return False
            return not (done and done_on is not None and done_on >= missed.start)
        if self.kind not in DATED_KINDS or self.due is None:
            return False
        return self.due < as_of and not done

    def next_due(self, as_of: date) -> date | None:
        """The next due date on or after ``as_of`` (for recurring deadlines, the next occurrence)."""
        if self.recurrence is not None:
            return self.recurrence.next_window(as_of).end
        if self.due is not None and self.due >= as_of:
            return self.due
        return None

    def due_dates(self, interval: Interval) -> list[date]:
        """Every due date inside ``interval`` (several for a recurring deadline)."""
        if self.recurrence is not None:
            return self.recurrence.due_dates(interval)
        return [self.due] if self.due is not None and self.due in interval else []

    def is_due_within(self, interval: Interval) -> bool:
        """Whether a due date falls inside ``interval``."""
        return bool(self.due_dates(interval))

    def _repr_html_(self) -> str:
        from dgplan.display import html_table

        window = self.window
        row = (
            self.kind.value,
            window.start if window else None,
            window.end if window else None,
            self.due,
            self.rule or "",
            "yes" if self.approximate else "",
            self.text,
        )
        return html_table(("kind", "from", "to", "due", "rule", "approximate", "text"), [row])

    def __str__(self) -> str:
        parts = [self.kind.value]
        if self.window is not None:
            parts.append(str(self.window))
        if self.due is not None:
            parts.append(f"due {self.due.isoformat()}")
        if self.rule:
            parts.append(self.rule)
        if self.approximate:
            parts.append("approximate")
        return " ".join(parts)


# ---------------------------------------------------------------------------------------------
# The grammar. Vocabulary is data; each table is tried in order at the point after a period.

_LAW = re.compile(r"\)?(?:法律|政令|内閣府令|府令|省令|告示|条例|規則|訓令|通達)第\d*号?")
_DECISION = re.compile(
    r"[^、。()「」]{0,40}?(?:閣議決定|閣議了解|決定|了解|策定|改定|改訂|取りまとめ|とりまとめ|公表|成立|公布|施行|発出|答申|提言)"
    r"(?:された|し、|した)?(?=[)」。、の]|$)"
)
_STATISTIC = re.compile(r"の(?:調査|実績|結果|予算|決算|報告|統計|データ|数値|値|補正|税制|白書|年報)")
_NOUN_START = re.compile(r"[\u4e00-\u9fff\u30a1-\u30fa]")
_OFFSET = re.compile(r"\)?(?:後|から(?:起算して)?)(?P<count>\d{1,2})(?P<unit>年|か月|ヶ月|カ月|ケ月|箇月)以内")
_SOON_AFTER = re.compile(r"\)?後、?(?:速やかに|直ちに|早急に)")
_ASAP_BY = re.compile(r"までの?(?:可能な限り|できる(?:だけ|限り))?早期に")
_RANGE_JOIN = re.compile(r"\)?(?:から|より|~|〜|～|－|ー|-)")
_LIST_JOIN = re.compile(r"\)?(?:及び|および|並びに|・|と)")
_RANGE_END = re.compile(r"\)?(?:まで(?:に|の間)?|にかけて|において|の間|に)")
_LIST_END = re.compile(r"\)?(?:にかけて|において|の間|に|で)")
_APPROX_ATTACHED = re.compile(r"頃|ごろ|程度|見込み|予定|を?目途|めど|目処|を目指(?:す|して|し)?")
# Markers of intent later in the sentence make the nearest preceding deadline approximate.
_APPROX_IN_SENTENCE = re.compile(r"を目指|目指す|目指して|予定")
_SENTENCE_END = re.compile(r"。|\n|$")
# A verb in the past tense closing the clause (創設した。, 策定された「…」): the date records history.
_PAST_TENSE = re.compile(r"[^、。「」()]{0,24}?(?:された|した|してきた|してきている|開始した)(?=[。、「」()]|$)")

# (pattern, kind, note) tried in order right after a period and its approximate markers.
_SUFFIXES: tuple[tuple[re.Pattern[str], DeadlineKind, str | None], ...] = (
    (re.compile(r"\)?時点(?:で|において|の|では)?"), DeadlineKind.ON, "point"),
    (re.compile(r"\)?以前から"), DeadlineKind.UNDATED, None),
    (re.compile(r"\)?以前"), DeadlineKind.BY, None),
    (re.compile(r"\)?(?:以降|以後|を始期として|を始期に)"), DeadlineKind.FROM, None),
    (re.compile(r"\)?(?:から|より)開始"), DeadlineKind.FROM, "start"),
    (re.compile(r"\)?(?:から|より)"), DeadlineKind.FROM, None),
    (re.compile(r"\)?まで"), DeadlineKind.BY, None),
    (re.compile(r"\)?(?:中|内|期間中)"), DeadlineKind.WITHIN, None),
    (re.compile(r"\)?(?:を通じ|を通して|において|にわたり|の間)"), DeadlineKind.WITHIN, None),
    (re.compile(r"\)?(?:を目途|目途|めど|目処|を目指(?:す|して|し)?)"), DeadlineKind.BY, "approximate"),
    (re.compile(r"\)?について"), DeadlineKind.CITATION, "topic of the sentence"),
    (re.compile(r"\)?比"), DeadlineKind.CITATION, "baseline"),
    (re.compile(r"\)?に"), DeadlineKind.ON, "particle"),
    (re.compile(r"\)?[はも]"), DeadlineKind.WITHIN, None),
)

_RECURRING = re.compile(r"(?P<word>毎年度|各年度|年度ごと|毎年|毎月)(?P<end>末)?(?P<within>中)?")
_RECURRING_MONTH = re.compile(r"[^。]{0,30}?(?<!\d)(?P<month>\d{1,2})月(?P<end>末)?(?:までに|まで|中|に)")
_UNDATED = re.compile(r"可能な限り早期に|できる(?:だけ|限り)早期に|早期に|速やかに|早急に|順次|引き続き|継続的に|随時")
_EARLIEST = re.compile(r"遅くとも$")


_REFERS_TO_LATEST = frozenset({"同年", "同年度", "翌年", "翌年度"})


@dataclass(slots=True)
class _Scan:
    """State of one pass over a passage."""

    mapped: MappedText
    source: str
    reference: date | None
    latest: Period | None = None  # the nearest preceding period: 同年 and 同年度 refer to it
    anchor: Period | None = None  # the nearest written with its own year: months without one take it
    month_anchor: Period | None = None  # the nearest of a month or a day: 同月 refers to it
    found: list[Deadline] = field(default_factory=list)

    def remember(self, period: Period, match: re.Match[str]) -> None:
        """Keep ``period`` as the anchor for later 同年, 同年度, 同月 and months without a year."""
        self.latest = period
        if period.unit in ("month", "day", "dekad", "end") and period.interval.start.month == period.interval.end.month:
            self.month_anchor = period
        has_own_year = match["relative"] not in ("同年", "同年度", "同月", "翌年", "翌年度") and (
            match["relative"] is not None or match["month"] is None or match.start("month") > match.start()
        )
        if has_own_year:
            self.anchor = period


def _skip_bracket_year(text: str, position: int) -> int:
    """Skip a closing bracket after a period, as in （令和3年度（2021年度））."""
    return position + 1 if text.startswith(")", position) else position


def _period_at(scan: _Scan, position: int, *, strict: bool) -> tuple[Period, int, re.Match[str]] | None:
    text = scan.mapped.text
    match = PERIOD_PATTERN.match(text, position)
    if match is None or match.end() == position:
        return None
    phrase = scan.source[slice(*scan.mapped.source_span(match.start(), match.end()))]
    if match["relative"] == "同月":
        anchor = scan.month_anchor
    elif match["relative"] in _REFERS_TO_LATEST:
        anchor = scan.latest
    else:
        anchor = scan.anchor
    try:
        period = resolve_period(match, text=phrase, reference=scan.reference, anchor=anchor, strict=True)
    except DgplanError:
        if strict:
            raise
        return None
    return period, match.end(), match


def _deadline_for(
    scan: _Scan, kind: DeadlineKind, window: Interval | None, due: date | None, start: int, end: int, **extra: object
) -> Deadline:
    source_start, source_end = scan.mapped.source_span(start, end)
    return Deadline(
        kind=kind,
        window=window,
        due=due,
        text=scan.source[source_start:source_end],
        span=(source_start, source_end),
        _phrase_start=start,
        _phrase_end=end,
        **extra,  # type: ignore[arg-type]
    )


def _open_from(start: date) -> Interval:
    """The window of a ``from`` deadline: it starts then and stays open (to ``date.max``)."""
    return Interval(start, date.max)


_MODIFIER_GROUPS = ("quarter", "half", "season", "end", "beginning", "early", "diet", "dekad")


def _is_bare_name(match: re.Match[str]) -> bool:
    """A period written plainly, with no Western year in brackets and no modifier (令和２年度)."""
    return match["west_a"] is None and match["west_b"] is None and all(match[g] is None for g in _MODIFIER_GROUPS)


def _classify_after_period(scan: _Scan, period: Period, match: re.Match[str], position: int, strict: bool) -> Deadline:
    """Read what follows a period and build the deadline (or citation) it forms."""
    text = scan.mapped.text
    start = match.start()
    window = period.interval
    approximate = period.approximate
    earliest = _EARLIEST.search(text, 0, start)
    if earliest is not None:
        start = earliest.start()  # 遅くとも belongs to the phrase it qualifies

    if (law := _LAW.match(text, position)) is not None:
        return _deadline_for(scan, DeadlineKind.CITATION, window, None, start, law.end(), note="law number")

    # Offsets: X 後N年以内, X からN年以内, X（…）から起算してN年以内.
    if (offset := _OFFSET.match(text, position)) is not None:
        count = int(offset["count"])
        delta = relativedelta(years=count) if offset["unit"] == "年" else relativedelta(months=count)
        due = window.end + delta
        return _deadline_for(scan, DeadlineKind.BY, Interval(window.start, due), due, start, offset.end())
    if (soon := _SOON_AFTER.match(text, position)) is not None:
        after = window.end + timedelta(days=1)
        return _deadline_for(scan, DeadlineKind.FROM, _open_from(after), None, start, soon.end(), approximate=True)
    if (asap := _ASAP_BY.match(text, position)) is not None:
        return _deadline_for(scan, DeadlineKind.BY, window, window.end, start, asap.end(), approximate=True)

    # Ranges: A から B まで, A から B にかけて, A〜B, A 及び B に.
    for join, closing in ((_RANGE_JOIN, _RANGE_END), (_LIST_JOIN, _LIST_END)):
        joined = join.match(text, position)
        if joined is None:
            continue
        # The second end may lean on the first: 令和3年4月〜6月, 令和3年度から同年度末まで.
        saved = (scan.latest, scan.anchor, scan.month_anchor)
        scan.remember(period, match)
        second = _period_at(scan, joined.end(), strict=False)
        if second is None:
            scan.latest, scan.anchor, scan.month_anchor = saved
            continue
        later, end, later_match = second
        if later.interval.end < window.start:
            scan.latest, scan.anchor, scan.month_anchor = saved
            continue
        end = _skip_bracket_year(text, end)
        closed = closing.match(text, end)
        end = closed.end() if closed is not None else end
        approximate = approximate or later.approximate
        attached = _APPROX_ATTACHED.match(text, end)
        if attached is not None:
            approximate, end = True, attached.end()
        scan.remember(later, later_match)
        span = Interval(window.start, later.interval.end)
        return _deadline_for(scan, DeadlineKind.RANGE, span, span.end, start, end, approximate=approximate)

    attached = _APPROX_ATTACHED.match(text, position)
    if attached is not None and attached.group() in ("頃", "ごろ", "程度", "見込み", "予定"):
        approximate, position = True, attached.end()

    for pattern, kind, note in _SUFFIXES:
        matched = pattern.match(text, position)
        if matched is None:
            continue
        end = matched.end()
        if kind == DeadlineKind.CITATION:
            return _deadline_for(scan, kind, window, None, start, end, note=note)
        if kind == DeadlineKind.UNDATED:
            return _deadline_for(scan, kind, None, None, start, end, approximate=approximate, note="a past state")
        if note == "approximate":
            approximate = True
        if kind == DeadlineKind.FROM:
            if note == "start" and earliest is not None:
                kind = DeadlineKind.BY  # 遅くとも X から開始: it must have started by the end of X
            else:
                trailing = _APPROX_ATTACHED.match(text, end)
                if trailing is not None and trailing.group() in ("頃", "ごろ", "予定", "見込み"):
                    approximate, end = True, trailing.end()
                return _deadline_for(scan, kind, _open_from(window.start), None, start, end, approximate=approximate)
        if kind == DeadlineKind.ON and note == "particle" and period.unit not in ("day", "month", "dekad"):
            kind = DeadlineKind.WITHIN
        if kind == DeadlineKind.ON and note == "point":
            window = Interval.day(window.end)
        if period.unit == "end" and kind in (DeadlineKind.WITHIN, DeadlineKind.ON) and note != "point":
            kind = DeadlineKind.BY  # every 末 phrase is "by", whatever particle follows
        # Particles that complete the phrase: までに, 中に, 内を目途に, までを目途に.
        for tail in ("に", "は", "には", "の間"):
            if text.startswith(tail, end) and kind != DeadlineKind.ON:
                end += len(tail)
                break
        trailing = _APPROX_ATTACHED.match(text, end)
        if trailing is not None:
            approximate, end = True, trailing.end()
            for tail in ("に", "として", "とする"):
                if text.startswith(tail, end):
                    end += len(tail)
                    break
        return _deadline_for(scan, kind, window, window.end, start, end, approximate=approximate)

    # No marker: a bare period. It names a thing (令和3年度予算, 令和2年度衛生行政報告例), cites a
    # past decision (令和2年12月25日閣議決定), or is the window itself (（令和6年度中）, KPI brackets).
    end = _skip_bracket_year(text, position)
    if (decision := _DECISION.match(text, position)) is not None:
        return _deadline_for(scan, DeadlineKind.CITATION, window, None, start, decision.end(), note="past decision")
    glued = _is_bare_name(match) and _NOUN_START.match(text, position) is not None
    if glued or _STATISTIC.match(text, position) is not None:
        # 令和２年度衛生行政報告例, 令和3年度予算: a plain period glued to a noun is part of a name.
        # (Schedules in prose write the Western year in brackets: 令和３年度（2021年度）調査事業を実施.)
        return _deadline_for(scan, DeadlineKind.CITATION, window, None, start, position, note="names a thing")
    if period.unit == "day":
        return _deadline_for(scan, DeadlineKind.ON, window, window.end, start, position, approximate=approximate)
    if period.unit == "end":
        return _deadline_for(scan, DeadlineKind.BY, window, window.end, start, position, approximate=approximate)
    return _deadline_for(scan, DeadlineKind.WITHIN, window, window.end, start, position, approximate=approximate)


def _recurring_at(scan: _Scan, position: int) -> Deadline | None:
    text = scan.mapped.text
    match = _RECURRING.match(text, position)
    if match is None:
        return None
    word = match["word"]
    end = match.end()
    if word == "毎月":
        recurrence = Recurrence("monthly")
    else:
        fiscal = word != "毎年"
        month: int | None = None
        if match["end"]:
            month = 3 if fiscal else 12
        else:
            # 各年度の実績報告を6月末までに: the month belongs to the recurrence, not to a new date.
            later = _RECURRING_MONTH.match(text, end)
            if later is not None and 1 <= int(later["month"]) <= 12:
                month = int(later["month"])
                end = later.end()
        recurrence = Recurrence("yearly", fiscal=fiscal, month=month)
    starts = None
    if scan.found and scan.found[-1].kind == DeadlineKind.FROM and scan.found[-1].window is not None:
        previous = scan.found[-1]
        if previous._phrase_end in (position, position - 1):
            starts = previous.window.start  # type: ignore[union-attr]
            scan.found.pop()
            position = previous._phrase_start
    # Without a start in the text, a plan's recurring deadline starts with the plan itself.
    recurrence = replace(recurrence, starts=starts or scan.reference)
    return _deadline_for(scan, DeadlineKind.RECURRING, None, None, position, end, recurrence=recurrence)


def _mark_intent(scan: _Scan) -> None:
    """を目指す / 予定 later in a sentence makes the nearest preceding deadline in it approximate."""
    text = scan.mapped.text
    for index, deadline in enumerate(scan.found):
        if deadline.approximate or deadline.kind == DeadlineKind.CITATION:
            continue
        stop_match = _SENTENCE_END.search(text, deadline._phrase_end)
        stop = stop_match.start() if stop_match is not None else len(text)
        if index + 1 < len(scan.found):
            following = scan.found[index + 1]
            stop = min(stop, following._phrase_start)
        if _APPROX_IN_SENTENCE.search(text, deadline._phrase_end, stop):
            scan.found[index] = replace(deadline, approximate=True)


def _scan(text: str, reference: date | None, *, strict: bool, undated: bool) -> list[Deadline]:
    return scan_passage(text, reference, strict=strict, undated=undated)[1]


def scan_passage(
    text: str, reference: date | None, *, strict: bool = False, undated: bool = False
) -> tuple[MappedText, list[Deadline]]:
    """The normalised passage and every deadline and citation in it, for callers (KPI targets)
    that read more out of the same text; each deadline's ``_phrase_start`` and ``_phrase_end``
    index the normalised text."""
    mapped = normalize_mapped(text)
    scan = _Scan(mapped=mapped, source=text, reference=reference)
    normal = mapped.text
    position = 0
    while position < len(normal):
        recurring = _recurring_at(scan, position)
        if recurring is not None:
            scan.found.append(recurring)
            position = recurring._phrase_end
            continue
        found = _period_at(scan, position, strict=strict)
        if found is not None:
            period, end, match = found
            deadline = _classify_after_period(scan, period, match, end, strict)
            if deadline.note != "law number" and deadline.kind != DeadlineKind.RANGE:
                scan.remember(period, match)
            scan.found.append(deadline)
            position = max(deadline._phrase_end, end)
            continue
        if undated:
            marker = _UNDATED.match(normal, position)
            if marker is not None:
                deadline = _deadline_for(
                    scan,
                    DeadlineKind.UNDATED,
                    None,
                    None,
                    position,
                    marker.end(),
                    approximate=marker.group().endswith("早期に"),
                )
                scan.found.append(deadline)
                position = marker.end()
                continue
        position += 1
    _mark_intent(scan)
    _past_events_as_citations(scan)
    if reference is not None:
        scan.found = [_past_as_citation(deadline, reference) for deadline in scan.found]
    return mapped, scan.found


def _past_events_as_citations(scan: _Scan) -> None:
    """令和3年3月に創設した / 6月に策定された: a date followed by a verb in the past tense is history."""
    text = scan.mapped.text
    for index, deadline in enumerate(scan.found):
        if deadline.kind in DATED_KINDS and _PAST_TENSE.match(text, deadline._phrase_end):
            scan.found[index] = replace(deadline, kind=DeadlineKind.CITATION, due=None, note="past event")


def _past_as_citation(deadline: Deadline, reference: date) -> Deadline:
    """A dated deadline that fell due before the document was written records the past."""
    if deadline.kind in DATED_KINDS and deadline.due is not None and deadline.due < reference:
        return replace(deadline, kind=DeadlineKind.CITATION, due=None, note="before the document's date")
    return deadline


def find_deadlines(
    text: str, *, reference: date | None = None, undated: bool = False, citations: bool = False
) -> list[Deadline]:
    """Find every deadline in a passage of raw text, as extracted from a PDF.

    Line breaks, stray spaces, ruby lines and footnote numbers glued into the text are
    tolerated. ``同年``, ``同年度``, ``同月`` and months without a year take their year from the
    nearest preceding period in the passage; relative words (本年度, 来年度) need ``reference``,
    the document's date, and are skipped without it. Dates that are not deadlines (law numbers,
    past decisions, statistics sources, baselines, and, given ``reference``, deadlines that fell
    due before it) come back as ``citation`` only if ``citations=True``; undated markers
    (速やかに, 順次, 引き続き) only if ``undated=True``. Never raises on any text, and never
    returns a date it could not resolve exactly.

    >>> first, second = find_deadlines("令和3年度末までに改修し、遅くとも同年10月までに運用")
    >>> first.due, second.due, second.text
    (datetime.date(2022, 3, 31), datetime.date(2021, 10, 31), '遅くとも同年10月までに')
    """
    if not isinstance(text, str):
        raise DeadlineError(f"{text!r} is not text")
    found = _scan(text, reference, strict=False, undated=undated)
    if not citations:
        found = [deadline for deadline in found if deadline.kind != DeadlineKind.CITATION]
    return found


_TRAILING_PUNCTUATION = "、。,.)） "


def parse_deadline(text: str, *, reference: date | None = None) -> Deadline:
    """Resolve one deadline phrase (spec §3-4); raise :class:`DeadlineError` quoting it otherwise.

    The whole phrase must be one deadline (trailing punctuation aside): ``令和3年度末まで``,
    ``令和4年夏を目途に``, ``令和7年度以降``, ``毎年度末``, ``速やかに``. Citations (a law number,
    a past decision) and phrases with text beyond the deadline are errors.

    >>> deadline = parse_deadline("令和4年（2022年）夏を目途に")
    >>> deadline.kind.value, str(deadline.window), deadline.due, deadline.approximate
    ('by', '2022-06-01..2022-08-31', datetime.date(2022, 8, 31), True)
    """
    if not isinstance(text, str):
        raise DeadlineError(f"{text!r} is not a deadline phrase; expected text such as 令和3年度末まで")
    try:
        found = _scan(text, reference, strict=True, undated=True)
    except DeadlineError:
        raise
    except DgplanError as error:
        message = error.message if error.text == text else f"{text!r}: {error.message}"
        raise DeadlineError(message, text=text, pos=error.pos) from error
    expected = "expected a deadline phrase such as 令和3年度末まで, 令和4年夏を目途に or 令和7年度以降"
    if not found:
        raise DeadlineError(f"{text!r} is not a deadline phrase; {expected}", text=text)
    if len(found) > 1 and found[1].kind != DeadlineKind.UNDATED:
        raise DeadlineError(f"{text!r} holds {len(found)} deadlines; parse one phrase at a time", text=text)
    deadline = found[0]
    assert deadline.span is not None
    rest = text[deadline.span[1] :].strip(_TRAILING_PUNCTUATION + "\n\t\u3000")
    lead = text[: deadline.span[0]].strip(" \n\t\u3000(（")
    if deadline.kind == DeadlineKind.CITATION:
        raise DeadlineError(f"{text!r} cites a date ({deadline.note}); it is not a deadline", text=text)
    if rest or lead not in ("", "遅くとも"):
        extra = rest or lead
        raise DeadlineError(f"{text!r}: unexpected {extra!r} around the deadline; {expected}", text=text)
    return deadline
