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

__all__ = ["section_categories", "typed_columns", "typed_frame"]

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

    return pd.Series(_date_array(list(values)), dtype="datetime64[ns]")


def _date_array(values: list[Any]) -> Any:
    """``values`` (dates, None, ``date.max``) as a ``datetime64[ns]`` array: each distinct day is
    converted once (a plan's dates repeat), in numpy; anything else (a datetime, a day outside
    pandas' nanosecond range) goes through ``pd.Timestamp`` one by one, as it always did."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(np.array(values, dtype=object), use_na_sentinel=True)
    days = np.empty(len(uniques) + 1, dtype="int64")
    days[-1] = _NAT  # code -1 (None) picks the last slot
    for index, value in enumerate(uniques):
        if value == date.max:
            days[index] = _NAT
        elif type(value) is date and _FIRST_NS_DAY <= value <= _LAST_NS_DAY:
            days[index] = (value.toordinal() - _EPOCH_ORDINAL) * _NS_PER_DAY
        else:
            cleaned = [pd.NaT if v is None or v == date.max else pd.Timestamp(v) for v in values]
            return pd.Series(cleaned, dtype="datetime64[ns]").to_numpy()
    return days[codes].view("datetime64[ns]")


_NAT = -(2**63)  # numpy's NaT
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_NS_PER_DAY = 86_400 * 10**9
# The days a datetime64[ns] holds whole (1677-09-22 to 2262-04-10), with a day's margin each side.
_FIRST_NS_DAY = date(1677, 9, 23)
_LAST_NS_DAY = date(2262, 4, 10)


def typed_frame(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    **types: Any,
) -> pd.DataFrame:
    """A frame of ``rows`` with ``columns`` in order, typed as :func:`typed_columns` says."""
    return typed_columns({column: [row.get(column) for row in rows] for column in columns}, **types)


def typed_columns(
    data: Mapping[str, list[Any]],
    *,
    date_columns: Iterable[str] = (),
    category_columns: Iterable[str] = (),
    bool_columns: Iterable[str] = (),
    float_columns: Iterable[str] = (),
    ordered: Mapping[str, Sequence[str]] | None = None,
    section_order: Sequence[str] = (),
) -> pd.DataFrame:
    """A frame of the columns ``data`` holds (name: one value per row), in its order, each typed as
    asked; ``ordered`` gives the categories of ordered categorical columns (a status in its reading
    order); ``section`` is an ordered categorical in ``section_order`` when there is one.

    Built column by column with one DataFrame constructor: the same frame, to the dtype, as
    building it row by row and casting each column afterwards (tests/test_frames_fast.py checks
    so), at a fraction of the cost on large plans."""
    import numpy as np
    import pandas as pd

    columns = list(data)
    length = len(data[columns[0]]) if columns else 0
    if length == 0:
        return _typed_empty(
            columns, date_columns, category_columns, bool_columns, float_columns, ordered, section_order
        )
    built: dict[str, Any] = dict(data)
    for column in date_columns:
        built[column] = _date_array(data[column])
    # measure_id is one dtype in every frame of the package, asked for or not.
    for column in dict.fromkeys([*category_columns, *(c for c in ALWAYS_CATEGORIES if c in built)]):
        built[column] = pd.Categorical(data[column])
    for column in bool_columns:
        values = data[column]
        # Only True and False (or 1 and 0, which read the same): numpy casts them as pandas would.
        if values.count(True) + values.count(False) == len(values):
            built[column] = np.array(values, dtype=bool)
        else:
            built[column] = pd.Series(values).astype(bool).to_numpy()
    for column in float_columns:
        built[column] = pd.to_numeric(pd.Series(data[column])).astype("float64").to_numpy()
    for column, categories in (ordered or {}).items():
        built[column] = pd.Categorical(data[column], categories=list(categories), ordered=True)
    if "section" in built:
        built["section"] = section_categories(list(data["section"]), section_order)
    return pd.DataFrame(built, columns=columns)


def _typed_empty(
    columns: list[str],
    date_columns: Iterable[str],
    category_columns: Iterable[str],
    bool_columns: Iterable[str],
    float_columns: Iterable[str],
    ordered: Mapping[str, Sequence[str]] | None,
    section_order: Sequence[str],
) -> pd.DataFrame:
    """A frame with no rows, each column of the dtype it has with rows."""
    import pandas as pd

    frame = pd.DataFrame([], columns=columns)
    for column in date_columns:
        frame[column] = dates(list(frame[column]))
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
