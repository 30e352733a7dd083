"""Era dates and fiscal periods in polars: the expression namespaces ``wareki`` and ``fiscal``.

``import dgplan.polars`` registers them (polars is the optional extra ``dgplan[polars]``). They
work in eager and lazy frames, and read a column as :mod:`dgplan.pandas` does, with the same
compiled reader and the same answers: each distinct string is read once.

>>> import polars as pl
>>> import dgplan.polars  # registers .wareki and .fiscal
>>> frame = pl.DataFrame({"日付": ["令和3年4月1日", "R4.1.15", "2021-03-31", None]})
>>> rows = frame.select(
...     pl.col("日付").wareki.to_date().alias("date"),
...     pl.col("日付").wareki.to_date().fiscal.year().alias("fy"),
...     pl.col("日付").wareki.to_date().fiscal.quarter().alias("q"),
... ).rows()
>>> for row in rows:
...     print(row)
(datetime.date(2021, 4, 1), 2021, 1)
(datetime.date(2022, 1, 15), 2021, 4)
(datetime.date(2021, 3, 31), 2020, 4)
(None, None, None)
>>> frame.lazy().select(pl.col("日付").wareki.to_date().wareki.format()).collect().to_series().to_list()
['令和3年4月1日', '令和4年1月15日', '令和3年3月31日', None]

Records' compact 元号コード columns (integers or text) read with :func:`to_datetime` and a format:

>>> import dgplan.polars as dpl
>>> records = pl.LazyFrame({"birth": [3501231, None, 5030401], "seen": ["S501231", "R3.4.1", None]})
>>> result = records.select(dpl.to_datetime("birth", format="gyymmdd"), dpl.to_datetime("seen")).collect()
>>> [str(day) for day in result["birth"].dt.date()], [str(day) for day in result["seen"].dt.date()]
(['1975-12-31', 'None', '2021-04-01'], ['1975-12-31', '2021-04-01', 'None'])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import polars as pl

from dgplan import pandas as _pandas
from dgplan.era import Era, WarekiStyle, format_wareki
from dgplan.errors import EraError
from dgplan.pandas import compiled_days_utf8, distinct_days

__all__ = ["FiscalNamespace", "WarekiNamespace", "to_date", "to_datetime"]

Errors = Literal["raise", "coerce"]
_TEXT = (pl.String, pl.Categorical, pl.Enum)


def to_date(series: pl.Series, *, errors: Errors = "raise", strict: bool = True) -> pl.Series:
    """A column of dates in any form :func:`dgplan.parse_date` reads, as ``pl.Date``.

    Nulls and blank strings give null. With ``errors="raise"`` the first bad row is named by its
    position and value in an :class:`EraError`; with ``errors="coerce"`` bad rows are null. A
    ``Date`` column is returned as it is, a ``Datetime`` one as its dates.
    """
    if errors not in ("raise", "coerce"):
        raise ValueError(f"errors must be 'raise' or 'coerce', not {errors!r}")
    if series.dtype == pl.Date:
        return series
    if isinstance(series.dtype, pl.Datetime):
        return series.dt.date()
    if series.dtype == pl.Null:
        return series.cast(pl.Date)
    if not isinstance(series.dtype, _TEXT):
        raise EraError(
            f"column {series.name!r} is {series.dtype}, not text or dates; expected dates such as 令和3年4月1日"
        )
    text = series.cast(pl.String)
    # Each distinct string is read once (a column of dates repeats them), as dgplan.pandas does.
    uniques = text.drop_nulls().unique(maintain_order=True)
    days = _settled_in_place(uniques)
    rest = np.flatnonzero(np.isnat(days))
    # What the compiled reader did not settle (and everything, without it) becomes Python strings
    # for dgplan.pandas' reading: kanji numerals, weekdays, and each failure with its message.
    values = np.array(uniques.gather(rest).to_list(), dtype=object)
    parsed_rest, failures = distinct_days(values, strict=strict)
    days[rest] = parsed_rest
    if failures and errors == "raise":
        bad = {values[position] for position in failures}
        row = int(text.is_in(list(bad)).arg_true()[0])
        value = text[row]
        message = failures[int(np.flatnonzero(values == value)[0])]
        raise EraError(f"row {row}: {message}", text=value)
    parsed = pl.Series(days, dtype=pl.Date)
    return text.replace_strict(uniques, parsed, default=None, return_dtype=pl.Date).alias(series.name)


def _settled_in_place(strings: pl.Series) -> np.ndarray:
    """``datetime64[D]`` per string, as the compiled reader settles it reading the Arrow buffers in
    place (no Python string is made); NaT where it did not, and everywhere without pyarrow or the
    compiled reader."""
    unsettled = np.full(len(strings), np.datetime64("NaT"), dtype="datetime64[D]")
    try:
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        return unsettled
    array = strings.to_arrow()
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if array.type != pa.large_string():
        array = array.cast(pa.large_string())
    _, offsets, data = array.buffers()
    if offsets is None or data is None:  # an empty array may have no data buffer
        return unsettled
    bounds = np.frombuffer(offsets, dtype=np.int64)[array.offset : array.offset + len(array) + 1]
    days = compiled_days_utf8(bounds, data)
    return unsettled if days is None else days.copy()


def _fiscal_parts(series: pl.Series, start_month: int) -> tuple[pl.Series, pl.Series]:
    dates = to_date(series)
    month = dates.dt.month().cast(pl.Int32)
    year = dates.dt.year().cast(pl.Int32) - (month < start_month).cast(pl.Int32)
    quarter = ((month - start_month) % 12) // 3 + 1
    return year, quarter


def _check_start(start_month: object) -> int:
    if not isinstance(start_month, int) or isinstance(start_month, bool) or not 1 <= start_month <= 12:
        raise ValueError(f"start_month must be a month, 1 to 12, not {start_month!r}")
    return start_month


@pl.api.register_expr_namespace("wareki")
class WarekiNamespace:
    """``pl.col(...).wareki``: read era dates, write dates with their era."""

    def __init__(self, expr: pl.Expr) -> None:
        self._expr = expr

    def to_date(self, *, errors: Errors = "raise", strict: bool = True) -> pl.Expr:
        """The column read as ``pl.Date`` (:func:`to_date`)."""
        return self._expr.map_batches(lambda s: to_date(s, errors=errors, strict=strict), return_dtype=pl.Date)

    def format(self, *, style: WarekiStyle = "standard", western: bool = False) -> pl.Expr:
        """Dates written with their era (:func:`dgplan.format_wareki`), null where missing."""

        def write(series: pl.Series) -> pl.Series:
            dates = to_date(series)
            uniques = dates.drop_nulls().unique(maintain_order=True)
            texts = pl.Series([format_wareki(day, style=style, western=western) for day in uniques], dtype=pl.String)
            return dates.replace_strict(uniques, texts, default=None, return_dtype=pl.String)

        return self._expr.map_batches(write, return_dtype=pl.String)


@pl.api.register_expr_namespace("fiscal")
class FiscalNamespace:
    """``pl.col(...).fiscal``: the fiscal year (named by the year it starts in) and quarter of dates."""

    def __init__(self, expr: pl.Expr) -> None:
        self._expr = expr

    def year(self, *, start_month: int = 4) -> pl.Expr:
        """FY2021 = 2021-04-01..2022-03-31; text is read as :meth:`WarekiNamespace.to_date` reads it."""
        start = _check_start(start_month)
        return self._expr.map_batches(lambda s: _fiscal_parts(s, start)[0], return_dtype=pl.Int32)

    def quarter(self, *, start_month: int = 4) -> pl.Expr:
        """1-4, Q1 = April-June."""
        start = _check_start(start_month)
        return self._expr.map_batches(lambda s: _fiscal_parts(s, start)[1], return_dtype=pl.Int32)


def to_datetime(
    column: str | pl.Expr,
    *,
    format: Literal["gyymmdd", "g-yymmdd"] | None = None,
    codes: Mapping[int, str | Era] | None = None,
    errors: Literal["raise", "coerce"] = "raise",
    strict: bool = True,
) -> pl.Expr:
    """An expression reading ``column`` (a name or an expression) as :func:`dgplan.pandas.to_datetime`
    reads a Series, to ``Datetime("us")`` (every date from year 1 to 9999 fits); missing values and
    blank strings are null, and a bad row raises :class:`~dgplan.EraError` naming its position in
    the batch, or is null with ``errors="coerce"``."""
    expression = pl.col(column) if isinstance(column, str) else column

    def convert(batch: pl.Series) -> pl.Series:
        read = _pandas.to_datetime(
            batch.to_pandas(), format=format, codes=codes, errors=errors, strict=strict, unit="us"
        )
        return pl.Series(batch.name, read.to_numpy(dtype="datetime64[us]"), dtype=pl.Datetime("us"))

    return expression.map_batches(convert, return_dtype=pl.Datetime("us"))
