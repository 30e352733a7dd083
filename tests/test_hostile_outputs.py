"""What dgplan writes cannot harm who reads it (issue 34).

Plan text comes from other people. Whatever it holds, it is either refused where the plan is read
(a PlanError at its file, line and column) or written so that every output shows it as text: no
spreadsheet formula, no terminal control sequence, no markdown or HTML markup, no forged calendar
line. One class per kind of harm, then a property over hostile alphabets.
"""

from __future__ import annotations

import csv
import html.parser
import io
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import markdown
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from markdown_it import MarkdownIt
from openpyxl import load_workbook

import dgplan
from dgplan import PlanError, load_plan
from dgplan._escape import csv_cell, markdown_inline, one_line, plan_text, terminal_text
from dgplan.cli import main
from dgplan.deadline import parse_deadline
from dgplan.diff import diff_plans
from dgplan.errors import DgplanError
from dgplan.queries import DueItem
from dgplan.report import render_calendar, render_diff, render_due, render_kpis, render_report
from dgplan.workbook import EXCEL_CELL_LIMIT, MILESTONE_HEADER, _display_width, workbook_bytes

AS_OF = date(2023, 1, 1)
FORMULA = '=HYPERLINK("http://example.org","詳細")'
DDE = "@SUM(1+1)*cmd|' /C calc'!A0"


def plan_data(
    *,
    title: str = "計画",
    measure_title: str = "施策",
    text: str = "システム改修",
    kpi_text: str = "件数",
    unit: str = "件",
    measure_id: str = "1-1",
    source: str | None = None,
) -> dict[str, Any]:
    info: dict[str, Any] = {"title": title, "issued": "2021-06-18"}
    if source is not None:
        info["source"] = source
    return {
        "plan": info,
        "measures": [
            {
                "id": measure_id,
                "section": "I",
                "title": measure_title,
                "milestones": [{"text": text, "due": "令和3年度末まで"}, {"text": "later", "due": "令和9年度末まで"}],
                "kpis": [
                    {"kind": "progress", "text": kpi_text, "target": {"value": -5, "unit": unit, "by": "2022-03-31"}}
                ],
            }
        ],
    }


def write_plan(tmp_path: Path, data: dict[str, Any], name: str = "plan.json") -> Path:
    path = tmp_path / name
    # ASCII escapes: any string, lone surrogates included, reaches the loader as JSON says it.
    path.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
    return path


def run(*args: str, color: bool = False) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), color=color)
    return result.exit_code, result.stdout, result.stderr


def item(text: str, *, overdue: bool = False, done: bool = False, measure_id: str = "1-1") -> DueItem:
    return DueItem(
        due=date(2022, 3, 31),
        item_id=f"{measure_id}/m1",
        measure_id=measure_id,
        section="I",
        item_type="milestone",
        text=text,
        deadline=parse_deadline("令和3年度末まで"),
        status="done" if done else "overdue" if overdue else "due",
    )


TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class TestFormulasInTheWorkbook:
    """1. Text starting with "=" was written as a live formula."""

    def test_every_text_is_stored_as_text_and_read_back_unchanged(self, tmp_path: Path) -> None:
        data = plan_data(title=FORMULA, measure_title="=1+1", text=DDE, kpi_text="=A1*2", unit="=B2", source="+cmd")
        plan = load_plan(write_plan(tmp_path, data))
        path = tmp_path / "工程表.xlsx"
        path.write_bytes(workbook_bytes(plan))
        book = load_workbook(path)
        formulas = [
            f"{s.title}!{c.coordinate}" for s in book for row in s.iter_rows() for c in row if c.data_type == "f"
        ]
        assert formulas == []
        assert book["計画"]["B1"].value == FORMULA
        assert book["計画"]["B3"].value == "+cmd"
        milestones = book["工程表"]
        assert [milestones.cell(row=2, column=c).value for c in (3, 4)] == ["=1+1", DDE]
        kpis = book["KPI"]
        assert [kpis.cell(row=2, column=c).value for c in (4, 6)] == ["=A1*2", "=B2"]

    def test_the_exported_workbook_reads_back_as_progress(self, tmp_path: Path) -> None:
        plan = load_plan(write_plan(tmp_path, plan_data(text="=1+1")))
        path = tmp_path / "工程表.xlsx"
        path.write_bytes(workbook_bytes(plan))
        book = load_workbook(path)
        book["工程表"].cell(row=2, column=MILESTONE_HEADER.index("完了日") + 1).value = date(2022, 3, 1)
        book.save(path)
        merged = dgplan.load_progress(path, plan)
        assert merged.milestone("1-1/m1").done_on == date(2022, 3, 1)

    def test_an_id_starting_with_equals_is_refused_at_load(self, tmp_path: Path) -> None:
        path = write_plan(tmp_path, plan_data(measure_id="=1-1"))
        with pytest.raises(PlanError, match=re.escape("measure id '=1-1' may hold letters, digits")) as caught:
            load_plan(path)
        assert caught.value.measure_id == "=1-1"


class TestFormulaTriggersInCSV:
    """2. CSV cells starting with = + - @ (tab, CR) reached spreadsheets unchanged."""

    @pytest.mark.parametrize("text", [FORMULA, DDE, "+1+1", "-1+1", "@SUM(A1)", "\tx", "'=x"])
    def test_neutralised_with_an_apostrophe(self, text: str) -> None:
        out = render_due([item(text)], "csv", as_of=AS_OF)
        cell = next(csv.DictReader(io.StringIO(out)))["text"]
        assert cell == "'" + text

    @pytest.mark.parametrize("value", [-5, -5.5, "-5", "+3", "-0.25", 12])
    def test_numbers_stay_numbers(self, value: Any) -> None:
        assert csv_cell(value) == value

    def test_raw_csv_for_machines(self) -> None:
        out = render_due([item(DDE)], "csv", as_of=AS_OF, raw_csv=True)
        assert next(csv.DictReader(io.StringIO(out)))["text"] == DDE

    @pytest.mark.parametrize("command", ["due", "kpi", "export"])
    def test_every_command(self, command: str, tmp_path: Path) -> None:
        path = write_plan(tmp_path, plan_data(text=DDE, kpi_text=FORMULA, measure_title="=t"))
        extra = ["--between", "2021-01-01", "2031-01-01"] if command == "due" else []
        code, out, err = run(command, "--plan", str(path), "--format", "csv", "--as-of", "2023-01-01", *extra)
        assert code == 0, err
        cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
        assert not [
            c for c in cells if c[:1] in ("=", "+", "@") or (c.startswith("-") and not re.fullmatch(r"-[\d.]+", c))
        ]
        code, raw, err = run(
            command, "--plan", str(path), "--format", "csv", "--raw-csv", "--as-of", "2023-01-01", *extra
        )
        assert code == 0, err
        assert any(cell.startswith(("=", "@")) for row in csv.reader(io.StringIO(raw)) for cell in row)

    def test_diff(self, tmp_path: Path) -> None:
        old = write_plan(tmp_path, plan_data(), "old.json")
        new = write_plan(tmp_path, plan_data(text=DDE), "new.json")
        code, out, err = run("diff", str(old), str(new), "--format", "csv")
        assert code == 0, err
        texts = [row["text"] for row in csv.DictReader(io.StringIO(out))]
        assert "'" + DDE in texts and DDE not in texts
        code, raw, _ = run("diff", str(old), str(new), "--format", "csv", "--raw-csv")
        assert DDE in [row["text"] for row in csv.DictReader(io.StringIO(raw))]


class TestTerminals:
    """3 and 4. Text tables sent ESC, BEL, CR, C1 and bidi overrides raw."""

    @pytest.mark.parametrize(
        "text",
        [
            "\x1b[2J\x1b[H cleared",
            "\x1b]52;c;ZWNobyBwd25lZA==\x07",
            "\x1b]8;;http://example.org\x1b\\link\x1b]8;;\x1b\\",
            "overwritten\rOK",
            "\x9b31m C1 CSI",
            "\u202eright to left\u202c",
            "\u2066isolate",
            "x" * 58 + "\x1b[31m red to the end",
        ],
    )
    def test_controls_are_shown_not_sent(self, text: str) -> None:
        out = render_due([item(text)], "table", as_of=AS_OF)
        assert TERMINAL_UNSAFE.search(out) is None
        assert len(out.splitlines()) == 3

    def test_the_kpi_and_diff_tables_too(self, tmp_path: Path) -> None:
        bidi = "件数\u202e逆順\u202c"
        old = write_plan(tmp_path, plan_data(), "old.json")
        new = write_plan(tmp_path, plan_data(text="改修\u2067", kpi_text=bidi), "new.json")
        for args in (["kpi", "--plan", str(new), "--as-of", "2023-01-01"], ["diff", str(old), str(new)]):
            code, out, err = run(*args)
            assert code == 0, err
            assert TERMINAL_UNSAFE.search(out) is None
            assert "\\u202e" in out or "\\u2067" in out

    def test_a_control_character_in_a_plan_is_refused_at_its_place(self, tmp_path: Path) -> None:
        path = tmp_path / "plan.yaml"
        path.write_text(
            'plan: {title: 計画, issued: 2021-06-18}\nmeasures:\n  - id: "1-1"\n    section: I\n'
            '    title: "施策\\e[2J"\n',
            encoding="utf-8",
        )
        code, _, err = run("validate", str(path))
        assert code == 2
        assert f"{path}:5:12: measure '1-1': title: '施策\\x1b[2J' holds U+001B (a control character)" in err
        assert "\x1b" not in err

    def test_red_comes_from_the_status_not_the_text(self, tmp_path: Path) -> None:
        data = plan_data(text="not late OVERDUE really")
        data["measures"][0]["milestones"][1]["text"] = "late"
        data["measures"][0]["milestones"][1]["due"] = "2022-12-01"
        data["measures"][0]["milestones"][0]["due"] = "2023-02-01"
        path = write_plan(tmp_path, data)
        code, out, err = run("due", "--plan", str(path), "--within", "400d", "--as-of", "2022-01-01", color=True)
        assert code == 0, err
        assert not [line for line in out.splitlines() if "\x1b[31m" in line]
        code, out, err = run(
            "due", "--plan", str(path), "--overdue", "--as-of", "2023-03-01", "--lang", "en", color=True
        )
        lines = out.splitlines()[2:]
        assert len(lines) == 3
        for line in lines:
            assert line.startswith("\x1b[31m") and line.endswith("\x1b[0m") and "  overdue" in line

    def test_no_colour_into_a_pipe(self, tmp_path: Path) -> None:
        path = write_plan(tmp_path, plan_data())
        code, out, _ = run("due", "--plan", str(path), "--overdue", "--as-of", "2023-03-01")
        assert code == 0 and "期限超過" in out and "\x1b" not in out


def ical_text(value: Any) -> str:
    """An iCalendar TEXT value as written, unescaped (RFC 5545 3.3.11)."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), str(value))


def python_markdown(text: str) -> str:
    return markdown.markdown(text, extensions=["tables"])


def commonmark(text: str) -> str:
    """CommonMark with GitHub's tables and strikethrough, raw HTML allowed (as GitLab renders)."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)


RENDERERS = [python_markdown, commonmark]


class Tags(html.parser.HTMLParser):
    """The elements, comments and text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.comments: list[str] = []
        self.texts: dict[str, list[str]] = {}
        self.links: list[str | None] = []
        self.open: list[str] = []
        self.current = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "a":
            self.links.append(dict(attrs).get("href"))
        self.open.append(tag)
        self.current = ""

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.open.pop()
        self.texts.setdefault(tag, []).append(self.current)
        self.current = ""

    def handle_data(self, data: str) -> None:
        self.current += data

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def parsed(fragment: str) -> Tags:
    parser = Tags()
    parser.feed(fragment)
    parser.close()
    return parser


def squeezed(text: str) -> str:
    return " ".join(one_line(text).split())


MARKDOWN_TAGS = {"h1", "h2", "h3", "p", "ul", "li", "table", "thead", "tbody", "tr", "th", "td"}


class TestMarkdown:
    """5 and 6. Headings and cells took plan text unescaped: fake sections, hidden reports, live
    HTML and links."""

    @pytest.mark.parametrize(
        "title",
        [
            "計画\n## Overdue (0)\n",
            "計画 <!-- the rest is hidden",
            "計画 #",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "![i](http://example.org/t.png)",
            "*em* _em_ `code` ~~del~~",
            "a\u2028b\x85c",
        ],
    )
    @pytest.mark.parametrize("render", RENDERERS)
    def test_the_title_is_text_in_its_heading(self, title: str, render: Any, tmp_path: Path) -> None:
        plan = load_plan(write_plan(tmp_path, plan_data(title=title, measure_title=title, text=title)))
        page = parsed(render(render_report(plan, AS_OF)))
        assert set(page.tags) <= MARKDOWN_TAGS
        assert page.comments == []
        assert squeezed(page.texts["h1"][0]) == squeezed(plan.title)
        assert page.tags.count("h2") == 5
        assert squeezed(title) in [squeezed(cell) for cell in page.texts["td"]]

    @pytest.mark.parametrize("render", RENDERERS)
    def test_a_bare_cr_forges_no_rows(self, render: Any) -> None:
        out = render_due([item("one\r| 2099-01-01 | forged | by | due | row |")], "markdown", as_of=AS_OF)
        page = parsed(render(out))
        assert page.tags.count("tr") == 2

    def test_every_line_break_kind_is_one(self) -> None:
        for brk in ("\r\n", "\r", "\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"):
            assert markdown_inline(f"a{brk}# b") == "a \\# b"

    def test_the_diff_heading(self, tmp_path: Path) -> None:
        old = load_plan(write_plan(tmp_path, plan_data(title="<!--"), "old.json"))
        new = load_plan(write_plan(tmp_path, plan_data(title="[x](javascript:alert(1))", text="b"), "new.json"))

        for render in RENDERERS:
            page = parsed(render(render_diff(diff_plans(old, new), "markdown")))
            assert set(page.tags) <= MARKDOWN_TAGS and page.comments == []


class TestNotebook:
    """7. Measure._repr_html_ wrote the measure id unescaped."""

    def test_the_heading_is_escaped(self, tmp_path: Path) -> None:
        plan = load_plan(write_plan(tmp_path, plan_data(measure_title="<b>t</b>")))
        # An id the loader refuses can still be given to the model by hand: the view escapes it too.
        measure = plan["1-1"].model_copy(update={"id": "<script>alert(1)</script>"})
        page = parsed(measure._repr_html_())
        assert "script" not in page.tags and "b" not in page.tags

    @pytest.mark.parametrize(
        "bad", ["<script>alert(1)</script>", "1-1 <b>", "1-1&x", '1-1"x', "1-1'x", "-1-1", "+1", "@1", "[1]", "1{2}"]
    )
    def test_an_id_with_markup_is_refused(self, bad: str, tmp_path: Path) -> None:
        with pytest.raises(PlanError, match=re.escape(f"measure id {bad!r} may hold letters, digits")):
            load_plan(write_plan(tmp_path, plan_data(measure_id=bad)))

    @pytest.mark.parametrize("good", ["１－１", "1−1", "Ⅰ-【1】", "(1)-2", "第3章-2", "1.2.3", "A_1"])
    def test_numbering_schemes_are_ids(self, good: str, tmp_path: Path) -> None:
        plan = load_plan(write_plan(tmp_path, plan_data(measure_id=good)))
        assert plan[good].milestones[0].id == f"{good}/m1"


class TestCalendarName:
    """8. X-WR-CALNAME was written unescaped: a line break crashed export or forged events."""

    @pytest.mark.parametrize("title", ["計画\n名", "計画\rBEGIN:VEVENT", "計画;x,y\\z", "a\r\nEND:VCALENDAR"])
    def test_the_name_is_text(self, title: str, tmp_path: Path) -> None:
        plan = load_plan(write_plan(tmp_path, plan_data(title=title)))
        out = render_calendar(plan.due_between(date(2021, 1, 1), date(2031, 1, 1), as_of=AS_OF), plan=plan)
        calendar = Calendar.from_ical(out)
        assert ical_text(calendar["X-WR-CALNAME"]) == plan.title
        assert len(calendar.walk("VEVENT")) == 3
        assert out.count("\nBEGIN:VEVENT") == 3

    def test_export_under_python_optimised(self, tmp_path: Path) -> None:
        path = write_plan(tmp_path, plan_data(title="計画\rBEGIN:VEVENT\rUID:forged"))
        done = subprocess.run(
            [sys.executable, "-O", "-m", "dgplan", "export", "--plan", str(path)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.count("\nBEGIN:VEVENT") == 3
        assert "\nUID:forged" not in done.stdout.replace("\r\n", "\n")


class TestUniqueIds:
    """9. An item id of another measure gave two events one UID and one progress row two items."""

    def test_an_item_id_of_another_measure_is_refused(self, tmp_path: Path) -> None:
        data = plan_data()
        second = json.loads(json.dumps(data["measures"][0]))
        second["id"] = "1-3"
        second["milestones"][0]["id"] = "1-1/m1"
        data["measures"].append(second)
        path = write_plan(tmp_path, data)
        with pytest.raises(PlanError, match=re.escape("ids in measure '1-3' must be '1-3/' followed by")) as caught:
            load_plan(path)
        assert "'1-1/m1'" in str(caught.value) and caught.value.line is not None

    def test_uids_are_unique(self) -> None:
        plan = dgplan.load_plan()
        items = plan.due_between(date(2021, 1, 1), date(2031, 1, 1), as_of=AS_OF)
        events = Calendar.from_ical(render_calendar(items, plan=plan)).walk("VEVENT")
        uids = [str(event["UID"]) for event in events]
        assert len(uids) == len(set(uids)) == len(items)


class TestAmplification:
    """10. Each event (and each report row) repeated the whole measure title."""

    def test_an_event_repeats_a_bounded_title(self, tmp_path: Path) -> None:
        title = "長" * 100_000
        data = plan_data(measure_title=title, text="毎月")
        data["measures"][0]["milestones"] = [{"text": "月次報告", "due": "毎月末"}]
        plan = load_plan(write_plan(tmp_path, data))
        items = plan.due_between(date(2021, 7, 1), date(2031, 6, 30), as_of=AS_OF)
        assert len(items) > 100
        out = render_calendar(items, plan=plan)
        assert len(out) < 2_000 * len(items)

    def test_the_report_repeats_a_bounded_title(self, tmp_path: Path) -> None:
        title = "長" * 100_000
        data = plan_data(measure_title=title)
        data["measures"][0]["milestones"] = [{"text": f"工程{i}", "due": "2023-02-01"} for i in range(50)]
        plan = load_plan(write_plan(tmp_path, data))
        out = render_report(plan, date(2023, 1, 5))
        assert "長" * 201 not in out and len(out) < 60_000


class TestColumnWidths:
    """11. Every character of every value was measured, though widths stop at 60."""

    def test_measured_only_as_far_as_the_cap(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import unicodedata

        calls = 0

        def counting(char: str) -> str:
            nonlocal calls
            calls += 1
            return unicodedata.east_asian_width(char)

        monkeypatch.setattr("dgplan.workbook.unicodedata", type("U", (), {"east_asian_width": staticmethod(counting)}))
        assert _display_width("漢" * 1_000_000) == 60
        assert _display_width(("a" * 10 + "\n") * 100_000) == 10
        assert _display_width("ab\n漢字漢字") == 8
        assert calls < 1_200_000 // 1000 + 1_100_000


class TestLoneSurrogates:
    """12. A JSON plan with "\\ud800" validated, then every writer crashed."""

    def test_refused_at_its_line_and_column(self, tmp_path: Path) -> None:
        path = tmp_path / "plan.json"
        path.write_text('{"plan": {"title": "a\\ud800", "issued": "2021-06-18"},\n "measures": []}', encoding="utf-8")
        with pytest.raises(PlanError, match=re.escape(f"{path}:1:22: '\\\\ud800' is half of a surrogate pair")):
            load_plan(path)

    def test_a_pair_is_a_character(self, tmp_path: Path) -> None:
        path = tmp_path / "plan.json"
        path.write_text('{"plan": {"title": "a\\ud83d\\ude00", "issued": "2021-06-18"}}', encoding="utf-8")
        assert load_plan(path).title == "a\U0001f600"

    def test_the_model_refuses_one_given_by_hand(self) -> None:
        with pytest.raises(ValueError, match=re.escape("'x\\udc00' holds U+DC00 (a lone surrogate)")):
            dgplan.Plan.model_validate(plan_data(title="x\udc00"))


class TestControlCharactersInCells:
    """13. A vertical tab validated, then the workbook export crashed (IllegalCharacterError)."""

    def test_line_breaks_are_mapped(self, tmp_path: Path) -> None:
        path = tmp_path / "工程表.csv"
        path.write_text(
            "策定日,令和5年6月9日\n施策番号,施策名,取組内容,期限\n1-1,窓口\x0bのデジタル化,改修\x0cする,令和5年度末まで\n",
            encoding="utf-8",
        )
        plan = load_plan(path)
        assert plan["1-1"].title == "窓口\nのデジタル化"
        code, _, err = run("export", "--plan", str(path), "--format", "xlsx", "-o", str(tmp_path / "out.xlsx"))
        assert code == 0, err
        assert load_workbook(tmp_path / "out.xlsx")["工程表"]["C2"].value == "窓口\nのデジタル化"

    def test_other_controls_are_refused_at_their_cell(self, tmp_path: Path) -> None:
        path = tmp_path / "工程表.csv"
        path.write_text(
            "策定日,令和5年6月9日\n施策番号,施策名,取組内容,期限\n1-1,窓口\x07,改修,令和5年度末まで\n", encoding="utf-8"
        )
        with pytest.raises(PlanError, match=re.escape("'窓口\\x07' holds U+0007 (a control character)")) as caught:
            load_plan(path)
        assert f"{path}:" in str(caught.value)

    def test_a_progress_note_too(self, tmp_path: Path) -> None:
        plan = load_plan(write_plan(tmp_path, plan_data()))
        log = tmp_path / "progress.csv"
        log.write_text('id,date,value,note\n1-1/progress/1,2021-09-30,3,"bad\x07note"\n', encoding="utf-8")
        with pytest.raises(PlanError, match=re.escape(f"{log}:2: '1-1/progress/1': 'bad\\x07note' holds U+0007")):
            dgplan.load_progress(log, plan)
        log.write_text('id,date,value,note\n1-1/progress/1,2021-09-30,3,"two\x0blines"\n', encoding="utf-8")
        assert dgplan.load_progress(log, plan).kpi("1-1/progress/1").observations[0].note == "two\nlines"

    @pytest.mark.parametrize(
        ("raw", "kept"),
        [("a\r\nb", "a\nb"), ("a\rb", "a\nb"), ("a\u2028b", "a\nb"), ("a\x85b", "a\nb"), ("a\tb", "a\tb")],
    )
    def test_what_plan_text_may_hold(self, raw: str, kept: str) -> None:
        assert plan_text(raw) == kept

    @pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x9b", "\ud800", "\uffff"])
    def test_what_it_may_not(self, char: str) -> None:
        with pytest.raises(ValueError, match=re.escape(f"U+{ord(char):04X}")):
            plan_text(f"ab{char}cd")

    def test_a_cell_over_excel_s_limit_is_refused(self, tmp_path: Path) -> None:
        plan = load_plan(write_plan(tmp_path, plan_data(text="長" * (EXCEL_CELL_LIMIT + 1))))
        with pytest.raises(PlanError, match=re.escape("工程表!D2: ")) as caught:
            workbook_bytes(plan)
        assert "32,767" in str(caught.value)
        plan = load_plan(write_plan(tmp_path, plan_data(text="長" * EXCEL_CELL_LIMIT)))
        book = load_workbook(io.BytesIO(workbook_bytes(plan)))
        assert book["工程表"]["D2"].value == "長" * EXCEL_CELL_LIMIT


class TestOutputOverInput:
    """14. -o naming an input replaced it, with exit 0."""

    def test_export_does_not_replace_the_office_s_workbook(self, tmp_path: Path) -> None:
        source = write_plan(tmp_path, plan_data())
        book = tmp_path / "工程表.xlsx"
        book.write_bytes(workbook_bytes(load_plan(source)))
        before = book.read_bytes()
        code, _, err = run(
            "export", "--plan", str(source), "--progress", str(book), "--format", "xlsx", "-o", str(book)
        )
        assert code == 2
        assert f"-o {book} is an input of this command" in err
        assert book.read_bytes() == before

    @pytest.mark.parametrize("command", ["export", "report"])
    def test_by_another_name(self, command: str, tmp_path: Path) -> None:
        source = write_plan(tmp_path, plan_data())
        before = source.read_bytes()
        os.link(source, tmp_path / "hard.json")
        for target in (tmp_path / "hard.json", Path(os.path.relpath(source))):
            code, _, err = run(command, "--plan", str(source), "-o", str(target))
            assert code == 2, err
        assert source.read_bytes() == before

    def test_diff(self, tmp_path: Path) -> None:
        old = write_plan(tmp_path, plan_data(), "old.json")
        new = write_plan(tmp_path, plan_data(text="b"), "new.json")
        code, _, err = run("diff", str(old), str(new), "-o", str(new))
        assert code == 2 and "is an input" in err


# ---------------------------------------------------------------------------------------------
# The property: texts from hostile alphabets, written to every format

PIECES = [
    "=", "+", "-", "@", "'", "\t", "\r", "\r\n", "\n", "\v", "\f", "\x85", "\u2028", "\u2029",
    "\x00", "\x07", "\x1b[2J", "\x1b]52;c;eA==\x07", "\x9b", "\x7f", "\ud800", "\udfff", "\uffff",
    "\u202e", "\u2066", "\u200f", "<img src=x onerror=alert(1)>", "<script>", "</td>", "<!--", "-->",
    "[x](javascript:alert(1))", "![i](x)", "## ", "# ", "> ", "1. ", "* ", "|", "*", "_", "`", "~~",
    "\\", "&amp;", "&", "&#60;", '"', ";", ",", ":", "計画", "長い", "a", "1", " ", "  ", "=SUM(A1)",
]  # fmt: skip
hostile = st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join)
REFUSED = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\uffff]")
# What loads: every output is then checked, not only the refusal.
loadable = st.lists(st.sampled_from([p for p in PIECES if not REFUSED.search(p)]), min_size=1, max_size=8).map("".join)


def cells_of_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def unapostrophed(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def check_outputs(plan: dgplan.Plan) -> None:
    measure = plan["1-1"]
    texts = {measure.milestones[0].text, measure.milestones[1].text, measure.title, measure.kpis[0].text}
    items = plan.due_between(date(2021, 1, 1), date(2031, 1, 1), as_of=AS_OF)
    statuses = plan.kpi_status(as_of=AS_OF)

    # CSV: the same texts, an apostrophe before any that a spreadsheet would run.
    for rows in (
        cells_of_csv(render_due(items, "csv", as_of=AS_OF)),
        cells_of_csv(render_kpis(statuses, "csv", as_of=AS_OF)),
    ):
        for row in rows:
            for cell in row.values():
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or re.fullmatch(r"-[\d.]+", cell)
            assert unapostrophed(row["text"]) in texts

    # JSON: the same texts.
    data = json.loads(render_due(items, "json", as_of=AS_OF))
    assert {i["text"] for i in data["items"]} <= texts

    # Terminal tables: no control character or bidi override.
    for out in (render_due(items, "table", as_of=AS_OF), render_kpis(statuses, "table", as_of=AS_OF)):
        assert TERMINAL_UNSAFE.search(out) is None

    # Workbook: no formula, the same texts.
    book = load_workbook(io.BytesIO(workbook_bytes(plan)))
    assert not [c for sheet in book for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert book["計画"]["B1"].value == plan.title
    assert book["工程表"]["D2"].value == measure.milestones[0].text
    assert book["KPI"]["D2"].value == measure.kpis[0].text

    # Calendar: the name and every event as written.
    calendar = Calendar.from_ical(render_calendar(items, plan=plan))
    assert ical_text(calendar["X-WR-CALNAME"]) == plan.title
    assert len(calendar.walk("VEVENT")) == len(items)
    for event in calendar.walk("VEVENT"):
        assert str(event["DESCRIPTION"]).splitlines()[0] == measure.title.splitlines()[0]

    # Markdown: no element or comment from plan text; the texts, on one line, as cells.
    for render in RENDERERS:
        for out in (render_report(plan, AS_OF), render_due(items, "markdown", as_of=AS_OF)):
            page = parsed(render(out))
            assert set(page.tags) <= MARKDOWN_TAGS and page.comments == []
        page = parsed(render(render_due(items, "markdown", as_of=AS_OF)))
        assert {squeezed(t) for t in texts} >= {squeezed(cell) for cell in page.texts["td"][4::5]}
        report = parsed(render(render_report(plan, AS_OF)))
        assert squeezed(report.texts["h1"][0]) == squeezed(plan.title)

    # HTML: no element from plan text; the only links are the report's own contents (its five sections).
    page = parsed(render_report(plan, AS_OF, fmt="html"))
    assert not {"script", "img"} & set(page.tags)
    assert len(page.links) == 5 and all(href is not None and href.startswith("#") for href in page.links)

    # The diff from a plain edition, in every format.
    changes = diff_plans(dgplan.Plan.model_validate(plan_data()), plan)
    assert TERMINAL_UNSAFE.search(render_diff(changes, "table")) is None
    for render in RENDERERS:
        page = parsed(render(render_diff(changes, "markdown")))
        assert set(page.tags) <= MARKDOWN_TAGS and page.comments == []
    for row in cells_of_csv(render_diff(changes, "csv")):
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or re.fullmatch(r"-[\d.]+", cell)
    assert {c["text"] for c in json.loads(render_diff(changes, "json"))["changes"]} <= texts | {
        "システム改修",
        "件数",
        "later",
    }
    assert not {"script", "img", "a"} & set(parsed(render_diff(changes, "html")).tags)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=hostile, measure_title=hostile, text=hostile, kpi_text=hostile, unit=hostile)
def test_hostile_text_is_refused_or_harmless(
    title: str, measure_title: str, text: str, kpi_text: str, unit: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("hostile")
    data = plan_data(title=title, measure_title=measure_title, text=text, kpi_text=kpi_text, unit=unit)
    try:
        plan = load_plan(write_plan(folder, data))
    except DgplanError as error:
        assert str(folder) in str(error)
        return
    check_outputs(plan)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=loadable, measure_title=loadable, text=loadable, kpi_text=loadable, unit=loadable)
def test_hostile_text_that_loads_is_harmless(
    title: str, measure_title: str, text: str, kpi_text: str, unit: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("loadable")
    data = plan_data(title=title, measure_title=measure_title, text=text, kpi_text=kpi_text, unit=unit)
    check_outputs(load_plan(write_plan(folder, data)))


def test_terminal_text_shows_what_it_escapes() -> None:
    assert terminal_text("a\x1b[2Jb\u202ec\td") == "a\\x1b[2Jb\\u202ec\\td"
