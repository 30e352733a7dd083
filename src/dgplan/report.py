"""Rendering answers: tables, markdown, CSV, JSON, iCalendar, and the status report.

The JSON and CSV schemas are stable (see docs/cli.md): ISO dates, ids, kinds.
"""

from __future__ import annotations

import contextlib
import math
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from dgplan._escape import bounded, csv_cell, markdown_cell, markdown_inline, terminal_text
from dgplan._progress import GRADE_WORDS
from dgplan.display import escape_html, markdown_table
from dgplan.era import format_wareki
from dgplan.errors import DgplanError, EraError, PeriodError
from dgplan.fiscal import FiscalQuarter, FiscalYear
from dgplan.queries import (
    STATUSES,
    DueItem,
    DueItems,
    ItemStatus,
    KPIStatus,
    SectionStatus,
    TrackedPlan,
    has_progress,
    item_statuses,
    kpi_statuses,
    section_statuses,
    status_words,
)

# The models and the diff only for types at the top: `dgplan due` renders its answers without them.
if TYPE_CHECKING:
    from dgplan.diff import PlanDiff
    from dgplan.kpi import Target
    from dgplan.plan import Plan

__all__ = [
    "DUE_COLUMNS",
    "KPI_COLUMNS",
    "due_rows",
    "kpi_rows",
    "render_calendar",
    "render_diff",
    "render_due",
    "render_kpis",
    "render_report",
    "render_rows",
    "timeline_svg",
]

#: Columns of due items in CSV and JSON output, in order.
DUE_COLUMNS = (
    "due",
    "measure_id",
    "section",
    "item_id",
    "item_type",
    "kind",
    "approximate",
    "done",
    "overdue",
    "window_start",
    "window_end",
    "deadline",
    "text",
    "status",
    "recorded",
    "rule",
    "owner",
)
#: Columns of KPI statuses in CSV and JSON output, in order.
KPI_COLUMNS = (
    "kpi_id",
    "measure_id",
    "section",
    "kind",
    "grade",
    "on_track",
    "latest_value",
    "latest_on",
    "comparison",
    "target",
    "unit",
    "due",
    "attainment",
    "unset",
    "text",
    "status",
    "owner",
)
_TABLE_DUE = ("due", "item_id", "kind", "status", "text")
_TABLE_KPI = ("kpi_id", "grade", "status", "latest_value", "target", "unit", "due", "text")


def _iso(value: date | None) -> str | None:
    return None if value is None or value == date.max else value.isoformat()


def due_rows(items: Sequence[DueItem]) -> list[dict[str, Any]]:
    """Due items as plain rows with the :data:`DUE_COLUMNS` (each occurrence with its own window
    and status, from :meth:`DueItem.record`); the text table shows ``status_text``."""
    rows = []
    for item in items:
        row = item.record()
        for column in ("due", "window_start", "window_end"):
            row[column] = _iso(row[column])
        row["status_text"] = item.status_text
        rows.append(row)
    return rows


def kpi_rows(statuses: Sequence[KPIStatus]) -> list[dict[str, Any]]:
    """KPI statuses as plain rows with the :data:`KPI_COLUMNS` (from :meth:`KPIStatus.record`)."""
    rows = []
    for status in statuses:
        row = status.record()
        row["due"], row["latest_on"] = _iso(status.due), _iso(status.latest_on)
        row["attainment"] = None if status.attainment is None else round(status.attainment, 4)
        rows.append(row)
    return rows


def _char_width(char: str) -> int:
    """Columns a character takes in a terminal: two for wide and full-width ones (漢字, ０)."""
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def _width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(_char_width(char) for char in text)


def _fit(text: str, width: int) -> str:
    # The longest start that leaves room for the ellipsis, widths summed as they come and only as
    # far as needed (measuring each longer start again was quadratic: most of `dgplan due`'s time).
    used = 0
    end = 0
    for index, char in enumerate(text):
        used += _char_width(char)
        if used <= width - 1:
            end = index + 1
        elif used > width:
            return text[:end] + "…"
    return text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[str], *, text_width: int = 60) -> str:
    # Control characters and bidi overrides made visible before the cut, so that no cell sends a
    # terminal a sequence, nor leaves one open.
    cells = [[_fit(terminal_text(_cell(row.get(c))), text_width) for c in columns] for row in rows]
    widths = [max([_width(c)] + [_width(line[i]) for line in cells]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    return "\n".join([line(columns), line(["-" * w for w in widths]), *(line(c) for c in cells)]) + "\n"


def _markdown(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    def escape(value: Any) -> str:
        return markdown_cell(_cell(value))

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(escape(row.get(c)) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _json_value(value: Any) -> Any:
    # JSON has no NaN or Infinity; an attainment that overflowed is as unknown as a missing one.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def render_rows(
    rows: Sequence[dict[str, Any]],
    fmt: str,
    *,
    columns: Sequence[str],
    table_columns: Sequence[str],
    as_of: date,
    raw_csv: bool = False,
) -> str:
    """Rows as ``table`` (aligned, wide characters counted, control characters shown as escapes),
    ``markdown`` (plan text escaped), ``csv`` or ``json``.

    CSV cells that a spreadsheet would run as a formula (starting with ``= + - @``, tab, CR, or an
    apostrophe) get a leading apostrophe, unless ``raw_csv``; numbers stay numbers."""
    if fmt == "table":
        return _table(rows, table_columns) if rows else "(none)\n"
    if fmt == "markdown":
        return _markdown(rows, table_columns)
    if fmt == "csv":
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(
            {k: "" if v is None else v if raw_csv else csv_cell(v) for k, v in row.items()} for row in rows
        )
        return buffer.getvalue()
    if fmt == "json":
        import json

        items = [{c: _json_value(row.get(c)) for c in columns} for row in rows]
        data = {"as_of": as_of.isoformat(), "items": items}
        return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    raise ValueError(f"unknown format {fmt!r}")


def render_due(
    items: Sequence[DueItem],
    fmt: str,
    *,
    as_of: date,
    plan: Plan | TrackedPlan | None = None,
    raw_csv: bool = False,
) -> str:
    """Due items in one of the formats of :func:`render_rows`, or ``ics``."""
    if fmt == "ics":
        return render_calendar(items, plan=plan)
    rows = due_rows(items)
    if fmt in ("table", "markdown"):  # for people: the status in the words of every report
        rows = [{**row, "status": row["status_text"]} for row in rows]
    return render_rows(rows, fmt, columns=DUE_COLUMNS, table_columns=_TABLE_DUE, as_of=as_of, raw_csv=raw_csv)


def render_kpis(statuses: Sequence[KPIStatus], fmt: str, *, as_of: date, raw_csv: bool = False) -> str:
    """KPI statuses in one of the formats of :func:`render_rows`."""
    rows = kpi_rows(statuses)
    return render_rows(rows, fmt, columns=KPI_COLUMNS, table_columns=_TABLE_KPI, as_of=as_of, raw_csv=raw_csv)


_TABLE_DIFF = ("change", "measure", "item", "old", "new", "slip_days", "text")


def render_diff(diff: PlanDiff, fmt: str, *, raw_csv: bool = False) -> str:
    """What changed between two editions: ``table`` and ``markdown`` (counts by change, then every
    change), ``csv`` (the :data:`dgplan.diff.DIFF_COLUMNS`; see :func:`render_rows` for
    ``raw_csv``), ``json``, or ``html`` (a section)."""
    from dgplan.diff import DIFF_COLUMNS
    from dgplan.diff_render import diff_html, diff_json, diff_markdown, measure_label

    if fmt == "json":
        return diff_json(diff)
    if fmt == "html":
        return diff_html(diff) + "\n"
    if fmt == "markdown":
        return diff_markdown(diff, level=1)
    rows = [
        {
            **row,
            "measure": measure_label(row["old_measure_id"], row["measure_id"]),
            "item": measure_label(row["old_item_id"], row["item_id"]),
        }
        for row in diff.rows()
    ]
    if fmt == "table":
        counts = [{"change": change, "count": count} for change, count in diff.summary.items()]
        summary = _table(counts, ("change", "count")) if counts else "(no changes)\n"
        return summary + ("\n" + _table(rows, _TABLE_DIFF, text_width=40) if rows else "")
    return render_rows(
        rows, fmt, columns=DIFF_COLUMNS, table_columns=_TABLE_DIFF, as_of=diff.new_issued, raw_csv=raw_csv
    )


#: How much of a measure's title an event, or a report's row, repeats: a plan whose measures
#: have megabyte titles makes a calendar of the plan's size, not of its size times its events.
_REPEATED_TITLE = 200
#: How much of an item's own text and phrase each of its events (a recurring item has many) repeats.
_REPEATED_TEXT = 1000


def render_calendar(items: Sequence[DueItem], *, plan: Plan | TrackedPlan | None = None) -> str:
    """An RFC 5545 calendar: one all-day event per occurrence, with the measure id and title, the
    occurrence's window and its status (also as a category and ``X-DGPLAN-STATUS``).

    Every text is escaped as iCalendar TEXT; an event repeats at most the first 200 characters of
    its measure's title and the first 1,000 of its item's text and phrase."""
    from icalendar import Calendar, Event, vText

    calendar = Calendar()
    calendar.add("prodid", "-//dgplan//deadlines//JA")
    calendar.add("version", "2.0")
    # An X- property is written as given unless typed: as TEXT, a line break in the plan's title
    # is "\n", not a new line that ends the property (or an AssertionError in icalendar).
    calendar.add("x-wr-calname", vText(plan.title if plan is not None else "dgplan deadlines"))
    # One lookup table: asking the plan per item would scan its measures each time.
    if plan is None:
        titles = {}
    elif isinstance(plan, TrackedPlan):
        titles = plan.measure_titles
    else:
        titles = {measure.id: measure.title for measure in plan.measures}
    for item in items:
        event = Event()
        title = bounded(titles.get(item.measure_id, ""), _REPEATED_TITLE)
        text = bounded(item.text, _REPEATED_TEXT)
        event.add("uid", f"{item.item_id}-{item.due.isoformat()}@dgplan")
        event.add("dtstamp", _stamp(item.due))
        event.add("dtstart", item.due)
        if item.due < date.max:  # without DTEND an all-day event lasts its one day (RFC 5545 3.6.1)
            event.add("dtend", item.due + timedelta(days=1))
        event.add("summary", f"[{item.measure_id}] {title or text}"[:200])
        phrase = bounded(item.deadline.text or "", _REPEATED_TEXT)
        description = [
            f"{item.item_id}: {text}",
            f"deadline: {phrase} ({item.deadline.kind.value})",
            f"window: {item.window}" if item.window is not None else "",
            f"status: {item.status_text}",
        ]
        if title:
            description.insert(0, title)
        event.add("description", "\n".join(line for line in description if line))
        event.add("categories", [item.section, item.item_type, item.status])
        event.add("x-dgplan-status", item.status)
        calendar.add_component(event)
    return str(calendar.to_ical().decode("utf-8"))


def _stamp(day: date) -> Any:
    from datetime import UTC, datetime

    # A fixed stamp keeps exports reproducible: the same plan gives the same file.
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


# ---------------------------------------------------------------------------------------------
# The status report

_LATE = "overdue"
_PAST_DUE = status_words("overdue", recorded=False)
# The chart's marks, by status; an overdue item with nothing recorded has a colour of its own.
_COLOURS = {"overdue": "#c62828", "unrecorded": "#b45309", "done": "#2e7d32", "due": "#1565c0"}
_MARK_WORDS = {"overdue": "overdue", "unrecorded": _PAST_DUE, "done": "done", "due": "due"}


@dataclass(frozen=True, slots=True)
class _Facts:
    """Everything a report shows, asked of the plan once, for markdown and HTML alike."""

    plan: Plan
    as_of: date
    quarter: FiscalQuarter
    items: list[ItemStatus]
    sections: list[SectionStatus]
    statuses: list[KPIStatus]
    recorded: bool
    titles: dict[str, str]
    # The answers of the due questions, the same as `dgplan due --overdue`, `--this-quarter` and
    # `--in` the next quarter give: the report lists what they list.
    overdue: DueItems
    this_quarter: DueItems
    next_quarter: DueItems

    @property
    def late_word(self) -> str:
        # Without any progress recorded, every overdue item says so.
        return _LATE if self.recorded else _PAST_DUE

    def titled(self, measure_id: str) -> str:
        # Repeated on every row of the measure: bounded, so a long title cannot multiply the report.
        return bounded(self.titles.get(measure_id, ""), _REPEATED_TITLE)

    @property
    def order(self) -> dict[str, int]:
        """Each measure's place in the plan (the titles are in plan order)."""
        return {measure_id: index for index, measure_id in enumerate(self.titles)}

    def with_status(self, status: str) -> list[ItemStatus]:
        return [item for item in self.items if item.status == status]


def _facts(plan: Plan, as_of: date) -> _Facts:
    try:
        quarter = FiscalQuarter.from_date(as_of)
        following = quarter.next
    except DgplanError as error:  # the calendar's last quarters have no fiscal year or no next one
        raise PeriodError(f"cannot answer as of {as_of.isoformat()!r}: {error}", text=as_of.isoformat()) from error
    tracked = TrackedPlan.of(plan)
    items = item_statuses(tracked, as_of)
    return _Facts(
        plan=plan,
        as_of=as_of,
        quarter=quarter,
        items=items,
        sections=section_statuses(plan, items),
        statuses=kpi_statuses(plan, as_of),
        recorded=has_progress(plan),
        titles=tracked.measure_titles,
        overdue=tracked.overdue(as_of=as_of),
        this_quarter=tracked.due_in(quarter, as_of=as_of),
        next_quarter=tracked.due_in(following, as_of=as_of),
    )


def _wareki(day: date) -> str | None:
    try:
        return format_wareki(day)
    except EraError:  # before 明治6年: no era date to give
        return None


def _both_calendars(day: date) -> str:
    wareki = _wareki(day)
    return day.isoformat() if wareki is None else f"{wareki} / {day.isoformat()}"


def _quarter_name(quarter: FiscalQuarter) -> str:
    try:
        return f"{quarter.label} ({quarter.wareki})"
    except EraError:
        return quarter.label


def _fiscal_year_name(year: FiscalYear) -> str:
    try:
        return f"{year.label} / {year.wareki}"
    except EraError:
        return year.label


def _section_rows(facts: _Facts) -> tuple[list[str], list[list[str]], list[str]]:
    header = ["section", "title", *STATUSES]
    rows = [[s.section, s.title, *(str(s.counts[status]) for status in STATUSES)] for s in facts.sections]
    totals = ["total", "", *(str(sum(s.counts[status] for s in facts.sections)) for status in STATUSES)]
    return header, rows, totals


def _phrase(item: ItemStatus | DueItem) -> str:
    if item.deadline is None:
        return ""
    deadline = item.deadline
    if deadline.text:
        return deadline.text
    if deadline.window is not None and deadline.window.end != date.max:
        return str(deadline.window)
    return deadline.due.isoformat() if deadline.due else deadline.kind.value


def _late_rows(facts: _Facts) -> list[tuple[str, str, list[list[str]]]]:
    """Overdue items grouped by measure, in plan order: (measure id, title, rows)."""
    groups: dict[str, list[list[str]]] = {}
    order = facts.order
    for item in sorted(facts.overdue, key=lambda item: order.get(item.measure_id, len(order))):
        days = (facts.as_of - item.due).days
        groups.setdefault(item.measure_id, []).append(
            [item.item_id, item.text, _phrase(item), item.due.isoformat(), str(days), item.status_text]
        )
    return [(measure_id, facts.titled(measure_id), rows) for measure_id, rows in groups.items()]


_LATE_COLUMNS = ("item", "what is due", "deadline as written", "due", "days past", "status")
_DUE_COLUMNS = ("measure", "title", "item", "what is due", "deadline as written", "due", "status")
_KPI_COLUMNS = ("KPI", "what is measured", "latest", "target", "due", "grade")


def _due_rows(facts: _Facts, items: Sequence[DueItem]) -> list[list[str]]:
    """The rows of a due section: each occurrence with its status; an item also overdue for an
    earlier occurrence says so (it is listed under overdue too)."""
    missed = {item.item_id: item.due for item in facts.overdue}
    rows = []
    for item in items:
        status = item.status_text
        earlier = missed.get(item.item_id)
        if earlier is not None and earlier != item.due:
            status += f"; also overdue since {earlier.isoformat()}"
        rows.append(
            [
                item.measure_id,
                facts.titled(item.measure_id),
                item.item_id,
                item.text,
                _phrase(item),
                item.due.isoformat(),
                status,
            ]
        )
    return rows


def _kpi_table(facts: _Facts) -> tuple[list[list[str]], str]:
    """KPIs with a numeric target, and what the others are (actions, metrics without a target, unset)."""
    targets = {kpi.id: kpi.target for measure in facts.plan.measures for kpi in measure.kpis}
    rows = []
    for s in facts.statuses:
        if s.target_value is None:
            continue
        latest = (
            "" if s.latest_value is None else f"{s.latest_value:g}" + (f" ({_iso(s.latest_on)})" if s.latest_on else "")
        )
        target = _target_text(targets.get(s.kpi_id), s.target_value)
        rows.append([s.kpi_id, s.text, latest, target, _iso(s.due) or "", s.grade])
    others: Counter[str] = Counter(
        "baseline" if s.comparison is not None else s.grade for s in facts.statuses if s.target_value is None
    )
    untargeted = sum(others.values())
    kinds = (
        ("F", "carry out the measure itself (F: done or not done)"),
        ("no target", "name a metric but set no target (cannot be graded)"),
        ("unset", "are not yet set (未設定)"),
        ("baseline", "state a change from a baseline whose value is not recorded"),
    )
    detail = "; ".join(f"{others[kind]} {words}" for kind, words in kinds if others[kind])
    return rows, f"{untargeted} KPIs have no numeric target" + (f": {detail}" if detail else "")


_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}


def _target_text(target: Target | None, goal: float) -> str:
    """≥ 1741市区町村; a relative change as the value to reach and the change (≤ 70 (-30%))."""
    if target is None:
        return f"{goal:g}"
    if target.comparison == "change":
        symbol = "≤" if target.decreasing else "≥"
        return f"{symbol} {goal:g} ({target.value:+g}{target.unit or ''})"
    return f"{_SYMBOLS[target.comparison]} {goal:g}{target.unit or ''}"


_GRADES = ", ".join(
    f"{grade} {words}" for grade, words in GRADE_WORDS.items() if grade in ("A", "B", "N", "no baseline")
)


def _due_sections(facts: _Facts) -> list[tuple[str, FiscalQuarter, DueItems]]:
    return [
        ("Due this quarter", facts.quarter, facts.this_quarter),
        ("Due next quarter", facts.quarter.next, facts.next_quarter),
    ]


def _intro(facts: _Facts) -> list[str]:
    lines = [
        f"As of {_both_calendars(facts.as_of)}, fiscal quarter {_quarter_name(facts.quarter)}.",
    ]
    if not facts.recorded:
        lines.append(
            f"No progress is recorded for this plan: every item whose date has passed is “{_PAST_DUE}”."
            " A progress log (done, observed values) tells what was done from what is late."
        )
    return lines


def _render_markdown(facts: _Facts) -> str:
    header, rows, totals = _section_rows(facts)
    out = [f"# {markdown_inline(facts.plan.title)}", "", *(line + "\n" for line in _intro(facts)), "## By section", ""]
    out.append(markdown_table(header, [*rows, totals]))
    late = _late_rows(facts)
    out += [f"## {facts.late_word.capitalize()} ({sum(len(r) for _, _, r in late)})", ""]
    if not late:
        out.append("None.\n")
    for measure_id, title, group in late:
        out += [f"### {markdown_inline(measure_id)} {markdown_inline(title)}", "", markdown_table(_LATE_COLUMNS, group)]
    for heading, quarter, items in _due_sections(facts):
        due = _due_rows(facts, items)
        out += [f"## {heading}: {_quarter_name(quarter)} ({len(due)})", ""]
        out.append(markdown_table(_DUE_COLUMNS, due) if due else "None.\n")
    kpis, untargeted = _kpi_table(facts)
    out += [
        f"## KPIs with a numeric target ({len(kpis)})",
        "",
        f"Grades: {_GRADES}. {untargeted}.",
        "",
    ]
    out.append(markdown_table(_KPI_COLUMNS, kpis) if kpis else "None.\n")
    return "\n".join(out)


_CSS = """
body{font-family:"Noto Sans CJK JP","Hiragino Sans","Yu Gothic",Meiryo,sans-serif;margin:1.5em auto;max-width:72em;
padding:0 1em;line-height:1.5;color:#222}
h1{font-size:1.5em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}h3{font-size:1.05em}
table{border-collapse:collapse;margin:.5em 0;font-size:.92em}
td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
.date,time{white-space:nowrap}.asof{font-size:1.1em}
.note{background:#fff8e1;border-left:4px solid #b45309;padding:.5em 1em}
.late{color:#c62828}.past{color:#b45309}tfoot td{font-weight:bold}
figure{margin:1em 0}figure svg{max-width:100%;height:auto}figcaption{font-size:.9em;color:#555}
.wide{overflow-x:auto;max-width:100%}td.text{min-width:10em}
@media (max-width:40em){body{margin:.5em}table{font-size:.8em}td.text{min-width:12em}}
"""


def _html_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
    dates: Sequence[int] = (),
    texts: Sequence[int] = (),
    foot: Sequence[str] | None = None,
    row_class: str = "",
) -> str:
    def cells(row: Sequence[str], tag: str = "td") -> str:
        parts = []
        for index, value in enumerate(row):
            kinds = (("n", index in numeric), ("date", index in dates), ("text", index in texts))
            classes = " ".join(c for c, on in kinds if on)
            attribute = f' class="{classes}"' if classes and tag == "td" else ""
            parts.append(f"<{tag}{attribute}>{escape_html(value)}</{tag}>")
        return "".join(parts)

    head = f"<thead><tr>{cells(columns, 'th')}</tr></thead>"
    body_class = f' class="{row_class}"' if row_class else ""
    body = "<tbody>" + "".join(f"<tr{body_class}>{cells(row)}</tr>" for row in rows) + "</tbody>"
    footer = "" if foot is None else f"<tfoot><tr>{cells(foot)}</tr></tfoot>"
    # On a phone a wide table scrolls in its own box instead of crushing its text columns.
    return f'<div class="wide"><table>{head}{body}{footer}</table></div>'


def _render_html(facts: _Facts) -> str:
    plan, as_of = facts.plan, facts.as_of
    header, rows, totals = _section_rows(facts)
    numbers = range(2, len(header))
    wareki = _wareki(as_of)
    shown = f"{wareki} / {as_of.isoformat()}" if wareki else as_of.isoformat()
    parts = [
        "<!DOCTYPE html>",
        '<html lang="ja"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape_html(plan.title)}: {as_of.isoformat()}</title>",
        f"<style>{_CSS.strip()}</style></head><body>",
        f"<header><h1>{escape_html(plan.title)}</h1>",
        f'<p class="asof">As of <time datetime="{as_of.isoformat()}">{escape_html(shown)}</time>,'
        f" fiscal quarter {escape_html(_quarter_name(facts.quarter))}.</p></header>",
    ]
    if not facts.recorded:
        parts.append(f'<p class="note">{escape_html(_intro(facts)[1])}</p>')
    parts += [
        "<h2>By section</h2>",
        _html_table(header, rows, numeric=numbers, texts=(1,), foot=totals),
        f"<figure>{timeline_svg(plan, as_of, items=facts.items, recorded=facts.recorded)}"
        f"<figcaption>{escape_html(_chart_caption(facts))}</figcaption></figure>",
    ]
    late = _late_rows(facts)
    css = "late" if facts.recorded else "past"
    late_count = sum(len(rows) for _, _, rows in late)
    parts.append(f'<h2 class="{css}">{escape_html(facts.late_word.capitalize())} ({late_count})</h2>')
    if not late:
        parts.append("<p>None.</p>")
    for measure_id, title, group in late:
        parts.append(f"<h3>{escape_html(measure_id)} {escape_html(title)}</h3>")
        parts.append(_html_table(_LATE_COLUMNS, group, numeric=(4,), dates=(3,), texts=(1, 2)))
    for heading, quarter, items in _due_sections(facts):
        due = _due_rows(facts, items)
        parts.append(f"<h2>{heading}: {escape_html(_quarter_name(quarter))} ({len(due)})</h2>")
        parts.append(_html_table(_DUE_COLUMNS, due, dates=(5,), texts=(1, 3, 4)) if due else "<p>None.</p>")
    kpis, untargeted = _kpi_table(facts)
    parts.append(f"<h2>KPIs with a numeric target ({len(kpis)})</h2>")
    parts.append(f"<p>Grades: {_GRADES}. {escape_html(untargeted)}.</p>")
    parts.append(_html_table(_KPI_COLUMNS, kpis, dates=(4,), texts=(1,)) if kpis else "<p>None.</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def render_report(plan: Plan, as_of: date, *, fmt: str = "markdown", compare: PlanDiff | None = None) -> str:
    """A status report (markdown or html): the as-of date in both calendars and its fiscal quarter,
    a table by section, what is overdue grouped by measure, what falls due this quarter and next,
    and the KPIs with a numeric target. HTML adds a timeline chart and is one self-contained file.

    The sections list what the due questions answer (``plan.overdue``, ``plan.due_in`` this quarter
    and the next), each occurrence with its status (spec §6a): an item overdue for a missed
    occurrence and due again this quarter is in both, and says so. An overdue item for which
    nothing is recorded is "overdue, no progress recorded", as in every other output.

    ``compare``, a diff from an earlier edition (:func:`dgplan.diff_plans`), adds a last section:
    what changed, the slipped deadlines first.
    """
    if fmt not in ("markdown", "html"):
        raise ValueError(f"unknown report format {fmt!r}; expected markdown or html")
    from dgplan.diff_render import diff_html, diff_markdown

    facts = _facts(plan, as_of)
    if fmt == "markdown":
        return _render_markdown(facts) + ("" if compare is None else "\n" + diff_markdown(compare))
    page = _render_html(facts)
    if compare is not None:
        page = page.replace("</body></html>", diff_html(compare) + "\n</body></html>")
    return page


# ---------------------------------------------------------------------------------------------
# The timeline chart: hand-written SVG, so the HTML report needs no plotting library, renders
# Japanese text in the reader's fonts, and is the same bytes for the same input.

_CHART_WIDTH = 1000
_LABEL_WIDTH = 300
_ROW_HEIGHT = 34
_TOP = 44
_BOTTOM = 52


def _chart_kind(item: ItemStatus, recorded: bool) -> str | None:
    if item.due is None:
        return None
    if item.status == "overdue":
        return "overdue" if recorded else "unrecorded"
    return "done" if item.status == "done" else "due"


def _chart_span(items: Sequence[ItemStatus], as_of: date, years: tuple[int, int] | None) -> tuple[int, int]:
    """Fiscal years on the x axis: those of the dates shown, as-of included, at most 16 years."""
    if years is not None:
        return years

    def fiscal(day: date) -> int:
        # Arithmetic, not FiscalYear: a placeholder such as 9999-12-31 has no fiscal year object.
        return min(max(day.year if day.month >= 4 else day.year - 1, 1), 9998)

    current = fiscal(as_of)
    dated = sorted(fiscal(item.due) for item in items if item.due is not None)
    first = max(min([current, *dated[:1]]), current - 8, 1)
    last = max([current, *dated[-1:]])
    return first, min(last, first + 15, 9998)


def _chart_caption(facts: _Facts) -> str:
    late = facts.late_word
    return (
        f"Milestones and KPI targets by section and fiscal year, as of {facts.as_of.isoformat()}:"
        f" {late}, done, and due (a recurring item at its missed or next occurrence)."
        " A number in a mark counts items sharing that date."
    )


_LANES = (0.0, -9.0, 9.0)


def _free_lane(placed: list[tuple[float, float, float]], cx: float, radius: float) -> float:
    """The vertical offset within a row where a mark overlaps the fewest already drawn there:
    marks a few weeks apart sit above and below each other instead of on top of each other."""

    def overlap(lane: float) -> float:
        return sum(max(0.0, r + radius + 1 - math.hypot(cx - x, lane - y)) for x, y, r in placed)

    return min(_LANES, key=overlap)


def timeline_svg(
    plan: Plan,
    as_of: date,
    *,
    years: tuple[int, int] | None = None,
    items: Sequence[ItemStatus] | None = None,
    recorded: bool | None = None,
) -> str:
    """The report's timeline as inline SVG: one row per section (with its title), fiscal years
    along the x axis (ticks at 1 April, FY2021 / 令和3年度), marks coloured by status (overdue,
    in another colour where no progress is recorded; done; due), a count where items share a date, and the
    as-of day as a dashed line. ``years`` limits the fiscal years shown (first, last)."""
    items = item_statuses(plan, as_of) if items is None else items
    recorded = has_progress(plan) if recorded is None else recorded
    first, last = _chart_span(items, as_of, years)
    start = FiscalYear(first).interval.start
    end = FiscalYear(last).interval.end + timedelta(days=1)
    sections = [s.id for s in plan.sections] or list(dict.fromkeys(m.section for m in plan.measures))
    titles = {s.id: s.title for s in plan.sections}
    section_of = {m.id: m.section for m in plan.measures}
    height = _TOP + _ROW_HEIGHT * len(sections) + _BOTTOM
    plot = _CHART_WIDTH - _LABEL_WIDTH - 20

    def x(day: date) -> float:
        return _LABEL_WIDTH + plot * (day - start).days / (end - start).days

    def y(row: int) -> float:
        return _TOP + _ROW_HEIGHT * row + _ROW_HEIGHT / 2

    marks: dict[tuple[int, date, str], int] = {}
    hidden = 0
    for item in items:
        kind = _chart_kind(item, recorded)
        if kind is None or item.due is None:
            continue
        if not start <= item.due < end:
            hidden += 1
            continue
        row = sections.index(section_of.get(item.measure_id, item.section)) if item.section in sections else 0
        marks[(row, item.due, kind)] = marks.get((row, item.due, kind), 0) + 1
    totals = {kind: sum(n for (_, _, k), n in marks.items() if k == kind) for kind in _COLOURS}
    summary = ", ".join(f"{n} {kind}" for kind, n in totals.items() if n)
    description = (
        f"Timeline of {sum(totals.values())} dated milestones and KPI targets in {len(sections)} sections,"
        f" fiscal years {first} to {last}, as of {as_of.isoformat()}: {summary or 'none'}"
        + (f"; {hidden} outside these years are not drawn." if hidden else ".")
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_CHART_WIDTH} {height}" width="{_CHART_WIDTH}"'
        f' height="{height}" role="img" aria-labelledby="chart-title chart-desc" class="timeline"'
        ' font-family="Noto Sans CJK JP, Hiragino Sans, Yu Gothic, Meiryo, sans-serif" font-size="12">',
        f'<title id="chart-title">{escape_html(plan.title)}: deadlines by section, as of {as_of.isoformat()}</title>',
        f'<desc id="chart-desc">{escape_html(description)}</desc>',
        f'<rect x="0" y="0" width="{_CHART_WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    for row, section in enumerate(sections):
        top = _TOP + _ROW_HEIGHT * row
        if row % 2 == 0:
            out.append(f'<rect x="0" y="{top}" width="{_CHART_WIDTH}" height="{_ROW_HEIGHT}" fill="#f6f7f9"/>')
        title = titles.get(section, "")
        label = f"{section} {title}" if title else f"Section {section}"
        shown = label if len(label) <= 22 else label[:21] + "…"
        out.append(
            f'<text x="8" y="{y(row) + 4:.1f}" class="section-label"><title>{escape_html(label)}</title>'
            f"{escape_html(shown)}</text>"
        )
    axis_y = _TOP + _ROW_HEIGHT * len(sections)
    for year in range(first, last + 1):
        tick = x(FiscalYear(year).interval.start)
        out.append(f'<line x1="{tick:.1f}" y1="{_TOP}" x2="{tick:.1f}" y2="{axis_y + 4}" stroke="#c8ccd2"/>')
        middle = x(FiscalYear(year).interval.start + timedelta(days=182))
        fy = FiscalYear(year)
        out.append(f'<text x="{middle:.1f}" y="{axis_y + 18}" text-anchor="middle">{fy.label}</text>')
        with contextlib.suppress(EraError):
            out.append(f'<text x="{middle:.1f}" y="{axis_y + 34}" text-anchor="middle" fill="#555">{fy.wareki}</text>')
    out.append(f'<line x1="{_LABEL_WIDTH}" y1="{axis_y}" x2="{_CHART_WIDTH - 20}" y2="{axis_y}" stroke="#888"/>')
    if start <= as_of < end:
        now = x(as_of)
        out.append(
            f'<line x1="{now:.1f}" y1="{_TOP - 6}" x2="{now:.1f}" y2="{axis_y}" stroke="#333" stroke-dasharray="4 3"/>'
        )
        out.append(
            f'<text x="{now:.1f}" y="{_TOP - 10}" text-anchor="middle" fill="#333">as of {as_of.isoformat()}</text>'
        )
    placed: dict[int, list[tuple[float, float, float]]] = {}
    for (row, day, kind), count in sorted(marks.items(), key=lambda entry: (entry[0][0], entry[0][1], entry[0][2])):
        radius = 4.0 if count == 1 else min(5.0 + math.sqrt(count), 8.5)
        cx = x(day)
        cy = y(row) + _free_lane(placed.setdefault(row, []), cx, radius)
        placed[row].append((cx, cy - y(row), radius))
        tip = f"{count} {_MARK_WORDS[kind]} (due {day.isoformat()})"
        size = 9 if count < 10 else 7.5 if count < 100 else 6
        out.append(
            f'<g class="mark {kind}"><title>{escape_html(tip)}</title>'
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" fill="{_COLOURS[kind]}" fill-opacity="0.85"/>'
            + (
                f'<text x="{cx:.1f}" y="{cy + size / 3:.1f}" text-anchor="middle" font-size="{size}"'
                f' fill="#fff">{count}</text>'
                if count > 1
                else ""
            )
            + "</g>"
        )
    legend_x = _LABEL_WIDTH
    for kind in ("unrecorded" if not recorded else "overdue", "done", "due"):
        name = _MARK_WORDS[kind]
        out.append(f'<circle cx="{legend_x + 6}" cy="14" r="5" fill="{_COLOURS[kind]}"/>')
        out.append(f'<text x="{legend_x + 16}" y="18">{escape_html(name)} ({totals[kind]})</text>')
        legend_x += 40 + 7 * len(name)
    out.append("</svg>")
    return "".join(out)
