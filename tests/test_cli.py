"""The dgplan command, through click's runner and as a process: output content and exit codes."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

import dgplan
from dgplan.cli import main

SMALL = str(Path(__file__).parent / "data" / "small_plan.yaml")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


class TestDue:
    def test_this_quarter_table(self) -> None:
        code, out, err = run("due", "--plan", SMALL, "--as-of", "2022-01-15", "--lang", "en")
        assert code == 0 and err == ""
        lines = out.splitlines()
        assert lines[0].split() == ["due", "item", "kind", "status", "text"]
        assert [line.split()[1] for line in lines[2:]] == ["1-1/m1", "1-1/progress/1", "2-1/m1", "2-1/effect/1"]

    def test_the_table_speaks_japanese_by_default(self) -> None:
        code, out, _ = run("due", "--plan", SMALL, "--as-of", "2022-04-01", "--overdue")
        assert code == 0
        lines = out.splitlines()
        assert lines[0].split() == ["期限", "項目", "種別", "状況", "内容"]
        assert "期限超過（進捗の記録なし）" in lines[2] and "期間内" in lines[2]  # 3-1/m2, within a quarter
        code, out, _ = run("due", "--plan", SMALL, "--as-of", "2021-06-20", "--overdue")
        assert out.splitlines() == [
            "期限を超過したものはありません。",
            "基準日：令和3年6月20日（2021-06-20）、令和3年度第1四半期（FY2021-Q1）。",
        ]

    def test_overdue_csv(self) -> None:
        code, out, _ = run("due", "--overdue", "--plan", SMALL, "--as-of", "令和4年4月1日", "--format", "csv")
        assert code == 0
        rows = list(csv.DictReader(io.StringIO(out)))
        assert [(r["item_id"], r["due"], r["overdue"]) for r in rows] == [
            ("3-1/m2", "2021-12-31", "true"),
            ("1-1/m1", "2022-03-31", "true"),
            ("2-1/m1", "2022-03-31", "true"),
        ]
        assert list(rows[0]) == [
            "due",
            "measure_id",
            "section",
            "item_id",
            "item_type",
            "kind",
            "approximate",
            "done",
            "overdue",
            "window_start",
            "window_end",
            "deadline",
            "text",
            "status",
            "recorded",
            "rule",
            "owner",
        ]
        assert {r["status"] for r in rows} == {"overdue"} and {r["recorded"] for r in rows} == {"false"}
        # 2-1/m1 (毎年度末) carries its FY2021 occurrence's own window, March 2022
        recurring = rows[2]
        assert (recurring["window_start"], recurring["window_end"]) == ("2022-03-01", "2022-03-31")
        assert recurring["rule"] == "every fiscal year, at its end"

    def test_json_schema(self) -> None:
        code, out, _ = run("due", "--in", "令和4年度上期", "--plan", SMALL, "--as-of", "2022-04-01", "--format", "json")
        assert code == 0
        data = json.loads(out)
        assert data["as_of"] == "2022-04-01"
        [item] = data["items"]
        assert item["item_id"] == "1-2/pilot"
        assert (item["due"], item["kind"], item["approximate"], item["window_start"]) == (
            "2022-08-31",
            "by",
            True,
            "2022-06-01",
        )

    @pytest.mark.parametrize(
        ("args", "expected"),
        [
            (["--within", "30d", "--as-of", "2022-08-01"], ["1-2/pilot"]),
            (["--within", "2w", "--as-of", "2022-08-01"], []),
            (["--between", "2021-07-01", "2021-12-31", "--as-of", "2021-06-18"], ["2-1/m2", "3-1/m2"]),
            (["--in", "FY2022-Q2", "--as-of", "2022-04-01"], ["1-2/pilot"]),
            (
                ["--in", "2022-04-01..2023-03-31", "--as-of", "2022-04-01"],
                ["1-2/pilot", "2-1/m1", "2-1/effect/1", "3-1/m1"],
            ),
            (["--section", "II", "--as-of", "2022-01-15"], ["2-1/m1", "2-1/effect/1"]),
        ],
    )
    def test_selections(self, args: list[str], expected: list[str]) -> None:
        code, out, _ = run("due", "--plan", SMALL, "--format", "json", *args)
        assert code == 0
        assert [item["item_id"] for item in json.loads(out)["items"]] == expected

    def test_ics_parses_back_with_the_right_dates(self) -> None:
        code, out, _ = run("due", "--plan", SMALL, "--as-of", "2022-01-15", "--format", "ics")
        assert code == 0
        calendar = Calendar.from_ical(out)
        events = calendar.walk("VEVENT")
        assert len(events) == 4
        first = events[0]
        assert first.decoded("dtstart") == date(2022, 3, 31)
        assert first.decoded("dtend") == date(2022, 4, 1)
        # the summary says what is due; the measure's title is in the description
        assert str(first.get("summary")) == "[1-1] システム改修"
        assert "住民基本台帳システムの改修" in str(first.get("description"))

    def test_ics_events_of_two_plans_never_collide(self, tmp_path: Path) -> None:
        plan = dgplan.load_plan(SMALL)
        other = tmp_path / "other.yaml"
        dgplan.save_plan(plan.model_copy(update={"info": plan.info.model_copy(update={"title": "別の計画"})}), other)
        uids = []
        for path in (SMALL, str(other)):
            out = run("due", "--plan", path, "--as-of", "2022-01-15", "--format", "ics")[1]
            uids.append({str(event["uid"]) for event in Calendar.from_ical(out).walk("VEVENT")})
        assert uids[0] and len(uids[0]) == len(uids[1]) and not uids[0] & uids[1]

    def test_fail_if_overdue(self) -> None:
        assert run("due", "--plan", SMALL, "--as-of", "2021-07-01", "--fail-if-overdue")[0] == 0
        assert run("due", "--plan", SMALL, "--as-of", "2022-04-01", "--fail-if-overdue")[0] == 1

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--as-of", "2021-02-30"], "'2021-02-30': 2021-02 has days 1 to 28, not 30"),
            (["--within", "soon"], "--within 'soon'"),
            (["--in", "いつか"], "'いつか' is not a period"),
            (["--overdue", "--this-quarter", "--within", "3d"], "choose one of"),
            (["--plan", "/nonexistent/plan.yaml"], "cannot read"),
            (["--section", "XX"], "no measures in section 'XX'"),
            (["--format", "pdf"], "Invalid value for '--format'"),
            (["--colour"], "No such option"),
        ],
    )
    def test_bad_input_exits_2_with_one_line(self, args: list[str], message: str) -> None:
        code, out, err = run("due", "--plan", SMALL, *args) if "--plan" not in args else run("due", *args)
        assert code == 2
        assert out == ""
        assert message in err
        assert "Traceback" not in err

    def test_plan_with_errors_lists_every_problem(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_text(
            "plan: {title: x, issued: 2021-06-18}\nmeasures:\n"
            "  - {id: '1-1', section: I, title: a, milestones: [{text: b, due: soon}, {text: c, due: later}]}\n",
            encoding="utf-8",
        )
        code, out, err = run("due", "--plan", str(bad))
        assert code == 2 and out == ""
        lines = err.strip().splitlines()
        assert len(lines) == 2
        assert all(f"{bad}:3:" in line for line in lines)


class TestOtherCommands:
    def test_kpi(self) -> None:
        code, out, _ = run("kpi", "--plan", SMALL, "--as-of", "2022-04-01", "--format", "json")
        assert code == 0
        items = {i["kpi_id"]: i for i in json.loads(out)["items"]}
        assert items["3-1/effect/1"]["grade"] == "B" and items["3-1/effect/1"]["target"] == pytest.approx(70)
        code, out, _ = run("kpi", "--plan", SMALL, "--as-of", "2022-04-01", "--off-track", "--format", "csv")
        assert [row["kpi_id"] for row in csv.DictReader(io.StringIO(out))] == ["3-1/effect/1"]

    def test_report_markdown(self) -> None:
        code, out, _ = run("report", "--plan", SMALL, "--as-of", "2022-04-01", "--lang", "en")
        assert code == 0
        assert out.startswith("# テスト計画\n\nAs of 令和4年4月1日 / 2022-04-01, fiscal quarter FY2022-Q1")
        assert "## Overdue (3)" in out
        assert "| 3-1/effect/1 |" in out
        code, out, _ = run("report", "--plan", SMALL, "--as-of", "2022-04-01")
        assert out.startswith("# テスト計画\n\n基準日：令和4年4月1日（2022-04-01）、令和4年度第1四半期（FY2022-Q1）。")
        assert "## 期限超過（3件）" in out

    def test_report_html_is_one_file_with_a_chart(self, tmp_path: Path) -> None:
        target = tmp_path / "report.html"
        code, _, err = run("report", "--plan", SMALL, "--as-of", "2022-04-01", "--format", "html", "-o", str(target))
        assert (code, err) == (0, "")  # quiet on success, for cron
        page = target.read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "</html>" in page
        assert "<script" not in page and 'src="http' not in page  # self-contained

    def test_output_file_is_not_half_written_on_error(self, tmp_path: Path) -> None:
        target = tmp_path / "report.html"
        target.write_text("old report", encoding="utf-8")
        code, _, _ = run("report", "--plan", str(tmp_path / "missing.yaml"), "-o", str(target))
        assert code == 2
        assert target.read_text(encoding="utf-8") == "old report"

    def test_export_ics_every_due_date(self) -> None:
        code, out, _ = run(
            "export", "--plan", SMALL, "--from", "2022-04-01", "--until", "2024-03-31", "--as-of", "2022-04-01"
        )
        assert code == 0
        events = Calendar.from_ical(out).walk("VEVENT")
        dates = sorted(event.decoded("dtstart") for event in events)
        assert dates[0] == date(2022, 8, 31)
        assert dates.count(date(2024, 3, 31)) == 2  # the yearly milestone and KPI, occurrence FY2023
        assert all(event.decoded("dtend") - event.decoded("dtstart") == timedelta(days=1) for event in events)

    def test_convert(self) -> None:
        code, out, _ = run("convert", "令和3年4月1日", "令和4年夏", "令和3年度末まで", "--format", "json")
        assert code == 0
        date_row, period_row, deadline_row = json.loads(out)
        assert date_row == {"input": "令和3年4月1日", "type": "date", "iso": "2021-04-01"}
        assert (period_row["start"], period_row["end"]) == ("2022-06-01", "2022-08-31")
        assert (deadline_row["kind"], deadline_row["due"]) == ("by", "2022-03-31")
        code, out, _ = run("convert", "--to-wareki", "2019-05-01")
        assert code == 0 and "令和元年5月1日" in out

    def test_convert_reports_each_bad_input(self) -> None:
        code, out, err = run("convert", "令和3年度末まで", "soon")
        assert code == 2
        assert "令和3年度末まで" in out
        assert "'soon' is not a deadline phrase" in err

    def test_validate(self, tmp_path: Path) -> None:
        counts = "3 sections, 4 measures, 9 milestones, 5 KPIs"
        assert run("validate", SMALL) == (0, f"{SMALL}: ok ({counts})\n", "")
        progress = tmp_path / "progress.csv"
        progress.write_text("id,date,value\n9-9/x,2022-01-01,1\n", encoding="utf-8")
        code, _, err = run("validate", str(progress), "--plan", SMALL)
        assert code == 2 and f"{progress}:2: unknown KPI or milestone id '9-9/x'" in err

    def test_extract_writes_atomically_and_reports(self, tmp_path: Path) -> None:
        source = tmp_path / "plan.txt"
        source.write_text(
            (Path(__file__).parent / "data" / "excerpt.txt").read_text(encoding="utf-8"), encoding="utf-8"
        )
        target = tmp_path / "plan.yaml"
        code, _, err = run("extract", str(source), "-o", str(target), "--title", "試験", "--issued", "令和3年6月18日")
        assert code == 0
        assert "measures: 3 (I: 2, II: 1)" in err
        assert run("validate", str(target))[0] == 0

    def test_extract_bad_layout(self, tmp_path: Path) -> None:
        source = tmp_path / "plan.txt"
        source.write_text("no measures here\n", encoding="utf-8")
        target = tmp_path / "plan.yaml"
        code, _, err = run("extract", str(source), "-o", str(target), "--title", "x", "--issued", "2021-06-18")
        assert code == 2 and "no measure found" in err
        assert not target.exists()


class TestHostileInput:
    @pytest.mark.parametrize(
        ("args", "quoted"),
        [
            (["convert", "0000-01-01"], "'0000-01-01'"),
            (["report", "--as-of", "9999-12-31"], "'9999-12-31'"),
            (["report", "--format", "html", "--as-of", "9999-12-31"], "'9999-12-31'"),
            (["kpi", "--as-of", "9999-12-31"], "'9999-12-31'"),
            (["due", "--within", "99999999999999999999d"], "'99999999999999999999d'"),
            (["due", "--as-of", "0000-01-01"], "'0000-01-01'"),
        ],
    )
    def test_bad_input_is_one_line_and_exit_2(self, args: list[str], quoted: str) -> None:
        code, out, err = run(*args)
        assert code == 2 and out == ""
        assert len(err.strip().splitlines()) == 1 and quoted in err

    @pytest.mark.parametrize(
        "args",
        [
            ["due", "--as-of", "1800-01-01"],
            ["due", "--overdue", "--as-of", "0001-01-01"],
            # the calendar's last year: recurring items fall due in it until 9999-12-31
            ["export", "--from", "9999-01-01"],
            ["due", "--between", "2022-01-01", "9999-12-31"],
            ["due", "--overdue", "--as-of", "1873-01-01"],
            ["report", "--as-of", "1873-01-01"],
            ["report", "--as-of", "1800-01-01"],
            ["export", "--from", "2000-01-01", "--as-of", "2022-01-01"],
            ["due", "--within", "3650d", "--as-of", "2022-01-01"],
        ],
    )
    def test_extreme_but_valid_dates_work(self, args: list[str]) -> None:
        code, _, err = run(*args)
        assert (code, err) == (0, "")

    def test_a_plan_issued_on_29_february(self, tmp_path: Path) -> None:
        plan = tmp_path / "leap.yaml"
        plan.write_text(
            "plan: {title: 閏日, issued: 2020-02-29}\nmeasures:\n"
            "  - {id: '1-1', section: I, title: a, milestones: [{text: b, due: 来年度末まで}, {text: c, due: 毎年度末},"
            " {text: d, due: 2030-02-28}, {text: e, due: 2030-03-01}]}\n",
            encoding="utf-8",
        )
        code, out, err = run("export", "--plan", str(plan), "--format", "json", "--as-of", "2020-03-01")
        assert (code, err) == (0, "")
        items = json.loads(out)["items"]
        # The default span is ten years from the plan's date: to 2030-02-28, inclusive.
        assert items[0]["due"] == "2020-03-31"
        assert [i["item_id"] for i in items if i["due"] >= "2030-01-01"] == ["1-1/m3"]
        code, out, _ = run("export", "--from", "2020-02-29", "--format", "json", "--as-of", "2020-03-01")
        assert code == 0 and max(item["due"] for item in json.loads(out)["items"]) <= "2030-02-28"
        for command in (["due", "--overdue"], ["kpi"], ["report"], ["report", "--format", "html"]):
            assert run(*command, "--plan", str(plan), "--as-of", "2024-02-29")[0] == 0

    def test_validate_an_impossible_date_lists_problems_without_traceback(self, tmp_path: Path) -> None:
        plan = tmp_path / "p9.yaml"
        plan.write_text("plan: {title: t, issued: 2021-02-30}\nmeasures: []\n", encoding="utf-8")
        code, out, err = run("validate", str(plan))
        assert code == 2 and out == ""
        assert err == f"dgplan: error: {plan}:1:26: plan.issued: '2021-02-30': 2021-02 has days 1 to 28, not 30\n"

    def test_kpi_json_is_valid_json(self) -> None:
        from dgplan.report import render_rows

        text = render_rows(
            [{"a": math.nan, "b": math.inf, "c": 1.5}],
            "json",
            columns=("a", "b", "c"),
            table_columns=("a",),
            as_of=date(2022, 4, 1),
        )
        assert json.loads(text, parse_constant=lambda name: pytest.fail(f"bare {name} in JSON"))["items"] == [
            {"a": None, "b": None, "c": 1.5}
        ]

    def test_progress_with_nan_is_refused_not_graded(self, tmp_path: Path) -> None:
        progress = tmp_path / "p.csv"
        progress.write_text("id,date,value\n3-1/effect/1,2022-06-30,nan\n", encoding="utf-8")
        code, out, err = run("kpi", "--plan", SMALL, "--progress", str(progress), "--format", "json")
        assert code == 2 and out == "" and f"{progress}:2:" in err and "'nan'" in err


class TestProcess:
    def test_html_report_is_the_same_bytes_every_run(self, tmp_path: Path) -> None:
        pages = []
        for run_number in range(2):
            target = tmp_path / f"r{run_number}.html"
            command = [sys.executable, "-m", "dgplan", "report", "--format", "html", "--as-of", "2022-04-01"]
            subprocess.run([*command, "-o", str(target)], check=True, capture_output=True)
            pages.append(target.read_bytes())
        assert b"<svg" in pages[0]
        assert pages[0] == pages[1]

    def test_an_encoding_without_japanese_does_not_crash(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_text(
            "plan: {title: t, issued: 2021-06-18}\nmeasures: [{id: '1-1', title: 題, section: I, "
            "milestones: [{text: x, due: いつか}]}]\n",
            encoding="utf-8",
        )
        environment = {**os.environ, "PYTHONIOENCODING": "latin-1"}
        for args, code in (
            (["due", "--as-of", "2022-01-15"], 0),
            (["convert", "令和3年度末まで"], 0),
            (["validate", str(bad)], 2),
        ):
            result = subprocess.run(
                [sys.executable, "-m", "dgplan", *args], capture_output=True, env=environment, check=False
            )
            assert result.returncode == code, result.stderr
            assert b"Traceback" not in result.stderr and b"UnicodeEncodeError" not in result.stderr
            assert b"\\u" in result.stdout + result.stderr  # escaped, still readable

    def test_module_and_script_on_the_bundled_plan(self) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "dgplan", "due", "--this-quarter", "--as-of", "2022-01-15", "--format", "json"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        items = json.loads(result.stdout)["items"]
        assert items and all(item["due"] <= "2022-03-31" for item in items)

    def test_piped_output_has_no_colour_codes(self) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "dgplan", "due", "--plan", SMALL, "--as-of", "2022-04-01", "--overdue"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0
        assert "\x1b[" not in result.stdout
        assert "1-1/m1" in result.stdout

    def test_default_as_of_is_today_in_tokyo(self) -> None:
        from dgplan.cli import JST, today_in_tokyo

        assert JST.utcoffset(None) == timedelta(hours=9)
        assert abs((today_in_tokyo() - date.today()).days) <= 1


SECTIONS_PLAN = """\
plan: {title: t, issued: 2021-06-18}
sections:
  - {id: I, title: 共通}
measures:
  - id: "1-1"
    section: I
    title: x
    milestones:
      - {text: a, due: soon}
  - id: "1-2"
    section: XII
    title: y
"""


class TestCron:
    """What a cron job needs: silence on success, one line per problem, exit codes that mean one thing."""

    def test_quiet_on_success_verbose_on_request(self, tmp_path: Path) -> None:
        target = tmp_path / "r.md"
        assert run("report", "--plan", SMALL, "--as-of", "2022-04-01", "-o", str(target)) == (0, "", "")
        code, out, err = run("report", "--plan", SMALL, "--as-of", "2022-04-01", "-o", str(target), "-v")
        assert (code, out, err) == (0, "", f"wrote {target}\n")

    @pytest.mark.parametrize(
        "flags",
        [["--overdue", "--this-quarter"], ["--this-quarter", "--overdue"], ["--overdue", "--in", "令和4年度"]],
    )
    def test_selectors_exclude_each_other(self, flags: list[str]) -> None:
        code, out, err = run("due", "--plan", SMALL, *flags)
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and all(flag in err for flag in flags if flag.startswith("--"))

    def test_one_sort_order_due_then_plan_order(self, tmp_path: Path) -> None:
        plan = tmp_path / "order.yaml"
        measures = "".join(
            f"  - {{id: '1-{n}', section: I, title: t, milestones: [{{text: x, due: 2022-03-31}}]}}\n"
            for n in (1, 2, 10)
        )
        plan.write_text("plan: {title: t, issued: 2021-06-18}\nmeasures:\n" + measures, encoding="utf-8")
        for fmt in ("json", "csv"):
            code, out, _ = run("due", "--plan", str(plan), "--as-of", "2022-01-15", "--format", fmt)
            assert code == 0
            assert [line for line in re.findall(r"1-\d+/m1", out)] == ["1-1/m1", "1-2/m1", "1-10/m1"]

    def test_messages_name_the_option(self) -> None:
        code, _, err = run("convert", "来年度")
        assert code == 2 and "--reference" in err and "reference=" not in err
        code, out, _ = run("convert", "来年度", "--reference", "2021-06-18")
        assert code == 0 and "start=2022-04-01" in out

    def test_validate_without_file_checks_the_bundled_plan(self) -> None:
        code, out, err = run("validate")
        assert (code, err) == (0, "")
        plan = dgplan.load_plan()
        milestones = sum(len(measure.milestones) for measure in plan.measures)
        kpis = sum(len(measure.kpis) for measure in plan.measures)
        assert out == f"bundled plan: ok (9 sections, 149 measures, {milestones} milestones, {kpis} KPIs)\n"

    def test_validate_reports_every_problem_at_its_line(self, tmp_path: Path) -> None:
        plan = tmp_path / "sections.yaml"
        plan.write_text(SECTIONS_PLAN, encoding="utf-8")
        code, out, err = run("validate", str(plan))
        assert code == 2 and out == ""
        lines = err.splitlines()
        assert len(lines) == 2
        assert lines[0].startswith(f"dgplan: error: {plan}:9:") and "'soon'" in lines[0]
        assert lines[1].startswith(f"dgplan: error: {plan}:11:") and "'XII'" in lines[1]

    def test_schema_command(self, tmp_path: Path) -> None:
        code, out, _ = run("schema")
        assert code == 0 and json.loads(out)["title"] == "dgplan plan"
        target = tmp_path / "plan.schema.json"
        assert run("schema", "-o", str(target)) == (0, "", "")
        assert json.loads(target.read_text(encoding="utf-8")) == json.loads(out)

    def test_bom_for_excel(self) -> None:
        code, out, _ = run("due", "--plan", SMALL, "--as-of", "2022-01-15", "--format", "csv", "--bom")
        assert code == 0 and out.startswith("\ufeffdue,measure_id")
        code, out, _ = run("kpi", "--plan", SMALL, "--as-of", "2022-01-15", "--format", "csv", "--bom")
        assert code == 0 and out.startswith("\ufeffkpi_id")
        code, out, _ = run("due", "--plan", SMALL, "--as-of", "2022-01-15", "--format", "csv")
        assert not out.startswith("\ufeff")


class TestReportCommand:
    def test_output_onto_a_read_only_file_a_symlink_and_a_device(self, tmp_path: Path) -> None:
        locked = tmp_path / "locked.md"
        locked.write_text("keep", encoding="utf-8")
        locked.chmod(0o444)
        code, out, err = run("report", "--plan", SMALL, "--as-of", "2022-04-01", "-o", str(locked))
        assert (code, out) == (2, "") and err == f"dgplan: error: {locked}: is read-only; not replacing it\n"
        assert locked.read_text(encoding="utf-8") == "keep"
        real = tmp_path / "real.md"
        (tmp_path / "link.md").symlink_to(real.name)
        assert run("report", "--plan", SMALL, "--as-of", "2022-04-01", "-o", str(tmp_path / "link.md"))[0] == 0
        assert (tmp_path / "link.md").is_symlink() and real.read_text(encoding="utf-8").startswith("# テスト計画")
        assert run("report", "--plan", SMALL, "--as-of", "2022-04-01", "-o", "/dev/null")[0] == 0
        assert Path("/dev/null").is_char_device()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["link.md", "locked.md", "real.md"]

    def test_section_option_reports_that_section_only(self) -> None:
        code, out, _ = run("report", "--section", "III", "--as-of", "2022-11-26", "--lang", "en")
        assert code == 0
        table = out[out.index("## Summary") : out.index("| total |")]
        assert re.findall(r"^\| (\w+) \|", table, flags=re.M) == ["section", "III"]


class TestCronAsProcess:
    """The same findings through a real process: what cron actually runs."""

    def dgplan(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dgplan", *args], capture_output=True, text=True, encoding="utf-8", check=False
        )

    def test_quiet_report(self, tmp_path: Path) -> None:
        result = self.dgplan("report", "--plan", SMALL, "--as-of", "2022-04-01", "-o", str(tmp_path / "r.md"))
        assert (result.returncode, result.stdout, result.stderr) == (0, "", "")

    def test_exclusive_selectors(self) -> None:
        result = self.dgplan("due", "--overdue", "--this-quarter")
        assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr

    def test_validate_every_problem(self, tmp_path: Path) -> None:
        plan = tmp_path / "sections.yaml"
        plan.write_text(SECTIONS_PLAN, encoding="utf-8")
        result = self.dgplan("validate", str(plan))
        assert result.returncode == 2 and len(result.stderr.splitlines()) == 2

    def test_validate_bundled_and_schema(self) -> None:
        assert self.dgplan("validate").stdout.startswith("bundled plan: ok (9 sections")
        assert json.loads(self.dgplan("schema").stdout)["$schema"].startswith("https://json-schema.org/")

    def test_reference_option_named_and_bom(self) -> None:
        assert "--reference" in self.dgplan("convert", "来年度").stderr
        result = self.dgplan("due", "--plan", SMALL, "--as-of", "2022-01-15", "--format", "csv", "--bom")
        assert result.stdout.startswith("\ufeff")

    def test_bad_option_is_one_line(self) -> None:
        result = self.dgplan("due", "--colour")
        assert (result.returncode == 2 and result.stderr == "dgplan: error: No such option: --colour\n") or (
            result.returncode == 2 and result.stderr.count("\n") == 1 and "--colour" in result.stderr
        )

    def test_sort_order(self, tmp_path: Path) -> None:
        plan = tmp_path / "order.yaml"
        measures = "".join(
            f"  - {{id: '1-{n}', section: I, title: t, milestones: [{{text: x, due: 2022-03-31}}]}}\n"
            for n in (1, 2, 10)
        )
        plan.write_text("plan: {title: t, issued: 2021-06-18}\nmeasures:\n" + measures, encoding="utf-8")
        result = self.dgplan("due", "--plan", str(plan), "--as-of", "2022-01-15", "--format", "csv")
        assert re.findall(r"1-\d+/m1", result.stdout) == ["1-1/m1", "1-2/m1", "1-10/m1"]

    def test_html_report_without_matplotlib(self, tmp_path: Path) -> None:
        target = tmp_path / "r.html"
        blocked = "import sys; sys.modules['matplotlib'] = None; from dgplan.cli import main; main()"
        result = subprocess.run(
            [sys.executable, "-c", blocked, "report", "--format", "html", "--as-of", "2022-04-01", "-o", str(target)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert (result.returncode, result.stderr) == (0, "")
        assert "<svg" in target.read_text(encoding="utf-8")

    @pytest.mark.parametrize(
        "args",
        [
            ["convert", "0000-01-01"],
            ["report", "--as-of", "9999-12-31"],
            ["due", "--within", "99999999999999999999d"],
            ["validate", str(Path(__file__).parent / "data" / "excerpt.txt")],
        ],
    )
    def test_hostile_input_is_one_line(self, args: list[str]) -> None:
        result = self.dgplan(*args)
        assert result.returncode == 2, result.stderr
        assert result.stdout == "" and result.stderr.startswith("dgplan: error: ")
        assert "Traceback" not in result.stderr


class TestLostOutput:
    """Issue 24 (8): with stdout closed (`>&-`) nothing was written and the exit status was 0, so
    cron reported success. Lost output is exit status 2 with a message on stderr."""

    SMALL = str(Path(__file__).parent / "data" / "small_plan.yaml")

    @pytest.mark.parametrize(
        "args",
        [
            ["export", "--format", "csv"],
            ["due", "--overdue", "--as-of", "2023-04-01"],
            ["due", "--this-quarter", "--as-of", "2023-04-01", "--format", "json"],
            ["diff", SMALL, SMALL],
            ["--help"],
        ],
    )
    def test_closed_stdout_is_exit_2(self, args: list[str]) -> None:
        command = ["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "dgplan", *args]
        result = subprocess.run(command, capture_output=False, stderr=subprocess.PIPE, text=True, check=False)
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("dgplan: error: ") and "standard output is closed" in result.stderr
        assert "Traceback" not in result.stderr

    @pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (a device that is always full)")
    def test_a_full_device_is_exit_2(self) -> None:
        with open("/dev/full", "w") as full:
            result = subprocess.run(
                [sys.executable, "-m", "dgplan", "export", "--format", "csv"],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
            )
        assert result.returncode == 2
        assert "No space left on device" in result.stderr and "Traceback" not in result.stderr

    def test_an_open_stdout_is_still_exit_0(self) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "dgplan", "due", "--overdue", "--as-of", "2023-04-01"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0 and result.stdout and not result.stderr


class TestReportAndDiffConventions:
    """Conventions people bring from other tools (issue 26): the file name says the format, and
    diff's --exit-code exits 1 when the editions differ, as diff(1) and git diff do."""

    def test_the_output_name_gives_the_format(self, tmp_path: Path) -> None:
        page = tmp_path / "status.html"
        code, _, err = run("report", "--plan", SMALL, "--as-of", "2022-04-01", "-o", str(page))
        assert code == 0, err
        assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        notes = tmp_path / "status.md"
        assert run("report", "--plan", SMALL, "--as-of", "2022-04-01", "-o", str(notes))[0] == 0
        assert notes.read_text(encoding="utf-8").startswith("# ")

    def test_a_contradiction_is_refused_and_nothing_written(self, tmp_path: Path) -> None:
        page = tmp_path / "status.html"
        code, _, err = run("report", "--plan", SMALL, "--format", "markdown", "-o", str(page))
        assert code == 2 and "contradicts" in err and not page.exists()

    def test_diff_exit_code(self, tmp_path: Path) -> None:
        plan = dgplan.load_plan(SMALL)
        changed = plan.model_copy(update={"measures": plan.measures[1:]})
        other = tmp_path / "other.yaml"
        dgplan.save_plan(changed, other)
        assert run("diff", SMALL, SMALL, "--exit-code")[0] == 0
        assert run("diff", SMALL, str(other), "--exit-code")[0] == 1
        assert run("diff", SMALL, str(other))[0] == 0  # without the flag, a difference is no failure
