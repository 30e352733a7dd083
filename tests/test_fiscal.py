"""Intervals, fiscal years and quarters, and period phrases (spec §3)."""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dgplan import FiscalQuarter, FiscalYear, Interval, PeriodError, parse_deadline, parse_period, parse_period_detail
from dgplan.errors import DgplanError, LenientParseWarning

DAYS = st.dates(min_value=date(1873, 1, 1), max_value=date(2100, 12, 31))
PLAN_DATE = date(2021, 6, 18)


def interval(start: str, end: str) -> Interval:
    return Interval(date.fromisoformat(start), date.fromisoformat(end))


class TestInterval:
    def test_closed_at_both_ends(self) -> None:
        fy = interval("2021-04-01", "2022-03-31")
        assert date(2021, 4, 1) in fy
        assert date(2022, 3, 31) in fy
        assert date(2021, 3, 31) not in fy
        assert date(2022, 4, 1) not in fy
        assert fy.days == 365

    def test_contains_intervals(self) -> None:
        fy = interval("2021-04-01", "2022-03-31")
        assert interval("2021-04-01", "2021-06-30") in fy
        assert interval("2021-03-31", "2021-06-30") not in fy

    def test_overlaps_and_intersection(self) -> None:
        a, b = interval("2021-04-01", "2021-06-30"), interval("2021-06-30", "2021-09-30")
        assert a.overlaps(b) and b.overlaps(a)
        assert a.intersection(b) == Interval.day(date(2021, 6, 30))
        c = interval("2021-07-01", "2021-09-30")
        assert not a.overlaps(c)
        assert a.intersection(c) is None

    def test_ordering_and_equality(self) -> None:
        spans = [
            interval("2021-07-01", "2021-09-30"),
            interval("2021-04-01", "2021-12-31"),
            interval("2021-04-01", "2021-06-30"),
        ]
        assert sorted(spans) == [spans[2], spans[1], spans[0]]
        assert interval("2021-04-01", "2021-06-30") == interval("2021-04-01", "2021-06-30")
        assert len({interval("2021-04-01", "2021-06-30"), interval("2021-04-01", "2021-06-30")}) == 1

    def test_frozen(self) -> None:
        span = interval("2021-04-01", "2021-06-30")
        with pytest.raises(AttributeError):
            span.start = date(2021, 1, 1)  # type: ignore[misc]

    def test_end_before_start(self) -> None:
        with pytest.raises(PeriodError, match="2021-03-31"):
            interval("2021-04-01", "2021-03-31")

    def test_datetimes_are_refused(self) -> None:
        from datetime import datetime

        with pytest.raises(TypeError, match="datetime"):
            Interval(datetime(2021, 4, 1), date(2021, 5, 1))

    def test_str_and_parse_round_trip(self) -> None:
        span = interval("2021-04-01", "2022-03-31")
        assert str(span) == "2021-04-01..2022-03-31"
        assert Interval.parse(str(span)) == span
        assert Interval.parse("2021-04-01") == Interval.day(date(2021, 4, 1))
        with pytest.raises(PeriodError, match=re.escape("'April'")):
            Interval.parse("April")

    def test_iterates_over_its_days(self) -> None:
        days = list(interval("2021-12-30", "2022-01-02"))
        assert days == [date(2021, 12, 30), date(2021, 12, 31), date(2022, 1, 1), date(2022, 1, 2)]

    def test_named_constructors(self) -> None:
        assert Interval.month(2024, 2) == interval("2024-02-01", "2024-02-29")
        assert Interval.year(2021) == interval("2021-01-01", "2021-12-31")


class TestFiscalYear:
    def test_named_by_start_year(self) -> None:
        fy = FiscalYear(2021)
        assert (fy.start, fy.end) == (date(2021, 4, 1), date(2022, 3, 31))
        assert fy.label == "FY2021"
        assert str(fy) == "FY2021"
        assert repr(fy) == "FiscalYear(2021)"

    @pytest.mark.parametrize(
        ("day", "year"),
        [(date(2021, 4, 1), 2021), (date(2022, 3, 31), 2021), (date(2021, 3, 31), 2020), (date(2021, 12, 31), 2021)],
    )
    def test_from_date(self, day: date, year: int) -> None:
        assert FiscalYear.from_date(day) == FiscalYear(year)

    @pytest.mark.parametrize(
        ("text", "year"),
        [
            ("令和3年度", 2021),
            ("令和３年度（2021年度）", 2021),
            ("令和元年度", 2019),
            ("平成31年度", 2019),
            ("平成元年度", 1989),
            ("昭和63年度", 1988),
            ("2021年度", 2021),
            ("FY2021", 2021),
            ("R3年度", 2021),
            ("R03年度", 2021),
            ("令和三年度", 2021),
            ("令和十二年度", 2030),
        ],
    )
    def test_parse(self, text: str, year: int) -> None:
        assert FiscalYear.parse(text) == FiscalYear(year)

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("令和3年", "not a fiscal year"),
            ("令和3年度上期", "not a fiscal year"),
            ("平成32年度", "lies outside 平成"),
            ("昭和64年度", "lies outside 昭和"),
            ("令和3年度(2020年度)", "says 2020"),
            ("令和0年度", "no year 0"),
            ("next year", "not a period"),
        ],
    )
    def test_parse_invalid(self, text: str, message: str) -> None:
        with pytest.raises(PeriodError, match=re.escape(repr(text))) as info:
            FiscalYear.parse(text)
        assert message in str(info.value)

    @pytest.mark.parametrize(
        ("year", "wareki"),
        [
            (2021, "令和3年度"),
            (2019, "令和元年度"),
            (2018, "平成30年度"),
            (1989, "平成元年度"),
            (1988, "昭和63年度"),
            (1926, "大正15年度"),
            (1912, "大正元年度"),
        ],
    )
    def test_wareki_uses_the_era_at_the_midpoint(self, year: int, wareki: str) -> None:
        assert FiscalYear(year).wareki == wareki

    @given(st.integers(min_value=1886, max_value=2100))
    def test_wareki_round_trip(self, year: int) -> None:
        assert FiscalYear.parse(FiscalYear(year).wareki) == FiscalYear(year)

    @given(st.integers(min_value=1873, max_value=1885))
    def test_a_nendo_before_the_april_year_began_is_refused(self, year: int) -> None:
        # Issue 24: before 1886 the 年度 ran from July (or January); reading it as April-March was wrong.
        for text in (FiscalYear(year).wareki, f"{year}年度", f"FY{year}", f"{year}年度末まで"):
            with pytest.raises(DgplanError, match=re.escape(repr(text))):
                parse_deadline(text, reference=date(2021, 6, 18))
        with pytest.raises(PeriodError, match="1886"):
            FiscalYear.parse(f"{year}年度")

    def test_other_start_month(self) -> None:
        fy = FiscalYear(2021, start_month=1)
        assert (fy.start, fy.end) == (date(2021, 1, 1), date(2021, 12, 31))
        assert repr(fy) == "FiscalYear(2021, start_month=1)"
        assert FiscalYear.from_date(date(2021, 9, 30), start_month=10) == FiscalYear(2020, start_month=10)
        with pytest.raises(PeriodError, match="start_month"):
            FiscalYear(2021, start_month=13)

    def test_next_previous_and_order(self) -> None:
        assert FiscalYear(2021).next == FiscalYear(2022)
        assert FiscalYear(2021).previous == FiscalYear(2020)
        assert FiscalYear(2020) < FiscalYear(2021)

    def test_quarters_and_halves(self) -> None:
        q1, _, _, q4 = FiscalYear(2021).quarters()
        assert q1.interval == interval("2021-04-01", "2021-06-30")
        assert q4.interval == interval("2022-01-01", "2022-03-31")
        first, second = FiscalYear(2021).halves()
        assert first == interval("2021-04-01", "2021-09-30")
        assert second == interval("2021-10-01", "2022-03-31")

    @given(DAYS)
    def test_from_date_contains_the_day(self, day: date) -> None:
        assert day in FiscalYear.from_date(day).interval
        assert day in FiscalYear.from_date(day, start_month=day.month)

    @given(st.integers(min_value=1900, max_value=2100), st.integers(min_value=1, max_value=12))
    def test_quarters_partition_the_year(self, year: int, start_month: int) -> None:
        fy = FiscalYear(year, start_month)
        quarters = fy.quarters()
        assert quarters[0].start == fy.start
        assert quarters[-1].end == fy.end
        for earlier, later in pairwise(quarters):
            assert (later.start - earlier.end).days == 1
        assert sum(q.interval.days for q in quarters) == fy.interval.days


class TestFiscalQuarter:
    @pytest.mark.parametrize(
        ("day", "quarter"),
        [
            (date(2021, 4, 1), FiscalQuarter(2021, 1)),
            (date(2021, 6, 30), FiscalQuarter(2021, 1)),
            (date(2021, 7, 1), FiscalQuarter(2021, 2)),
            (date(2021, 12, 31), FiscalQuarter(2021, 3)),
            (date(2022, 1, 1), FiscalQuarter(2021, 4)),
            (date(2022, 3, 31), FiscalQuarter(2021, 4)),
        ],
    )
    def test_from_date(self, day: date, quarter: FiscalQuarter) -> None:
        assert FiscalQuarter.from_date(day) == quarter

    @pytest.mark.parametrize(
        "text",
        [
            "FY2021-Q2",
            "FY2021Q2",
            "fy2021-q2",
            "令和3年度第2四半期",
            "2021年度第2四半期",
            "令和三年度第二四半期",
            "令和３年度第２四半期",
        ],
    )
    def test_parse(self, text: str) -> None:
        assert FiscalQuarter.parse(text) == FiscalQuarter(2021, 2)

    @pytest.mark.parametrize("text", ["FY2021-Q5", "令和3年第2四半期", "令和3年度上期", "Q2"])
    def test_parse_invalid(self, text: str) -> None:
        with pytest.raises(PeriodError, match=re.escape(repr(text))):
            FiscalQuarter.parse(text)

    def test_labels_and_neighbours(self) -> None:
        q = FiscalQuarter(2021, 4)
        assert (q.label, q.wareki) == ("FY2021-Q4", "令和3年度第4四半期")
        assert q.next == FiscalQuarter(2022, 1)
        assert FiscalQuarter(2022, 1).previous == q
        assert q.fiscal_year == FiscalYear(2021)
        with pytest.raises(PeriodError, match="1-4"):
            FiscalQuarter(2021, 0)

    @given(DAYS, st.integers(min_value=1, max_value=12))
    def test_every_day_in_exactly_one_quarter(self, day: date, start_month: int) -> None:
        fy = FiscalYear.from_date(day, start_month=start_month)
        holding = [q for q in fy.quarters() if day in q]
        assert holding == [FiscalQuarter.from_date(day, start_month=start_month)]
        # and no quarter of the neighbouring years holds it
        assert not any(day in q for q in fy.next.quarters() + fy.previous.quarters())


# Spec §3, row by row: (phrase, reference, start, end).
PERIODS = [
    # 年度, not clipped to the era
    ("令和3年度", None, "2021-04-01", "2022-03-31"),
    ("令和元年度", None, "2019-04-01", "2020-03-31"),
    ("平成31年度", None, "2019-04-01", "2020-03-31"),
    ("令和３年度（２０２１年度）", None, "2021-04-01", "2022-03-31"),
    ("令和３年度\n（2021年\n度）", None, "2021-04-01", "2022-03-31"),
    ("令和 12年度", None, "2030-04-01", "2031-03-31"),
    # 年, clipped to the era
    ("令和3年", None, "2021-01-01", "2021-12-31"),
    ("令和元年", None, "2019-05-01", "2019-12-31"),
    ("平成31年", None, "2019-01-01", "2019-04-30"),
    ("令和4年（2022年）", None, "2022-01-01", "2022-12-31"),
    ("2022 年", None, "2022-01-01", "2022-12-31"),
    # 月 and 日
    ("令和3年10月", None, "2021-10-01", "2021-10-31"),
    ("令和元年（2019年）5月", None, "2019-05-01", "2019-05-31"),
    ("令和3年10月1日", None, "2021-10-01", "2021-10-01"),
    ("R3.10.1", None, "2021-10-01", "2021-10-01"),
    ("2024年2月", None, "2024-02-01", "2024-02-29"),
    # quarters of a 年度
    ("令和3年度第1四半期", None, "2021-04-01", "2021-06-30"),
    ("令和3年度第2四半期", None, "2021-07-01", "2021-09-30"),
    ("令和3年度第3四半期", None, "2021-10-01", "2021-12-31"),
    ("令和3年度第4四半期", None, "2022-01-01", "2022-03-31"),
    # halves of a 年度 and of a 年
    ("令和3年度上期", None, "2021-04-01", "2021-09-30"),
    ("令和3年度上半期", None, "2021-04-01", "2021-09-30"),
    ("令和3年度前半", None, "2021-04-01", "2021-09-30"),
    ("令和3年度下期", None, "2021-10-01", "2022-03-31"),
    ("令和3年度下半期", None, "2021-10-01", "2022-03-31"),
    ("令和3年度後半", None, "2021-10-01", "2022-03-31"),
    ("令和3年上期", None, "2021-01-01", "2021-06-30"),
    ("令和3年前半", None, "2021-01-01", "2021-06-30"),
    ("令和3年下半期", None, "2021-07-01", "2021-12-31"),
    ("令和3年後半", None, "2021-07-01", "2021-12-31"),
    # seasons of a 年 and of a 年度
    ("令和4年春", None, "2022-03-01", "2022-05-31"),
    ("令和4年夏", None, "2022-06-01", "2022-08-31"),
    ("令和4年（2022年）夏", None, "2022-06-01", "2022-08-31"),
    ("令和4年秋", None, "2022-09-01", "2022-11-30"),
    ("令和4年冬", None, "2022-12-01", "2023-02-28"),
    ("令和5年冬", None, "2023-12-01", "2024-02-29"),
    ("令和4年度夏", None, "2022-06-01", "2022-08-31"),
    ("令和4年度冬", None, "2022-12-01", "2023-02-28"),
    ("令和4年度春", None, "2022-04-01", "2022-05-31"),
    ("令和4年の夏", None, "2022-06-01", "2022-08-31"),
    # 末: the last month
    ("令和3年度末", None, "2022-03-01", "2022-03-31"),
    ("令和３年度（2021年度）末", None, "2022-03-01", "2022-03-31"),
    ("令和3年末", None, "2021-12-01", "2021-12-31"),
    ("令和3年10月末", None, "2021-10-01", "2021-10-31"),
    # 当初 / 初め / 初頭 / 冒頭: the first month
    ("令和4年度当初", None, "2022-04-01", "2022-04-30"),
    ("令和4年度初め", None, "2022-04-01", "2022-04-30"),
    ("令和4年初頭", None, "2022-01-01", "2022-01-31"),
    ("令和4年度冒頭", None, "2022-04-01", "2022-04-30"),
    # 早期: the first quarter or three months
    ("令和4年度早期", None, "2022-04-01", "2022-06-30"),
    ("令和4年早期", None, "2022-01-01", "2022-03-31"),
    ("令和4年度の早期", None, "2022-04-01", "2022-06-30"),
    # 通常国会 of a year
    ("令和4年通常国会", None, "2022-01-01", "2022-06-30"),
    ("令和３年の通常国会", None, "2021-01-01", "2021-06-30"),
    # 上旬 / 中旬 / 下旬
    ("令和4年2月上旬", None, "2022-02-01", "2022-02-10"),
    ("令和4年2月中旬", None, "2022-02-11", "2022-02-20"),
    ("令和4年2月下旬", None, "2022-02-21", "2022-02-28"),
    # decades
    ("2020年代", None, "2020-01-01", "2029-12-31"),
    ("2020年代前半", None, "2020-01-01", "2024-12-31"),
    ("2020年代後半", None, "2025-01-01", "2029-12-31"),
    ("2020年代早期", None, "2020-01-01", "2022-12-31"),
    # relative to the document's date (the plan: 令和3年6月18日)
    ("本年度", PLAN_DATE, "2021-04-01", "2022-03-31"),
    ("今年度", PLAN_DATE, "2021-04-01", "2022-03-31"),
    ("来年度", PLAN_DATE, "2022-04-01", "2023-03-31"),
    ("本年", PLAN_DATE, "2021-01-01", "2021-12-31"),
    ("年内", PLAN_DATE, "2021-01-01", "2021-12-31"),
    ("来年度末", PLAN_DATE, "2023-03-01", "2023-03-31"),
    ("次期通常国会", PLAN_DATE, "2022-01-01", "2022-06-30"),
    ("本年度", date(2022, 3, 31), "2021-04-01", "2022-03-31"),
    ("本年度", date(2022, 4, 1), "2022-04-01", "2023-03-31"),
    # the labels dgplan writes
    ("FY2021", None, "2021-04-01", "2022-03-31"),
    ("FY2021-Q2", None, "2021-07-01", "2021-09-30"),
    ("2021-04-01..2021-06-30", None, "2021-04-01", "2021-06-30"),
]


class TestParsePeriod:
    @pytest.mark.parametrize(("text", "reference", "start", "end"), PERIODS)
    def test_spec_rows(self, text: str, reference: date | None, start: str, end: str) -> None:
        assert parse_period(text, reference=reference) == interval(start, end)

    @pytest.mark.parametrize(
        ("text", "approximate"),
        [
            ("令和4年度早期", True),
            ("令和4年通常国会", True),
            ("次期通常国会", True),
            ("令和4年度", False),
            ("令和4年夏", False),
        ],
    )
    def test_approximate_flag(self, text: str, approximate: bool) -> None:
        assert parse_period_detail(text, reference=PLAN_DATE).approximate is approximate

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("本年度", "pass reference="),
            ("次期通常国会", "pass reference="),
            ("同年度", "earlier date"),
            ("同月", "earlier date"),
            ("10月", "earlier date"),
            ("令和元年4月", "outside 令和"),
            ("令和元年第1四半期", "outside 令和"),
            ("平成32年度", "outside 平成"),
            ("令和3年度(2020年度)", "says 2020"),
            ("令和3年10月1日上期", "not to a 日"),
            ("令和3年10月夏", "not to a 月"),
            ("2020年代10月", "decade"),
            ("令和3年2月29日", "days 1 to 28"),
            ("令和3年13月", "month 13"),
            ("令和3年5月1日", None),
            ("soon", "not a period"),
            ("", "not a period"),
            ("令和3年度までに", "not a period"),
            ("2021-04-01..soon", "not an interval"),
            ("2021-06-30..2021-04-01", "before it starts"),
        ],
    )
    def test_invalid(self, text: str, message: str | None) -> None:
        if message is None:
            assert parse_period(text) == Interval.day(date(2021, 5, 1))
            return
        with pytest.raises(PeriodError, match=re.escape(repr(text))) as info:
            parse_period(text)
        assert message in str(info.value)

    def test_lenient_reads_by_the_era_year_and_warns(self) -> None:
        with pytest.warns(LenientParseWarning, match="says 2020"):
            period = parse_period_detail("令和3年度(2020年度)", strict=False)
        assert period.interval == FiscalYear(2021).interval

    def test_next_diet_session_is_ambiguous_in_january(self) -> None:
        with pytest.raises(PeriodError, match="ambiguous"):
            parse_period("次期通常国会", reference=date(2022, 1, 10))

    @given(st.integers(min_value=1990, max_value=2100), st.sampled_from(["上期", "下期"]))
    def test_halves_partition_the_fiscal_year(self, year: int, half: str) -> None:
        wareki = FiscalYear(year).wareki
        first = parse_period(f"{wareki}上期")
        second = parse_period(f"{wareki}下期")
        assert first.end.toordinal() + 1 == second.start.toordinal()
        assert Interval(first.start, second.end) == FiscalYear(year).interval
        assert parse_period(f"{wareki}{half}") in FiscalYear(year).interval

    @given(st.integers(min_value=1990, max_value=2100), st.integers(min_value=1, max_value=4))
    def test_quarter_phrase_matches_fiscal_quarter(self, year: int, quarter: int) -> None:
        phrase = f"{FiscalYear(year).wareki}第{quarter}四半期"
        assert parse_period(phrase) == FiscalQuarter(year, quarter).interval

    @given(st.text())
    def test_fuzz_only_dgplan_errors_escape(self, text: str) -> None:
        try:
            parse_period(text, reference=PLAN_DATE)
        except DgplanError as error:
            assert repr(text) in str(error)

    @given(st.text(alphabet="令和平成元年度月日上下期半春夏秋冬末当初早第四1234567890の同本来内"))
    def test_fuzz_period_like_text(self, text: str) -> None:
        try:
            result = parse_period(text, reference=PLAN_DATE)
        except DgplanError as error:
            assert repr(text) in str(error)
        else:
            assert isinstance(result, Interval)


def test_the_typed_record_holds_every_group_of_the_pattern() -> None:
    from dataclasses import fields

    from dgplan.fiscal import PERIOD_PATTERN, PeriodWords

    assert {f.name for f in fields(PeriodWords)} - {"text"} == set(PERIOD_PATTERN.compiled().groupindex)
    phrase = "令和3年度(2021年度)第2四半期"  # normalised, as the scanner hands it over
    match = PERIOD_PATTERN.match(phrase)
    assert match is not None
    words = PeriodWords.from_match(match, phrase)
    assert (words.form, words.era, words.eyear, words.efy, words.west_b, words.quarter) == (
        "era",
        "令和",
        "3",
        "度",
        "2021",
        "2",
    )
