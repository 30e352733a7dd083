"""The clause a dated phrase governs, cut out of the text around it: shared by the plan extractor
(a milestone's text) and the document scanner (what a found deadline is about)."""

from __future__ import annotations

import re

__all__ = ["clause_around"]

# Words that open a sentence by tying it to the one before; they say nothing of what is due.
_CONNECTIVE = re.compile(
    r"^(?:そのため|このため|また|さらに|加えて|併せて|あわせて|なお|具体的には|その上で|これにより|これらにより|特に)、"
)

Span = tuple[int, int]


def clause_around(
    text: str,
    span: Span | None,
    previous: Span | None = None,
    following: Span | None = None,
    *,
    start: int = 0,
    end: int | None = None,
) -> str:
    """The clause the phrase at ``span`` governs: from the start of its sentence (or, after the
    ``previous`` phrase in the sentence, from its own words) to the ``following`` phrase in the
    sentence or the sentence's end, without the connective that opens the sentence (そのため、
    また、) or closing punctuation, its whitespace (line breaks of a PDF) joined into single spaces.

    ``start`` and ``end`` bound the search for the sentence: a paragraph, a list item, a page of a
    document whose lines carry no 。.

    >>> text = "そのため、令和3年度末までに改修し、令和4年度中に運用を開始する。"
    >>> clause_around(text, (5, 14), following=(18, 25))
    '令和3年度末までに改修し'
    >>> clause_around(text, (18, 25), previous=(5, 14))
    '令和4年度中に運用を開始する'
    """
    if span is None:
        return text.strip()
    limit = len(text) if end is None else end
    first = max(text.rfind("。", start, span[0]) + 1, start)
    if previous is not None and previous[1] > first:
        first = span[0]
    last = text.find("。", span[1], limit)
    last = limit if last < 0 else last
    if following is not None and following[0] < last:
        last = following[0]
    clause = " ".join(text[first:last].split()).strip(" 、,・")
    # A clause cut out of a bracket (…令和４年度からの運用本格化）) does not keep its closing half.
    while clause[-1:] in ("）", ")") and clause.count(clause[-1]) > clause.count("（" if clause[-1] == "）" else "("):
        clause = clause[:-1].rstrip(" 、,・")
    return _CONNECTIVE.sub("", clause).strip(" 、") or clause
