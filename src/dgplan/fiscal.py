"""Intervals, fiscal years (年度), fiscal quarters, and period phrases (上期, 夏, 末, 当初, ...).

A 年度 runs April to March and is named by the calendar year in which it starts:
令和3年度 = FY2021 = 2021-04-01 .. 2022-03-31.

>>> FiscalYear.parse("令和3年度").interval
Interval(datetime.date(2021, 4, 1), datetime.date(2022, 3, 31))
>>> parse_period("令和4年夏")
Interval(datetime.date(2022, 6, 1), datetime.date(2022, 8, 31))
"""

from __future__ import annotations

import calendar
import functools
import operator
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from dateutil.relativedelta import relativedelta

from dgplan._text import LazyPattern, normalize_phrase
from dgplan.era import (
    ERA_FIRST_CHARS,
    ERA_TOKEN,
    ERA_YEAR_TOKEN,
    ERAS,
    GREGORIAN_ADOPTION,
    WEEKDAY_TOKEN,
    Era,
    era_by_name,
    era_of,
    format_wareki,
    month_day_of,
    parse_date,
)
from dgplan.errors import DgplanError, EraError, LenientParseWarning, PeriodError

__all__ = [
    "FiscalQuarter",
    "FiscalYear",
    "Interval",
    "Period",
    "PeriodUnit",
    "parse_period",
]


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_start(day: date, months: int) -> date:
    return day.replace(day=1) + relativedelta(months=months)


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    """A closed interval of days: both ``start`` and ``end`` are included.

    >>> fy = Interval(date(2021, 4, 1), date(2022, 3, 31))
    >>> date(2022, 3, 31) in fy, fy.days
    (True, 365)
    """

    start: date
    end: date

    def __post_init__(self) -> None:
        if type(self.start) is not date or type(self.end) is not date:  # one test on the common path
            for name, value in (("start", self.start), ("end", self.end)):
                if type(value) is not date:
                    raise TypeError(f"Interval {name} must be a datetime.date, not {type(value).__name__}")
        if self.start > self.end:
            raise PeriodError(
                f"an interval cannot end ({self.end.isoformat()}) before it starts ({self.start.isoformat()})"
            )

    @classmethod
    def day(cls, day: date) -> Interval:
        """The interval of one day."""
        return cls(day, day)

    @classmethod
    def month(cls, year: int, month: int) -> Interval:
        """A calendar month."""
        return cls(date(year, month, 1), _last_day(year, month))

    @classmethod
    def year(cls, year: int) -> Interval:
        """A calendar year."""
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def parse(cls, text: str) -> Interval:
        """Read the form ``str()`` writes, ``2021-04-01..2022-03-31``, ISO 8601's ``start/end``
        (``2021-04-01/2021-06-30``, both dates written in full), or one ISO date for one day.

        >>> Interval.parse("2021-04-01/2021-06-30") == Interval.parse("2021-04-01..2021-06-30")
        True
        """
        if not isinstance(text, str):
            raise PeriodError(
                f"{text!r} is not a string; expected START..END in ISO dates, e.g. 2021-04-01..2022-03-31"
            )
        separator = "/" if "/" in text and ".." not in text else ".."
        start_text, dots, end_text = text.strip().partition(separator)
        try:
            start = date.fromisoformat(start_text.strip())
            end = date.fromisoformat(end_text.strip()) if dots else start
        except ValueError:
            raise PeriodError(
                f"{text!r} is not an interval; expected START..END or START/END in ISO dates,"
                " e.g. 2021-04-01..2022-03-31 or 2021-04-01/2022-03-31",
                text=text,
            ) from None
        if start > end:
            raise PeriodError(f"{text!r}: an interval cannot end before it starts", text=text)
        return cls(start, end)

    @property
    def days(self) -> int:
        """How many days the interval holds (both ends counted)."""
        return (self.end - self.start).days + 1

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Interval):
            return self.start <= item.start and item.end <= self.end
        if type(item) is date:
            return self.start <= item <= self.end
        return False

    def overlaps(self, other: Interval) -> bool:
        """Whether the two intervals share at least one day."""
        return self.start <= other.end and other.start <= self.end

    def intersection(self, other: Interval) -> Interval | None:
        """The days both intervals hold, or None."""
        if not self.overlaps(other):
            return None
        return Interval(max(self.start, other.start), min(self.end, other.end))

    def __iter__(self) -> Iterator[date]:
        day = self.start
        while day <= self.end:
            yield day
            day += timedelta(days=1)

    def __repr__(self) -> str:
        return f"Interval({self.start!r}, {self.end!r})"

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def _check_start_month(start_month: int) -> None:
    if not (isinstance(start_month, int) and 1 <= start_month <= 12):
        raise PeriodError(f"start_month must be a month number 1-12, not {start_month!r}")


@dataclass(frozen=True, slots=True, order=True)
class FiscalYear:
    """A fiscal year named, as in Japan, by the calendar year in which it starts.

    ``start_month`` is April for the Japanese government's 年度; other fiscal calendars may
    set it (the naming stays by start year).

    >>> fy = FiscalYear(2021)
    >>> fy.label, fy.wareki, fy.start, fy.end
    ('FY2021', '令和3年度', datetime.date(2021, 4, 1), datetime.date(2022, 3, 31))
    >>> FiscalYear.from_date(date(2022, 3, 31))
    FiscalYear(2021)
    """

    year: int
    start_month: int = 4

    def __post_init__(self) -> None:
        _check_start_month(self.start_month)
        if not (isinstance(self.year, int) and 1 <= self.year <= 9998):
            raise PeriodError(f"a fiscal year must be a year number 1-9998, not {self.year!r}")

    @classmethod
    def from_date(cls, day: date, *, start_month: int = 4) -> FiscalYear:
        """The fiscal year that holds ``day``."""
        _check_start_month(start_month)
        return cls(day.year if day.month >= start_month else day.year - 1, start_month)

    @classmethod
    def parse(cls, text: str, *, start_month: int = 4) -> FiscalYear:
        """Read 令和3年度, 令和3年度（2021年度）, 2021年度, FY2021 or R3年度.

        >>> FiscalYear.parse("令和元年度") == FiscalYear.parse("平成31年度") == FiscalYear(2019)
        True
        """
        period = _parse_period_exact(text, reference=None, anchor=None, expected="a fiscal year such as 令和3年度")
        if period.unit != "fiscal_year":
            raise PeriodError(
                f"{text!r} is not a fiscal year; expected one such as 令和3年度, 2021年度 or FY2021", text=text
            )
        return cls(period.interval.start.year, start_month)

    @property
    def start(self) -> date:
        return date(self.year, self.start_month, 1)

    @property
    def end(self) -> date:
        # The day before the same month's first day a year on: no relativedelta (a third of the
        # time of FiscalYear.parse went to building one).
        if self.start_month == 1:
            return date(self.year, 12, 31)
        return date(self.year + 1, self.start_month, 1) - timedelta(days=1)

    @property
    def interval(self) -> Interval:
        return Interval(self.start, self.end)

    @property
    def label(self) -> str:
        return f"FY{self.year}"

    @property
    def wareki(self) -> str:
        """The era name of the fiscal year, taken from the era in force at its midpoint.

        So FY2019 is 令和元年度 (as the government wrote it from May 2019) and FY1926 is 大正15年度.
        """
        midpoint = self.start + relativedelta(months=6)
        era = era_of(midpoint)
        era_year = era.year_of(self.start)
        return f"{era.name}{'元' if era_year == 1 else era_year}年度"

    @property
    def next(self) -> FiscalYear:
        return FiscalYear(self.year + 1, self.start_month)

    def __add__(self, years: int) -> FiscalYear:
        """``FiscalYear(2021) + 1`` is FY2022, as with a pandas ``Period``: whole years only."""
        steps = _steps(years)
        if steps is None:
            return NotImplemented
        return FiscalYear(self.year + steps, self.start_month)

    __radd__ = __add__

    def __sub__(self, other: int | FiscalYear) -> Any:
        """``FiscalYear(2021) - 1`` is FY2020; ``FiscalYear(2023) - FiscalYear(2021)`` is 2 (years)."""
        if isinstance(other, FiscalYear):
            _same_calendar(self.start_month, other.start_month)
            return self.year - other.year
        steps = _steps(other)
        if steps is None:
            return NotImplemented
        return FiscalYear(self.year - steps, self.start_month)

    @property
    def previous(self) -> FiscalYear:
        return FiscalYear(self.year - 1, self.start_month)

    def quarters(self) -> tuple[FiscalQuarter, FiscalQuarter, FiscalQuarter, FiscalQuarter]:
        """The four quarters, Q1 first (Q1 = April-June for an April year)."""
        return (
            FiscalQuarter(self.year, 1, self.start_month),
            FiscalQuarter(self.year, 2, self.start_month),
            FiscalQuarter(self.year, 3, self.start_month),
            FiscalQuarter(self.year, 4, self.start_month),
        )

    def halves(self) -> tuple[Interval, Interval]:
        """上期 and 下期: the first and last six months."""
        middle = self.start + relativedelta(months=6)
        return Interval(self.start, middle - timedelta(days=1)), Interval(middle, self.end)

    def __contains__(self, day: object) -> bool:
        return day in self.interval

    def __repr__(self) -> str:
        extra = "" if self.start_month == 4 else f", start_month={self.start_month}"
        return f"FiscalYear({self.year}{extra})"

    def __str__(self) -> str:
        return self.label


# FY2024-Q3, FY2024Q3, 2024-Q3 and 2024Q3 alike: the fiscal year named by the year it starts in,
# as everywhere in dgplan (2024Q3 is 2024年度第3四半期, October-December 2024). pandas' Q-MAR periods
# name a fiscal year by the year it ends in; FiscalQuarter.parse does not read that convention.
_QUARTER_LABEL = LazyPattern(r"(?:FY)?(?P<year>\d{4})-?Q(?P<quarter>[1-4])", re.IGNORECASE)


def _steps(value: object) -> int | None:
    """How many periods ``value`` steps by: an int (a NumPy integer too), never a bool or a float."""
    if isinstance(value, bool):
        return None
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        return None


def _same_calendar(start_month: int, other_start_month: int) -> None:
    if start_month != other_start_month:
        raise PeriodError(
            f"periods of fiscal years starting in month {start_month} and month {other_start_month}"
            " cannot be subtracted"
        )


@dataclass(frozen=True, slots=True, order=True)
class FiscalQuarter:
    """A quarter of a fiscal year: Q1 is its first three months (April-June in Japan).

    >>> q = FiscalQuarter.from_date(date(2022, 2, 1))
    >>> q, q.label, q.wareki
    (FiscalQuarter(2021, 4), 'FY2021-Q4', '令和3年度第4四半期')
    """

    year: int
    quarter: int
    start_month: int = 4

    def __post_init__(self) -> None:
        _check_start_month(self.start_month)
        if self.quarter not in (1, 2, 3, 4):
            raise PeriodError(f"a fiscal quarter is 1-4, not {self.quarter!r}")
        FiscalYear(self.year, self.start_month)  # validates the year

    @classmethod
    def from_date(cls, day: date, *, start_month: int = 4) -> FiscalQuarter:
        """The fiscal quarter that holds ``day``."""
        fiscal_year = FiscalYear.from_date(day, start_month=start_month)
        months_in = (day.month - start_month) % 12
        return cls(fiscal_year.year, months_in // 3 + 1, start_month)

    @classmethod
    def parse(cls, text: str, *, start_month: int = 4) -> FiscalQuarter:
        """Read FY2021-Q2, FY2021Q2, 2021-Q2, 2021Q2, 令和3年度第2四半期 or 2021年度第2四半期.

        The year is the fiscal year's, named by the year it starts in, as everywhere in dgplan:
        2024Q3 is FY2024-Q3 (2024-10-01..2024-12-31). pandas' ``Period("2024Q3", freq="Q-MAR")``
        names fiscal years by the year they end in and means another quarter.

        >>> FiscalQuarter.parse("令和3年度第2四半期")
        FiscalQuarter(2021, 2)
        >>> FiscalQuarter.parse("2024Q3"), FiscalQuarter.parse("2024Q3").start
        (FiscalQuarter(2024, 3), datetime.date(2024, 10, 1))
        """
        if isinstance(text, str):
            label = _QUARTER_LABEL.fullmatch(normalize_phrase(text))
            if label is not None:
                return cls(int(label["year"]), int(label["quarter"]), start_month)
        period = _parse_period_exact(text, reference=None, anchor=None, expected="a fiscal quarter such as FY2021-Q2")
        if period.unit != "quarter" or period.base_unit != "fiscal_year":
            raise PeriodError(
                f"{text!r} is not a fiscal quarter; expected one such as FY2021-Q2 or 令和3年度第2四半期", text=text
            )
        return cls.from_date(period.interval.start, start_month=start_month)

    @property
    def fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.year, self.start_month)

    @property
    def start(self) -> date:
        return self.fiscal_year.start + relativedelta(months=3 * (self.quarter - 1))

    @property
    def end(self) -> date:
        return self.start + relativedelta(months=3) - timedelta(days=1)

    @property
    def interval(self) -> Interval:
        return Interval(self.start, self.end)

    @property
    def label(self) -> str:
        return f"FY{self.year}-Q{self.quarter}"

    @property
    def wareki(self) -> str:
        return f"{self.fiscal_year.wareki}第{self.quarter}四半期"

    def _index(self) -> int:
        return self.year * 4 + self.quarter - 1

    def __add__(self, quarters: int) -> FiscalQuarter:
        """``FiscalQuarter(2021, 4) + 1`` is FY2022-Q1, as with a pandas ``Period``: whole quarters only."""
        steps = _steps(quarters)
        if steps is None:
            return NotImplemented
        year, quarter = divmod(self._index() + steps, 4)
        return FiscalQuarter(year, quarter + 1, self.start_month)

    __radd__ = __add__

    def __sub__(self, other: int | FiscalQuarter) -> Any:
        """``FiscalQuarter(2022, 1) - 1`` is FY2021-Q4; one quarter minus another is the quarters between."""
        if isinstance(other, FiscalQuarter):
            _same_calendar(self.start_month, other.start_month)
            return self._index() - other._index()
        steps = _steps(other)
        if steps is None:
            return NotImplemented
        return self + -steps

    @property
    def next(self) -> FiscalQuarter:
        if self.quarter == 4:
            return FiscalQuarter(self.year + 1, 1, self.start_month)
        return FiscalQuarter(self.year, self.quarter + 1, self.start_month)

    @property
    def previous(self) -> FiscalQuarter:
        if self.quarter == 1:
            return FiscalQuarter(self.year - 1, 4, self.start_month)
        return FiscalQuarter(self.year, self.quarter - 1, self.start_month)

    def __contains__(self, day: object) -> bool:
        return day in self.interval

    def __repr__(self) -> str:
        extra = "" if self.start_month == 4 else f", start_month={self.start_month}"
        return f"FiscalQuarter({self.year}, {self.quarter}{extra})"

    def __str__(self) -> str:
        return self.label


# ---------------------------------------------------------------------------------------------
# Period phrases

PeriodUnit = Literal[
    "day",
    "month",
    "dekad",
    "year",
    "fiscal_year",
    "quarter",
    "half",
    "season",
    "decade",
    "diet_session",
    "early",
    "end",
    "beginning",
]


@dataclass(frozen=True, slots=True)
class Period:
    """A resolved period phrase: its interval, what kind of period it is, and whether it is approximate.

    ``unit`` is the unit of the whole phrase (``quarter`` for 令和3年度第2四半期); ``base_unit`` the
    unit of the period it was cut from (``fiscal_year`` there).

    >>> from dgplan import parse_period_detail
    >>> period = parse_period_detail("令和3年度第2四半期")
    >>> period.interval, period.unit, period.base_unit, period.is_fiscal
    (Interval(datetime.date(2021, 7, 1), datetime.date(2021, 9, 30)), 'quarter', 'fiscal_year', True)
    """

    interval: Interval
    unit: PeriodUnit
    base_unit: PeriodUnit
    approximate: bool = False

    @property
    def is_fiscal(self) -> bool:
        return self.base_unit == "fiscal_year"


# Relative words and their meaning: (unit, which reference, offset in years).
# "reference" means the document's own date (本年度 is this 年度 whatever the passage says);
# "anchor" the nearest preceding explicit period (同年度, 翌年度); "either" the nearest preceding
# period where the passage has one, else the document's date (令和8年度については、年度末までに:
# the end of FY2026; 年度末までに alone: the end of the document's 年度).
_RELATIVE_WORDS: dict[str, tuple[PeriodUnit, Literal["reference", "anchor", "either"], int]] = {
    "本年度": ("fiscal_year", "reference", 0),
    "今年度": ("fiscal_year", "reference", 0),
    "当年度": ("fiscal_year", "reference", 0),
    "年度内": ("fiscal_year", "either", 0),
    "来年度": ("fiscal_year", "reference", 1),
    "次年度": ("fiscal_year", "either", 1),
    "前年度": ("fiscal_year", "either", -1),
    "昨年度": ("fiscal_year", "reference", -1),
    "本年": ("year", "reference", 0),
    "今年": ("year", "reference", 0),
    "年内": ("year", "either", 0),
    "年末": ("year", "either", 0),
    "年度末": ("fiscal_year", "either", 0),
    "来年": ("year", "reference", 1),
    "昨年": ("year", "reference", -1),
    "前年": ("year", "either", -1),
    "同年度": ("fiscal_year", "anchor", 0),
    "翌年度": ("fiscal_year", "anchor", 1),
    "翌々年度": ("fiscal_year", "anchor", 2),
    "同年": ("year", "anchor", 0),
    "翌年": ("year", "anchor", 1),
    "翌々年": ("year", "anchor", 2),
    "同月": ("month", "anchor", 0),
    # Months about the document's date (spec §4d): 今月 is its month, 先月 the one before. 前月 and
    # 翌月 follow the passage's month where it has one (as 前年 does), else the document's.
    "今月": ("month", "reference", 0),
    "本月": ("month", "reference", 0),
    "先月": ("month", "reference", -1),
    "来月": ("month", "reference", 1),
    "前月": ("month", "either", -1),
    "翌月": ("month", "either", 1),
    # 月内: by the end of the document's month; 年明け: January of the next year, approximate;
    # 今通常国会: the ordinary Diet session sitting in the document's year (read in _read_relative).
    "月内": ("month", "reference", 0),
    "年明け": ("month", "reference", 12),
    "今通常国会": ("diet_session", "reference", 0),
}
_ANCHORED_ALTERNATION = "|".join(
    sorted((w for w, m in _RELATIVE_WORDS.items() if m[1] == "anchor"), key=len, reverse=True)
)
# Words about the document's date are read only where they stand alone: 当該年度内 and 30年度内 are not 年度内.
_DOCUMENT_ALTERNATION = "|".join(
    sorted((w for w, m in _RELATIVE_WORDS.items() if m[1] != "anchor"), key=len, reverse=True)
)

_HALVES = {
    "上期": 0,
    "上半期": 0,
    "前半": 0,
    "前半期": 0,
    "前期": 0,
    "下期": 1,
    "下半期": 1,
    "後半": 1,
    "後半期": 1,
    "後期": 1,
}
_SEASON_START_MONTH = {"春": 3, "夏": 6, "秋": 9, "冬": 12}
_DEKADS = {"上旬": (1, 10), "初旬": (1, 10), "中旬": (11, 20), "下旬": (21, 31)}

_ERA_YEAR = rf"{ERA_TOKEN}{ERA_YEAR_TOKEN}"
#: An era written with one kanji (令3年, 平31年) is an era only where no kanji comes before it:
#: 最大2年度 is "at most 2 年度", not 大正2年度; 説明3年 is no 明治. Full names are eras anywhere.
ERA_START_GUARD = "(?:(?<![\u4e00-\u9fff々])|(?=" + "|".join(era.name for era in ERAS) + "))"
_FY = "FY"
_NEXT_DIET = "次期通常国会"

#: The grammar of a period phrase, on normalised text. Named groups are read by :func:`resolve_period`.
PERIOD_PATTERN = LazyPattern(
    rf"""
    (?:
        {ERA_START_GUARD}(?P<era>{ERA_TOKEN})(?P<eyear>{ERA_YEAR_TOKEN})(?:\((?P<west_a>\d{{4}})\))?年
            (?:\((?P<west_c>\d{{4}})年?\)(?=度))?(?P<efy>度)?
            (?:\((?:西暦)?(?P<west_b>\d(?:\ ?\d){{3}})年?(?:度)?\))?
            (?:\((?P<ebr_era>{ERA_TOKEN})(?P<ebr_year>{ERA_YEAR_TOKEN})年度?\))?
      | (?<![\dA-Za-z和成治正])(?<!\d[.,])(?P<wyear>\d{{4}})
            (?:\((?P<wera_inside>{ERA_TOKEN})(?P<wera_year_inside>{ERA_YEAR_TOKEN})(?P<wera_unit>年(?P<wera_fy>度)?)?\))?
            (?(wera_unit)(?(wera_fy)|(?P<wfy_close>度)?)|年(?P<wfy>度)?)(?!代|前|間|ぶり|分|に[一1][度回])
            (?:\((?P<wera>{ERA_TOKEN})(?P<wera_year>{ERA_YEAR_TOKEN})年度?\)(?(wfy)|(?P<wfy_after>度)?))?
      | (?<![A-Za-z]){_FY}(?P<fy>\d{{4}})(?!\d|-?Q[1-4])
            (?:\((?P<fera>{ERA_TOKEN})(?P<fera_year>{ERA_YEAR_TOKEN})年度?\))?
      | (?<![\d.,])(?P<decade>\d{{3}}0)年代
      | (?P<abbreviated>(?<![A-Za-z\d]){_ERA_YEAR}(?:\.\d{{1,2}}\.|/\d{{1,2}}/)\d{{1,2}}(?![\d.])
            (?:\([月火水木金土日](?:曜日?)?\))?)
      | (?<![A-Za-z\d])(?P<abbr_era>{ERA_TOKEN})(?P<abbr_year>{ERA_YEAR_TOKEN})\.(?P<abbr_month>\d{{1,2}})(?![\d.])
      | (?P<iso>(?<![\d.,])\d{{4}}(?:-\d{{2}}-\d{{2}}|/\d{{1,2}}/\d{{1,2}})(?![\d/]))
      | (?P<next_diet>{_NEXT_DIET})
      | (?P<relative>(?:{_ANCHORED_ALTERNATION})|(?<![\d\u4e00-\u9fff々かヶカケ])(?:{_DOCUMENT_ALTERNATION}))
      | (?<![\d.,年])(?=\d{{1,2}}月)
    )
    (?:
        (?:
            (?<![月])(?P<month>\d{{1,2}})月(?:(?P<day>\d{{1,2}})日|(?P<dayword>朔日|晦日|末日))?
          | (?<=年)(?P<newyear>元日|元旦)
          | (?<=年)(?P<yearend>大晦日)
          | (?<=[年度])(?P<smonth>\d{{1,2}})/(?P<sday>\d{{1,2}})(?![\d/])
          | (?<=同月)(?P<mday>\d{{1,2}})日
        )
        {WEEKDAY_TOKEN}?
    )?
    (?:の?
        (?:
            第?(?P<quarter>[1-4])(?:四半期|Q)|Q(?P<quarter_q>[1-4])
          | (?P<half>上半期|下半期|前半期|後半期|上期|下期|前半|後半|前期|後期)
          | (?P<season>[春夏秋冬])(?!期)
          | (?P<end>末)(?!日)
          | (?P<beginning>当初(?!予算)|初め(?![てる])|始め(?![るまたてら])|はじめ(?![るまたてら])|初頭|冒頭)
          | (?P<middle>中頃|中ごろ|半ば)
          | (?P<early>早々|(?:できる(?:だけ|限り)|可能な限り)?(?:早期|早い時期))
          | (?P<diet>通常国会)
          | (?P<dekad>上旬|初旬|中旬|下旬)
        )
    )?
    """,
    re.VERBOSE,
)
#: Every character a match of :data:`PERIOD_PATTERN` can start with, as the body of a character
#: class: the first character of each branch of its head (a digit, for a Western year, an ISO date,
#: a decade or a month; an era's name or letter; FY; 次期通常国会; a relative word), built from the
#: same pieces, so that a scanner can skip to where a period may start before matching it in full.
PERIOD_FIRST_CHARS = r"\d" + re.escape(
    "".join(sorted(set(ERA_FIRST_CHARS) | {_FY[0], _NEXT_DIET[0]} | {word[0] for word in _RELATIVE_WORDS}))
)


def _period_error(text: str, reason: str) -> PeriodError:
    return PeriodError(f"{text!r}: {reason}", text=text)


@functools.cache  # a handful of eras, asked for on every era phrase read
def _era_span(era: Era) -> Interval:
    return Interval(era.start, era.end or date.max)


def _era_text(era: Era) -> str:
    return f"{era.start}..{era.end or ''}"


@dataclass(frozen=True, init=False, eq=False)
class PeriodWords:
    """The words of one period phrase, as :data:`PERIOD_PATTERN` found them: a typed record of the
    pattern's groups (None where a part is not written), with ``text``, the phrase as the user
    wrote it, for errors. :func:`resolve_period` reads it with one small function per form.

    Made only by :meth:`from_match`, which fills its ``__dict__`` with the match's groups in one
    step: a frozen ``__init__`` set its 49 fields one by one (half the time of ``parse_period``), and
    generating that ``__init__`` and an ``__eq__`` of 49 fields was a fifth of importing this module."""

    text: str
    # 令和3年度（2021年度）: the era, its year, a Western year in brackets (three places), 年度
    era: str | None = None
    eyear: str | None = None
    west_a: str | None = None
    west_b: str | None = None
    west_c: str | None = None
    efy: str | None = None
    # 令和元年度（平成31年度）: the same year in another era, in brackets
    ebr_era: str | None = None
    ebr_year: str | None = None
    # 2017年度（平成29年度）, 2026(令和8)年度: a Western year first, the era in brackets
    wyear: str | None = None
    wfy: str | None = None
    wera: str | None = None
    wera_year: str | None = None
    wera_inside: str | None = None
    wera_year_inside: str | None = None
    # 2019(令和元年)度, 2019(令和元年度), 2019年(令和元年)度: the 年 or 度 written inside or after the bracket
    wera_unit: str | None = None
    wera_fy: str | None = None
    wfy_after: str | None = None
    wfy_close: str | None = None
    # FY2021（令和3年度）, 2020年代
    fy: str | None = None
    fera: str | None = None
    fera_year: str | None = None
    decade: str | None = None
    # R3.4.1, 2021-04-01 (whole dates), R7.4 (a month)
    abbreviated: str | None = None
    iso: str | None = None
    abbr_era: str | None = None
    abbr_year: str | None = None
    abbr_month: str | None = None
    # 次期通常国会, 本年度, 同年度 ...
    next_diet: str | None = None
    relative: str | None = None
    # the month and day after a year: 4月1日, 4月朔日, 元日, 大晦日, 4/1, (水)
    month: str | None = None
    day: str | None = None
    dayword: str | None = None
    newyear: str | None = None
    yearend: str | None = None
    smonth: str | None = None
    sday: str | None = None
    mday: str | None = None  # 同月15日
    weekday: str | None = None
    # the part of the period: 第2四半期, 上期, 夏, 末, 当初, 中頃, 早期, 通常国会, 上旬
    quarter: str | None = None
    quarter_q: str | None = None  # Q3 (FY2026Q3 is a label, read apart)
    half: str | None = None
    season: str | None = None
    end: str | None = None
    beginning: str | None = None
    middle: str | None = None
    early: str | None = None
    diet: str | None = None
    dekad: str | None = None

    @classmethod
    def from_match(cls, match: re.Match[str], text: str) -> PeriodWords:
        # The pattern's groups are the fields, one for one (a test holds them equal).
        words = object.__new__(cls)
        fields = words.__dict__
        fields.update(match.groupdict())
        fields["text"] = text
        return words

    @property
    def form(self) -> str:
        """Which reader resolves the phrase (the keys of ``_READERS``)."""
        if self.era is not None or self.abbr_era is not None:
            return "era"
        if self.wyear is not None:
            return "western"
        if self.fy is not None:
            return "fy"
        if self.decade is not None:
            return "decade"
        if self.abbreviated is not None or self.iso is not None:
            return "date"
        if self.next_diet is not None:
            return "next_diet"
        if self.relative is not None:
            return "relative"
        return "yearless"

    @functools.cached_property  # read twice per phrase; the record is never changed
    def month_day(self) -> tuple[int, int | None] | None:
        """The month and day written after the year (day -1: the month's last), or None."""
        if self.abbr_month is not None:
            return int(self.abbr_month), None
        return month_day_of(
            {
                "month": self.month,
                "day": self.day,
                "dayword": self.dayword,
                "newyear": self.newyear,
                "yearend": self.yearend,
                "smonth": self.smonth,
                "sday": self.sday,
            }
        )


@dataclass(frozen=True, slots=True)
class _Year:
    """A year or 年度 (or decade) resolved, before a month, a day or a part is cut from it."""

    interval: Interval
    unit: PeriodUnit
    year: int
    era: Era | None = None


@dataclass(frozen=True, slots=True)
class _Context:
    reference: date | None
    anchor: Period | None
    strict: bool


def _check_lunisolar(text: str, era: Era, era_year: int, start: date, strict: bool) -> None:
    """Era dates before 明治6年 (1873) count lunisolar months: their days are not Gregorian days."""
    if start >= GREGORIAN_ADOPTION:
        return
    message = (
        f"{era.name}{era_year}年 is before 明治6年 (1873), when Japan adopted the Gregorian calendar; "
        "dgplan does not convert lunisolar dates"
    )
    if strict:
        raise _period_error(text, message)
    warnings.warn(f"{text!r}: {message}; reading it as a Gregorian date", LenientParseWarning, stacklevel=5)


#: The first 年度 that ran from April to March (明治19年度, from 1886-04-01). Earlier ones ran from
#: July or from January; dgplan does not hold that history, so an earlier 年度 is refused.
FIRST_APRIL_FISCAL_YEAR = 1886


def _fiscal_year(text: str, year: int) -> Interval:
    """The April-March year of a 年度 written in ``text``; before 1886 there was none."""
    if year < FIRST_APRIL_FISCAL_YEAR:
        raise _period_error(
            text,
            f"{year}年度 is before 1886, when the April-March 年度 began; its months are not known to dgplan",
        )
    return FiscalYear(year).interval


def _read_era(words: PeriodWords, context: _Context) -> _Year:
    """令和3年度, 令和3年(2021年), 令和4年(2022年)度, R7.4: an era year, checked against its era and
    the Western year in brackets."""
    text, strict = words.text, context.strict
    era_token, year_token = words.era or words.abbr_era, words.eyear or words.abbr_year
    if era_token is None or year_token is None:
        raise _period_error(text, "expected an era year such as 令和3年")
    era = era_by_name(era_token)
    era_year = 1 if year_token == "元" else int(year_token)
    if era_year < 1:
        raise _period_error(text, f"era years start at 1 (元年); there is no year {era_year} of {era.name}")
    year = era.to_gregorian_year(era_year)
    # Every Western bracket must agree, not only the first (令和3(2021)年(2022年) is an error: spec §4c).
    # A bracket year broken by a line (（199\n2年度）, a space once normalised) is read whole: it is checked.
    for western in (words.west_a, words.west_b, words.west_c):
        if western is not None and int(western := western.replace(" ", "")) != year:
            message = (
                f"{era.name}{era_year}年{words.efy or ''} is {year}, but the Western year in brackets says {western}"
            )
            if strict:
                raise _period_error(text, message)
            warnings.warn(f"{text!r}: {message}; using {year} (the era year)", LenientParseWarning, stacklevel=4)
            break
    if words.ebr_era is not None and words.ebr_year is not None:
        _bracketed_era(text, words.ebr_era, words.ebr_year, year, strict)
    era_span = _era_span(era)
    if words.efy:
        fiscal = _fiscal_year(text, year)
        if not fiscal.overlaps(era_span) and strict:
            raise _period_error(text, f"{era.name}{era_year}年度 ({fiscal}) lies outside {era.name} ({_era_text(era)})")
        _check_lunisolar(text, era, era_year, fiscal.start, strict)
        return _Year(fiscal, "fiscal_year", year, era)
    calendar_year = Interval.year(year)
    clipped = calendar_year.intersection(era_span)
    if clipped is None:
        if strict:
            raise _period_error(text, f"{era.name} ended in {era.end}; {era.name}{era_year}年 does not exist")
        clipped = calendar_year
    _check_lunisolar(text, era, era_year, clipped.start, strict)
    return _Year(clipped, "year", year, era)


def _bracketed_era(text: str, era_token: str | None, year_token: str | None, year: int, strict: bool) -> Era | None:
    """2017年度（平成29年度）, FY2021（令和3年度）: the era year in brackets must name the same year,
    and exist. Returns the era, against which a month or day written after it is checked
    (2019年（平成31年）5月1日 is not a day of 平成)."""
    if era_token is None or year_token is None:
        return None
    era = era_by_name(era_token)
    era_year = 1 if year_token == "元" else int(year_token)
    message = None
    if era_year < 1 or era.to_gregorian_year(era_year) != year:
        message = f"{year} is not {era.name}{year_token}年 ({era.to_gregorian_year(max(era_year, 1))})"
    elif era.last_year is not None and era_year > era.last_year:
        message = f"{era.name} ended in its year {era.last_year} ({era.end}); {era.name}{year_token}年 does not exist"
    if message is not None:
        if strict:
            raise _period_error(text, message)
        warnings.warn(f"{text!r}: {message}; using {year}", LenientParseWarning, stacklevel=4)
        return None
    return era


def _read_western(words: PeriodWords, context: _Context) -> _Year:
    """2021年度, 2021年, 2017年度（平成29年度）, 2026(令和8)年度."""
    year = int(words.wyear or 0)
    era_token, year_token = words.wera or words.wera_inside, words.wera_year or words.wera_year_inside
    era = _bracketed_era(words.text, era_token, year_token, year, context.strict)
    if words.wfy or words.wera_fy or words.wfy_after or words.wfy_close:
        return _Year(_fiscal_year(words.text, year), "fiscal_year", year, era)
    return _Year(Interval.year(year), "year", year, era)


def _read_fy(words: PeriodWords, context: _Context) -> _Year:
    """FY2021, FY2021（令和3年度）."""
    year = int(words.fy or 0)
    _bracketed_era(words.text, words.fera, words.fera_year, year, context.strict)
    return _Year(_fiscal_year(words.text, year), "fiscal_year", year)


def _read_decade(words: PeriodWords, context: _Context) -> _Year:
    """2020年代: the ten calendar years 2020..2029."""
    year = int(words.decade or 0)
    return _Year(Interval(date(year, 1, 1), date(year + 9, 12, 31)), "decade", year)


def _read_date(words: PeriodWords, context: _Context) -> Period:
    """R3.4.1, H31/4/30, 2021-04-01: a whole date, read as parse_date reads it."""
    written = words.abbreviated or words.iso or ""
    try:
        day = parse_date(written, strict=context.strict)
    except EraError as error:
        raise _period_error(words.text, error.message.replace(repr(written), "", 1).lstrip(": ")) from None
    return _apply_modifiers(words, Period(Interval.day(day), "day", "day"), era=None)


def _read_next_diet(words: PeriodWords, context: _Context) -> Period:
    """次期通常国会: the ordinary Diet session convened in the January after the document's date."""
    reference = context.reference
    if reference is None:
        raise _period_error(words.text, "次期通常国会 is relative to the document's date; pass reference=")
    # The ordinary session is convened in January; in January itself "next" could mean either.
    if reference.month == 1:
        raise _period_error(
            words.text, f"次期通常国会 is ambiguous in January ({reference}); name the year (令和4年通常国会)"
        )
    year = reference.year + 1
    return Period(Interval(date(year, 1, 1), date(year, 6, 30)), "diet_session", "diet_session", True)


def _read_relative(words: PeriodWords, context: _Context) -> _Year | Period:
    """本年度, 来年度, 年内, 年度末 (the document's date); 同年, 同年度, 翌年度, 同月 (an earlier date)."""
    text, word = words.text, words.relative or ""
    unit, source, offset = _RELATIVE_WORDS[word]
    if source == "either":
        source = "reference" if context.anchor is None else "anchor"
    if unit in ("month", "diet_session") and word != "同月":
        return _relative_month(words, context, source, offset)
    if source == "reference":
        if context.reference is None:
            raise _period_error(text, f"{word} is relative to the document's date; pass reference=")
        fiscal = unit == "fiscal_year"
        year = (FiscalYear.from_date(context.reference).year if fiscal else context.reference.year) + offset
    else:
        anchor = context.anchor
        if anchor is None:
            raise _period_error(text, f"{word} refers to an earlier date, and there is none before it")
        if unit == "month":
            if anchor.unit not in ("month", "day", "dekad"):
                raise _period_error(text, "同月 refers to an earlier month, but the earlier date has none")
            if words.month_day is not None:
                raise _period_error(text, "同月 cannot be followed by another month")
            start = anchor.interval.start
            month = Interval.month(start.year, start.month)
            if words.mday is not None:  # 同月15日
                day = int(words.mday)
                if not 1 <= day <= month.end.day:
                    raise _period_error(text, f"{month.start:%Y-%m} has days 1 to {month.end.day}, not {day}")
                return Period(Interval.day(month.start.replace(day=day)), "day", "day")
            return _apply_modifiers(words, Period(month, "month", "month"), era=None)
        year = _anchor_year(anchor, unit == "fiscal_year") + offset
    interval = FiscalYear(year).interval if unit == "fiscal_year" else Interval.year(year)
    if word.endswith("末"):  # 年度末, 年末: the last month of this year or 年度
        last_month = Interval(interval.end.replace(day=1), interval.end)
        return _apply_modifiers(words, Period(last_month, "end", unit), era=None)
    return _Year(interval, unit, year)


def _relative_month(words: PeriodWords, context: _Context, source: str, offset: int) -> Period:
    """今月, 先月, 来月, 前月, 翌月, 月内, 年明け, 今通常国会: months counted from the document's
    month (or, for 前月 and 翌月, from the passage's month where it names one)."""
    text, word = words.text, words.relative or ""
    if source == "anchor":
        anchor = context.anchor
        if anchor is None or anchor.unit not in ("month", "day", "dekad", "end"):
            raise _period_error(text, f"{word} refers to an earlier month, and the earlier date has none")
        base = anchor.interval.start
    else:
        if context.reference is None:
            raise _period_error(text, f"{word} is relative to the document's date; pass reference=")
        base = context.reference
    if words.month_day is not None:
        raise _period_error(text, f"{word} cannot be followed by another month")
    if word == "今通常国会":
        # The ordinary session sits from January into June; after June "this session" is over.
        if base.month > 6:
            raise _period_error(
                text, f"今通常国会 in a document of {base} (after June) names no session; name the year"
            )
        return Period(Interval(date(base.year, 1, 1), date(base.year, 6, 30)), "diet_session", "diet_session", True)
    if word == "年明け":
        # January of the next year; in January itself it could be this month or next year's.
        if base.month == 1:
            raise _period_error(text, f"年明け is ambiguous in January ({base}); name the month")
        return Period(Interval.month(base.year + 1, 1), "month", "month", True)
    first = base.replace(day=1) + relativedelta(months=offset)
    month = Period(Interval.month(first.year, first.month), "month", "month")
    if word == "月内":  # by the end of the month: a deadline, as 末 is
        return Period(month.interval, "end", "month")
    return _apply_modifiers(words, month, era=None)


def _read_yearless(words: PeriodWords, context: _Context) -> _Year:
    """6月, 4月16日: a month without a year takes the earlier period's, or the document's."""
    month_day = words.month_day
    if month_day is None:
        raise _period_error(words.text, "expected a period such as 令和3年度, 令和4年夏 or 2021年10月")
    year = _yearless_month_year(words.text, month_day[0], context.reference, context.anchor)
    return _Year(Interval.year(year), "year", year)


_READERS: dict[str, Callable[[PeriodWords, _Context], _Year | Period]] = {
    "era": _read_era,
    "western": _read_western,
    "fy": _read_fy,
    "decade": _read_decade,
    "date": _read_date,
    "next_diet": _read_next_diet,
    "relative": _read_relative,
    "yearless": _read_yearless,
}


def _anchor_year(anchor: Period, fiscal: bool) -> int:
    """The year an anchored phrase refers to. After a 年度 (or a part of one, 令和3年度末), 同年 is
    the year with the same number (令和3年), so both readings take the fiscal year's number."""
    if fiscal or anchor.is_fiscal:
        return FiscalYear.from_date(anchor.interval.start).year
    return anchor.interval.start.year


def resolve_period(
    match: re.Match[str],
    *,
    text: str,
    reference: date | None,
    anchor: Period | None,
    strict: bool = True,
) -> Period:
    """Turn a match of :data:`PERIOD_PATTERN` into a :class:`Period`.

    ``text`` is the phrase as the user wrote it (quoted in errors); ``reference`` the document's
    date, for relative words (本年度, 来年度) and for months written with no year and no earlier
    date (``anchor``) to take theirs from; ``anchor`` the nearest preceding explicit period, for
    同年, 同年度, 同月 and months written without a year.
    """
    words = PeriodWords.from_match(match, text)
    try:
        return _resolve(words, _Context(reference, anchor, strict))
    except DgplanError as error:
        if error.text == text:
            raise
        raise _period_error(text, error.message) from None  # FiscalYear(9999) does not know the text
    except (ValueError, OverflowError):
        # A period that reaches past the calendar (9999年度's March, 0000年): no date can hold it.
        raise _period_error(text, "reaches outside the years 1 to 9999 that dates can hold") from None


def _yearless_month_year(text: str, month: int, reference: date | None, anchor: Period | None) -> int:
    """The year of a month written with none: the earlier period's, or the first such month on or
    after the document's month (6月 in a plan of 2024-04-22 is June 2024, 3月 is 2025's; 4月21日
    is 2024's: a day of the document's own month stays in it)."""
    if anchor is not None:
        year = _anchor_year(anchor, anchor.is_fiscal)
        return year + 1 if anchor.is_fiscal and 1 <= month <= 3 else year
    if reference is None:
        raise _period_error(
            text,
            "a month without a year needs an earlier date, or the document's date (reference=), to take its year from",
        )
    # A day of the document's own month is that month's, even before the document's day (spec §4d):
    # 6月8日から12日まで in a notice of 6月10日 is that week, not next year's.
    if month >= reference.month:
        return reference.year
    return reference.year + 1


def _resolve(words: PeriodWords, context: _Context) -> Period:
    """The form's reader gives a year (or a finished period); then its month, day and part."""
    read = _READERS[words.form](words, context)
    if isinstance(read, Period):
        return read
    base = Period(read.interval, read.unit, read.unit)
    if words.month_day is not None:
        base = _month_or_day(words, read)
    elif words.weekday is not None:
        raise _period_error(words.text, "a weekday in brackets needs a day before it")
    return _apply_modifiers(words, base, era=read.era)


def _month_or_day(words: PeriodWords, year: _Year) -> Period:
    """The month (or day) written after a year or a 年度."""
    text, unit, era = words.text, year.unit, year.era
    month_day = words.month_day
    if month_day is None:
        raise _period_error(text, "expected a month")
    month_number, day_number = month_day
    if unit not in ("year", "fiscal_year"):
        raise _period_error(text, "a month can follow a year, not a decade")
    if not 1 <= month_number <= 12:
        raise _period_error(text, f"month {month_number} does not exist")
    month_year = year.year
    if unit == "fiscal_year":
        # A month after a 年度 (令和3年度2月) falls in the fiscal year: January-March are next year's.
        month_year = year.year + 1 if month_number < 4 else year.year
        era = None  # a 年度 is never clipped to its era, nor are its months (令和元年度4月 is April 2019)
    month_interval = Interval.month(month_year, month_number)
    if day_number is None:
        if words.weekday is not None:
            raise _period_error(text, "a weekday in brackets needs a day before it")
        if era is not None:
            clipped = month_interval.intersection(_era_span(era))
            if clipped is None:
                raise _period_error(text, f"{month_interval} is outside {era.name} ({_era_text(era)})")
            month_interval = clipped
        # A month written after a 年度 stays a month of that 年度, for the months that lean on it.
        return Period(month_interval, "month", "fiscal_year" if unit == "fiscal_year" else "month")
    last = month_interval.end.day
    if day_number == -1:
        day_number = last
    if not 1 <= day_number <= last:
        raise _period_error(text, f"{month_year}-{month_number:02d} has days 1 to {last}, not {day_number}")
    day = date(month_year, month_number, day_number)
    if era is not None and day not in era:
        raise _period_error(text, f"{day} is outside {era.name} ({_era_text(era)}); did you mean {format_wareki(day)}?")
    weekday = words.weekday
    if weekday is not None and "月火水木金土日"[day.weekday()] != weekday:
        actual = "月火水木金土日"[day.weekday()]
        raise _period_error(text, f"{day.isoformat()} is a {actual}曜日, not a {weekday}曜日")
    return Period(Interval.day(day), "day", "day")


def _apply_modifiers(words: PeriodWords, base: Period, *, era: Era | None) -> Period:
    """Cut the part a modifier names (第2四半期, 上期, 夏, 末, 当初, 早期, 通常国会, 上旬) out of ``base``.

    Parts of an era year are cut from the whole calendar year, then clipped to the era
    (令和元年上期 is 2019-05-01..2019-06-30); a part wholly outside the era is an error. A 年度 is
    never clipped (令和元年度 = FY2019), and neither are its parts.
    """
    unit = base.unit
    interval = Interval.year(base.interval.start.year) if unit == "year" else base.interval
    part = _cut_part(words, interval, unit)
    if part is None:
        return base
    if era is not None and unit != "fiscal_year":
        clipped = part.interval.intersection(_era_span(era))
        if clipped is None:
            raise _period_error(words.text, f"{part.interval} lies outside {era.name} ({_era_text(era)})")
        part = Period(clipped, part.unit, part.base_unit, part.approximate)
    return part


def _cut_part(words: PeriodWords, interval: Interval, unit: PeriodUnit) -> Period | None:
    text = words.text

    def need(*units: PeriodUnit) -> None:
        if unit not in units:
            names = {"fiscal_year": "年度", "year": "年", "month": "月", "decade": "年代", "day": "日"}
            allowed = "/".join(names.get(u, u) for u in units)
            raise _period_error(text, f"this modifier applies to a {allowed}, not to a {names.get(unit, unit)}")

    def months(start: date, count: int) -> Interval:
        return Interval(start, start + relativedelta(months=count) - timedelta(days=1))

    start = interval.start
    if words.middle is not None:
        if unit == "month" and words.middle == "半ば":
            return Period(Interval(start.replace(day=11), start.replace(day=20)), "dekad", unit, approximate=True)
        # 年度半ば, 中頃: plans use it for anything from the second to the third quarter.
        raise _period_error(text, f"{words.middle} (the middle of a period) has no agreed first and last day")
    quarter = words.quarter or words.quarter_q
    if quarter is not None:
        need("fiscal_year", "year")
        return Period(months(_month_start(start, 3 * (int(quarter) - 1)), 3), "quarter", unit)
    if words.half is not None:
        need("fiscal_year", "year", "decade")
        second = _HALVES[words.half]
        if unit == "decade":
            first_year = start.year + 5 * second
            return Period(Interval(date(first_year, 1, 1), date(first_year + 4, 12, 31)), "half", unit)
        return Period(months(_month_start(start, 6 * second), 6), "half", unit)
    if words.season is not None:
        need("fiscal_year", "year")
        season = months(date(start.year, _SEASON_START_MONTH[words.season], 1), 3)
        if unit == "fiscal_year" and season.start < start:
            season = Interval(start, season.end)  # 年度 spring: March belongs to the previous 年度
        return Period(season, "season", unit)
    if words.end is not None:
        need("fiscal_year", "year", "month", "decade")
        return Period(Interval(interval.end.replace(day=1), interval.end), "end", unit)
    if words.beginning is not None:
        need("fiscal_year", "year", "month", "decade")
        return Period(months(start.replace(day=1), 1), "beginning", unit)
    if words.early is not None:
        need("fiscal_year", "year", "decade")
        if unit == "decade":
            return Period(Interval(start, date(start.year + 2, 12, 31)), "early", unit, approximate=True)
        # 早々: at the very start, its first month; 早期 and 早い時期: its first quarter.
        return Period(months(start, 1 if words.early == "早々" else 3), "early", unit, approximate=True)
    if words.diet is not None:
        need("year")
        return Period(months(date(start.year, 1, 1), 6), "diet_session", unit, approximate=True)
    if words.dekad is not None:
        need("month")
        low, high = _DEKADS[words.dekad]
        end_day = min(high, calendar.monthrange(start.year, start.month)[1])
        return Period(Interval(start.replace(day=low), start.replace(day=end_day)), "dekad", unit)
    return None


# ISO 8601's start/end, both dates in full (2021/4/1 alone stays a date).
_ISO_INTERVAL = LazyPattern(r"\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}")
# The two commonest periods written in full, 令和3年度 and 令和3年4月1日: the era's name, the year
# without a leading zero, nothing else. Built from the era table, like the grammar's patterns.
_PLAIN_ERA_PERIOD = LazyPattern(
    "(" + "|".join(era.name for era in ERAS) + ")(元|[1-9][0-9]?)年(?:(度)|([1-9]|1[0-2])月([1-9]|[12][0-9]|3[01])日)"
)


def _plain_era_period(normal: str) -> Period | None:
    """The general path's answer for 令和3年度 or 令和3年4月1日, where it is certain without it: a
    day that exists, in its era, in a year whose part in the era starts after 1872 (no lunisolar
    months); a 年度 from 1886 that overlaps its era. None for every other text and every doubt:
    the general path reads those, with its errors (a test compares the two)."""
    match = _PLAIN_ERA_PERIOD.fullmatch(normal)
    if match is None:
        return None
    era_name, year_token, fiscal_mark, month, day = match.groups()
    era = era_by_name(era_name)
    year = era.to_gregorian_year(1 if year_token == "元" else int(year_token))
    if fiscal_mark is not None:
        if not FIRST_APRIL_FISCAL_YEAR <= year <= 9998:
            return None
        interval = FiscalYear(year).interval
        return Period(interval, "fiscal_year", "fiscal_year") if interval.overlaps(_era_span(era)) else None
    month_number, day_number = int(month), int(day)
    if year > 9999 or day_number > calendar.monthrange(year, month_number)[1]:
        return None
    the_day = date(year, month_number, day_number)
    if the_day not in era or max(date(year, 1, 1), era.start) < GREGORIAN_ADOPTION:
        return None
    return Period(Interval.day(the_day), "day", "day")


_NO_QUARTER = LazyPattern(r"第?(?P<quarter>0|[5-9]|\d{2,})(?:四半期|Q)")
# What ends a deadline phrase rather than a period (令和6年夏頃, 令和5年度末までに): parse_deadline reads those.
_DEADLINE_ENDINGS = (
    *("までに", "まで", "頃", "ごろ", "を目途に", "を目途", "目途", "めど"),
    *("予定", "程度", "以降", "から"),
)


def _period_hint(normal: str) -> str | None:
    """Why a text that is no period comes close to one: a quarter past the fourth (第5四半期), or a
    period followed by a deadline's words (令和6年夏頃), which parse_deadline reads."""
    quarter = _NO_QUARTER.search(normal)
    if quarter is not None:
        return f"a fiscal year has quarters 1 to 4 (第1四半期..第4四半期), not quarter {int(quarter['quarter'])}"
    for ending in _DEADLINE_ENDINGS:
        head = normal.removesuffix(ending)
        if head != normal and head and PERIOD_PATTERN.fullmatch(head) is not None:
            return (
                f"{head!r} is a period, and {ending!r} makes the whole a deadline phrase:"
                f" parse_deadline({normal!r}) reads it, parse_period({head!r}) the period alone"
            )
    return None


def _parse_period_exact(
    text: str, *, reference: date | None, anchor: Period | None, expected: str, strict: bool = True
) -> Period:
    # A strict reading warns of nothing and its answer is a frozen value, so a phrase read before
    # (a plan's periods repeat: 令和3年度 on every other row) is answered from a bounded cache.
    # Only plain str and date keys: a subclass could compare equal and mean something else.
    if strict and anchor is None and type(text) is str and (reference is None or type(reference) is date):
        return _cached_period(text, reference, expected)
    return _read_period(text, reference=reference, anchor=anchor, expected=expected, strict=strict)


@functools.lru_cache(maxsize=4096)
def _cached_period(text: str, reference: date | None, expected: str) -> Period:
    return _read_period(text, reference=reference, anchor=None, expected=expected, strict=True)


def _read_period(
    text: str, *, reference: date | None, anchor: Period | None, expected: str, strict: bool = True
) -> Period:
    if not isinstance(text, str):
        raise PeriodError(f"{text!r} is not a string; expected {expected}")
    normal = normalize_phrase(text)
    plain = _plain_era_period(normal)
    if plain is not None:
        return plain
    label = _QUARTER_LABEL.fullmatch(normal)
    if label is not None:
        quarter = FiscalQuarter(int(label["year"]), int(label["quarter"]))
        return Period(quarter.interval, "quarter", "fiscal_year")
    if ".." in normal or _ISO_INTERVAL.fullmatch(normal):
        return Period(Interval.parse(text), "day", "day")
    match = PERIOD_PATTERN.fullmatch(normal)
    if match is None or not normal:
        # A lone date in any form parse_date reads (R3.4.1, 2021-04-01) is a period of one day.
        try:
            day = parse_date(text, strict=strict)
        except EraError:
            hint = _period_hint(normal)
            if hint is not None:
                raise PeriodError(f"{text!r} is not a period: {hint}", text=text) from None
            raise PeriodError(f"{text!r} is not a period; expected {expected}", text=text) from None
        return Period(Interval.day(day), "day", "day")
    try:
        return resolve_period(match, text=text, reference=reference, anchor=anchor, strict=strict)
    except PeriodError:
        raise
    except DgplanError as error:
        raise PeriodError(error.message, text=text) from error


def parse_period(text: str, *, reference: date | None = None) -> Interval:
    """Resolve a period phrase to the closed interval of days it names (spec §3).

    年度, 年, 月, 日, 四半期, 上期/下期/上半期/下半期/前半/後半, 春/夏/秋/冬, 末, 当初/初め/初頭/冒頭,
    早期, 通常国会, 上旬/中旬/下旬, 2020年代, and the relative words 本年度, 今年度, 来年度, 本年,
    年内 and 次期通常国会, which need ``reference`` (the document's own date). The labels dgplan
    writes are read too: ``FY2021``, ``FY2021-Q2`` and ``2021-04-01..2021-06-30`` (or ISO 8601's
    ``2021-04-01/2021-06-30``).

    >>> parse_period("令和3年度末")
    Interval(datetime.date(2022, 3, 1), datetime.date(2022, 3, 31))
    >>> parse_period("来年度", reference=date(2021, 6, 18))
    Interval(datetime.date(2022, 4, 1), datetime.date(2023, 3, 31))
    """
    return parse_period_detail(text, reference=reference).interval


def parse_period_detail(text: str, *, reference: date | None = None, strict: bool = True) -> Period:
    """Like :func:`parse_period`, but return the :class:`Period` with its unit and approximate flag.

    >>> parse_period_detail("令和4年度早期").approximate
    True
    """
    return _parse_period_exact(
        text,
        reference=reference,
        anchor=None,
        expected="a period such as 令和3年度, 令和4年夏, 令和3年度第2四半期 or 令和3年10月",
        strict=strict,
    )
