"""Rendering answers: tables, markdown, CSV, JSON, iCalendar, and the status report.

The JSON and CSV schemas are stable (see docs/cli.md): ISO dates, ids, kinds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from dgplan._escape import (
    REPEATED_TITLE,
    bounded,
    char_width,
    csv_cell,
    display_width,
    markdown_cell,
    markdown_inline,
    terminal_text,
)
from dgplan.queries import DueItem, KPIStatus, TrackedPlan

# The models, the diff, the status report and its chart only for types at the top: `dgplan due`
# renders its answers without them (and without Jinja2).
if TYPE_CHECKING:
    from dgplan.chart import Layout
    from dgplan.closed_days import Roll
    from dgplan.diff import PlanDiff
    from dgplan.labels import Lang
    from dgplan.plan import Plan
    from dgplan.queries import ItemStatus

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


def _fit(text: str, width: int) -> str:
    # The longest start that leaves room for the ellipsis, widths summed as they come and only as
    # far as needed (measuring each longer start again was quadratic: most of `dgplan due`'s time).
    used = 0
    end = 0
    for index, char in enumerate(text):
        used += char_width(char)
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


def _table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    *,
    text_width: int = 60,
    headers: Sequence[str] | None = None,
) -> str:
    names = list(headers or columns)
    # Control characters and bidi overrides made visible before the cut, so that no cell sends a
    # terminal a sequence, nor leaves one open.
    cells = [[_fit(terminal_text(_cell(row.get(c))), text_width) for c in columns] for row in rows]
    widths = [max([display_width(c)] + [display_width(line[i]) for line in cells]) for i, c in enumerate(names)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (w - display_width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    return "\n".join([line(names), line(["-" * w for w in widths]), *(line(c) for c in cells)]) + "\n"


def _markdown(rows: Sequence[dict[str, Any]], columns: Sequence[str], headers: Sequence[str] | None = None) -> str:
    def escape(value: Any) -> str:
        return markdown_cell(_cell(value))

    lines = ["| " + " | ".join(headers or columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(escape(row.get(c)) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _csv_value(value: Any, raw: bool) -> Any:
    """A CSV cell: empty for None, ``true``/``false`` for a flag (as JSON writes them, and as every
    CSV reader of the data world reads them), formula triggers neutralised unless ``raw``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if raw else csv_cell(value)


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
    headers: Sequence[str] | None = None,
    empty: str = "(none)",
    raw_csv: bool = False,
) -> str:
    """Rows as ``table`` (aligned, wide characters counted, control characters shown as escapes),
    ``markdown`` (plan text escaped), ``csv`` or ``json``. ``headers`` names the ``table_columns``
    for people (in their language); ``empty`` is what a table without rows says.

    CSV cells that a spreadsheet would run as a formula (starting with ``= + - @``, tab, CR, or an
    apostrophe) get a leading apostrophe, unless ``raw_csv``; numbers stay numbers."""
    if fmt == "table":
        return _table(rows, table_columns, headers=headers) if rows else f"{empty}\n"
    if fmt == "markdown":
        return _markdown(rows, table_columns, headers) if rows else f"{empty}\n"
    if fmt == "csv":
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _csv_value(v, raw_csv) for k, v in row.items()} for row in rows)
        return buffer.getvalue()
    if fmt == "json":
        import json

        items = [{c: _json_value(row.get(c)) for c in columns} for row in rows]
        data = {"as_of": as_of.isoformat(), "items": items}
        return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    raise ValueError(f"unknown format {fmt!r}")


_HEADER_KEYS = {
    "due": "col due",
    "item_id": "col item",
    "kind": "col kind",
    "status": "col status",
    "text": "col text",
    "title": "col title",
    "owner": "col owner",
    "kpi_id": "col kpi",
    "grade": "col grade",
    "latest_value": "col latest value",
    "target": "col target",
    "unit": "col unit",
}
#: The columns of the markdown list of due items, for a mail: the measure's title beside the item.
_MARKDOWN_DUE = ("due", "item_id", "title", "status", "owner", "text")


def _owned(columns: tuple[str, ...], owners: bool) -> tuple[str, ...]:
    """A people's table's columns, with the owner (担当) before the text where any item names one."""
    return (*columns[:-1], "owner", columns[-1]) if owners else columns


def _headers(columns: Sequence[str], lang: Lang) -> list[str]:
    from dgplan.labels import label

    return [label(_HEADER_KEYS[column], lang) if column in _HEADER_KEYS else column for column in columns]


def render_due(
    items: Sequence[DueItem],
    fmt: str,
    *,
    as_of: date,
    plan: Plan | TrackedPlan | None = None,
    lang: str = "ja",
    question: str | None = None,
    raw_csv: bool = False,
    rolled_note: bool = False,
) -> str:
    """Due items in one of the formats of :func:`render_rows`, or ``ics``.

    For people (``table``, ``markdown``) the labels and statuses are in ``lang`` (``ja``, the
    default, or ``en``); CSV, JSON and the calendar's machine fields keep the API's values. The
    markdown, for a mail from cron, starts with the plan's title, the as-of date and ``question``
    (what was asked: ``期限超過``) with its count, says in words when nothing is listed, and puts each
    measure's title beside its item. ``raw_csv`` as in :func:`render_rows`. Due dates that the
    roll rule moved show the written date beside them, and the table and markdown end with a note
    saying the rule was used (always, with ``rolled_note``: the rule was asked for).
    """
    from dgplan.labels import check_lang, label, status_label

    language = check_lang(lang)
    if fmt == "ics":
        return render_calendar(items, plan=plan)
    rows = due_rows(items)
    if fmt not in ("table", "markdown"):
        return render_rows(rows, fmt, columns=DUE_COLUMNS, table_columns=_TABLE_DUE, as_of=as_of, raw_csv=raw_csv)
    titles = _measure_titles(plan)
    for row, item in zip(rows, items, strict=True):
        if item.rolled_from is not None:
            # People see both dates: the plan's and the open day it moved to (roll="following").
            moved = label("rolled from", language).format(day=item.rolled_from.isoformat())
            row["due"] = f"{row['due']} ({moved})"
        row["status"] = status_label(item.status, item.recorded, language)
        row["kind"] = label(f"kind {item.deadline.kind.value}", language)
        row["title"] = bounded(titles.get(item.measure_id, ""), REPEATED_TITLE)
    nothing = label("nothing overdue" if question == label("overdue heading", language) else "nothing due", language)
    # Said after the rows (the table's lines after its header and rule are its rows, in order).
    rolled = [label("rolled note", language)] if rolled_note or any(item.rolled_from for item in items) else []
    owners = any(item.owner for item in items)
    if fmt == "table":
        columns = _owned(_TABLE_DUE, owners)
    else:
        columns = tuple(column for column in _MARKDOWN_DUE if column != "owner" or owners)
    table = render_rows(
        rows,
        fmt,
        columns=DUE_COLUMNS,
        table_columns=columns,
        as_of=as_of,
        headers=_headers(columns, language),
        empty=nothing,
    )
    from dgplan.labels import as_of_words

    if fmt == "table":
        if not items:  # nothing listed: say so, and for which day, so that no one wonders what was asked
            return f"{nothing}\n{as_of_words(as_of, language)}\n"
        return "\n".join([table.rstrip("\n"), *rolled]) + "\n" if rolled else table

    head = [] if plan is None else [f"# {markdown_inline(plan.title)}", ""]
    head += [as_of_words(as_of, language), ""]
    if question is not None:
        count = f"{len(items)}件" if language == "ja" else str(len(items))
        head += [f"**{question}**{'：' if language == 'ja' else ': '}{count}", ""]
    tail = ["", *rolled, ""] if rolled else []
    return "\n".join(head) + "\n" + table + "\n".join(tail)


def _measure_titles(plan: Plan | TrackedPlan | None) -> dict[str, str]:
    # One lookup table: asking the plan per item would scan its measures each time.
    if plan is None:
        return {}
    if isinstance(plan, TrackedPlan):
        return plan.measure_titles
    return {measure.id: measure.title for measure in plan.measures}


def render_kpis(
    statuses: Sequence[KPIStatus], fmt: str, *, as_of: date, lang: str = "ja", raw_csv: bool = False
) -> str:
    """KPI statuses in one of the formats of :func:`render_rows`; for people (``table``,
    ``markdown``) the labels and statuses are in ``lang``; ``raw_csv`` as in :func:`render_rows`."""
    from dgplan.labels import check_lang, grade_name, label, status_label

    language = check_lang(lang)
    rows = kpi_rows(statuses)
    if fmt in ("table", "markdown"):
        for row, status in zip(rows, statuses, strict=True):
            row["status"] = "" if status.status is None else status_label(status.status, status.recorded, language)
            row["grade"] = grade_name(status.grade, language)
    columns = _owned(_TABLE_KPI, any(status.owner for status in statuses))
    return render_rows(
        rows,
        fmt,
        columns=KPI_COLUMNS,
        table_columns=columns,
        as_of=as_of,
        headers=_headers(columns, language),
        empty=label("none", language),
        raw_csv=raw_csv,
    )


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


#: How much of an item's own text and phrase each of its events (a recurring item has many) repeats.
_REPEATED_TEXT = 1000


def render_calendar(items: Sequence[DueItem], *, plan: Plan | TrackedPlan | None = None) -> str:
    """An RFC 5545 calendar: one all-day event per occurrence, titled with the measure id and what
    is due, described with the measure's title, the occurrence's window and its status (also as a
    category and ``X-DGPLAN-STATUS``). UIDs name the plan edition, so two plans never collide.

    Every text is escaped as iCalendar TEXT; an event repeats at most the first 200 characters of
    its measure's title and the first 1,000 of its item's text and phrase."""
    from icalendar import Calendar, Event, vText

    calendar = Calendar()
    calendar.add("prodid", "-//dgplan//deadlines//JA")
    calendar.add("version", "2.0")
    # An X- property is written as given unless typed: as TEXT, a line break in the plan's title
    # is "\n", not a new line that ends the property (or an AssertionError in icalendar).
    calendar.add("x-wr-calname", vText(plan.title if plan is not None else "dgplan deadlines"))
    titles = _measure_titles(plan)
    # Two plans may both have a 1-1: an event's UID names its plan too, so that calendars that
    # subscribe to both keep both.
    scope = "" if plan is None else f"-{_plan_key(plan.title, plan.issued)}"
    for item in items:
        event = Event()
        title = bounded(titles.get(item.measure_id, ""), REPEATED_TITLE)
        text = bounded(item.text, _REPEATED_TEXT)
        event.add("uid", f"{item.item_id}-{item.due.isoformat()}{scope}@dgplan")
        event.add("dtstamp", _stamp(item.due))
        event.add("dtstart", item.due)
        if item.due < date.max:  # without DTEND an all-day event lasts its one day (RFC 5545 3.6.1)
            event.add("dtend", item.due + timedelta(days=1))
        # What is due, not only the measure: 要件定義, 調達 and 本稼働 of one measure tell apart.
        event.add("summary", f"[{item.measure_id}] {text}"[:200])
        phrase = bounded(item.deadline.text or "", _REPEATED_TEXT)
        description = [
            f"{item.item_id}: {text}",
            f"deadline: {phrase} ({item.deadline.kind.value})",
            f"window: {item.window}" if item.window is not None else "",
            f"status: {item.status_text}",
            f"owner: {bounded(item.owner, REPEATED_TITLE)}" if item.owner else "",
        ]
        if title:
            description.insert(0, title)
        event.add("description", "\n".join(line for line in description if line))
        event.add("categories", [item.section, item.item_type, item.status])
        event.add("x-dgplan-status", item.status)
        calendar.add_component(event)
    return str(calendar.to_ical().decode("utf-8"))


def _plan_key(title: str, issued: date) -> str:
    """A short, stable name for a plan edition: its title and date, hashed."""
    import hashlib

    return hashlib.sha256(f"{title}\n{issued.isoformat()}".encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _stamp(day: date) -> Any:
    from datetime import UTC, datetime

    # A fixed stamp keeps exports reproducible: the same plan gives the same file.
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def render_report(
    plan: Plan,
    as_of: date,
    *,
    fmt: str = "markdown",
    compare: PlanDiff | None = None,
    lang: str = "ja",
    roll: Roll = "none",
) -> str:
    """The status report: see :func:`dgplan.status_report.render_report`."""
    from dgplan.status_report import render_report as render

    return render(plan, as_of, fmt=fmt, compare=compare, lang=lang, roll=roll)


def timeline_svg(
    plan: Plan,
    as_of: date,
    *,
    years: tuple[int, int] | None = None,
    items: Sequence[ItemStatus] | None = None,
    recorded: bool | None = None,
    lang: Lang = "ja",
    layout: Layout = "wide",
) -> str:
    """The report's timeline chart: see :func:`dgplan.chart.timeline_svg`."""
    from dgplan.chart import timeline_svg as draw

    return draw(plan, as_of, years=years, items=items, recorded=recorded, lang=lang, layout=layout)
