"""Documents people receive (PDF, Word, web pages, text) as text, page by page, with offsets.

:func:`read_document` reads a ``.pdf`` (pypdfium2, the ``pdf`` extra), a ``.docx`` (python-docx,
the ``docx`` extra), an ``.html``/``.htm`` page (the standard library's parser) or text (``.txt``,
``.md`` and any other suffix whose bytes decode). The :class:`Document` it returns holds each
page's text and their join, ``Document.text``, in which :func:`dgplan.find_deadlines` finds
deadlines; :meth:`Document.locate` turns an offset of that text back into page, line and column,
so every deadline can be shown as ``file:page:line``. :func:`document_date` reads the date a
document states at its head (a dated line, or a 閣議決定 date under the title), never the file's
modification time.

Nothing here is imported by ``import dgplan``; the PDF and Word libraries are imported when a file
of theirs is read.
"""

from __future__ import annotations

import bisect
import codecs
import datetime
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from dgplan._archive import MAX_INFLATED, inflated_size
from dgplan._text import normalize_phrase
from dgplan.era import parse_date
from dgplan.errors import DgplanError, DocumentError

__all__ = [
    "DEFAULT_MAX_PAGES",
    "MAX_MARKUP_BYTES",
    "MAX_MARKUP_TAGS",
    "MAX_PDF_BYTES",
    "MAX_TEXT_BYTES",
    "PAGE_SEPARATOR",
    "Document",
    "DocumentDate",
    "Location",
    "Page",
    "document_date",
    "read_document",
]

#: What joins the pages' texts in ``Document.text``: a form feed on a line of its own, so no
#: phrase runs from one page into the next and a line count never straddles two pages.
PAGE_SEPARATOR = "\n\f\n"
#: How many pages :func:`read_document` reads before refusing (its ``max_pages`` keyword): a plan
#: runs to a few hundred; 10,000 pages of text would take minutes and gigabytes.
DEFAULT_MAX_PAGES = 2_000
#: The largest HTML page read: a notice's page is tens of kilobytes and a plan's a few megabytes;
#: the standard library's parser reads about a megabyte a second, so 100 MB would take minutes.
MAX_MARKUP_BYTES = 8 * 2**20
#: The most tags (``<``) an HTML page may hold: a plan's page has tens of thousands; the parser
#: takes up to 8 µs for each, so 400,000 take about 3 seconds.
MAX_MARKUP_TAGS = 400_000
#: The largest text file read (decoding is fast; the deadline scan over it is the cost).
MAX_TEXT_BYTES = 64 * 2**20
#: The largest PDF read: plans with their figures run to tens of megabytes.
MAX_PDF_BYTES = 512 * 2**20


@dataclass(frozen=True, slots=True)
class Location:
    """Where an offset of ``Document.text`` is: 1-based page, line within the page, and column
    (in characters).

    >>> from dgplan import Document
    >>> document = Document.from_pages("notice.pdf", "pdf", ["表紙", "本文\\n提出は令和7年度末まで"])
    >>> document.locate(document.text.index("令和"))
    Location(page=2, line=2, column=4)
    """

    page: int
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Page:
    """One page's text and where it starts in ``Document.text``.

    >>> from dgplan import Document
    >>> document = Document.from_pages("notice.pdf", "pdf", ["表紙", "本文"])
    >>> document.pages[1], document.text[document.pages[1].start :]
    (Page(number=2, text='本文', start=5), '本文')
    """

    number: int
    text: str
    start: int

    @property
    def end(self) -> int:
        """The offset just past this page's text in ``Document.text``."""
        return self.start + len(self.text)


@dataclass(frozen=True, slots=True)
class DocumentDate:
    """The date a document states for itself, the words it was read from, where, and why.

    ``source`` is a short English reason: ``"dated line at the head"``,
    ``"閣議決定 date under the title"``.

    >>> from dgplan import document_date
    >>> found = document_date("デジタル社会の実現に向けた重点計画\\n\\n令和3年6月18日\\n閣議決定\\n")
    >>> found.date, found.text, found.location.line, found.source
    (datetime.date(2021, 6, 18), '令和3年6月18日 閣議決定', 3, '閣議決定 date under the title')
    """

    date: datetime.date
    text: str
    location: Location
    source: str


@dataclass(frozen=True, slots=True)
class Document:
    """A document read by :func:`read_document`.

    ``text`` is the pages' texts joined with :data:`PAGE_SEPARATOR` (``"\\n\\f\\n"``); ``kind`` is
    ``"pdf"``, ``"docx"``, ``"html"`` or ``"text"``; ``date`` is what :func:`document_date` reads
    on page 1, or None.

    >>> doc = Document.from_pages("notice.txt", "text", ["令和7年1月20日\\n通知", "第2頁\\n令和7年度末まで"])
    >>> doc.text.index("令和7年度末"), doc.locate(doc.text.index("令和7年度末"))
    (19, Location(page=2, line=2, column=1))
    >>> doc.where(19), doc.date.date
    ('notice.txt:2:2', datetime.date(2025, 1, 20))
    """

    path: str
    kind: str
    pages: tuple[Page, ...]
    text: str
    date: DocumentDate | None
    # Where lines and pages start in ``text``: locate() is a binary search, not a count. Computed
    # once, when the document is made.
    _line_starts: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)
    _page_starts: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_line_starts", (0, *(match.end() for match in _NEWLINE.finditer(self.text))))
        object.__setattr__(self, "_page_starts", tuple(page.start for page in self.pages))

    @classmethod
    def from_pages(cls, path: str | os.PathLike[str], kind: str, texts: list[str] | tuple[str, ...]) -> Document:
        """A document of these page texts (joined with :data:`PAGE_SEPARATOR`), its date read from page 1."""
        pages = []
        start = 0
        for number, text in enumerate(texts, start=1):
            pages.append(Page(number, text, start))
            start += len(text) + len(PAGE_SEPARATOR)
        found = document_date(pages[0].text) if pages else None
        return cls(os.fspath(path), kind, tuple(pages), PAGE_SEPARATOR.join(texts), found)

    def page_at(self, offset: int) -> Page:
        """The page holding ``offset`` (an offset in the separator after a page counts as that page's end)."""
        if not 0 <= offset <= len(self.text) or not self.pages:
            raise DocumentError(
                f"{self.path}: offset {offset} is outside the document's text (0 to {len(self.text)})", path=self.path
            )
        index = bisect.bisect_right(self._page_starts, offset) - 1
        return self.pages[max(index, 0)]

    def locate(self, offset: int) -> Location:
        """Page, line and column (all 1-based) of an offset of ``text``; raises
        :class:`DocumentError` outside it."""
        page = self.page_at(offset)
        offset = min(offset, page.end)
        starts = self._line_starts
        line_index = bisect.bisect_right(starts, offset) - 1
        first_line = bisect.bisect_right(starts, page.start) - 1
        return Location(page.number, line_index - first_line + 1, offset - starts[line_index] + 1)

    def where(self, offset: int) -> str:
        """``path:page:line`` of an offset of ``text``, as messages and listings show it."""
        location = self.locate(offset)
        return f"{self.path}:{location.page}:{location.line}"


_NEWLINE = re.compile("\n")


# -- the document's date -------------------------------------------------------------------------

#: How many non-empty lines of page 1 are the head, where a document states its date.
HEAD_LINES = 15

# Words after a date that make its line a decision's date: 閣議決定, デジタル社会推進会議決定, 改定 ...
_DECIDED = ("閣議決定", "決定", "一部改定", "改定", "一部改訂", "改訂", "一部変更", "変更", "策定")
_DECISION_WORD = "|".join(sorted(map(re.escape, _DECIDED), key=len, reverse=True))
# The date part ends at 日 (and an optional weekday); what parse_date reads decides whether it is one.
_DATE_PART = r"(?P<date>[^()]*?(?:\d+|元)年\d+月\d+日(?:\([月火水木金土日](?:曜日?)?(?:・祝日?)?\))?)"
_DATED_LINE = re.compile(rf"\(?{_DATE_PART}(?:付け?)?\)?")
# A body (会議, 本部) of at most 30 characters may stand between the date and the decision word.
_DECISION_LINE = re.compile(rf"\(?{_DATE_PART}(?P<body>[^()。、]{{0,30}}?)(?P<word>{_DECISION_WORD})\)?")
_DECISION_ONLY = re.compile(rf"\(?(?P<body>[^()。、]{{0,30}}?)(?P<word>{_DECISION_WORD})\)?")


@dataclass(frozen=True, slots=True)
class _Candidate:
    date: datetime.date
    text: str
    location: Location
    decision: str | None


def _head_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(1-based line number, 1-based column of its first character, stripped line) of the first
    :data:`HEAD_LINES` non-empty lines."""
    seen = 0
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        yield number, len(line) - len(line.lstrip()) + 1, stripped
        seen += 1
        if seen == HEAD_LINES:
            return


def _as_date(words: str) -> datetime.date | None:
    try:
        return parse_date(words)
    except DgplanError:
        return None


# A date alone on its line is what a notice asks for, not the day it was written, after the 記 that
# opens the notice's particulars, or under a label (提出期限, 実施時期, 日時：) or a table's row: a short
# notice's 記 / 提出期限 / 令和7年3月31日 stands within the head, and read as the document's date its
# deadline would be lost and every relative word read against it.
_PARTICULARS = re.compile(r"[(（]?(?:別\s*)?記[)）]?")
_LABEL = re.compile(
    r".*(?:期限|期日|締切り?|締め切り|〆切|日時|時期|期間|日程|年月日|予定日|開始日|終了日|提出日|実施日|施行日|適用日)"
    r"\s*[)）]?|.*[:：]"
)


def _is_value(lines: list[tuple[int, int, str]], index: int, particulars: bool) -> bool:
    if particulars:
        return True
    if index == 0:
        return False
    previous = lines[index - 1][2]
    return "\t" in previous or _LABEL.fullmatch(normalize_phrase(previous)) is not None


def _candidates(text: str) -> list[_Candidate]:
    lines = list(_head_lines(text))
    found = []
    particulars = False
    for index, (number, column, stripped) in enumerate(lines):
        normal = normalize_phrase(stripped)
        location = Location(1, number, column)
        if _PARTICULARS.fullmatch(normal.replace(" ", "")) is not None:
            particulars = True
            continue
        if _is_value(lines, index, particulars):
            continue
        if (match := _DATED_LINE.fullmatch(normal)) is not None and (day := _as_date(match["date"])) is not None:
            following = lines[index + 1][2] if index + 1 < len(lines) else ""
            decided = _DECISION_ONLY.fullmatch(normalize_phrase(following))
            if decided is not None:  # 令和3年6月18日 / 閣議決定 on two lines, as covers set it
                found.append(_Candidate(day, f"{stripped} {following}", location, decided["word"]))
            else:
                found.append(_Candidate(day, stripped, location, None))
        elif (match := _DECISION_LINE.fullmatch(normal)) is not None and (day := _as_date(match["date"])) is not None:
            found.append(_Candidate(day, stripped, location, match["word"]))
    return found


def document_date(text: str) -> DocumentDate | None:
    """The date a document states at its head, read from the text of its first page; None if it
    states none, or states two different ones the same way.

    The head is the first :data:`HEAD_LINES` non-empty lines. A line that is a date and nothing else
    (``令和7年1月20日``, ``令和７年１月２０日``, ``2025年1月20日``, right-aligned or not, with a weekday
    or ``付``) is the document's date. Without one, the date of a decision line under the title
    (``令和3年6月18日 閣議決定``, ``（令和３年６月18日閣議決定）``, a date with ``閣議決定`` on the next
    line) is, the latest of them where a plan lists its revisions (``令和4年6月7日 改定``). A date
    inside a sentence (``令和2年12月に成立した法律``) is never the document's date, nor is anything
    past the head.

    >>> found = document_date("府地第123号\\n　　　　令和７年１月２０日\\n各都道府県知事　殿\\n")
    >>> found.date, found.text, found.location, found.source
    (datetime.date(2025, 1, 20), '令和７年１月２０日', Location(page=1, line=2, column=5), 'dated line at the head')
    >>> document_date("デジタル社会の実現に向けた重点計画\\n（令和３年６月18日閣議決定）").source
    '閣議決定 date under the title'
    >>> document_date("令和2年12月に成立した法律に基づき") is None
    True
    """
    found = _candidates(text)
    dated = [candidate for candidate in found if candidate.decision is None]
    if dated:
        if len({candidate.date for candidate in dated}) > 1:
            return None  # two dated lines that disagree: which one is the document's is a guess
        first = dated[0]
        return DocumentDate(first.date, first.text, first.location, "dated line at the head")
    if not found:
        return None
    latest = max(found, key=lambda candidate: candidate.date)
    return DocumentDate(latest.date, latest.text, latest.location, f"{latest.decision} date under the title")


# -- reading -------------------------------------------------------------------------------------

_KINDS = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html"}
#: Formats dgplan does not read, with what to do instead.
_UNREAD = {
    ".doc": "an old Word document (.doc)",
    ".rtf": "a rich text file (.rtf)",
    ".xls": "an old Excel workbook (.xls)",
    ".xlsx": "an Excel workbook (.xlsx)",
    ".xlsm": "an Excel workbook (.xlsm)",
    ".pptx": "a PowerPoint file (.pptx)",
    ".ppt": "a PowerPoint file (.ppt)",
    ".odt": "an OpenDocument text (.odt)",
}


def read_document(
    path: str | os.PathLike[str], *, encoding: str | None = None, max_pages: int = DEFAULT_MAX_PAGES
) -> Document:
    """Read a document's text page by page: ``.pdf``, ``.docx``, ``.html``/``.htm``, or text.

    Text is UTF-8 with or without a byte order mark, UTF-16 or UTF-32 by its byte order mark, or the
    ``encoding`` given (``encoding="cp932"`` for Shift_JIS); for HTML ``encoding`` is the charset
    when the page has no byte order mark. A document of more than ``max_pages`` pages is refused.
    Every problem (a missing file, a directory, an encrypted or scanned PDF, a corrupt file, bytes
    that do not decode) is a :class:`DocumentError` that quotes the file and says where and what
    was expected.

    >>> import tempfile
    >>> from pathlib import Path
    >>> notice = Path(tempfile.mkdtemp()) / "notice.txt"
    >>> _ = notice.write_text("事務連絡\\n令和7年1月20日\\n\\n報告は令和7年3月末までに提出。\\n", encoding="utf-8")
    >>> document = read_document(notice)
    >>> document.kind, len(document.pages), document.date.date
    ('text', 1, datetime.date(2025, 1, 20))
    """
    name = os.fspath(path)
    if max_pages < 1:
        raise ValueError(f"max_pages must be at least 1 (got {max_pages!r})")
    file = Path(name)
    try:
        status = file.stat()
    except FileNotFoundError:
        raise DocumentError(f"{name}: no such file", path=name) from None
    except OSError as error:
        raise DocumentError(f"{name}: cannot read: {error.strerror or error}", path=name) from None
    if stat.S_ISDIR(status.st_mode):
        raise DocumentError(f"{name}: is a folder, not a document; give the files in it", path=name)
    if not stat.S_ISREG(status.st_mode):
        # A FIFO would block the read for ever, /dev/zero or /dev/urandom feed it without end.
        raise DocumentError(
            f"{name}: not a regular file but {_special_kind(status.st_mode)}; save the document as a file, give that",
            path=name,
        )
    suffix = file.suffix.lower()
    if suffix in _UNREAD:
        raise DocumentError(f"{name}: {_UNREAD[suffix]} is not read; save it as PDF, .docx, HTML or text", path=name)
    kind = _KINDS.get(suffix, "text")
    if kind == "pdf":
        texts = _pdf_pages(name, status.st_size, max_pages)
    elif kind == "docx":
        texts = [_docx_text(name)]
    elif kind == "html":
        texts = [_html_text(name, status.st_size, encoding)]
    else:
        texts = _text_pages(name, status.st_size, encoding, max_pages)
    return Document.from_pages(name, kind, texts)


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _read_bytes(name: str, size: int, limit: int, what: str) -> bytes:
    if size > limit:
        raise DocumentError(
            f"{name}: {size / 2**20:,.0f} MB is more than the {limit // 2**20} MB of {what} dgplan reads; refusing",
            path=name,
        )
    try:
        with open(name, "rb") as stream:
            # Read at most one byte past the limit: the file may have grown since it was measured.
            data = stream.read(limit + 1)
    except OSError as error:
        raise DocumentError(f"{name}: cannot read: {error.strerror or error}", path=name) from None
    if len(data) > limit:
        raise DocumentError(f"{name}: more than the {limit // 2**20} MB of {what} dgplan reads; refusing", path=name)
    return data


_MAGIC = {
    b"PK\x03\x04": "a zip archive (a .docx, .xlsx or .zip file)",
    b"%PDF": "a PDF",
    b"\xd0\xcf\x11\xe0": "an old Office file (.doc, .xls)",
}


def _looks_like(data: bytes) -> str | None:
    return next((what for magic, what in _MAGIC.items() if data.startswith(magic)), None)


def _decode(name: str, data: bytes, encoding: str | None) -> str:
    """The text of ``data``: by its byte order mark, else ``encoding``, else UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        chosen, data = "utf-8", data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        # Before UTF-16: UTF-32's little-endian mark starts with UTF-16's, and read as UTF-16 the
        # text would come with a NUL between its characters.
        chosen = "utf-32"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        chosen = "utf-16"  # the byte order mark says so, unambiguously, whatever was named
    else:
        chosen = encoding or "utf-8"
    try:
        return data.decode(chosen).removeprefix("\ufeff")
    except LookupError:
        raise DocumentError(f"{name}: unknown encoding {chosen!r}", path=name) from None
    except UnicodeDecodeError as error:
        byte = data[error.start]
        where = f"{name}: byte {error.start:,} ({byte:#04x})"
        if (what := _looks_like(data)) is not None:
            message = f"{name}: not text but {what}; give it a suffix dgplan reads (.pdf, .docx)"
        elif b"\x00" in data[:4096]:
            message = (
                f"{where}: not {chosen} text; NUL bytes between the characters mean UTF-16 without its byte order"
                ' mark: pass encoding="utf-16-le" (--encoding utf-16-le)'
            )
        elif encoding is None:
            message = (
                f"{where}: not UTF-8 text; a file saved by Japanese Windows is usually Shift_JIS:"
                ' pass encoding="cp932" (--encoding cp932 on the command line)'
            )
        else:
            message = f"{where}: not {chosen} text"
        raise DocumentError(message, path=name) from None


def _lines(text: str) -> str:
    """Line breaks as ``\\n``: offsets then count the same on every platform's files."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _text_pages(name: str, size: int, encoding: str | None, max_pages: int) -> list[str]:
    data = _read_bytes(name, size, MAX_TEXT_BYTES, "text")
    text = _lines(_decode(name, data, encoding))
    # pdftotext and other extractors mark a new page with a form feed: keep their pages.
    pages = text.split("\f")
    if len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    if len(pages) > max_pages:
        raise _too_many_pages(name, len(pages), max_pages)
    return pages


def _too_many_pages(name: str, count: int, max_pages: int) -> DocumentError:
    return DocumentError(
        f"{name}: {count:,} pages, more than the {max_pages:,} read (max_pages={max_pages}); refusing", path=name
    )


def _pdf_library(name: str) -> Any:
    try:
        import pypdfium2
    except ImportError:
        raise DocumentError(f"{name}: reading PDF needs pypdfium2: pip install 'dgplan[pdf]'", path=name) from None
    return pypdfium2


def _check_pdf_file(name: str, size: int) -> None:
    """Refuse, before PDFium repairs it into something else, a file that is not a whole PDF."""
    if size > MAX_PDF_BYTES:
        raise DocumentError(
            f"{name}: {size / 2**20:,.0f} MB is more than the {MAX_PDF_BYTES // 2**20} MB of PDF dgplan reads;"
            " refusing",
            path=name,
        )
    try:
        with open(name, "rb") as stream:
            head = stream.read(1024)
            stream.seek(max(size - 1024, 0))
            tail = stream.read(1024)
    except OSError as error:
        raise DocumentError(f"{name}: cannot read: {error.strerror or error}", path=name) from None
    if b"%PDF-" not in head:
        if not head:
            raise DocumentError(f"{name}: an empty file, not a PDF", path=name)
        what = _looks_like(head)
        if what is not None:
            raise DocumentError(f"{name}: not a PDF but {what}; a PDF starts with %PDF-", path=name)
        raise DocumentError(f"{name}: not a PDF: it does not start with %PDF- (it starts {head[:12]!r})", path=name)
    # PDFium rebuilds a file cut short from what is left, and would read a part of it as the whole:
    # a PDF ends with %%EOF (readers look for it in the last kilobyte).
    if b"%%EOF" not in tail:
        raise DocumentError(
            f"{name}: the PDF is truncated or damaged: it does not end with %%EOF; download or save it again",
            path=name,
        )


_PDF_LOAD_ERRORS = {
    "password": "the PDF is encrypted; open it and save a copy without a password, then read that",
    "security": "the PDF uses a security handler PDFium does not support; save a copy without protection",
    "format": "the PDF is damaged (PDFium cannot parse it); download or save it again",
    "file": "cannot open the file",
}


def _pdf_pages(name: str, size: int, max_pages: int) -> list[str]:
    pdfium = _pdf_library(name)
    _check_pdf_file(name, size)
    from pypdfium2 import raw

    reasons = {
        raw.FPDF_ERR_PASSWORD: "password",
        raw.FPDF_ERR_SECURITY: "security",
        raw.FPDF_ERR_FORMAT: "format",
        raw.FPDF_ERR_FILE: "file",
    }
    try:
        pdf = pdfium.PdfDocument(name)
    except pdfium.PdfiumError as error:
        reason = reasons.get(getattr(error, "err_code", None), "format")
        raise DocumentError(f"{name}: {_PDF_LOAD_ERRORS[reason]}", path=name) from None
    except OSError as error:
        raise DocumentError(f"{name}: cannot read: {error.strerror or error}", path=name) from None
    try:
        count = len(pdf)
        if count > max_pages:
            raise _too_many_pages(name, count, max_pages)
        texts: list[tuple[str, bool]] = []
        for index in range(count):
            try:
                texts.append(_pdf_page_text(pdf, index))
            except pdfium.PdfiumError:
                raise DocumentError(
                    f"{name}: page {index + 1} cannot be loaded: the page tree is damaged (it loops, nests"
                    " too deeply or lacks the page); download or save the PDF again",
                    path=name,
                    page=index + 1,
                ) from None
    finally:
        pdf.close()
    if not texts:
        raise DocumentError(f"{name}: the PDF has no pages", path=name)
    if not any(text.strip() for text, _ in texts):
        pages = _page_ranges(list(range(1, len(texts) + 1)))
        if any(drawn for _, drawn in texts):
            raise DocumentError(f"{name}: no text on pages {pages}: the PDF holds images; run OCR first", path=name)
        raise DocumentError(f"{name}: no text on pages {pages}: the pages are empty", path=name)
    return [text for text, _ in texts]


def _page_ranges(numbers: list[int]) -> str:
    """``1-12``, ``1-3, 7``: runs of consecutive page numbers."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return ", ".join(str(first) if first == last else f"{first}-{last}" for first, last in runs)


# PDFium marks a hyphen that ends a line (G-MIS, i-Construction set across two lines) with U+FFFE, or
# U+0002 in some versions: it is the text's hyphen. Other controls (NULs) are dropped; tabs and line
# breaks stay.
_PDF_HYPHENS = re.compile("[\x02\ufffe]")
_PDF_CONTROLS = re.compile("[\x00\x01\x03-\x08\x0b-\x1f\x7f\uffff]")
# Ruby in Japanese documents is hiragana; a line of katakana is more often a word of the text.
_KANA_LINE = re.compile("[\u3041-\u3096\u30fc ]+")
_HAS_KANJI = re.compile("[\u3400-\u9fff\uf900-\ufaff\u3005]")
#: A line of hiragana set at most this fraction of the size of a line beside it that holds kanji is
#: that line's ruby.
RUBY_SIZE_RATIO = 0.7


def _pdf_page_text(pdf: Any, index: int) -> tuple[str, bool]:
    """The page's text, and whether anything is drawn on it (an image, a path: a scan has no text)."""
    from pypdfium2 import raw

    page = pdf[index]
    try:
        drawn = raw.FPDFPage_CountObjects(page.raw) > 0
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
            lines = text.split("\r\n")
            if _read_as_vertical(lines):
                lines, metrics = _horizontal_lines(textpage, raw)
            else:
                metrics = _pdfium_metrics(lines, textpage, raw)
            if _KANA_LINE.search(text) is not None:
                lines = _without_ruby(lines, metrics)
            text = "\n".join(lines)
        finally:
            textpage.close()
    finally:
        page.close()
    return _PDF_CONTROLS.sub("", _PDF_HYPHENS.sub("-", _lines(text))), drawn


# A line's glyph size and the bottom and top of its first glyph (PDF's y grows upwards), or None.
_Metrics = Callable[[int], "tuple[float, float, float] | None"]


def _read_as_vertical(lines: list[str]) -> bool:
    """Whether PDFium took a page of short horizontal lines (a cover: a title, a date) for vertical
    writing and put each character on a line of its own (seen on Chromium's PDFs)."""
    filled = [line for line in lines if line.strip()]
    return len(filled) >= 3 and sum(len(line.strip()) == 1 for line in filled) >= 0.9 * len(filled)


def _pdfium_metrics(lines: list[str], textpage: Any, raw: Any) -> _Metrics:
    starts = []
    offset = 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 2

    def metrics(number: int) -> tuple[float, float, float] | None:
        line = lines[number]
        stripped = len(line) - len(line.lstrip())
        if stripped == len(line):
            return None
        char = int(raw.FPDFText_GetCharIndexFromTextIndex(textpage.raw, starts[number] + stripped))
        if char < 0:
            return None
        _, bottom, _, top = textpage.get_charbox(char)
        return float(raw.FPDFText_GetFontSize(textpage.raw, char)), float(bottom), float(top)

    return metrics


def _horizontal_lines(textpage: Any, raw: Any) -> tuple[list[str], _Metrics]:
    """The page's lines rebuilt from its characters' boxes: characters whose middles are within half
    a glyph of each other vertically are one line, read left to right; lines top to bottom."""
    chars = []
    for index in range(textpage.count_chars()):
        code = raw.FPDFText_GetUnicode(textpage.raw, index)
        if code in (0, 10, 13) or raw.FPDFText_IsGenerated(textpage.raw, index) == 1:
            continue
        left, bottom, _, top = textpage.get_charbox(index)
        size = float(raw.FPDFText_GetFontSize(textpage.raw, index))
        chars.append(((bottom + top) / 2, left, chr(code), size, bottom, top))
    chars.sort(key=lambda char: (-char[0], char[1]))
    rows: list[list[tuple[float, float, str, float, float, float]]] = []
    for char in chars:
        if rows and abs(rows[-1][0][0] - char[0]) <= max(char[3], rows[-1][0][3], 1.0) / 2:
            rows[-1].append(char)
        else:
            rows.append([char])
    lines = []
    firsts = []
    for row in rows:
        row.sort(key=lambda char: char[1])
        lines.append("".join(char[2] for char in row))
        firsts.append((row[0][3], row[0][4], row[0][5]))

    def metrics(number: int) -> tuple[float, float, float] | None:
        return firsts[number]

    return lines, metrics


def _without_ruby(lines: list[str], metrics: _Metrics) -> list[str]:
    """The page's lines without its ruby (furigana). PDFium gives a ruby its own line, next to the
    line of the words it reads, in glyphs about half their size, set just above them. A line of
    hiragana that small, standing just above a line with kanji beside it, is dropped; a line of kana
    in the body's size, or below the larger line (a paragraph under a heading), stays."""

    def is_ruby(number: int) -> bool:
        own = metrics(number)
        if own is None or own[0] <= 0:
            return False
        own_size, own_bottom, _ = own
        for other in (number - 1, number + 1):
            if not 0 <= other < len(lines) or _HAS_KANJI.search(lines[other]) is None:
                continue
            base = metrics(other)
            if base is None:
                continue
            size, _, top = base
            # Smaller, and its glyphs' bottom at the base line's top (a little below it: glyph boxes
            # overlap), not under the line.
            if own_size <= RUBY_SIZE_RATIO * size and top - size / 2 <= own_bottom <= top + size:
                return True
        return False

    return [
        line
        for number, line in enumerate(lines)
        if not (line.strip() and _KANA_LINE.fullmatch(line) is not None and is_ruby(number))
    ]


def _docx_text(name: str) -> str:
    """The text of a Word document: paragraphs and table cells in document order, one cell per line
    part (cells of a row joined by tabs), nested tables read where they stand. Word has no pages
    in its file (they are laid out when shown), so the document is one page; headers, footers,
    footnotes, comments and text boxes are not read."""
    try:
        import docx
        from docx.text.paragraph import Paragraph
    except ImportError:
        raise DocumentError(
            f"{name}: reading Word files needs python-docx: pip install 'dgplan[docx]'", path=name
        ) from None
    try:
        with open(name, "rb") as stream:
            head = stream.read(4)
    except OSError as error:
        raise DocumentError(f"{name}: cannot read: {error.strerror or error}", path=name) from None
    if head != b"PK\x03\x04":
        if not head:
            raise DocumentError(f"{name}: an empty file, not a Word document (.docx)", path=name)
        what = _looks_like(head) or f"a file that starts {head!r}"
        raise DocumentError(f"{name}: not a Word document (.docx) but {what}; a .docx is a zip archive", path=name)
    inflated = inflated_size(name)
    if inflated is None:
        raise DocumentError(f"{name}: the .docx is damaged (its zip directory cannot be read)", path=name)
    if inflated > MAX_INFLATED:
        raise DocumentError(
            f"{name}: the document inflates to {inflated / 2**20:,.0f} MB, more than the {MAX_INFLATED // 2**20} MB"
            " dgplan reads (a zip bomb, or a document far larger than a notice); refusing",
            path=name,
        )
    try:
        body = docx.Document(name).element.body
        lines: list[str] = []
        _docx_block(body, lines, Paragraph)
    except (DocumentError, MemoryError, RecursionError):
        raise
    except Exception as error:  # python-docx and lxml fail in many ways on a file that is not a document
        raise DocumentError(f"{name}: not a readable Word document (.docx): {_reason(error)}", path=name) from None
    return "\n".join(lines) + "\n" if lines else ""


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_block(element: Any, lines: list[str], paragraph: Any) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            lines.append(paragraph(child, None).text)
        elif tag == f"{_W}tbl":
            for row in child.iterchildren(f"{_W}tr"):
                cells = []
                for cell in row.iterchildren(f"{_W}tc"):
                    inner: list[str] = []
                    _docx_block(cell, inner, paragraph)
                    cells.append("\n".join(inner))
                lines.append("\t".join(cells))
        elif tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}ins", f"{_W}smartTag"):
            _docx_block(child, lines, paragraph)


# -- HTML ----------------------------------------------------------------------------------------

#: Elements whose start and end break the line, as a browser lays them out.
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
        "legend",
    ]
)
#: Elements whose text is not the page's: scripts, styles, ruby readings (rt, rp), the title.
_DROPPED = frozenset(
    [
        "script",
        "style",
        "template",
        "noscript",
        "title",
        "rt",
        "rp",
        "svg",
        "math",
        "iframe",
        "object",
        "select",
        "textarea",
    ]
)
_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]
)
_SPACE_RUN = re.compile(r"[ \t\n\r\f]+")


class _HTMLText(HTMLParser):
    """The text of a page as a browser lays it out: block elements on their own lines, table cells of
    a row joined by tabs, white space collapsed (kept in <pre>), scripts, styles and ruby readings
    dropped, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropped: list[str] = []
        self.pre = 0
        self.first_cell = True

    def _newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropped:
            if tag in _DROPPED and tag not in _VOID:
                if tag in ("rt", "rp") and self.dropped[-1] in ("rt", "rp"):
                    self.dropped[-1] = tag  # <rt> closes an open <rp> or <rt>
                else:
                    self.dropped.append(tag)
            return
        if tag in _DROPPED:
            self.dropped.append(tag)
        elif tag == "br":
            self.parts.append("\n")
        elif tag in ("td", "th"):
            if not self.first_cell:
                self.parts.append("\t")
            self.first_cell = False
        elif tag in _BLOCKS:
            self._newline()
            if tag == "tr":
                self.first_cell = True
            elif tag == "pre":
                self.pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.dropped and tag == "br":
            self.parts.append("\n")
        elif not self.dropped and tag in _BLOCKS:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if self.dropped:
            if tag == self.dropped[-1] or (tag == "ruby" and self.dropped[-1] in ("rt", "rp")):
                self.dropped.pop()
            return
        if tag in _BLOCKS:
            self._newline()
            if tag == "pre":
                self.pre = max(self.pre - 1, 0)

    def handle_data(self, data: str) -> None:
        if self.dropped:
            return
        if not self.pre:
            data = _SPACE_RUN.sub(" ", data)
            if not self.parts or self.parts[-1].endswith(("\n", "\t")):
                data = data.lstrip(" ")
        if data:
            self.parts.append(data)

    def text(self) -> str:
        lines = [line.rstrip(" ") for line in "".join(self.parts).split("\n")]
        text = "\n".join(lines).strip("\n")
        return re.sub("\n{3,}", "\n\n", text) + "\n" if text else ""


# What html.parser scans from each unclosed occurrence to the end of the page (quadratic: a page of
# "<!--" repeated, 200 kB, took 80 s): comments, declarations (<!DOCTYPE, <![CDATA[), processing
# instructions; and the raw text of scripts and styles, in which a "<!" is no markup.
_SPECIAL = re.compile(r"<(?:!--|!|\?|(?P<raw>script|style|textarea|title|xmp)(?=[\s/>]))", re.IGNORECASE)


def _defuse(markup: str) -> str:
    """The page without comments, declarations and processing instructions, and with a ``<`` after
    the last ``>`` escaped, each looked at once (linear time); the text a browser shows is unchanged:
    an unclosed comment runs to the end of the page, as in a browser."""
    pieces = []
    position = 0
    length = len(markup)
    while (match := _SPECIAL.search(markup, position)) is not None:
        pieces.append(markup[position : match.start()])
        if match["raw"] is not None:
            close = re.compile(f"</{match['raw']}", re.IGNORECASE).search(markup, match.end())
            stop = length if close is None else close.start()
            pieces.append(markup[match.start() : stop])
        elif match.group() == "<!--":
            end = markup.find("-->", match.end())
            stop = length if end < 0 else end + 3
        else:
            end = markup.find(">", match.end())
            stop = length if end < 0 else end + 1
        position = stop
    pieces.append(markup[position:])
    text = "".join(pieces)
    last = text.rfind(">")
    if "<" in text[last + 1 :]:
        # A tag never closed: html.parser would retry it at every following "<".
        text = text[: last + 1] + text[last + 1 :].replace("<", "&lt;")
    return text


#: Charset labels pages give for Japanese text, as browsers read them (WHATWG: Shift_JIS is windows-31j).
_CHARSETS = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "csshiftjis": "cp932",
    "windows-31j": "cp932",
    "ms932": "cp932",
    "euc-jp": "euc_jp",
    "x-euc-jp": "euc_jp",
    "iso-2022-jp": "iso2022_jp",
    "utf8": "utf-8",
}
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)


def _html_charset(name: str, data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    label = (match[1] or match[2]).decode("ascii").lower()
    charset = _CHARSETS.get(label, label)
    try:
        codecs.lookup(charset)
    except LookupError:
        raise DocumentError(
            f"{name}: the page names an unknown charset {label!r} in its <meta> tag; pass encoding= (--encoding)",
            path=name,
        ) from None
    return charset


def _html_text(name: str, size: int, encoding: str | None) -> str:
    data = _read_bytes(name, size, MAX_MARKUP_BYTES, "HTML")
    if (what := _looks_like(data)) is not None:
        raise DocumentError(f"{name}: not an HTML page but {what}", path=name)
    text = _decode(name, data, encoding or _html_charset(name, data))
    markup = _defuse(text)
    tags = markup.count("<")
    if tags > MAX_MARKUP_TAGS:
        raise DocumentError(
            f"{name}: the page holds {tags:,} tags, more than the {MAX_MARKUP_TAGS:,} dgplan reads; refusing", path=name
        )
    parser = _HTMLText()
    try:
        parser.feed(markup)
        parser.close()
    except (MemoryError, RecursionError):
        raise
    except Exception as error:  # html.parser is lenient; what it still refuses is not a page
        raise DocumentError(f"{name}: not a readable HTML page: {_reason(error)}", path=name) from None
    return parser.text()
