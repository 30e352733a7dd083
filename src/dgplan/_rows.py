"""Cells and rows of progress logs and sheets, as the readers of both read them.

:mod:`dgplan.plan_io` (YAML and CSV logs) and :mod:`dgplan.sheets` (工程表 workbooks and CSV) read
the same values the same way: a date, a number, a done mark, and where a row stands.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from dgplan.errors import DgplanError
from dgplan.fields import _to_date

__all__ = ["BadRow", "RowPlace", "as_bool", "as_number", "finite", "row_date", "short"]


def short(value: Any, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters: a 5000-digit value need not fill the terminal."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def row_date(value: Any) -> date:
    try:
        return _to_date(value)
    except DgplanError:
        raise
    except (ValueError, OverflowError) as error:
        # parse_date lets the datetime module's own range error through (0000-01-01).
        raise ValueError(f"date {short(value)} is not a date: {error}") from None


#: What a person types in a 完了 / done column, for yes and for no.
_TRUE = ("true", "yes", "1", "done", "済", "完了")
_FALSE = ("false", "no", "0", "")


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(
        f"'done' must be true ({', '.join(_TRUE)}) or false ({', '.join(_FALSE[:-1])} or empty), not {short(value)}"
    )


def as_number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"value {short(value)} is not a number")
    if isinstance(value, int | float):
        number = finite(value)
    else:
        text = str(value).strip().replace(",", "").rstrip("%％")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"value {short(value)} is not a number") from None
    if not math.isfinite(number):
        # A NaN would compare false with every target and grade the KPI behind; inf is no measurement.
        raise ValueError(f"value {short(value)} is not a finite number")
    return number


def finite(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf


@dataclass(frozen=True, slots=True)
class RowPlace:
    """Where a progress row stands: ``label`` starts its messages (``log.csv:4``, ``book.xlsx:進捗!A4``),
    ``line`` is its line or sheet row, ``first`` names it to a later duplicate (``line 4``), and
    ``cells`` labels the cell of each column when the row comes from a sheet."""

    label: str
    line: int | None
    first: str
    cells: tuple[tuple[str, str], ...] = ()

    def at(self, column: str) -> str:
        """The label of ``column``'s cell, or the row's."""
        return dict(self.cells).get(column, self.label)


class BadRow(str):
    """A row the reader already knows is wrong: the problem, to be listed with the others."""

    __slots__ = ()
