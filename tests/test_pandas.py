"""dgplan.pandas: vectorised conversion equals the scalar functions, element by element."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dgplan.pandas as dp
from dgplan import EraError, FiscalQuarter, FiscalYear, format_wareki, parse_date, parse_period
from dgplan.errors import DgplanError

DAYS = st.dates(min_value=date(1873, 1, 1), max_value=date(2100, 12, 31))
STYLES = ("standard", "kanji", "fullwidth", "short", "short-padded", "short-kanji")
GARBAGE = st.sampled_from(
    [
        "",
        "soon",
        "令和3年2月29日",
        "平成31年5月1日",
        "R0.1.1",
        "令和3年(2020年)4月1日",
        "2021-13-01",
        "令和3年4月1日(金)",
        "明治5年1月1日",
    ]
)


def written(day: date, style: str, western: bool) -> str:
    if style.startswith("short"):
        return format_wareki(day, style=style)  # type: ignore[arg-type]
    return format_wareki(day, style=style, western=western)  # type: ignore[arg-type]


def scalar(value: object) -> pd.Timestamp:
    if not isinstance(value, str):
        return pd.NaT
    try:
        return pd.Timestamp(parse_date(value))
    except DgplanError:
        return pd.NaT


ERA_TOKENS = st.sampled_from(
    ["明治", "大正", "昭和", "平成", "令和", "明", "大", "昭", "平", "令", "M", "T", "S", "H", "R", "r"]
)


@st.composite
def era_strings(draw: st.DrawFn) -> str:
    """Era dates built from their parts, near and beyond every edge: year 0 and 元, days past
    the month's end, a Western year in brackets that agrees, disagrees, or is 0000."""
    era = draw(ERA_TOKENS)
    year_number = draw(st.integers(min_value=0, max_value=99))
    era_year = draw(st.sampled_from(["元", str(year_number), f"{year_number:02d}"]))
    month = draw(st.integers(min_value=0, max_value=13))
    day = draw(st.integers(min_value=0, max_value=32))
    if draw(st.booleans()):
        western = draw(st.one_of(st.just(""), st.integers(min_value=0, max_value=9999).map(lambda y: f"({y:04d}年)")))
        return f"{era}{era_year}年{western}{month}月{day}日"
    separator = draw(st.sampled_from(".-/"))
    return f"{era}{era_year}{separator}{month}{separator}{day}"


def scalar_or_none(value: str) -> date | None:
    try:
        return parse_date(value)
    except (DgplanError, ValueError):
        return None


class TestToDatetime:
    @given(st.lists(st.one_of(era_strings(), st.dates().map(date.isoformat)), min_size=1, max_size=20))
    def test_accepts_what_parse_date_accepts(self, values: list[str]) -> None:
        # unit="s" holds every date parse_date can return, so any difference is a parsing one.
        result = dp.to_datetime(pd.Series(values, dtype=object), errors="coerce", unit="s")
        got = [None if pd.isna(stamp) else stamp.date() for stamp in result]
        assert got == [scalar_or_none(value) for value in values]

    def test_zero_western_year_in_brackets_is_refused(self) -> None:
        text = "令和元年(0000年)7月29日"
        with pytest.raises(EraError, match=re.escape("0000")):
            dp.to_datetime([text])
        with pytest.raises(EraError):
            parse_date(text)

    @pytest.mark.parametrize("text", ["9999-12-31", "1500-01-01", "令和9999年1月1日", "0000-01-01"])
    def test_out_of_range_never_wraps(self, text: str) -> None:
        with pytest.raises(EraError, match=re.escape(repr(text))):
            dp.to_datetime(["2021-04-01", text])
        coerced = dp.to_datetime(["2021-04-01", text], errors="coerce")
        assert coerced.isna().tolist() == [False, True]
        failures = dp.date_failures(["2021-04-01", text])
        assert failures.index.tolist() == [1] and text in failures["error"].iloc[0]

    def test_second_unit_holds_the_no_end_placeholder(self) -> None:
        result = dp.to_datetime(["9999-12-31", "1500-01-01", "令和3年4月1日"], unit="s")
        assert str(result.dtype) == "datetime64[s]"
        assert [stamp.date() for stamp in result] == [date(9999, 12, 31), date(1500, 1, 1), date(2021, 4, 1)]
        assert dp.date_failures(["9999-12-31"], unit="s").empty

    def test_periods_out_of_range_never_wrap(self) -> None:
        with pytest.raises(DgplanError, match="datetime64"):
            dp.parse_periods(["令和3年度", "2262年度"])
        coerced = dp.parse_periods(["令和3年度", "2262年度"], errors="coerce")
        assert coerced["end"].isna().tolist() == [False, True]
        wide = dp.parse_periods(["2262年度"], unit="s")
        assert wide["end"].iloc[0].date() == date(2263, 3, 31)

    @given(
        st.lists(
            st.one_of(
                st.builds(written, DAYS, st.sampled_from(STYLES), st.booleans()),
                DAYS.map(date.isoformat),
                DAYS.map(lambda d: f"{d.year}年{d.month}月{d.day}日"),
                GARBAGE,
                st.none(),
            ),
            max_size=40,
        )
    )
    def test_equals_parse_date_element_by_element(self, values: list[object]) -> None:
        result = dp.to_datetime(pd.Series(values, dtype=object), errors="coerce")
        expected = pd.Series([scalar(value) for value in values], dtype="datetime64[ns]")
        pd.testing.assert_series_equal(result, expected)

    def test_forms(self) -> None:
        values = [
            "令和3年4月1日",
            "R3.4.1",
            "令和元年5月1日",
            "令和三年九月一日",
            "令和３年（2021年）９月１日",
            "H31/4/30",
            "2021-04-01",
            "2021年4月1日",
            "令和 3年 4月 1日",
            None,
        ]
        result = dp.to_datetime(values)
        assert result.dt.strftime("%Y-%m-%d").tolist()[:-1] == [
            "2021-04-01",
            "2021-04-01",
            "2019-05-01",
            "2021-09-01",
            "2021-09-01",
            "2019-04-30",
            "2021-04-01",
            "2021-04-01",
            "2021-04-01",
        ]
        assert result.isna().tolist()[-1]

    def test_raise_names_the_first_bad_row(self) -> None:
        series = pd.Series(["令和3年4月1日", "平成31年5月1日", "soon"], index=["a", "b", "c"])
        with pytest.raises(EraError, match=re.escape("row 'b': '平成31年5月1日' is after the end of 平成")):
            dp.to_datetime(series)

    def test_coerce_gives_nat_for_exactly_the_bad_rows(self) -> None:
        series = pd.Series(["令和3年4月1日", "soon", "R3.4.1", "令和3年2月29日", None], index=[10, 11, 12, 13, 14])
        result = dp.to_datetime(series, errors="coerce")
        assert result.isna().tolist() == [False, True, False, True, True]
        assert list(result.index) == [10, 11, 12, 13, 14]
        failures = dp.date_failures(series)
        assert list(failures.index) == [11, 13]
        assert failures.loc[13, "error"] == "'令和3年2月29日': 2021-02 has days 1 to 28, not 29"

    def test_lenient(self) -> None:
        with pytest.warns(UserWarning, match="平成32年"):
            result = dp.to_datetime(["平成32年4月1日"], strict=False)
        assert result.iloc[0] == pd.Timestamp("2020-04-01")

    def test_bad_errors_argument(self) -> None:
        with pytest.raises(ValueError, match="'ignore'"):
            dp.to_datetime(["R3.4.1"], errors="ignore")  # type: ignore[arg-type]


class TestToWareki:
    @given(st.lists(DAYS, max_size=30), st.sampled_from(STYLES))
    def test_equals_format_wareki(self, days: list[date], style: str) -> None:
        series = pd.Series(pd.to_datetime(days), dtype="datetime64[ns]")
        assert dp.to_wareki(series, style=style).tolist() == [format_wareki(d, style=style) for d in days]  # type: ignore[arg-type]

    def test_missing_and_lunisolar(self) -> None:
        series = pd.Series(pd.to_datetime(["2019-05-01", None]))
        written = dp.to_wareki(series, western=True)
        assert written.iloc[0] == "令和元年（2019年）5月1日" and written.isna().tolist() == [False, True]
        # pandas' own text dtype (str from pandas 3 on), as a column of text read from a file has.
        assert written.dtype == pd.Series(["text"]).dtype
        with pytest.raises(EraError, match="row 1: '1872-12-31'"):
            dp.to_wareki(pd.Series(pd.to_datetime(["2019-05-01", "1872-12-31"])))


class TestFiscal:
    @given(st.lists(DAYS, max_size=30), st.integers(min_value=1, max_value=12))
    def test_equals_the_scalar_types(self, days: list[date], start_month: int) -> None:
        series = pd.Series(pd.to_datetime(days), dtype="datetime64[ns]")
        assert dp.fiscal_year(series, start_month=start_month).tolist() == [
            FiscalYear.from_date(d, start_month=start_month).year for d in days
        ]
        assert dp.fiscal_quarter(series, start_month=start_month).tolist() == [
            FiscalQuarter.from_date(d, start_month=start_month).quarter for d in days
        ]

    def test_pandas_names_the_year_by_its_end(self) -> None:
        series = pd.Series(pd.to_datetime(["2021-04-01", "2022-03-31", "2022-04-01"]))
        assert dp.fiscal_year(series).tolist() == [2021, 2021, 2022]
        assert (series.dt.to_period("Y-MAR").dt.year - 1).tolist() == [2021, 2021, 2022]

    def test_labels_and_missing(self) -> None:
        series = pd.Series(pd.to_datetime(["2021-07-01", None, "2022-01-31"]))
        labels = dp.fiscal_quarter_label(series)
        assert labels.dtype == pd.Series(["text"]).dtype
        assert labels.isna().tolist() == [False, True, False] and labels.dropna().tolist() == ["FY2021-Q2", "FY2021-Q4"]
        with pytest.warns(DeprecationWarning, match="fiscal_quarter_label"):
            old = dp.fiscal_quarter(series, labels=True)
        pd.testing.assert_series_equal(old, labels)
        years = dp.fiscal_year(series)
        assert str(years.dtype) == "Int64" and years.isna().tolist() == [False, True, False]


class TestLikePandas:
    """The shapes and missing values pd.to_datetime users expect."""

    @pytest.mark.parametrize("blank", ["", " ", "\u3000", " \t\n"])
    def test_blank_strings_are_missing(self, blank: str) -> None:
        result = dp.to_datetime(pd.Series(["R3.4.1", blank, None]))
        assert result.isna().tolist() == [False, True, True]
        assert pd.isna(pd.to_datetime(pd.Series([blank]), errors="coerce").iloc[0])  # pandas reads it as NaT too
        assert dp.date_failures(pd.Series([blank, "soon"])).index.tolist() == [1]

    @given(st.lists(st.one_of(st.sampled_from(["", " ", "\u3000"]), DAYS.map(date.isoformat)), max_size=20))
    def test_blanks_among_dates(self, values: list[str]) -> None:
        result = dp.to_datetime(values)
        assert result.isna().tolist() == [not value.strip() for value in values]

    def test_one_value_gives_one_value(self) -> None:
        assert dp.to_datetime("令和3年4月1日") == pd.Timestamp("2021-04-01")
        assert isinstance(dp.to_datetime("R3.4.1"), pd.Timestamp)
        assert dp.to_datetime("") is pd.NaT
        with pytest.raises(EraError, match=r"^'soon' is not a date"):  # no "row 0" for a lone value
            dp.to_datetime("soon")
        assert dp.to_wareki(date(2019, 5, 1)) == "令和元年5月1日"
        assert dp.fiscal_year("令和4年1月15日") == 2021
        assert dp.fiscal_quarter("2021-04-01") == 1
        assert dp.fiscal_quarter_label("2022-03-31") == "FY2021-Q4"

    def test_arrays_and_tuples_are_columns(self) -> None:
        for values in (pd.array(["R3.4.1", None], dtype="string"), ("R3.4.1", None), np.array(["R3.4.1", ""])):
            result = dp.to_datetime(values)
            assert isinstance(result, pd.Series) and result.isna().tolist() == [False, True]

    def test_an_index_gives_an_index(self) -> None:
        index = pd.Index(["令和3年4月1日", "R4.1.15"], name="day")
        result = dp.to_datetime(index)
        assert isinstance(result, pd.DatetimeIndex) and result.name == "day"
        assert list(result) == [pd.Timestamp("2021-04-01"), pd.Timestamp("2022-01-15")]
        assert isinstance(dp.to_wareki(result), pd.Index)
        assert dp.to_wareki(result).tolist() == ["令和3年4月1日", "令和4年1月15日"]
        years = dp.fiscal_year(result)
        assert isinstance(years, pd.Index) and years.tolist() == [2021, 2021]

    def test_fiscal_year_of_text_reads_it_as_dates_do(self, recwarn: pytest.WarningsRecorder) -> None:
        assert dp.fiscal_year(pd.Series(["令和3年3月31日", "R3.4.1", None])).tolist() == [2020, 2021, pd.NA]
        assert dp.fiscal_quarter_label(pd.Series(["2022-01-15"])).tolist() == ["FY2021-Q4"]
        with pytest.raises(EraError, match="row 1: 'soon' is not a date"):
            dp.fiscal_year(pd.Series(["R3.4.1", "soon"]))
        assert not recwarn.list  # no "Could not infer format" from pandas

    def test_accessor_and_function_share_the_name(self) -> None:
        dates = dp.to_datetime(pd.Series(["R3.4.1", "R4.1.15"]))
        pd.testing.assert_series_equal(dates.fiscal.quarter_label, dp.fiscal_quarter_label(dates))


class TestPeriods:
    def test_parse_periods(self) -> None:
        frame = dp.parse_periods(["令和3年度", "令和4年夏", "令和3年度第2四半期", None], errors="coerce")
        expected = [parse_period(text) for text in ("令和3年度", "令和4年夏", "令和3年度第2四半期")]
        assert [d.date() for d in frame["start"][:3]] == [i.start for i in expected]
        assert [d.date() for d in frame["end"][:3]] == [i.end for i in expected]
        assert frame.iloc[3].isna().all()

    def test_parse_periods_raise(self) -> None:
        with pytest.raises(DgplanError, match=re.escape("row 1: 'いつか'")):
            dp.parse_periods(["令和3年度", "いつか"])


class TestAccessors:
    def test_wareki_and_fiscal(self) -> None:
        series = pd.Series(["令和3年4月1日", "R4.1.15"])
        dates = series.wareki.to_datetime()
        assert dates.dt.day.tolist() == [1, 15]
        assert dates.fiscal.year.tolist() == [2021, 2021]
        assert dates.fiscal.quarter.tolist() == [1, 4]
        assert dates.fiscal.quarter_label.tolist() == ["FY2021-Q1", "FY2021-Q4"]
        assert dates.wareki.format(style="short").tolist() == ["R3.4.1", "R4.1.15"]
        assert pd.Series(["x", "R3.4.1"]).wareki.failures().index.tolist() == [0]


class TestDask:
    def test_partition_by_partition(self) -> None:
        dd = pytest.importorskip("dask.dataframe")
        import dask

        values = [format_wareki(date(2020, 1, 1) + pd.Timedelta(days=i).to_pytimedelta()) for i in range(1000)]
        frame = pd.DataFrame({"date": values})
        ddf = dd.from_pandas(frame, npartitions=4)
        converted = ddf["date"].map_partitions(dp.to_datetime, meta=("date", "datetime64[ns]"))
        with dask.config.set(scheduler="synchronous"):
            result = converted.compute()
        assert ddf.npartitions == 4
        assert result.tolist() == dp.to_datetime(frame["date"]).tolist()
        assert result.iloc[-1] == pd.Timestamp(date(2020, 1, 1)) + pd.Timedelta(days=999)


class TestDaskDistributed:
    """The same conversion on a LocalCluster whose workers are separate processes: dgplan.pandas,
    its compiled reader and its accessors are imported and used in each worker, not in this one.
    distributed is in the test extra, so CI runs this (it is not skipped where dask is installed)."""

    def test_local_cluster_with_worker_processes(self) -> None:
        import operator

        import dask.dataframe as dd
        from distributed import Client, LocalCluster

        values = [format_wareki(date(2020, 1, 1) + pd.Timedelta(days=i).to_pytimedelta()) for i in range(400)]
        frame = pd.DataFrame({"date": [*values, "", None]})
        ddf = dd.from_pandas(frame, npartitions=4)
        dates = ddf["date"].map_partitions(dp.to_datetime, meta=("date", "datetime64[ns]"))
        # The accessor is looked up in the worker: attrgetter pickles by name, not by value.
        labels = dates.map_partitions(operator.attrgetter("fiscal.quarter_label"), meta=("date", "str"))
        # Two workers of one thread each: the size of the machines this project runs on (2 cores).
        with (
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
            Client(cluster) as client,
        ):
            pids = client.run(lambda: __import__("os").getpid())
            compiled = client.run(lambda: __import__("dgplan.pandas").pandas._compiled is not None)
            got_dates, got_labels = client.compute([dates, labels], sync=False)
            result, quarter_labels = got_dates.result(timeout=120), got_labels.result(timeout=120)
        assert len(set(pids.values()) | {__import__("os").getpid()}) == 3  # two processes besides this one
        assert set(compiled.values()) == {dp._compiled is not None}  # the workers use the reader this one has
        expected = dp.to_datetime(frame["date"])
        pd.testing.assert_series_equal(result, expected)
        assert quarter_labels.tolist()[:2] == ["FY2019-Q4", "FY2019-Q4"]
        assert quarter_labels.isna().tolist()[-2:] == [True, True]


def test_numpy_input() -> None:
    assert dp.to_datetime(np.array(["R3.4.1"], dtype=object)).iloc[0] == pd.Timestamp("2021-04-01")


# The Arrow (RE2) pass over distinct values, forced on for small inputs: the same answers as
# parse_date on every input, like the Python pass.
pytest.importorskip("pyarrow")


@pytest.fixture
def arrow_always(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dp, "_ARROW_MIN", 0)


@pytest.mark.usefixtures("arrow_always")
class TestToDatetimeThroughArrow:
    @given(
        st.lists(
            st.one_of(
                era_strings(),
                st.builds(written, DAYS, st.sampled_from(STYLES), st.booleans()),
                st.dates().map(date.isoformat),
                DAYS.map(lambda d: f"{d.year}年{d.month}月{d.day}日"),
                DAYS.map(lambda d: f"{d.year}{'-/.'[d.day % 3]}{d.month}{'-/.'[d.day % 3]}{d.day}"),
                GARBAGE,
                st.text(max_size=12),
            ),
            min_size=1,
            max_size=30,
        )
    )
    def test_accepts_what_parse_date_accepts(self, values: list[str]) -> None:
        result = dp.to_datetime(pd.Series(values, dtype=object), errors="coerce", unit="s")
        got = [None if pd.isna(stamp) else stamp.date() for stamp in result]
        assert got == [scalar_or_none(value) for value in values]

    def test_mixed_objects_fall_back(self) -> None:
        values = ["令和3年4月1日", None, 20210401, "2021-04-01\n", "２０２１年４月１日", "R3.4.1"]
        result = dp.to_datetime(pd.Series(values, dtype=object), errors="coerce")
        expected = [scalar_or_none(v) if isinstance(v, str) else None for v in values]
        assert [None if pd.isna(s) else s.date() for s in result] == expected
        assert expected[0] == expected[3] == expected[4] == date(2021, 4, 1)

    def test_all_strings_with_unicode_digits(self) -> None:
        values = ["令和３年４月１日", "٢٠٢١-٠٤-٠١", "2021-04-01", "令和3年(2021年)4月1日", "令和3年(0000年)4月1日"]
        result = dp.to_datetime(pd.Series(values, dtype=object), errors="coerce", unit="s")
        assert [None if pd.isna(s) else s.date() for s in result] == [scalar_or_none(v) for v in values]

    def test_missing_values_among_strings(self) -> None:
        values = [None, "令和3年4月1日", np.nan, "2021-04-01", None, "soon", "令和3年4月1日"]
        series = pd.Series(values, dtype=object, index=list("abcdefg"))
        result = dp.to_datetime(series, errors="coerce")
        assert result.index.tolist() == list("abcdefg")
        assert [None if pd.isna(s) else s.date() for s in result] == [
            None, date(2021, 4, 1), None, date(2021, 4, 1), None, None, date(2021, 4, 1),
        ]  # fmt: skip
        with pytest.raises(EraError, match=re.escape("row 'f': 'soon' is not a date")):
            dp.to_datetime(series)
        assert dp.date_failures(series).index.tolist() == ["f"]


class TestListsThatArrowCannotHold:
    """Issue 24 (7): a list with a lone surrogate became an Arrow-backed column (with pyarrow
    installed) and raised UnicodeEncodeError; the same values in an object Series give NaT."""

    VALUES = ("令和3年4月1日", "\ud800", None)

    def test_coerce_gives_nat(self) -> None:
        from_list = dp.to_datetime(list(self.VALUES), errors="coerce")
        from_objects = dp.to_datetime(pd.Series(self.VALUES, dtype=object), errors="coerce")
        pd.testing.assert_series_equal(from_list, from_objects)
        assert from_list.iloc[0] == pd.Timestamp("2021-04-01") and from_list.iloc[1:].isna().all()

    def test_raise_names_the_row(self) -> None:
        with pytest.raises(EraError, match="row 1"):
            dp.to_datetime(list(self.VALUES))

    def test_failures_and_arrays(self) -> None:
        failures = dp.date_failures(np.array(self.VALUES, dtype=object))
        assert list(failures.index) == [1]
        assert dp.to_datetime(np.array(self.VALUES, dtype=object), errors="coerce").iloc[1:].isna().all()


def test_a_zoned_column_is_written_by_its_local_day() -> None:
    # 2019-05-01 08:30 in Tokyo is 2019-04-30 23:30 UTC: the era and the day are Tokyo's.
    import dgplan.pandas as dp

    zoned = pd.Series(pd.to_datetime(["2019-05-01 08:30", "2019-04-30 23:59"]).tz_localize("Asia/Tokyo"))
    assert dp.to_wareki(zoned).tolist() == ["令和元年5月1日", "平成31年4月30日"]
    assert dp.to_wareki(zoned, style="letter").tolist() == ["R010501", "H310430"]
