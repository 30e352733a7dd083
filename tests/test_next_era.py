"""The next era without a release: register_era and DGPLAN_EXTRA_ERA (issue 29, part 1).

Adding an era changes the table every reader is built from, so the scenarios run in a
subprocess: this test process keeps the eras it started with.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from dgplan.era import ERAS, register_era
from dgplan.errors import EraError

SCENARIO = textwrap.dedent(
    """
    import json, sys
    from datetime import date
    import numpy as np
    import pandas as pd
    import dgplan
    {register}
    from dgplan import format_wareki, parse_date, parse_deadline, parse_era_year, parse_period
    import dgplan.pandas as dp

    out = {{}}
    out["eras"] = [(e.name, e.letter, str(e.start), str(e.end)) for e in dgplan.ERAS[-2:]]
    out["parse"] = [str(parse_date(t)) for t in ("光文2年4月1日", "K2.4.1", "光文元年5月1日", "令和22年4月30日")]
    out["format"] = [format_wareki(date(2041, 4, 1)), format_wareki(date(2040, 5, 1), style="short"),
                     format_wareki(date(2040, 4, 30))]
    out["year"] = parse_era_year("光文3年")
    out["period"] = str(parse_period("光文2年度"))
    out["deadline"] = str(parse_deadline("光文3年度末までに").due)
    try:
        parse_date("令和22年5月1日")
    except dgplan.EraError as error:
        out["after_end"] = str(error)
    column = pd.Series(["光文2年4月1日", "K2.4.1", "令和3年4月1日", "光文元年5月1日"])
    values = np.array(column.tolist(), dtype=object)
    out["compiled"] = [str(day) for day in dp._compiled_days(values, "ns")]
    out["column"] = [str(day.date()) for day in dp.to_datetime(column)]
    out["fiscal"] = dp.fiscal_year(dp.to_datetime(column)).tolist()
    out["wareki"] = dp.to_wareki(pd.Series(pd.to_datetime(["2041-04-01"]))).tolist()
    print(json.dumps(out, ensure_ascii=False))
    """
)

PLAN = """
plan: {title: 次の元号の計画, issued: 光文2年4月1日}
measures:
  - id: "1-1"
    section: I
    title: 窓口の電子化
    milestones:
      - {text: 標準仕様の策定, due: 光文2年度末まで}
"""


def _run(code: str, env_value: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "DGPLAN_EXTRA_ERA"}
    if env_value is not None:
        env["DGPLAN_EXTRA_ERA"] = env_value
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "dgplan", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def _check_scenario(result: subprocess.CompletedProcess[str]) -> None:
    import json

    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["eras"] == [["令和", "R", "2019-05-01", "2040-04-30"], ["光文", "K", "2040-05-01", "None"]]
    assert out["parse"] == ["2041-04-01", "2041-04-01", "2040-05-01", "2040-04-30"]
    assert out["format"] == ["光文2年4月1日", "K1.5.1", "令和22年4月30日"]
    assert out["year"] == 2042
    assert out["period"] == "2041-04-01..2042-03-31"
    assert out["deadline"] == "2043-03-31"
    assert "after the end of 令和 (2040-04-30)" in out["after_end"] and "光文元年5月1日" in out["after_end"]
    # The compiled reader settles the new era itself: nothing is left to the Python path.
    assert out["compiled"] == ["2041-04-01", "2041-04-01", "2021-04-01", "2040-05-01"]
    assert out["column"] == out["compiled"]
    assert out["fiscal"] == [2041, 2041, 2021, 2040]
    assert out["wareki"] == ["光文2年4月1日"]


def test_a_whole_scenario_under_an_era_from_the_environment() -> None:
    _check_scenario(_run(SCENARIO.format(register=""), "光文,2040-05-01,K"))


def test_a_whole_scenario_under_a_registered_era() -> None:
    register = "from dgplan.era import register_era\nregister_era('光文', date(2040, 5, 1), 'K')"
    _check_scenario(_run(SCENARIO.format(register=register), None))


def test_without_the_era_its_dates_are_refused() -> None:
    result = _run(SCENARIO.format(register=""), None)
    assert result.returncode != 0 and "光文" in result.stderr


def test_the_command_reads_and_reports_under_the_new_era(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    args = ("due", "--plan", str(plan), "--in", "光文2年度", "--as-of", "光文3年4月1日", "--format", "markdown")
    result = _run("", "光文,2040-05-01,K", *args)
    assert result.returncode == 0, result.stderr
    assert "光文3年4月1日" in result.stdout  # the as-of date, written with its era
    assert "| 2042-03-31 | 1-1/m1 |" in result.stdout
    converted = _run("", "光文,2040-05-01,K", "convert", "K3.4.1")
    assert converted.returncode == 0 and "2042-04-01" in converted.stdout, converted.stderr


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("光文,2040-05-01", "expected name,first day,letter"),
        ("光文,2040-13-01,K", "expected an ISO date"),
        ("光文,2019-05-01,K", "after the start of 令和"),
        ("光文,2040-05-01,R", "already an era's letter"),
        ("光文,2040-05-01,k", "one capital letter"),
        ("令和,2040-05-01,K", "already an era's"),
        ("平安,2040-05-01,K", "already an era's"),  # 平 is 平成's one-kanji abbreviation
        ("Kobun,2040-05-01,K", "one to four kanji"),
    ],
)
def test_a_bad_environment_variable_is_refused_at_import(value: str, message: str) -> None:
    result = _run("import dgplan.era", value)
    assert result.returncode != 0
    assert "DGPLAN_EXTRA_ERA" in result.stderr and message in result.stderr


@pytest.mark.parametrize(
    ("name", "first_day", "letter", "message"),
    [
        ("令和", date(2040, 5, 1), "K", "already an era's"),
        ("光文", date(2018, 1, 1), "K", "after the start of 令和"),
        ("光文", date(2040, 5, 1), "H", "already an era's letter"),
        ("光文", date(2040, 5, 1), "KB", "one capital letter"),
        ("光 文", date(2040, 5, 1), "K", "one to four kanji"),
    ],
)
def test_register_era_checks_strictly(name: str, first_day: date, letter: str, message: str) -> None:
    with pytest.raises(EraError, match=message):
        register_era(name, first_day, letter)
    assert ERAS[-1].name == "令和"


def test_register_era_after_the_readers_are_built_is_refused() -> None:
    import dgplan.fiscal  # noqa: F401 - the readers this process has built

    with pytest.raises(EraError, match="register the era before reading any period"):
        register_era("光文", date(2040, 5, 1), "K")
    from dgplan import era

    assert era.ERAS[-1].name == "令和" and era.ERAS[-1].end is None
