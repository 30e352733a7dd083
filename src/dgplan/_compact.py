"""The compact era dates of administrative records: 元号コード (3501231, 3-501231, 3.50.12.31),
era letter and six digits (S501231), and their year-month forms (50304, R0304, R03.04).

This module only splits a record's text into (era, era year, month, day); the era module checks
the day against its era, as it does for every other form. It takes the era table as an argument
(it imports nothing of dgplan's but the errors) so that an era registered at runtime is read and
written here with the code and letter it was given.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Mapping, Sequence
from typing import Literal, Protocol, TypeVar

from dgplan.errors import EraError


class _Named(Protocol):
    """What this module needs of an era (dgplan.era.Era, which it does not import)."""

    @property
    def name(self) -> str: ...
    @property
    def letter(self) -> str: ...


Era = TypeVar("Era", bound=_Named)

__all__ = ["CODE_FORMATS", "CodeFormat", "code_table", "read_code", "read_letter"]

#: The explicit formats: the numeric forms are read only when one of these is asked for, since a
#: seven-digit number may be anything (a phone number, an amount, a Western date missing a digit).
CodeFormat = Literal["gyymmdd", "g-yymmdd", "gyymm"]
CODE_FORMATS: tuple[str, ...] = ("gyymmdd", "g-yymmdd", "gyymm")

# code, then YYMMDD glued or with the code's own separator between every part (3-501231,
# 3.50.12.31); the year-month forms likewise (5-0304, 5.03.04).
_CODE_DAY = re.compile(r"(\d)(?:(\d{2})(\d{2})(\d{2})|([-./])(?:(\d{2})(\d{2})(\d{2})|(\d{2})\5(\d{2})\5(\d{2})))")
_CODE_MONTH = re.compile(r"(\d)(?:(\d{2})(\d{2})|([-./])(?:(\d{2})(\d{2})|(\d{2})\4(\d{2})))")
_SHAPES = {
    "gyymmdd": "seven digits: the era code, then YYMMDD (3501231 for 昭和50年12月31日)",
    "g-yymmdd": "the era code, a separator and YYMMDD (3-501231 or 3.50.12.31 for 昭和50年12月31日)",
    "gyymm": "five digits: the era code, then YYMM (50304 for 令和3年4月; 5-0304 and 5.03.04 too)",
}


def code_table(eras: Sequence[Era], codes: Mapping[int, str | Era] | None = None) -> dict[int, Era]:
    """Code to era: by default each era's position in the table from 1 (明治 1 ... 令和 5; an era
    added to the table takes the next code). ``codes`` replaces the table; its values are eras or
    anything that names one (令和, 令, R)."""
    if codes is None:
        return {position: era for position, era in enumerate(eras, start=1) if position <= 9}
    names: dict[str, Era] = {}
    for era in eras:
        for name in (era.name, era.name[0], era.letter, era.letter.lower()):
            names.setdefault(name, era)
    table: dict[int, Era] = {}
    for code, named in codes.items():
        if isinstance(code, bool) or not isinstance(code, int) or not 0 <= code <= 9:
            raise EraError(f"era code {code!r} is not one digit 0-9; a record holds the era code in one digit")
        found = named if not isinstance(named, str) else names.get(named)
        if found is None or found not in eras:
            raise EraError(
                f"era code {code}: {named!r} is not a known era; expected one of {', '.join(e.name for e in eras)}"
            )
        table[code] = found
    return table


def _code_text(value: object, form: str) -> str:
    """The record's text: a string as it is (white space around it dropped), an integer as its
    digits (an integer column holds 3501231 as a number; a float column with gaps 3501231.0)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        raise EraError(f"{value!r} is not a record date; expected {_SHAPES[form]}")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, numbers.Integral):  # int, and numpy's integers, which are no int
        return str(int(value))
    raise EraError(f"{value!r} is not a string or an integer; expected {_SHAPES[form]}")


def read_code(value: object, form: str, table: Mapping[int, Era]) -> tuple[str, Era, int, int, int | None]:
    """(the text read, era, era year, month, day or None for a year-month) of a numeric record date.

    Raises :class:`EraError` quoting the value for a wrong shape or an era code not in ``table``;
    the caller checks the day against the era."""
    if form not in _SHAPES:
        raise ValueError(f"format must be one of {', '.join(map(repr, CODE_FORMATS))}, not {form!r}")
    text = _code_text(value, form)
    if form == "gyymm":
        match = _CODE_MONTH.fullmatch(text) if text.isascii() else None
        parts = None if match is None else [p for p in match.groups() if p is not None and p not in "-./"]
    else:
        match = _CODE_DAY.fullmatch(text) if text.isascii() else None
        parts = None if match is None else [p for p in match.groups() if p is not None and p not in "-./"]
        if match is not None and form == "gyymmdd" and match[5] is not None:
            parts = None  # a separator is the g-yymmdd form: a column in both forms is no one format
        if match is not None and form == "g-yymmdd" and match[5] is None:
            parts = None
    if parts is None:
        raise EraError(f"{value!r} is not in the format {form!r}; expected {_SHAPES[form]}", text=str(value))
    code = int(parts[0])
    era = table.get(code)
    if era is None:
        known = ", ".join(f"{c} {e.name}" for c, e in sorted(table.items()))
        raise EraError(f"{value!r}: era code {code} is not an era; the codes are {known}", text=str(value))
    numbers = [int(p) for p in parts[1:]]
    return text, era, numbers[0], numbers[1], numbers[2] if len(numbers) == 3 else None


_LETTER_DAY = re.compile(r"([A-Za-z])(\d{2})(\d{2})(\d{2})")
_LETTER_MONTH = re.compile(r"([A-Za-z])(\d{2})(?:(\d{2})|\.(\d{2}))")


def read_letter(normal: str, eras: Sequence[Era], *, month: bool = False) -> tuple[Era, int, int, int | None] | None:
    """(era, era year, month, day) of S501231 (H310430, r030401), or of R0304 and R03.04 with
    ``month=True`` (day None); None when ``normal`` is not that form or its letter is no era's.
    These are unambiguous (a letter and a fixed width), so they are read without a format."""
    match = (_LETTER_MONTH if month else _LETTER_DAY).fullmatch(normal)
    if match is None:
        return None
    letter = match[1].upper()
    era = next((era for era in eras if era.letter == letter), None)
    if era is None:
        return None
    if month:
        return era, int(match[2]), int(match[3] or match[4]), None
    return era, int(match[2]), int(match[3]), int(match[4])


def write_code(era_code: int, era_year: int, month: int, day: int, *, separator: str = "") -> str:
    """3501231 (or 3-501231 with ``separator="-"``); the era year must fit two digits."""
    if not 0 <= era_year <= 99:
        raise EraError(f"era year {era_year} does not fit the two digits of a record's YY")
    return f"{era_code}{separator}{era_year:02d}{month:02d}{day:02d}"
