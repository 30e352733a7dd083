"""dgplan.documents: documents read page by page, their offsets located, and the date they state."""

from __future__ import annotations

import codecs
import html
import os
import re
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from documents_helpers import (
    chromium_pdf,
    deep_pdf,
    encrypted_pdf,
    image_pdf,
    looping_pdf,
    many_pages_pdf,
    notice_html,
    page_html,
    pages_html,
    text_pdf,
    write_docx,
    zip_bomb,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dgplan import DgplanError, Document, DocumentError, Location, Page, document_date, find_deadlines, read_document
from dgplan.documents import PAGE_SEPARATOR


class TestTextFiles:
    @pytest.mark.parametrize(
        ("data", "encoding"),
        [
            # UTF-8, with and without its byte order mark
            ("令和7年度末までに提出\n".encode(), None),
            (codecs.BOM_UTF8 + "令和7年度末までに提出\n".encode(), None),
            # UTF-16 by its byte order mark, either byte order, whatever encoding is named
            ("\ufeff令和7年度末までに提出\n".encode("utf-16-le"), None),
            ("\ufeff令和7年度末までに提出\n".encode("utf-16-be"), None),
            ("\ufeff令和7年度末までに提出\n".encode("utf-16-le"), "cp932"),
            # Shift_JIS when told so
            ("令和7年度末までに提出\n".encode("cp932"), "cp932"),
        ],
    )
    def test_encodings(self, tmp_path: Path, data: bytes, encoding: str | None) -> None:
        path = tmp_path / "notice.txt"
        path.write_bytes(data)
        document = read_document(path, encoding=encoding)
        assert document.text == "令和7年度末までに提出\n"
        assert document.kind == "text"
        assert [d.due for d in find_deadlines(document.text)] == [date(2026, 3, 31)]

    def test_shift_jis_without_the_hint_names_the_byte_and_the_option(self, tmp_path: Path) -> None:
        path = tmp_path / "notice.txt"
        path.write_bytes("通知\n令和7年度末まで".encode("cp932"))
        with pytest.raises(DocumentError, match=r'notice\.txt: byte 0 \(0x92\): not UTF-8 text.*encoding="cp932"'):
            read_document(path)

    def test_utf16_without_a_bom_is_named(self, tmp_path: Path) -> None:
        path = tmp_path / "notice.txt"
        path.write_bytes("ab令和".encode("utf-16-le"))
        with pytest.raises(DocumentError, match="utf-16-le"):
            read_document(path)

    def test_unknown_encoding(self, tmp_path: Path) -> None:
        path = tmp_path / "notice.txt"
        path.write_bytes(b"abc")
        with pytest.raises(DocumentError, match=re.escape("unknown encoding 'klingon'")):
            read_document(path, encoding="klingon")

    def test_crlf_lines_and_form_feed_pages(self, tmp_path: Path) -> None:
        path = tmp_path / "extracted.txt"
        path.write_bytes("表紙\r\n令和3年6月18日\r\n閣議決定\r\n\f本文\r\n令和4年度末までに整備\r\n\f".encode())
        document = read_document(path)
        assert [page.text for page in document.pages] == [
            "表紙\n令和3年6月18日\n閣議決定\n",
            "本文\n令和4年度末までに整備\n",
        ]
        [found] = find_deadlines(document.text)
        assert document.locate(found.span[0]) == Location(2, 2, 1)
        assert document.where(found.span[0]) == f"{path}:2:2"
        assert document.date is not None and document.date.date == date(2021, 6, 18)

    def test_a_zip_with_a_text_suffix_is_named(self, tmp_path: Path) -> None:
        path = tmp_path / "notice.txt"
        path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
        with pytest.raises(DocumentError, match="zip archive"):
            read_document(path)


class TestFiles:
    def test_missing(self, tmp_path: Path) -> None:
        with pytest.raises(DocumentError, match=re.escape(f"{tmp_path / 'gone.pdf'}: no such file")):
            read_document(tmp_path / "gone.pdf")

    def test_folder(self, tmp_path: Path) -> None:
        with pytest.raises(DocumentError, match="is a folder, not a document"):
            read_document(tmp_path)

    def test_a_pipe_is_refused_unread(self, tmp_path: Path) -> None:
        pipe = tmp_path / "notice.txt"
        os.mkfifo(pipe)  # opening it to read would wait for a writer forever
        with pytest.raises(DocumentError, match=r"notice\.txt: not a regular file but a pipe \(FIFO\)"):
            read_document(pipe)

    @pytest.mark.parametrize("suffix", [".doc", ".xlsx", ".pptx"])
    def test_formats_not_read_say_what_to_do(self, tmp_path: Path, suffix: str) -> None:
        path = tmp_path / f"old{suffix}"
        path.write_bytes(b"\xd0\xcf\x11\xe0")
        with pytest.raises(DocumentError, match=re.escape(f"{suffix}) is not read; save it as PDF")):
            read_document(path)

    def test_text_over_the_cap_is_refused_before_reading(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        import dgplan.documents

        monkeypatch.setattr(dgplan.documents, "MAX_TEXT_BYTES", 2**20)
        path = tmp_path / "huge.txt"
        path.write_bytes(b"a" * (2**20 + 1))
        with pytest.raises(DocumentError, match="more than the 1 MB of text dgplan reads"):
            read_document(path)

    def test_page_cap(self, tmp_path: Path) -> None:
        path = tmp_path / "pages.txt"
        path.write_text("頁\f" * 12, encoding="utf-8")
        assert len(read_document(path).pages) == 12
        with pytest.raises(DocumentError, match=r"12 pages, more than the 10 read \(max_pages=10\)"):
            read_document(path, max_pages=10)


class TestLocate:
    def test_every_offset_maps_to_its_page_line_and_column(self) -> None:
        texts = ["一行目\n二行目", "", "p3\n\nline3"]
        document = Document.from_pages("x.txt", "text", texts)
        for page in document.pages:
            lines = page.text.split("\n")
            for line_number, line in enumerate(lines, start=1):
                offset = page.start + sum(len(previous) + 1 for previous in lines[: line_number - 1])
                for column in range(1, len(line) + 2):
                    assert document.locate(offset + column - 1) == Location(page.number, line_number, column)

    def test_a_document_made_directly_locates_too(self) -> None:
        document = Document("x.txt", "text", (Page(1, "ab\ncd", 0),), "ab\ncd", None)
        assert document.locate(3) == Location(1, 2, 1)
        assert document.where(4) == "x.txt:1:2"

    def test_outside_the_text(self) -> None:
        document = Document.from_pages("x.txt", "text", ["abc"])
        with pytest.raises(DocumentError, match=r"offset 4 is outside the document's text \(0 to 3\)"):
            document.locate(4)
        with pytest.raises(DocumentError):
            document.locate(-1)


# The heads of notices and plans, in the shapes they come in (written for these tests).
HEADS = [
    # a 通知 with its 文書番号 and date right-aligned above the addressee
    ("　" * 12 + "府地第123号\n" + "　" * 11 + "令和7年1月20日\n\n各都道府県知事　殿\n", date(2025, 1, 20), 2),
    # full-width digits and a weekday
    ("事務連絡\n令和７年１月２０日（月）\n各府省庁担当者　御中\n", date(2025, 1, 20), 2),
    # Western years
    ("2025年1月20日\n関係各位\n", date(2025, 1, 20), 1),
    # kanji numerals, and 付
    ("総行政第四五号\n令和六年十二月二日付\n", date(2024, 12, 2), 2),
    # spaces inside the date, as PDF extraction leaves them
    ("事 務 連 絡\n令和 7 年 1 月 20 日\n", date(2025, 1, 20), 2),
    # a plan's cover: the decision date under the title, bracketed, or with the decision on the next line
    ("デジタル社会の実現に向けた重点計画\n（令和３年６月18日閣議決定）\n", date(2021, 6, 18), 2),
    ("デジタル社会の実現に向けた重点計画\n\n令和3年6月18日\n閣議決定\n", date(2021, 6, 18), 3),
    ("基本方針\n令和5年6月9日 デジタル社会推進会議決定\n", date(2023, 6, 9), 2),
    # a revised plan: the latest revision is this edition's date
    ("重点計画\n令和4年6月7日 閣議決定\n令和4年12月23日 改定\n", date(2022, 12, 23), 3),
    # an era's first year, an earlier era, and the addressee first
    ("都道府県　市区町村　担当課　御中\n\n令和元年5月7日\nデジタル庁\n", date(2019, 5, 7), 3),
    ("平成31年4月26日\n", date(2019, 4, 26), 1),
    ("事務連絡\n令和6年12月2日付け\n", date(2024, 12, 2), 2),
    # a notice's own date wins over the decision it forwards
    ("令和7年1月20日\n重点計画について\n（令和6年6月21日閣議決定）\n", date(2025, 1, 20), 1),
]


class TestDocumentDate:
    @pytest.mark.parametrize(("head", "expected", "line"), HEADS)
    def test_heads(self, head: str, expected: date, line: int) -> None:
        found = document_date(head + "本文は令和8年3月末までに提出すること。\n")
        assert found is not None
        assert (found.date, found.location.line, found.location.page) == (expected, line, 1)
        assert found.text.split()[0] in head.split("\n")[line - 1]

    @pytest.mark.parametrize(
        "text",
        [
            # a date inside a sentence is never the document's
            "令和2年12月に成立した法律に基づき、令和3年9月1日に施行された。\n",
            "本計画は令和3年6月18日に閣議決定された。\n",
            # a year or a month is not a day
            "令和7年度\n事業計画\n",
            "令和7年1月\n",
            # past the head (15 non-empty lines)
            "".join(f"第{n}行\n" for n in range(15)) + "令和7年1月20日\n",
            # two dated lines that disagree: which is the document's would be a guess
            "令和7年1月20日\n令和7年2月3日\n",
            # a day that does not exist gives no date, not a neighbouring one
            "令和7年2月30日\n",
            # 現在 is the date of figures, not of the document
            "令和7年1月1日現在\n",
        ],
    )
    def test_no_date(self, text: str) -> None:
        assert document_date(text) is None

    def test_the_head_is_fifteen_non_empty_lines(self) -> None:
        lines = "".join(f"第{n}行\n\n" for n in range(14))
        found = document_date(lines + "令和7年1月20日\n")
        assert found is not None and found.location.line == 29
        assert document_date(lines + "第15行\n令和7年1月20日\n") is None

    def test_sources(self) -> None:
        dated = document_date("令和7年1月20日\n")
        decided = document_date("計画\n令和3年6月18日 閣議決定\n")
        revised = document_date("計画\n令和3年6月18日 閣議決定\n令和4年6月7日 改定\n")
        assert dated is not None and dated.source == "dated line at the head"
        assert decided is not None and decided.source == "閣議決定 date under the title"
        assert revised is not None and revised.source == "改定 date under the title"

    def test_never_the_file_time(self, tmp_path: Path) -> None:
        path = tmp_path / "undated.txt"
        path.write_text("報告は令和7年3月末までに。\n", encoding="utf-8")
        assert read_document(path).date is None


# -- PDF -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def render(chromium: str) -> Iterator[Callable[[str, Path], Path]]:
    with chromium_pdf(chromium) as render:
        yield render


def _deadlines(text: str) -> list[tuple[object, ...]]:
    return [(d.kind, d.window, d.due, d.approximate) for d in find_deadlines(text)]


class TestChromiumPDF:
    def test_a_notice_reads_in_order_without_its_ruby(
        self, render: Callable[[str, Path], Path], tmp_path: Path
    ) -> None:
        document = read_document(render(notice_html(), tmp_path / "notice.pdf"))
        lines = document.text.split("\n")
        assert lines[:3] == ["府地第123号", "令和7年1月20日", "各都道府県知事 殿"]
        assert "ぎょうざいせい" not in document.text and "こうていひょう" not in document.text
        assert "デジタル行財政改革の推進について（通知）" in lines
        # the columns: all of the left one, then the right one
        assert (
            document.text.index("左の段：")
            < document.text.index("左の段の文章が続く。")
            < document.text.index("右の段：")
        )
        assert "窓口のデジタル化 令和7年度中に実施" in lines
        assert any(line.startswith("1 提出様式は") for line in lines)
        assert document.date is not None
        assert (document.date.date, document.date.location) == (date(2025, 1, 20), Location(1, 2, 1))

    def test_the_pdf_has_the_deadlines_of_its_html(self, render: Callable[[str, Path], Path], tmp_path: Path) -> None:
        markup = notice_html(
            paragraphs=(
                "システムは令和7年度を<ruby>目途<rt>めど</rt></ruby>に整備し、令和8年<ruby>秋<rt>あき</rt></ruby>頃までに移行する。",
                "報告は毎年度末に行う。",
            )
        )
        source = tmp_path / "notice.html"
        source.write_text(markup, encoding="utf-8")
        from_pdf = read_document(render(markup, tmp_path / "notice.pdf"))
        from_html = read_document(source)
        expected = _deadlines(from_html.text)
        assert len(expected) >= 7
        assert _deadlines(from_pdf.text) == expected
        assert from_pdf.date == from_html.date or (
            from_pdf.date and from_html.date and from_pdf.date.date == from_html.date.date
        )

    def test_each_deadline_is_located_on_its_page_and_line(
        self, render: Callable[[str, Path], Path], tmp_path: Path
    ) -> None:
        pages = [f"<p>第{n}頁</p><p>見出し{n}</p><p>令和{6 + n}年度末までに提出する。</p>" for n in range(1, 5)]
        path = render(pages_html(pages), tmp_path / "pages.pdf")
        document = read_document(path)
        found = find_deadlines(document.text)
        assert [d.due for d in found] == [date(2025 + n, 3, 31) for n in range(1, 5)]
        for n, deadline in enumerate(found, start=1):
            assert deadline.span is not None
            assert document.locate(deadline.span[0]) == Location(n, 3, 1)
            assert document.where(deadline.span[0]) == f"{path}:{n}:3"
            assert document.page_at(deadline.span[0]).text.split("\n")[2].startswith(deadline.text)

    def test_a_hyphen_at_a_line_end_stays_a_hyphen(self, render: Callable[[str, Path], Path], tmp_path: Path) -> None:
        # Chromium breaks the line after the hyphen of i-Construction; PDFium joins the two lines and
        # marks the hyphen U+FFFE ("soft"), though it is printed and part of the name.
        markup = page_html('<p style="width: 9em">国土交通省のi-Constructionを推進し、令和7年度末までに改修する。</p>')
        text = read_document(render(markup, tmp_path / "hyphen.pdf")).text
        assert "i-Construction" in text
        assert "\ufffe" not in text

    def test_a_cover_of_short_lines_reads_across(self, render: Callable[[str, Path], Path], tmp_path: Path) -> None:
        # PDFium takes a page of a few short lines for vertical writing and gives each character a
        # line of its own; the page's lines are then rebuilt from the characters' boxes, so the
        # cover's date is still read.
        cover = "<h1>計画</h1><p class='right'>令和3年6月18日</p><p class='right'>閣議決定</p>"
        document = read_document(
            render(pages_html([cover, "<p>本文は令和7年度末までに整備する。</p>"]), tmp_path / "c.pdf")
        )
        assert document.pages[0].text == "計画\n令和3年6月18日\n閣議決定"
        assert document.date is not None
        assert (document.date.date, document.date.source) == (date(2021, 6, 18), "閣議決定 date under the title")
        assert document.pages[1].text == "本文は令和7年度末までに整備する。"

    def test_only_ruby_is_dropped(self, render: Callable[[str, Path], Path], tmp_path: Path) -> None:
        # Kana lines that are text: a paragraph under a larger heading, katakana, small print; the
        # ruby over 漢字 alone goes, on a page read across and on one rebuilt from its characters.
        body = "<h1>概要</h1><p>おしらせ</p><p>カタカナ</p><p>本文<ruby>漢字<rt>かんじ</rt></ruby>です</p>"
        small = "<p><small>ちいさなもじ</small></p><p>漢字の行です</p>"
        long = "<p>" + "長い行の本文です。" * 6 + "</p>"
        for markup in (body + small, long + body + small):
            lines = read_document(render(page_html(markup), tmp_path / "ruby.pdf")).text.split("\n")
            assert lines[lines.index("概要") :] == [
                "概要",
                "おしらせ",
                "カタカナ",
                "本文漢字です",
                "ちいさなもじ",
                "漢字の行です",
            ]

    def test_vertical_writing(self, render: Callable[[str, Path], Path], tmp_path: Path) -> None:
        markup = page_html(
            "<div style='writing-mode: vertical-rl; height: 150mm'><p>令和七年一月二十日</p>"
            "<p>本文は令和7年度末までに提出すること。" + "縦書きの文章が続く。" * 4 + "</p></div>"
        )
        document = read_document(render(markup, tmp_path / "vertical.pdf"))
        assert document.text.startswith("令和七年一月二十日\n本文は令和7")
        assert document.date is not None and document.date.date == date(2025, 1, 20)
        assert [d.due for d in find_deadlines(document.text)] == [date(2026, 3, 31)]

    def test_many_pages_are_read_in_order(self, render: Callable[[str, Path], Path], tmp_path: Path) -> None:
        pages = [f"<p>第{n}頁：令和7年{n}月末までに報告する。</p>" for n in range(1, 13)]
        document = read_document(render(pages_html(pages), tmp_path / "year.pdf"))
        assert len(document.pages) == 12
        assert [d.due.month for d in find_deadlines(document.text) if d.due] == list(range(1, 13))
        assert [document.locate(d.span[0]).page for d in find_deadlines(document.text) if d.span] == list(range(1, 13))


class TestBadPDFs:
    def _read(self, tmp_path: Path, data: bytes, name: str = "bad.pdf", **options: int) -> Document:
        path = tmp_path / name
        path.write_bytes(data)
        return read_document(path, **options)

    def test_encrypted(self, tmp_path: Path) -> None:
        with pytest.raises(DocumentError, match=r"bad\.pdf: the PDF is encrypted; open it and save a copy"):
            self._read(tmp_path, encrypted_pdf())

    def test_scanned(self, tmp_path: Path) -> None:
        with pytest.raises(
            DocumentError, match=r"bad\.pdf: no text on pages 1-12: the PDF holds images; run OCR first"
        ):
            self._read(tmp_path, image_pdf(12))

    def test_empty_pages(self, tmp_path: Path) -> None:
        with pytest.raises(DocumentError, match="no text on pages 1-3: the pages are empty"):
            self._read(tmp_path, many_pages_pdf(3))

    def test_truncated(self, tmp_path: Path) -> None:
        whole = text_pdf(["first page", "second page"])
        assert self._read(tmp_path, whole).text == "first page\n\f\nsecond page"
        with pytest.raises(
            DocumentError, match=r"bad\.pdf: the PDF is truncated or damaged: it does not end with %%EOF"
        ):
            self._read(tmp_path, whole[: len(whole) * 2 // 3])

    def test_damaged(self, tmp_path: Path) -> None:
        with pytest.raises(DocumentError, match=r"bad\.pdf: the PDF is damaged \(PDFium cannot parse it\)"):
            self._read(tmp_path, b"%PDF-1.7\n" + b"\x00garbage" * 100 + b"\n%%EOF\n")

    def test_a_page_tree_that_loops(self, tmp_path: Path) -> None:
        with pytest.raises(DocumentError, match=r"page 1 cannot be loaded: the page tree is damaged") as caught:
            self._read(tmp_path, looping_pdf())
        assert caught.value.page == 1

    def test_a_page_tree_nested_deeply(self, tmp_path: Path) -> None:
        with pytest.raises(DocumentError, match="the page tree is damaged"):
            self._read(tmp_path, deep_pdf(tree=5_000))

    def test_objects_nested_deeply_are_read(self, tmp_path: Path) -> None:
        assert self._read(tmp_path, deep_pdf(objects=100_000)).text == "deep"

    def test_ten_thousand_pages_are_refused_before_reading(self, tmp_path: Path) -> None:
        with pytest.raises(DocumentError, match=r"10,000 pages, more than the 2,000 read \(max_pages=2000\); refusing"):
            self._read(tmp_path, many_pages_pdf(10_000))
        data = text_pdf([f"page {n}" for n in range(5)])
        assert len(self._read(tmp_path, data, max_pages=5).pages) == 5
        with pytest.raises(DocumentError, match=r"5 pages, more than the 4 read"):
            self._read(tmp_path, data, max_pages=4)

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"PK\x03\x04" + b"\x00" * 100, "bad.pdf: not a PDF but a zip archive (a .docx, .xlsx or .zip file)"),
            (b"", "bad.pdf: an empty file, not a PDF"),
            ("令和7年度末まで".encode(), "bad.pdf: not a PDF: it does not start with %PDF-"),
        ],
    )
    def test_not_a_pdf(self, tmp_path: Path, data: bytes, message: str) -> None:
        with pytest.raises(DocumentError, match=re.escape(message)):
            self._read(tmp_path, data)

    def test_a_docx_named_pdf(self, tmp_path: Path) -> None:
        docx = write_docx(tmp_path / "real.docx", ["本文"])
        with pytest.raises(DocumentError, match=r"not a PDF but a zip archive"):
            self._read(tmp_path, docx.read_bytes())

    def test_without_pypdfium2_the_extra_is_named(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setitem(sys.modules, "pypdfium2", None)
        with pytest.raises(DocumentError, match=re.escape("reading PDF needs pypdfium2: pip install 'dgplan[pdf]'")):
            self._read(tmp_path, text_pdf(["x"]))


# -- Word ----------------------------------------------------------------------------------------


class TestDocx:
    def test_paragraphs_and_cells_in_document_order(self, tmp_path: Path) -> None:
        path = write_docx(
            tmp_path / "notice.docx",
            ["事務連絡", "令和７年１月２０日", "報告は令和7年度末までに提出すること。"],
            tables=[
                [["施策", "実施時期"], ["窓口のデジタル化", "令和7年度中に実施"], ["クラウド移行", "令和8年度末まで"]]
            ],
            after=["以上"],
        )
        document = read_document(path)
        assert document.kind == "docx" and len(document.pages) == 1
        assert document.text == (
            "事務連絡\n令和７年１月２０日\n報告は令和7年度末までに提出すること。\n"
            "施策\t実施時期\n窓口のデジタル化\t令和7年度中に実施\nクラウド移行\t令和8年度末まで\n以上\n"
        )
        assert document.date is not None and document.date.date == date(2025, 1, 20)
        assert [d.due for d in find_deadlines(document.text)] == [
            date(2026, 3, 31),
            date(2026, 3, 31),
            date(2027, 3, 31),
        ]
        assert document.where(document.text.index("令和8年度末")) == f"{path}:1:6"

    def test_merged_and_nested_cells_are_read_once(self, tmp_path: Path) -> None:
        import docx

        word = docx.Document()
        table = word.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "施策", "実施時期"
        table.cell(1, 0).merge(table.cell(1, 1)).text = "令和9年3月末まで"
        table.cell(0, 1).add_table(rows=1, cols=1).cell(0, 0).text = "入れ子の表"
        word.save(str(tmp_path / "merged.docx"))
        text = read_document(tmp_path / "merged.docx").text
        assert text.count("令和9年3月末まで") == 1
        assert text.index("施策") < text.index("実施時期") < text.index("入れ子の表") < text.index("令和9年3月末まで")

    def test_a_zip_bomb_is_refused_by_the_sheet_readers_bound(self, tmp_path: Path) -> None:
        from dgplan._archive import MAX_INFLATED

        source = write_docx(tmp_path / "small.docx", ["本文"])
        bomb = zip_bomb(tmp_path / "bomb.docx", source, MAX_INFLATED + 2**20)
        assert bomb.stat().st_size < 2 * 2**20
        with pytest.raises(DocumentError, match=r"bomb\.docx: the document inflates to 10\d MB, more than the 100 MB"):
            read_document(bomb)

    def test_truncated(self, tmp_path: Path) -> None:
        data = write_docx(tmp_path / "whole.docx", ["本文"] * 50).read_bytes()
        (tmp_path / "cut.docx").write_bytes(data[: len(data) // 2])
        with pytest.raises(DocumentError, match=r"cut\.docx: the \.docx is damaged"):
            read_document(tmp_path / "cut.docx")

    def test_a_zip_that_is_no_document(self, tmp_path: Path) -> None:
        with zipfile.ZipFile(tmp_path / "other.docx", "w") as archive:
            archive.writestr("hello.txt", "hello")
        with pytest.raises(DocumentError, match=r"other\.docx: not a readable Word document \(\.docx\): "):
            read_document(tmp_path / "other.docx")

    def test_a_pdf_named_docx(self, tmp_path: Path) -> None:
        (tmp_path / "real.docx").write_bytes(text_pdf(["x"]))
        with pytest.raises(DocumentError, match=r"not a Word document \(\.docx\) but a PDF; a \.docx is a zip archive"):
            read_document(tmp_path / "real.docx")

    def test_without_python_docx_the_extra_is_named(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path = write_docx(tmp_path / "n.docx", ["本文"])
        monkeypatch.setitem(sys.modules, "docx", None)
        with pytest.raises(DocumentError, match=re.escape("needs python-docx: pip install 'dgplan[docx]'")):
            read_document(path)


# -- HTML ----------------------------------------------------------------------------------------


class TestHTML:
    def _read(self, tmp_path: Path, markup: str | bytes, **options: str) -> Document:
        path = tmp_path / "page.html"
        if isinstance(markup, str):
            path.write_text(markup, encoding="utf-8")
        else:
            path.write_bytes(markup)
        return read_document(path, **options)

    def test_layout(self, tmp_path: Path) -> None:
        markup = (
            "<html><head><title>題</title><style>p{color:red}</style><script>var x='令和9年度末まで';</script></head>"
            "<body><div class='right'>府地第123号<br>令和7年1月20日</div>"
            "<h1>デジタル<ruby>行財政<rp>(</rp><rt>ぎょうざいせい</rt><rp>)</rp></ruby>改革</h1>"
            "<p>標記について、\n  令和7年度末までに&#x63D0;&#x51FA;されたい &amp; 以上。</p>"
            "<table><tr><th>施策</th><th>実施時期</th></tr><tr><td>移行</td><td>令和8年度末まで</td></tr></table>"
            "<pre>一行目\n  二行目</pre><ul><li>項目1</li><li>項目2</li></ul></body></html>"
        )
        document = self._read(tmp_path, markup)
        assert document.kind == "html"
        assert document.text == (
            "府地第123号\n令和7年1月20日\nデジタル行財政改革\n標記について、 令和7年度末までに提出されたい & 以上。\n"
            "施策\t実施時期\n移行\t令和8年度末まで\n一行目\n  二行目\n項目1\n項目2\n"
        )
        assert document.date is not None and document.date.location == Location(1, 2, 1)
        assert [d.due for d in find_deadlines(document.text)] == [date(2026, 3, 31), date(2027, 3, 31)]

    def test_ruby_readings_without_their_end_tags(self, tmp_path: Path) -> None:
        document = self._read(
            tmp_path, "<p><ruby>目途<rt>めど<rt>もくと</ruby>に、<ruby>漢<rp>(<rt>かん<rp>)</ruby>字</p>"
        )
        assert document.text == "目途に、漢字\n"

    @pytest.mark.parametrize(
        ("data", "encoding"),
        [
            ('<meta charset="Shift_JIS"><p>令和7年度末まで</p>'.encode("cp932"), None),
            (
                '<meta http-equiv="Content-Type" content="text/html; charset=shift_jis"><p>令和7年度末まで</p>'.encode(
                    "cp932"
                ),
                None,
            ),
            ('<?xml version="1.0" encoding="EUC-JP"?><p>令和7年度末まで</p>'.encode("euc_jp"), None),
            ("<p>令和7年度末まで</p>".encode("cp932"), "cp932"),
            ("\ufeff<p>令和7年度末まで</p>".encode("utf-16-le"), None),
            (codecs.BOM_UTF8 + '<meta charset="shift_jis"><p>令和7年度末まで</p>'.encode(), None),
        ],
    )
    def test_charsets(self, tmp_path: Path, data: bytes, encoding: str | None) -> None:
        options = {} if encoding is None else {"encoding": encoding}
        assert self._read(tmp_path, data, **options).text == "令和7年度末まで\n"

    def test_an_unknown_charset(self, tmp_path: Path) -> None:
        with pytest.raises(DocumentError, match="unknown charset 'x-klingon' in its <meta> tag"):
            self._read(tmp_path, b'<meta charset="x-klingon"><p>a</p>')

    def test_shift_jis_without_a_charset_names_the_byte(self, tmp_path: Path) -> None:
        with pytest.raises(DocumentError, match=r'page\.html: byte 3 \(0x97\): not UTF-8 text.*encoding="cp932"'):
            self._read(tmp_path, "<p>令和7年度末まで</p>".encode("cp932"))

    def test_a_hundred_megabytes_of_markup_are_refused_unread(self, tmp_path: Path) -> None:
        path = tmp_path / "huge.html"
        with open(path, "wb") as stream:
            stream.truncate(100 * 2**20)  # sparse: nothing is written, and nothing must be read
        with pytest.raises(DocumentError, match=r"huge\.html: 100 MB is more than the 8 MB of HTML dgplan reads"):
            read_document(path)

    @pytest.mark.parametrize(
        "markup",
        [
            # html.parser scans from each unclosed construct to the end of the page: quadratic time
            # (the first of these, 200 kB, took 80 s before the page was defused)
            "<!--" * 50_000,
            "<!-- a > " * 20_000,
            "<![CDATA[" * 20_000,
            "<!" * 100_000,
            "<?" * 100_000,
            "<a " * 50_000,
            "<" * 100_000,
        ],
        ids=["comments", "comments-with-gt", "cdata", "declarations", "instructions", "tags", "lt"],
    )
    def test_unclosed_markup_in_linear_time(self, tmp_path: Path, markup: str) -> None:
        # No timing is asserted (the suite's timings are noisy); a quadratic reading would take
        # minutes here, and the text must be what a browser shows.
        document = self._read(tmp_path, "<p>令和7年度末まで</p>" + markup)
        assert document.text.startswith("令和7年度末まで")

    def test_comments_declarations_and_scripts(self, tmp_path: Path) -> None:
        markup = (
            "<!DOCTYPE html><?xml-stylesheet href='a'?><p>一<!-- 令和9年度末まで -->二</p>"
            "<script>if (a<!b) { x = '<!--'; }</script><p>三<![CDATA[ 四 ]]>五</p>"
            "<style>p::before { content: '<!' }</style><p>六 < 七</p><p>八 <!-- 閉じない"
        )
        assert self._read(tmp_path, markup).text == "一二\n三五\n六 < 七\n八\n"

    def test_too_many_tags(self, tmp_path: Path) -> None:
        with pytest.raises(DocumentError, match=r"page\.html: the page holds 400,001 tags, more than the 400,000"):
            self._read(tmp_path, "<b>" * 400_001)

    def test_deep_markup_in_bounded_time(self, tmp_path: Path) -> None:
        document = self._read(tmp_path, "<div>" * 100_000 + "令和7年度末まで" + "</div>" * 100_000)
        assert document.text == "令和7年度末まで\n"


# -- only DgplanError escapes --------------------------------------------------------------------


def _valid_files(folder: Path) -> dict[str, bytes]:
    write_docx(folder / "valid.docx", ["事務連絡", "令和7年1月20日"], tables=[[["施策", "令和7年度中"]]])
    return {
        "pdf": text_pdf(["Deadline 2025-03-31", "second page"]),
        "docx": (folder / "valid.docx").read_bytes(),
        "html": notice_html().encode(),
        "txt": "令和7年1月20日\n令和7年度末までに提出\n".encode(),
    }


VALID = _valid_files(Path(tempfile.mkdtemp()))


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    suffix=st.sampled_from(sorted(VALID)),
    changes=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=12),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_corrupted_files_raise_only_dgplan_errors(
    tmp_path: Path, suffix: str, changes: list[tuple[float, int]], cut: float | None
) -> None:
    data = bytearray(VALID[suffix])
    for where, byte in changes:
        data[int(where * len(data))] = byte
    if cut is not None:
        data = data[: int(cut * len(data))]
    path = tmp_path / f"corrupt.{suffix}"
    path.write_bytes(bytes(data))
    try:
        document = read_document(path)
    except DgplanError as error:
        assert str(path) in str(error)
    else:
        assert document.text == PAGE_SEPARATOR.join(page.text for page in document.pages)


class TestTheSharedZipBound:
    """dgplan._archive measures .docx and .xlsx alike; a zip directory that Python's zipfile refuses in
    its own way (NotImplementedError for an unknown zip version) is a damaged file, not a crash."""

    @staticmethod
    def _newer_zip_version(data: bytes) -> bytes:
        entry = data.index(b"PK\x01\x02")
        return data[: entry + 6] + b"\xff\x00" + data[entry + 8 :]

    def test_docx(self, tmp_path: Path) -> None:
        data = write_docx(tmp_path / "n.docx", ["本文"]).read_bytes()
        (tmp_path / "n.docx").write_bytes(self._newer_zip_version(data))
        with pytest.raises(DocumentError, match=r"n\.docx: the \.docx is damaged"):
            read_document(tmp_path / "n.docx")

    def test_xlsx(self, tmp_path: Path) -> None:
        import openpyxl

        from dgplan import PlanError, load_plan

        book = openpyxl.Workbook()
        book.active.append(["施策番号", "期限"])
        book.save(tmp_path / "plan.xlsx")
        (tmp_path / "plan.xlsx").write_bytes(self._newer_zip_version((tmp_path / "plan.xlsx").read_bytes()))
        with pytest.raises(PlanError, match=r"plan\.xlsx"):
            load_plan(tmp_path / "plan.xlsx", issued=date(2025, 1, 20))


# -- real passages -------------------------------------------------------------------------------

# Beside the repository, as tests/conftest.py finds them; skipped where ../shared is absent.
SOURCES = Path(__file__).resolve().parents[2] / "shared" / "sources"
PLAN_SOURCE = SOURCES / "digital-priority-plan-2021.txt"
OTHER_PLAN = SOURCES / "other-plans" / "basic-environment-plan-6-draft-part2-ch3.txt"


@pytest.mark.parametrize(
    ("source", "reference"),
    [(PLAN_SOURCE, date(2021, 6, 18)), (OTHER_PLAN, None)],
    ids=["digital-priority-plan-2021", "basic-environment-plan-6-draft"],
)
def test_real_plans_printed_to_pdf_give_the_deadlines_of_their_text(
    render: Callable[[str, Path], Path], tmp_path: Path, source: Path, reference: date | None
) -> None:
    """Real plans (../shared/sources, not in the repository), one paragraph per line of their text,
    printed by Chromium: the PDF read back gives the deadlines of the text, each located at a line
    of the page that holds the start of its phrase."""
    if not source.is_file():
        pytest.skip(f"the plan's text is not at {source} (../shared is absent)")
    text = source.read_text(encoding="utf-8")
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    document = read_document(render(page_html(body), tmp_path / "plan.pdf"))
    assert len(document.pages) > 10

    def found(text: str) -> list[tuple[object, ...]]:
        return [(d.kind, d.window, d.due, d.approximate) for d in find_deadlines(text, reference=reference)]

    expected = found(text)
    assert len(expected) > 20
    assert found(document.text) == expected
    for deadline in find_deadlines(document.text, reference=reference):
        assert deadline.span is not None
        location = document.locate(deadline.span[0])
        line = document.pages[location.page - 1].text.split("\n")[location.line - 1]
        assert line[location.column - 1 :].startswith(document.text[deadline.span[0] : deadline.span[1]].split("\n")[0])
