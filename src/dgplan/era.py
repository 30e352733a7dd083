"""Japanese eras (元号): the era table, parsing and formatting of era dates.

>>> parse_date("令和元年5月1日")
datetime.date(2019, 5, 1)
>>> format_wareki(date(2021, 4, 1))
'令和3年4月1日'
"""

from __future__ import annotations

import calendar
import os
import sys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from dgplan import _compact
from dgplan._text import LazyPattern, normalize_phrase
from dgplan.errors import EraError, LenientParseWarning

__all__ = [
    "ERAS",
    "GREGORIAN_ADOPTION",
    "Era",
    "WarekiStyle",
    "era_by_name",
    "era_of",
    "format_wareki",
    "parse_date",
    "parse_era_year",
    "register_era",
]

#: Japan adopted the Gregorian calendar on 明治6年1月1日; era dates before it are lunisolar.
GREGORIAN_ADOPTION = date(1873, 1, 1)


@dataclass(frozen=True, slots=True)
class Era:
    """One era: its name, the letter used in abbreviations, and its first and last day (inclusive).

    >>> from datetime import date
    >>> from dgplan import era_of
    >>> era = era_of(date(2021, 4, 1))
    >>> era.name, era.letter, era.start, date(2021, 4, 1) in era
    ('令和', 'R', datetime.date(2019, 5, 1), True)
    """

    name: str
    romaji: str
    letter: str
    start: date
    end: date | None  # None while the era is current

    def to_gregorian_year(self, era_year: int) -> int:
        """The calendar year of year ``era_year`` of this era (元年 is 1)."""
        return self.start.year + era_year - 1

    def year_of(self, day: date) -> int:
        """The era year in which ``day`` falls (it need not lie in the era)."""
        return day.year - self.start.year + 1

    @property
    def last_year(self) -> int | None:
        """The last era year (平成: 31), or None for the current era."""
        return None if self.end is None else self.year_of(self.end)

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        return self.start <= day and (self.end is None or day <= self.end)

    def __repr__(self) -> str:
        return f"Era({self.name!r})"


_KNOWN_ERAS: tuple[Era, ...] = (
    Era("明治", "Meiji", "M", date(1868, 1, 25), date(1912, 7, 29)),
    Era("大正", "Taisho", "T", date(1912, 7, 30), date(1926, 12, 24)),
    Era("昭和", "Showa", "S", date(1926, 12, 25), date(1989, 1, 7)),
    Era("平成", "Heisei", "H", date(1989, 1, 8), date(2019, 4, 30)),
    Era("令和", "Reiwa", "R", date(2019, 5, 1), None),
)
ERAS: tuple[Era, ...] = _KNOWN_ERAS
"""The eras since 明治, oldest first; the last is current (its ``end`` is None). An era added by
:func:`register_era` or ``DGPLAN_EXTRA_ERA`` comes last.

>>> [(era.name, era.letter, era.start.year) for era in _KNOWN_ERAS[-2:]]
[('平成', 'H', 1989), ('令和', 'R', 2019)]
"""

_ERA_LOOKUP: dict[str, Era] = {}
ERA_TOKEN = ""
ERA_FIRST_CHARS = ""


def _set_vocabulary(eras: tuple[Era, ...]) -> None:
    """Make ``eras`` the table and generate every spelling from it (one source for the vocabulary)."""
    global ERAS, ERA_TOKEN, ERA_FIRST_CHARS
    ERAS = eras
    _ERA_LOOKUP.clear()
    for era in eras:
        _ERA_LOOKUP[era.name] = era
        _ERA_LOOKUP[era.name[0]] = era
        _ERA_LOOKUP[era.letter] = era
        _ERA_LOOKUP[era.romaji.upper()] = era
    # Regex alternation of every way an era is written in a date (令和, 令, R, r).
    ERA_TOKEN = (
        "(?:"
        + "|".join(era.name for era in eras)
        + "|["
        + "".join(era.name[0] for era in eras)
        + "]|["
        + "".join(era.letter + era.letter.lower() for era in eras)
        + "](?![A-Za-z]))"
    )
    # Every character ERA_TOKEN can start with (for scanners that look for where a date may start).
    ERA_FIRST_CHARS = "".join(
        sorted({era.name[0] for era in eras} | {c for era in eras for c in era.letter + era.letter.lower()})
    )


#: The modules that build their patterns and tables from the era vocabulary when imported: an era
#: registered after one of them is loaded would be read by some parsers and not others.
_VOCABULARY_READERS = ("dgplan.fiscal", "dgplan.deadline", "dgplan.pandas", "dgplan.polars", "dgplan.extract")
#: The environment variable that adds the next era without a new release: ``名前,2040-05-01,X``.
EXTRA_ERA_VARIABLE = "DGPLAN_EXTRA_ERA"


def _checked_era(name: object, first_day: object, abbreviation: object, romaji: str | None, source: str) -> Era:
    """The new era, or an :class:`EraError` that says what is wrong with it and where it came from."""
    import unicodedata  # only for an era added at runtime: not at every start of the command

    current = ERAS[-1]
    if not isinstance(name, str) or not 1 <= len(name) <= 4:
        raise EraError(f"{source}: era name {name!r}: expected one name of one to four kanji", text=str(name))
    if not all(unicodedata.name(char, "").startswith("CJK UNIFIED IDEOGRAPH") for char in name) or (
        unicodedata.normalize("NFKC", name) != name
    ):
        raise EraError(f"{source}: era name {name!r}: expected one name of one to four kanji", text=name)
    used_first = {era.name[0] for era in ERAS}
    if name in _ERA_LOOKUP or name[0] in used_first:
        raise EraError(
            f"{source}: era name {name!r}: its name or first kanji is already an era's"
            f" ({', '.join(e.name for e in ERAS)})",
            text=name,
        )
    if not isinstance(abbreviation, str) or len(abbreviation) != 1 or not ("A" <= abbreviation <= "Z"):
        raise EraError(
            f"{source}: abbreviation {abbreviation!r}: expected one capital letter A-Z", text=str(abbreviation)
        )
    if abbreviation in {era.letter for era in ERAS}:
        raise EraError(f"{source}: abbreviation {abbreviation!r} is already an era's letter", text=abbreviation)
    if not isinstance(first_day, date) or first_day <= current.start:
        raise EraError(
            f"{source}: first day {first_day!r}: expected a date after the start of {current.name} ({current.start})",
            text=str(first_day),
        )
    return Era(name, romaji or name, abbreviation, first_day, None)


def register_era(name: str, first_day: date, abbreviation: str, *, romaji: str | None = None) -> Era:
    """Add the era after the last one dgplan knows, the day it is announced, without a new release.

    ``name`` is the era's kanji (one name), ``first_day`` its first day (after the start of the
    current era, whose last day becomes the day before), ``abbreviation`` its letter (one capital
    not in use). Every reader honours it: :func:`parse_date`, :func:`format_wareki`, era years and
    年度, deadline phrases, the compiled reader of ``dgplan.pandas``, the command. The readers build
    their patterns from the table when first imported, so register before reading any period
    (scripts and cron jobs can set ``DGPLAN_EXTRA_ERA="名前,2040-05-01,X"`` instead, read once at
    import). Registering the same era again is a no-op; anything else that does not fit raises
    :class:`EraError`.

    >>> register_era("令和", date(2040, 5, 1), "R")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dgplan.errors.EraError: register_era: era name '令和': its name or first kanji is already an era's (明治, ...)
    """
    if ERAS[-1] != _KNOWN_ERAS[-1] and (ERAS[-1].name, ERAS[-1].start, ERAS[-1].letter) == (
        name,
        first_day,
        abbreviation,
    ):
        return ERAS[-1]
    era = _checked_era(name, first_day, abbreviation, romaji, "register_era")
    loaded = [module for module in _VOCABULARY_READERS if module in sys.modules]
    if loaded:
        raise EraError(
            f"register_era({name!r}): {', '.join(loaded)} already built its patterns from the era table; "
            f"register the era before reading any period, or set {EXTRA_ERA_VARIABLE}",
            text=name,
        )
    previous = ERAS[-1]
    ended = Era(previous.name, previous.romaji, previous.letter, previous.start, first_day - timedelta(days=1))
    _set_vocabulary((*ERAS[:-1], ended, era))
    _compile_patterns()
    return era


def _era_from_environment(value: str) -> None:
    source = f"{EXTRA_ERA_VARIABLE}={value!r}"
    parts = [part.strip() for part in value.split(",")]
    if len(parts) not in (3, 4):
        raise EraError(f"{source}: expected name,first day,letter such as 名前,2040-05-01,X", text=value)
    try:
        first_day = date.fromisoformat(parts[1])
    except ValueError:
        raise EraError(
            f"{source}: first day {parts[1]!r}: expected an ISO date such as 2040-05-01", text=value
        ) from None
    era = _checked_era(parts[0], first_day, parts[2], parts[3] if len(parts) == 4 else None, source)
    previous = ERAS[-1]
    ended = Era(previous.name, previous.romaji, previous.letter, previous.start, first_day - timedelta(days=1))
    _set_vocabulary((*ERAS[:-1], ended, era))


_set_vocabulary(_KNOWN_ERAS)
# Read once, at import: a script or cron job that cannot change code names the next era here.
if os.environ.get(EXTRA_ERA_VARIABLE, "").strip():
    _era_from_environment(os.environ[EXTRA_ERA_VARIABLE])
#: Regex of an era year: 元 or one to two digits (after normalisation).
ERA_YEAR_TOKEN = r"(?:元|\d{1,2})"

_WEEKDAYS = "月火水木金土日"
#: A weekday in brackets after a day, (水) or (水曜日); checked against the date, then ignored.
WEEKDAY_TOKEN = rf"(?:\((?P<weekday>[{_WEEKDAYS}])(?:曜日?)?(?:・祝日?)?\))"
#: Words that name a day of a month without a number: 朔日 (the 1st), 晦日 and 末日 (the last day).
DAY_WORDS = {"朔日": 1, "晦日": -1, "末日": -1}
#: The day part after a year: 4月1日, 4月朔日, 12月晦日, 元日 (1 January), or 1/1.
DAY_OF_YEAR_TOKEN = (
    r"(?:(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日|(?P<dayword>朔日|晦日|末日))"
    r"|(?P<newyear>元日|元旦)|(?P<yearend>大晦日)|(?P<smonth>\d{1,2})/(?P<sday>\d{1,2})(?![\d/]))"
)


_ERA_DATE: LazyPattern
_ERA_ABBREVIATED: LazyPattern
_WESTERN_DATE: LazyPattern
_ERA_YEAR: LazyPattern
_LONG_ERA_YEAR: LazyPattern


def _compile_patterns() -> None:
    """The date patterns, from the era vocabulary (again after :func:`register_era`)."""
    global _ERA_DATE, _ERA_ABBREVIATED, _WESTERN_DATE, _ERA_YEAR, _LONG_ERA_YEAR
    _ERA_DATE = LazyPattern(
        rf"(?P<era>{ERA_TOKEN})(?P<year>{ERA_YEAR_TOKEN})"
        r"(?:\((?P<west_a>\d{4})\))?年(?:\((?P<west_b>\d{4})年?\))?"
        rf"{DAY_OF_YEAR_TOKEN}{WEEKDAY_TOKEN}?"
    )
    _ERA_ABBREVIATED = LazyPattern(
        rf"(?P<era>{ERA_TOKEN})(?P<year>{ERA_YEAR_TOKEN})(?P<sep>[./-])(?P<month>\d{{1,2}})(?P=sep)(?P<day>\d{{1,2}})"
        rf"{WEEKDAY_TOKEN}?"
    )
    _WESTERN_DATE = LazyPattern(
        r"(?P<year>\d{4})(?:(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"
        rf"|年(?:\((?P<wera>{ERA_TOKEN})(?P<wera_year>{ERA_YEAR_TOKEN})年\))?"
        rf"(?P<jmonth>\d{{1,2}})月(?:(?P<jday>\d{{1,2}})日|(?P<dayword>朔日|晦日|末日))|年(?P<newyear>元日|元旦)"
        r"|年(?P<yearend>大晦日))"
        rf"{WEEKDAY_TOKEN}?"
    )
    _ERA_YEAR = LazyPattern(
        rf"(?P<era>{ERA_TOKEN})(?P<year>{ERA_YEAR_TOKEN})(?:\((?P<west_a>\d{{4}})\))?年?(?:\((?P<west_b>\d{{4}})年?\))?"
    )

    _LONG_ERA_YEAR = LazyPattern(rf"(?P<era>{ERA_TOKEN})(?P<year>\d{{3,}})年?")


_compile_patterns()


def month_day_of(groups: dict[str, str | None]) -> tuple[int, int | None] | None:
    """The (month, day) a :data:`DAY_OF_YEAR_TOKEN` match names; day -1 is the month's last day.

    None when no month was written; day None when only the month was.
    """
    if groups.get("newyear"):
        return 1, 1
    if groups.get("yearend"):
        return 12, -1
    if groups.get("smonth"):
        return int(groups["smonth"] or 0), int(groups["sday"] or 0)
    month = groups.get("month") or groups.get("jmonth")
    if month is None:
        return None
    word = groups.get("dayword")
    if word:
        return int(month), DAY_WORDS[word]
    day = groups.get("day") or groups.get("jday")
    return int(month), None if day is None else int(day)


_EXPECTED_DATE = "expected a date such as 令和3年4月1日, 令和元年5月1日, R3.4.1, H31/4/30, 2021-04-01 or 2021年4月1日"


def era_by_name(name: str) -> Era:
    """Look an era up by its name (令和), first kanji (令), letter (R) or romaji (Reiwa).

    >>> era_by_name("H")
    Era('平成')
    """
    era = _ERA_LOOKUP.get(name if not name.isascii() else name.upper())
    if era is None:
        raise EraError(f"{name!r} is not a known era; expected one of {', '.join(e.name for e in ERAS)}", text=name)
    return era


def era_of(day: date) -> Era:
    """The era in force on ``day``.

    >>> era_of(date(2019, 4, 30)), era_of(date(2019, 5, 1))
    (Era('平成'), Era('令和'))
    """
    for era in reversed(ERAS):
        if day >= era.start:
            return era
    raise EraError(f"{day.isoformat()!r} is before the first era dgplan knows (明治, from {ERAS[0].start})")


def _era_year_number(token: str) -> int:
    return 1 if token == "元" else int(token)


def _check_western(text: str, era: Era, era_year: int, western: str | None, *, strict: bool, kind: str = "年") -> None:
    if western is None:
        return
    expected = era.to_gregorian_year(era_year)
    if int(western) != expected:
        message = (
            f"{text!r}: {era.name}{_year_label(era_year)}{kind} is {expected}, "
            f"but the Western year in brackets says {western}"
        )
        if strict:
            raise EraError(message, text=text)
        warnings.warn(message + f"; using {expected} (the era year)", LenientParseWarning, stacklevel=4)


def _year_label(era_year: int) -> str:
    return "元" if era_year == 1 else str(era_year)


def _check_era_year(text: str, era: Era, era_year: int, *, strict: bool) -> int:
    """Return the calendar year of an era year; year 0 is always an error, years past the era's end are
    an error unless ``strict`` is False (平成32年 is seen in real documents meaning 2020)."""
    if era_year < 1:
        raise EraError(f"{text!r}: era years start at 1 (元年); there is no year {era_year} of {era.name}", text=text)
    year = era.to_gregorian_year(era_year)
    if era.last_year is not None and era_year > era.last_year:
        message = (
            f"{text!r}: {era.name} ended in its year {era.last_year} ({era.end}); {era.name}{era_year}年 does not exist"
        )
        if strict:
            raise EraError(message, text=text)
        warnings.warn(message + f"; reading it as {year}", LenientParseWarning, stacklevel=4)
    return year


def _make_date(text: str, year: int, month: int, day: int) -> date:
    if not 1 <= year <= 9999:
        raise EraError(f"{text!r}: year {year} is outside the years 1 to 9999 that dates can hold", text=text)
    if not 1 <= month <= 12:
        raise EraError(f"{text!r}: month {month} does not exist; " + _EXPECTED_DATE, text=text)
    last = calendar.monthrange(year, month)[1]
    if day == -1:  # 晦日, 末日: the month's last day
        day = last
    if not 1 <= day <= last:
        raise EraError(f"{text!r}: {year}-{month:02d} has days 1 to {last}, not {day}", text=text)
    return date(year, month, day)


def _check_weekday(text: str, day: date, weekday: str | None) -> None:
    if weekday is not None and _WEEKDAYS[day.weekday()] != weekday:
        actual = _WEEKDAYS[day.weekday()]
        raise EraError(f"{text!r}: {day.isoformat()} is a {actual}曜日, not a {weekday}曜日", text=text)


def _suggestion(day: date) -> str:
    try:
        return format_wareki(day)
    except EraError:
        return day.isoformat()


def _check_in_era(text: str, era: Era, day: date, *, strict: bool) -> None:
    if day in era:
        if day < GREGORIAN_ADOPTION:
            message = (
                f"{text!r}: dates before 明治6年 (1873) are in the lunisolar calendar, which dgplan does not convert"
            )
            if strict:
                raise EraError(message, text=text)
            warnings.warn(message + "; reading it as a Gregorian date", LenientParseWarning, stacklevel=4)
        return
    if day < era.start:
        message = f"{text!r} is before the start of {era.name} ({era.start.isoformat()})"
    else:
        message = f"{text!r} is after the end of {era.name} ({era.end})"
    message += f"; did you mean {_suggestion(day)}?"
    if strict:
        raise EraError(message, text=text)
    warnings.warn(message + f" Reading it as {day.isoformat()}.", LenientParseWarning, stacklevel=4)


def parse_date(
    text: str | int,
    *,
    strict: bool = True,
    format: Literal["gyymmdd", "g-yymmdd"] | None = None,
    codes: Mapping[int, str | Era] | None = None,
) -> date:
    """Parse one date written the Japanese way, or in ISO form.

    Accepts 令和3年4月1日, 令和元年5月1日, 令和３年（2021年）９月１日, 令和三年九月一日, R3.4.1, H31/4/30,
    令3.4.1, R03.04.01, 2021-04-01, 2021/4/1, 2021年4月1日, and ISO 8601's basic form 20210401:
    exactly eight digits, year month day, and only as a string (the number 20210401 is refused,
    as is any other run of digits: 2021041 or 210401 could be several dates); white space is ignored and a weekday
    in brackets (令和3年4月1日(木)) is checked. Raises :class:`EraError` quoting the input for
    anything else, and for dates outside their era (平成31年5月1日), year 0, impossible days and
    a Western year in brackets that disagrees with the era year. With ``strict=False`` a date
    outside its era is read as the Gregorian date it names, with a :class:`LenientParseWarning`.

    >>> parse_date("令和３年（2021年）９月１日")
    datetime.date(2021, 9, 1)
    >>> parse_date("H31/4/30")
    datetime.date(2019, 4, 30)
    >>> parse_date("20210401")
    datetime.date(2021, 4, 1)

    Records store era dates compactly. An era letter and YYMMDD (``S501231``, ``r030401``) is read
    like any other form. The 元号コード forms are numbers that may mean anything else, so they are read
    only with ``format``: ``"gyymmdd"`` (``3501231``, a string or an int) or ``"g-yymmdd"``
    (``3-501231``, ``3.50.12.31``); every value must then be in that form. Codes are 1 明治, 2 大正,
    3 昭和, 4 平成, 5 令和 (each era's place in :data:`ERAS`); ``codes`` gives another table.

    >>> parse_date("H310430"), parse_date(5030401, format="gyymmdd")
    (datetime.date(2019, 4, 30), datetime.date(2021, 4, 1))
    """
    if format is not None or codes is not None:
        return _parse_code(text, format, codes, strict=strict)
    if not isinstance(text, str):
        raise EraError(f"{text!r} is not a string; " + _EXPECTED_DATE)
    # A date is one word: spaces between its parts (R 3.4.1, 令和 3年) say nothing.
    normal = normalize_phrase(text).replace(" ", "")
    iso = _iso_parts(normal)
    if iso is not None:
        return _make_date(text, *iso)
    match = _ERA_DATE.fullmatch(normal) or _ERA_ABBREVIATED.fullmatch(normal)
    if match is not None:
        groups = match.groupdict()
        era = era_by_name(groups["era"])
        era_year = _era_year_number(groups["year"])
        year = _check_era_year(text, era, era_year, strict=strict)
        for western in (groups.get("west_a"), groups.get("west_b")):  # every bracket must agree (spec §4c)
            _check_western(text, era, era_year, western, strict=strict)
        month, day_number = month_day_of(groups) or (0, 0)
        day = _make_date(text, year, month, day_number or 0)
        _check_weekday(text, day, groups.get("weekday"))
        if era.last_year is None or era_year <= era.last_year:  # else already warned about the year
            _check_in_era(text, era, day, strict=strict)
        return day
    letter = _compact.read_letter(normal, ERAS)
    if letter is not None:
        era, era_year, month, day_number = letter
        return _era_day(text, era, era_year, month, day_number or 0, strict=strict)
    match = _WESTERN_DATE.fullmatch(normal)
    if match is not None:
        month, day_number = month_day_of(match.groupdict()) or (0, 0)
        day = _make_date(text, int(match["year"]), month, day_number or 0)
        _check_weekday(text, day, match["weekday"])
        if match["wera"] is not None:  # 2021年(令和3年)4月1日: the era year must agree, the day lie in the era
            era = era_by_name(match["wera"])
            _check_western(text, era, _era_year_number(match["wera_year"]), match["year"], strict=strict)
            _check_in_era(text, era, day, strict=strict)
        return day
    raise EraError(f"{text!r} is not a date; " + _EXPECTED_DATE, text=text)


def _era_day(text: str, era: Era, era_year: int, month: int, day_number: int, *, strict: bool) -> date:
    """The day of a record's era date, checked as every era date is: year 0, a year or a day past
    its era (平成31年5月1日, 昭和64年1月10日), an impossible day."""
    year = _check_era_year(text, era, era_year, strict=strict)
    day = _make_date(text, year, month, day_number)
    if era.last_year is None or era_year <= era.last_year:  # else already warned about the year
        _check_in_era(text, era, day, strict=strict)
    return day


def _parse_code(text: object, form: str | None, codes: Mapping[int, str | Era] | None, *, strict: bool) -> date:
    if form == "gyymm":
        raise ValueError("format 'gyymm' names a month, not a day: read it with dgplan.records.parse_month")
    if form is None:
        raise ValueError("codes= is the table of a numeric format: pass format='gyymmdd' or 'g-yymmdd' with it")
    read, era, era_year, month, day_number = _compact.read_code(text, form, _compact.code_table(ERAS, codes))
    return _era_day(read, era, era_year, month, day_number or 0, strict=strict)


def _iso_parts(normal: str) -> tuple[int, int, int] | None:
    """(year, month, day) of 2021-04-01 (or 2021-4-1), the commonest date on a command line, read
    without compiling the era patterns; the same numbers as :data:`_WESTERN_DATE` reads from it
    (no era pattern matches a text starting with four digits), and of ISO 8601's basic form
    20210401 (exactly eight digits: nothing else in dgplan reads a bare number as a date).
    None for every other text."""
    if len(normal) == 8 and normal.isascii() and normal.isdigit():
        return int(normal[:4]), int(normal[4:6]), int(normal[6:])
    parts = normal.split("-")
    if (
        len(parts) == 3
        and len(parts[0]) == 4
        and 1 <= len(parts[1]) <= 2
        and 1 <= len(parts[2]) <= 2
        and all(part.isascii() and part.isdigit() for part in parts)
    ):
        return int(parts[0]), int(parts[1]), int(parts[2])
    return None


def parse_era_year(text: str, *, strict: bool = True) -> int:
    """Parse a year written with an era (令和3年, 令和元年, R3, 平成三十一年) into a calendar year.

    >>> parse_era_year("令和3年"), parse_era_year("平成元年"), parse_era_year("令和3年(2021年)")
    (2021, 1989, 2021)
    """
    if not isinstance(text, str):
        raise EraError(f"{text!r} is not a string; expected an era year such as 令和3年")
    normal = normalize_phrase(text)
    match = _ERA_YEAR.fullmatch(normal)
    if match is None:
        # 昭和100年: an era and a year number too long for any era; say why, as for 平成32年.
        long_year = _LONG_ERA_YEAR.fullmatch(normal)
        if long_year is not None:
            era = era_by_name(long_year["era"])
            _check_era_year(text, era, int(long_year["year"]), strict=True)
        raise EraError(f"{text!r} is not an era year; expected one such as 令和3年, 令和元年 or R3", text=text)
    era = era_by_name(match["era"])
    era_year = _era_year_number(match["year"])
    year = _check_era_year(text, era, era_year, strict=strict)
    for western in (match["west_a"], match["west_b"]):  # every bracket must agree (spec §4c)
        _check_western(text, era, era_year, western, strict=strict)
    return year


WarekiStyle = Literal[
    "standard", "kanji", "fullwidth", "short", "short-padded", "short-kanji", "letter", "gyymmdd", "g-yymmdd"
]
_KANJI_DIGIT_CHARS = "〇一二三四五六七八九"
_FULLWIDTH = str.maketrans("0123456789()", "０１２３４５６７８９（）")


def _to_kanji(number: int) -> str:
    """10 → 十, 31 → 三十一; years of four digits are written digit by digit (二〇二一)."""
    if number >= 100:
        return "".join(_KANJI_DIGIT_CHARS[int(c)] for c in str(number))
    tens, ones = divmod(number, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else _KANJI_DIGIT_CHARS[tens]) + "十"
    if ones or not text:
        text += _KANJI_DIGIT_CHARS[ones]
    return text


def format_wareki(
    day: date, *, style: WarekiStyle = "standard", western: bool = False, codes: Mapping[int, str | Era] | None = None
) -> str:
    """Write ``day`` with its era.

    Styles: ``standard`` 令和3年4月1日, ``kanji`` 令和三年四月一日, ``fullwidth`` 令和３年４月１日,
    ``short`` R3.4.1, ``short-padded`` R03.04.01 (JIS X 0301), ``short-kanji`` 令3.4.1, and the
    forms of records: ``letter`` R030401, ``gyymmdd`` 5030401 and ``g-yymmdd`` 5-030401 (元号コード
    from ``codes``, as :func:`parse_date` reads them). The first year of an
    era is 元年 in the written styles and 1 in the short ones. ``western=True`` adds the
    Western year in brackets (令和3年（2021年）4月1日), as plans do; the short styles have no place
    for it. Dates before 明治6年 (1873, the Gregorian calendar's adoption) raise :class:`EraError`.

    >>> format_wareki(date(2019, 5, 1))
    '令和元年5月1日'
    >>> format_wareki(date(2021, 4, 1), style="kanji"), format_wareki(date(2021, 4, 1), style="short")
    ('令和三年四月一日', 'R3.4.1')
    >>> format_wareki(date(2021, 9, 1), western=True)
    '令和3年（2021年）9月1日'
    """
    if not isinstance(day, date):
        hint = f"; parse it first: format_wareki(parse_date({day!r}))" if isinstance(day, str) else ""
        raise EraError(f"format_wareki takes a datetime.date, not {type(day).__name__} {day!r}{hint}")
    if day < GREGORIAN_ADOPTION:
        raise EraError(
            f"{day.isoformat()!r} is before 明治6年 (1873), when Japan adopted the Gregorian calendar; "
            "dgplan does not write lunisolar dates"
        )
    era = era_of(day)
    era_year = era.year_of(day)
    if style in ("letter", "gyymmdd", "g-yymmdd"):
        if western:
            raise ValueError(f"style {style!r} has no place for the Western year; use western=False")
        if style == "letter":
            return era.letter + _compact.write_code(0, era_year, day.month, day.day)[1:]
        table = _compact.code_table(ERAS, codes)
        code = next((code for code, coded in table.items() if coded == era), None)
        if code is None:
            raise EraError(f"{day.isoformat()!r} is in {era.name}, which has no era code in the table {table}")
        return _compact.write_code(code, era_year, day.month, day.day, separator="-" if style == "g-yymmdd" else "")
    if style in ("short", "short-padded", "short-kanji"):
        if western:
            raise ValueError(f"style {style!r} has no place for the Western year; use western=False")
        if style == "short":
            return f"{era.letter}{era_year}.{day.month}.{day.day}"
        if style == "short-padded":
            return f"{era.letter}{era_year:02d}.{day.month:02d}.{day.day:02d}"
        return f"{era.name[0]}{era_year}.{day.month}.{day.day}"
    if style == "kanji":
        year_text = "元" if era_year == 1 else _to_kanji(era_year)
        west = f"（{_to_kanji(day.year)}年）" if western else ""
        return f"{era.name}{year_text}年{west}{_to_kanji(day.month)}月{_to_kanji(day.day)}日"
    if style not in ("standard", "fullwidth"):
        raise ValueError(f"unknown style {style!r}; expected one of {WarekiStyle.__args__}")  # type: ignore[attr-defined]
    west = f"（{day.year}年）" if western else ""
    text = f"{era.name}{_year_label(era_year)}年{west}{day.month}月{day.day}日"
    return text.translate(_FULLWIDTH) if style == "fullwidth" else text
