"""Writing what ``dgplan scan`` found: a text table, markdown, CSV, JSON, or one calendar feed.

Every output is written from the same rows (:meth:`dgplan.scan.Finding.record`), through the same
escapes as the other outputs: a terminal sees control characters as escapes, a spreadsheet no
formula, markdown no markup, a calendar iCalendar TEXT. Each says the reference date of each file.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from dgplan._escape import bounded, char_width, display_width, markdown_inline, terminal_text
from dgplan.report import render_rows
from dgplan.scan import Finding, Scan

__all__ = ["SCAN_COLUMNS", "render_scan"]

#: Columns of ``dgplan scan --format csv`` (and of each finding in JSON), in order.
SCAN_COLUMNS = (
    "file",
    "page",
    "line",
    "column",
    "phrase",
    "kind",
    "window_start",
    "window_end",
    "due",
    "approximate",
    "rule",
    "clause",
    "citation",
    "reference",
    "reference_source",
)
_TABLE_COLUMNS = ("where", "due", "kind", "window", "approximate", "phrase", "clause")
_FORMATS = ("table", "markdown", "csv", "json", "ics")


def _name(path: str) -> str:
    """A file's name as every output shows it: a name may hold what no output can carry (a byte
    that is not UTF-8, which Python holds as a lone surrogate and no encoder writes) or what
    harms who reads it (ESC, a line break, a bidi override); these become visible escapes
    (``\\udcff``, ``\\x1b``), as in the table and the error messages."""
    return terminal_text(path)


def _rows(scan: Scan, findings: Sequence[Finding]) -> list[dict[str, Any]]:
    rows = []
    for finding in findings:
        row = finding.record()
        row["file"] = _name(finding.file)
        row["where"] = _name(finding.where)
        row["window"] = "" if finding.window is None else _window_text(finding)
        row["reference"] = None if scan.reference is None else scan.reference.isoformat()
        row["reference_source"] = scan.reference_source
        rows.append(row)
    return rows


def _window_text(finding: Finding) -> str:
    window = finding.window
    if window is None:
        return ""
    if window.end == date.max:
        return f"{window.start.isoformat()}.."
    return str(window)


def render_scan(
    scans: Sequence[Scan],
    fmt: str,
    *,
    first: date | None = None,
    last: date | None = None,
    raw_csv: bool = False,
) -> str:
    """The findings of ``scans`` due from ``first`` to ``last`` (see :meth:`Finding.falls_between`)
    as ``table``, ``markdown``, ``csv``, ``json`` or ``ics``. Citations (present only where the scan
    kept them) come apart: a table of their own, ``citation`` true in CSV, a list of their own in
    JSON, never in a calendar. A calendar holds the deadlines with a due date (a recurring one as
    one repeating event); ``from`` and undated findings are listed in the other formats only."""
    if fmt not in _FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(_FORMATS)}")
    chosen = [(scan, [f for f in scan.findings if f.falls_between(first, last)]) for scan in scans]
    if fmt == "ics":
        return _calendar(chosen, first, last)
    deadlines = [row for scan, found in chosen for row in _rows(scan, [f for f in found if not f.is_citation])]
    citations = [row for scan, found in chosen for row in _rows(scan, [f for f in found if f.is_citation])]
    if fmt == "json":
        data = {
            "files": [
                {
                    "file": _name(scan.file),
                    "kind": scan.kind,
                    "pages": scan.pages,
                    "reference": None if scan.reference is None else scan.reference.isoformat(),
                    "reference_source": scan.reference_source,
                }
                for scan in scans
            ],
            "from": None if first is None else first.isoformat(),
            "to": None if last is None else last.isoformat(),
            "deadlines": [{c: row.get(c) for c in SCAN_COLUMNS} for row in deadlines],
            "citations": [{c: row.get(c) for c in SCAN_COLUMNS} for row in citations],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        # as_of is what the JSON of due items states; CSV has no place for it.
        return render_rows(
            deadlines + citations, "csv", columns=SCAN_COLUMNS, table_columns=(), as_of=date.min, raw_csv=raw_csv
        )
    kept_citations = any(scan.citations for scan in scans)
    if fmt == "markdown":
        lines = [f"- {markdown_inline(_name(scan.file))}: {markdown_inline(scan.reference_text)}" for scan in scans]
        parts = ["\n".join(lines) + "\n", "## Deadlines\n", _people(deadlines, fmt, "(none)")]
        if kept_citations:
            parts += ["## Citations (dates cited, not deadlines)\n", _people(citations, fmt, "(none)")]
        return "\n".join(parts)
    lines = [f"{terminal_text(scan.file)}: {terminal_text(scan.reference_text)}" for scan in scans]
    parts = ["\n".join(lines) + "\n", _people(deadlines, fmt, "(no deadlines found)")]
    if kept_citations:
        parts += ["citations (dates cited, not deadlines):\n", _people(citations, fmt, "(none)")]
    return "\n".join(parts)


def _people(rows: list[dict[str, Any]], fmt: str, empty: str) -> str:
    if fmt == "table":
        rows = [{**row, "where": _where_in_a_cell(row)} for row in rows]
    return render_rows(rows, fmt, columns=_TABLE_COLUMNS, table_columns=_TABLE_COLUMNS, as_of=date.min, empty=empty)


#: As wide as the text table's other cells (``dgplan.report``'s cut).
_WHERE_WIDTH = 60


def _where_in_a_cell(row: dict[str, Any]) -> str:
    """``file:page:line`` within a table cell: a long path loses its start, never its page and line
    (the table cuts a cell's end, which would keep the folder and drop where the deadline is)."""
    place = f":{row['page']}:{row['line']}"
    shown = terminal_text(str(row["file"]))
    if display_width(shown) + len(place) <= _WHERE_WIDTH:
        return shown + place
    room = _WHERE_WIDTH - len(place) - 1
    start = len(shown)
    while start and room >= char_width(shown[start - 1]):
        start -= 1
        room -= char_width(shown[start])
    return "…" + shown[start:] + place


#: How much of a clause an event's title, and of a phrase its description, repeats.
_SUMMARY_LIMIT = 200
_TEXT_LIMIT = 1000


def _calendar(chosen: Sequence[tuple[Scan, Sequence[Finding]]], first: date | None, last: date | None) -> str:
    """One feed for every file: an all-day event on each due date, titled with the clause,
    described with file:page:line, the phrase and the reference date; a recurring deadline is one
    event that repeats (RRULE) from its next due date (on or after ``first``) to ``last``. Its UID
    names the file, phrase, due date and clause, so that the feed's events stay the same from run
    to run."""
    from icalendar import Calendar, Event, vText

    calendar = Calendar()
    calendar.add("prodid", "-//dgplan//scan//JA")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", vText("dgplan scan"))
    for scan, findings in chosen:
        seen: Counter[str] = Counter()
        for finding in findings:
            if finding.is_citation:
                continue
            recurrence = finding.deadline.recurrence
            due = finding.due if recurrence is None or first is None else finding.deadline.next_due(first)
            if due is None:
                continue
            key = finding.key()
            occurrence = seen[key]
            seen[key] += 1
            event = Event()
            event.add("uid", f"{finding.key(occurrence)}@dgplan-scan")
            # A fixed stamp keeps the feed reproducible: the same documents give the same file.
            event.add("dtstamp", datetime(due.year, due.month, due.day, tzinfo=UTC))
            event.add("dtstart", due)
            if due < date.max:
                event.add("dtend", due + timedelta(days=1))
            if recurrence is not None:
                # One event that repeats (毎年度末, 毎月10日まで), not one per year up to 9999.
                rule: dict[str, Any] = {"freq": recurrence.frequency}
                month_end = (due + timedelta(days=1)).day == 1
                if recurrence.frequency == "yearly":
                    rule["bymonth"] = due.month
                rule["bymonthday"] = -1 if month_end and recurrence.day in (None, -1) else due.day
                if last is not None:
                    rule["until"] = last
                event.add("rrule", rule)
            event.add("summary", bounded(finding.clause or finding.phrase, _SUMMARY_LIMIT))
            description = [
                bounded(_name(finding.where), _TEXT_LIMIT),
                f"{bounded(finding.phrase, _TEXT_LIMIT)} ({finding.kind.value}"
                + (", approximate)" if finding.approximate else ")"),
                f"window: {_window_text(finding)}" if finding.window is not None else "",
                bounded(scan.reference_text, _TEXT_LIMIT),
            ]
            event.add("description", "\n".join(line for line in description if line))
            event.add("categories", ["deadline", finding.kind.value])
            calendar.add_component(event)
    return str(calendar.to_ical().decode("utf-8"))
