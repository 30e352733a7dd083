"""Year-months as administrative records store them (a claim's 診療年月): month periods.

>>> from dgplan.records import parse_month
>>> parse_month("R0304")
Interval(datetime.date(2021, 4, 1), datetime.date(2021, 4, 30))
>>> parse_month(50304, format="gyymm") == parse_month("R03.04")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from dgplan import _compact
from dgplan.era import ERAS, Era, _check_era_year
from dgplan.errors import EraError
from dgplan.fiscal import Interval

__all__ = ["parse_month"]


def parse_month(
    text: str | int,
    *,
    format: Literal["gyymm"] | None = None,
    codes: Mapping[int, str | Era] | None = None,
) -> Interval:
    """The calendar month a record's year-month names, as an :class:`~dgplan.Interval`.

    ``R0304`` and ``R03.04`` (era letter, YY, MM; either case) are read as they are;
    the 元号コード form ``50304`` (or ``5-0304``, ``5.03.04``; a string or an int) only with
    ``format="gyymm"``, since five digits may mean anything. The month must exist in its era:
    ``H3105`` (平成31年5月, after 平成 ended) and ``R0104`` (令和元年4月, before it began) are
    errors. A month an era shares with the next (``S6401`` and ``H0101``, January 1989) is the
    whole calendar month in either spelling.

    >>> parse_month("H3104")
    Interval(datetime.date(2019, 4, 1), datetime.date(2019, 4, 30))
    """
    if format is not None or codes is not None:
        if format != "gyymm":
            raise ValueError(f"parse_month reads format 'gyymm', not {format!r}")
        read, era, era_year, month, _ = _compact.read_code(text, "gyymm", _compact.code_table(ERAS, codes))
    else:
        if not isinstance(text, str):
            raise EraError(f"{text!r} is not a string; a number is read as a year-month only with format='gyymm'")
        read = text.strip()
        letter = _compact.read_letter(read, ERAS, month=True)
        if letter is None:
            raise EraError(
                f"{text!r} is not a record's year-month; expected an era letter, YY and MM (R0304, R03.04),"
                " or pass format='gyymm' for 50304",
                text=text,
            )
        era, era_year, month, _ = letter
    year = _check_era_year(read, era, era_year, strict=True)
    if not 1 <= month <= 12:
        raise EraError(f"{read!r}: month {month} does not exist; expected 01 to 12", text=read)
    if not 1 <= year <= 9999:
        raise EraError(f"{read!r}: year {year} is outside the years 1 to 9999", text=read)
    interval = Interval.month(year, month)
    if interval.end < era.start or (era.end is not None and interval.start > era.end):
        raise EraError(
            f"{read!r}: {era.name}{'元' if era_year == 1 else era_year}年{month}月 is not in {era.name}"
            f" ({era.start.isoformat()}..{era.end.isoformat() if era.end else ''})",
            text=read,
        )
    return interval
