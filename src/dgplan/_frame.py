"""Typed DataFrames from plain records: what :mod:`dgplan.frames` and the answers' ``.to_frame()``
(:mod:`dgplan.queries`) share. It sits below both and imports neither, so the questions never
import the frames; pandas is imported when a frame is built, never by ``import dgplan``.

Dates become ``datetime64`` (None and the open end ``date.max`` are NaT), ids and kinds categories,
sections an ordered categorical in the plan's order. ``measure_id`` is a category in every frame
(:func:`typed_frame` makes it one whoever calls it), so frames join and compare without casts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["section_categories", "typed_frame"]

#: Columns that are categories in every frame that has them.
ALWAYS_CATEGORIES = ("measure_id",)

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


def _roman_value(numeral: str) -> int | None:
    """I → 1, IX → 9; None for anything that is not a Roman numeral."""
    if not numeral or any(char not in _ROMAN for char in numeral):
        return None
    values = [_ROMAN[char] for char in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def section_categories(values: list[Any], order: Sequence[str] = ()) -> pd.Categorical:
    """Sections as an ordered categorical: ``order`` (the plan's own: I, II, ..., IX; never IX
    before V), then Roman numerals by value and other names as they first appear."""
    import pandas as pd

    first = {value: index for index, value in reversed(list(enumerate(values)))}  # first appearance
    rest = sorted(set(values) - set(order), key=lambda v: (_roman_value(v) or 10_000, first[v]))
    return pd.Categorical(values, categories=list(order) + rest, ordered=True)


def dates(values: Iterable[date | None]) -> pd.Series:
    """datetime64 values; None and open ends (``date.max``) become NaT."""
    import pandas as pd

    cleaned = [pd.NaT if value is None or value == date.max else pd.Timestamp(value) for value in values]
    return pd.Series(cleaned, dtype="datetime64[ns]")


def typed_frame(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    date_columns: Iterable[str] = (),
    category_columns: Iterable[str] = (),
    bool_columns: Iterable[str] = (),
    float_columns: Iterable[str] = (),
    ordered: Mapping[str, Sequence[str]] | None = None,
    section_order: Sequence[str] = (),
) -> pd.DataFrame:
    """A frame of ``rows`` with ``columns`` in order, each typed as asked; ``ordered`` gives the
    categories of ordered categorical columns (a status in its reading order); ``section`` is an
    ordered categorical in ``section_order`` when the rows have one."""
    import pandas as pd

    frame = pd.DataFrame([[row.get(column) for column in columns] for row in rows], columns=list(columns))
    for column in date_columns:
        frame[column] = dates(list(frame[column]))
    # measure_id is one dtype in every frame of the package, asked for or not.
    for column in dict.fromkeys([*category_columns, *(c for c in ALWAYS_CATEGORIES if c in frame.columns)]):
        frame[column] = pd.Categorical(list(frame[column]))
    for column in bool_columns:
        frame[column] = frame[column].astype(bool)
    for column in float_columns:
        frame[column] = pd.to_numeric(frame[column]).astype("float64")
    for column, categories in (ordered or {}).items():
        frame[column] = pd.Categorical(list(frame[column]), categories=list(categories), ordered=True)
    if "section" in frame.columns:
        frame["section"] = section_categories(list(frame["section"]), section_order)
    return frame
