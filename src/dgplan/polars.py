"""Era dates in polars frames, lazy or not: expressions that read a column as dgplan.pandas does.

Importing this module imports polars (and pandas, which does the reading). Each batch goes through
:func:`dgplan.pandas.to_datetime`, so every form, message and bad-row rule is that function's.

>>> import polars as pl
>>> import dgplan.polars as dpl
>>> frame = pl.LazyFrame({"birth": [3501231, None, 5030401], "seen": ["S501231", "R3.4.1", None]})
>>> result = frame.select(dpl.to_datetime("birth", format="gyymmdd"), dpl.to_datetime("seen")).collect()
>>> [str(day) for day in result["birth"].dt.date()], [str(day) for day in result["seen"].dt.date()]
(['1975-12-31', 'None', '2021-04-01'], ['1975-12-31', '2021-04-01', 'None'])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import polars as pl

from dgplan import pandas as _pandas
from dgplan.era import Era

__all__ = ["to_datetime"]


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
