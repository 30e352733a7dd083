"""The short cuts of the per-call parsers (issue #28) give exactly the general path's answers.

parse_period, FiscalYear.parse and parse_deadline answer a phrase read before from a bounded
cache, and PeriodWords is filled from the match in one step; FiscalYear.end is computed without
relativedelta. Each is compared here with the path it short-cuts, on generated input.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from dgplan import fiscal
from dgplan.deadline import _read_deadline, parse_deadline
from dgplan.errors import DgplanError
from dgplan.fiscal import FiscalYear, PeriodWords, parse_period

_PIECES = [
    "令和", "平成", "昭和", "R", "FY", "元", "3", "12", "2021", "三", "十", "年", "年度", "月", "日", "末", "まで",
    "までに", "以降", "を目途に", "第2四半期", "上期", "夏", "早期", "中", "頃", "(2021年度)", "（", "）", "本年度",
    "来年度", "-Q2", " ", "/", ".", "..", "2021-04-01",
]  # fmt: skip


@st.composite
def phrases(draw: st.DrawFn) -> str:
    return "".join(draw(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=7)))


def outcome(function: object, *args: object, **kwargs: object) -> object:
    try:
        return function(*args, **kwargs)  # type: ignore[operator]
    except DgplanError as error:
        return type(error), str(error)


REFERENCES = st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)))
EXPECTED = "a period such as 令和3年度, 令和4年夏, 令和3年度第2四半期 or 令和3年10月"


class TestCachedAnswersAreTheGeneralPaths:
    @given(phrases(), REFERENCES)
    def test_parse_period(self, text: str, reference: date | None) -> None:
        general = outcome(fiscal._read_period, text, reference=reference, anchor=None, expected=EXPECTED)
        first = outcome(parse_period, text, reference=reference)
        again = outcome(parse_period, text, reference=reference)
        expected = general.interval if isinstance(general, fiscal.Period) else general
        assert first == again == expected

    @given(phrases())
    def test_fiscal_year_parse(self, text: str) -> None:
        general = outcome(
            fiscal._read_period, text, reference=None, anchor=None, expected="a fiscal year such as 令和3年度"
        )
        answer = outcome(FiscalYear.parse, text)
        if isinstance(general, fiscal.Period) and general.unit == "fiscal_year":
            assert answer == FiscalYear(general.interval.start.year)
        elif not isinstance(general, fiscal.Period):
            assert answer == general

    @given(phrases(), REFERENCES)
    def test_parse_deadline(self, text: str, reference: date | None) -> None:
        general = outcome(_read_deadline, text, reference)
        assert outcome(parse_deadline, text, reference=reference) == general
        assert outcome(parse_deadline, text, reference=reference) == general

    def test_a_datetime_reference_is_not_served_a_dates_answer(self) -> None:
        """A datetime is a date but never equal to one: each is read (and cached) on its own."""
        as_date = outcome(parse_period, "来年度", reference=date(2021, 6, 18))
        as_datetime = outcome(parse_period, "来年度", reference=datetime(2021, 6, 18, 9, 0))
        uncached = outcome(
            fiscal._read_period, "来年度", reference=datetime(2021, 6, 18, 9, 0), anchor=None, expected=EXPECTED
        )
        assert as_datetime == (uncached.interval if isinstance(uncached, fiscal.Period) else uncached)
        assert as_date == parse_period("来年度", reference=date(2021, 6, 18))

    def test_a_string_subclass_is_read_not_looked_up(self) -> None:
        class Phrase(str):
            pass

        assert parse_period(Phrase("令和3年度")) == parse_period("令和3年度")
        assert parse_deadline(Phrase("令和3年度末まで")).due == date(2022, 3, 31)

    def test_the_cache_is_bounded(self) -> None:
        assert fiscal._cached_period.cache_info().maxsize is not None
        from dgplan import deadline

        assert deadline._cached_deadline.cache_info().maxsize is not None


@st.composite
def plain_era_phrases(draw: st.DrawFn) -> str:
    """令和3年度 and 令和3年4月1日 near their edges: every era, years 0-99 (with leading zeros too),
    months 0-13, days 0-32, and now and then a character more."""
    era = draw(st.sampled_from(["明治", "大正", "昭和", "平成", "令和", "令", "R"]))
    year = draw(st.one_of(st.just("元"), st.integers(0, 99).map(str), st.integers(0, 9).map(lambda n: f"0{n}")))
    if draw(st.booleans()):
        text = f"{era}{year}年度"
    else:
        month, day = draw(st.integers(0, 13)), draw(st.integers(0, 32))
        text = f"{era}{year}年{month}月{day}日"
    if draw(st.integers(0, 5)) == 0:
        text += draw(st.sampled_from(["末", "中", "(木)", "以降", " "]))
    return text


class TestPlainEraPeriods:
    """The fast path for 令和3年度 and 令和3年4月1日 answers only where the general path gives the same
    period, and leaves everything else (every error) to it."""

    @staticmethod
    def general(text: str) -> object:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(fiscal, "_plain_era_period", lambda normal: None)
            return outcome(fiscal._read_period, text, reference=None, anchor=None, expected=EXPECTED)

    @given(st.one_of(plain_era_phrases(), phrases()))
    def test_its_answers_are_the_general_paths(self, text: str) -> None:
        from dgplan._text import normalize_phrase

        fast = fiscal._plain_era_period(normalize_phrase(text))
        if fast is not None:
            assert fast == self.general(text)

    @given(st.dates(min_value=date(1873, 1, 1), max_value=date(2100, 12, 31)))
    def test_it_answers_every_day_and_fiscal_year_in_its_era(self, day: date) -> None:
        from dgplan import format_wareki
        from dgplan._text import normalize_phrase

        written = format_wareki(day)
        assert fiscal._plain_era_period(normalize_phrase(written)) == self.general(written)
        assert fiscal._plain_era_period(written) is not None
        nendo = FiscalYear.from_date(day).wareki
        if FiscalYear.from_date(day).year >= fiscal.FIRST_APRIL_FISCAL_YEAR:
            assert fiscal._plain_era_period(nendo) == self.general(nendo)

    @pytest.mark.parametrize(
        "text", ["平成31年5月1日", "令和元年4月30日", "明治5年12月31日", "令和3年2月29日", "平成32年度", "明治18年度"]
    )
    def test_it_leaves_what_the_general_path_refuses(self, text: str) -> None:
        assert fiscal._plain_era_period(text) is None
        assert isinstance(self.general(text), tuple)  # an error, with its message


class TestPeriodWords:
    @given(phrases())
    def test_from_match_holds_every_group_and_the_text(self, text: str) -> None:
        """The record is filled from the match's groups in one step: each field is its group."""
        from dgplan._text import normalize_phrase

        match = fiscal.PERIOD_PATTERN.fullmatch(normalize_phrase(text))
        if match is not None:
            words = PeriodWords.from_match(match, text)
            names = [field.name for field in dataclasses.fields(PeriodWords)]
            assert {name: getattr(words, name) for name in names} == {"text": text, **match.groupdict()}
            with pytest.raises(dataclasses.FrozenInstanceError):
                words.era = "令和"  # type: ignore[misc]


class TestFiscalYearEnd:
    @given(st.integers(1, 9998), st.integers(1, 12))
    def test_the_day_before_a_year_on(self, year: int, start_month: int) -> None:
        fiscal_year = FiscalYear(year, start_month)
        assert fiscal_year.end == fiscal_year.start + relativedelta(years=1) - timedelta(days=1)
