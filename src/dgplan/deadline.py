"""Deadline phrases: from Japanese plan text to typed :class:`Deadline` values.

>>> d = parse_deadline("令和3年度末までに")
>>> d.kind, str(d.window), d.due
(<DeadlineKind.BY: 'by'>, '2022-03-01..2022-03-31', datetime.date(2022, 3, 31))
"""

from __future__ import annotations

import enum
import functools
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal

from dateutil.relativedelta import relativedelta

from dgplan._text import LazyPattern, MappedText, normalize_mapped
from dgplan.closed_days import ClosedDayError, nth_open_day_after
from dgplan.era import ERA_FIRST_CHARS, ERA_TOKEN, ERA_YEAR_TOKEN, era_by_name
from dgplan.errors import DeadlineError, DgplanError
from dgplan.fiscal import (
    ERA_START_GUARD,
    PERIOD_FIRST_CHARS,
    PERIOD_PATTERN,
    FiscalYear,
    Interval,
    Period,
    resolve_period,
)

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

    >>> from dgplan import DeadlineKind, parse_deadline
    >>> parse_deadline("令和3年度末までに").kind, parse_deadline("令和4年度から").kind == DeadlineKind.FROM
    (<DeadlineKind.BY: 'by'>, True)
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
    or to ``months`` months from it (毎年度上期: April and five more); None means the whole year or
    month is the window. ``day`` narrows it to one day (毎年度4月1日; -1 is the month's last day),
    or for a monthly one, ends each month's window on that day (毎月10日まで). ``starts`` is the
    first day of the first occurrence, where the text gives one (令和3年度から毎年度).

    >>> from datetime import date
    >>> from dgplan import parse_deadline
    >>> deadline = parse_deadline("毎年度末")
    >>> deadline.recurrence.frequency, deadline.recurrence.fiscal, deadline.recurrence.month
    ('yearly', True, 3)
    >>> deadline.next_due(date(2022, 4, 1))
    datetime.date(2023, 3, 31)
    """

    frequency: Literal["yearly", "monthly"]
    fiscal: bool = False
    month: int | None = None
    starts: date | None = None
    day: int | None = None
    months: int = 1

    @property
    def rule(self) -> str:
        """The rule in words: ``every fiscal year, at its end``."""
        if self.frequency == "monthly":
            return "every month, by its end" if self.day is None else f"every month, by day {self.day}"
        unit = "fiscal year" if self.fiscal else "year"
        if self.month is None:
            return f"every {unit}, by its end"
        if self.day is not None:
            return f"every {unit}, on day {'last' if self.day == -1 else self.day} of month {self.month}"
        if self.months > 1:
            last = (self.month + self.months - 2) % 12 + 1
            return f"every {unit}, in months {self.month} to {last}"
        if (self.fiscal and self.month == 3) or (not self.fiscal and self.month == 12):
            return f"every {unit}, at its end"
        return f"every {unit}, by the end of month {self.month}"

    def _window(self, cycle: int) -> Interval:
        if self.month is not None:
            year = cycle + 1 if self.fiscal and self.month < 4 else cycle
            month = Interval.month(year, self.month)
            if self.day is not None:
                last = month.end.day
                return Interval.day(month.end if self.day == -1 else month.start.replace(day=min(self.day, last)))
            end = month.start + relativedelta(months=self.months) - timedelta(days=1)
            return Interval(month.start, end)
        return FiscalYear(cycle).interval if self.fiscal else Interval.year(cycle)

    def windows_around(self, day: date) -> Iterator[Interval]:
        """The occurrence windows near ``day``, in order (from two cycles before to two after)."""
        if self.frequency == "monthly":
            index = day.year * 12 + day.month - 1
            for year, month_index in (divmod(i, 12) for i in range(index - 2, index + 3)):
                if not 1 <= year <= 9999:
                    continue  # no months before year 1 or after 9999
                month = Interval.month(year, month_index + 1)
                if self.day is not None and self.day != -1:
                    month = Interval(month.start, month.start.replace(day=min(self.day, month.end.day)))
                yield month
            return
        # FiscalYear holds years 1 to 9998: the occurrences near the calendar's ends stop there.
        for cycle in range(max(day.year - 2, 1), min(day.year + 3, 9999 if self.fiscal else 10000)):
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
        raise DeadlineError(f"no occurrence of {self.rule!r} falls on or after {day.isoformat()!r}")

    def last_window_before(self, day: date) -> Interval | None:
        """The last occurrence whose due date is before ``day`` (None if it had not started)."""
        found = None
        for window in self.windows_around(day):
            if window.end < day and self._started(window):
                found = window
        return found

    def windows_in(self, interval: Interval) -> list[Interval]:
        """Every occurrence whose due date (its window's end) falls inside ``interval``."""
        windows: list[Interval] = []
        day = interval.start
        while day <= interval.end:
            try:
                window = self.next_window(day)
            except DeadlineError:
                break  # the calendar ends (9999) before another occurrence does
            if window.end > interval.end:
                break
            windows.append(window)
            if window.end == date.max:
                break
            day = window.end + timedelta(days=1)
        return windows

    def due_dates(self, interval: Interval) -> list[date]:
        """Every due date that falls inside ``interval``."""
        return [window.end for window in self.windows_in(interval)]


@dataclass(frozen=True, slots=True)
class Deadline:
    """A deadline phrase, resolved.

    ``window`` is when the thing is to happen; ``due`` the last day it may happen (None for
    ``from``, ``undated``, ``recurring`` and ``citation``); ``text`` the phrase as found and
    ``span`` its offsets in the text given to :func:`find_deadlines` (or :func:`parse_deadline`).

    >>> from dgplan import parse_deadline
    >>> deadline = parse_deadline("令和4年夏頃までに")
    >>> deadline.kind.value, deadline.due, deadline.approximate
    ('by', datetime.date(2022, 8, 31), True)
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
        if self.recurrence is not None:
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
            if self.due is None:
                parts.append("(next due depends on the as-of date)")
        if self.approximate:
            parts.append("approximate")
        return " ".join(parts)


# ---------------------------------------------------------------------------------------------
# The grammar. Vocabulary is data; each table is tried in order at the point after a period.

#: Every dash and tilde plans use between two periods (after NFKC: ～ is ~, － is -).
RANGE_JOINER_CHARS = "~〜∼⁓\\-‐‑–—―ー−"
_JOINER_CLASS = f"[{RANGE_JOINER_CHARS}]"
#: Words that make a deadline approximate when they follow its period (令和4年夏頃, 令和4年度を目途に).
APPROXIMATE_WORDS = ("頃", "ごろ", "程度", "見込み", "予定", "目途", "目処", "めど", "メド")
#: Words later in a clause that make its deadline approximate (…の運用開始を目指す, 実施予定,
#: 完了が見込まれる).
INTENT_WORDS = ("を目指", "目指す", "目指して", "予定", "見込み", "見込まれ", "見込む", "目途", "目処")
#: Nouns of action that a period may be glued to, making the period its window (令和8年度サービス開始).
ACTION_NOUNS = (
    "開始",
    "導入",
    "実施",
    "稼働",
    "完了",
    "実装",
    "移行",
    "着手",
    "公開",
    "提供",
    "運用",
    "展開",
    "試行",
    "リリース",
    "本格化",
    "開設",
    "設置",
    "供用",
    # The cells of a reform plan's 実施時期 column (spec §4d): 令和9年度措置, 令和9年度検討・結論.
    "措置",
    "結論",
    "検討",
)


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_APPROX_ALTERNATION = _alternation(APPROXIMATE_WORDS)
_LAW = LazyPattern(r"\)?(?:法律|政令|内閣府令|府令|省令|告示|条例|規則|訓令|通達)第\d*号?")
_DECISION = LazyPattern(
    r"[^、。()「」]{0,40}?(?:閣議決定|閣議了解|決定|了解|策定|改定|改訂|取りまとめ|とりまとめ|公表|成立|公布|施行|発出|答申|提言)"
    r"(?:された|し、|した)?(?=[)」。、の]|$)"
)
_STATISTIC = LazyPattern(r"の(?:調査|実績|結果|予算|決算|報告|統計|データ|数値|値|補正|税制|白書|年報)")
_NOUN_START = LazyPattern(r"[\u4e00-\u9fff\u30a1-\u30fa]")
_ACTION_GLUED = LazyPattern(
    rf"[\u4e00-\u9fff\u30a1-\u30faー・]{{0,10}}?(?:{_alternation(ACTION_NOUNS)})"
    r"(?=予定|見込|目途|目処|目標|[^\u4e00-\u9fff\u30a1-\u30faの]|$)"
)
# The ways a count of months is written: 3か月, 3ヶ月, 3カ月, 3ケ月, 3箇月.
_MONTHS = "か月|ヶ月|カ月|ケ月|箇月"
_OFFSET = LazyPattern(
    rf"\)?(?:後|から(?:起算して)?)(?P<count>\d{{1,3}})(?P<unit>年|{_MONTHS}|日|週間)(?:以内|を超えない)"
)
# N年間, Nか月間, N日間, N週間, N か年: a stretch of time, in _DURATION and _DURATION_BEFORE.
_STRETCH = rf"(?P<count>\d{{1,3}})(?:(?P<unit>年|{_MONTHS}|日|週)間|(?P<years>か年|カ年|ヶ年)間?)"
# X から N日間 / N か月間: a stretch of time that starts with X.
_DURATION = LazyPattern(rf"\)?から(?:起算して)?の?{_STRETCH}")
# X までの N年間: a stretch of time that ends with X.
_DURATION_BEFORE = LazyPattern(rf"\)?までの{_STRETCH}")


def _length(count: str, unit: str) -> relativedelta:
    """N年, Nか月, N日, N週間 as a span of time."""
    number = int(count)
    if unit == "年":
        return relativedelta(years=number)
    if unit == "日":
        return relativedelta(days=number)
    if unit.startswith("週"):
        return relativedelta(weeks=number)
    return relativedelta(months=number)


# Open days (開庁日, 営業日, days not counting weekends and holidays): the Nth open day counted from
# the day after X (spec §4c), from the calendar of closed days; never read as a plain "from".
_OPEN_DAYS = LazyPattern(
    r"\)?(?:から|後|の翌日から)(?:起算して)?(?:、)?(?:(?P<excluded>土日|土曜日?・?日曜日?)"
    r"(?P<also>[^\d、。]{0,12}?)を除(?:く|いた|き))?"
    r"(?P<count>\d{1,3})(?P<unit>開庁日|営業日|執務日|業務日|日)(?P<tail>以内|目|まで|後)"
)
# 5日以内（土日祝日を除く。）: the days excluded written after the count, in brackets.
_EXCLUDED_AFTER = LazyPattern(r"\((?P<excluded>[^()]{1,16}?)を除(?:く|き|いて)?。?\)")
# A count of days after X that is no plain count of calendar days and that dgplan does not read
# (十開庁日, 5平日, 5暦日, 5営業日 without 以内, 土・日・祝日を除いて…): refused, never a plain "from".
_COUNTED_DAYS = LazyPattern(
    r"\)?(?:から|後|の翌日から)(?:起算して)?[^。、]{0,24}?(?:開庁日|営業日|執務日|業務日|平日|暦日|を除)"
)
# X 後速やかに, and with the event between: 令和３年度末の事業終了後、速やかに (spec §4c).
_SOON_AFTER = LazyPattern(r"\)?(?:の[^、。()「」]{1,16}?)?後、?(?:速やかに|直ちに|早急に)")
_ASAP_BY = LazyPattern(r"までの?(?:可能な限り|できる(?:だけ|限り))?早期に")
_RANGE_JOIN = LazyPattern(rf"\)?(?P<about>頃|ごろ|中)?(?:から|より|(?P<tilde>{_JOINER_CLASS}))")
# 、 joins a list only before a year with its era left out (令和7年度、8年度に): the era is the first's.
_LIST_JOIN = LazyPattern(r"\)?(?:及び|および|並びに|・|と|、(?=(?:元|\d{1,2})年))")
_RANGE_END = LazyPattern(r"\)?(?:まで(?:に|の間(?:に)?)?|にかけて|において|の間|に)")
_LIST_END = LazyPattern(r"\)?(?:にかけて|において|の間|に|で)")
_APPROX_ATTACHED = LazyPattern(rf"(?:を|の)?(?:{_APPROX_ALTERNATION})|を目指(?:す|して|し)?")
_APPROX_TAILS = ("に", "として", "とする", "で")
_INTENT = LazyPattern(_alternation(INTENT_WORDS))
#: Predicates that report the past (創設した。, 策定された「…」): a date whose clause ends with one
#: records history (spec §4b).
PAST_PREDICATES = ("された", "した", "してきた", "してきている", "開始した")
#: And for a month or day written with no year, those that report a state since then (4月以来,
#: 5月から実施中): such a month is the latest one before the document's date (spec §4c). A dated
#: period before 実施中 keeps its reading (令和3年度も…実施中 in a plan of that year is current work).
SINCE_PREDICATES = ("以来", "実施中", "運用中", "している")
#: What may follow a past predicate after a month with no year and still leave it in the past: the
#: clause's end, or the noun it describes (5月に開始した意見募集は…: a relative clause). Not a
#: continuation that makes it a step still to come (策定した上で, 実施した後, 改定した場合,
#: 完了したら) or another verb form (したい).
_AFTER_PAST = r"(?=[。、「」()]|$|(?!上で|うえで|後|場合|際|時|とき|ら|い|がって|もの)[\u3040-\u30ff\u4e00-\u9fff])"
_PAST_TENSE = LazyPattern(rf"[^、。「」()]{{0,24}}?(?:{_alternation(PAST_PREDICATES)})(?=[。、「」()]|$)")
_PAST_OR_SINCE = LazyPattern(
    rf"[^、。「」()]{{0,24}}?(?:{_alternation(PAST_PREDICATES + SINCE_PREDICATES)}){_AFTER_PAST}"
)
# The era or 年度 written once for both ends of a range: 令和2~6年度, R7〜R9年度, 令和元~3年度(2019~2021年度).
_ERA_RANGE = LazyPattern(
    rf"{ERA_START_GUARD}(?P<era>{ERA_TOKEN})(?P<first>{ERA_YEAR_TOKEN})(?:\((?P<first_west>\d{{4}})\))?"
    rf"(?:年(?P<first_fy>度)?)?(?:{_JOINER_CLASS}|・)(?P<era2>{ERA_TOKEN})?(?P<last>{ERA_YEAR_TOKEN})"
    rf"(?:\((?P<west_first>\d{{4}}){_JOINER_CLASS}(?P<west_last>\d{{4}})\)|\(\d{{4}}\))?年(?P<fy>度)?"
)
#: The start of a range, before its joiner: a year of any number of digits (999年度〜).
_UNREAD_START = LazyPattern(rf"(?<![0-9.,])(?P<year>[0-9]+年度?)(?:から|より|{_JOINER_CLASS})")
#: A year whose number a line break split (令和1\n0年度, 202\n8年度; a space once normalised): 令和1 or
#: 令和10? It is a period written but not readable, so nothing after it takes its year (spec §4c).
_BROKEN_YEAR = LazyPattern(
    rf"(?:{ERA_TOKEN}[0-9] [0-9]|(?<![0-9.,])(?:[0-9] [0-9]{{3}}|[0-9]{{2}} [0-9]{{2}}|[0-9]{{3}} [0-9]))年度?"
)
# The century may be left out of the second end (2029~31年度, 2029年~31年度): both ends are 年度 then.
_WESTERN_RANGE = LazyPattern(
    rf"(?<!\d)(?<!\d[.,])(?P<first>\d{{4}})(?P<first_year>年)?(?:{_JOINER_CLASS}|・)(?P<last>\d{{4}}|\d{{2}}(?=年度))年(?P<fy>度)?"
)
# A Western range in brackets after an era range, which must name the same years.
_BRACKETED_WESTERN_RANGE = LazyPattern(rf"\((?P<first>\d{{4}})(?:年度?)?{_JOINER_CLASS}(?P<last>\d{{4}})(?:年度?)?\)")


# What may follow a trailing tilde: the end, punctuation, a bracket, a particle, an approximate or
# undated word (令和7年度～, 令和7年度～（予定）, R7～順次).
_AFTER_TRAILING_TILDE = LazyPattern(
    rf"$|[、。,.)(「」\[\]\s]|[はもにでをの](?![\u4e00-\u9fff])|{_APPROX_ALTERNATION}|順次|継続|随時|引き続き"
)


class _Suffix(enum.Enum):
    """What the words right after a period say about it."""

    POINT = enum.auto()  # 時点で: at the period's last day
    PAST_STATE = enum.auto()  # 以前から: a state that already holds, not a deadline
    BY = enum.auto()  # まで, 以前
    BEFORE = enum.auto()  # より前に: by the day before the period starts
    FROM = enum.auto()  # から, 以降
    AFTER = enum.auto()  # 後: from the day after the period ends
    START = enum.auto()  # から開始: from, or with 遅くとも, by
    WITHIN = enum.auto()  # 中, 内, を通じ
    TARGET = enum.auto()  # を目途に: by, approximate
    TOPIC = enum.auto()  # について: the subject of a sentence, cited
    BASELINE = enum.auto()  # 比: a baseline, cited
    PARTICLE = enum.auto()  # に: on a day or month, within a longer period
    TOPIC_PARTICLE = enum.auto()  # は, も: within


# Tried in order right after a period and its approximate markers.
_SUFFIXES: tuple[tuple[LazyPattern, _Suffix], ...] = (
    (LazyPattern(r"\)?時点(?:で|において|の|では)?"), _Suffix.POINT),
    (LazyPattern(r"\)?以前から"), _Suffix.PAST_STATE),
    (LazyPattern(r"\)?以前"), _Suffix.BY),
    (
        LazyPattern(
            r"\)?(?:より(?:も)?前(?![倒半期後])|の?前(?=まで|に|の[^\u4e00-\u9fff]|[、。)]|$))(?:まで(?:に)?|に)?"
        ),
        _Suffix.BEFORE,
    ),
    (LazyPattern(r"\)?(?:以降|以後|を(?:始期|起点)と(?:して|する|し)|を(?:始期|起点)に)"), _Suffix.FROM),
    (LazyPattern(r"\)?(?:から|より)開始"), _Suffix.START),
    (LazyPattern(r"\)?(?:から|より)"), _Suffix.FROM),
    (LazyPattern(r"\)?(?:まで(?:の間)?|(?:まで)?必着|\(必着\))"), _Suffix.BY),
    (LazyPattern(r"\)?(?:中|内|期間中)(?=目途|目処|予定|見込|[^\u4e00-\u9fff\u30a1-\u30fa]|$)"), _Suffix.WITHIN),
    (LazyPattern(r"\)?(?:を通じ|を通して|において|にわたり|の間|をかけて)"), _Suffix.WITHIN),
    (LazyPattern(r"\)?後(?:に|は|から)?(?![\d速直早])"), _Suffix.AFTER),
    (LazyPattern(r"\)?(?:を|の)?(?:目途|目処|めど|メド)|\)?を目指(?:す|して|し)?"), _Suffix.TARGET),
    (LazyPattern(r"\)?について"), _Suffix.TOPIC),
    # 2013年度比, 2019年の水準から (削減), 2013年度に比べて, 令和2年度と比較して: the level a change is
    # measured from, never a deadline.
    (LazyPattern(r"\)?(?:比|の?水準(?:から|より|比|に比べ|と比べ|と比較)|(?:に|と)比べ|と比較)"), _Suffix.BASELINE),
    (LazyPattern(r"\)?に"), _Suffix.PARTICLE),
    (LazyPattern(r"\)?[はも]"), _Suffix.TOPIC_PARTICLE),
)

# 中 or 内 right after a period, whatever follows: read as the WITHIN suffix only where the source
# breaks the line (or tabs) after it, and not where the next line goes on with a word the break
# split (中⏎間報告, 内⏎訳).
_WITHIN_AT_CELL_END = LazyPattern(r"\)?(?:期間中|中(?!間|核|心|長期|期|央|止|断)|内(?!訳|容|閣|部|外|示|定|規|製))")

_RECURRING = LazyPattern(
    r"(?P<word>毎年度|各年度|年度ごと|毎年|毎月)"
    r"(?:(?P<end>末日?)|(?P<beginning>当初|初め|始め|初頭)"
    r"|の?(?P<part>上半期|下半期|上期|下期|前半|後半|第[1-4]四半期|[春夏秋冬](?!期))"
    r"|(?<=月)(?P<mday>\d{1,2})日|(?<=月)(?P<mdekad>上旬|中旬|下旬)|(?<=年)(?P<newyear>元日|元旦))?(?P<within>中)?"
    r"(?:まで(?:に)?|に)?"
)
_RECURRING_MONTH = LazyPattern(
    r"[^。]{0,30}?(?<!\d)(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日|(?P<end>末)|(?P<dekad>上旬|中旬|下旬))?"
    r"(?:までに|まで|中|に|時点|(?=[、。)]|$))"
)
# The last day of the first, second and last ten days of a month (上旬, 中旬, 下旬); -1: its last.
_DEKAD_END = {"上旬": 10, "中旬": 20, "下旬": -1}
# The months a part of a year or 年度 covers, as (first month, months): fiscal, then calendar.
_RECURRING_PARTS: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "上期": ((4, 6), (1, 6)),
    "上半期": ((4, 6), (1, 6)),
    "前半": ((4, 6), (1, 6)),
    "下期": ((10, 6), (7, 6)),
    "下半期": ((10, 6), (7, 6)),
    "後半": ((10, 6), (7, 6)),
    "春": ((4, 2), (3, 3)),
    "夏": ((6, 3), (6, 3)),
    "秋": ((9, 3), (9, 3)),
    "冬": ((12, 3), (12, 3)),
    "第1四半期": ((4, 3), (1, 3)),
    "第2四半期": ((7, 3), (4, 3)),
    "第3四半期": ((10, 3), (7, 3)),
    "第4四半期": ((1, 3), (10, 3)),
}
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_UNDATED = LazyPattern(
    r"可能な限り早期に|できる(?:だけ|限り)早期に|早期に|速やかに|早急に|順次|引き続き|継続的に|随時|適宜|当面|将来的に|中長期的に"
)
_EARLIEST = "遅くとも"


_REFERS_TO_LATEST = frozenset({"同年", "同年度", "翌年", "翌年度"})
# Months counted from another month: after の (申請の翌月) they count from an event, not a date.
_EVENT_RELATIVE = frozenset({"翌月", "前月"})


@dataclass(slots=True)
class _Scan:
    """State of one pass over a passage."""

    mapped: MappedText
    source: str
    reference: date | None
    latest: Period | None = None  # the nearest preceding period: 同年 and 同年度 refer to it
    anchor: Period | None = None  # the nearest written with its own year: months without one take it
    month_anchor: Period | None = None  # the nearest of a month or a day: 同月 refers to it
    # A period written but not resolved since the last anchor (令和10年度中頃): a month without a
    # year after it has no year to take, and never takes the document's (spec §4c).
    unresolved: str | None = None
    found: list[Deadline] = field(default_factory=list)
    # Where phrases start whose month or day had no year and took the document's (no earlier period).
    year_from_reference: set[int] = field(default_factory=set)

    def lose_anchor(self, phrase: str) -> None:
        """After a period that cannot be resolved, nothing before it anchors what follows."""
        self.latest = self.anchor = self.month_anchor = None
        self.unresolved = phrase

    def latest_start(self) -> date:
        """The first day of the nearest preceding period (date.min with none)."""
        return date.min if self.latest is None else self.latest.interval.start

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
            self.unresolved = None


def _skip_bracket_year(text: str, position: int) -> int:
    """Skip a closing bracket after a period, as in （令和3年度（2021年度））."""
    return position + 1 if text.startswith(")", position) else position


class _Unresolved(DgplanError):
    """A period was written but cannot be resolved exactly; ``end`` is where its words end."""

    def __init__(self, error: DgplanError, end: int) -> None:
        super().__init__(error.message, text=error.text, pos=error.pos)
        self.end = end


# Times of day after a day (spec §4d): they never change the day. 午前10時, 17時30分, 9:00, 正午,
# and a span of hours within the day (9時~17時, 午前9時から午後5時まで).
_CLOCK = r"(?:(?:午前|午後)?\d{1,2}(?:時(?:\d{1,2}分|半)?|:\d{2})|正午)"
_TIME_OF_DAY = LazyPattern(rf"{_CLOCK}(?:(?:{_JOINER_CLASS}|から){_CLOCK}(?!\d))?")
# A weekday written without brackets after a day (1月26日月曜日), checked as the bracketed one is.
_BARE_WEEKDAY = LazyPattern(r"(?P<weekday>[月火水木金土日])曜日?")
_WEEKDAY_NAMES = "月火水木金土日"
# A Western year in brackets after a relative word: 来年度(2029年度), 本年(2026年).
_RELATIVE_BRACKET = LazyPattern(r"\((?P<year>\d{4})年(?P<fy>度)?\)")
# The words of a period that stand for the document's own date, which a bracket may restate.
_RESTATED_RELATIVE = ("本年度", "今年度", "当年度", "来年度", "昨年度", "本年", "今年", "来年", "昨年")


def _gap(scan: _Scan, index: int) -> str:
    """What normalisation dropped between the characters at ``index - 1`` and ``index`` (spaces, line breaks)."""
    origin = scan.mapped.origin
    if index <= 0 or index >= len(origin):
        return ""
    return scan.source[origin[index - 1] + 1 : origin[index]]


def _day_tail(scan: _Scan, period: Period, start: int, end: int) -> int:
    """Skip a weekday written without brackets and a time of day after a day; check the weekday."""
    text = scan.mapped.text
    weekday = _BARE_WEEKDAY.match(text, end)
    if weekday is not None:
        actual = _WEEKDAY_NAMES[period.interval.start.weekday()]
        if weekday["weekday"] != actual:
            phrase = text[start : weekday.end()]
            message = f"{period.interval.start.isoformat()} is a {actual}曜日, not a {weekday['weekday']}曜日"
            raise _Unresolved(DgplanError(f"{phrase!r}: {message}", text=phrase), weekday.end())
        end = weekday.end()
    time = _TIME_OF_DAY.match(text, end)
    return end if time is None else time.end()


def _restated_day(scan: _Scan, period: Period, end: int) -> int:
    """A year or 年度 with one of its ends restated in brackets: 2029年度(2029年4月1日)から.

    The day must be the period's first or last; another day is a contradiction, refused."""
    text = scan.mapped.text
    if not text.startswith("(", end):
        return end
    inner = PERIOD_PATTERN.match(text, end + 1)
    if inner is None or inner.end() == end + 1 or not text.startswith(")", inner.end()):
        return end
    phrase = text[end + 1 : inner.end()]
    try:
        day = resolve_period(inner, text=phrase, reference=scan.reference, anchor=period, strict=True)
    except DgplanError as error:
        raise _Unresolved(error, inner.end() + 1) from error
    if day.unit != "day":
        return end
    if day.interval.start not in (period.interval.start, period.interval.end):
        message = f"{phrase!r} in brackets is neither the first nor the last day of {period.interval}"
        raise _Unresolved(DgplanError(message, text=phrase), inner.end() + 1)
    return inner.end() + 1


def _restated_relative(scan: _Scan, period: Period, match: re.Match[str], end: int) -> tuple[Period, int]:
    """来年度(2029年度)の冬頃: the bracket must name the same year; the parts after it are read on it."""
    text = scan.mapped.text
    bracket = _RELATIVE_BRACKET.match(text, end)
    if bracket is None or match["relative"] not in _RESTATED_RELATIVE or period.unit not in ("year", "fiscal_year"):
        return period, end
    said = int(bracket["year"])
    fiscal = period.unit == "fiscal_year"
    meant = FiscalYear.from_date(period.interval.start).year if fiscal else period.interval.start.year
    if said != meant or fiscal != (bracket["fy"] is not None):
        phrase = text[match.start() : bracket.end()]
        message = f"{match['relative']} is {meant}{'年度' if fiscal else '年'}, but the bracket says {bracket.group()}"
        raise _Unresolved(DgplanError(f"{phrase!r}: {message}", text=phrase), bracket.end())
    written = bracket.group()[1:-1]
    resolved = _resolved(scan, written + text[bracket.end() :], bracket.end())
    if resolved is None:
        return period, bracket.end()
    return resolved[0], bracket.end() + resolved[1].end() - len(written)


def _cell_break(scan: _Scan, index: int) -> bool:
    """White space, then what starts another period: cells of a table that PDF extraction ran
    together (令和9年度~11年度 令和12年度). The phrase ends with its own cell."""
    text = scan.mapped.text
    if index >= len(text) or not any(char.isspace() for char in _gap(scan, index)):
        return False
    return _PERIOD_START.match(text, index) is not None or text[index] in ERA_FIRST_CHARS


def _period_tail(scan: _Scan, period: Period, match: re.Match[str], end: int) -> tuple[Period, int]:
    """What may follow a period and belongs to it without changing it: a time of day or a weekday
    after a day, a bracket that restates its first or last day, or the Western year of a relative word."""
    if match["relative"] is not None:
        period, end = _restated_relative(scan, period, match, end)
    if period.unit == "day":
        return period, _day_tail(scan, period, match.start(), end)
    if period.unit in ("year", "fiscal_year", "end", "month"):
        end = _restated_day(scan, period, end)
    return period, end


def _period_at(scan: _Scan, position: int) -> tuple[Period, int, re.Match[str]] | None:
    """The period written at ``position``; raises :class:`_Unresolved` for one that cannot be resolved."""
    text = scan.mapped.text
    match = PERIOD_PATTERN.match(text, position)
    if match is None or match.end() == position:
        return None
    phrase = _words_of(scan, match)
    if (
        match["relative"] in _EVENT_RELATIVE
        and text.endswith("の", 0, position)
        and not text.endswith("その", 0, position)
    ):
        # 申請の翌月に: the month after an event the text names, not after a date dgplan can read.
        message = f"{phrase!r} counts from the event before it, which is not a date"
        raise _Unresolved(DgplanError(message, text=phrase), match.end())
    if match["relative"] == "同月":
        anchor = scan.month_anchor
    elif match["relative"] in _REFERS_TO_LATEST:
        anchor = scan.latest
    else:
        anchor = scan.anchor
    needs_anchor = _is_yearless(match) or match["relative"] in _REFERS_TO_LATEST or match["relative"] == "同月"
    if anchor is None and scan.unresolved is not None and needs_anchor:
        message = (
            f"{phrase!r} has no year of its own, and the period before it ({scan.unresolved!r}) cannot be"
            " resolved; it does not take the document's year"
        )
        raise _Unresolved(DgplanError(message, text=phrase), match.end())
    try:
        period = resolve_period(match, text=phrase, reference=scan.reference, anchor=anchor, strict=True)
    except DgplanError as error:
        raise _Unresolved(error, match.end()) from error
    period, end = _period_tail(scan, period, match, match.end())
    return period, end, match


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


_SHIFT = LazyPattern(
    r"\)?の(?:(?P<word>翌日|前日|翌月|前月)|(?P<count>\d{1,3})(?P<unit>日|週間|か月|ヶ月|カ月)(?P<way>前|後))"
)


def _shifted(period: Period, shift: re.Match[str]) -> Period | None:
    """The day after or before a day (の翌日, の前日, の3日前), the month after or before a month (の翌月)."""
    interval = period.interval
    word = shift["word"]
    if word is None:
        if period.unit != "day":
            return None
        span = _length(shift["count"], shift["unit"])
        day = interval.start - span if shift["way"] == "前" else interval.start + span
        return Period(Interval.day(day), "day", "day")
    if word in ("翌日", "前日"):
        if period.unit != "day":
            return None
        day = interval.start + timedelta(days=1 if word == "翌日" else -1)
        return Period(Interval.day(day), "day", "day")
    if period.unit not in ("month", "day"):
        return None
    first = interval.start.replace(day=1) + relativedelta(months=1 if word == "翌月" else -1)
    return Period(Interval.month(first.year, first.month), "month", "month")


def _leading_tilde(text: str, start: int) -> bool:
    """A tilde right before the period, with no period before it (a list item or a table cell)."""
    if start == 0 or text[start - 1] not in RANGE_JOINER_CHARS or text[start - 1] in "ー-":
        return False
    return start == 1 or text[start - 2] in "(、。:・「【[ "


def _before(period: Period) -> Interval:
    """The period just before ``period`` starts, for より前に: the previous 年度, year, month or day."""
    due = period.interval.start - timedelta(days=1)
    start = period.interval.start
    if period.unit == "fiscal_year" and start.month == 4 and start.day == 1:
        return FiscalYear.from_date(due).interval
    if period.unit == "year" and (start.month, start.day) == (1, 1):
        return Interval.year(due.year)
    whole_month = start.day == 1 and (period.interval.end + timedelta(days=1)).day == 1
    if whole_month and period.interval.end.month == start.month:
        return Interval(due.replace(day=1), due)  # 令和5年4月前に, 令和12年度末より前に: the month before
    return Interval.day(due)


_MODIFIER_GROUPS = ("quarter", "half", "season", "end", "beginning", "early", "diet", "dekad")


def _is_bare_name(match: re.Match[str]) -> bool:
    """A period written plainly, with no Western year in brackets and no modifier (令和２年度)."""
    western = ("west_a", "west_b", "west_c", "wera")
    return all(match[g] is None for g in western) and all(match[g] is None for g in _MODIFIER_GROUPS)


def _approximate_after(text: str, end: int, approximate: bool) -> tuple[bool, int]:
    """An approximate marker right after ``end`` (頃, を目途に, 予定) and the particle closing it."""
    attached = _APPROX_ATTACHED.match(text, end)
    if attached is None:
        return approximate, end
    end = attached.end()
    for tail in _APPROX_TAILS:
        if text.startswith(tail, end):
            return True, end + len(tail)
    return True, end


# A bracket right after a range, which may restate it in the other notation (a table header:
# 2026年度~2028年度(令和8年度~令和10年度)).
_RANGE_BRACKET = LazyPattern(r"\((?P<inner>[^()、。]{3,40})\)")


def _restated_range(scan: _Scan, span: Interval, end: int) -> int:
    """Where a range ends once a bracket that restates it is included; a bracket naming other
    years is a contradiction, refused."""
    bracket = _RANGE_BRACKET.match(scan.mapped.text, end)
    if bracket is None:
        return end
    _, inner = scan_passage(bracket["inner"], scan.reference, past_as_citations=False)
    ranges = [d for d in inner if d.kind == DeadlineKind.RANGE and d._phrase_start == 0]
    if len(inner) != 1 or len(ranges) != 1:
        return end
    if ranges[0].window != span:
        message = f"the range is {span}, but the bracket says {ranges[0].window} ({bracket['inner']!r})"
        raise _Unresolved(DgplanError(message, text=bracket.group()), bracket.end())
    return bracket.end()


def _finish_range(
    scan: _Scan, start: int, span: Interval, end: int, approximate: bool, closing: LazyPattern
) -> Deadline:
    """A range from its first period's start to its last's end, with the words that close it."""
    text = scan.mapped.text
    end = _skip_bracket_year(text, _restated_range(scan, span, end))
    closed = closing.match(text, end)
    end = closed.end() if closed is not None else end
    if closed is not None:
        end = _restated_range(scan, span, end)  # 令和8年度から令和10年度まで(2026年度から2028年度まで)
    approximate, end = _approximate_after(text, end, approximate)
    return _deadline_for(scan, DeadlineKind.RANGE, span, span.end, start, end, approximate=approximate)


def _resolved(
    scan: _Scan, written: str, at: int, *, anchor: Period | None = None
) -> tuple[Period, re.Match[str]] | None:
    """Resolve a phrase put together from the text (令和 + 6年3月); None if it does not start with a period.

    ``at`` is where its words end in the text, for the error that a phrase that cannot be resolved raises.
    """
    match = PERIOD_PATTERN.match(written)
    if match is None or match.end() == 0:
        return None
    phrase = written[: match.end()]
    try:
        period = resolve_period(match, text=phrase, reference=scan.reference, anchor=anchor, strict=True)
    except DgplanError as error:
        raise _Unresolved(error, at) from error
    return period, match


# Groups of PERIOD_PATTERN that give a period its own year; a month with none leans on an earlier date.
_OWN_YEAR_GROUPS = ("era", "wyear", "fy", "decade", "abbreviated", "abbr_era", "iso", "next_diet", "relative")
# The second end of a range written short, leaning on the first: 上期~下期, 4月1日~5日, 4/1~6/30.
_BARE_MODIFIER = LazyPattern(
    r"の?(?:第[1-4]四半期|上半期|下半期|前半期|後半期|上期|下期|前半|後半|前期|後期|[春夏秋冬](?!期)|上旬|中旬|下旬)"
)
_BARE_DAY = LazyPattern(r"(?P<day>\d{1,2})日(?!間|以内|以降|以後|後|前|を超え)(?:\([月火水木金土日](?:曜日?)?\))?")
_BARE_SLASH = LazyPattern(r"(?P<month>\d{1,2})/(?P<day>\d{1,2})(?![\d/])")
_ERA_LESS_YEAR = LazyPattern(rf"{ERA_YEAR_TOKEN}(?:\(\d{{4}}\))?(?:年|\.\d)")
_TWO_DIGIT_YEAR = LazyPattern(r"\d{2}年")


def _is_yearless(match: re.Match[str]) -> bool:
    return all(match[group] is None for group in _OWN_YEAR_GROUPS)


def _next_year(interval: Interval) -> Interval:
    """The same days a year later (a month's last day stays its last day)."""
    start = interval.start + relativedelta(years=1)
    end = interval.end + relativedelta(years=1)
    if (interval.end + timedelta(days=1)).day == 1:
        end = (end.replace(day=1) + relativedelta(months=1)) - timedelta(days=1)
    return Interval(start, end)


def _modifier_start(match: re.Match[str]) -> int:
    """Where the first end's part-of-period word starts (its end when it has none)."""
    # 第3四半期: the group holds the digit; the part's word starts at 第.
    starts = [match.start(group) - (group == "quarter") for group in _MODIFIER_GROUPS if match[group] is not None]
    return min(starts) if starts else match.end()


def _second_end(scan: _Scan, first: re.Match[str], at: int) -> tuple[Period, int] | None:
    """The second end of a range starting at ``at``, however short it is written (spec §4b).

    In order: a period in full (令和5年3月; a month with no year leans on the first end and, if it
    would end before the first starts, is the next such month: 令和5年12月~1月); the era written
    once (令和5年4月から6年3月まで, R5.4~6.3); the century written once (2019年度~21年度); a part
    of the first end's period (令和6年度上期~下期); a day of its month (4月1日~5日, 4/1~6/30).
    """
    text = scan.mapped.text
    found = _period_at(scan, at)
    if found is not None:
        later, end, match = found
        if _is_yearless(match) and scan.anchor is not None and later.interval.end < scan.anchor.interval.start:
            later = replace(later, interval=_next_year(later.interval))
        return later, end
    era = first["era"] or first["abbr_era"]
    if era is not None and _ERA_LESS_YEAR.match(text, at):
        resolved = _resolved(scan, era + text[at:], at)
        if resolved is not None and resolved[1].end() > len(era):
            return resolved[0], at + resolved[1].end() - len(era)
    if first["wyear"] is not None and _TWO_DIGIT_YEAR.match(text, at):
        century = first["wyear"][:2]
        resolved = _resolved(scan, century + text[at:], at)
        if resolved is not None:
            return resolved[0], at + resolved[1].end() - len(century)
    base = text[first.start() : _modifier_start(first)]
    month = first["month"] or first["smonth"]
    year_part = text[first.start() : first.start("month" if first["month"] else "smonth")] if month else ""
    if month and not year_part and scan.latest is not None:
        # 3月3日(火)~27日(金): the first end had no year; the second takes the one it was given.
        year_part = f"{scan.latest.interval.start.year}年"
    for short in (_BARE_MODIFIER, _BARE_DAY, _BARE_SLASH):
        written = short.match(text, at)
        if written is None:
            continue
        if short is _BARE_MODIFIER:
            candidate = base + written.group()
        elif not year_part:
            continue
        elif short is _BARE_DAY:
            candidate = f"{year_part}{month}月{written.group()}"
        else:
            candidate = f"{year_part}{written['month']}月{written['day']}日"
        resolved = _resolved(scan, candidate, written.end())
        if resolved is not None and resolved[1].end() == len(candidate):
            later = resolved[0]
            if short is _BARE_DAY and later.interval.end < scan.latest_start():
                # 4月25日～5日: the next such day is in the next month, not the next year.
                following = later.interval.start + relativedelta(months=1)
                if following.day != later.interval.start.day:
                    return None  # 1月31日～30日 would be 2月30日: no such day
                later = replace(later, interval=Interval.day(following))
            elif short is _BARE_SLASH and later.interval.end < scan.latest_start():
                later = replace(later, interval=_next_year(later.interval))
            return later, written.end()
    return None


def _year_period(scan: _Scan, written: str, at: int) -> tuple[Period, re.Match[str]]:
    """Resolve one end of a range written with its era once (令和2~6年度: 令和6年度, 令和6年度上期)."""
    resolved = _resolved(scan, written, at)
    if resolved is None:
        raise _Unresolved(DgplanError(f"{written!r} is not a period", text=written), at)
    return resolved


# What may not follow a range written once: it would make the range a baseline, a start, a name.
_NOT_AFTER_RANGE = LazyPattern(r"\)?(?:比|以降|以後|から|より|時点|以前|前|後|について|[\u4e00-\u9fff\u30a1-\u30fa])")


# The unit written once for both ends: 令和5年6~7月, 令和8年度1~3月, 令和5年4月1~5日.
_MONTHS_ONCE = LazyPattern(rf"の?(?P<first>\d{{1,2}}){_JOINER_CLASS}(?P<last>\d{{1,2}})月")
_DAYS_ONCE = LazyPattern(rf"(?P<first>\d{{1,2}}){_JOINER_CLASS}(?P<last>\d{{1,2}})日")


def _unit_written_once(scan: _Scan, position: int) -> Deadline | None:
    """令和5年6~7月, 令和7年度の1～3月, 令和5年4月1~5日: months or days with their unit written once."""
    text = scan.mapped.text
    head = PERIOD_PATTERN.match(text, position)
    if head is None or head.end() == position or any(head[g] is not None for g in _MODIFIER_GROUPS):
        return None
    written = text[position : head.end()]
    if head["month"] is None and head["day"] is None and (head["era"] or head["wyear"]):
        once, unit = _MONTHS_ONCE.match(text, head.end()), "月"
    elif head["month"] is not None and head["day"] is None and head["dayword"] is None:
        once, unit = _DAYS_ONCE.match(text, head.end()), "日"
    else:
        return None
    if once is None:
        return None
    ends = [_resolved(scan, f"{written}{once[end]}{unit}", once.end(), anchor=scan.anchor) for end in ("first", "last")]
    first, last = (resolved[0] if resolved is not None else None for resolved in ends)
    if first is None or last is None:
        return None
    if last.interval.end < first.interval.start:
        phrase = text[position : once.end()]
        raise _Unresolved(DgplanError(f"{phrase!r}: the range ends before it starts", text=phrase), once.end())
    scan.latest = scan.anchor = last
    return _finish_range(scan, position, _from_first_to_last(first, last), once.end(), False, _RANGE_END)


def _range_written_once(scan: _Scan, position: int) -> Deadline | None:
    """令和2~6年度, R7〜R9年度, 平成30~令和2年度, 2019~2021年度: the era or 年度 is written once."""
    text = scan.mapped.text
    era_range = _ERA_RANGE.match(text, position)
    western = None if era_range is not None else _WESTERN_RANGE.match(text, position)
    match = era_range or western
    if match is None:
        return None
    suffix = "年度" if match["fy"] else "年"
    last_start = match.start("era2") if era_range is not None and match["era2"] else match.start("last")
    if era_range is not None:
        first, _ = _year_period(scan, f"{era_range['era']}{era_range['first']}{suffix}", match.end())
        last_era = "" if era_range["era2"] else era_range["era"]
    else:
        first, _ = _year_period(scan, f"{match['first']}{suffix}", match.end())
        # 2029~31年度: the second end takes the first's century.
        last_era = match["first"][:2] if len(match["last"]) == 2 else ""
    # The last end is read in full, with what follows its year: 令和5~6年度上期, 令和5~6年3月; a
    # Western range in brackets before 年 (令和8~10(2026~2028)年度) is read apart, and cut out here.
    cut = 0
    if era_range is not None and era_range["west_first"]:
        cut_from, cut = match.start("west_first") - 1, match.end("west_last") + 1 - (match.start("west_first") - 1)
        last_text = last_era + text[last_start:cut_from] + text[cut_from + cut :]
    else:
        last_text = last_era + text[last_start:]
    last, last_match = _year_period(scan, last_text, match.end())
    end = last_start + last_match.end() - len(last_era) + cut
    phrase = text[position:end]
    if last.interval.end < first.interval.start:
        raise _Unresolved(DgplanError(f"{phrase!r}: the range ends before it starts", text=phrase), end)
    if era_range is not None:
        # 令和8(2026)~10(2028)年度, 令和8~10(2026~2028)年度: each Western year must be its era year's.
        years = (first.interval.start.year, last.interval.start.year)
        written = [int(era_range[g]) for g in ("first_west", "west_first", "west_last") if era_range[g]]
        expected = ([years[0]] if era_range["first_west"] else []) + (list(years) if era_range["west_first"] else [])
        if written != expected:
            message = f"{phrase!r} is {years[0]}~{years[1]}, but the Western years in brackets say {written}"
            raise _Unresolved(DgplanError(message, text=phrase), end)
    bracket = _BRACKETED_WESTERN_RANGE.match(text, end)
    if bracket is not None:
        said = (int(bracket["first"]), int(bracket["last"]))
        meant = (first.interval.start.year, last.interval.start.year)
        if said != meant:
            message = f"{phrase!r} is {meant[0]}~{meant[1]}, but the Western years in brackets say {said[0]}~{said[1]}"
            raise _Unresolved(DgplanError(message, text=phrase), bracket.end())
        end = bracket.end()
    if _STATISTIC.match(text, end) is not None:
        return _deadline_for(
            scan, DeadlineKind.CITATION, _from_first_to_last(first, last), None, position, end, note="names a thing"
        )
    if (
        _RANGE_END.match(text, end) is None
        and _APPROX_ATTACHED.match(text, end) is None
        and _NOT_AFTER_RANGE.match(text, end) is not None
        and not _cell_break(scan, end)
    ):
        problem = f"{text[position : end + 1]!r}: a range written with its era once, then more than a range"
        raise _Unresolved(DgplanError(problem, text=phrase), end + 1)
    scan.latest = scan.anchor = last
    return _finish_range(
        scan, position, _from_first_to_last(first, last), end, first.approximate or last.approximate, _RANGE_END
    )


def _from_first_to_last(first: Period, last: Period) -> Interval:
    """From the first period's first day to the last period's last day."""
    return Interval(first.interval.start, last.interval.end)


# A schedule table's header: a Western year and its era in brackets, each with a tilde (spec §4c):
# 2026年度~(令和8年度~), 2028年度(R10)~, 令和8年度~(2026年度~).
_HEADER_BRACKET = LazyPattern(
    rf"(?P<before>{_JOINER_CLASS})?\((?:(?P<era>{ERA_TOKEN})(?P<year>{ERA_YEAR_TOKEN})|(?P<west>\d{{4}}))"
    rf"(?:年(?P<fy>度)?)?(?P<inside>{_JOINER_CLASS})?\)"
)


def _header_bracket(scan: _Scan, period: Period, start: int, position: int) -> re.Match[str] | None:
    """The bracket of a table header after a year or 年度, checked against it (None if there is none)."""
    text = scan.mapped.text
    header = _HEADER_BRACKET.match(text, position)
    if header is None or period.unit not in ("year", "fiscal_year") or period.base_unit != period.unit:
        return None
    fiscal = period.unit == "fiscal_year"
    meant = FiscalYear.from_date(period.interval.start).year if fiscal else period.interval.start.year
    if header["west"] is not None:
        said = int(header["west"])
    else:
        said = era_by_name(header["era"]).to_gregorian_year(1 if header["year"] == "元" else int(header["year"]))
    if said != meant or (header["fy"] is not None and not fiscal):
        phrase = text[start : header.end()]
        message = f"{phrase!r}: the year in brackets ({said}) is not the period's ({meant})"
        raise _Unresolved(DgplanError(message, text=phrase), header.end())
    return header


def _open_days_deadline(
    scan: _Scan, period: Period, found: re.Match[str], start: int, *, shifted: bool, end: int | None = None
) -> Deadline:
    """X から N開庁日以内: by the Nth open day counted from the day after X (spec §4c).

    After X の翌日から the count starts on that day itself (it is the day after X). Only a day can
    be counted from; a count that does not skip holidays (土日を除く alone) or that says "after"
    (N開庁日後) is refused rather than guessed.
    """
    phrase = scan.mapped.text[start : found.end()]
    if period.unit != "day":
        message = f"{phrase!r}: open days are counted from a day, not a period"
        raise _Unresolved(DgplanError(message, text=phrase), found.end())
    if found["excluded"] is not None and "祝" not in found["also"]:
        message = f"{phrase!r} skips weekends but not holidays: that is not a count of open days dgplan reads"
        raise _Unresolved(DgplanError(message, text=phrase), found.end())
    if found["tail"] == "後":
        message = f"{phrase!r}: the day after a count of open days is ambiguous; expected 以内 or まで"
        raise _Unresolved(DgplanError(message, text=phrase), found.end())
    first = period.interval.start
    try:
        due = nth_open_day_after(first - timedelta(days=1) if shifted else first, int(found["count"]))
    except ClosedDayError as error:
        raise _Unresolved(DgplanError(f"{phrase!r}: {error.message}", text=phrase), found.end()) from error
    note = f"{int(found['count'])} open days"
    last = found.end() if end is None else end
    if found["tail"] == "目":
        return _deadline_for(scan, DeadlineKind.ON, Interval.day(due), due, start, last, note=note)
    return _deadline_for(scan, DeadlineKind.BY, Interval(first, due), due, start, last, note=note)


def _classify_after_period(scan: _Scan, period: Period, match: re.Match[str], position: int) -> Deadline:
    """Read what follows a period and build the deadline (or citation) it forms."""
    text = scan.mapped.text
    start = match.start()
    window = period.interval
    approximate = period.approximate
    earliest = text.endswith(_EARLIEST, 0, start)
    if earliest:
        start -= len(_EARLIEST)  # 遅くとも belongs to the phrase it qualifies

    if (law := _LAW.match(text, position)) is not None:
        return _deadline_for(scan, DeadlineKind.CITATION, window, None, start, law.end(), note="law number")
    if (header := _header_bracket(scan, period, start, position)) is not None:
        if header["before"] or header["inside"]:
            # 2026年度~(令和8年度~): the tilde says "from then on", as a trailing tilde does.
            if _AFTER_TRAILING_TILDE.match(text, header.end()) is None:
                phrase = text[start : header.end() + 1]
                raise _Unresolved(
                    DgplanError(f"{phrase!r}: the end of the range cannot be read", text=phrase), header.end() + 1
                )
            about, end = _approximate_after(text, header.end(), approximate)
            return _deadline_for(scan, DeadlineKind.FROM, _open_from(window.start), None, start, end, approximate=about)
        position = header.end()  # 2028年度(R10)~: the tilde after the bracket is read as after the period
    if (shift := _SHIFT.match(text, position)) is not None:
        # 令和8年3月31日の翌日から: the day after, then read what follows it.
        moved = _shifted(period, shift)
        if moved is None:
            phrase = text[start : shift.end()]
            raise _Unresolved(DgplanError(f"{phrase!r}: that is not a date dgplan can count", text=phrase), shift.end())
        return _classify_after_period(scan, moved, match, shift.end())
    if _leading_tilde(text, start):
        # ～令和8年度, (~2026年度): a range with no first end runs up to the period: by its end.
        end = _skip_bracket_year(text, position)
        closed = _RANGE_END.match(text, end)
        approximate, end = _approximate_after(text, closed.end() if closed else end, approximate)
        return _deadline_for(scan, DeadlineKind.BY, window, window.end, start - 1, end, approximate=approximate)

    open_days = _OPEN_DAYS.match(text, position)
    if open_days is not None and (open_days["unit"] != "日" or open_days["excluded"] is not None):
        return _open_days_deadline(scan, period, open_days, start, shifted=text.endswith("翌日", 0, position))
    if open_days is not None and (excluded := _EXCLUDED_AFTER.match(text, open_days.end())) is not None:
        # 5日以内（土日祝日を除く。）: the same count as 土日祝日を除く5日以内; weekends alone are refused.
        phrase = text[start : excluded.end()]
        if not any(word in excluded["excluded"] for word in ("祝", "閉庁日", "休日")):
            message = f"{phrase!r} skips some days but not holidays: that is not a count of open days dgplan reads"
            raise _Unresolved(DgplanError(message, text=phrase), excluded.end())
        shifted = text.endswith("翌日", 0, position)
        return _open_days_deadline(scan, period, open_days, start, shifted=shifted, end=excluded.end())
    if (counted := _COUNTED_DAYS.match(text, position)) is not None:
        phrase = text[start : counted.end()]
        message = f"{phrase!r}: a count of days dgplan does not read (write N開庁日以内 or 土日祝日を除くN日以内)"
        raise _Unresolved(DgplanError(message, text=phrase), counted.end())
    # Offsets: X 後N年以内, X からN年以内, X（…）から起算してN年以内.
    if (offset := _OFFSET.match(text, position)) is not None:
        due = window.end + _length(offset["count"], offset["unit"])
        return _deadline_for(scan, DeadlineKind.BY, Interval(window.start, due), due, start, offset.end())
    if (duration := _DURATION.match(text, position)) is not None:
        last = window.start + _length(duration["count"], duration["unit"] or "年")
        span = Interval(window.start, max(window.start, last - timedelta(days=1)))
        return _deadline_for(scan, DeadlineKind.RANGE, span, span.end, start, duration.end())
    if (leading_up := _DURATION_BEFORE.match(text, position)) is not None:
        # 2029年度までの4年間: the stretch that ends with the period (FY2026..FY2029).
        first = window.end + timedelta(days=1) - _length(leading_up["count"], leading_up["unit"] or "年")
        span = Interval(min(first, window.end), window.end)
        return _deadline_for(scan, DeadlineKind.RANGE, span, span.end, start, leading_up.end())
    if (soon := _SOON_AFTER.match(text, position)) is not None:
        after = window.end + timedelta(days=1)
        return _deadline_for(scan, DeadlineKind.FROM, _open_from(after), None, start, soon.end(), approximate=True)
    if (asap := _ASAP_BY.match(text, position)) is not None:
        return _deadline_for(scan, DeadlineKind.BY, window, window.end, start, asap.end(), approximate=True)

    # Ranges: A から B まで, A から B にかけて, A〜B, A 及び B に; a trailing 〜 is "from then on".
    for join, closing in ((_RANGE_JOIN, _RANGE_END), (_LIST_JOIN, _LIST_END)):
        joined = join.match(text, position)
        if joined is None:
            continue
        if joined.group().endswith("・") and "\n" in _gap(scan, joined.end() - 1):
            continue  # ・ at the start of a line is a bullet: the next item is not this one's other end
        # The second end may lean on the first: 令和3年4月〜6月, 令和3年度から同年度末まで. A second
        # end that cannot be resolved (令和3年度から令和5年度(2024年度)まで) makes the whole no deadline.
        saved = (scan.latest, scan.anchor, scan.month_anchor)
        scan.remember(period, match)
        second = _second_end(scan, match, joined.end())
        if second is not None and second[0].interval.end >= window.start:
            later, end = second
            scan.latest = later
            if later.unit in ("month", "day", "dekad", "end"):
                scan.month_anchor = later
            span = Interval(window.start, later.interval.end)
            return _finish_range(scan, start, span, end, approximate or later.approximate, closing)
        scan.latest, scan.anchor, scan.month_anchor = saved
        if second is not None:
            phrase = text[start : joined.end()]
            raise _Unresolved(DgplanError(f"{phrase!r}: the range ends before it starts", text=phrase), second[1])
        if join is _RANGE_JOIN and joined["about"] and not joined["tilde"]:
            # 令和8年度中から, 令和8年度頃から: from then on (頃: approximately).
            about = approximate or joined["about"] in ("頃", "ごろ")
            about, end = _approximate_after(text, joined.end(), about)
            return _deadline_for(scan, DeadlineKind.FROM, _open_from(window.start), None, start, end, approximate=about)
        if join is _RANGE_JOIN and joined["tilde"]:
            approximate = approximate or joined["about"] in ("頃", "ごろ")
            # A tilde with nothing after it is "from then on"; with words we cannot read, no deadline.
            if _AFTER_TRAILING_TILDE.match(text, joined.end()) is None:
                phrase = text[start : joined.end() + 1]
                raise _Unresolved(
                    DgplanError(f"{phrase!r}: the end of the range cannot be read", text=phrase), joined.end() + 1
                )
            end_approximate, end = _approximate_after(text, joined.end(), approximate)
            return _deadline_for(
                scan, DeadlineKind.FROM, _open_from(window.start), None, start, end, approximate=end_approximate
            )

    if period.unit == "diet_session" and text.startswith("等", position):
        position += 1  # 次期通常国会等への法案提出: the session is still the deadline's
    attached = _APPROX_ATTACHED.match(text, position)
    if attached is not None and attached.group() in ("頃", "ごろ", "程度", "見込み", "予定"):
        approximate, position = True, attached.end()

    for pattern, suffix in _SUFFIXES:
        matched = pattern.match(text, position)
        if matched is not None:
            return _by_suffix(scan, suffix, period, window, start, matched.end(), approximate, earliest)
    cell = _WITHIN_AT_CELL_END.match(text, position)
    if cell is not None and any(char.isspace() for char in _gap(scan, cell.end())):
        # 令和7年度中⏎クラウド移行: a 実施時期 cell ends at its 中 (the next cell, on the next line or
        # after a tab, may start with any noun); the same words run together would be one word.
        return _by_suffix(scan, _Suffix.WITHIN, period, window, start, cell.end(), approximate, earliest)

    # No marker: a bare period. It names a thing (令和3年度予算, 令和2年度衛生行政報告例), cites a
    # past decision (令和2年12月25日閣議決定), or is the window itself (（令和6年度中）, KPI brackets).
    if (decision := _DECISION.match(text, position)) is not None:
        if scan.reference is not None and window.start > scan.reference and _is_bare_name(match):
            # 令和8年度改定 in a plan of 2024: a revision to be made then, not one made.
            return _deadline_for(
                scan, DeadlineKind.WITHIN, window, window.end, start, position, approximate=approximate
            )
        return _deadline_for(scan, DeadlineKind.CITATION, window, None, start, decision.end(), note="past decision")
    glued = _is_bare_name(match) and _NOUN_START.match(text, position) is not None and not _cell_break(scan, position)
    if glued and (action := _ACTION_GLUED.match(text, position)) is not None:
        # 令和8年度サービス開始, 年度内導入: the period is when the action happens.
        approximate, _ = _approximate_after(text, action.end(), approximate)
        return _deadline_for(scan, DeadlineKind.WITHIN, window, window.end, start, position, approximate=approximate)
    if glued or _STATISTIC.match(text, position) is not None:
        # 令和２年度衛生行政報告例, 令和3年度予算: a plain period glued to a noun is part of a name.
        # (Schedules in prose write the Western year in brackets: 令和３年度（2021年度）調査事業を実施.)
        return _deadline_for(scan, DeadlineKind.CITATION, window, None, start, position, note="names a thing")
    kind = {"day": DeadlineKind.ON, "end": DeadlineKind.BY}.get(period.unit, DeadlineKind.WITHIN)
    return _deadline_for(scan, kind, window, window.end, start, position, approximate=approximate)


# The kind a suffix gives a dated deadline (the rest are read in _by_suffix; PARTICLE starts as on).
_SUFFIX_KINDS = {
    _Suffix.POINT: DeadlineKind.ON,
    _Suffix.BY: DeadlineKind.BY,
    _Suffix.START: DeadlineKind.BY,  # 遅くとも X から開始: it must have started by the end of X
    _Suffix.WITHIN: DeadlineKind.WITHIN,
    _Suffix.TARGET: DeadlineKind.BY,
    _Suffix.TOPIC_PARTICLE: DeadlineKind.WITHIN,
}


def _by_suffix(
    scan: _Scan,
    suffix: _Suffix,
    period: Period,
    window: Interval,
    start: int,
    end: int,
    approximate: bool,
    earliest: bool,
) -> Deadline:
    """The deadline a period and the suffix right after it form."""
    text = scan.mapped.text
    if suffix is _Suffix.TOPIC:
        return _deadline_for(scan, DeadlineKind.CITATION, window, None, start, end, note="topic of the sentence")
    if suffix is _Suffix.BASELINE:
        return _deadline_for(scan, DeadlineKind.CITATION, window, None, start, end, note="baseline")
    if suffix is _Suffix.PAST_STATE:
        return _deadline_for(
            scan, DeadlineKind.UNDATED, None, None, start, end, approximate=approximate, note="a past state"
        )
    if suffix is _Suffix.FROM or (suffix is _Suffix.START and not earliest):
        approximate, end = _approximate_after(text, end, approximate)
        return _deadline_for(
            scan, DeadlineKind.FROM, _open_from(window.start), None, start, end, approximate=approximate
        )
    if suffix is _Suffix.AFTER:
        approximate, end = _approximate_after(text, end, approximate)
        after = window.end + timedelta(days=1)
        return _deadline_for(scan, DeadlineKind.FROM, _open_from(after), None, start, end, approximate=approximate)
    if suffix is _Suffix.BEFORE:
        before = _before(period)
        approximate, end = _approximate_after(text, end, approximate)
        return _deadline_for(scan, DeadlineKind.BY, before, before.end, start, end, approximate=approximate)
    kind = _SUFFIX_KINDS.get(suffix, DeadlineKind.ON)
    if suffix is _Suffix.TARGET:
        approximate = True
    if suffix is _Suffix.PARTICLE and period.unit not in ("day", "month", "dekad"):
        kind = DeadlineKind.WITHIN
    if earliest and suffix in (_Suffix.PARTICLE, _Suffix.TOPIC_PARTICLE):
        kind = DeadlineKind.BY  # 遅くとも令和9年度には: by its end at the latest
    if suffix is _Suffix.POINT:
        window = Interval.day(window.end)
    elif period.unit == "end" and kind in (DeadlineKind.WITHIN, DeadlineKind.ON):
        kind = DeadlineKind.BY  # every 末 phrase is "by", whatever particle follows
    # Particles that complete the phrase: までに, 中に, 内を目途に, までを目途に.
    if kind != DeadlineKind.ON:
        for tail in ("には", "に", "は", "の間"):
            if text.startswith(tail, end):
                end += len(tail)
                break
    approximate, end = _approximate_after(text, end, approximate)
    return _deadline_for(scan, kind, window, window.end, start, end, approximate=approximate)


def _recurring_at(scan: _Scan, position: int) -> Deadline | None:
    text = scan.mapped.text
    match = _RECURRING.match(text, position)
    if match is None:
        return None
    word = match["word"]
    end = match.end()
    if word == "毎月":
        day_of_month = _DEKAD_END[match["mdekad"]] if match["mdekad"] else None
        recurrence = Recurrence("monthly", day=int(match["mday"]) if match["mday"] else day_of_month)
        if recurrence.day is not None and not 1 <= recurrence.day <= 31:
            return None
    else:
        fiscal = word != "毎年"
        month: int | None = None
        day: int | None = None
        months = 1
        if match["end"]:
            month = 3 if fiscal else 12
        elif match["beginning"]:
            month = 4 if fiscal else 1
        elif match["part"]:
            month, months = _RECURRING_PARTS[match["part"]][0 if fiscal else 1]
        elif match["newyear"]:
            month, day = 1, 1  # 毎年元日
        else:
            # 各年度の実績報告を6月末までに: the month belongs to the recurrence, not to a new date.
            later = _RECURRING_MONTH.match(text, end)
            if later is not None and 1 <= int(later["month"]) <= 12:
                month = int(later["month"])
                day = int(later["day"]) if later["day"] else _DEKAD_END.get(later["dekad"] or "")
                if day is not None and day != -1 and not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
                    return None  # 毎年2月30日: no such day comes back
                end = later.end()
        recurrence = Recurrence("yearly", fiscal=fiscal, month=month, day=day, months=months)
    starts = None
    starting = (DeadlineKind.FROM, DeadlineKind.RANGE)  # 令和4年度から毎年度, 令和7年度から令和9年度まで毎年度
    if scan.found and scan.found[-1].kind in starting and scan.found[-1].window is not None:
        previous = scan.found[-1]
        if previous._phrase_end in (position, position - 1):
            starts = previous.window.start  # type: ignore[union-attr]
            scan.found.pop()
            position = previous._phrase_start
    # Without a start in the text, a plan's recurring deadline starts with the plan itself.
    recurrence = replace(recurrence, starts=starts or scan.reference)
    window = due = None
    if scan.reference is not None:
        # With the document's date known, the deadline is its next occurrence (spec §4).
        window = recurrence.next_window(scan.reference)
        due = window.end
    return _deadline_for(scan, DeadlineKind.RECURRING, window, due, position, end, recurrence=recurrence)


# A 、 after these joins the items of a list (AやBの対応や、Cの整備を目指す), not two clauses.
_LIST_BEFORE_COMMA = ("や", "及び", "並びに", "又は", "または", "及")


_CLAUSE_MARK = LazyPattern("[、。]")


def _clause_ends(text: str) -> list[int]:
    """Where clauses end, in order: every 。 and every 、 that does not join the items of a list.

    The clause a character is in is the number of ends before it (:func:`_clause_of`).
    """
    return [
        mark.start()
        for mark in _CLAUSE_MARK.finditer(text)
        if mark.group() == "。" or not text.endswith(_LIST_BEFORE_COMMA, 0, mark.start())
    ]


def _clause_of(ends: list[int], index: int) -> int:
    """The number of the clause that the character at ``index`` is in (0 for the first)."""
    return bisect_left(ends, index)


def _mark_intent(scan: _Scan) -> None:
    """を目指す / 予定 make the deadline of their own clause approximate (spec §4b).

    In 開発（R8年度）、業務検証を実施予定（R9年度～） the 予定 is R9's, not R8's. A clause with no
    deadline of its own hands its marker to a deadline that stands alone in the clause before it
    (令和7年度までに、全国で導入を目指す).
    """
    text = scan.mapped.text
    markers = list(_INTENT.finditer(text))
    if not markers:
        return
    ends = _clause_ends(text)
    by_clause: dict[int, list[int]] = {}
    for index, deadline in enumerate(scan.found):
        if deadline.kind != DeadlineKind.CITATION and deadline._phrase_start < len(text):
            by_clause.setdefault(_clause_of(ends, deadline._phrase_start), []).append(index)
    for marker in markers:
        clause = _clause_of(ends, marker.start())
        chosen: int | None = None
        in_clause = by_clause.get(clause, [])
        preceding = [i for i in in_clause if scan.found[i]._phrase_end <= marker.start()]
        following = [i for i in in_clause if scan.found[i]._phrase_start in (marker.end(), marker.end() + 1)]
        if preceding:
            chosen = preceding[-1]
        elif following and text.startswith("(", marker.end()):
            chosen = following[0]  # 実施予定（R9年度～）: the bracket dates the clause it closes
        elif clause > 0 and by_clause.get(clause - 1):
            last = by_clause[clause - 1][-1]
            phrase_end = scan.found[last]._phrase_end
            # Only a deadline that ends its clause (…までに、) is an adverb of the next clause's verb.
            if text.startswith("、", phrase_end) and "。" not in text[phrase_end : marker.start()]:
                chosen = last
        if chosen is not None and not scan.found[chosen].approximate:
            scan.found[chosen] = replace(scan.found[chosen], approximate=True)


def _scan(text: str, reference: date | None, *, strict: bool, undated: bool) -> list[Deadline]:
    return scan_passage(text, reference, strict=strict, undated=undated)[1]


def _beyond_the_calendar(text: str, position: int) -> _Unresolved:
    """The error for a phrase whose dates fall outside the years 1 to 9999 that ``date`` holds."""
    period = PERIOD_PATTERN.match(text, position)
    end = max(period.end() if period is not None else 0, position + 1)
    phrase = text[position:end]
    error = DgplanError(f"{phrase!r} reaches outside the years 1 to 9999 that dates can hold", text=phrase)
    return _Unresolved(error, end)


def _unresolved_citation(scan: _Scan, start: int, error: _Unresolved) -> Deadline:
    """A period that is written but cannot be resolved (a contradiction, a missing year): kept as a
    citation that says why, so that no part of it is read as a deadline of its own, nor the other
    end of a range it starts (令和元年4月から令和2年3月まで is no deadline at all)."""
    text = scan.mapped.text
    end = error.end
    if (bracket := _RELATIVE_BRACKET.match(text, end)) is not None:
        end = bracket.end()  # 来年度(2027年度) with no document date: the bracket is not a deadline of its own
    joined = _RANGE_JOIN.match(text, end) or _LIST_JOIN.match(text, end)
    if joined is not None:
        other = PERIOD_PATTERN.match(text, joined.end())
        if other is not None and other.end() > joined.end():
            end = other.end()
    return _deadline_for(scan, DeadlineKind.CITATION, None, None, start, end, note=f"unresolved: {error.message}")


# The patterns the scanner tries at a position: a period (_period_at, _unit_written_once), a range
# written with its era or year once (_range_written_once), a recurrence, an undated marker. Where
# none of them matches, nothing is found there, so the scanner skips to the next position where one
# does. The period is looked for behind a check of its first character: searched for in full, it
# tries each branch of its head (look-behinds all) at every character of the text.
_PERIOD_START = LazyPattern(rf"(?=[{PERIOD_FIRST_CHARS}])(?:{PERIOD_PATTERN.pattern})", PERIOD_PATTERN.flags)
# A part of a year written alone after a comma, glued to an action (a reform-plan cell:
# 令和8年度上期検討開始、下期結論): the part of the 年度 or year just named.
_BARE_PART = LazyPattern(r"(?<=[、,])(?:上半期|下半期|上期|下期|前半|後半|第[1-4]四半期)")
_PHRASE_STARTS = (_PERIOD_START, _ERA_RANGE, _WESTERN_RANGE, _RECURRING, _UNDATED, _BROKEN_YEAR, _BARE_PART)


class _Candidates:
    """The positions of a text where a phrase may start: where one of the scanner's patterns matches."""

    __slots__ = ("_ahead", "_searches", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        # Each pattern's search (the compiled pattern's own, once it has been used: compiled()
        # per phrase compiled it again through re's cache, seven times for every deadline read).
        self._searches: list[Callable[[str, int], re.Match[str] | None]] = [
            pattern.search for pattern in _PHRASE_STARTS
        ]
        self._ahead = [-1] * len(self._searches)  # where each pattern matches next, as last searched

    def first_from(self, position: int) -> int:
        """The first candidate at or after ``position`` (the text's length if none is left).

        Positions must be asked for in order: each pattern is searched for again only once the
        scanner has passed the match found last time, so the text is searched through once.
        """
        text = self._text
        first = len(text)
        for index, search in enumerate(self._searches):
            ahead = self._ahead[index]
            if ahead < position:
                match = search(text, position)
                ahead = self._ahead[index] = len(text) if match is None else match.start()
            first = min(first, ahead)
        return first


# An era year with its era written (令和2年度, R7.4, 2026年度(令和8年度)): the era that later years
# written without one take (spec §4c). The look-behind keeps a letter inside a word out (HR3年).
_ERA_DATED = LazyPattern(
    rf"(?<![A-Za-z\d]){ERA_START_GUARD}(?P<era>{ERA_TOKEN})(?P<year>{ERA_YEAR_TOKEN})(?=\(\d{{4}}\)|年|\.\d)"
)
# A year written without its era that can only be a year: a 年度, or a 年 with a month (16年度までに,
# 7年3月). Not after a digit, a kanji or a kana of a word (直近3年度, 過去5年度), not before words that
# make it a count (3年度分, 5年度間, 2年度連続), and not where a range or a list already reads it
# against the first end (令和7年度から11年度まで, 令和9年度、10年度に).
_ERA_LESS_YEAR_START = LazyPattern(
    rf"(?<![\d.,/ \u3041-\u30ff\u4e00-\u9fffA-Za-z])(?<![年度月日期末中頃)][{RANGE_JOINER_CHARS}、・と])"
    r"(?<![年度月日期末中頃)](?:から|より|及び))"
    r"(?P<year>\d{1,2})年(?:度|\d{1,2}月)(?!間|分|連続|以上|以下|以内|未満|超|ごと|毎|平均|ぶり|目|\d)"
)


def _inherit_era(mapped: MappedText) -> MappedText:
    """Write the era before years that leave it out once it is established (令和2年度…16年度 → 令和16年度).

    Only a year at least the era year written before it takes the era: an earlier number in a
    forward-looking plan is more often a count than a year, and a year that is not one is refused.
    """
    text = mapped.text
    eras = list(_ERA_DATED.finditer(text))
    if not eras:
        return mapped
    starts = [era.start() for era in eras]

    def written(match: re.Match[str]) -> str:
        before = bisect_left(starts, match.start()) - 1
        if before < 0:
            return match.group()
        era = eras[before]
        year = 1 if era["year"] == "元" else int(era["year"])
        if int(match["year"]) < year:
            return match.group()
        return era_by_name(era["era"]).name + match.group()

    return mapped.rewrite(_ERA_LESS_YEAR_START, written)


def scan_passage(
    text: str, reference: date | None, *, strict: bool = False, undated: bool = False, past_as_citations: bool = True
) -> tuple[MappedText, list[Deadline]]:
    """The normalised passage and every deadline and citation in it, for callers (KPI targets)
    that read more out of the same text; each deadline's ``_phrase_start`` and ``_phrase_end``
    index the normalised text. With ``strict``, a period that cannot be resolved raises; without,
    it becomes a citation noted ``unresolved``. With ``past_as_citations`` and a ``reference``,
    dated deadlines due before it are citations (history, in running prose)."""
    mapped = _inherit_era(normalize_mapped(text))
    scan = _Scan(mapped=mapped, source=text, reference=reference)
    normal = mapped.text
    candidates = _Candidates(normal)
    position = 0
    while (position := candidates.first_from(position)) < len(normal):
        try:
            _refuse_broken_year(scan, position)
            _refuse_unread_start(scan, position)
            deadline = _recurring_at(scan, position) or _deadline_at(scan, position)
        except _Unresolved as error:
            if strict:
                raise error.__cause__ if isinstance(error.__cause__, DgplanError) else error from None
            deadline = _unresolved_citation(scan, position, error)
            scan.lose_anchor(scan.source[slice(*deadline.span)] if deadline.span else normal[position : error.end])
        except (ValueError, OverflowError) as error:
            # Arithmetic past the calendar's ends (0001年度より前に, 9999年12月31日から1年以内).
            outside = _beyond_the_calendar(normal, position)
            if strict:
                raise DgplanError(outside.message, text=outside.text) from error
            deadline = _unresolved_citation(scan, position, outside)
            scan.lose_anchor(outside.text or "")
        if deadline is not None:
            scan.found.append(deadline)
            position = max(deadline._phrase_end, position + 1)
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
    if reference is not None and past_as_citations:
        scan.found = [_past_as_citation(deadline, reference) for deadline in scan.found]
    return mapped, scan.found


def _refuse_unread_start(scan: _Scan, position: int) -> None:
    """999年度〜令和24年度: a range whose start is a year dgplan does not read is no deadline of its
    second end alone (it would be read as within 令和24年度, the start silently dropped)."""
    text = scan.mapped.text
    if position == 0 or not (text[position - 1] in RANGE_JOINER_CHARS or text.endswith(("から", "より"), 0, position)):
        return
    start = _UNREAD_START.search(text, max(0, position - 16), position)
    if start is None or start.end() != position or text[position - 1] in "ー-":
        return
    if scan.found and scan.found[-1]._phrase_end > start.start():
        return  # the start was read (as part of a deadline before this one)
    period = PERIOD_PATTERN.match(text, position)
    if period is None or period.end() == position or _is_yearless(period):
        return  # 3年から5年程度: a count, or a year that takes its era from the start
    end = period.end()
    phrase = scan.source[slice(*scan.mapped.source_span(start.start(), end))]
    first = start["year"]
    message = f"{phrase!r}: the range starts at {first!r}, which is not a year dgplan reads; write its era or 4 digits"
    raise _Unresolved(DgplanError(message, text=phrase), end)


def _refuse_broken_year(scan: _Scan, position: int) -> None:
    broken = _BROKEN_YEAR.match(scan.mapped.text, position)
    if broken is not None:
        phrase = _words_of(scan, broken)
        message = f"{phrase!r}: a year whose number is broken by a space or a line break; write it whole"
        raise _Unresolved(DgplanError(message, text=phrase), broken.end())


def _words_of(scan: _Scan, match: re.Match[str]) -> str:
    """The words of ``match`` as the user wrote them."""
    return scan.source[slice(*scan.mapped.source_span(match.start(), match.end()))]


def _bare_part_at(scan: _Scan, position: int) -> Deadline | None:
    """下期結論 after 令和8年度上期検討開始、: the part of the 年度 (or year) the cell named before it."""
    text = scan.mapped.text
    part = _BARE_PART.match(text, position)
    latest = scan.latest
    if part is None or latest is None or latest.base_unit not in ("fiscal_year", "year"):
        return None
    if _ACTION_GLUED.match(text, part.end()) is None:
        return None  # only a cell's action makes a lone part a deadline; in prose it is too loose
    start = latest.interval.start
    base = f"{FiscalYear.from_date(start).year}年度" if latest.base_unit == "fiscal_year" else f"{start.year}年"
    resolved = _resolved(scan, base + part.group(), part.end())
    if resolved is None or resolved[1].end() != len(base) + len(part.group()):
        return None
    window = resolved[0].interval
    return _deadline_for(scan, DeadlineKind.WITHIN, window, window.end, position, part.end())


def _deadline_at(scan: _Scan, position: int) -> Deadline | None:
    """The deadline (or citation) whose period starts at ``position``, if one does."""
    written_once = _unit_written_once(scan, position) or _range_written_once(scan, position)
    if written_once is not None:
        return written_once
    if (part := _bare_part_at(scan, position)) is not None:
        return part
    found = _period_at(scan, position)
    if found is None:
        return None
    period, end, match = found
    anchor = scan.anchor
    if _is_yearless(match) and anchor is not None and period.interval.end < anchor.interval.start:
        # 令和4年10月に開始し、3月までに完了: March 2022 by the letter, March 2023 by the sense.
        phrase = _words_of(scan, match)
        message = (
            f"{phrase!r} has no year, and the earlier date ({anchor.interval}) leaves two readings: "
            f"{period.interval} (its year) or {_next_year(period.interval)} (the next such month after it)"
        )
        raise _Unresolved(DgplanError(message, text=phrase), end)
    deadline = _classify_after_period(scan, period, match, end)
    if _is_yearless(match) and anchor is None and scan.reference is not None:
        scan.year_from_reference.add(deadline._phrase_start)
    if deadline.note != "law number" and deadline.kind != DeadlineKind.RANGE:
        scan.remember(period, match)
    if deadline._phrase_end < end:
        deadline = replace(deadline, _phrase_end=end)
    return deadline


def _year_before(interval: Interval) -> Interval:
    """The same days a year earlier (a month's last day stays its last day; an open end stays open)."""
    start = interval.start - relativedelta(years=1)
    if interval.end == date.max:
        return Interval(start, date.max)
    end = interval.end - relativedelta(years=1)
    if (interval.end + timedelta(days=1)).day == 1:
        end = (end.replace(day=1) + relativedelta(months=1)) - timedelta(days=1)
    return Interval(start, end)


def _past_events_as_citations(scan: _Scan) -> None:
    """令和3年3月に創設した / 6月に策定された: a date followed by a verb in the past tense is history.

    A month or day with no year that took the document's year, in such a clause, is the latest
    such month or day on or before the document's date (spec §4c), not the next one."""
    text = scan.mapped.text
    reference = scan.reference
    for index, deadline in enumerate(scan.found):
        yearless = deadline._phrase_start in scan.year_from_reference and deadline.window is not None
        if (_PAST_OR_SINCE if yearless else _PAST_TENSE).match(text, deadline._phrase_end) is None:
            continue
        if yearless and deadline.window is not None and reference is not None:
            window = deadline.window
            if window.start > reference:
                window = _year_before(window)
            scan.found[index] = replace(
                deadline, kind=DeadlineKind.CITATION, window=window, due=None, note="past event"
            )
        elif deadline.kind in DATED_KINDS:
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
    nearest preceding period in the passage (or, with none, from ``reference``, the document's
    date); relative words (本年度, 来年度) need ``reference`` and are skipped without it. Dates
    that are not deadlines (law numbers, past decisions, statistics sources, baselines, periods
    that cannot be resolved exactly such as 令和3年度（2022年度）, and, given ``reference``,
    deadlines that fell due before it) come back as ``citation`` only if ``citations=True``;
    undated markers (速やかに, 順次, 引き続き) only if ``undated=True``. Never raises on any text,
    and never returns a date it could not resolve exactly.

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


_DATE_WORDS_AFTER = LazyPattern(r"[年月日度]|\d+[年月日/.]")
# A year or month written without its era elsewhere in the phrase (令和6年度に着手し、7年度に完成):
# a second date that parse_deadline cannot read, so the phrase is not one deadline.
_ERA_LESS_DATE = LazyPattern(r"(?<![\d,.])(?:元|\d{1,2})(?:年度?|月)(?![\d度]|間|ぶり|分|以上|以内|ごと|毎|連続|目)")


def parse_deadline(text: str, *, reference: date | None = None) -> Deadline:
    """Resolve the one deadline in a phrase (spec §3-4); raise :class:`DeadlineError` quoting it otherwise.

    The phrase may carry its own predicate: ``令和4年度中の運用開始を目指す`` is one deadline
    (``within``, approximate). It must hold exactly one dated deadline (``令和3年度末まで``,
    ``令和4年夏を目途に``, ``令和7年度以降``, ``毎年度末``) or, with none, an undated one (``速やかに``).
    A phrase that only cites a date (a law number, a past decision), or holds several dated
    deadlines, is an error that names them. A deadline due before ``reference`` is still a
    deadline (an item overdue when the plan was issued).

    >>> deadline = parse_deadline("令和4年（2022年）夏を目途に")
    >>> deadline.kind.value, str(deadline.window), deadline.due, deadline.approximate
    ('by', '2022-06-01..2022-08-31', datetime.date(2022, 8, 31), True)
    """
    # A deadline is a frozen value and a strict reading warns of nothing, so a phrase read before
    # (a plan repeats 令和7年度末まで on many rows) is answered from a bounded cache. Only plain
    # str and date keys: a subclass could compare equal and mean something else.
    if type(text) is str and (reference is None or type(reference) is date):
        return _cached_deadline(text, reference)
    return _read_deadline(text, reference)


@functools.lru_cache(maxsize=4096)
def _cached_deadline(text: str, reference: date | None) -> Deadline:
    return _read_deadline(text, reference)


def _read_deadline(text: str, reference: date | None) -> Deadline:
    if not isinstance(text, str):
        raise DeadlineError(f"{text!r} is not a deadline phrase; expected text such as 令和3年度末まで")
    try:
        mapped, found = scan_passage(text, reference, strict=True, undated=True, past_as_citations=False)
    except DeadlineError:
        raise
    except DgplanError as error:
        message = error.message if error.text == text else f"{text!r}: {error.message}"
        raise DeadlineError(message, text=text, pos=error.pos) from error
    expected = "expected a deadline phrase such as 令和3年度末まで, 令和4年夏を目途に or 令和7年度以降"
    dated = [d for d in found if d.kind not in (DeadlineKind.CITATION, DeadlineKind.UNDATED)]
    if len(dated) > 1:
        listing = ", ".join(f"{d.text!r} at {d.span[0]}-{d.span[1]}" for d in dated if d.span is not None)
        raise DeadlineError(
            f"{text!r} holds {len(dated)} deadlines ({listing}); read them with find_deadlines", text=text
        )
    if dated:
        deadline = dated[0]
        # Words of a date right against the deadline (令和元年(2019)年5月1日): a date we did not read.
        after = _DATE_WORDS_AFTER.match(mapped.text, deadline._phrase_end)
        before = mapped.text[deadline._phrase_start - 1 : deadline._phrase_start]
        if after is not None or (before and (before.isdigit() or before in "年月日度")):
            extra = after.group() if after is not None else before
            raise DeadlineError(f"{text!r}: unexpected {extra!r} around the deadline; {expected}", text=text)
        read = [(d._phrase_start, d._phrase_end) for d in found]
        for other in _ERA_LESS_DATE.finditer(mapped.text):
            if not any(low <= other.start() < high for low, high in read):
                raise DeadlineError(
                    f"{text!r}: {other.group()!r} is a second date without its era or year; read the text with"
                    " find_deadlines, or write the era",
                    text=text,
                )
        return deadline
    undated = [d for d in found if d.kind == DeadlineKind.UNDATED]
    if undated:
        return undated[0]
    if found:
        raise DeadlineError(f"{text!r} cites a date ({found[0].note}); it is not a deadline", text=text)
    raise DeadlineError(f"{text!r} is not a deadline phrase; {expected}", text=text)
