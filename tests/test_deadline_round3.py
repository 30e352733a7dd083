"""Deadline reading, third round (issue 31; spec §4c, §4d): schedule tables, reform-plan cells,
notices, relative words. The phrases are our own, in the shapes found in real working documents."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dgplan import DeadlineError, Interval
from dgplan.deadline import (
    ACTION_NOUNS,
    PAST_PREDICATES,
    RANGE_JOINER_CHARS,
    DeadlineKind,
    find_deadlines,
    parse_deadline,
)

NOTICE_DATE = date(2026, 6, 10)


def _read(text: str, reference: date | None = None, **options: Any) -> list[tuple[str, str | None, str]]:
    return [
        (d.kind.value, None if d.window is None else str(d.window), d.text)
        for d in find_deadlines(text, reference=reference, **options)
    ]


class TestReformPlanCells:
    def test_one_deadline_per_action(self) -> None:
        cell = "令和8年度検討開始、令和9年度結論、令和10年度措置"
        assert _read(cell) == [
            ("within", "2026-04-01..2027-03-31", "令和8年度"),
            ("within", "2027-04-01..2028-03-31", "令和9年度"),
            ("within", "2028-04-01..2029-03-31", "令和10年度"),
        ]

    def test_a_part_alone_takes_the_year_of_the_cell(self) -> None:
        assert _read("令和8年度上期検討開始、下期結論") == [
            ("within", "2026-04-01..2026-09-30", "令和8年度上期"),
            ("within", "2026-10-01..2027-03-31", "下期"),
        ]
        # In prose, without an action glued to it, a lone part is too loose to read.
        assert _read("令和8年度に検討し、下期には報告する") == [("within", "2026-04-01..2027-03-31", "令和8年度に")]
        assert _read("下期結論") == []

    def test_done_is_no_deadline_and_ongoing_is_undated(self) -> None:
        assert _read("令和8年度措置済み") == []
        assert [d.kind for d in find_deadlines("継続的に措置", undated=True)] == [DeadlineKind.UNDATED]

    def test_a_period_that_names_a_thing_stays_a_citation(self) -> None:
        assert [d.note for d in find_deadlines("令和2年度予算で措置", citations=True)] == ["names a thing"]


class TestScheduleTables:
    def test_cells_run_together_end_with_their_own_cell(self) -> None:
        assert _read("令和9年度~11年度 令和12年度") == [
            ("range", "2027-04-01..2030-03-31", "令和9年度~11年度"),
            ("within", "2030-04-01..2031-03-31", "令和12年度"),
        ]

    def test_a_table_range_is_the_whole_range_not_its_end(self) -> None:
        assert _read("計画期間\n平成20年度\n~\n平成23年度") == [
            ("range", "2008-04-01..2012-03-31", "平成20年度\n~\n平成23年度")
        ]

    def test_bulleted_lines_are_not_glued_into_a_range(self) -> None:
        assert _read("・令和3年2月1日\n・令和2年度") == [
            ("on", "2021-02-01..2021-02-01", "令和3年2月1日"),
            ("within", "2020-04-01..2021-03-31", "令和2年度"),
        ]

    def test_a_year_after_half_width_commas(self) -> None:
        assert _read("KPI,2030年度,目標,2031年度以降の運用") == [
            ("within", "2030-04-01..2031-03-31", "2030年度"),
            ("from", "2031-04-01..9999-12-31", "2031年度以降"),
        ]

    def test_a_kpi_baseline_note_is_found_as_a_citation(self) -> None:
        found = find_deadlines("※基準値は2019(令和元)年度に把握した値", reference=NOTICE_DATE, citations=True)
        assert [(d.kind, d.window) for d in found] == [
            (DeadlineKind.CITATION, Interval(date(2019, 4, 1), date(2020, 3, 31)))
        ]

    @pytest.mark.parametrize(
        ("phrase", "message"),
        [
            ("2026年度~(令和9年度~)", "the year in brackets"),
            ("2030年度(2030年5月1日)から", "neither the first nor the last day"),
            ("2026年度~2028年度(令和8年度~令和11年度)にかけて", "the bracket says"),
            ("令和9年1月26日月曜日に", "not a 月曜日"),
            ("R8(2027)~R10(2028)年度", "brackets say"),
            ("令和8~10(2026~2029)年度", "brackets say"),
            ("29~31年度", "not a deadline phrase"),
        ],
    )
    def test_contradictions_are_refused(self, phrase: str, message: str) -> None:
        with pytest.raises(DeadlineError, match=message):
            parse_deadline(phrase)


class TestEraLeftOut:
    def test_takes_the_era_of_the_passage(self) -> None:
        assert _read("令和2年度から実施し、16年度までに完了する") == [
            ("from", "2020-04-01..9999-12-31", "令和2年度から"),
            ("by", "2034-04-01..2035-03-31", "16年度までに"),
        ]

    def test_without_an_era_before_it_is_refused(self) -> None:
        assert _read("16年度までに完了する") == []

    @pytest.mark.parametrize(
        "text",
        [
            "令和7年度に開始する。直近3年度の平均",
            "令和7年度に開始し、3年度分をまとめる",
            "令和7年度に開始し、5年度に見直す",
        ],
    )
    def test_counts_and_smaller_numbers_are_never_years(self, text: str) -> None:
        assert _read(text) == [("within", "2025-04-01..2026-03-31", "令和7年度に")]


class TestNoticesAndPredicates:
    def test_future_notices_are_deadlines(self) -> None:
        assert _read("旧様式は7月31日まで使用できます", NOTICE_DATE) == [
            ("by", "2026-07-31..2026-07-31", "7月31日まで")
        ]
        assert _read("結果は9月にお送りします", NOTICE_DATE) == [("on", "2026-09-01..2026-09-30", "9月に")]

    def test_a_yearless_month_in_a_past_clause_is_the_last_one(self) -> None:
        found = find_deadlines("説明会を9月に開催した。", reference=NOTICE_DATE, citations=True)
        assert [(d.kind, d.window, d.note) for d in found] == [
            (DeadlineKind.CITATION, Interval(date(2025, 9, 1), date(2025, 9, 30)), "past event")
        ]
        since = find_deadlines("4月から実施中", reference=NOTICE_DATE, citations=True)
        assert [(d.kind, d.window.start if d.window else None) for d in since] == [
            (DeadlineKind.CITATION, date(2026, 4, 1))
        ]

    def test_the_next_diet_with_a_forward_predicate(self) -> None:
        found = find_deadlines("次期通常国会等への関連法案の提出を目指す", reference=NOTICE_DATE)
        assert [(d.kind, d.window, d.approximate) for d in found] == [
            (DeadlineKind.WITHIN, Interval(date(2027, 1, 1), date(2027, 6, 30)), True)
        ]

    def test_an_approximate_predicate_later_in_the_clause(self) -> None:
        assert [d.approximate for d in find_deadlines("年度内に完了が見込まれる", reference=NOTICE_DATE)] == [True]

    def test_a_yearless_week_in_the_documents_month(self) -> None:
        assert _read("6月8日から12日まで開催", NOTICE_DATE) == [
            ("range", "2026-06-08..2026-06-12", "6月8日から12日まで")
        ]

    @pytest.mark.parametrize(
        "text",
        [
            "延長は最大2年度。5年度までに見直す",  # 最大 is "at most", not 大正
            "決定から6か月内に提出",  # か月内 counts months: it is not 月内
            "3ヶ月内に提出",
        ],
    )
    def test_words_that_look_like_periods_are_not(self, text: str) -> None:
        assert _read(text, NOTICE_DATE) == []

    def test_the_month_after_an_event_is_not_the_month_after_the_document(self) -> None:
        assert _read("申請の翌月に支給する", NOTICE_DATE) == []
        assert _read("令和8年10月に申請し、その翌月に支給する", NOTICE_DATE) == [
            ("on", "2026-10-01..2026-10-31", "令和8年10月に"),
            ("on", "2026-11-01..2026-11-30", "翌月に"),
        ]

    def test_for_the_first_time_is_not_january(self) -> None:
        found = find_deadlines("令和9年初めて実施", citations=True)
        assert all(d.kind == DeadlineKind.CITATION for d in found)

    @pytest.mark.parametrize(
        ("phrase", "due"),
        [
            # 2027-04-01 is a Thursday: the count starts on Friday the 2nd and skips the weekends.
            ("令和9年4月1日から10開庁日以内", date(2027, 4, 15)),
            ("令和9年4月1日から土日祝日を除く5日以内", date(2027, 4, 8)),
            ("令和9年4月1日から5営業日以内", date(2027, 4, 8)),
            # The day after is the first day counted, not the day the count starts after.
            ("令和9年4月1日の翌日から起算して5開庁日以内", date(2027, 4, 8)),
            # Over Golden Week 2026 (4/29, 5/3-5/6 closed) and the New Year closure.
            ("令和8年4月24日から5開庁日以内", date(2026, 5, 7)),
            ("令和8年12月25日から3開庁日以内", date(2027, 1, 5)),
        ],
    )
    def test_open_days_are_counted_from_the_day_after(self, phrase: str, due: date) -> None:
        deadline = parse_deadline(phrase)
        assert (deadline.kind, deadline.due) == (DeadlineKind.BY, due)
        assert deadline.window is not None and deadline.window.end == due

    @pytest.mark.parametrize(
        ("phrase", "message"),
        [
            ("令和9年4月1日から土日を除く5日以内", "not holidays"),
            ("令和9年度から5開庁日以内", "counted from a day"),
            ("令和9年4月1日から5開庁日後", "ambiguous"),
            ("昭和60年4月1日から5開庁日以内", "closed days are known from"),
        ],
    )
    def test_open_day_counts_that_cannot_be_read_are_refused(self, phrase: str, message: str) -> None:
        with pytest.raises(DeadlineError, match=message):
            parse_deadline(phrase)

    @pytest.mark.parametrize(
        ("phrase", "reference", "message"),
        [
            ("今通常国会に", date(2026, 9, 1), "after June"),
            ("年明けに", date(2027, 1, 10), "ambiguous in January"),
            ("来年度(2028年度)中に", NOTICE_DATE, "the bracket says"),
            ("今月中に", None, "pass reference="),
        ],
    )
    def test_relative_words_that_cannot_be_resolved(self, phrase: str, reference: date | None, message: str) -> None:
        with pytest.raises(DeadlineError, match=message):
            parse_deadline(phrase, reference=reference)


# -- a property over phrases composed from the grammar's own tables ---------------------------
# Each phrase is built from parts whose meaning the oracle below computes with plain date
# arithmetic; dgplan must read it to that value or refuse it, never read another date or window.

_ERAS = {"令和": 2018, "平成": 1988}
# ー and - also write long vowels and hyphens; the backslash escapes - in the table's regex form.
_TILDES = [c for c in RANGE_JOINER_CHARS if c not in "ー-\\"]
_WEEKDAYS = "月火水木金土日"
_TIMES = ["", "9時", "午前10時", "午後5時", "17時30分", "13:30", "正午", "9時~17時"]
_FUTURE = ["", "に実施する", "に開催します", "にお送りします"]


def _fy(year: int) -> Interval:
    return Interval(date(year, 4, 1), date(year + 1, 3, 31))


def _breaks(draw: st.DrawFn, text: str) -> str:
    """PDF line breaks and stray spaces between characters, never inside a number."""
    out = []
    for index, char in enumerate(text):
        out.append(char)
        nxt = text[index + 1] if index + 1 < len(text) else ""
        # A break before a kana could make a line of kana alone, which reads as ruby (a known limit).
        breakable = nxt and not (char.isdigit() and nxt.isdigit()) and not "\u3041" <= nxt <= "\u309f"
        if breakable and draw(st.integers(0, 9)) == 0:
            out.append(draw(st.sampled_from(["\n", " ", "\n "])))
    return "".join(out)


@st.composite
def _fiscal_phrases(draw: st.DrawFn) -> tuple[str, str, Interval, date | None]:
    """A 年度 (era or Western, with or without its bracket) and a marker from the grammar's tables."""
    era = draw(st.sampled_from(sorted(_ERAS)))
    era_year = draw(st.integers(2, 30))
    year = _ERAS[era] + era_year
    written = draw(
        st.sampled_from(
            [
                f"{era}{era_year}年度",
                f"{year}年度",
                f"{era}{era_year}年度({year}年度)",
                f"{year}年度({era}{era_year}年度)",
            ]
        )
    )
    window = _fy(year)
    marker, kind = draw(
        st.sampled_from(
            [
                ("までに", "by"),
                ("中に", "within"),
                ("から", "from"),
                ("以降", "from"),
                ("を始期とする", "from"),
                ("", "within"),
                (draw(st.sampled_from(ACTION_NOUNS)), "within"),
                ("~", "from"),
            ]
        )
    )
    due = None if kind == "from" else window.end
    return written + marker, kind, window if kind != "from" else Interval(window.start, date.max), due


@st.composite
def _list_and_range_phrases(draw: st.DrawFn) -> tuple[str, str, Interval, date | None]:
    """Lists and ranges with the era or 年度 written once, every tilde, and table headers."""
    first = draw(st.integers(1, 28))
    last = first + draw(st.integers(1, 3))
    tilde = draw(st.sampled_from(_TILDES))
    span = Interval(date(2018 + first, 4, 1), date(2018 + last + 1, 3, 31))
    form = draw(st.integers(0, 4))
    if form == 0:
        return f"令和{first}・{last}年度", "range", span, span.end
    if form == 1:
        return f"令和{first}{tilde}{last}年度", "range", span, span.end
    if form == 2:
        return f"{2018 + first}{tilde}{(2018 + last) % 100:02d}年度", "range", span, span.end
    if form == 3:
        return f"{2018 + first}年度{tilde}({'令和'}{first}年度{tilde})", "from", Interval(span.start, date.max), None
    return f"令和{first}年度{tilde}令和{last}年度", "range", span, span.end


@st.composite
def _notice_phrases(draw: st.DrawFn) -> tuple[str, str, Interval, date | None]:
    """A day of a notice with its weekday (bracketed or not), a time of day and a closing word."""
    year = draw(st.integers(2020, 2035))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    when = date(year, month, day)
    weekday = _WEEKDAYS[when.weekday()]
    weekday_text = draw(st.sampled_from(["", f"({weekday})", f"({weekday}曜日)", f"{weekday}曜日"]))
    time = draw(st.sampled_from(_TIMES))
    closing, kind = draw(st.sampled_from([("まで", "by"), ("必着", "by"), ("から", "from"), ("", "on")]))
    written = f"令和{year - 2018}年{month}月{day}日{weekday_text}{time}{closing}"
    if kind == "from":
        return written, kind, Interval(when, date.max), None
    return written, kind, Interval.day(when), when


@st.composite
def _predicate_phrases(draw: st.DrawFn) -> tuple[str, str, Interval, date | None]:
    """A month with no year, read against the notice's date, in a future or a past clause."""
    month = draw(st.integers(1, 12))
    past = draw(st.booleans())
    year = NOTICE_DATE.year if month >= NOTICE_DATE.month else NOTICE_DATE.year + 1
    if past:
        year = NOTICE_DATE.year if month <= NOTICE_DATE.month else NOTICE_DATE.year - 1
        predicate = "に" + draw(st.sampled_from(PAST_PREDICATES)) + "。"
        return f"{month}月{predicate}", "citation", Interval.month(year, month), None
    predicate = draw(st.sampled_from(_FUTURE))
    window = Interval.month(year, month)
    return f"{month}月{predicate or 'に'}", "on", window, window.end


class TestComposedPhrases:
    @settings(max_examples=300, deadline=None)
    @given(st.data())
    def test_each_phrase_reads_to_the_oracle_or_is_refused(self, data: st.DataObject) -> None:
        phrase, kind, window, due = data.draw(
            st.one_of(_fiscal_phrases(), _list_and_range_phrases(), _notice_phrases())
        )
        text = _breaks(data.draw, phrase)
        try:
            deadline = parse_deadline(text)
        except DeadlineError:
            return  # refused: allowed, never a wrong reading
        assert (deadline.kind.value, deadline.window, deadline.due) == (kind, window, due), text

    @settings(max_examples=200, deadline=None)
    @given(_predicate_phrases())
    def test_past_and_future_clauses(self, composed: tuple[str, str, Interval, date | None]) -> None:
        phrase, kind, window, due = composed
        found = find_deadlines(phrase, reference=NOTICE_DATE, citations=True)
        assert len(found) == 1, phrase
        deadline = found[0]
        assert (deadline.kind.value, deadline.window, deadline.due) == (kind, window, due), phrase

    @pytest.mark.parametrize(
        ("phrase", "kind"),
        [
            ("令和9年度措置", "within"),
            ("令和5・6年度", "range"),
            ("2029~31年度", "range"),
            ("2026年度~(令和8年度~)", "from"),
            ("令和9年1月26日(火)17時まで", "by"),
        ],
    )
    def test_the_composed_forms_are_read_when_written_plainly(self, phrase: str, kind: str) -> None:
        # The property allows refusals; the plain form of each family must read.
        assert parse_deadline(phrase).kind.value == kind


class TestPastEventsInRelativeClauses:
    """A month with no year in a clause that reports the past is the latest such month on or before
    the document's date, and a citation (spec §4c), also when the clause describes a noun
    (5月に開始した意見募集は…) rather than ending the sentence. A step still to come (改定した後,
    完了したい) keeps its deadline."""

    @pytest.mark.parametrize(
        ("text", "reference", "window"),
        [
            ("5月に開始した意見募集は、", date(2026, 6, 10), "2026-05-01..2026-05-31"),
            ("4月に実施した調査の結果を公表する", date(2026, 6, 10), "2026-04-01..2026-04-30"),
            ("1月に策定した計画に基づき", date(2026, 6, 10), "2026-01-01..2026-01-31"),
            ("2月に策定された方針", date(2026, 6, 10), "2026-02-01..2026-02-28"),
            ("4月から実施中の調査は", date(2026, 6, 10), "2026-04-01..9999-12-31"),
            ("9月から実施している実証を", date(2026, 11, 1), "2026-09-01..9999-12-31"),
        ],
    )
    def test_past_event(self, text: str, reference: date, window: str) -> None:
        [found] = find_deadlines(text, reference=reference, citations=True)
        assert (found.kind.value, str(found.window), found.due) == ("citation", window, None)

    @pytest.mark.parametrize(
        ("text", "due"),
        [("12月に改定した後、運用する", date(2026, 12, 31)), ("6月に完了したい", date(2026, 6, 30))],
    )
    def test_a_step_to_come_keeps_its_deadline(self, text: str, due: date) -> None:
        [found] = find_deadlines(text, reference=date(2026, 4, 1))
        assert found.due == due


class TestOpenDaysWrittenOtherwise:
    """An exclusion written after the count is the same count of open days; a count dgplan does not
    read is refused, never a plain "from" (found by a hostile reading)."""

    @pytest.mark.parametrize(
        ("text", "due"),
        [
            ("令和8年4月24日から5日以内（土日祝日を除く。）", date(2026, 5, 7)),  # 4/29 and Golden Week skipped
            ("令和8年4月24日から10日以内（土日祝日を除く。）", date(2026, 5, 14)),
            ("令和8年4月24日から5日以内（閉庁日を除く。）", date(2026, 5, 7)),
        ],
    )
    def test_exclusion_after_the_count(self, text: str, due: date) -> None:
        deadline = parse_deadline(text)
        assert (deadline.kind.value, deadline.due) == ("by", due)

    @pytest.mark.parametrize(
        "text",
        [
            "令和8年4月24日から5日以内（土日を除く。）",  # weekends but not holidays
            "令和8年4月24日から十開庁日以内",
            "令和8年4月24日から5平日以内",
            "令和8年4月24日から5暦日以内",
            "令和8年4月24日から5営業日",
            "令和8年4月24日から土・日・祝日を除く5日以内",
        ],
    )
    def test_an_unread_count_is_refused(self, text: str) -> None:
        with pytest.raises(DeadlineError):
            parse_deadline(text)
        assert all(d.kind.value != "from" for d in find_deadlines(text, citations=True))


class TestBaselinesWrittenOut:
    """A change measured from a level (2019年の水準から削減, 2013年度に比べて) cites that year as its
    baseline; it was read as a deadline within the year (found scanning the environment plan)."""

    @pytest.mark.parametrize(
        ("text", "baseline", "deadline"),
        [
            ("2019年の水準から約43%削減し、2035年までに約60%削減する", "2019年の水準から", date(2035, 12, 31)),
            ("2013年度に比べて46%削減を2030年度までに達成", "2013年度に比べ", date(2031, 3, 31)),
            ("令和2年度と比較して2割削減（令和7年度末まで）", "令和2年度と比較", date(2026, 3, 31)),
            ("2013年度の水準比で26%削減（2030年度まで）", "2013年度の水準比", date(2031, 3, 31)),
        ],
    )
    def test_the_level_is_a_baseline(self, text: str, baseline: str, deadline: date) -> None:
        found = find_deadlines(text, citations=True)
        cited = [d for d in found if d.kind.value == "citation"]
        dated = [d for d in found if d.kind.value != "citation"]
        assert [(d.text, d.note) for d in cited] == [(baseline, "baseline")]
        assert [d.due for d in dated] == [deadline]
        with pytest.raises(DeadlineError, match="baseline"):
            parse_deadline(baseline)

    def test_a_comparison_as_work_is_no_baseline(self) -> None:
        # 比較検討 is work done within the year, not a level measured from.
        [deadline] = find_deadlines("令和4年度に比較検討を行う")
        assert (deadline.kind.value, deadline.due) == ("within", date(2023, 3, 31))


class TestScheduleCellsEndAtTheirLine:
    """A 実施時期 cell ending in 中/内 is that period's deadline whatever the next cell (on the next
    line, or after a tab) starts with; the 中 was read as the start of a word and the cell lost
    (found reading a schedule table through read_document)."""

    @pytest.mark.parametrize("gap", ["\n", "\t", "\n\t", " \n"])
    def test_a_cell_before_another_cell(self, gap: str) -> None:
        text = f"令和7年度中{gap}クラウド移行{gap}令和8年度内{gap}中核市へ展開{gap}令和9年度末まで"
        found = find_deadlines(text)
        assert [(d.text, d.kind.value, d.due) for d in found] == [
            ("令和7年度中", "within", date(2026, 3, 31)),
            ("令和8年度内", "within", date(2027, 3, 31)),
            ("令和9年度末まで", "by", date(2028, 3, 31)),
        ]

    @pytest.mark.parametrize(
        "text", ["令和7年度中間報告", "令和7年度内中核市への展開", "令和7年度中\n間報告", "令和7年度内\n訳を示す"]
    )
    def test_the_same_words_run_together_are_one_word(self, text: str) -> None:
        # 中間, 中核市, 内訳 are words, run together or split by a line break: the period names a thing.
        assert find_deadlines(text) == []
