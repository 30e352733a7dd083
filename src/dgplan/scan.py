"""Every deadline of a document (a notice, a call for tender, a plan) with where it stands in it.

:func:`scan_document` reads a PDF, Word file, web page or text file with
:func:`dgplan.documents.read_document`, finds its deadlines with :func:`dgplan.find_deadlines` over
the whole text (so that ``同年`` and a month without a year read the dates before them, across
pages), and places each at its page, line and column, with the clause it governs.

Relative words (本年度, 来年度) and months without a year are read against a reference date: the
one given, else the date the document states at its head (``令和7年1月20日``), else none, and
then they are skipped. A :class:`Scan` always says which date it used and where it came from.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import islice
from typing import TYPE_CHECKING, Any

from dgplan._clauses import clause_around
from dgplan._escape import bounded, display_width, terminal_text
from dgplan.deadline import Deadline, DeadlineKind, find_deadlines
from dgplan.errors import DocumentError
from dgplan.fiscal import Interval

if TYPE_CHECKING:
    from dgplan.documents import Document, Location

__all__ = [
    "DOCUMENT_SUFFIXES",
    "MAX_DATE_WORDS",
    "MAX_SCAN_CHARACTERS",
    "Finding",
    "Scan",
    "documents_under",
    "scan_document",
]

#: The files a folder given to :func:`documents_under` (and to ``dgplan scan``) is searched for.
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".txt", ".md")

#: How many characters of text :func:`scan_document` reads: about 2,000 pages of a plan (the
#: document reader's page bound), some ten seconds of scanning. A text file may hold 64 MB, a
#: one-page PDF tens of millions of characters; scanning them would take minutes.
MAX_SCAN_CHARACTERS = 4_000_000
#: How many date words (``7年``, ``3月``, ``31日``, ``年度``, ``2025/3``) a scanned text may hold: the
#: 2021 plan, 150,000 characters, holds about 1,300. Each becomes a finding of a few kilobytes; a
#: text that is nothing but deadlines would take minutes and gigabytes to list.
MAX_DATE_WORDS = 50_000
_DATE_WORD = re.compile(r"[0-9０-９元][年月日]|年度|[0-9０-９][/／.．][0-9０-９]")

#: How long a finding's clause may be: a row of a sheet or a calendar event's title, not a page.
CLAUSE_LIMIT = 200
#: How far before and after its phrase a clause may reach, where no 。 or list item ends it.
_REACH = 300
# What ends a clause besides 。: a blank line; a page break (what a page's foot and the next page's
# head print, page numbers and running titles, is no part of a sentence); or a line that opens a
# list item (・, ○, ※, (1), 1., １．): notices list their deadlines one per line without a 。.
_BOUNDARY = re.compile(
    r"\n[ \t\u3000]*(?:\n|\f)"
    r"|\n(?=[ \t\u3000]*(?:[・○●◎◆◇■□▪▶►※＊*]|[(（][0-9０-９一二三四五六七八九十]{1,3}[)）]|[0-9０-９]{1,2}[.．]\D))"
)
# The marker that opens a list item is not part of what the item asks for.
_LIST_MARKER = re.compile(
    r"^(?:[・○●◎◆◇■□▪▶►※＊*]|[(（][0-9０-９一二三四五六七八九十]{1,3}[)）]|[0-9０-９]{1,2}[.．])\s*"
)
# A line break between two characters of Japanese text is no space: the PDF's line was full.
_WRAP = re.compile(r"(?<=[^\x00-\x7f])[ \t\u3000]*[\r\n\f]+[ \t\u3000]*(?=[^\x00-\x7f])")


def one_line(text: str) -> str:
    """Text broken over lines, as one line: no space where a Japanese line wrapped, one elsewhere;
    a control character or bidi override a document holds (ESC, U+202E) written as a visible
    escape (``\\x1b``), so that no output of a finding carries it to a terminal or a sheet."""
    return terminal_text(" ".join(_WRAP.sub("", text).split()))


@dataclass(frozen=True, slots=True)
class Finding:
    """A deadline (or, asked for, a date cited) found in a document, and where.

    ``page``, ``line`` and ``column`` are 1-based, as the document's :class:`~dgplan.documents.Location`;
    ``phrase`` is the deadline phrase and ``clause`` what it governs, each on one line, the clause
    cut to 200 characters; ``deadline`` is the phrase resolved (its ``span`` indexes the document's text).

    >>> from datetime import date
    >>> from dgplan.documents import Document
    >>> document = Document.from_pages("notice.txt", "text", ["通知", "様式は\\n令和7年6月末までに提出する。"])
    >>> finding = scan_document(document).findings[0]
    >>> finding.where, finding.column, finding.kind.value, finding.due, finding.clause
    ('notice.txt:2:2', 1, 'by', datetime.date(2025, 6, 30), '様式は令和7年6月末までに提出する')
    >>> finding.falls_between(date(2025, 4, 1), date(2025, 6, 30))
    True
    """

    file: str
    page: int
    line: int
    column: int
    phrase: str
    kind: DeadlineKind
    window: Interval | None
    due: date | None
    approximate: bool
    clause: str
    is_citation: bool
    deadline: Deadline

    @property
    def where(self) -> str:
        """``file:page:line``, as a message or a calendar shows it."""
        return f"{self.file}:{self.page}:{self.line}"

    def falls_between(self, first: date | None, last: date | None) -> bool:
        """Whether the finding is due from ``first`` to ``last`` (both inclusive, either open): a
        deadline by its due date, a recurring one by any occurrence, a ``from`` by its start, a
        citation by its period. Undated markers (速やかに) fall in no bounded range."""
        if first is None and last is None:
            return True
        low, high = first or date.min, last or date.max
        if low > high:
            return False
        deadline = self.deadline
        if deadline.recurrence is not None:
            return bool(deadline.due_dates(Interval(low, high)))
        if self.due is not None and not self.is_citation:
            return low <= self.due <= high
        if self.window is None:
            return False
        if self.kind == DeadlineKind.FROM:
            return low <= self.window.start <= high
        return self.window.start <= high and self.window.end >= low

    def record(self) -> dict[str, Any]:
        """The finding as a plain row (ISO dates), the columns of ``dgplan scan --format csv``."""
        window = self.window
        return {
            "file": self.file,
            "page": self.page,
            "line": self.line,
            "column": self.column,
            "phrase": self.phrase,
            "kind": self.kind.value,
            "window_start": None if window is None else window.start.isoformat(),
            "window_end": None if window is None or window.end == date.max else window.end.isoformat(),
            "due": None if self.due is None else self.due.isoformat(),
            "approximate": self.approximate,
            "rule": self.deadline.rule,
            "clause": self.clause,
            "citation": self.is_citation,
        }

    def key(self, occurrence: int = 0) -> str:
        """A name for the finding that stays the same from run to run, and when lines are added
        above it: its file, phrase, due date and clause (and which of identical ones it is)."""
        due = "" if self.due is None else self.due.isoformat()
        text = f"{self.file}\n{self.phrase}\n{due}\n{self.clause}\n{occurrence}"
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class Scan:
    """What :func:`scan_document` found in one document.

    ``reference`` is the date relative words were read against (None: they were skipped) and
    ``reference_source`` says where it came from: ``given``, ``stated in the document at p1 l3:
    令和7年1月20日``, or ``none: relative words and yearless months skipped``.

    >>> from datetime import date
    >>> from dgplan.documents import Document
    >>> document = Document.from_pages("notice.txt", "text", ["本年度末までに報告する。"])
    >>> scan_document(document).reference_text
    'reference date: none (relative words and yearless months skipped)'
    >>> scan = scan_document(document, reference=date(2025, 1, 20))
    >>> scan.reference_text, [finding.due for finding in scan.deadlines], scan.citations
    ('reference date 2025-01-20 (given)', [datetime.date(2025, 3, 31)], ())
    """

    file: str
    kind: str
    pages: int
    reference: date | None
    reference_source: str
    findings: tuple[Finding, ...]

    @property
    def deadlines(self) -> tuple[Finding, ...]:
        """The findings that are deadlines (no citations)."""
        return tuple(finding for finding in self.findings if not finding.is_citation)

    @property
    def citations(self) -> tuple[Finding, ...]:
        """The dates the document cites (a law's number, a past decision): empty unless asked for."""
        return tuple(finding for finding in self.findings if finding.is_citation)

    @property
    def reference_text(self) -> str:
        """The reference date and its source in words, for a header or a message."""
        if self.reference is None:
            return f"reference date: {self.reference_source.replace(': ', ' (', 1)})"
        return f"reference date {self.reference.isoformat()} ({self.reference_source})"


_GIVEN = "given"
_NONE = "none: relative words and yearless months skipped"


def scan_document(
    document_or_path: Document | str | os.PathLike[str],
    *,
    reference: date | None = None,
    citations: bool = False,
    undated: bool = False,
    encoding: str | None = None,
) -> Scan:
    """Every deadline of a document, placed at its page, line and column, with its clause.

    ``document_or_path`` is a :class:`~dgplan.documents.Document` or a file that
    :func:`~dgplan.documents.read_document` reads (``encoding`` is passed to it). ``reference`` is
    the date relative words and yearless months are read against, and before which a deadline is
    history (a citation); without it, the date the document states at its head, if any.
    ``citations=True`` keeps the dates cited (``is_citation``), ``undated=True`` the undated
    markers (速やかに, 順次). Raises :class:`~dgplan.errors.DgplanError` (a
    :class:`~dgplan.documents.DocumentError` naming the file) for a document it cannot read.

    >>> from dgplan.documents import read_document
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "notice.txt").write_text(
    ...     "令和7年1月20日\\n\\n・報告書は本年度末までに提出すること。\\n", encoding="utf-8")
    >>> scan = scan_document(folder / "notice.txt")
    >>> scan.reference, scan.reference_source
    (datetime.date(2025, 1, 20), 'stated in the document at p1 l1: 令和7年1月20日')
    >>> [(f.page, f.line, f.phrase, f.due, f.clause) for f in scan.findings]
    [(1, 3, '本年度末までに', datetime.date(2025, 3, 31), '報告書は本年度末までに提出すること')]
    """
    from dgplan.documents import Document, read_document

    if isinstance(document_or_path, Document):
        document = document_or_path
    else:
        document = read_document(document_or_path, encoding=encoding)
    if reference is not None:
        source = _GIVEN
    elif document.date is not None:
        stated = document.date
        reference = stated.date
        where = stated.location
        source = f"stated in the document at p{where.page} l{where.line}: {one_line(stated.text)}"
    else:
        source = _NONE
    text = document.text
    _check_size(document)
    found = find_deadlines(text, reference=reference, undated=undated, citations=citations)
    if len(found) > MAX_DATE_WORDS:  # undated markers (速やかに) hold no date word
        raise DocumentError(
            f"{document.path}: {len(found):,} findings, more than the {MAX_DATE_WORDS:,} a document is scanned for;"
            " refusing",
            path=document.path,
        )
    # The line the document dates itself on states when it was written, not what is due.
    dating = None if document.date is None else document.date.location
    if dating is not None:
        found = [
            replace(deadline, kind=DeadlineKind.CITATION, due=None, note="the document's date")
            if deadline.span is not None and _on_line(document.locate(deadline.span[0]), dating)
            else deadline
            for deadline in found
        ]
        if not citations:
            found = [deadline for deadline in found if deadline.kind != DeadlineKind.CITATION]
    spans = [deadline.span for deadline in found]
    # No clause reaches back over the line the document is dated on (令和7年1月20日 / 報告は…).
    floor = 0
    if dating is not None and document.pages:
        first = document.pages[0]
        floor = first.start + sum(len(line) + 1 for line in first.text.split("\n")[: dating.line]) - 1
    ends = _paragraph_ends(document)
    findings = []
    for index, deadline in enumerate(found):
        if deadline.span is None:  # pragma: no cover - find_deadlines places every phrase it finds
            continue
        location = document.locate(deadline.span[0])
        previous = spans[index - 1] if index else None
        following = spans[index + 1] if index + 1 < len(spans) else None
        findings.append(
            Finding(
                file=document.path,
                page=location.page,
                line=location.line,
                column=location.column,
                phrase=one_line(deadline.text),
                kind=deadline.kind,
                window=deadline.window,
                due=deadline.due,
                approximate=deadline.approximate,
                clause=_clause(
                    text,
                    deadline.span,
                    previous,
                    following,
                    floor=floor if deadline.span[0] > floor else 0,
                    ends=ends,
                ),
                is_citation=deadline.kind == DeadlineKind.CITATION,
                deadline=deadline,
            )
        )
    return Scan(
        file=document.path,
        kind=document.kind,
        pages=len(document.pages),
        reference=reference,
        reference_source=source,
        findings=tuple(findings),
    )


def _check_size(document: Document) -> None:
    """Refuse, before the scan, a text whose scan would not end in seconds or would fill the memory."""
    text = document.text
    if len(text) > MAX_SCAN_CHARACTERS:
        raise DocumentError(
            f"{document.path}: {len(text):,} characters of text, more than the {MAX_SCAN_CHARACTERS:,} dgplan scans"
            " (about 2,000 pages); refusing: scan its parts",
            path=document.path,
        )
    words = _DATE_WORD.finditer(text)
    if next(islice(words, MAX_DATE_WORDS, None), None) is not None:
        raise DocumentError(
            f"{document.path}: more than {MAX_DATE_WORDS:,} dates (年, 月, 日, 年度) in {len(text):,} characters,"
            " far more than a plan or a notice holds; refusing",
            path=document.path,
        )


def _on_line(location: Location, other: Location) -> bool:
    return (location.page, location.line) == (other.page, other.line)


#: A line narrower than this share of its page's widest line ends its paragraph (a heading, an
#: addressee, a table row, a paragraph's last line); a paragraph's other lines are full.
_SHORT_LINE = 0.75


def _paragraph_ends(document: Document) -> list[int]:
    """The offsets of ``document.text`` at which a line ends its paragraph, in order.

    A Word file's and a web page's lines are its paragraphs, blocks and table rows: each ends one.
    A PDF wraps a paragraph's lines at the page's width, so only a line clearly narrower than the
    page's widest one ends it: without this a clause of a notice reached back over the addressee,
    the sender and the title, which carry no 。. A text file's lines are whatever its writer typed
    (wrapped by hand, or not at all): only blank lines and list items end its paragraphs.
    """
    ends: list[int] = []
    if document.kind not in ("docx", "html", "pdf"):
        return ends
    every_line = document.kind != "pdf"
    for page in document.pages:
        lines = page.text.split("\n")
        widths = [display_width(line.strip(" \t\u3000")) for line in lines]
        full = max(widths, default=0)
        offset = page.start
        for line, width in zip(lines, widths, strict=True):
            offset += len(line)
            if every_line or width < _SHORT_LINE * full:
                ends.append(offset)
            offset += 1
    return ends


def _clause(
    text: str,
    span: tuple[int, int],
    previous: tuple[int, int] | None,
    following: tuple[int, int] | None,
    *,
    floor: int = 0,
    ends: Sequence[int] = (),
) -> str:
    """The clause around the phrase at ``span``, within its paragraph or list item and at most
    :data:`_REACH` characters either side, on one line and at most :data:`CLAUSE_LIMIT` long."""
    low, high = max(span[0] - _REACH, floor), min(span[1] + _REACH, len(text))
    # Paragraph ends by the lines' widths: the last one before the phrase, the first after it.
    before = bisect.bisect_right(ends, span[0]) - 1
    if before >= 0:
        low = max(low, ends[before] + 1)
    after_end = bisect.bisect_left(ends, span[1])
    if after_end < len(ends):
        high = min(high, ends[after_end])
    start = low
    # Two characters past the phrase's start, so that a list marker just before it is seen whole.
    for boundary in _BOUNDARY.finditer(text, low, min(span[0] + 2, len(text))):
        if boundary.end() <= span[0]:
            start = boundary.end()
    after = _BOUNDARY.search(text, span[1], high)
    end = high if after is None else after.start()
    # Lines joined where they wrapped, in place (one invisible character for each character of the
    # break), so that the spans still index the text.
    region = _WRAP.sub(lambda match: "\u200b" * len(match.group()), text[start:end])

    def local(other: tuple[int, int] | None) -> tuple[int, int] | None:
        if other is None or other[1] <= start or other[0] >= end:
            return None
        return (other[0] - start, other[1] - start)

    clause = clause_around(region, (span[0] - start, span[1] - start), local(previous), local(following))
    clause = _LIST_MARKER.sub("", clause.replace("\u200b", ""))
    return bounded(terminal_text(clause), CLAUSE_LIMIT)


def documents_under(folder: str | os.PathLike[str], *, skip: tuple[str, ...] = ()) -> list[str]:
    """The documents in ``folder`` and its subfolders (by :data:`DOCUMENT_SUFFIXES`, any case),
    sorted by path; hidden files and folders (``.git``, ``.~lock``) and links to folders are
    left out, as are the files named in ``skip`` (an output written into the folder)."""
    found = []
    skipped = {os.path.realpath(name) for name in skip}
    for root, folders, files in os.walk(folder, followlinks=False):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in files:
            path = os.path.join(root, name)
            if name.startswith(".") or not name.lower().endswith(DOCUMENT_SUFFIXES):
                continue
            if os.path.realpath(path) not in skipped:
                found.append(path)
    return sorted(found)
