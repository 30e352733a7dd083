"""dgplan.polars: the same answers as dgplan.pandas, in eager and lazy frames (issue 29, part 3)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dgplan.pandas as dp
import dgplan.polars as dpl
from dgplan import format_wareki
from dgplan.errors import EraError

STYLES = ("standard", "kanji", "fullwidth", "short", "short-padded", "short-kanji")
days = st.dates(min_value=date(1873, 1, 1), max_value=date(2100, 12, 31))
written = st.one_of(
    st.builds(lambda day, style: format_wareki(day, style=style), days, st.sampled_from(STYLES)),
    st.builds(lambda day: format_wareki(day, western=True), days),
    days.map(date.isoformat),
    days.map(lambda day: f"{day.year}/{day.month}/{day.day}"),
    # Near misses: out of their era, impossible days, noise; blanks and nulls.
    st.sampled_from(["平成31年5月1日", "令和元年4月30日", "R3.2.30", "令和0年1月1日", "明日", "", "  ", "2021-13-01"]),
    st.text(alphabet="令和平成R0123456789年月日.-/ ", max_size=12),
    st.none(),
)
columns = st.lists(written, max_size=40)


def _pandas_dates(values: list[str | None]) -> list[date | None]:
    parsed = dp.to_datetime(pd.Series(values, dtype=object), errors="coerce", unit="s")
    return [None if pd.isna(day) else day.date() for day in parsed]


@settings(max_examples=150, deadline=None)
@given(columns)
def test_the_same_dates_and_fiscal_periods_as_dgplan_pandas(values: list[str | None]) -> None:
    frame = pl.DataFrame({"日付": values}, schema={"日付": pl.String})
    got = frame.select(
        pl.col("日付").wareki.to_date(errors="coerce").alias("date"),
        pl.col("日付").wareki.to_date(errors="coerce").fiscal.year().alias("fy"),
        pl.col("日付").wareki.to_date(errors="coerce").fiscal.quarter().alias("q"),
    )
    expected = _pandas_dates(values)
    assert got["date"].to_list() == expected
    parsed = pd.Series(pd.to_datetime(pd.Series(expected, dtype=object)), dtype="datetime64[s]")
    assert got["fy"].to_list() == [None if pd.isna(v) else int(v) for v in dp.fiscal_year(parsed)]
    assert got["q"].to_list() == [None if pd.isna(v) else int(v) for v in dp.fiscal_quarter(parsed)]


@settings(max_examples=100, deadline=None)
@given(columns)
def test_a_bad_row_raises_in_both_or_neither(values: list[str | None]) -> None:
    try:
        dp.to_datetime(pd.Series(values, dtype=object), unit="s")
        pandas_raised = False
    except EraError:
        pandas_raised = True
    try:
        dpl.to_date(pl.Series("日付", values, dtype=pl.String))
        polars_raised = False
    except EraError:
        polars_raised = True
    assert polars_raised == pandas_raised


def test_lazy_frames_and_the_first_bad_row() -> None:
    lazy = pl.LazyFrame({"日付": ["令和3年4月1日", "平成31年5月1日", "R4.1.15"]})
    with pytest.raises(EraError, match=r"row 1: '平成31年5月1日'"):
        lazy.select(pl.col("日付").wareki.to_date()).collect()
    coerced = lazy.select(pl.col("日付").wareki.to_date(errors="coerce")).collect().to_series().to_list()
    assert coerced == [date(2021, 4, 1), None, date(2022, 1, 15)]
    # strict=False reads 平成31年5月1日 as the date it names, as parse_date does.
    with pytest.warns(UserWarning):
        lenient = lazy.select(pl.col("日付").wareki.to_date(strict=False)).collect().to_series().to_list()
    assert lenient[1] == date(2019, 5, 1)


def test_dates_and_datetimes_pass_through_and_other_types_are_refused() -> None:
    frame = pl.DataFrame({"d": [date(2022, 3, 31)], "t": [datetime(2022, 4, 1, 9)], "n": [20220401]})
    got = frame.select(
        pl.col("d").fiscal.year().alias("fy_d"),
        pl.col("t").fiscal.quarter().alias("q_t"),
        pl.col("d").wareki.format(style="short").alias("short"),
    )
    assert got.row(0) == (2021, 1, "R4.3.31")
    with pytest.raises(EraError, match="not text or dates"):
        frame.select(pl.col("n").wareki.to_date())
    with pytest.raises(ValueError, match="start_month"):
        pl.col("d").fiscal.year(start_month=13)
