"""The days government offices are closed (行政機関の休日に関する法律, article 1).

Offices close on Saturdays, Sundays, the national holidays of 国民の祝日に関する法律 (with 振替休日
and 国民の休日) and from 29 December to 3 January; a deadline that falls on a closed day moves to
the next open day (article 2). The holidays come from the ``jpholiday`` package, imported only when
a day is first looked up: ``import dgplan`` and ``dgplan due`` without open-day counts never load it.

>>> from datetime import date
>>> is_closed(date(2019, 10, 22))  # 即位礼正殿の儀, a one-off holiday
True
>>> next_open_day(date(2025, 12, 27))  # a Saturday before the New Year closure
datetime.date(2026, 1, 5)
>>> nth_open_day_after(date(2026, 4, 24), 5)  # counted from the day after, over Golden Week
datetime.date(2026, 5, 7)
>>> open_days_between(date(2026, 4, 27), date(2026, 5, 8))
6
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from typing import Literal

from dgplan.errors import DgplanError

__all__ = [
    "FIRST_COVERED_DAY",
    "LAST_COVERED_DAY",
    "Roll",
    "ClosedDayError",
    "closed_reason",
    "is_closed",
    "next_open_day",
    "nth_open_day_after",
    "open_days_between",
    "roll_to_open_day",
]

#: Every Saturday closed from May 1992 (the amended law); before it the rule here would be wrong.
FIRST_COVERED_DAY = date(1992, 5, 1)
#: The holiday package computes equinoxes astronomically; past 2099 dgplan does not vouch for it.
LAST_COVERED_DAY = date(2099, 12, 31)
#: How a due date that falls on a closed day is treated: kept as written, or moved to the next open day.
Roll = Literal["none", "following"]
# A count of open days beyond this is not what a plan writes; refusing it bounds the loop.
_MAX_COUNT = 1000


class ClosedDayError(DgplanError):
    """A day outside the years for which dgplan knows the closed days, or a count it cannot make.

    >>> is_closed(date(1980, 1, 7))
    Traceback (most recent call last):
    ...
    dgplan.closed_days.ClosedDayError: '1980-01-07': closed days are known from 1992-05-01 to 2099-12-31
    """


def _check(day: date) -> None:
    # A datetime is a date too, and compares with neither a date's day nor its weekday as meant.
    if not isinstance(day, date) or isinstance(day, datetime):
        raise ClosedDayError(f"{day!r} is not a day; expected a datetime.date", text=str(day))
    if not FIRST_COVERED_DAY <= day <= LAST_COVERED_DAY:
        raise ClosedDayError(
            f"{day.isoformat()!r}: closed days are known from {FIRST_COVERED_DAY} to {LAST_COVERED_DAY}",
            text=day.isoformat(),
        )


@cache
def _holidays(year: int) -> dict[date, str]:
    # Imported here: only counts of open days and the roll rule pay for the holiday data.
    import jpholiday

    return {day: name for day, name in jpholiday.year_holidays(year)}


def closed_reason(day: date) -> str | None:
    """Why offices are closed on ``day`` (the holiday's name, 土曜日, 日曜日, 年末年始), or None if open.

    >>> closed_reason(date(2021, 7, 23)), closed_reason(date(2020, 1, 2)), closed_reason(date(2026, 4, 1))
    ('スポーツの日', '年末年始', None)
    """
    _check(day)
    holiday = _holidays(day.year).get(day)
    if holiday is not None:
        return holiday
    if (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3):
        return "年末年始"
    if day.weekday() == 5:
        return "土曜日"
    if day.weekday() == 6:
        return "日曜日"
    return None


def is_closed(day: date) -> bool:
    """Whether government offices are closed on ``day``."""
    return closed_reason(day) is not None


def next_open_day(day: date) -> date:
    """``day`` itself if offices are open on it, else the first open day after it (article 2)."""
    while is_closed(day):
        day += timedelta(days=1)
    return day


def roll_to_open_day(day: date, roll: Roll) -> date:
    """``day`` under the roll rule: ``"none"`` keeps it, ``"following"`` moves it to the next open day."""
    if roll == "none":
        return day
    if roll == "following":
        return next_open_day(day)
    raise ClosedDayError(f"{roll!r} is not a roll rule; expected 'none' or 'following'", text=str(roll))


def nth_open_day_after(day: date, count: int) -> date:
    """The ``count``-th open day counted from the day after ``day`` (X から N開庁日以内: by that day).

    >>> nth_open_day_after(date(2026, 12, 25), 1)  # a Friday before the New Year closure
    datetime.date(2026, 12, 28)
    """
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= _MAX_COUNT:
        raise ClosedDayError(f"{count!r} open days: expected a whole count from 1 to {_MAX_COUNT}", text=str(count))
    _check(day)
    found = 0
    while found < count:
        day += timedelta(days=1)
        if not is_closed(day):
            found += 1
    return day


def open_days_between(start: date, end: date) -> int:
    """How many open days there are from ``start`` to ``end``, both included (0 if end is before start)."""
    _check(start)
    _check(end)
    count = 0
    day = start
    while day <= end:
        if not is_closed(day):
            count += 1
        day += timedelta(days=1)
    return count
