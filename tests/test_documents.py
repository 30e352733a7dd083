"""dgplan.documents: documents read page by page, their offsets located, and the date they state."""

from __future__ import annotations

import codecs
import re
from datetime import date
from pathlib import Path

import pytest

from dgplan import Document, DocumentError, Location, document_date, find_deadlines, read_document


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
