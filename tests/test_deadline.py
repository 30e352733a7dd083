"""Deadline phrases (spec §3-4): parse_deadline, find_deadlines, and the Deadline questions."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dgplan import ERAS, DeadlineError, DgplanError, Interval
from dgplan import deadline as deadline_module
from dgplan import fiscal as fiscal_module
from dgplan._text import normalize_mapped
from dgplan.deadline import Deadline, DeadlineKind, Recurrence, find_deadlines, parse_deadline

PLAN_DATE = date(2021, 6, 18)
ROWS: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "data" / "deadline_phrases.yaml").read_text())


def _window(text: str | None) -> Interval | None:
    return None if text is None else Interval.parse(text)


class TestParseDeadlineTable:
    @pytest.mark.parametrize("row", ROWS, ids=[row["phrase"].replace("\n", "⏎") for row in ROWS])
    def test_row(self, row: dict[str, Any]) -> None:
        deadline = parse_deadline(row["phrase"], reference=row.get("reference"))
        assert deadline.kind == row["kind"]
        assert deadline.window == _window(row.get("window"))
        assert deadline.due == row.get("due")
        assert deadline.approximate is row.get("approximate", False)
        own_words = row.get("text", row["phrase"])
        assert deadline.text == own_words
        start = row["phrase"].index(own_words)
        assert deadline.span == (start, start + len(own_words))

    def test_table_covers_every_kind_of_deadline(self) -> None:
        kinds = {row["kind"] for row in ROWS}
        assert kinds == {kind.value for kind in DeadlineKind} - {"citation"}


class TestParseDeadlineErrors:
    @pytest.mark.parametrize(
        ("phrase", "message"),
        [
            ("soon", "not a deadline phrase"),
            ("", "not a deadline phrase"),
            ("令和3年法律第35号", "law number"),
            ("令和2年12月25日閣議決定", "past decision"),
            ("令和２年度衛生行政報告例", "names a thing"),
            ("令和2年度比", "baseline"),
            ("令和3年度予算で改修", "names a thing"),
            ("令和3年度（2022年度）末までに", "says 2022"),
            ("令和6~2年度", "ends before it starts"),
            ("令和3年度から令和5年度(2024年度)まで", "says 2024"),
            ("令和5年9月6日(水)から同年10月5日(金)まで", "not a 金曜日"),
            ("令和元年4月から令和2年3月まで", "outside 令和"),
            ("2019年（平成31年）5月1日まで", "outside 平成"),
            ("2023年度（平成35年度）末までに", "平成35年 does not exist"),
            ("令和3年度(西暦2022年度)末", "says 2022"),
            ("FY2022（令和3年度）中", "2022 is not 令和3年"),
            ("令和7~9年度（2030~2032）", "say 2030~2032"),
            ("令和5~6年度比", "more than a range"),
            ("令和元年(2019)年5月1日まで", "unexpected '年'"),
            ("令和5年度4月~翌3月", "cannot be read"),
            ("0001年1月1日より前に", "outside the years 1 to 9999"),
            ("令和3年度【2022年度】", "says 2022"),
            ("令和6年度に着手し、7年度に完成", "second date without its era"),
            ("令和8年度中小企業実態調査", "names a thing"),
            ("令和8年度内閣府予算", "names a thing"),
            ("9999年12月31日から1年以内", "outside the years 1 to 9999"),
            ("令和元~3年度(2020~2022年度)", "brackets say 2020~2022"),
            ("令和3年度末までに、令和4年度中に", "2 deadlines"),
            ("平成32年度末まで", "outside 平成"),
            ("令和元年4月に", "outside 令和"),
            ("令和3年2月29日に", "days 1 to 28"),
            ("令和3年度(2020年度)末まで", "says 2020"),
            ("本年度中に", "pass reference="),
            ("同年10月までに", "earlier date"),
        ],
    )
    def test_invalid(self, phrase: str, message: str) -> None:
        with pytest.raises(DeadlineError, match=re.escape(repr(phrase))) as info:
            parse_deadline(phrase)
        assert message in str(info.value)

    def test_not_a_string(self) -> None:
        with pytest.raises(DeadlineError, match="not a deadline phrase"):
            parse_deadline(None)  # type: ignore[arg-type]

    @given(st.text())
    def test_fuzz_only_deadline_errors_escape(self, text: str) -> None:
        try:
            parse_deadline(text, reference=PLAN_DATE)
        except DeadlineError as error:
            assert repr(text) in str(error)


class TestRecurring:
    @pytest.mark.parametrize(
        ("phrase", "rule", "as_of", "next_due"),
        [
            ("毎年度末", "every fiscal year, at its end", date(2021, 6, 18), date(2022, 3, 31)),
            ("毎年度末", "every fiscal year, at its end", date(2022, 3, 31), date(2022, 3, 31)),
            ("毎年度末", "every fiscal year, at its end", date(2022, 4, 1), date(2023, 3, 31)),
            ("毎年度", "every fiscal year, by its end", date(2021, 4, 1), date(2022, 3, 31)),
            ("毎年度中", "every fiscal year, by its end", date(2021, 4, 1), date(2022, 3, 31)),
            ("毎年", "every year, by its end", date(2021, 6, 18), date(2021, 12, 31)),
            ("毎年末", "every year, at its end", date(2022, 1, 1), date(2022, 12, 31)),
            ("毎月", "every month, by its end", date(2024, 2, 10), date(2024, 2, 29)),
            (
                "各年度の実績報告を6月末までに",
                "every fiscal year, by the end of month 6",
                date(2021, 7, 1),
                date(2022, 6, 30),
            ),
        ],
    )
    def test_rule_and_next_due(self, phrase: str, rule: str, as_of: date, next_due: date) -> None:
        deadline = parse_deadline(phrase)
        assert deadline.kind == DeadlineKind.RECURRING
        assert deadline.rule == rule
        assert deadline.due is None
        assert deadline.next_due(as_of) == next_due

    def test_only_the_last_missed_occurrence_is_overdue(self) -> None:
        # Without a start every past occurrence counts: FY2020's (due 2021-03-31) was missed.
        assert parse_deadline("毎年度末").is_overdue(date(2022, 3, 31))
        yearly = parse_deadline("毎年度末", reference=PLAN_DATE)
        assert yearly.recurrence is not None and yearly.recurrence.starts == PLAN_DATE
        # FY2021's occurrence (due 2022-03-31) was missed: overdue from 2022-04-01.
        assert not yearly.is_overdue(date(2022, 3, 31))
        assert yearly.is_overdue(date(2022, 4, 1))
        # done within FY2021's window (March 2022) covers that occurrence
        assert not yearly.is_overdue(date(2022, 4, 1), done_on=date(2022, 3, 15))
        # done for an earlier occurrence does not
        assert yearly.is_overdue(date(2022, 4, 1), done_on=date(2021, 3, 15))
        # done late, but before as_of: no longer overdue
        assert not yearly.is_overdue(date(2022, 5, 1), done_on=date(2022, 4, 20))

    def test_start_from_preceding_phrase(self) -> None:
        [deadline] = find_deadlines("令和4年度から毎年度、報告書を公表する")
        assert deadline.kind == DeadlineKind.RECURRING
        assert deadline.recurrence == Recurrence("yearly", fiscal=True, starts=date(2022, 4, 1))
        assert deadline.next_due(date(2021, 6, 18)) == date(2023, 3, 31)
        assert not deadline.is_overdue(date(2022, 6, 1))
        assert deadline.is_overdue(date(2023, 4, 1))
        assert deadline.text == "令和4年度から毎年度"

    def test_next_due_before_the_first_occurrence(self) -> None:
        # The first occurrence lies after the as-of date: it is the next one (this used to crash).
        later = parse_deadline("令和10年度から毎年度")
        assert later.next_due(date(2022, 4, 1)) == date(2029, 3, 31)
        assert later.next_due(date(1800, 1, 1)) == date(2029, 3, 31)
        assert later.next_due(date(2029, 4, 1)) == date(2030, 3, 31)
        assert not later.is_overdue(date(1800, 1, 1))

    def test_due_dates_in_an_interval(self) -> None:
        monthly = parse_deadline("毎月")
        assert monthly.due_dates(Interval(date(2021, 4, 15), date(2021, 7, 31))) == [
            date(2021, 4, 30),
            date(2021, 5, 31),
            date(2021, 6, 30),
            date(2021, 7, 31),
        ]
        yearly = parse_deadline("毎年度末")
        assert yearly.is_due_within(Interval(date(2022, 1, 1), date(2022, 3, 31)))
        assert not yearly.is_due_within(Interval(date(2022, 4, 1), date(2022, 12, 31)))


class TestOverdue:
    def test_by_and_within(self) -> None:
        deadline = parse_deadline("令和3年度末までに")
        assert not deadline.is_overdue(date(2022, 3, 31))
        assert deadline.is_overdue(date(2022, 4, 1))
        assert not deadline.is_overdue(date(2022, 4, 1), done_on=date(2022, 3, 1))
        assert not deadline.is_overdue(date(2022, 6, 1), done_on=date(2022, 5, 1))  # late, but done
        assert deadline.is_overdue(date(2022, 4, 1), done_on=date(2022, 5, 1))  # not done yet on as_of
        within = parse_deadline("令和4年度中に")
        assert within.is_overdue(date(2023, 4, 1)) and not within.is_overdue(date(2023, 3, 31))

    @pytest.mark.parametrize("phrase", ["令和3年度以降", "速やかに", "令和元年度より"])
    def test_from_and_undated_never_overdue(self, phrase: str) -> None:
        assert not parse_deadline(phrase).is_overdue(date(2099, 1, 1))

    def test_next_due_and_due_within(self) -> None:
        deadline = parse_deadline("令和4年夏を目途に")
        assert deadline.next_due(date(2022, 8, 31)) == date(2022, 8, 31)
        assert deadline.next_due(date(2022, 9, 1)) is None
        assert deadline.is_due_within(Interval(date(2022, 7, 1), date(2022, 9, 30)))
        assert not deadline.is_due_within(Interval(date(2022, 4, 1), date(2022, 6, 30)))
        assert parse_deadline("令和4年度以降").next_due(date(2021, 1, 1)) is None

    def test_named_constructors(self) -> None:
        assert Deadline.by(date(2022, 3, 31)).due == date(2022, 3, 31)
        within = Deadline.within(Interval(date(2022, 4, 1), date(2023, 3, 31)))
        assert (within.kind, within.due) == (DeadlineKind.WITHIN, date(2023, 3, 31))
        assert Deadline.parse("令和3年度末まで") == parse_deadline("令和3年度末まで")

    def test_frozen(self) -> None:
        deadline = parse_deadline("令和3年度末まで")
        with pytest.raises(AttributeError):
            deadline.due = date(2030, 1, 1)  # type: ignore[misc]


def _found(text: str, **options: Any) -> list[tuple[str, str | None, date | None]]:
    return [(d.kind.value, None if d.window is None else str(d.window), d.due) for d in find_deadlines(text, **options)]


class TestFindDeadlines:
    def test_several_in_a_passage(self) -> None:
        text = "・ 令和３年度（2021年度）までに1,741市区町村の改修、令和６年度（2024年度）中にその他の改修を実施する。"
        assert _found(text) == [
            ("by", "2021-04-01..2022-03-31", date(2022, 3, 31)),
            ("within", "2024-04-01..2025-03-31", date(2025, 3, 31)),
        ]

    def test_spans_point_at_the_source_text(self) -> None:
        text = "・ 標準仕様を令和４年\n\n（2022年）夏を目途に作成する。"
        [deadline] = find_deadlines(text)
        assert deadline.span is not None
        assert text[deadline.span[0] : deadline.span[1]] == deadline.text == "令和４年\n\n（2022年）夏を目途に"

    def test_same_year_month_and_fiscal_year(self) -> None:
        text = (
            "令和3年3月からプレ運用を開始し、遅くとも同年10月までに本格運用を開始する。"
            "同年度中に評価し、同月末までに公表"
        )
        found = find_deadlines(text)
        assert [(d.kind.value, d.due) for d in found] == [
            ("from", None),
            ("by", date(2021, 10, 31)),
            ("within", date(2022, 3, 31)),
            ("by", date(2021, 10, 31)),
        ]
        assert found[0].window == Interval(date(2021, 3, 1), date.max)

    def test_month_without_year_takes_the_fiscal_year_of_its_anchor(self) -> None:
        text = "令和3年度については、4月16日から募集し、2月末までに選定する。"
        assert _found(text) == [
            ("from", "2021-04-16..9999-12-31", None),
            ("by", "2022-02-01..2022-02-28", date(2022, 2, 28)),
        ]

    def test_without_an_anchor_nothing_is_invented(self) -> None:
        assert find_deadlines("同年10月までに本格運用を開始し、4月16日から募集する。") == []

    def test_relative_words_need_a_reference(self) -> None:
        text = "本年度中に方針を決定し、来年度末までに整備する。"
        assert find_deadlines(text) == []
        assert _found(text, reference=PLAN_DATE) == [
            ("within", "2021-04-01..2022-03-31", date(2022, 3, 31)),
            ("by", "2023-03-01..2023-03-31", date(2023, 3, 31)),
        ]

    @pytest.mark.parametrize(
        ("text", "note"),
        [
            ("改正法（令和3年法律第35号）による改正", "law number"),
            ("（令和2年12月25日閣議決定）に基づき", "past decision"),
            ("令和元年度（2019年度）策定のガイドライン", "past decision"),
            ("（出典：令和２年度衛生行政報告例）", "names a thing"),
            ("令和2年度の調査結果を踏まえ", "names a thing"),
            ("運用コスト3割削減（令和2年度比）", "baseline"),
            ("令和3年（2021年）3月に創設した。", "past event"),
            ("令和３年（2021年）６月に策定された「戦略」", "past event"),
        ],
    )
    def test_dates_that_are_not_deadlines(self, text: str, note: str) -> None:
        assert find_deadlines(text) == []
        [citation] = find_deadlines(text, citations=True)
        assert citation.kind == DeadlineKind.CITATION
        assert citation.note == note
        assert citation.due is None
        assert not citation.is_overdue(date(2099, 1, 1))

    def test_before_the_document_date_is_history(self) -> None:
        text = "令和２年度（2020年度）にモデル事業を実施。令和３年度（2021年度）末までに全国展開する。"
        # Without a reference, both are deadlines; with the plan's date, the first records history.
        assert [kind for kind, _, _ in _found(text)] == ["within", "by"]
        assert _found(text, reference=PLAN_DATE) == [("by", "2022-03-01..2022-03-31", date(2022, 3, 31))]
        found = find_deadlines(text, reference=PLAN_DATE, citations=True)
        assert [(d.kind.value, d.note) for d in found] == [("citation", "before the document's date"), ("by", None)]

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            # footnote numbers glued into the text never join a year or a phrase
            ("（毎年度\n\n\n\n \n\n114 \n\n末 100％超）", [("recurring", None, None)]),
            ("オンライ67 令和3年度中に実施", [("within", "2021-04-01..2022-03-31", date(2022, 3, 31))]),
            ("オンライ67 2021年度中に実施", [("within", "2021-04-01..2022-03-31", date(2022, 3, 31))]),
            # line breaks and stray spaces inside a phrase
            ("令和 12年（2030 年）時点で", [("on", "2030-12-31..2030-12-31", date(2030, 12, 31))]),
            ("（令\n\n和３年度（2021年度）末\n\nまでに）", [("by", "2022-03-01..2022-03-31", date(2022, 3, 31))]),
            # ruby lines
            ("事業に繋\n\nつな\n\nげるため令和4年度に実施", [("within", "2022-04-01..2023-03-31", date(2023, 3, 31))]),
        ],
    )
    def test_pdf_noise(self, text: str, expected: list[tuple[str, str | None, date | None]]) -> None:
        assert _found(text) == expected

    def test_intent_later_in_the_sentence_is_approximate(self) -> None:
        found = find_deadlines("令和4年度に全国で利用できる基盤を整備し提供することを目指す。令和5年度に評価する。")
        assert [d.approximate for d in found] == [True, False]

    def test_value_markers_do_not_touch_the_deadline(self) -> None:
        [deadline] = find_deadlines("（令和３年度（2021年度）までに15％程度の効率化）")
        assert not deadline.approximate

    def test_undated_only_when_asked(self) -> None:
        text = "引き続き検討し、速やかに結論を得る。"
        assert find_deadlines(text) == []
        assert [d.kind for d in find_deadlines(text, undated=True)] == [DeadlineKind.UNDATED] * 2

    @given(st.text())
    def test_fuzz_never_raises(self, text: str) -> None:
        for deadline in find_deadlines(text, reference=PLAN_DATE, undated=True, citations=True):
            assert deadline.span is not None
            assert text[deadline.span[0] : deadline.span[1]] == deadline.text

    @given(
        st.text(
            alphabet=st.characters(
                blacklist_categories=["Nd", "No", "Nl"], blacklist_characters="元同本来今年〇一二三四五六七八九十百千"
            )
        )
    )
    def test_never_invents_a_date(self, text: str) -> None:
        # Without numerals or relative words there is no date to find.
        assert all(d.due is None and d.window is None for d in find_deadlines(text, undated=True))


class TestPlanPart3:
    """The plan's Part 3 (施策集) as a proving ground: every era year is resolved or classified."""

    ERA_YEAR = re.compile(r"(?:明治|大正|昭和|平成|令和)(?:元|\d{1,2})年")

    def test_every_era_year_is_resolved_or_classified(self, plan_source_text: str) -> None:
        part3 = plan_source_text[plan_source_text.index("第３部 施策集") :]
        passages = re.split(r"(?=\[No\.)", part3)
        unaccounted: list[str] = []
        total = 0
        for passage in passages:
            found = find_deadlines(passage, reference=PLAN_DATE, citations=True)
            spans = [d.span for d in found if d.span is not None]
            mapped = normalize_mapped(passage)
            for match in self.ERA_YEAR.finditer(mapped.text):
                total += 1
                start, _ = mapped.source_span(match.start(), match.end())
                if not any(low <= start < high for low, high in spans):
                    unaccounted.append(mapped.text[max(0, match.start() - 10) : match.end() + 15])
        assert total > 300
        assert unaccounted == []

    def test_kinds_found(self, plan_source_text: str) -> None:
        part3 = plan_source_text[plan_source_text.index("第３部 施策集") :]
        found = [
            d
            for passage in re.split(r"(?=\[No\.)", part3)
            for d in find_deadlines(passage, reference=PLAN_DATE, citations=True)
        ]
        kinds = {d.kind for d in found}
        assert {DeadlineKind.BY, DeadlineKind.WITHIN, DeadlineKind.FROM, DeadlineKind.RECURRING} <= kinds
        # 令和3年度末 and similar: every by/within due date lies after the plan was issued
        assert all(d.due is None or d.due >= PLAN_DATE for d in found)


def test_errors_are_dgplan_errors() -> None:
    assert issubclass(DeadlineError, DgplanError)


class TestFormsFromOtherPlans:
    """Spec §4b beyond the phrase table: what depends on the document, the clause, or several phrases."""

    def test_recurring_with_a_reference_carries_its_next_occurrence(self) -> None:
        yearly = parse_deadline("毎年度末", reference=date(2024, 4, 22))
        assert (yearly.window, yearly.due) == (Interval(date(2025, 3, 1), date(2025, 3, 31)), date(2025, 3, 31))
        on_the_day = parse_deadline("毎年度末", reference=date(2025, 3, 31))
        assert on_the_day.due == date(2025, 3, 31)
        bare = parse_deadline("毎年度末")
        assert bare.due is None and "depends on the as-of date" in str(bare)

    @pytest.mark.parametrize(
        ("phrase", "month", "next_due"),
        [
            ("毎年度当初に", 4, date(2025, 4, 30)),
            ("毎年当初", 1, date(2025, 1, 31)),
            ("毎年度初めまでに", 4, date(2025, 4, 30)),
        ],
    )
    def test_recurring_at_the_start(self, phrase: str, month: int, next_due: date) -> None:
        deadline = parse_deadline(phrase)
        assert deadline.recurrence is not None and deadline.recurrence.month == month
        assert deadline.next_due(date(2024, 5, 1)) == next_due

    def test_a_month_without_a_year_needs_the_document_date(self) -> None:
        with pytest.raises(DeadlineError, match="reference="):
            parse_deadline("6月までに")
        assert find_deadlines("6月までに") == []
        # An earlier period in the passage wins over the document's date.
        [_, second] = find_deadlines("令和7年度に設計し、6月までに公表", reference=date(2024, 4, 22))
        assert second.due == date(2025, 6, 30)

    def test_several_deadlines_are_named_with_their_spans(self) -> None:
        with pytest.raises(DeadlineError) as info:
            parse_deadline("開発（R8年度）、検証（R9年度～）")
        message = str(info.value)
        assert "holds 2 deadlines" in message and "'R8年度' at 3-7" in message and "'R9年度～' at 12-17" in message

    @pytest.mark.parametrize(
        ("text", "approximate"),
        [
            ("開発（R8年度）、業務検証を実施予定（R9年度～）", [False, True]),
            ("令和5年度に設計し、令和6年度に構築、令和7年度から運用予定", [False, False, True]),
            ("令和7年度までに、全ての団体で導入を目指す", [True]),
            ("令和5年度に調査を行い、その結果を踏まえて検討予定", [False]),
            ("令和6年度末には対応や、整備を目指す", [True]),
            ("令和6年度中に公表する。令和7年度に改定予定", [False, True]),
        ],
    )
    def test_an_approximate_marker_belongs_to_its_own_clause(self, text: str, approximate: list[bool]) -> None:
        assert [d.approximate for d in find_deadlines(text)] == approximate

    @pytest.mark.parametrize("phrase", ["令和8年度中頃までに", "令和8年度半ば", "2026年中ごろ"])
    def test_the_middle_of_a_period_is_not_guessed(self, phrase: str) -> None:
        with pytest.raises(DeadlineError, match="middle of a period"):
            parse_deadline(phrase)
        assert find_deadlines(phrase) == []

    @pytest.mark.parametrize("text", ["当該年度内に", "30年度内に", "各事業年度末に"])
    def test_words_about_the_document_date_stand_alone(self, text: str) -> None:
        # 年度内 after a digit or a kanji is part of another word, never "this 年度".
        assert [d for d in find_deadlines(text, reference=date(2024, 6, 21)) if d.kind != DeadlineKind.RECURRING] == []

    def test_names_that_look_like_parts_of_a_period(self) -> None:
        # 当初予算 is the initial budget, not April; a period glued to a name is a citation.
        [found] = find_deadlines("令和9年度当初予算で措置", citations=True)
        assert found.kind == DeadlineKind.CITATION
        assert parse_deadline("令和9年度当初に").window == Interval(date(2027, 4, 1), date(2027, 4, 30))

    def test_a_past_deadline_is_history_in_prose_but_a_deadline_in_a_phrase(self) -> None:
        plan_date = date(2021, 6, 18)
        assert find_deadlines("令和2年度末までに整備", reference=plan_date) == []
        assert parse_deadline("令和2年度末までに", reference=plan_date).due == date(2021, 3, 31)

    @pytest.mark.parametrize(
        ("phrase", "rule", "as_of", "next_due"),
        [
            ("毎年度下期", "every fiscal year, in months 10 to 3", date(2024, 5, 1), date(2025, 3, 31)),
            ("毎年度冬", "every fiscal year, in months 12 to 2", date(2025, 3, 1), date(2026, 2, 28)),
            ("毎年3月末", "every year, by the end of month 3", date(2024, 4, 1), date(2025, 3, 31)),
            ("毎月15日まで", "every month, by day 15", date(2024, 2, 16), date(2024, 3, 15)),
            ("毎年度4月1日", "every fiscal year, on day 1 of month 4", date(2024, 4, 2), date(2025, 4, 1)),
        ],
    )
    def test_recurring_parts_months_and_days(self, phrase: str, rule: str, as_of: date, next_due: date) -> None:
        deadline = parse_deadline(phrase)
        assert (deadline.rule, deadline.next_due(as_of)) == (rule, next_due)
        assert len(find_deadlines(phrase)) == 1  # the month is the recurrence's, not a date of its own

    def test_recurring_at_the_ends_of_the_calendar(self) -> None:
        for phrase in ("毎年度", "毎月", "毎年末", "毎月10日まで"):
            deadline = parse_deadline(phrase)
            assert deadline.next_due(date(1, 1, 1)) is not None
            assert not deadline.is_overdue(date(1, 1, 1))
        assert parse_deadline("毎月").next_due(date(9999, 12, 31)) == date(9999, 12, 31)
        with pytest.raises(DgplanError, match="no occurrence"):
            parse_deadline("毎年度").next_due(date(9999, 12, 31))
        assert find_deadlines("毎年度", reference=date(9999, 12, 30)) == []

    def test_a_yearless_month_before_the_date_it_follows_is_not_guessed(self) -> None:
        text = "令和4年10月に開始し、3月までに完了"
        found = find_deadlines(text, citations=True)
        assert [d.kind for d in found] == [DeadlineKind.ON, DeadlineKind.CITATION]
        assert found[1].note is not None and "two readings" in found[1].note
        # in a range, and after a 年度, the reading is not in doubt
        assert find_deadlines("令和4年10月~3月")[0].due == date(2023, 3, 31)
        assert find_deadlines("令和4年度は10月に開始し、3月までに完了")[-1].due == date(2023, 3, 31)

    @pytest.mark.parametrize(
        "text", ["千年に一度の災害", "1000年に1度の降雨", "1000年前から", "令和2021年度", "令和1000年"]
    )
    def test_numbers_that_are_not_years(self, text: str) -> None:
        assert find_deadlines(text, citations=True) == []

    def test_words_of_the_passage_anchor_this_years_end(self) -> None:
        found = find_deadlines("令和8年度に着手し、年度内に完了", reference=date(2024, 6, 21))
        assert [d.due for d in found] == [date(2027, 3, 31), date(2027, 3, 31)]
        previous = find_deadlines("令和9年度に本格実施するため、前年度中に試行", reference=date(2026, 6, 1))
        assert previous[1].window == Interval(date(2026, 4, 1), date(2027, 3, 31))

    def test_recurring_ten_days_and_new_year(self) -> None:
        assert parse_deadline("毎月上旬").next_due(date(2024, 6, 21)) == date(2024, 7, 10)
        assert parse_deadline("毎年度4月上旬").next_due(date(2024, 6, 21)) == date(2025, 4, 10)
        assert parse_deadline("毎年6月下旬").next_due(date(2024, 6, 1)) == date(2024, 6, 30)
        assert parse_deadline("毎年元日").next_due(date(2024, 6, 21)) == date(2025, 1, 1)
        assert parse_deadline("毎年").due_dates(Interval(date(9999, 12, 31), date(9999, 12, 31))) == [
            date(9999, 12, 31)
        ]

    def test_a_range_before_a_recurrence_starts_it(self) -> None:
        [yearly] = find_deadlines("令和7年度から令和9年度まで毎年度", reference=date(2024, 6, 21))
        assert yearly.recurrence is not None and yearly.recurrence.starts == date(2025, 4, 1)
        assert yearly.due == date(2026, 3, 31)

    def test_invisible_characters_from_pdf_are_ignored(self) -> None:
        for mark in ("\u200b", "\u00ad", "\u2060", "\ufeff"):
            assert parse_deadline(f"令和3年度{mark}上期中に").due == date(2021, 9, 30)

    def test_long_hostile_text_is_read_in_linear_passes(self) -> None:
        # Not a timing test: these used to take seconds; now they must simply finish and be right.
        assert len(find_deadlines("毎年度" * 2000)) == 2000
        with pytest.raises(DgplanError):
            parse_deadline("一" * 20000)


# -- The scanner skips to where a phrase may start ----------------------------------------------


def _scanned(text: str, reference: date | None, *, everywhere: bool) -> list[tuple[str, int, int]]:
    """Every deadline, citation and undated marker scan_passage finds, every field and the offsets in
    the normalised text; ``everywhere`` tries every position instead of skipping to candidates."""
    with pytest.MonkeyPatch.context() as patch:
        if everywhere:
            patch.setattr(deadline_module._Candidates, "first_from", lambda self, position: position)
        _, found = deadline_module.scan_passage(text, reference, undated=True)
    return [(repr(d), d._phrase_start, d._phrase_end) for d in found]


# Digits, units, particles and words around a period that glue the grammar's vocabulary together.
_GLUE = """
    0 1 2 3 4 9 10 12 31 2021 2030 元 年 年度 月 日 末 末日 四半期 第 年代 ( ) 、 。 . / ・ の は も に で を
    まで までに から より 以降 以前 以内 後 前 中 内 時点 比 ごと 毎年度 毎年 毎月 各年度 翌日 か月 日間 間
    速やかに 順次 引き続き 早期に 閣議決定 法律 号 予算 調査 した された について にかけて 起算して
"""
# The grammar's own vocabulary, from its tables, and the glue.
_VOCABULARY = sorted(
    {era.name for era in ERAS}
    | {era.name[0] for era in ERAS}
    | {era.letter for era in ERAS}
    | {era.letter.lower() for era in ERAS}
    | set(fiscal_module._RELATIVE_WORDS)
    | set(fiscal_module._HALVES)
    | set(fiscal_module._SEASON_START_MONTH)
    | set(fiscal_module._DEKADS)
    | set(deadline_module.APPROXIMATE_WORDS)
    | set(deadline_module.INTENT_WORDS)
    | set(deadline_module.ACTION_NOUNS)
    | set(deadline_module.RANGE_JOINER_CHARS)
    | set(deadline_module._RECURRING_PARTS)
    | set(deadline_module._LIST_BEFORE_COMMA)
    | {deadline_module._EARLIEST, fiscal_module._FY, fiscal_module._NEXT_DIET}
    | {"٣", "१२", "٢٠٢١"}  # digits NFKC leaves as they are, which the grammar's \d reads
    | set(_GLUE.split())
)


class TestSkippingToCandidates:
    """The scanner tries its patterns only where one of them matches (_Candidates). That must find
    exactly what trying every position finds, for every phrase the grammar reads and any text."""

    @pytest.mark.parametrize("digits", ["0123456789", "٠١٢٣٤٥٦٧٨٩"], ids=["ascii", "arabic-indic"])
    @pytest.mark.parametrize("row", ROWS, ids=[row["phrase"] for row in ROWS])
    def test_every_phrase_of_the_table_is_found_in_running_text(self, row: dict[str, Any], digits: str) -> None:
        # Arabic-Indic digits: NFKC leaves them, and the grammar's \d reads them as it does 0-9.
        before, after = "本計画では、", "とする。"
        text = before + row["phrase"].translate(str.maketrans("0123456789", digits)) + after
        reference = row.get("reference", PLAN_DATE)
        found = _scanned(text, reference, everywhere=False)
        assert found == _scanned(text, reference, everywhere=True)
        normal = normalize_mapped(text).text
        first = re.compile(f"[{fiscal_module.PERIOD_FIRST_CHARS}]")
        for position in range(len(normal)):
            if fiscal_module.PERIOD_PATTERN.match(normal, position) is not None:
                assert first.match(normal, position), normal[position:]  # the check before a period's search
        if digits.isascii():
            spans = [d.span for d in deadline_module.scan_passage(text, reference, undated=True)[1]]
            assert any(span is not None and span[0] == len(before) for span in spans), spans

    @settings(max_examples=300)
    @given(st.lists(st.sampled_from(_VOCABULARY) | st.characters(), max_size=30).map("".join))
    def test_any_text_of_the_grammars_words(self, text: str) -> None:
        for reference in (PLAN_DATE, None):
            assert _scanned(text, reference, everywhere=False) == _scanned(text, reference, everywhere=True)

    def test_the_plan(self, plan_source_text: str) -> None:
        text = plan_source_text[:40_000]
        assert _scanned(text, PLAN_DATE, everywhere=False) == _scanned(text, PLAN_DATE, everywhere=True)


class TestClauses:
    @given(st.text(alphabet="、。やAB及び並びに又はまたは"))
    def test_the_clause_of_a_character_counts_the_clause_ends_before_it(self, text: str) -> None:
        # A clause ends after every 。 and every 、 that does not follow a word joining a list.
        ends = deadline_module._clause_ends(text)
        clause = 0
        for index, char in enumerate(text):
            assert deadline_module._clause_of(ends, index) == clause
            if char == "。" or (char == "、" and not text.endswith(deadline_module._LIST_BEFORE_COMMA, 0, index)):
                clause += 1


# -- Issue 24: what a third hostile reading found ----------------------------------------------

PLAN_2021 = date(2021, 6, 18)


def _dated(text: str, reference: date = PLAN_2021) -> list[tuple[str, date | None]]:
    return [(d.text, d.due) for d in find_deadlines(text, reference=reference) if d.kind != DeadlineKind.CITATION]


class TestEveryWesternBracketIsChecked:
    """Spec §4c: 令和3(2021)年(2022年) is an error; only the first bracket used to be checked."""

    @pytest.mark.parametrize(
        "text",
        [
            "令和3(2021)年(2022年)4月1日",
            "令和3(2021)年度(2022年度)末までに",
            "令和3(2022)年(2021年)4月1日",
        ],
    )
    def test_a_second_bracket_that_disagrees_is_an_error(self, text: str) -> None:
        with pytest.raises(DgplanError, match="Western year in brackets says 2022"):
            parse_deadline(text, reference=PLAN_2021)
        assert _dated(text, date(2020, 1, 1)) == []

    @pytest.mark.parametrize("text", ["令和3(2021)年(2022年)4月1日", "令和3(2022)年(2021年)4月1日"])
    def test_parse_date_and_parse_period_too(self, text: str) -> None:
        from dgplan import parse_date, parse_period

        with pytest.raises(DgplanError, match=re.escape(repr(text))):
            parse_date(text)
        with pytest.raises(DgplanError, match=re.escape(repr(text))):
            parse_period(text)

    def test_brackets_that_agree_are_read(self) -> None:
        assert parse_deadline("令和3(2021)年(2021年)4月1日").due == date(2021, 4, 1)
        assert parse_deadline("令和3(2021)年度(2021年度)末までに").due == date(2022, 3, 31)

    @pytest.mark.parametrize("text", ["平成4年度（199 2年度）末までに", "平成4年度（199\n2年度）末までに"])
    def test_a_bracket_year_broken_by_a_line_keeps_its_end(self, text: str) -> None:
        # It lost 末: within FY1992 instead of by March 1993 (the same due, by luck).
        deadline = parse_deadline(text, reference=date(1992, 6, 1))
        assert (deadline.kind, deadline.window) == (DeadlineKind.BY, Interval(date(1993, 3, 1), date(1993, 3, 31)))
        with pytest.raises(DgplanError, match="says 1993"):
            parse_deadline(text.replace("2年度）", "3年度）"), reference=date(1992, 6, 1))


class TestAMonthAfterAnUnresolvedPeriod:
    """Spec §4c: a month with no year after a period that cannot be resolved is refused; it took the
    document's year (by 2021-12-31, seven years early, in a plan of 2021)."""

    @pytest.mark.parametrize(
        "before",
        [
            "令和10年度中頃",
            "令和10年度半ば",
            "平成32年度",
            "令和3(2022)年度",
            "令和1\n0年度",
            "令和1 0年度中頃",
            "202\n8年度",
        ],
    )
    def test_refused(self, before: str) -> None:
        text = f"{before}に着手し、12月までに完了する。"
        assert _dated(text) == []
        notes = [d.note or "" for d in deadline_module.scan_passage(text, PLAN_2021)[1]]
        assert any("'12月' has no year of its own" in note for note in notes), notes

    def test_same_year_words_are_refused_too(self) -> None:
        assert _dated("令和10年度中頃に着手し、同年度内に完了する。") == []

    def test_a_later_period_with_its_own_year_anchors_again(self) -> None:
        text = "令和10年度中頃に着手し、令和11年度に開始、12月までに完了する。"
        assert _dated(text) == [("令和11年度に", date(2030, 3, 31)), ("12月までに", date(2029, 12, 31))]

    def test_a_resolved_period_still_anchors(self) -> None:
        assert _dated("令和10年度に着手し、12月までに完了する。")[-1] == ("12月までに", date(2028, 12, 31))

    def test_a_broken_number_is_refused_alone(self) -> None:
        with pytest.raises(DgplanError, match="broken by a space or a line break"):
            parse_deadline("令和1\n0年度", reference=PLAN_2021)


class TestAnUnreadableRangeStart:
    @pytest.mark.parametrize(
        "text", ["999年度〜令和24年度", "999年度から令和24年度まで", "12345年度~2030年度", "0年〜2030年"]
    )
    def test_is_no_deadline_of_its_second_end(self, text: str) -> None:
        # It was read as within the second end alone: the start silently dropped.
        assert _dated(text) == []
        with pytest.raises(DgplanError, match="not a year dgplan reads"):
            parse_deadline(text, reference=PLAN_2021)

    def test_readable_ranges_are_unchanged(self) -> None:
        assert _dated("2021年度〜2030年度") == [("2021年度〜2030年度", date(2031, 3, 31))]
        assert _dated("3年から5年程度かけて、12月までに") == [("12月までに", date(2021, 12, 31))]
