"""Era dates as administrative records store them (issue 33): the letter form S501231, read
everywhere; the 元号コード forms 3501231, 3-501231, 3.50.12.31 read only with a format; year-months;
writing each form back; and the same answers from the scalar and the column readers."""

from __future__ import annotations

import re
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dgplan.pandas as dp
from dgplan import ERAS, Era, EraError, Interval, format_wareki, parse_date, parse_month
from dgplan._compact import code_table, read_code

# Both sides of each era boundary, and the first Gregorian day, in every form.
BOUNDARIES = [
    (date(1989, 1, 7), "S640107", "3640107", "3-640107", "3.64.01.07"),
    (date(1989, 1, 8), "H010108", "4010108", "4-010108", "4.01.01.08"),
    (date(2019, 4, 30), "H310430", "4310430", "4-310430", "4.31.04.30"),
    (date(2019, 5, 1), "R010501", "5010501", "5-010501", "5.01.05.01"),
    (date(1873, 1, 1), "M060101", "1060101", "1-060101", "1.06.01.01"),
    (date(1912, 7, 30), "T010730", "2010730", "2-010730", "2.01.07.30"),
    (date(1975, 12, 31), "S501231", "3501231", "3-501231", "3.50.12.31"),
]


class TestScalar:
    @pytest.mark.parametrize(("day", "letter", "code", "dashed", "dotted"), BOUNDARIES)
    def test_each_form_at_the_boundaries(self, day: date, letter: str, code: str, dashed: str, dotted: str) -> None:
        assert parse_date(letter) == day
        assert parse_date(letter.lower()) == day
        assert parse_date(code, format="gyymmdd") == day
        assert parse_date(int(code), format="gyymmdd") == day
        assert parse_date(dashed, format="g-yymmdd") == day
        assert parse_date(dotted, format="g-yymmdd") == day

    @pytest.mark.parametrize(
        ("value", "form", "reason"),
        [
            ("4310501", "gyymmdd", "after the end of 平成"),  # 平成31年5月1日
            ("3640110", "gyymmdd", "after the end of 昭和"),  # 昭和64年1月10日
            ("3640108", "gyymmdd", "after the end of 昭和"),
            ("5010430", "gyymmdd", "before the start of 令和"),
            ("H310501", None, "after the end of 平成"),
            ("S640110", None, "after the end of 昭和"),
            ("0501231", "gyymmdd", "era code 0 is not an era"),
            (9501231, "gyymmdd", "era code 9 is not an era"),
            ("3501331", "gyymmdd", "month 13 does not exist"),
            ("3500230", "gyymmdd", "has days 1 to 28, not 30"),
            ("5000401", "gyymmdd", "there is no year 0"),
            ("4320101", "gyymmdd", "平成32年 does not exist"),
            ("1051231", "gyymmdd", "lunisolar"),  # 明治5年: before the Gregorian calendar
            ("3-501231", "gyymmdd", "not in the format 'gyymmdd'"),
            ("3501231", "g-yymmdd", "not in the format 'g-yymmdd'"),
            ("3-50.12.31", "g-yymmdd", "not in the format"),
            ("S501231", "gyymmdd", "not in the format"),  # a format applies to every value
            ("350123", "gyymmdd", "seven digits"),
            (35012310, "gyymmdd", "seven digits"),
            ("３５０１２３１", "gyymmdd", "not in the format"),
            (True, "gyymmdd", "not a record date"),
            (3501231.5, "gyymmdd", "not a string or an integer"),
        ],
    )
    def test_refused_with_the_reason(self, value: object, form: str | None, reason: str) -> None:
        with pytest.raises(EraError, match=re.escape(reason)):
            parse_date(value, format=form)  # type: ignore[arg-type]

    def test_numbers_are_no_dates_without_a_format(self) -> None:
        for value in ("3501231", "5030401", "3-501231"):
            with pytest.raises(EraError, match="is not a date"):
                parse_date(value)
        with pytest.raises(EraError, match="not a string"):
            parse_date(3501231)  # type: ignore[arg-type]

    def test_letters_that_are_no_era(self) -> None:
        for value in ("X030401", "令030401", "RR030401", "R03041"):
            with pytest.raises(EraError):
                parse_date(value)

    def test_lenient_reads_an_out_of_era_day_as_with_every_other_form(self) -> None:
        with pytest.warns(UserWarning, match="after the end of 平成"):
            assert parse_date("4310501", format="gyymmdd", strict=False) == date(2019, 5, 1)

    def test_bad_format_names(self) -> None:
        with pytest.raises(ValueError, match="month"):
            parse_date("50304", format="gyymm")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="format must be one of"):
            parse_date("5030401", format="yyyymmdd")  # type: ignore[arg-type]


class TestCodeTable:
    def test_default_is_each_eras_place_in_the_table(self) -> None:
        assert {code: era.name for code, era in code_table(ERAS).items()} == {
            1: "明治",
            2: "大正",
            3: "昭和",
            4: "平成",
            5: "令和",
        }

    def test_an_era_added_to_the_table_takes_the_next_code_and_its_letter(self) -> None:
        reiwa = ERAS[-1]
        ended = Era(reiwa.name, reiwa.romaji, reiwa.letter, reiwa.start, date(2040, 6, 30))
        new = Era("新元", "Shingen", "X", date(2040, 7, 1), None)
        eras = (*ERAS[:-1], ended, new)
        assert code_table(eras)[6] is new
        _, era, era_year, month, day = read_code("6010701", "gyymmdd", code_table(eras))
        assert (era, era_year, month, day) == (new, 1, 7, 1)

    def test_a_given_mapping(self) -> None:
        codes = {7: "昭和", 8: "H", 9: ERAS[-1]}
        assert parse_date("7501231", format="gyymmdd", codes=codes) == date(1975, 12, 31)
        assert parse_date("8-310430", format="g-yymmdd", codes=codes) == date(2019, 4, 30)
        with pytest.raises(EraError, match="era code 3 is not an era; the codes are 7 昭和, 8 平成, 9 令和"):
            parse_date("3501231", format="gyymmdd", codes=codes)
        assert format_wareki(date(2021, 4, 1), style="gyymmdd", codes=codes) == "9030401"

    @pytest.mark.parametrize("codes", [{10: "令和"}, {1: "慶応"}, {True: "令和"}])
    def test_bad_mappings(self, codes: dict[int, str]) -> None:
        with pytest.raises(EraError):
            parse_date("1030401", format="gyymmdd", codes=codes)


class TestMonths:
    @pytest.mark.parametrize(
        ("value", "form", "month"),
        [
            ("R0304", None, (2021, 4)),
            ("r03.04", None, (2021, 4)),
            ("50304", "gyymm", (2021, 4)),
            (50304, "gyymm", (2021, 4)),
            ("5-0304", "gyymm", (2021, 4)),
            ("5.03.04", "gyymm", (2021, 4)),
            ("S6401", None, (1989, 1)),  # 昭和64年1月 and 平成元年1月 are both January 1989
            ("H0101", None, (1989, 1)),
            ("H3104", None, (2019, 4)),
            ("R0105", None, (2019, 5)),
        ],
    )
    def test_months(self, value: object, form: str | None, month: tuple[int, int]) -> None:
        assert parse_month(value, format=form) == Interval.month(*month)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("value", "form", "reason"),
        [
            ("H3105", None, "平成31年5月 is not in 平成"),
            ("R0104", None, "令和元年4月 is not in 令和"),
            ("S6402", None, "昭和64年2月 is not in 昭和"),
            ("R0313", None, "month 13"),
            ("50304", None, "format='gyymm'"),
            (50304, None, "format='gyymm'"),
            ("00304", "gyymm", "era code 0"),
            ("R030401", None, "not a record's year-month"),
        ],
    )
    def test_refused(self, value: object, form: str | None, reason: str) -> None:
        with pytest.raises(EraError, match=re.escape(reason)):
            parse_month(value, format=form)  # type: ignore[arg-type]


@st.composite
def record_like(draw: st.DrawFn) -> object:
    """A 元号コード date, often slightly wrong: codes 0-9, years, months and days a little out of range,
    a separator or not, as text or as a number."""
    code, year, month, day = (
        draw(st.integers(0, 9)),
        draw(st.integers(0, 99)),
        draw(st.integers(0, 13)),
        draw(st.integers(0, 32)),
    )
    separator = draw(st.sampled_from(["", "-", ".", "/"]))
    if separator == "." and draw(st.booleans()):
        return f"{code}.{year:02d}.{month:02d}.{day:02d}"
    text = f"{code}{separator}{year:02d}{month:02d}{day:02d}"
    return int(text) if not separator and draw(st.booleans()) else text


STYLES = ("letter", "gyymmdd", "g-yymmdd", "short-padded")
FORMAT_OF = {"letter": None, "gyymmdd": "gyymmdd", "g-yymmdd": "g-yymmdd", "short-padded": None}


class TestWriting:
    @pytest.mark.parametrize(("day", "letter", "code", "dashed", "dotted"), BOUNDARIES)
    def test_each_style(self, day: date, letter: str, code: str, dashed: str, dotted: str) -> None:
        assert format_wareki(day, style="letter") == letter
        assert format_wareki(day, style="gyymmdd") == code
        assert format_wareki(day, style="g-yymmdd") == dashed

    @given(st.dates(min_value=date(1873, 1, 1), max_value=date(2100, 12, 31)), st.sampled_from(STYLES))
    def test_round_trip(self, day: date, style: str) -> None:
        written = format_wareki(day, style=style)  # type: ignore[arg-type]
        assert parse_date(written, format=FORMAT_OF[style]) == day  # type: ignore[arg-type]

    def test_every_day_round_trips_through_the_columns(self) -> None:
        """Every day from 1873 to 2100 in every style, written and read back by dgplan.pandas."""
        days = pd.Series(pd.date_range("1873-01-01", "2100-12-31", freq="D"))
        for style in STYLES:
            written = dp.to_wareki(days, style=style)
            read = dp.to_datetime(written, format=FORMAT_OF[style])
            assert np.array_equal(read.to_numpy("datetime64[D]"), days.to_numpy("datetime64[D]")), style

    def test_no_western_year_in_a_record(self) -> None:
        with pytest.raises(ValueError, match="no place for the Western year"):
            format_wareki(date(2021, 4, 1), style="gyymmdd", western=True)


class TestColumns:
    def test_integer_column_with_missing_values(self) -> None:
        expected = [pd.Timestamp("1975-12-31"), pd.NaT, pd.Timestamp("2021-04-01")]
        for column in (
            pd.Series([3501231, None, 5030401], dtype="Int64"),
            pd.Series([3501231, np.nan, 5030401]),  # a CSV's integers with a gap are floats
            pd.Series(["3501231", "", "5030401"]),
            pd.Series(["3501231", None, "5030401"], dtype=object),
        ):
            assert dp.to_datetime(column, format="gyymmdd").tolist() == expected
        assert dp.to_datetime(pd.Series([3501231, 5030401]), format="gyymmdd").tolist() == expected[::2]

    def test_bad_rows_are_named(self) -> None:
        column = pd.Series([3501231, 4310501, 5030401], index=["a", "b", "c"])
        with pytest.raises(EraError, match=re.escape("row 'b': '4310501' is after the end of 平成")):
            dp.to_datetime(column, format="gyymmdd")
        coerced = dp.to_datetime(column, format="gyymmdd", errors="coerce")
        assert coerced.isna().tolist() == [False, True, False]
        failures = dp.date_failures(column, format="gyymmdd")
        assert failures.index.tolist() == ["b"]
        assert "after the end of 平成" in failures["error"].iloc[0]

    def test_a_mixed_column_is_an_error_not_a_guess(self) -> None:
        column = pd.Series(["3501231", "S501231", "1975-12-31", "3-501231"])
        with pytest.raises(EraError, match=re.escape("row 1: 'S501231' is not in the format 'gyymmdd'")):
            dp.to_datetime(column, format="gyymmdd")
        assert dp.to_datetime(column, format="gyymmdd", errors="coerce").isna().tolist() == [False, True, True, True]

    def test_letter_forms_need_no_format(self) -> None:
        column = pd.Series(["S501231", "h310430", "R030401", "令和3年4月1日", None])
        assert dp.to_datetime(column).tolist()[:4] == [
            pd.Timestamp("1975-12-31"),
            pd.Timestamp("2019-04-30"),
            pd.Timestamp("2021-04-01"),
            pd.Timestamp("2021-04-01"),
        ]

    def test_many_distinct_letter_forms_equal_the_scalar(self) -> None:
        """More distinct values than the Arrow path's threshold: its pattern reads them too."""
        days = [date(1960, 1, 1) + timedelta(days=n * 7) for n in range(3000)]
        written = [format_wareki(day, style="letter") for day in days]
        written += ["S640108", "H310501", "R000401", "R030229"]
        parsed = dp.to_datetime(pd.Series(written, dtype=object), errors="coerce")
        scalar = []
        for value in written:
            try:
                scalar.append(pd.Timestamp(parse_date(value)))
            except EraError:
                scalar.append(pd.NaT)
        assert parsed.tolist() == scalar
        assert parsed.iloc[-4:].isna().all()

    def test_format_arguments_are_checked(self) -> None:
        with pytest.raises(ValueError, match="to_months"):
            dp.to_datetime(["50304"], format="gyymm")  # type: ignore[call-overload]
        with pytest.raises(ValueError, match="codes="):
            dp.to_datetime(["R030401"], codes={1: "令和"})  # type: ignore[call-overload]

    def test_accessor(self) -> None:
        column = pd.Series([3501231, 5030401])
        days = column.wareki.to_datetime(format="gyymmdd")
        assert days.wareki.format(style="g-yymmdd").tolist() == ["3-501231", "5-030401"]
        assert column.wareki.failures(format="gyymmdd").empty

    def test_months(self) -> None:
        months = dp.to_months(pd.Series([50304, None, 43104], dtype="Int64"), format="gyymm")
        assert str(months.dtype) == "period[M]"
        assert [str(month) for month in months] == ["2021-04", "NaT", "2019-04"]
        with pytest.raises(EraError, match=re.escape("row 1: '43105'")):
            dp.to_months(["50304", "43105"], format="gyymm")
        assert dp.to_months(["R0304", "H3105"], errors="coerce").isna().tolist() == [False, True]

    @given(
        st.lists(
            st.one_of(record_like(), st.integers(0, 10**8), st.none(), st.text("0123456789-. ", max_size=10)),
            max_size=20,
        ),
        st.sampled_from(["gyymmdd", "g-yymmdd"]),
    )
    def test_column_answers_are_the_scalars(self, values: list[object], form: str) -> None:
        """The column's integer arithmetic settles only what parse_date reads, to the same day."""
        column = pd.Series(values, dtype=object)
        parsed = dp.to_datetime(column, format=form, errors="coerce", unit="s")  # type: ignore[call-overload]
        for value, day in zip(values, parsed, strict=True):
            if value is None or (isinstance(value, str) and not value.strip()):
                assert pd.isna(day)
                continue
            try:
                expected = pd.Timestamp(parse_date(value, format=form))  # type: ignore[arg-type]
            except EraError:
                expected = pd.NaT
            assert (pd.isna(day) and pd.isna(expected)) or day == expected, value


class TestDataset:
    """The same conversion over a partitioned Parquet dataset with dask.distributed (worker
    processes), as docs/pandas.md shows it: the workers' answers equal the scalar's."""

    def test_partitioned_parquet_on_worker_processes(self, tmp_path: object) -> None:
        import functools
        from pathlib import Path

        import dask.dataframe as dd
        from distributed import Client, LocalCluster

        pytest.importorskip("pyarrow")
        days = [date(1985, 1, 1) + timedelta(days=n * 13) for n in range(600)]
        codes = [int(format_wareki(day, style="gyymmdd")) for day in days]
        frame = pd.DataFrame(
            {
                "birth": pd.array([*codes, None, 4310501], dtype="Int64"),
                "month": [*(format_wareki(day, style="letter")[:5] for day in days), "R0304", "H3104"],
                "office": [n % 3 for n in range(len(days) + 2)],
            }
        )
        source = Path(str(tmp_path)) / "claims"
        frame.to_parquet(source, partition_cols=["office"])
        ddf = dd.read_parquet(source, columns=["birth", "month"])
        birth = ddf["birth"].map_partitions(
            functools.partial(dp.to_datetime, format="gyymmdd", errors="coerce"), meta=("birth", "datetime64[ns]")
        )
        months = ddf["month"].map_partitions(dp.to_months, meta=("month", "period[M]"))
        with (
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
            Client(cluster) as client,
        ):
            got_birth, got_months = client.compute([birth, months], sync=False)
            birth_result, month_result = got_birth.result(timeout=120), got_months.result(timeout=120)
        read_back = ddf.compute()
        expected = []
        for value in read_back["birth"]:
            try:
                expected.append(pd.NaT if pd.isna(value) else pd.Timestamp(parse_date(int(value), format="gyymmdd")))
            except EraError:
                expected.append(pd.NaT)
        assert birth_result.tolist() == expected
        assert birth_result.notna().sum() == len(days)
        assert [str(month) for month in month_result] == [
            str(pd.Period(parse_month(value).start, "M")) for value in read_back["month"]
        ]


class TestPolars:
    """dgplan.polars reads as dgplan.pandas and the scalar do, in lazy frames too."""

    def test_lazy_frame_equals_pandas_and_the_scalar(self) -> None:
        import polars as pl

        import dgplan.polars as dpl

        days = [date(1960, 1, 1) + timedelta(days=n * 97) for n in range(300)]
        codes = [int(format_wareki(day, style="gyymmdd")) for day in days]
        letters = [format_wareki(day, style="letter") for day in days]
        frame = pl.LazyFrame({"birth": [*codes, None, 4310501], "seen": [*letters, "", "S640108"]})
        result = frame.select(
            dpl.to_datetime("birth", format="gyymmdd", errors="coerce"),
            dpl.to_datetime(pl.col("seen"), errors="coerce"),
        ).collect()
        assert result["birth"].dt.date().to_list() == [*days, None, None]
        assert result["seen"].dt.date().to_list() == [*days, None, None]
        as_pandas = dp.to_datetime(pd.Series([*codes, None, 4310501], dtype="Int64"), format="gyymmdd", errors="coerce")
        assert [None if pd.isna(day) else day.date() for day in as_pandas] == result["birth"].dt.date().to_list()

    def test_a_bad_row_is_an_error_by_default(self) -> None:
        import polars as pl

        import dgplan.polars as dpl

        frame = pl.LazyFrame({"birth": ["3501231", "3640110"]})
        with pytest.raises(EraError, match=re.escape("row 1: '3640110' is after the end of 昭和")):
            frame.select(dpl.to_datetime("birth", format="gyymmdd")).collect()
