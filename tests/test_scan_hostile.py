"""Hostile inputs and real notice layouts for read_document and dgplan scan (branch dochostile).

Each class is a defect found by breaking the reader and the scan on purpose; its tests failed
before the fix. The notices are short passages in our own words, in the shapes real ones take
(文書番号, date, addressee, sender, 記 and its items, a table of 実施時期).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from dgplan import find_deadlines
from dgplan.cli import main
from dgplan.documents import Document, document_date, read_document
from dgplan.errors import DocumentError
from dgplan.scan import MAX_DATE_WORDS, MAX_SCAN_CHARACTERS, scan_document
from dgplan.scan_render import render_scan

from .documents_helpers import page_html, write_docx

FORMATS = ("table", "markdown", "csv", "json", "ics")


def _run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process, so that a reader that blocks fails the test instead of hanging it."""
    return subprocess.run(
        [sys.executable, "-m", "dgplan", *args], capture_output=True, text=True, timeout=timeout, check=False
    )


class TestSpecialFiles:
    """A FIFO blocked the reader for ever; /dev/zero was read up to the size cap (64 MB) first."""

    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
    def test_a_fifo_is_refused_without_reading(self, tmp_path: Path) -> None:
        fifo = tmp_path / "notice.txt"
        os.mkfifo(fifo)
        try:
            result = _run("scan", str(fifo), timeout=30)
        except subprocess.TimeoutExpired:  # subprocess.run has killed the child that waited
            pytest.fail("dgplan scan waited on a FIFO")
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert f"{fifo}: not a regular file but a pipe (FIFO)" in result.stderr

    @pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
    @pytest.mark.parametrize("suffix", [".txt", ".html", ".pdf", ".docx"])
    def test_a_device_is_refused_by_what_it_is(self, tmp_path: Path, suffix: str) -> None:
        link = tmp_path / f"notice{suffix}"
        link.symlink_to("/dev/zero")
        with pytest.raises(DocumentError, match="not a regular file but a device") as raised:
            read_document(link)
        assert raised.value.path == str(link)


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be"])
def test_utf32_by_its_byte_order_mark(tmp_path: Path, codec: str) -> None:
    """UTF-32's little-endian mark starts with UTF-16's: the text was read as UTF-16, a NUL between
    its characters, and neither the date nor the deadline was found."""
    import codecs

    mark = codecs.BOM_UTF32_LE if codec.endswith("le") else codecs.BOM_UTF32_BE
    notice = tmp_path / "notice.txt"
    notice.write_bytes(mark + "令和7年1月20日\n報告は本年度末までに提出する。\n".encode(codec))
    document = read_document(notice)
    assert "\x00" not in document.text and document.date is not None
    assert [finding.due for finding in scan_document(document).deadlines] == [date(2025, 3, 31)]


# A name no output can write as it is (a byte that is not UTF-8), and names that would act on who reads.
HOSTILE_NAMES = {
    "not UTF-8": "notice\udcff.txt",
    "ESC": "\x1b[31mred\x1b[0m.txt",
    "bidi override": "notice\u202etxt.exe",
    "line break": "a\nb.txt",
    "CR": "a\rBEGIN:VEVENT.txt",
}


class TestFileNamesInEveryOutput:
    """A file name that is not UTF-8 made --format ics a traceback (UnicodeEncodeError); ESC, bidi
    overrides and line breaks of a name reached CSV, JSON, markdown and the calendar as they were
    (and click stripped an ESC sequence out of CSV on stdout, so the name no longer matched)."""

    @staticmethod
    def _scan(name: str) -> list:
        document = Document.from_pages(name, "text", ["令和7年1月20日\n報告は令和7年3月末までに提出する。"])
        return [scan_document(document)]

    @pytest.mark.parametrize("fmt", FORMATS)
    @pytest.mark.parametrize("label", sorted(HOSTILE_NAMES))
    def test_the_name_is_written_as_visible_escapes(self, fmt: str, label: str) -> None:
        name = HOSTILE_NAMES[label]
        output = render_scan(self._scan(name), fmt)
        output.encode("utf-8")  # what the CLI writes: must not raise
        for char in "\x1b\u202e\udcff":
            assert char not in output
        if fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(output)))
            assert len(rows) == 1 and "\n" not in rows[0]["file"] and "\r" not in rows[0]["file"]
        if fmt == "json":
            data = json.loads(output)
            assert data["files"][0]["file"] == data["deadlines"][0]["file"]
            assert "\n" not in data["files"][0]["file"] and "\x1b" not in data["files"][0]["file"]
        if fmt == "ics":
            # One event, its lines all of the calendar's grammar: no name forges a line.
            unfolded = output.replace("\r\n ", "")
            lines = unfolded.split("\r\n")
            assert lines.count("BEGIN:VEVENT") == 1 and lines.count("END:VEVENT") == 1

    def test_the_command_writes_a_calendar_for_a_name_that_is_not_utf8(self, tmp_path: Path) -> None:
        folder = tmp_path / "notices"
        folder.mkdir()
        try:
            (folder / os.fsdecode(b"notice\xff.txt")).write_text(
                "令和7年1月20日\n報告は令和7年3月末までに提出する。\n", encoding="utf-8"
            )
        except (OSError, UnicodeError):
            pytest.skip("this file system refuses a name that is not UTF-8")
        result = _run("scan", str(folder), "--format", "ics")
        assert result.returncode == 0, result.stderr
        assert "notice\\\\udcff.txt:1:2" in result.stdout and "DTSTART;VALUE=DATE:20250331" in result.stdout


class TestDateUnderALabel:
    """A short notice's 記 / 提出期限 / 令和7年3月31日 stands within the head (15 lines): its deadline
    was read as the document's date, and then dropped from the findings as "the document's date";
    with a dated head above it, the two disagreed and the head's date was lost."""

    HEAD = "事務連絡\n令和7年1月20日\n各課長　殿\n総務課長\n調査票の提出について\n"

    @pytest.mark.parametrize(
        "particulars",
        [
            "標記について、下記のとおり提出願います。\n記\n提出期限\n令和7年3月31日\n",
            "標記について、下記のとおり提出願います。\n\n　　　　記\n\n１　提出期限\n令和7年3月31日（月）\n",
            "標記について、下記により提出願います。\n提出期限：\n令和7年3月31日\n",
            "標記について、下記により提出願います。\n施策\t実施時期\n令和7年3月31日\n",
        ],
        ids=["under 記", "under a numbered item of 記", "under a label with a colon", "under a table row"],
    )
    def test_the_value_is_a_deadline_and_never_the_documents_date(self, particulars: str) -> None:
        for head in ("事務連絡\n各課長　殿\n総務課長\n調査票の提出について\n", self.HEAD):
            text = head + particulars
            stated = document_date(text)
            expected = date(2025, 1, 20) if "令和7年1月20日" in head else None
            assert (stated.date if stated else None) == expected, text
            scan = scan_document(Document.from_pages("notice.txt", "text", [text]))
            assert [finding.due for finding in scan.deadlines] == [date(2025, 3, 31)], text

    def test_a_head_date_after_a_number_or_title_stays_the_documents(self) -> None:
        for text in (
            "府地第１２３号\n令和７年 １月２０日\n各都道府県知事　殿\n",
            "入札公告\n次のとおり一般競争入札に付します。\n令和7年1月20日\n分任支出負担行為担当官\n",
            "令和元年５月７日\n事務連絡\n",
        ):
            assert document_date(text) is not None, text


class TestScanBounds:
    """A 60 MB text file of deadlines (under the 64 MB text cap) ran for more than five minutes and
    past 1.6 GB; a 13 MB page of them took 165 s and 1 GB, a .docx of 300,000 dated paragraphs
    150 s and 900 MB. The scan now refuses, before it starts, what would not end in seconds."""

    def test_more_characters_than_a_scan_reads(self) -> None:
        document = Document.from_pages("big.txt", "text", ["あ" * (MAX_SCAN_CHARACTERS + 1)])
        with pytest.raises(DocumentError, match=r"^big\.txt: 4,000,001 characters of text") as raised:
            scan_document(document)
        assert raised.value.path == "big.txt"

    def test_more_date_words_than_any_plan_holds(self) -> None:
        document = Document.from_pages("dense.txt", "text", ["7年" * (MAX_DATE_WORDS + 1)])
        with pytest.raises(DocumentError, match=r"^dense\.txt: more than 50,000 dates"):
            scan_document(document)

    def test_a_text_at_the_bound_is_scanned(self) -> None:
        text = "報告は令和7年3月末までに提出する。\n" * (MAX_DATE_WORDS // 2)
        assert len(scan_document(Document.from_pages("dense.txt", "text", [text])).findings) == MAX_DATE_WORDS // 2

    def test_the_command_says_so_in_one_line(self, tmp_path: Path) -> None:
        dense = tmp_path / "dense.txt"
        dense.write_text("報告は令和7年3月末までに提出する。\n" * 250_000, encoding="utf-8")
        result = CliRunner().invoke(main, ["scan", str(dense), "--format", "csv"])
        assert result.exit_code == 2
        assert result.output.count("\n") == 1 and "characters of text" in result.output


# -- real notice layouts -------------------------------------------------------------------------

# 入札公告: the date after the opening sentence, the sender under it, then 記 and its items, whose
# dates stand on lines of their own under their labels. Our own wording in the shape such calls take.
TENDER = [
    "入札公告",
    "次のとおり一般競争入札に付します。",
    "令和7年1月20日",
    "分任支出負担行為担当官　○○局総務部長",
    "記",
    "1　入札書の提出期限",
    "令和7年2月14日17時",
    "2　開札の日時",
    "令和7年2月17日10時",
    "3　契約期間",
    "契約締結日から令和8年3月31日まで",
    "4　質問は本年度末までに受け付ける。",
]


def _tender_html() -> str:
    # The date and the sender right-aligned, as the call is printed; every other line a paragraph.
    right = {TENDER[2], TENDER[3]}
    return page_html("".join(f'<p class="right">{line}</p>' if line in right else f"<p>{line}</p>" for line in TENDER))


@pytest.mark.parametrize("kind", ["text", "html", "docx"])
def test_a_call_for_tender_scans_to_the_deadlines_of_its_text(tmp_path: Path, kind: str) -> None:
    if kind == "text":
        path = tmp_path / "tender.txt"
        path.write_text("\n".join(TENDER) + "\n", encoding="utf-8")
    elif kind == "html":
        path = tmp_path / "tender.html"
        path.write_text(_tender_html(), encoding="utf-8")
    else:
        path = write_docx(tmp_path / "tender.docx", TENDER)
    document = read_document(path)
    assert document.date is not None and document.date.date == date(2025, 1, 20)
    scan = scan_document(document)
    plain = "\n".join(TENDER)
    expected = [
        (d.text, d.kind, d.window, d.due)
        for d in find_deadlines(plain, reference=date(2025, 1, 20))
        if d.text != "令和7年1月20日"
    ]
    assert [(f.phrase, f.kind, f.window, f.due) for f in scan.deadlines] == expected
    assert [f.due for f in scan.deadlines] == [
        date(2025, 2, 14),
        date(2025, 2, 17),
        date(2026, 3, 31),
        date(2025, 3, 31),
    ]
    for finding in scan.deadlines:
        line = document.text.split("\n")[finding.line - 1]
        assert line[finding.column - 1 :].startswith(finding.deadline.text)


def test_the_call_for_tender_printed_by_chromium_scans_alike(tmp_path: Path, chromium: str) -> None:
    # Printed in a child process: the suite's other Chromium tests hold a Playwright session open,
    # and Playwright's sync API refuses a second one in the same process.
    markup, pdf = tmp_path / "tender.html", tmp_path / "tender.pdf"
    markup.write_text(_tender_html(), encoding="utf-8")
    program = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1])\n"
        "from documents_helpers import chromium_pdf\n"
        "with chromium_pdf(sys.argv[2]) as render:\n"
        "    render(Path(sys.argv[3]).read_text(encoding='utf-8'), Path(sys.argv[4]))\n"
    )
    subprocess.run(
        [sys.executable, "-c", program, str(Path(__file__).parent), chromium, str(markup), str(pdf)],
        check=True,
        timeout=120,
    )
    scan = scan_document(pdf)
    assert scan.reference == date(2025, 1, 20) and scan.reference_source.startswith("stated in the document at p1")
    expected = [
        (d.text, d.kind, d.window, d.due)
        for d in find_deadlines("\n".join(TENDER), reference=date(2025, 1, 20))
        if d.text != "令和7年1月20日"
    ]
    assert [(f.phrase, f.kind, f.window, f.due) for f in scan.deadlines] == expected
    document = read_document(pdf)
    for finding in scan.deadlines:
        line = document.pages[finding.page - 1].text.split("\n")[finding.line - 1]
        assert line[finding.column - 1 :].startswith(finding.deadline.text)
