"""The compiled reader of common era-date forms (dgplan._fastdate) against the Python path.

The compiled reader is an accelerator: every string it settles must get the day parse_date gives,
and everything else is left to the Python path. These tests compare the two on generated strings
shaped like the forms (with the perturbations that make them wrong), and check that the Python
path alone, with the reader switched off, still gives the same columns and messages.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dgplan.pandas as dp
from dgplan import format_wareki, parse_date
from dgplan.era import _to_kanji
from dgplan.errors import DgplanError, EraError


@pytest.fixture(scope="module")
def compiled() -> object:
    """The compiled module; building it is part of installing dgplan where a C compiler exists."""
    if dp._compiled is None:
        if os.environ.get("DGPLAN_ALLOW_PURE_PYTHON"):
            pytest.skip("dgplan._fastdate is not built and DGPLAN_ALLOW_PURE_PYTHON is set")
        pytest.fail(
            "dgplan._fastdate is not built: install a C compiler and Python's headers and reinstall"
            " (pip install -e '.[test]'), or set DGPLAN_ALLOW_PURE_PYTHON=1 to test the Python path alone"
        )
    return dp._compiled


@pytest.fixture
def pure_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dp, "_compiled", None)


def scalar(value: object) -> date | None:
    try:
        return parse_date(value)  # type: ignore[arg-type]
    except (DgplanError, ValueError, OverflowError, TypeError):
        return None


def settled(values: list[object], unit: dp.Unit = "s") -> list[date | None]:
    days = dp._compiled_days(np.array(values, dtype=object), unit)
    assert days is not None
    return [None if np.isnat(day) else day.astype(date) for day in days]


FULL_WIDTH = str.maketrans("0123456789()./-RHSTMrhstm", "０１２３４５６７８９（）．／－ＲＨＳＴＭｒｈｓｔｍ")


@st.composite
def near_forms(draw: st.DrawFn) -> str:
    """A string in the shape of a common form, often slightly wrong: eras and years that do not
    fit, bracketed years that disagree, three digits, mixed separators, full-width characters,
    white space, kanji and compatibility characters the compiled reader must leave alone."""
    era = draw(
        st.sampled_from(["令和", "令", "R", "r", "平成", "H", "昭和", "S", "大正", "T", "明治", "m", "㋿", "REIWA", ""])
    )

    def number(low: int, high: int) -> str:
        value = draw(st.integers(low, high))
        return str(value).zfill(draw(st.integers(1, 3)))

    year = draw(st.one_of(st.just("元"), st.builds(lambda: number(0, 101)), st.builds(lambda: number(1860, 2200))))
    separator = draw(st.sampled_from(["年", "年", ".", "/", "-", "・", ""]))
    month, day = number(0, 13), number(0, 32)
    if separator == "年":
        bracket = ""
        if draw(st.booleans()):
            western = draw(st.integers(1860, 2130))
            bracket = f"({western}{draw(st.sampled_from(['年', '']))})"
        text = f"{era}{year}年{bracket}{month}月{day}{draw(st.sampled_from(['日', '日', '', '日(木)']))}"
    elif separator == "":
        # Records' S501231: an era letter (or not) and YYMMDD, sometimes a digit short or over.
        text = era + "".join(draw(st.sampled_from([number(0, 101), number(0, 13), number(0, 32)])) for _ in range(3))
    else:
        second = draw(st.sampled_from([separator, separator, separator, ".", "/"]))
        text = f"{era}{year}{separator}{month}{second}{day}"
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        text = (
            text[:cut] + draw(st.sampled_from([" ", "\u3000", "\t", "\n", "\xa0", "〇", "一", "\u200b"])) + text[cut:]
        )
    return text


ALPHABET = "令和平成昭明治大正RHSrh元年月日()（）0123456789０１２３./-．／ 　"


@st.composite
def kanji_numeral(draw: st.DrawFn, low: int, high: int) -> str:
    """A number in kanji, well formed (三十一, 二〇二一, 〇三) or not (十十, 二十十, 二三十), sometimes
    with ASCII or full-width digits or 元 mixed in."""
    value = draw(st.integers(low, high))
    well_formed = _to_kanji(value)  # 三十一; four digits one by one (二〇二一)
    positional = "".join("〇一二三四五六七八九"[int(digit)] for digit in str(value))
    return draw(
        st.one_of(
            st.just(well_formed),
            st.just(positional),
            st.just("〇" + positional),
            st.just(positional.replace("〇", "零")),
            st.text(alphabet="〇零一二三四五六七八九十百千", min_size=1, max_size=4),
            st.sampled_from(["十十", "二十十", "一十", "〇十", "十〇", "百", "千九百", "三十一", "零"]),
            st.builds(lambda a, b: a + b, st.just(well_formed), st.sampled_from(["1", "０", "元", "二"])),
            st.builds(lambda a, b: a + b, st.sampled_from(["1", "２", "元", "二"]), st.just(well_formed)),
            st.just(str(value)),
        )
    )


@st.composite
def kanji_forms(draw: st.DrawFn) -> str:
    """A date written with kanji numerals in any part: half of them in range and well formed (the
    numerals in any of their spellings), the others often slightly wrong."""
    if draw(st.booleans()):
        eras = [("令和", 1, 40), ("平成", 1, 31), ("昭和", 1, 64), ("大正", 2, 15)]
        era_name, first, last = draw(st.sampled_from(eras))
        year = draw(st.one_of(kanji_numeral(first, last), st.just("元")))
        bracket = f"({draw(kanji_numeral(1926, 2060))}年)" if draw(st.booleans()) else ""
        month, day = draw(kanji_numeral(1, 12)), draw(kanji_numeral(1, 28))
        return f"{era_name}{year}年{bracket}{month}月{day}日"
    era = draw(st.sampled_from(["令和", "平成", "昭和", "大正", "明治", "令", "R", "", "元"]))
    year = draw(st.one_of(st.just("元"), kanji_numeral(0, 70)) if era else kanji_numeral(1860, 2200))
    bracket = ""
    if era and draw(st.booleans()):
        bracket = f"({draw(kanji_numeral(1860, 2130))}{draw(st.sampled_from(['年', '']))})"
    month, day = draw(kanji_numeral(0, 13)), draw(kanji_numeral(0, 32))
    unit_year, unit_month, unit_day = (draw(st.sampled_from([unit, unit, unit, "", "元", "."])) for unit in "年月日")
    text = f"{era}{year}{unit_year}{bracket}{month}{unit_month}{day}{unit_day}"
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        inserted = draw(st.sampled_from([" ", "\u3000", "\n", "元", "一", "\u200b", "半期", "ヶ月"]))
        text = text[:cut] + inserted + text[cut:]
    return text


# What the compiled reader is expected to settle whenever parse_date reads it: no characters but
# these, and no bracket before 年 (令和三(2021)年, which only the Python path reads).
_KANJI_READ_HERE = re.compile(r"(?!.*\)年)[令和平成昭大正明治R元年月日()0-9〇零一二三四五六七八九十百千 \u3000]+")


class TestAgainstParseDate:
    @given(st.lists(st.one_of(near_forms(), st.text(alphabet=ALPHABET, max_size=16), st.text(max_size=8)), max_size=40))
    def test_what_it_settles_is_parse_dates_answer(self, compiled: object, values: list[str]) -> None:
        for value, day in zip(values, settled(list(values)), strict=True):
            if day is not None:
                assert day == scalar(value), value

    @given(st.lists(near_forms(), max_size=40))
    def test_it_settles_exactly_what_the_python_fast_path_settles(self, compiled: object, values: list[str]) -> None:
        """Both ways: nothing the Python fast path reads is left to it, and nothing more is settled.
        The Python path's fallback to parse_date is switched off to see its fast path alone.
        Line breaks (white space to str.split) and ㋿ (令和 after NFKC) are left out: the compiled
        reader leaves them to the Python path on purpose, as rare."""

        def refuse(value: str, strict: bool = True) -> date:
            raise EraError("fallback switched off", text=value)

        kept = [value for value in values if "\n" not in value and "㋿" not in value]
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(dp, "parse_date", refuse)
            fast_path, _ = dp._parse_pure(np.array(kept, dtype=object), strict=True, unit="s")
        expected = [None if np.isnat(day) else day.astype(date) for day in fast_path]
        assert settled(kept) == expected

    @given(st.lists(kanji_forms(), max_size=30))
    def test_kanji_numerals_get_parse_dates_answer_or_are_left(self, compiled: object, values: list[str]) -> None:
        """Generated kanji-numeral dates, valid and not: 十十, 二十十, 三十一月, 元 in the wrong
        place, digits mixed in. What the reader settles is parse_date's day; and every one
        parse_date reads that is only ASCII, era names, 元年月日 and kanji numerals right before
        年, 月 or 日 is settled (else the column would pay the Python path for it)."""
        for value, day in zip(values, settled(list(values)), strict=True):
            expected = scalar(value)
            if day is not None:
                assert day == expected, value
            elif expected is not None and _KANJI_READ_HERE.fullmatch(value) and date(1873, 1, 1) <= expected:
                raise AssertionError(f"{value!r} ({expected}) was left to the Python path")

    @given(st.dates(min_value=date(1873, 1, 1), max_value=date(2117, 12, 31)))
    def test_it_settles_every_day_written_in_kanji(self, compiled: object, day: date) -> None:
        west = "".join("〇一二三四五六七八九"[int(digit)] for digit in str(day.year))
        styles = [format_wareki(day, style="kanji"), format_wareki(day, style="kanji", western=True)]
        styles += [f"{west}年{format_wareki(day, style='kanji').split('年', 1)[1]}"]
        assert settled(styles) == [day] * len(styles)
        assert [parse_date(style) for style in styles] == [day] * len(styles)

    @given(st.dates(min_value=date(1873, 1, 1), max_value=date(2200, 12, 31)))
    def test_it_settles_every_day_in_every_common_style(self, compiled: object, day: date) -> None:
        styles = [day.isoformat(), f"{day.year}/{day.month}/{day.day}", f"{day.year}年{day.month}月{day.day}日"]
        styles += [f"{day.year}.{day.month:02d}.{day.day:02d}"]
        if day.year < 2118:
            styles += [format_wareki(day), format_wareki(day, style="short"), format_wareki(day, western=True)]
            styles += [format_wareki(day).translate(FULL_WIDTH), format_wareki(day, style="short").lower()]
            styles += [format_wareki(day, style="letter"), format_wareki(day, style="letter").lower()]
        assert settled(styles) == [day] * len(styles)


class TestTable:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("令和3年4月1日", date(2021, 4, 1)),
            ("令和元年5月1日", date(2019, 5, 1)),
            ("R03.04.01", date(2021, 4, 1)),
            ("r3-4-1", date(2021, 4, 1)),
            ("H31/4/30", date(2019, 4, 30)),
            ("令和3年(2021年)4月1日", date(2021, 4, 1)),
            ("令和3年（2021）4月1日", date(2021, 4, 1)),
            ("令和 3年 4月 1日", date(2021, 4, 1)),
            ("２０２１－０４－０１", date(2021, 4, 1)),
            ("2024-02-29", date(2024, 2, 29)),
            ("明治6年1月1日", date(1873, 1, 1)),
            ("S501231", date(1975, 12, 31)),
            ("h310430", date(2019, 4, 30)),
            ("S640107", date(1989, 1, 7)),
            ("H010108", date(1989, 1, 8)),
            ("R010501", date(2019, 5, 1)),
            ("M060101", date(1873, 1, 1)),
            ("Ｒ０３０４０１", date(2021, 4, 1)),
            ("R元.5.01", date(2019, 5, 1)),
            ("0001-01-01", date(1, 1, 1)),
            ("9999-12-31", date(9999, 12, 31)),
            # Left to the Python path (which reads some of them and refuses the others):
            ("平成31年5月1日", None),  # after the end of 平成
            ("令和元年4月30日", None),  # before the start of 令和
            ("明治5年12月31日", None),  # before the Gregorian calendar
            ("令和3年(2022年)4月1日", None),  # the bracketed year disagrees
            ("令和0年4月1日", None),
            ("令和3年2月29日", None),
            ("2023-02-29", None),
            ("0000-01-01", None),
            ("R3.4/1", None),
            ("R123.4.1", None),
            # Kanji numerals right before 年, 月 or 日, as normalize_phrase reads them:
            ("令和三年四月一日", date(2021, 4, 1)),
            ("平成三十年十二月一日", date(2018, 12, 1)),
            ("令和元年五月一日", date(2019, 5, 1)),
            ("二〇二一年四月一日", date(2021, 4, 1)),
            ("令和三年（二〇二一年）四月一日", date(2021, 4, 1)),
            ("令和〇三年〇四月〇一日", date(2021, 4, 1)),
            ("令和〇〇三年〇一〇月〇〇一日", date(2021, 10, 1)),  # leading zeros dropped, as int() does
            ("令和三年十〇月一日", date(2021, 10, 1)),
            ("令和3年一二月一日", date(2021, 12, 1)),  # 一二 is 12, digit by digit
            ("令和3年4月1一日", date(2021, 4, 11)),  # the Python reader joins 1 and 一 into 11
            ("令和 三 年 四 月 一 日", date(2021, 4, 1)),
            ("昭和六十四年一月七日", date(1989, 1, 7)),
            # Kanji numerals the Python reader keeps as kanji (and refuses), or reads elsewhere:
            ("令和十十年四月一日", None),
            ("令和二十十年四月一日", None),
            ("令和三年三十一月一日", None),
            ("令和二三十年四月一日", None),
            ("R三.四.一", None),
            ("令和三(2021)年4月1日", None),  # a bracket before 年: the Python path reads it
            ("令和三\u200b年四月一日", None),
            ("平成三十一年五月一日", None),
            ("令和三年四月三十一日", None),
            ("㋿3年4月1日", None),
            ("令和3年4月1日(木)", None),
            ("20210401", None),
            ("٢٠٢١-٠٤-٠١", None),
            ("令和3年4月1日" + " " * 40, None),
            # Records' forms left to the Python path, which refuses them with their reason:
            ("S640108", None),  # 昭和64年1月8日 never was
            ("H310501", None),
            ("R000401", None),
            ("M051231", None),  # before the Gregorian calendar
            ("R030229", None),
            ("令030401", None),  # only a letter goes with six digits
            ("X030401", None),
            ("R0304011", None),
            ("5030401", None),  # the code form is read only with a format
        ],
    )
    def test_settles_or_leaves(self, compiled: object, text: str, expected: date | None) -> None:
        assert settled([text]) == [expected]
        if expected is not None:
            assert parse_date(text) == expected

    def test_outside_nanoseconds_is_left_for_the_message(self, compiled: object) -> None:
        assert settled(["2300-01-01"], unit="ns") == [None]
        assert settled(["2300-01-01"], unit="s") == [date(2300, 1, 1)]

    def test_anything_not_a_string_is_left(self, compiled: object) -> None:
        assert settled([None, np.nan, 20210401, b"2021-04-01", date(2021, 4, 1)]) == [None] * 5

    def test_a_string_subclass_is_read(self, compiled: object) -> None:
        class Text(str):
            pass

        assert settled([Text("令和3年4月1日")]) == [date(2021, 4, 1)]


class TestInputs:
    def table(self) -> tuple[object, ...]:
        return (dp._COMPILED_TOKENS, dp._COMPILED_ERAS, dp._COMPILED_GREGORIAN)

    def test_list_tuple_and_strided_array(self, compiled: object) -> None:
        values = ["R3.4.1", "soon", "2021-04-02", "x"]
        expected = [date(2021, 4, 1).toordinal(), None, date(2021, 4, 2).toordinal(), None]
        epoch = date(1970, 1, 1).toordinal()
        for given_values in (
            values,
            tuple(values),
            np.array(values, dtype=object),
            np.array([value for value in values for _ in (1, 2)], dtype=object)[::2],
        ):
            days = np.frombuffer(compiled.days(given_values, *self.table()), dtype=np.int64)  # type: ignore[attr-defined]
            assert [None if d == compiled.UNSETTLED else int(d) + epoch for d in days] == expected  # type: ignore[attr-defined]

    def test_refuses_what_is_not_a_column(self, compiled: object) -> None:
        with pytest.raises(TypeError, match="one-dimensional"):
            compiled.days(np.array([["R3.4.1"]], dtype=object), *self.table())  # type: ignore[attr-defined]
        with pytest.raises(TypeError, match="one-dimensional"):
            compiled.days(5, *self.table())  # type: ignore[attr-defined]
        with pytest.raises(ValueError, match="longest first"):
            compiled.days([], (("R", 4), ("令和", 4)), *self.table()[1:])  # type: ignore[attr-defined]
        with pytest.raises(ValueError, match="bad era token"):
            compiled.days([], (("令和", 9),), *self.table()[1:])  # type: ignore[attr-defined]
        # A string, bytes or a mapping is no column (a string would be read character by character);
        # nor is a 2-D array in any layout.
        square = np.array([["R3.4.1"] * 2] * 2, dtype=object)
        for value in ("R3.4.1", b"R3.4.1", {"R3.4.1": 1}, {"R3.4.1"}, np.asfortranarray(square), square[:, ::2]):
            with pytest.raises(TypeError, match="one-dimensional object array, a list or a tuple"):
                compiled.days(value, *self.table())  # type: ignore[attr-defined]

    def test_refuses_an_era_table_outside_the_calendar(self, compiled: object) -> None:
        """No sum in the reader can overflow: era tables are bounded to years 1-9999."""
        gregorian = self.table()[2]
        for era in ((2**63 - 1, 0, 0), (0, 0, 0), (2021, -(2**40), 0), (2021, 0, 2**40), (2021, 10, 5)):
            with pytest.raises(ValueError, match="outside years 1-9999"):
                compiled.days(["R3.4.1"], (("R", 0),), (era,), gregorian)  # type: ignore[attr-defined]


@st.composite
def columns(draw: st.DrawFn) -> list[object]:
    return draw(st.lists(st.one_of(near_forms(), st.none(), st.just(float("nan")), st.text(max_size=6)), max_size=30))


class TestWithAndWithoutTheCompiledReader:
    @given(columns())
    def test_same_columns_and_failures(self, compiled: object, values: list[object]) -> None:
        series = pd.Series(values, dtype=object, index=[f"row{n}" for n in range(len(values))])
        fast = dp.to_datetime(series, errors="coerce", unit="s")
        fast_failures = dp.date_failures(series, unit="s")
        saved = dp._compiled
        try:
            dp._compiled = None
            pure = dp.to_datetime(series, errors="coerce", unit="s")
            pure_failures = dp.date_failures(series, unit="s")
        finally:
            dp._compiled = saved
        pd.testing.assert_series_equal(fast, pure)
        pd.testing.assert_frame_equal(fast_failures, pure_failures)

    @pytest.mark.usefixtures("pure_python")
    def test_python_path_alone(self) -> None:
        series = pd.Series(["令和3年4月1日", "R3.4.1", None, "令和３年４月１日", "2300-01-01"], dtype=object)
        assert dp._compiled_days(np.array(["R3.4.1"], dtype=object), "s") is None
        result = dp.to_datetime(series, errors="coerce")
        assert result.iloc[:4].tolist()[:2] == [pd.Timestamp("2021-04-01")] * 2
        assert result.iloc[3] == pd.Timestamp("2021-04-01")
        assert result.isna().tolist() == [False, False, True, False, True]
        with pytest.raises(EraError, match=re.escape("row 4: '2300-01-01' is 2300-01-01, outside the range")):
            dp.to_datetime(series)

    @pytest.mark.parametrize("odd", [b"R3.4.1", bytearray(b"R3.4.1"), memoryview(b"R3.4.1"), np.bytes_(b"R3.4.1")])
    def test_bytes_are_no_date_in_a_long_column_either(self, odd: object) -> None:
        """A long column goes through Arrow's hash table, which would read bytes as text."""
        series = pd.Series(["R3.4.1"] * 2500 + [odd, None], dtype=object)
        for reader in {dp._compiled, None}:
            saved, dp._compiled = dp._compiled, reader  # type: ignore[assignment]
            try:
                result = dp.to_datetime(series, errors="coerce", unit="s")
                failures = dp.date_failures(series, unit="s")
            finally:
                dp._compiled = saved
            assert result.iloc[0] == pd.Timestamp("2021-04-01")
            assert result.iloc[-2:].isna().all()
            assert failures.index.tolist() == [2500]
            assert failures["error"].iloc[0] == f"{odd!r} is not a string"

    def test_unhashable_values_are_bad_rows(self) -> None:
        series = pd.Series(["R3.4.1", [2021, 4, 1], {"y": 2021}, bytearray(b"x"), None, "R3.4.1"], dtype=object)
        result = dp.to_datetime(series, errors="coerce")
        assert result.isna().tolist() == [False, True, True, True, True, False]
        assert dp.date_failures(series)["error"].tolist() == [
            "[2021, 4, 1] is not a string", "{'y': 2021} is not a string", "bytearray(b'x') is not a string",
        ]  # fmt: skip
        with pytest.raises(EraError, match=re.escape("row 1: [2021, 4, 1] is not a string")):
            dp.to_datetime(series)

    def test_failures_keep_any_string(self) -> None:
        """Even one pandas' Arrow-backed str dtype cannot hold (a lone surrogate)."""
        text = "\ud800令和3年4月1日"
        failures = dp.date_failures(pd.Series(["R3.4.1", text], dtype=object))
        assert failures["value"].tolist() == [text]
        assert failures.index.tolist() == [1]

    def test_first_bad_row_is_named_alike(self, compiled: object) -> None:
        days = [date(2020, 1, 1) + timedelta(days=n) for n in range(3000)]
        values: list[object] = [format_wareki(d) for d in days]
        values[1234] = "令和3年2月30日"
        values[2000] = "soon"
        series = pd.Series(values, dtype=object)
        with pytest.raises(EraError, match=re.escape("row 1234: '令和3年2月30日'")):
            dp.to_datetime(series)
        assert dp.date_failures(series).index.tolist() == [1234, 2000]


class TestReadingArrowBuffers:
    """days_utf8 (dgplan.polars) reads the UTF-8 of an Arrow array in place: the same days as days()."""

    @staticmethod
    def utf8_days(strings: list[str]) -> list[date | None]:
        import pyarrow as pa

        array = pa.array(strings, type=pa.large_string())
        _, offsets, data = array.buffers()
        if data is None:
            data = b""
        bounds = np.frombuffer(offsets, dtype=np.int64)[array.offset : array.offset + len(array) + 1]
        days = dp.compiled_days_utf8(bounds, data)
        assert days is not None
        return [None if np.isnat(day) else day.astype(date) for day in days]

    @given(st.lists(st.one_of(near_forms(), kanji_forms(), st.text(max_size=8)), max_size=30))
    def test_the_same_days_as_from_python_strings(self, compiled: object, strings: list[str]) -> None:
        strings = [s for s in strings if not any(0xD800 <= ord(c) <= 0xDFFF for c in s)]  # no UTF-8 for these
        assert self.utf8_days(strings) == settled(list(strings))

    def test_offsets_that_would_read_outside_the_data_are_refused(self, compiled: object) -> None:
        tables = (dp._COMPILED_TOKENS, dp._COMPILED_ERAS, dp._COMPILED_GREGORIAN)
        data = b"R3.4.1"
        for offsets, message in [
            ([0, 99], "past the end"),
            ([3, 1], "rise"),
            ([-1, 2], "rise"),
            ([], "n \\+ 1"),
        ]:
            with pytest.raises(ValueError, match=message):
                compiled.days_utf8(np.array(offsets, dtype=np.int64), data, *tables)  # type: ignore[attr-defined]

    def test_bytes_that_are_not_utf8_are_left_to_python(self, compiled: object) -> None:
        tables = (dp._COMPILED_TOKENS, dp._COMPILED_ERAS, dp._COMPILED_GREGORIAN)
        # An overlong '1' (0xC0 0xB1), a cut sequence, a stray continuation byte.
        for data in (b"R3.4.\xc0\xb1", b"R3.4.1\xe4\xb8", b"R3.4\x80.1"):
            offsets = np.array([0, len(data)], dtype=np.int64)
            days = np.frombuffer(compiled.days_utf8(offsets, data, *tables), dtype=np.int64)  # type: ignore[attr-defined]
            assert days[0] == compiled.UNSETTLED  # type: ignore[attr-defined]


@st.composite
def code_forms(draw: st.DrawFn) -> object:
    """A records' 元号コード date, often slightly wrong: any code, years, months and days a little
    out of range, separators (mixed ones too), full-width digits, spaces, a digit short or over,
    and numbers (ints, bools, floats, numpy integers) as an object column holds them."""
    code, year, month, day = (draw(st.integers(0, 9)), draw(st.integers(0, 99)), draw(st.integers(0, 13)),
                              draw(st.integers(0, 32)))  # fmt: skip
    first, second = draw(st.sampled_from(["", "-", ".", "/", "・"])), draw(st.sampled_from(["", ".", "-"]))
    text = f"{code}{first}{year:02d}{second}{month:02d}{second}{day:02d}"
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.sampled_from(["", "0", " ", "１"])) + text[cut + draw(st.integers(0, 1)) :]
    if not first and not second and text.isdigit() and draw(st.booleans()):
        number = int(text)
        return draw(st.sampled_from([number, float(number), np.int64(number), number == 3501231]))
    return text.translate(FULL_WIDTH) if draw(st.integers(0, 9)) == 0 else text


class TestCodeForms:
    """The compiled reader of records' 元号コード dates (code_days) against the Python path."""

    @given(st.lists(code_forms(), max_size=30), st.sampled_from(["gyymmdd", "g-yymmdd"]))
    def test_it_settles_exactly_what_the_integer_path_settles(
        self, compiled: object, values: list[object], form: dp.DayFormat
    ) -> None:
        column = np.empty(len(values), dtype=object)
        column[:] = values
        fast = dp._compiled_code_days(pd.Series(column, dtype=object), form, None, "s")
        python, _ = dp._settle(dp._code_fields(column, form, None))
        assert fast is not None
        assert fast.tolist() == python.tolist()
        for value, day in zip(values, fast, strict=True):
            if not np.isnat(day):
                assert parse_date(value, format=form) == day.astype(date)  # type: ignore[arg-type]

    @given(st.lists(st.one_of(code_forms(), st.none()), max_size=30), st.sampled_from(["gyymmdd", "g-yymmdd"]))
    def test_same_columns_and_failures_without_it(
        self, compiled: object, values: list[object], form: dp.DayFormat
    ) -> None:
        series = pd.Series(values, dtype=object)
        fast = dp.to_datetime(series, format=form, errors="coerce", unit="s")
        fast_failures = dp.date_failures(series, format=form, unit="s")
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(dp, "_compiled", None)
            pure = dp.to_datetime(series, format=form, errors="coerce", unit="s")
            pure_failures = dp.date_failures(series, format=form, unit="s")
        pd.testing.assert_series_equal(fast, pure)
        pd.testing.assert_frame_equal(fast_failures, pure_failures)

    def test_numbers_as_an_object_column_holds_them(self, compiled: object) -> None:
        class Number(int):
            pass

        values = [3501231, 3501231.0, 3501231.5, np.int64(3501231), True, Number(3501231), 35012310, -3501231]
        column = np.empty(len(values), dtype=object)
        column[:] = values
        fast = dp._compiled_code_days(pd.Series(column, dtype=object), "gyymmdd", None, "s")
        python, _ = dp._settle(dp._code_fields(column, "gyymmdd", None))
        assert fast is not None
        assert fast.tolist() == python.tolist()
        assert [None if np.isnat(day) else day.astype(date) for day in fast] == [date(1975, 12, 31)] * 2 + [
            None
        ] * 3 + [date(1975, 12, 31)] + [None] * 2

    def test_refuses_what_is_not_a_column_or_a_code_table(self, compiled: object) -> None:
        eras, gregorian = dp._COMPILED_ERAS, dp._COMPILED_GREGORIAN
        with pytest.raises(TypeError, match="object array or a list"):
            compiled.code_days("3501231", (-1,) * 10, eras, gregorian, False)  # type: ignore[attr-defined]
        with pytest.raises(ValueError, match="ten era indexes"):
            compiled.code_days([], (-1,) * 9, eras, gregorian, False)  # type: ignore[attr-defined]
        with pytest.raises(ValueError, match="no era"):
            compiled.code_days([], (9,) * 10, eras, gregorian, False)  # type: ignore[attr-defined]


def _arrow_text(values: list[object]) -> list[object]:
    """The values Arrow can hold: no lone surrogates (not UTF-8)."""
    return [v for v in values if not (isinstance(v, str) and any(0xD800 <= ord(c) <= 0xDFFF for c in v))]


class TestArrowBackedColumns:
    """pandas' Arrow-backed text (pandas 3's ``str``, ``string[pyarrow]``, ``ArrowDtype``) is read in
    its buffers; the answers and failures must be those of the same values as Python strings."""

    DTYPES = ("str", "string[pyarrow]", "arrow-string", "arrow-large-string")

    @staticmethod
    def column(values: list[object], dtype: str) -> pd.Series:
        pa = pytest.importorskip("pyarrow")
        resolved: object = {
            "arrow-string": pd.ArrowDtype(pa.string()),
            "arrow-large-string": pd.ArrowDtype(pa.large_string()),
        }.get(dtype, dtype)
        return pd.Series(values, dtype=resolved, index=[f"row{n}" for n in range(len(values))])

    @given(
        st.lists(st.one_of(near_forms(), kanji_forms(), st.none(), st.text(max_size=6)), max_size=30),
        st.sampled_from(DTYPES),
        st.integers(0, 3),
    )
    def test_same_days_and_failures_as_python_strings(
        self, compiled: object, values: list[object], dtype: str, cut: int
    ) -> None:
        values = _arrow_text(values)
        whole = self.column(values, dtype)
        # A slice (an Arrow offset) and two columns joined (two chunks) are read as they lie.
        for series in (whole, whole.iloc[cut:], pd.concat([whole.iloc[:cut], whole.iloc[cut:]])):
            assert dp._arrow_chunks(series) is not None
            as_objects = series.astype(object).where(series.notna(), None)
            got = dp.to_datetime(series, errors="coerce", unit="s")
            expected = dp.to_datetime(as_objects, errors="coerce", unit="s")
            assert got.tolist() == expected.tolist()
            failures, expected_failures = dp.date_failures(series, unit="s"), dp.date_failures(as_objects, unit="s")
            assert failures["error"].tolist() == expected_failures["error"].tolist()
            assert failures.index.tolist() == expected_failures.index.tolist()

    def test_the_buffers_are_read_not_python_strings(self, compiled: object, monkeypatch: pytest.MonkeyPatch) -> None:
        """A column the compiled reader settles whole never reaches the object-array reader."""
        series = self.column(["令和3年4月1日", "平成三十年十二月一日", None, "R3.4.1"], "str")

        def no_objects(values: object, unit: object) -> None:
            raise AssertionError("the Arrow column was copied to Python strings")

        monkeypatch.setattr(dp, "_compiled_days", no_objects)
        expected = [pd.Timestamp("2021-04-01"), pd.Timestamp("2018-12-01"), pd.NaT, pd.Timestamp("2021-04-01")]
        assert dp.to_datetime(series).tolist() == expected

    def test_a_null_slot_is_missing_whatever_its_bytes(self, compiled: object) -> None:
        pa = pytest.importorskip("pyarrow")
        data = "R3.4.1令和3年4月1日".encode()
        offsets = np.array([0, 6, len(data)], dtype=np.int64)
        validity = pa.py_buffer(bytes([0b10]))  # the first slot is null, though its bytes are a date
        array = pa.Array.from_buffers(pa.large_string(), 2, [validity, pa.py_buffer(offsets), pa.py_buffer(data)])
        series = pd.Series(pd.arrays.ArrowExtensionArray(array))
        assert dp._arrow_chunks(series) is not None
        assert dp.to_datetime(series).tolist() == [pd.NaT, pd.Timestamp("2021-04-01")]
