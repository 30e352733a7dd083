"""Era dates: the era table, parse_date, parse_era_year, format_wareki, era_of."""

from __future__ import annotations

import re
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dgplan import (
    ERAS,
    DgplanError,
    EraError,
    LenientParseWarning,
    era_by_name,
    era_of,
    format_wareki,
    parse_date,
    parse_era_year,
)
from dgplan.era import GREGORIAN_ADOPTION

GREGORIAN_DAYS = st.dates(min_value=GREGORIAN_ADOPTION, max_value=date(2100, 12, 31))
STYLES = ("standard", "kanji", "fullwidth", "short", "short-padded", "short-kanji")


class TestEraTable:
    def test_sorted_contiguous_without_overlap(self) -> None:
        for earlier, later in pairwise(ERAS):
            assert earlier.end is not None
            assert earlier.start < earlier.end
            assert later.start == earlier.end + timedelta(days=1)
        assert ERAS[-1].end is None

    @pytest.mark.parametrize(
        ("name", "start", "end"),
        [
            ("明治", date(1868, 1, 25), date(1912, 7, 29)),
            ("大正", date(1912, 7, 30), date(1926, 12, 24)),
            ("昭和", date(1926, 12, 25), date(1989, 1, 7)),
            ("平成", date(1989, 1, 8), date(2019, 4, 30)),
            ("令和", date(2019, 5, 1), None),
        ],
    )
    def test_boundaries_match_the_spec(self, name: str, start: date, end: date | None) -> None:
        era = era_by_name(name)
        assert (era.start, era.end) == (start, end)

    def test_agrees_with_japanera_from_taisho_on(self) -> None:
        japanera = pytest.importorskip("japanera")
        theirs = {era.kanji: era for era in japanera.ERA_DATA_GENERAL if era.kanji in {e.name for e in ERAS}}
        for ours in ERAS[1:]:
            their = theirs[ours.name]
            assert their.since == ours.start
            # japanera's end is exclusive: the next era's first day.
            assert their.until == (None if ours.end is None else ours.end + timedelta(days=1))

    def test_meiji_start_differs_from_japanera_as_documented(self) -> None:
        japanera = pytest.importorskip("japanera")
        meiji = next(era for era in japanera.ERA_DATA_GENERAL if era.kanji == "明治")
        # japanera starts 明治 two days earlier; we follow the spec (lunisolar new year, 1868-01-25).
        assert meiji.since == date(1868, 1, 23)
        assert era_by_name("明治").start == date(1868, 1, 25)

    @pytest.mark.parametrize("name", ["令和", "令", "R", "r", "Reiwa", "REIWA"])
    def test_lookup_by_any_name(self, name: str) -> None:
        assert era_by_name(name).name == "令和"

    def test_unknown_era(self) -> None:
        with pytest.raises(EraError, match=re.escape("'天平'")):
            era_by_name("天平")


class TestEraOf:
    @pytest.mark.parametrize(
        ("day", "name"),
        [
            (date(2019, 4, 30), "平成"),
            (date(2019, 5, 1), "令和"),
            (date(1989, 1, 7), "昭和"),
            (date(1989, 1, 8), "平成"),
            (date(1926, 12, 24), "大正"),
            (date(1926, 12, 25), "昭和"),
            (date(1912, 7, 29), "明治"),
            (date(1912, 7, 30), "大正"),
        ],
    )
    def test_boundaries(self, day: date, name: str) -> None:
        assert era_of(day).name == name

    def test_before_meiji(self) -> None:
        with pytest.raises(EraError, match="1868-01-24"):
            era_of(date(1868, 1, 24))

    @given(GREGORIAN_DAYS)
    def test_day_lies_in_its_era(self, day: date) -> None:
        assert day in era_of(day)


class TestParseDate:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            # written with the era
            ("令和3年4月1日", date(2021, 4, 1)),
            ("令和元年5月1日", date(2019, 5, 1)),
            ("平成31年4月30日", date(2019, 4, 30)),
            ("平成元年1月8日", date(1989, 1, 8)),
            ("昭和64年1月7日", date(1989, 1, 7)),
            ("大正15年12月24日", date(1926, 12, 24)),
            ("明治45年7月29日", date(1912, 7, 29)),
            # full-width, brackets with the Western year, white space from PDF
            ("令和３年（2021年）９月１日", date(2021, 9, 1)),
            ("令和３年（２０２１年）９月１日", date(2021, 9, 1)),
            ("令和3(2021)年9月1日", date(2021, 9, 1)),
            ("令和 3年 9月 1日", date(2021, 9, 1)),
            ("令和\n３年９月\n１日", date(2021, 9, 1)),
            # kanji numerals
            ("令和三年九月一日", date(2021, 9, 1)),
            ("平成三十一年四月三十日", date(2019, 4, 30)),
            ("令和元年十二月二十五日", date(2019, 12, 25)),
            ("令和三年（二〇二一年）九月一日", date(2021, 9, 1)),
            # abbreviations
            ("R3.4.1", date(2021, 4, 1)),
            ("r3.4.1", date(2021, 4, 1)),
            ("H31/4/30", date(2019, 4, 30)),
            ("S64.1.7", date(1989, 1, 7)),
            ("令3.4.1", date(2021, 4, 1)),
            ("R03.04.01", date(2021, 4, 1)),
            ("Ｒ３．４．１", date(2021, 4, 1)),
            ("R3-4-1", date(2021, 4, 1)),
            # Western
            ("2021-04-01", date(2021, 4, 1)),
            ("2021/4/1", date(2021, 4, 1)),
            ("2021年4月1日", date(2021, 4, 1)),
            ("２０２１年４月１日", date(2021, 4, 1)),
            # weekday in brackets, checked
            ("令和3年4月1日(木)", date(2021, 4, 1)),
            ("令和3年4月1日（木曜日）", date(2021, 4, 1)),
        ],
    )
    def test_valid(self, text: str, expected: date) -> None:
        assert parse_date(text) == expected

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            # outside the era
            ("平成31年5月1日", "after the end of 平成 (2019-04-30); did you mean 令和元年5月1日?"),
            ("令和元年4月30日", "before the start of 令和 (2019-05-01); did you mean 平成31年4月30日?"),
            ("昭和64年1月8日", "after the end of 昭和 (1989-01-07); did you mean 平成元年1月8日?"),
            ("平成32年4月1日", "平成32年 does not exist"),
            ("H32.4.1", "平成32年 does not exist"),
            # year 0, impossible days and months
            ("令和0年1月1日", "no year 0"),
            ("R0.1.1", "no year 0"),
            ("令和3年2月29日", "days 1 to 28, not 29"),
            ("令和3年4月31日", "days 1 to 30, not 31"),
            ("令和3年13月1日", "month 13 does not exist"),
            ("2021-02-30", "days 1 to 28, not 30"),
            # era and Western year disagree
            ("令和3年(2020年)4月1日", "says 2020"),
            ("令和三年（二〇二〇年）四月一日", "says 2020"),
            # weekday disagrees
            ("令和3年4月1日(金)", "木曜日, not a 金曜日"),
            # lunisolar dates
            ("明治5年12月2日", "lunisolar"),
            # not dates at all
            ("", "is not a date"),
            ("令和3年", "is not a date"),
            ("令和3年4月", "is not a date"),
            ("soon", "is not a date"),
            ("2021-04-01T10:00", "is not a date"),
            ("令和3年4月1日まで", "is not a date"),
            ("X3.4.1", "is not a date"),
            ("R3.4/1", "is not a date"),
        ],
    )
    def test_invalid_quotes_the_input(self, text: str, message: str) -> None:
        with pytest.raises(EraError, match=re.escape(repr(text))) as info:
            parse_date(text)
        assert message in str(info.value)
        assert info.value.text == text

    def test_not_a_string(self) -> None:
        with pytest.raises(EraError, match="is not a string"):
            parse_date(20210401)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("平成32年4月1日", date(2020, 4, 1)),
            ("平成31年5月1日", date(2019, 5, 1)),
            ("令和元年4月30日", date(2019, 4, 30)),
            ("令和3年(2020年)4月1日", date(2021, 4, 1)),
        ],
    )
    def test_lenient_maps_to_gregorian_and_warns(self, text: str, expected: date) -> None:
        with pytest.warns(LenientParseWarning, match=re.escape(repr(text))) as record:
            assert parse_date(text, strict=False) == expected
        assert len(record) == 1

    @pytest.mark.parametrize("text", ["令和0年1月1日", "令和3年2月29日", "soon"])
    def test_lenient_still_rejects_impossible_dates(self, text: str) -> None:
        with pytest.raises(EraError, match=re.escape(repr(text))):
            parse_date(text, strict=False)

    @given(GREGORIAN_DAYS, st.sampled_from(STYLES))
    def test_round_trip_every_style(self, day: date, style: str) -> None:
        assert parse_date(format_wareki(day, style=style)) == day  # type: ignore[arg-type]

    @given(GREGORIAN_DAYS, st.sampled_from(("standard", "kanji", "fullwidth")))
    def test_round_trip_with_western_year(self, day: date, style: str) -> None:
        assert parse_date(format_wareki(day, style=style, western=True)) == day  # type: ignore[arg-type]

    @given(GREGORIAN_DAYS)
    def test_iso_round_trip(self, day: date) -> None:
        assert parse_date(day.isoformat()) == day

    @given(st.text())
    def test_fuzz_only_era_errors_escape(self, text: str) -> None:
        try:
            parse_date(text)
        except EraError as error:
            assert repr(text) in str(error)

    @given(st.text(alphabet="令和平成昭元年月日度0123456789０１２３一二三十RH.()（）/- "))
    def test_fuzz_date_like_text(self, text: str) -> None:
        try:
            result = parse_date(text)
        except DgplanError as error:
            assert repr(text) in str(error)
        else:
            assert isinstance(result, date)


class TestParseEraYear:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("令和3年", 2021),
            ("令和元年", 2019),
            ("平成元年", 1989),
            ("平成31年", 2019),
            ("平成三十一年", 2019),
            ("令和3年(2021年)", 2021),
            ("令和３年（２０２１年）", 2021),
            ("R3", 2021),
            ("令和3", 2021),
            ("昭和64年", 1989),
        ],
    )
    def test_valid(self, text: str, expected: int) -> None:
        assert parse_era_year(text) == expected

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("令和0年", "no year 0"),
            ("平成32年", "does not exist"),
            ("昭和65年", "does not exist"),
            ("令和3年(2020年)", "says 2020"),
            ("2021年", "not an era year"),
            ("令和", "not an era year"),
        ],
    )
    def test_invalid(self, text: str, message: str) -> None:
        with pytest.raises(EraError, match=re.escape(repr(text))) as info:
            parse_era_year(text)
        assert message in str(info.value)

    def test_lenient_year_past_the_era(self) -> None:
        with pytest.warns(LenientParseWarning, match="平成32年"):
            assert parse_era_year("平成32年", strict=False) == 2020


class TestFormatWareki:
    @pytest.mark.parametrize(
        ("day", "style", "western", "expected"),
        [
            (date(2021, 4, 1), "standard", False, "令和3年4月1日"),
            (date(2019, 5, 1), "standard", False, "令和元年5月1日"),
            (date(2019, 4, 30), "standard", False, "平成31年4月30日"),
            (date(1989, 1, 7), "standard", False, "昭和64年1月7日"),
            (date(1989, 1, 8), "standard", False, "平成元年1月8日"),
            (date(2021, 4, 1), "kanji", False, "令和三年四月一日"),
            (date(2019, 4, 30), "kanji", False, "平成三十一年四月三十日"),
            (date(2019, 5, 1), "kanji", False, "令和元年五月一日"),
            (date(2021, 12, 20), "kanji", False, "令和三年十二月二十日"),
            (date(2021, 4, 1), "fullwidth", False, "令和３年４月１日"),
            (date(2021, 4, 1), "short", False, "R3.4.1"),
            (date(2019, 5, 1), "short", False, "R1.5.1"),
            (date(2021, 4, 1), "short-padded", False, "R03.04.01"),
            (date(2021, 4, 1), "short-kanji", False, "令3.4.1"),
            (date(2021, 9, 1), "standard", True, "令和3年（2021年）9月1日"),
            (date(2021, 9, 1), "fullwidth", True, "令和３年（２０２１年）９月１日"),
            (date(2021, 9, 1), "kanji", True, "令和三年（二〇二一年）九月一日"),
        ],
    )
    def test_styles(self, day: date, style: str, western: bool, expected: str) -> None:
        assert format_wareki(day, style=style, western=western) == expected  # type: ignore[arg-type]

    def test_short_styles_have_no_western_year(self) -> None:
        with pytest.raises(ValueError, match="short"):
            format_wareki(date(2021, 4, 1), style="short", western=True)

    def test_unknown_style(self) -> None:
        with pytest.raises(ValueError, match="'long'"):
            format_wareki(date(2021, 4, 1), style="long")  # type: ignore[arg-type]

    def test_lunisolar_dates_are_refused(self) -> None:
        with pytest.raises(EraError, match="1872-12-31"):
            format_wareki(date(1872, 12, 31))

    def test_agrees_with_japanera_for_every_day_1900_to_2100(self) -> None:
        japanera = pytest.importorskip("japanera")
        day, last = date(1900, 1, 1), date(2100, 12, 31)
        while day <= last:
            theirs = japanera.EraDate.from_date(day).strftime("%-K%-n年%-m月%-d日")
            assert format_wareki(day, style="kanji") == theirs, day
            day += timedelta(days=1)


class TestIsoFastPath:
    """ISO dates skip the era patterns; the answer (or the error) is the one the patterns give."""

    @given(
        st.from_regex(r"\A[0-9０-９]{3,5}-[0-9]{1,3}-[0-9]{1,3}\Z", fullmatch=True)
        | st.from_regex(r"\A\d{4}-\d{1,2}-\d{1,2}\Z", fullmatch=True)
    )
    def test_the_same_as_the_patterns(self, text: str) -> None:
        from unittest import mock

        def outcome() -> object:
            try:
                return parse_date(text)
            except EraError as error:
                return str(error)
            except (ValueError, OverflowError) as error:
                return type(error)

        fast = outcome()
        with mock.patch("dgplan.era._iso_parts", lambda normal: None):
            assert outcome() == fast
