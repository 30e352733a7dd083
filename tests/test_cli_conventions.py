"""The command as click users expect it (issue 27): the help alone is no error, usage errors point
to the command's help, command summaries are whole phrases, and --within counts months."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from dateutil.relativedelta import relativedelta

import dgplan
from dgplan.cli import _within_days, main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), prog_name="dgplan")
    return result.exit_code, result.stdout, result.stderr


def test_alone_it_shows_the_help_not_an_error() -> None:
    code, _out, err = run()
    assert err.startswith("Usage: dgplan [OPTIONS] COMMAND")
    assert "error" not in err.splitlines()[0] and "Commands:" in err
    assert code == 2  # as click says it: no command is a usage error
    assert run("--help")[1] == err  # the same help


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["due", "--bogus"], "Try 'dgplan due -h' for help."),
        (["kpi", "--format", "pdf"], "Try 'dgplan kpi -h' for help."),
        (["nothing"], "Try 'dgplan -h' for help."),
    ],
)
def test_usage_errors_point_to_the_help(args: list[str], hint: str) -> None:
    code, out, err = run(*args)
    assert code == 2 and out == ""
    # One line, as every error (a cron mail reads it whole), ending with click's pointer.
    assert err.startswith("dgplan: error: ") and err.endswith(f" {hint}\n") and err.count("\n") == 1


def test_other_errors_have_no_usage_hint() -> None:
    code, _, err = run("convert", "いつか")
    assert code != 0 and "Try '" not in err


def test_command_summaries_are_whole_phrases() -> None:
    _, out, _ = run("--help")
    listed = dict(
        re.match(r"\s+(\S+)\s+(.*)", line).groups()  # type: ignore[union-attr]
        for line in out.split("Commands:\n", 1)[1].splitlines()
        if line.strip()
    )
    assert set(listed) == set(main.commands)  # type: ignore[attr-defined]
    for name, summary in listed.items():
        assert not summary.endswith("..."), f"{name}: {summary!r} is cut"
        assert summary.endswith("."), f"{name}: {summary!r}"


@pytest.mark.parametrize(
    ("span", "as_of", "days"),
    [
        ("3m", date(2022, 1, 31), (date(2022, 4, 30) - date(2022, 1, 31)).days),
        ("1 month", date(2022, 2, 1), 28),
        ("12months", date(2021, 4, 1), 365),
        ("2w", date(2022, 1, 1), 14),
        ("30d", date(2022, 1, 1), 30),
    ],
)
def test_within_counts_calendar_months(span: str, as_of: date, days: int) -> None:
    assert _within_days(span, as_of) == days


def test_within_months_past_9999_is_refused() -> None:
    with pytest.raises(SystemExit):
        _within_days("2m", date(9999, 11, 15))
    assert _within_days("1m", date(9999, 11, 15)) == (date(9999, 12, 15) - date(9999, 11, 15)).days


def test_within_3m_on_the_command_line() -> None:
    as_of = date(2022, 1, 15)
    code, out, err = run("due", "--within", "3m", "--as-of", as_of.isoformat(), "--format", "csv")
    assert code == 0, err
    plan = dgplan.load_plan()
    expected = plan.upcoming(as_of=as_of, days=(as_of + relativedelta(months=3) - as_of).days)
    assert len(out.strip().splitlines()) - 1 == len(expected) > 0


def test_validate_says_which_plan_a_progress_log_was_checked_against(tmp_path: Path) -> None:
    log = tmp_path / "progress.csv"
    log.write_text("id,date,value,done,note\n1-1/m2,2022-03-25,,true,\n", encoding="utf-8")
    code, out, _ = run("validate", str(log))
    assert code == 0 and "checked against the bundled plan (--plan FILE for another)" in out
    log.write_text("id,date,value,done,note\nX-9/m1,2022-03-25,,true,\n", encoding="utf-8")
    code, _, err = run("validate", str(log))
    assert code == 2 and f"dgplan: {log} was checked against the bundled plan" in err
