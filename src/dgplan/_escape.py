"""What plan text may hold, and how each output writes it so that it cannot harm who reads it.

Plans come from other people (a 工程表 passed between offices, a contractor's YAML). Their text
reaches spreadsheets, terminals, markdown mailed round, calendars and notebooks. Two halves:

- :func:`plan_text` decides once, at load (every model's text field passes through it), what a
  plan's text may hold: line breaks of every kind become ``\\n``; other control characters, lone
  surrogates and the noncharacters U+FFFE/U+FFFF are refused, quoting the text.
- One small escaper per format, called where a writer puts a cell or a line: :func:`csv_cell`,
  :func:`terminal_text`, :func:`markdown_inline`, :func:`markdown_cell`, :func:`bounded`.
  HTML goes through :func:`dgplan.display.escape_html`, iCalendar through icalendar's TEXT type,
  workbook cells are typed as strings by :mod:`dgplan.workbook`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

__all__ = [
    "ID_RULE",
    "bounded",
    "char_width",
    "csv_cell",
    "display_width",
    "excerpt",
    "is_valid_id",
    "markdown_cell",
    "markdown_inline",
    "one_line",
    "plan_text",
    "terminal_text",
]

# ---------------------------------------------------------------------------------------------
# How wide text stands in a terminal, a table or a page's line


def char_width(char: str) -> int:
    """Columns a character takes in a terminal: two for wide and full-width ones (漢字, ０)."""
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def display_width(text: str) -> int:
    """Columns ``text`` takes (:func:`char_width` of each character)."""
    if text.isascii():
        return len(text)
    return sum(char_width(char) for char in text)


# ---------------------------------------------------------------------------------------------
# What plan text may hold

#: Every line break Python's str.splitlines knows: each becomes "\n" at load, so no output meets a
#: bare CR (which forges table rows in markdown and events in a calendar) or a vertical tab (Word's
#: manual line break, which openpyxl refuses to write).
_LINE_BREAK = re.compile("\r\n|[\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
#: What no output can carry faithfully: C0 controls other than tab and line breaks, DEL, C1
#: controls, lone surrogates (no encoder writes them), and the two BMP noncharacters XML forbids.
_REFUSED = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_ODD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\ufffe\uffff]")


def _describe(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        kind = "a lone surrogate"
    elif code in (0xFFFE, 0xFFFF):
        kind = "a noncharacter"
    else:
        kind = "a control character"
    return f"U+{code:04X} ({kind})"


def excerpt(text: str, position: int, room: int = 20) -> str:
    """``repr`` of the text around ``position``, with ``…`` where it was cut: a message quotes the
    input without repeating a megabyte of it."""
    start, end = max(position - room, 0), position + room + 1
    shown = repr(text[start:end])
    return ("…" if start else "") + shown + ("…" if end < len(text) else "")


def plan_text(value: str) -> str:
    """``value`` as plan text may hold it: every kind of line break as ``\\n``; raises ValueError
    (which the loaders locate at file:line:column, measure and field) for a character refused."""
    if _ODD.search(value) is None:
        return value
    value = _LINE_BREAK.sub("\n", value)
    bad = _REFUSED.search(value)
    if bad is not None:
        position = bad.start()
        raise ValueError(
            f"{excerpt(value, position)} holds {_describe(bad.group())} at character {position + 1}:"
            " plan text may hold tabs and line breaks, no other control characters"
        )
    return value


#: What an id (of a measure, milestone or KPI) may hold, in words, for messages.
ID_RULE = (
    "letters, digits, dashes, brackets (not [ ] { }) and . _ ・ only, starting with a letter, a digit or a bracket"
)
# Besides letters, marks, digits, dashes (1-1, １－１, 1−1) and brackets (1(2)①, Ⅰ-【1】): the
# punctuation of numbering schemes. Nothing that is syntax in HTML, markdown, CSV or a formula
# (and no leading dash, which a spreadsheet reads as a minus), so an id is the same in every output.
_ID_PUNCTUATION = frozenset("._・．＿−")
_NOT_IN_IDS = frozenset("[]{}")


def is_valid_id(value: str, *, slash: bool = False) -> bool:
    """Whether ``value`` is a valid id (:data:`ID_RULE`; with ``slash``, ``/`` too, which joins an
    item's id to its measure's)."""
    if not value or not (unicodedata.category(value[0])[0] in "LN" or unicodedata.category(value[0]) == "Ps"):
        return False
    for char in value:
        if char in _NOT_IN_IDS:
            return False
        category = unicodedata.category(char)
        if category[0] in "LMN" or category in ("Pd", "Ps", "Pe") or char in _ID_PUNCTUATION:
            continue
        if not (slash and char == "/"):
            return False
    return True


# ---------------------------------------------------------------------------------------------
# Writers' escapes

#: Where text may start a formula in Excel, LibreOffice or Google Sheets (OWASP, "CSV injection"):
#: the four operators, and tab and CR, which some importers strip before looking. A leading
#: apostrophe is added too, so that removing one apostrophe always gives the text back.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_cell(value: Any) -> Any:
    """A CSV cell no spreadsheet runs as a formula: text starting with ``= + - @``, tab, CR or an
    apostrophe gets a leading apostrophe; numbers (``-5``) stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


_TERMINAL_ODD = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    return repr(char)[1:-1] if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def terminal_text(text: str) -> str:
    """Text a terminal shows as written: control characters (ESC, BEL, CR, C1, line breaks, tabs)
    and bidi overrides, which clear screens, write clipboards or reorder rows, become visible
    escapes such as ``\\x1b`` and ``\\u202e``, as error messages show them."""
    if _TERMINAL_ODD.search(text) is None:
        return text
    return _TERMINAL_ODD.sub(_visible, text)


_ANY_BREAK = re.compile("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """Every kind of line break as a space: a heading or a table cell stays one line."""
    return _ANY_BREAK.sub(" ", text)


# Bidi controls: raw markdown is read on terminals and in mail, where an override would reorder
# the line around it.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Backslash escapes both CommonMark and Python-Markdown read; the HTML characters, ~ (GitHub's
# strikethrough, which Python-Markdown cannot escape) and the bidi controls as references every
# renderer reads.
_MARKDOWN = (
    {char: "\\" + char for char in "\\`*_[]#!"}
    | {"<": "&lt;", ">": "&gt;", "&": "&amp;", "~": "&#126;"}
    | {char: f"&#x{ord(char):x};" for char in _BIDI}
)
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_\[\]#!<>&~" + _BIDI + "]")


#: How much of a measure's title an event, or a report's row, repeats: a plan whose measures
#: have megabyte titles makes a calendar of the plan's size, not of its size times its events.
REPEATED_TITLE = 200


def bounded(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut: for what an output repeats
    on every row or event (a measure's title), so that a long text cannot multiply its size."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def markdown_inline(text: str) -> str:
    """Plan text inside a markdown heading or paragraph: one line, and no markup (emphasis, code,
    links, images, raw HTML, comments) that plan text could start."""
    text = one_line(text)
    if _MARKDOWN_SPECIAL.search(text) is None:
        return text
    return _MARKDOWN_SPECIAL.sub(lambda m: _MARKDOWN[m.group()], text)


def markdown_cell(text: str) -> str:
    """Plan text in a markdown table cell: :func:`markdown_inline`, and ``|`` escaped."""
    return markdown_inline(text).replace("|", "\\|")
