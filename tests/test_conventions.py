"""Forms and conventions users bring from pandas and ISO 8601, and the messages of refused input
(issue 27): each is read as documented, or refused with a message that says why."""

from __future__ import annotations

import ast
import doctest
import importlib
import inspect
import re
from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dgplan import (
    EraError,
    FiscalQuarter,
    FiscalYear,
    Interval,
    PeriodError,
    find_deadlines,
    format_wareki,
    parse_date,
    parse_deadline,
    parse_era_year,
    parse_period,
)

DAYS = st.dates(min_value=date(1873, 1, 1), max_value=date(9998, 12, 31))
YEARS = st.integers(min_value=1, max_value=9998)
STEPS = st.integers(min_value=-3000, max_value=3000)


class TestBasicIsoDate:
    @given(DAYS)
    def test_eight_digits_are_the_extended_form_without_dashes(self, day: date) -> None:
        assert parse_date(day.strftime("%Y%m%d").zfill(8)) == day == parse_date(day.isoformat())

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("20210431", "2021-04 has days 1 to 30, not 31"),
            ("20211301", "month 13 does not exist"),
            ("2021041", "is not a date"),  # seven digits: 2021-04-1? 2021-0-41? no guess
            ("210401", "is not a date"),  # two-digit years are not read
            ("202104011", "is not a date"),
        ],
    )
    def test_other_runs_of_digits_are_refused(self, text: str, message: str) -> None:
        with pytest.raises(EraError, match=re.escape(repr(text))) as info:
            parse_date(text)
        assert message in str(info.value)

    def test_a_number_is_not_a_date(self) -> None:
        with pytest.raises(EraError, match="is not a string"):
            parse_date(20210401)  # type: ignore[arg-type]


class TestMessages:
    def test_format_wareki_of_a_string_says_what_to_do(self) -> None:
        with pytest.raises(EraError, match=re.escape("format_wareki(parse_date('2021-04-01'))")):
            format_wareki("2021-04-01")  # type: ignore[arg-type]
        with pytest.raises(EraError, match=r"takes a datetime\.date, not int"):
            format_wareki(20210401)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("text", "why"), [("昭和100年", "昭和 ended in its year 64"), ("平成100年", "its year 31")]
    )
    def test_era_year_past_its_era_says_why(self, text: str, why: str) -> None:
        with pytest.raises(EraError, match=re.escape(repr(text))) as info:
            parse_era_year(text)
        assert why in str(info.value) and "does not exist" in str(info.value)

    def test_fifth_quarter(self) -> None:
        with pytest.raises(PeriodError, match="quarters 1 to 4") as info:
            parse_period("令和3年度第5四半期")
        assert "'令和3年度第5四半期' is not a period" in str(info.value)

    @pytest.mark.parametrize(("text", "period"), [("令和6年夏頃", "令和6年夏"), ("令和3年度末までに", "令和3年度末")])
    def test_a_deadline_phrase_points_to_parse_deadline(self, text: str, period: str) -> None:
        with pytest.raises(PeriodError, match=re.escape(f"parse_deadline({text!r})")) as info:
            parse_period(text)
        assert f"parse_period({period!r})" in str(info.value)
        parse_deadline(text)  # and the pointer is right: it reads it
        parse_period(period)


class TestIsoInterval:
    @given(DAYS, DAYS)
    def test_start_slash_end(self, first: date, second: date) -> None:
        start, end = min(first, second), max(first, second)
        interval = Interval.parse(f"{start.isoformat()}/{end.isoformat()}")
        assert interval == Interval(start, end) == Interval.parse(str(interval))

    def test_parse_period_reads_it_too(self) -> None:
        assert parse_period("2021-04-01/2021-06-30") == Interval(date(2021, 4, 1), date(2021, 6, 30))
        assert parse_period("2021/4/1") == Interval.day(date(2021, 4, 1))  # a date with slashes stays a date

    @pytest.mark.parametrize("text", ["2021-06-30/2021-04-01", "2021-04-01/", "2021/4/1", "2021-04-01/P3M"])
    def test_refused(self, text: str) -> None:
        with pytest.raises(PeriodError, match=re.escape(repr(text))):
            Interval.parse(text)


class TestQuarterLabels:
    @pytest.mark.parametrize("text", ["2024Q3", "2024-Q3", "FY2024Q3", "FY2024-Q3", "fy2024-q3", "２０２４Ｑ３"])
    def test_forms(self, text: str) -> None:
        quarter = FiscalQuarter.parse(text)
        assert quarter == FiscalQuarter(2024, 3)
        # Named by the year the fiscal year starts in, as 2024年度第3四半期: October to December 2024.
        assert quarter.interval == Interval(date(2024, 10, 1), date(2024, 12, 31))
        assert parse_period(text) == quarter.interval

    @pytest.mark.parametrize("text", ["2024Q5", "2024Q0", "24Q3", "2024-3"])
    def test_refused(self, text: str) -> None:
        with pytest.raises(PeriodError, match=re.escape(repr(text))):
            FiscalQuarter.parse(text)


class TestArithmetic:
    def test_like_a_pandas_period(self) -> None:
        pd = pytest.importorskip("pandas")
        assert FiscalYear(2021) + 1 == FiscalYear(2022) == 1 + FiscalYear(2021)
        assert FiscalYear(2021) - 1 == FiscalYear(2020)
        assert FiscalYear(2023) - FiscalYear(2021) == 2
        assert FiscalQuarter(2021, 4) + 1 == FiscalQuarter(2022, 1)
        assert FiscalQuarter(2022, 1) - 5 == FiscalQuarter(2020, 4)
        # pandas names the fiscal year by its end (Q-MAR); the steps are the same.
        period = pd.Period("2022Q1", freq="Q-MAR")  # April-June 2021, dgplan's FY2021-Q1
        assert (period + 5).start_time.date() == (FiscalQuarter(2021, 1) + 5).start

    @given(YEARS, STEPS, st.integers(min_value=1, max_value=12))
    def test_years(self, year: int, steps: int, start_month: int) -> None:
        fiscal = FiscalYear(year, start_month)
        if not 1 <= year + steps <= 9998:
            with pytest.raises(PeriodError):
                fiscal + steps
            return
        moved = fiscal + steps
        assert moved.year == year + steps and moved.start_month == start_month
        assert moved - steps == fiscal and moved - fiscal == steps
        assert fiscal + np.int64(steps) == moved

    @given(YEARS, st.integers(min_value=1, max_value=4), STEPS)
    def test_quarters_step_like_next(self, year: int, quarter: int, steps: int) -> None:
        start = FiscalQuarter(year, quarter)
        target_index = year * 4 + quarter - 1 + steps
        if not 4 <= target_index < 9999 * 4:
            with pytest.raises(PeriodError):
                start + steps
            return
        moved = start + steps
        assert moved - start == steps and moved - steps == start
        walked = start
        for _ in range(min(abs(steps), 9)):
            walked = walked.next if steps > 0 else walked.previous
        assert walked == start + (min(abs(steps), 9) * (1 if steps > 0 else -1))

    @pytest.mark.parametrize("other", [1.0, True, "1", date(2021, 4, 1)])
    def test_only_whole_steps(self, other: object) -> None:
        with pytest.raises(TypeError):
            FiscalYear(2021) + other  # type: ignore[operator]
        with pytest.raises(TypeError):
            FiscalQuarter(2021, 1) - other  # type: ignore[operator]

    def test_different_calendars_do_not_subtract(self) -> None:
        with pytest.raises(PeriodError, match="month 4 and month 1"):
            FiscalYear(2021) - FiscalYear(2020, start_month=1)


class TestKanjiMade:
    @pytest.mark.parametrize("text", ["令和5年度末迄に", "令和5年度末迄"])
    def test_made_is_made(self, text: str) -> None:
        kana = parse_deadline(text.replace("迄", "まで"))
        kanji = parse_deadline(text)
        assert (kanji.kind, kanji.due, kanji.window) == (kana.kind, kana.due, kana.window)
        assert kanji.due == date(2024, 3, 31)

    def test_the_span_covers_the_kanji(self) -> None:
        text = "本件は令和5年度末迄に整備する。"
        [found] = find_deadlines(text)
        assert found.span is not None and text[found.span[0] : found.span[1]] == "令和5年度末迄に"


def _attribute_docstring(module_name: str, name: str) -> str | None:
    """The string right after ``name = ...`` at the top of a module (how griffe and mkdocstrings
    document a constant or a type alias, which have no ``__doc__`` of their own)."""
    tree = ast.parse(inspect.getsource(importlib.import_module(module_name)))
    for statement, following in zip(tree.body, tree.body[1:], strict=False):
        targets = statement.targets if isinstance(statement, ast.Assign) else [getattr(statement, "target", None)]
        if any(isinstance(t, ast.Name) and t.id == name for t in targets) and isinstance(following, ast.Expr):
            value = following.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
    return None


PUBLIC = __import__("dgplan").__all__
DEFINED_IN = {"Grade": "dgplan._progress", "ERAS": "dgplan.era"}  # no __doc__: documented by the module text


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_has_an_example(name: str) -> None:
    import dgplan

    if name in DEFINED_IN:
        text = _attribute_docstring(DEFINED_IN[name], name)
        assert text is not None, f"{name} has no docstring"
        # doctest does not collect these strings, so run them here.
        module = importlib.import_module(DEFINED_IN[name])
        test = doctest.DocTestParser().get_doctest(text, dict(vars(module)), name, module.__file__, 0)
        result = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE).run(test)
        assert result.failed == 0
    else:
        text = getattr(dgplan, name).__doc__ or ""
    assert ">>>" in text, f"dgplan.{name}'s docstring has no example"
