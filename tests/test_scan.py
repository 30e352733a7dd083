"""dgplan.scan_document and `dgplan scan` over text documents: where each deadline is, which
reference date was used and why, the clause, the outputs' safety, the calendar feed and the exit codes.
Documents rendered to PDF, Word and HTML are in tests/test_scan_documents.py."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from dgplan import DeadlineKind, DgplanError, find_deadlines
from dgplan.documents import Document, read_document
from dgplan.scan import CLAUSE_LIMIT, Finding, documents_under, one_line, scan_document
from dgplan.scan_render import SCAN_COLUMNS, render_scan

NOTICE = (
    "事務連絡\n"
    "令和7年1月20日\n"
    "\n"
    "各都道府県担当課　御中\n"
    "\n"
    "１．調査票は令和7年2月28日までに提出してください。\n"
    "２．結果は本年度末までに公表する予定です。\n"
    "・説明会は3月10日に開催します。\n"
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def dgplan(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The command as cron runs it: a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "dgplan", *args], capture_output=True, text=True, encoding="utf-8", check=False, cwd=cwd
    )


class TestScanDocument:
    def test_each_deadline_at_its_page_line_and_column_with_its_clause(self, tmp_path: Path) -> None:
        scan = scan_document(write(tmp_path, "notice.txt", NOTICE))
        assert [(f.page, f.line, f.column, f.phrase, f.kind.value, f.due) for f in scan.findings] == [
            (1, 6, 7, "令和7年2月28日までに", "by", date(2025, 2, 28)),
            (1, 7, 6, "本年度末までに", "by", date(2025, 3, 31)),
            (1, 8, 6, "3月10日に", "on", date(2025, 3, 10)),
        ]
        assert [f.clause for f in scan.findings] == [
            "調査票は令和7年2月28日までに提出してください",
            "結果は本年度末までに公表する予定です",
            "説明会は3月10日に開催します",
        ]
        assert scan.findings[1].approximate and not scan.findings[0].approximate
        assert scan.findings[0].where == f"{tmp_path / 'notice.txt'}:1:6"

    def test_the_documents_date_is_the_reference_and_says_where_it_stands(self, tmp_path: Path) -> None:
        scan = scan_document(write(tmp_path, "notice.txt", NOTICE))
        assert scan.reference == date(2025, 1, 20)
        assert scan.reference_source == "stated in the document at p1 l2: 令和7年1月20日"
        assert scan.reference_text == "reference date 2025-01-20 (stated in the document at p1 l2: 令和7年1月20日)"

    def test_a_reference_given_wins_over_the_documents(self, tmp_path: Path) -> None:
        scan = scan_document(write(tmp_path, "notice.txt", NOTICE), reference=date(2023, 6, 1))
        assert (scan.reference, scan.reference_source) == (date(2023, 6, 1), "given")
        # 本年度 is FY2023 and the yearless 3月 the March after June 2023: read against the date given.
        assert [f.due for f in scan.findings if f.phrase in ("本年度末までに", "3月10日に")] == [
            date(2024, 3, 31),
            date(2024, 3, 10),
        ]

    def test_without_a_date_relative_words_are_skipped_and_it_says_so(self, tmp_path: Path) -> None:
        text = "報告は本年度末までに提出する。様式は令和8年3月31日までに改める。\n"
        scan = scan_document(write(tmp_path, "undated.txt", text))
        assert scan.reference is None
        assert scan.reference_source == "none: relative words and yearless months skipped"
        assert scan.reference_text == "reference date: none (relative words and yearless months skipped)"
        assert [f.phrase for f in scan.findings] == ["令和8年3月31日までに"]

    def test_the_line_the_document_is_dated_on_is_no_deadline(self, tmp_path: Path) -> None:
        path = write(tmp_path, "notice.txt", NOTICE)
        assert all(f.line != 2 for f in scan_document(path).findings)
        cited = scan_document(path, citations=True).citations
        assert [(f.line, f.phrase, f.deadline.note, f.due) for f in cited] == [
            (2, "令和7年1月20日", "the document's date", None)
        ]

    def test_deadlines_before_the_reference_are_citations_kept_apart(self, tmp_path: Path) -> None:
        text = "令和7年1月20日\n前回の調査は令和6年12月末までに実施した。次回は令和7年6月末までに実施する。\n"
        path = write(tmp_path, "notice.txt", text)
        assert [f.phrase for f in scan_document(path).findings] == ["令和7年6月末までに"]
        scan = scan_document(path, citations=True)
        assert [f.phrase for f in scan.deadlines] == ["令和7年6月末までに"]
        assert "令和6年12月末までに" in [f.phrase for f in scan.citations]
        assert all(f.is_citation and f.kind == DeadlineKind.CITATION for f in scan.citations)

    def test_pages_count_from_one_each_and_same_year_reads_across_them(self, tmp_path: Path) -> None:
        text = "令和7年1月20日\n令和7年度中に設計する。\n\f続いて同年度末までに\n運用を開始する。\n"
        scan = scan_document(write(tmp_path, "paged.txt", text))
        assert [(f.page, f.line, f.phrase, f.due) for f in scan.findings] == [
            (1, 2, "令和7年度中に", date(2026, 3, 31)),
            (2, 1, "同年度末までに", date(2026, 3, 31)),
        ]
        # The clause reads across the line break without a space: the line was full, not a gap.
        assert scan.findings[1].clause == "続いて同年度末までに運用を開始する"

    def test_a_list_item_bounds_its_clause(self, tmp_path: Path) -> None:
        text = "令和7年1月20日\n次のとおり\n・様式の改定\n・令和7年6月末までに報告\n・その他\n"
        (finding,) = scan_document(write(tmp_path, "list.txt", text)).findings
        assert finding.clause == "令和7年6月末までに報告"

    def test_a_clause_is_one_line_and_bounded(self, tmp_path: Path) -> None:
        text = "令和7年1月20日\n" + "あ" * 1000 + "令和7年6月末までに" + "い" * 1000 + "。\n"
        (finding,) = scan_document(write(tmp_path, "long.txt", text)).findings
        assert len(finding.clause) == CLAUSE_LIMIT and finding.clause.endswith("…")
        assert "\n" not in finding.clause

    def test_control_characters_of_a_document_become_visible(self, tmp_path: Path) -> None:
        text = "令和7年1月20日\n報告は令和7年6月末までに\x1b[2J提出\u202eする。\n"
        (finding,) = scan_document(write(tmp_path, "odd.txt", text)).findings
        assert finding.clause == "報告は令和7年6月末までに\\x1b[2J提出\\u202eする"

    def test_undated_markers_only_when_asked(self, tmp_path: Path) -> None:
        path = write(tmp_path, "notice.txt", "令和7年1月20日\n結果は速やかに報告すること。\n")
        assert scan_document(path).findings == ()
        (finding,) = scan_document(path, undated=True).findings
        assert (finding.kind, finding.due, finding.line) == (DeadlineKind.UNDATED, None, 2)

    def test_a_document_read_already(self, tmp_path: Path) -> None:
        document = read_document(write(tmp_path, "notice.txt", NOTICE))
        assert scan_document(document) == scan_document(tmp_path / "notice.txt")

    def test_what_cannot_be_read_is_a_located_error(self, tmp_path: Path) -> None:
        with pytest.raises(DgplanError, match=re.escape("missing.pdf")):
            scan_document(tmp_path / "missing.pdf")
        (tmp_path / "sjis.txt").write_bytes("令和7年6月末までに".encode("cp932"))
        with pytest.raises(DgplanError, match=re.escape("sjis.txt")):
            scan_document(tmp_path / "sjis.txt")
        assert scan_document(tmp_path / "sjis.txt", encoding="cp932").findings[0].due == date(2025, 6, 30)


# Lines a notice is made of: deadline phrases of every kind, and prose between them.
PHRASES = st.sampled_from(
    [
        "令和7年6月末までに",
        "令和８年度中に",
        "令和9年4月1日から",
        "毎年度末までに",
        "令和7年10月1日に",
        "令和７年（2025年）夏頃までに",
        "同年度末までに",
    ]
)
PROSE = st.sampled_from(["報告は", "を提出する。", "様式を改める", "、", "（注）", "ABC ", "\u3000"])


@given(st.lists(st.tuples(st.lists(PROSE, max_size=3), PHRASES, st.lists(PROSE, max_size=3)), min_size=1, max_size=8))
def test_every_finding_stands_where_it_says(parts: list[tuple[list[str], str, list[str]]]) -> None:
    """Whatever the layout (phrases on lines and pages of their own), each finding's page, line and
    column point at its phrase, and scan finds what find_deadlines finds in the same text."""
    lines = ["".join(before) + phrase + "".join(after) for before, phrase, after in parts]
    pages = ["\n".join(lines[i : i + 3]) for i in range(0, len(lines), 3)]
    document = Document.from_pages("notice.txt", "text", pages)
    scan = scan_document(document, reference=date(2025, 1, 20))
    expected = find_deadlines(document.text, reference=date(2025, 1, 20))
    assert [(f.phrase, f.kind, f.window, f.due) for f in scan.findings] == [
        (one_line(d.text), d.kind, d.window, d.due) for d in expected
    ]
    for finding in scan.findings:
        line = document.pages[finding.page - 1].text.split("\n")[finding.line - 1]
        # A phrase may run onto the next line (令和9年4月1日から / 令和9年4月1日): its first line is here.
        assert line[finding.column - 1 :].startswith(finding.deadline.text.split("\n")[0])


class TestFallsBetween:
    @pytest.fixture
    def findings(self, tmp_path: Path) -> dict[str, Finding]:
        text = "令和7年1月20日\n令和7年6月末までに報告。令和8年度以降に改定。毎年度末までに点検。\n"
        scan = scan_document(write(tmp_path, "n.txt", text))
        return {f.kind.value: f for f in scan.findings}

    def test_by_due_date(self, findings: dict[str, Finding]) -> None:
        by = findings["by"]
        assert by.falls_between(date(2025, 6, 30), date(2025, 6, 30))
        assert not by.falls_between(date(2025, 7, 1), None) and by.falls_between(None, None)

    def test_from_by_its_start_and_recurring_by_any_occurrence(self, findings: dict[str, Finding]) -> None:
        assert findings["from"].falls_between(date(2026, 4, 1), date(2026, 4, 1))
        assert not findings["from"].falls_between(date(2026, 4, 2), None)
        assert findings["recurring"].falls_between(date(2030, 1, 1), date(2030, 12, 31))
        assert not findings["recurring"].falls_between(date(2030, 4, 1), date(2031, 2, 28))


class TestRenderScan:
    @pytest.fixture
    def scans(self, tmp_path: Path) -> list[object]:
        hostile = '令和7年1月20日\n=HYPERLINK("x")|*強調*は令和7年6月末までに提出\n'
        return [scan_document(write(tmp_path, "a.txt", NOTICE)), scan_document(write(tmp_path, "b.txt", hostile))]

    def test_csv_has_the_columns_and_no_formula(self, scans: list[object]) -> None:
        rows = list(csv.DictReader(io.StringIO(render_scan(scans, "csv"))))  # type: ignore[arg-type]
        assert list(rows[0]) == list(SCAN_COLUMNS)
        assert [row["clause"][:2] for row in rows][-1] == "'="
        assert rows[0]["reference"] == "2025-01-20" and rows[0]["citation"] == "false"

    def test_json_lists_files_deadlines_and_citations_apart(self, scans: list[object]) -> None:
        data = json.loads(render_scan(scans, "json"))  # type: ignore[arg-type]
        assert [f["reference_source"][:6] for f in data["files"]] == ["stated", "stated"]
        assert len(data["deadlines"]) == 4 and data["citations"] == []

    def test_markdown_escapes_the_documents_text(self, scans: list[object]) -> None:
        out = render_scan(scans, "markdown")  # type: ignore[arg-type]
        assert '=HYPERLINK("x")\\|\\*強調\\*は' in out and "## Citations" not in out

    def test_a_table_per_kind_and_the_reference_in_the_header(self, scans: list[object]) -> None:
        out = render_scan(scans, "table", first=date(2025, 3, 1))  # type: ignore[arg-type]
        assert out.splitlines()[0].endswith(
            "reference date 2025-01-20 (stated in the document at p1 l2: 令和7年1月20日)"
        )
        assert "令和7年2月28日までに" not in out and "本年度末までに" in out

    def test_unknown_format(self, scans: list[object]) -> None:
        with pytest.raises(ValueError, match="'xlsx'"):
            render_scan(scans, "xlsx")  # type: ignore[arg-type]


def test_a_folder_is_its_documents_sorted_and_recursive(tmp_path: Path) -> None:
    for name in ("b.txt", "a/z.md", "a/y.PDF", ".hidden/c.txt", "a/.~lock.txt", "notes.ics", "x.html"):
        write(tmp_path, name, "")
    found = [Path(name).relative_to(tmp_path).as_posix() for name in documents_under(tmp_path)]
    assert found == ["a/y.PDF", "a/z.md", "b.txt", "x.html"]
    assert "b.txt" not in {Path(n).name for n in documents_under(tmp_path, skip=(str(tmp_path / "b.txt"),))}


class TestScanCommand:
    """`dgplan scan` as a process, as cron runs it."""

    @pytest.fixture
    def notices(self, tmp_path: Path) -> Path:
        write(tmp_path, "notices/01.txt", NOTICE)
        write(
            tmp_path, "notices/sub/02.md", "令和7年2月1日\n報告は毎年度末までに行う。\n令和8年度以降、様式を改める。\n"
        )
        return tmp_path

    def test_a_folder_of_notices_is_one_calendar_with_stable_uids(self, notices: Path) -> None:
        first = dgplan("scan", "notices", "-o", "deadlines.ics", cwd=notices)
        assert (first.returncode, first.stdout, first.stderr) == (0, "", "")
        feed = (notices / "deadlines.ics").read_text(encoding="utf-8")
        events = Calendar.from_ical(feed).walk("VEVENT")
        # Three of 01.txt and the recurring one of 02.md; the `from` (令和8年度以降) has no due date.
        assert [str(e["SUMMARY"]) for e in events] == [
            "調査票は令和7年2月28日までに提出してください",
            "結果は本年度末までに公表する予定です",
            "説明会は3月10日に開催します",
            "報告は毎年度末までに行う",
        ]
        assert str(events[0]["DESCRIPTION"]).startswith("notices/01.txt:1:6\n令和7年2月28日までに (by)")
        assert events[3]["RRULE"]["FREQ"] == ["YEARLY"]
        again = dgplan("scan", "notices", "--format", "ics", cwd=notices)
        assert again.stdout.replace("\r\n", "\n") == feed.replace("\r\n", "\n")
        assert len({str(e["UID"]) for e in events}) == len(events)

    def test_a_file_named_twice_is_read_once(self, notices: Path) -> None:
        result = dgplan("scan", "notices/01.txt", "notices", "./notices/01.txt", "--format", "json", cwd=notices)
        assert [f["file"] for f in json.loads(result.stdout)["files"]] == ["notices/01.txt", "notices/sub/02.md"]

    def test_the_table_names_each_files_reference(self, notices: Path) -> None:
        result = dgplan("scan", "notices", cwd=notices)
        assert result.returncode == 0 and result.stderr == ""
        lines = result.stdout.splitlines()
        assert lines[:2] == [
            "notices/01.txt: reference date 2025-01-20 (stated in the document at p1 l2: 令和7年1月20日)",
            "notices/sub/02.md: reference date 2025-02-01 (stated in the document at p1 l1: 令和7年2月1日)",
        ]
        given = dgplan("scan", "notices/01.txt", "--reference", "令和6年4月1日", cwd=notices)
        assert given.stdout.splitlines()[0] == "notices/01.txt: reference date 2024-04-01 (given)"

    def test_from_and_to_choose_by_due_date(self, notices: Path) -> None:
        result = dgplan(
            "scan", "notices", "--format", "json", "--from", "2025-03-01", "--to", "2025-03-15", cwd=notices
        )
        assert [row["phrase"] for row in json.loads(result.stdout)["deadlines"]] == ["3月10日に"]

    def test_citations_apart_and_marked(self, notices: Path) -> None:
        result = dgplan("scan", "notices/01.txt", "--format", "csv", "--citations", cwd=notices)
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert [row["citation"] for row in rows] == ["false", "false", "false", "true"]

    def test_an_output_in_the_folder_is_not_read_back(self, notices: Path) -> None:
        # Run by cron into the folder it scans: the list it wrote is no notice of the next run.
        for _ in range(2):
            assert dgplan("scan", "notices", "-o", "notices/deadlines.md", cwd=notices).returncode == 0
            written = (notices / "notices" / "deadlines.md").read_text(encoding="utf-8")
            assert [line.split(":")[0] for line in written.splitlines()[:3]] == [
                "- notices/01.txt",
                "- notices/sub/02.md",
                "",
            ]

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (("missing.pdf",), "missing.pdf: no such file"),
            (("notices", "--from", "2025-04-01", "--to", "2025-03-01"), "--from 2025-04-01 is after --to 2025-03-01"),
            (("notices", "--format", "csv", "-o", "x.ics"), "--format csv contradicts -o 'x.ics'"),
            (("notices", "--citations", "-o", "x.ics"), "--citations and --undated are for the other formats"),
            (("empty",), "empty: no documents in this folder"),
            (("notices", "--reference", "令和7年2月30日"), "Invalid value for '--reference'"),
        ],
    )
    def test_bad_input_is_exit_2_with_one_line(self, notices: Path, args: tuple[str, ...], message: str) -> None:
        (notices / "empty").mkdir()
        result = dgplan("scan", *args, cwd=notices)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr

    def test_one_unreadable_file_writes_nothing_and_names_each(self, notices: Path) -> None:
        (notices / "notices" / "bad.txt").write_bytes(b"\xff\xfe\xfa")
        (notices / "notices" / "worse.txt").write_bytes(b"\x82\xa0\xff")
        result = dgplan("scan", "notices", "-o", "deadlines.ics", cwd=notices)
        assert result.returncode == 2 and not (notices / "deadlines.ics").exists()
        assert [line.split(":")[2].strip() for line in result.stderr.splitlines()] == [
            "notices/bad.txt",
            "notices/worse.txt",
        ]


# Text a document may hold that would harm who reads an output: control characters, bidi
# overrides, line breaks of every kind, formula triggers, markdown and HTML syntax.
HOSTILE = st.text(
    alphabet=st.sampled_from(list("\x1b\x07\x00\x7f\x85\u202e\u2066\r\v\t=+-@'<>&*_[]#!`|~\\ 報告は。、")),
    max_size=30,
)
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@given(HOSTILE, HOSTILE)
def test_no_output_carries_what_a_document_holds(before: str, after: str) -> None:
    """Whatever surrounds a deadline in a document, every format writes it as text."""
    document = Document.from_pages(
        "=cmd|'/c calc'!A1.txt", "text", ["令和7年1月20日\n" + before + "令和7年6月末までに" + after + "\n"]
    )
    scans = [scan_document(document, citations=True)]
    dated = [f for f in scans[0].findings if not f.is_citation and f.due is not None]
    for fmt in ("table", "markdown", "csv", "json"):
        out = render_scan(scans, fmt)
        assert not _CONTROLS.search(out), (fmt, out)
    for row in csv.reader(io.StringIO(render_scan(scans, "csv"))):
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row), row
    markdown = render_scan(scans, "markdown")
    assert "<" not in markdown.replace("&lt;", "") and "\r" not in markdown
    events = Calendar.from_ical(render_scan(scans, "ics")).walk("VEVENT")
    assert len(events) == len(dated)
    assert all("\n" not in str(event["SUMMARY"]) for event in events)


def test_a_schedule_table_in_a_docx_gives_every_cell(tmp_path: Path) -> None:
    """Each 実施時期 cell of a Word table is found at its row, the cells in 中 included."""
    from documents_helpers import write_docx

    rows = [
        ["施策", "実施時期"],
        ["窓口のデジタル化", "令和7年度中"],
        ["クラウド移行", "令和8年度内"],
        ["運用開始", "令和9年度末まで"],
    ]
    path = write_docx(tmp_path / "工程表.docx", ["工程表"], tables=[rows])
    found = scan_document(path).deadlines
    assert [(f.phrase, f.due, f.line) for f in found] == [
        ("令和7年度中", date(2026, 3, 31), 3),
        ("令和8年度内", date(2027, 3, 31), 4),
        ("令和9年度末まで", date(2028, 3, 31), 5),
    ]


def test_a_long_path_in_the_table_keeps_its_page_and_line(tmp_path: Path) -> None:
    """The text table cuts a long cell's end; the place column loses its path's start instead, so
    file:page:line still says where the deadline is."""
    folder = tmp_path / ("とても長いフォルダの名前" * 4)
    folder.mkdir()
    path = folder / "事務連絡.txt"
    path.write_text("事務連絡\n\n回答は令和9年3月末までに提出すること。\n", encoding="utf-8")
    table = render_scan([scan_document(path)], "table")
    [row] = [line for line in table.splitlines() if "令和9年3月末" in line]
    where = row.split()[0]
    assert where.startswith("…") and where.endswith("事務連絡.txt:1:3")


class TestClausesKeepToTheirParagraph:
    """A PDF's lines carry no blank line between paragraphs: a line clearly narrower than the page's
    widest ends its paragraph, so a clause does not reach back over the addressee, the sender and
    the title, nor run one table row into the next (found scanning a notice printed to PDF)."""

    body = "標記について、別添様式により、令和7年2月28日までに回答願います。なお、移行計画は本年"

    def page(self) -> str:
        return "\n".join(
            [
                "府デ第123号",
                "令和7年1月20日",
                "各都道府県知事 殿",
                "デジタル庁統括官",
                "自治体システム標準化に係る調査について（依頼）",
                self.body,
                "度末までに改定してください。",
                "移行計画の策定 令和7年度中",
                "本番移行 令和8年度末まで",
            ]
        )

    def test_wrapped_lines_join_and_short_lines_end(self) -> None:
        document = Document.from_pages("notice.pdf", "pdf", [self.page()])
        clauses = {f.phrase: f.clause for f in scan_document(document).deadlines}
        assert clauses == {
            "令和7年2月28日までに": "標記について、別添様式により、令和7年2月28日までに回答願います",
            "本年度末までに": "移行計画は本年度末までに改定してください",
            "令和7年度中": "移行計画の策定 令和7年度中",
            "令和8年度末まで": "本番移行 令和8年度末まで",
        }

    def test_in_a_word_file_every_line_is_a_paragraph(self) -> None:
        document = Document.from_pages("工程表.docx", "docx", ["件名\n窓口の改修\t令和7年度末まで\n運用開始の告知"])
        [finding] = scan_document(document).deadlines
        assert finding.clause == "窓口の改修 令和7年度末まで"

    def test_a_text_file_wrapped_by_hand_keeps_its_sentence(self) -> None:
        # A text file's short line is no paragraph end: people wrap text where they like.
        document = Document.from_pages("notice.txt", "text", ["記\n\n様式は\n令和7年6月末までに提出する。"])
        [finding] = scan_document(document).deadlines
        assert finding.clause == "様式は令和7年6月末までに提出する"
