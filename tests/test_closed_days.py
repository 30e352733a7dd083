"""The days government offices are closed (行政機関の休日に関する法律) and counts of open days."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dgplan.closed_days import (
    FIRST_COVERED_DAY,
    LAST_COVERED_DAY,
    ClosedDayError,
    closed_reason,
    is_closed,
    next_open_day,
    nth_open_day_after,
    open_days_between,
    roll_to_open_day,
)
from dgplan.errors import DgplanError

days = st.dates(min_value=date(1993, 1, 1), max_value=date(2098, 12, 1))


@pytest.mark.parametrize(
    ("day", "closed"),
    [
        # 2019: the accession (5/1) and the enthronement ceremony (10/22) were one-off holidays; 4/30 and
        # 5/2 were 国民の休日 between holidays.
        (date(2019, 4, 30), True),
        (date(2019, 5, 1), True),
        (date(2019, 5, 2), True),
        (date(2019, 10, 22), True),
        (date(2018, 10, 22), False),
        # The Olympic years moved 海の日, スポーツの日 and 山の日.
        (date(2020, 7, 23), True),
        (date(2020, 7, 24), True),
        (date(2020, 8, 10), True),
        (date(2020, 10, 12), False),
        (date(2021, 7, 22), True),
        (date(2021, 7, 23), True),
        (date(2021, 8, 9), True),  # 山の日 8/8 fell on a Sunday: its 振替休日
        (date(2021, 7, 19), False),
        (date(2021, 10, 11), False),
        # 振替休日: 2026-05-03 (憲法記念日) is a Sunday, so Wednesday 5/6 is closed.
        (date(2026, 5, 6), True),
        (date(2026, 5, 7), False),
        # The New Year closure, weekdays included; 28 December and 4 January are open weekdays.
        (date(2026, 12, 28), False),
        (date(2026, 12, 29), True),
        (date(2026, 12, 30), True),
        (date(2027, 1, 1), True),
        (date(2027, 1, 3), True),
        (date(2027, 1, 4), False),
        # Weekends.
        (date(2027, 4, 3), True),
        (date(2027, 4, 4), True),
        (date(2027, 4, 5), False),
    ],
)
def test_closed_days(day: date, closed: bool) -> None:
    assert is_closed(day) is closed


def test_reasons_name_the_holiday_or_the_rule() -> None:
    assert "即位礼正殿の儀" in (closed_reason(date(2019, 10, 22)) or "")
    assert closed_reason(date(2026, 12, 30)) == "年末年始"
    assert closed_reason(date(2027, 4, 3)) == "土曜日"
    assert closed_reason(date(2027, 4, 5)) is None


def test_next_open_day_moves_over_the_closure() -> None:
    assert next_open_day(date(2026, 12, 29)) == date(2027, 1, 4)
    assert next_open_day(date(2027, 1, 4)) == date(2027, 1, 4)
    assert roll_to_open_day(date(2026, 12, 29), "none") == date(2026, 12, 29)
    assert roll_to_open_day(date(2026, 12, 29), "following") == date(2027, 1, 4)


def test_counts_over_golden_week_2019() -> None:
    # 2019-04-26 (Fri); 4/27-5/6 were ten closed days in a row.
    assert nth_open_day_after(date(2019, 4, 26), 1) == date(2019, 5, 7)
    assert open_days_between(date(2019, 4, 27), date(2019, 5, 6)) == 0


@pytest.mark.parametrize(
    "call",
    [
        lambda: is_closed(FIRST_COVERED_DAY - timedelta(days=1)),
        lambda: next_open_day(LAST_COVERED_DAY + timedelta(days=1)),
        lambda: nth_open_day_after(date(2026, 4, 1), 0),
        lambda: roll_to_open_day(date(2026, 4, 1), "preceding"),  # type: ignore[arg-type]
    ],
)
def test_what_dgplan_cannot_know_is_refused(call: object) -> None:
    with pytest.raises(ClosedDayError) as raised:
        call()  # type: ignore[operator]
    assert isinstance(raised.value, DgplanError)


@given(days, st.integers(min_value=1, max_value=40))
def test_the_nth_open_day_is_open_and_the_count_agrees(day: date, count: int) -> None:
    due = nth_open_day_after(day, count)
    assert not is_closed(due)
    assert open_days_between(day + timedelta(days=1), due) == count


@given(days)
def test_next_open_day_is_the_first_open_day_on_or_after(day: date) -> None:
    found = next_open_day(day)
    assert found >= day and not is_closed(found)
    assert all(is_closed(day + timedelta(days=n)) for n in range((found - day).days))


def test_import_dgplan_does_not_load_the_holiday_data() -> None:
    code = "import sys, dgplan, dgplan.deadline, dgplan.queries; print('jpholiday' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


PLAN = """
plan: {title: 例, issued: 2026-04-01}
measures:
  - id: "1-1"
    section: I
    title: 窓口の電子化
    milestones:
      - {text: 年末の報告, due: 令和8年12月29日まで}
      - {text: 平日の報告, due: 令和8年12月28日まで}
      - {text: 年度末の報告, due: 令和9年3月31日まで}
"""


def test_due_dates_are_read_as_written_unless_rolled() -> None:
    import dgplan

    plan = dgplan.parse_plan(PLAN)
    as_of = date(2027, 1, 4)
    assert [item.item_id for item in plan.overdue(as_of=as_of)] == ["1-1/m2", "1-1/m1"]
    assert [item.item_id for item in plan.overdue(as_of=as_of, roll="following")] == ["1-1/m2"]
    rolled = {item.item_id: item for item in plan.due_in("令和8年度", as_of=as_of, roll="following")}
    assert (rolled["1-1/m1"].due, rolled["1-1/m1"].rolled_from) == (date(2027, 1, 4), date(2026, 12, 29))
    assert (rolled["1-1/m2"].due, rolled["1-1/m2"].rolled_from) == (date(2026, 12, 28), None)
    # 2027-03-31 is a Wednesday: an open day stays put.
    assert (rolled["1-1/m3"].due, rolled["1-1/m3"].rolled_from) == (date(2027, 3, 31), None)
    assert all(item.rolled_from is None for item in plan.due_in("令和8年度", as_of=as_of))


def test_a_rolled_due_date_is_placed_in_the_period_it_moves_to() -> None:
    import dgplan

    plan = dgplan.parse_plan(PLAN)
    as_of = date(2026, 12, 1)
    assert [i.item_id for i in plan.due_between(date(2027, 1, 1), date(2027, 1, 10), as_of=as_of)] == []
    moved = plan.due_between(date(2027, 1, 1), date(2027, 1, 10), as_of=as_of, roll="following")
    assert [(i.item_id, i.due) for i in moved] == [("1-1/m1", date(2027, 1, 4))]
    kept = plan.due_between(date(2026, 12, 20), date(2026, 12, 31), as_of=as_of, roll="following")
    assert [i.item_id for i in kept] == ["1-1/m2"]


def test_the_command_rolls_only_when_asked_and_says_so(tmp_path: object) -> None:
    from pathlib import Path

    from click.testing import CliRunner

    from dgplan.cli import main

    path = Path(str(tmp_path)) / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    args = ["due", "--plan", str(path), "--in", "令和8年度", "--as-of", "2027-01-04", "--format", "markdown"]
    plain = CliRunner().invoke(main, args)
    rolled = CliRunner().invoke(main, [*args, "--roll-closed-days"])
    assert plain.exit_code == 0 and rolled.exit_code == 0, plain.output + rolled.output
    assert "行政機関の休日に関する法律" not in plain.output and "繰下げ" not in plain.output
    assert "| 2027-01-04 (2026-12-29から繰下げ) | 1-1/m1 |" in rolled.output
    assert "行政機関の休日に関する法律第2条" in rolled.output


@pytest.mark.parametrize("count", [5.5, True, "5", 0])
def test_a_count_is_a_whole_number(count: object) -> None:
    with pytest.raises(ClosedDayError, match="whole count"):
        nth_open_day_after(date(2026, 4, 24), count)  # type: ignore[arg-type]


@pytest.mark.parametrize("day", [datetime(2026, 5, 4, 9, 0), "2026-05-04", None])
def test_a_day_is_a_date(day: object) -> None:
    with pytest.raises(ClosedDayError, match="not a day"):
        is_closed(day)  # type: ignore[arg-type]
