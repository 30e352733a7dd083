"""Documents made by the tests: PDFs rendered by headless Chromium from Japanese HTML, PDFs written
by hand (encrypted, image-only, looping, deeply nested, 10,000 pages), Word files written with
python-docx, and HTML pages. Shared by the tests of dgplan.documents and of the scan built on it.

Chromium comes from the ``chromium`` fixture of conftest.py (the system's browser with Japanese
fonts; skipped with what to install where it is missing, required where DGPLAN_REQUIRE_BROWSER=1):

    @pytest.fixture(scope="module")
    def render(chromium: str) -> Iterator[Callable[[str, Path], Path]]:
        with chromium_pdf(chromium) as render:
            yield render

    render(notice_html(...), tmp_path / "notice.pdf")
"""

from __future__ import annotations

import contextlib
import html
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

#: The page style of the rendered documents: Japanese fonts (fonts-noto-cjk), A4, a notice's sizes.
STYLE = """
@page { size: A4; margin: 20mm; }
body { font-family: 'Noto Serif CJK JP', 'Noto Sans CJK JP', serif; font-size: 11pt; line-height: 1.6; }
h1 { font-size: 16pt; text-align: center; }
.right { text-align: right; }
.columns { column-count: 2; column-gap: 8mm; }
table { border-collapse: collapse; margin: 4mm 0; }
td, th { border: 1px solid #000; padding: 1mm 3mm; }
.footnotes { font-size: 8pt; border-top: 1px solid #000; }
.page { break-after: page; }
.page:last-child { break-after: auto; }
"""


def page_html(body: str, *, title: str = "文書") -> str:
    """A whole Japanese HTML page around ``body`` (markup), in :data:`STYLE`."""
    return (
        f'<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>{body}</body></html>"
    )


def notice_html(
    *,
    number: str = "府地第123号",
    dated: str = "令和7年1月20日",
    addressee: str = "各都道府県知事　殿",
    title: str = "デジタル<ruby>行財政<rt>ぎょうざいせい</rt></ruby>改革の推進について（通知）",
    paragraphs: Sequence[str] = (
        "標記について、令和7年度末までに各団体の<ruby>工程表<rt>こうていひょう</rt></ruby>を提出されたい<sup>1</sup>。",
        "また、遅くとも令和8年6月までに運用を開始すること。",
    ),
    left: str = "左の段：調査票は令和7年3月31日までに返送すること。" + "左の段の文章が続く。" * 3,
    right: str = "右の段：説明会は令和7年夏頃に開催する予定である。" + "右の段の文章が続く。" * 3,
    schedule: Sequence[tuple[str, str]] = (
        ("窓口のデジタル化", "令和7年度中に実施"),
        ("クラウド移行", "令和8年度末までに完了"),
    ),
    footnotes: Sequence[str] = ("提出様式は令和7年2月中に別途通知する。",),
) -> str:
    """A 通知 as such notices are set: 文書番号 and date right-aligned, the addressee, a title with
    ruby, body paragraphs (ruby, a footnote mark), two columns (CSS columns), a table of 実施時期
    cells, and footnotes. Arguments are markup."""
    rows = "".join(f"<tr><td>{what}</td><td>{when}</td></tr>" for what, when in schedule)
    notes = "".join(f"<p>{n} {note}</p>" for n, note in enumerate(footnotes, start=1))
    body = (
        f'<p class="right">{number}<br>{dated}</p><p>{addressee}</p><h1>{title}</h1>'
        + "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
        + f'<div class="columns"><p>{left}</p><p>{right}</p></div>'
        + f"<table><tr><th>施策</th><th>実施時期</th></tr>{rows}</table>"
        + f'<div class="footnotes">{notes}</div>'
    )
    return page_html(body, title="通知")


def pages_html(pages: Sequence[str]) -> str:
    """One printed page per item of ``pages`` (markup), each starting a new page."""
    return page_html("".join(f'<div class="page">{page}</div>' for page in pages))


@contextlib.contextmanager
def chromium_pdf(chromium: str) -> Iterator[Callable[[str, Path], Path]]:
    """A function ``render(html, path)`` that prints ``html`` to a PDF at ``path`` with headless
    Chromium (``page.pdf()``), one browser for every call inside the ``with``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:

            def render(markup: str, path: Path) -> Path:
                page = browser.new_page()
                try:
                    page.set_content(markup, wait_until="load")
                    page.pdf(path=str(path), format="A4", prefer_css_page_size=True)
                finally:
                    page.close()
                return path

            yield render
        finally:
            browser.close()


# -- PDFs written by hand ------------------------------------------------------------------------


def pdf_file(objects: Sequence[bytes], *, root: int = 1, trailer: bytes = b"") -> bytes:
    """A PDF of ``objects`` (object ``n`` is ``objects[n - 1]``, without ``obj``/``endobj``) with a
    correct cross-reference table; ``trailer`` adds entries to the trailer dictionary."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, trailer, xref)
    return bytes(out)


def _stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), entries) + data + b"\nendstream"


def text_pdf(pages: Sequence[str]) -> bytes:
    """A PDF of pages holding ASCII text in a standard font (no Japanese: that needs a font file)."""
    count = len(pages)
    # 1 catalog, 2 pages, 3 font, then a page and its content per page.
    kids = b" ".join(b"%d 0 R" % (4 + 2 * index) for index in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for index, text in enumerate(pages):
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
            b" /Contents %d 0 R >>" % (5 + 2 * index)
        )
        objects.append(_stream(b"BT /F1 12 Tf 72 770 Td (" + escaped + b") Tj ET"))
    return pdf_file(objects)


def image_pdf(pages: int) -> bytes:
    """A scanned document's shape: every page an image, no text layer."""
    pixels = zlib.compress(bytes(range(256)) * 4)  # 32 x 32 grey
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"4 0 R" for _ in range(pages)), pages),
        _stream(pixels, b"/Type /XObject /Subtype /Image /Width 32 /Height 32 /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Filter /FlateDecode"),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 3 0 R >> >>"
        b" /Contents 5 0 R >>",
        _stream(b"q 500 0 0 700 47 70 cm /Im1 Do Q"),
    ]  # fmt: skip
    return pdf_file(objects)


def encrypted_pdf() -> bytes:
    """A PDF protected by a user password (the standard security handler, RC4 40-bit): the
    password check fails for the empty password every reader tries first."""
    pdf = text_pdf(["secret"])
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -44 >>" % (b"ab" * 32, b"cd" * 32)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R >>",
        _stream(b"BT ET"),
        encrypt,
    ]
    del pdf
    return pdf_file(objects, trailer=b"/Encrypt 6 0 R /ID [<%s> <%s>] " % (b"01" * 16, b"01" * 16))


def looping_pdf() -> bytes:
    """A page tree whose node lists itself (and its parent) among its kids: an object graph that loops."""
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 1 >>",
        ]
    )


def deep_pdf(*, tree: int = 0, objects: int = 0) -> bytes:
    """A page tree nested ``tree`` levels deep, and a page whose resources (a dictionary) and content
    (arrays) nest ``objects`` levels deep; its text says ``deep``."""
    found = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(tree):
        found.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (3 + level))
    page = 2 + tree
    if not tree:
        found.append(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
        page = 3
    nested = b"<< /A " * objects + b"1" + b" >>" * objects
    found.append(
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R"
        b" /Resources << /Font << /F1 %d 0 R >> /Deep %s >> >>" % (page - 1, page + 1, page + 2, nested)
    )
    found.append(_stream(b"[" * objects + b"]" * objects + b" BT /F1 12 Tf 72 770 Td (deep) Tj ET"))
    found.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return pdf_file(found)


def many_pages_pdf(pages: int) -> bytes:
    """A PDF of ``pages`` empty pages, all one page object (a small file)."""
    kids = b" ".join(b"3 0 R" for _ in range(pages))
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
    )


# -- Word and HTML -------------------------------------------------------------------------------


def write_docx(
    path: Path, paragraphs: Sequence[str], *, tables: Sequence[Sequence[Sequence[str]]] = (), after: Sequence[str] = ()
) -> Path:
    """A .docx of ``paragraphs``, then ``tables`` (rows of cell texts), then the ``after`` paragraphs."""
    import docx

    document: Any = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    for rows in tables:
        table = document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
        for row_index, row in enumerate(rows):
            for column, text in enumerate(row):
                table.cell(row_index, column).text = text
    for paragraph in after:
        document.add_paragraph(paragraph)
    document.save(str(path))
    return path


def zip_bomb(path: Path, source: Path, inflated: int) -> Path:
    """``source`` (a .docx or .xlsx) with a part that inflates to ``inflated`` bytes of spaces."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in original.infolist():
            bomb.writestr(item, original.read(item))
        with bomb.open("word/padding.xml", "w") as padding:
            chunk = b" " * 2**20
            for _ in range(inflated // len(chunk) + 1):
                padding.write(chunk)
    return path


def png(width: int = 8, height: int = 8) -> bytes:
    """A small grey PNG (for pages that hold only an image)."""
    rows = b"".join(b"\x00" + bytes([128] * width) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
