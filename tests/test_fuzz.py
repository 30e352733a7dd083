"""The parsers under hostile text: only DgplanError escapes, it quotes the input, find_deadlines never
raises, and no parser returns a date for text that another parser of the same text refuses."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dgplan import (
    DeadlineKind,
    DgplanError,
    FiscalQuarter,
    FiscalYear,
    Interval,
    find_deadlines,
    parse_date,
    parse_deadline,
    parse_era_year,
    parse_period,
)
from dgplan.era import ERAS

# Pieces of real phrases, mixed with noise: eras in every spelling, digits (ASCII, full width,
# kanji), period words, joiners, brackets, weekdays, particles and markers.
_ERA_SPELLINGS = [spelling for e in ERAS for spelling in (e.name, e.name[0], e.letter, e.letter.lower())]
_PIECES = [
    *_ERA_SPELLINGS,
    *"0123456789",
    *"０１２３４５６７８９",
    *"〇一二三四五六七八九十百千",
    "元",
    "年",
    "年度",
    "月",
    "日",
    "元日",
    "朔日",
    "晦日",
    "末日",
    "末",
    "上期",
    "下半期",
    "前期",
    "第2四半期",
    "夏",
    "冬",
    "当初",
    "始め",
    "中頃",
    "中",
    "内",
    "から",
    "まで",
    "までに",
    "までの間に",
    "より前に",
    "以降",
    "以前",
    "に",
    "を目途に",
    "目処",
    "予定",
    "を目指す",
    "毎年度",
    "毎年",
    "毎月",
    "同年",
    "同年度",
    "同月",
    "翌年度",
    "本年度",
    "来年度",
    "年内",
    *"~〜～∼－ー‐–—―−-",
    *"()（）、。・.//",
    "(水)",
    "（木曜日）",
    "2021",
    "２０２２",
    "9999",
    "0000",
    "10000",
    "\n",
    " ",
    "サービス開始",
    "導入",
    "予算",
    "閣議決定",
]
phrases = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=2)), max_size=14).map("".join)
REFERENCE = date(2024, 4, 22)

_STRICT_PARSERS = {
    "parse_date": parse_date,
    "parse_period": parse_period,
    "parse_era_year": parse_era_year,
    "FiscalYear.parse": FiscalYear.parse,
    "FiscalQuarter.parse": FiscalQuarter.parse,
    "parse_deadline": lambda text: parse_deadline(text, reference=REFERENCE),
    "parse_deadline without reference": parse_deadline,
}


@pytest.mark.parametrize("name", list(_STRICT_PARSERS))
@settings(max_examples=300)
@given(text=phrases)
def test_only_dgplan_errors_escape_and_they_quote_the_input(name: str, text: str) -> None:
    try:
        _STRICT_PARSERS[name](text)
    except DgplanError as error:
        assert repr(text) in str(error)


@settings(max_examples=400)
@given(text=phrases, with_reference=st.booleans())
def test_find_deadlines_never_raises_and_returns_only_exact_dates(text: str, with_reference: bool) -> None:
    reference = REFERENCE if with_reference else None
    for deadline in find_deadlines(text, reference=reference, undated=True, citations=True):
        assert deadline.span is not None
        assert text[deadline.span[0] : deadline.span[1]] == deadline.text
        if deadline.kind in (DeadlineKind.BY, DeadlineKind.WITHIN, DeadlineKind.ON, DeadlineKind.RANGE):
            assert deadline.window is not None and deadline.due == deadline.window.end
        if deadline.window is not None:
            assert deadline.window.start <= deadline.window.end


@settings(max_examples=400)
@given(text=phrases)
def test_a_day_is_the_same_day_to_every_parser(text: str) -> None:
    """parse_period returns one day only where parse_date reads the same day (and never where it refuses)."""
    try:
        period = parse_period(text)
    except DgplanError:
        return
    if period.start != period.end or ".." in text:
        return
    try:
        day = parse_date(text)
    except DgplanError:
        # A one-day period that is not a date: only a day word parse_date does not read may get here.
        pytest.fail(f"parse_period reads {text!r} as {period}, parse_date refuses it")
    assert period == Interval.day(day)


@settings(max_examples=400)
@given(text=phrases)
def test_a_period_and_its_deadline_agree(text: str) -> None:
    """`X` as a period and `Xまで` as a deadline: both refuse, or both give the same window."""
    try:
        period = parse_period(text)
    except DgplanError:
        period = None
    if period is None or text.strip() != text or not text:
        return
    try:
        deadline = parse_deadline(text + "まで")
    except DgplanError:
        return  # the deadline grammar may refuse more (a contradiction, two periods), never less
    if deadline.kind == DeadlineKind.BY:
        assert deadline.window == period, f"{text!r}: period {period}, deadline {deadline}"


@pytest.mark.parametrize(
    "text",
    [
        "令和3年度（2022年度）末までに",
        "2017年度（平成30年度）末までに",
        "令和元~3年度(2020~2022年度)",
        "令和6~2年度",
        "令和3年度~令和2年度",
        "明治5年12月31日まで",
        "0000年度末まで",
    ],
)
def test_a_contradiction_is_never_a_deadline(text: str) -> None:
    assert find_deadlines(text) == []
    [citation] = find_deadlines(text, citations=True)
    assert citation.kind == DeadlineKind.CITATION
    assert citation.due is None and citation.note is not None and citation.note.startswith("unresolved")
    with pytest.raises(DgplanError, match=re.escape(repr(text))):
        parse_deadline(text)


@pytest.mark.parametrize(
    "text", ["0000-01-01", "0000年1月1日", "10000-01-01", "9999年度末", "FY9999", "0000年", "0000年代", "9999年度"]
)
def test_years_outside_the_calendar_are_errors(text: str) -> None:
    # No ValueError or OverflowError from datetime: a DgplanError that quotes the text.
    for parser in (parse_date, parse_period, lambda t: parse_deadline(t + "まで")):
        with pytest.raises(DgplanError, match=re.escape(text)):
            parser(text)
    assert find_deadlines(text + "まで") == []


def test_the_last_days_the_calendar_holds_are_read() -> None:
    assert parse_period("9990年代末") == Interval(date(9999, 12, 1), date(9999, 12, 31))
    assert parse_deadline("9998年度末まで").due == date(9999, 3, 31)
    assert parse_date("9999-12-31") == date(9999, 12, 31)


def test_lunisolar_dates_are_refused_by_every_parser() -> None:
    for parser in (parse_date, parse_period, parse_deadline):
        with pytest.raises(DgplanError, match="明治5年12月31日"):
            parser("明治5年12月31日")
