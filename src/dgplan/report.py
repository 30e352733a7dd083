"""Rendering answers: tables, markdown, CSV, JSON, iCalendar, and the status report.

The JSON and CSV schemas are stable (see docs/cli.md): ISO dates, ids, kinds.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from dgplan.deadline import DeadlineKind
from dgplan.errors import EraError
from dgplan.fiscal import FiscalQuarter
from dgplan.kpi import Plan
from dgplan.queries import DueItem, KPIStatus, summary_of

__all__ = [
    "DUE_COLUMNS",
    "KPI_COLUMNS",
    "due_rows",
    "kpi_rows",
    "render_calendar",
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
)
_TABLE_DUE = ("due", "item_id", "kind", "status", "text")
_TABLE_KPI = ("kpi_id", "grade", "latest_value", "target", "unit", "due", "text")


def _iso(value: date | None) -> str | None:
    return None if value is None or value == date.max else value.isoformat()


def _status(item: DueItem) -> str:
    return "done" if item.done else "OVERDUE" if item.overdue else "due"


def due_rows(items: Sequence[DueItem]) -> list[dict[str, Any]]:
    """Due items as plain rows with the :data:`DUE_COLUMNS`."""
    return [
        {
            "due": item.due.isoformat(),
            "measure_id": item.measure_id,
            "section": item.section,
            "item_id": item.item_id,
            "item_type": item.item_type,
            "kind": item.deadline.kind.value,
            "approximate": item.deadline.approximate,
            "done": item.done,
            "overdue": item.overdue,
            "window_start": _iso(item.deadline.window.start if item.deadline.window else None),
            "window_end": _iso(item.deadline.window.end if item.deadline.window else None),
            "deadline": item.deadline.text,
            "text": item.text,
            "status": _status(item),
        }
        for item in items
    ]


def kpi_rows(statuses: Sequence[KPIStatus]) -> list[dict[str, Any]]:
    """KPI statuses as plain rows with the :data:`KPI_COLUMNS`."""
    return [
        {
            "kpi_id": s.kpi_id,
            "measure_id": s.measure_id,
            "section": s.section,
            "kind": s.kind,
            "grade": s.grade,
            "on_track": s.on_track,
            "latest_value": s.latest_value,
            "latest_on": _iso(s.latest_on),
            "comparison": s.comparison,
            "target": s.target_value,
            "unit": s.unit,
            "due": _iso(s.due),
            "attainment": None if s.attainment is None else round(s.attainment, 4),
            "unset": s.unset,
            "text": s.text,
        }
        for s in statuses
    ]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _fit(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    cut = ""
    for char in text:
        if _width(cut + char) > width - 1:
            break
        cut += char
    return cut + "…"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[str], *, text_width: int = 60) -> str:
    cells = [[_fit(_cell(row.get(c)), text_width) for c in columns] for row in rows]
    widths = [max([_width(c)] + [_width(line[i]) for line in cells]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    return "\n".join([line(columns), line(["-" * w for w in widths]), *(line(c) for c in cells)]) + "\n"


def _markdown(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    def escape(value: Any) -> str:
        return _cell(value).replace("|", "\\|").replace("\n", " ")

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
) -> str:
    """Rows as ``table`` (aligned, wide characters counted), ``markdown``, ``csv`` or ``json``."""
    if fmt == "table":
        return _table(rows, table_columns) if rows else "(none)\n"
    if fmt == "markdown":
        return _markdown(rows, table_columns)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in rows)
        return buffer.getvalue()
    if fmt == "json":
        items = [{c: _json_value(row.get(c)) for c in columns} for row in rows]
        data = {"as_of": as_of.isoformat(), "items": items}
        return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    raise ValueError(f"unknown format {fmt!r}")


def render_due(items: Sequence[DueItem], fmt: str, *, as_of: date, plan: Plan | None = None) -> str:
    """Due items in one of the formats of :func:`render_rows`, or ``ics``."""
    if fmt == "ics":
        return render_calendar(items, plan=plan)
    return render_rows(due_rows(items), fmt, columns=DUE_COLUMNS, table_columns=_TABLE_DUE, as_of=as_of)


def render_kpis(statuses: Sequence[KPIStatus], fmt: str, *, as_of: date) -> str:
    """KPI statuses in one of the formats of :func:`render_rows`."""
    return render_rows(kpi_rows(statuses), fmt, columns=KPI_COLUMNS, table_columns=_TABLE_KPI, as_of=as_of)


def render_calendar(items: Sequence[DueItem], *, plan: Plan | None = None) -> str:
    """An RFC 5545 calendar: one all-day event per due date, with the measure id and title."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//dgplan//deadlines//JA")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", plan.title if plan is not None else "dgplan deadlines")
    # One lookup table: asking the plan per item would scan its measures each time.
    titles = {} if plan is None else {measure.id: measure.title for measure in plan.measures}
    for item in items:
        event = Event()
        title = titles.get(item.measure_id, "")
        event.add("uid", f"{item.item_id}-{item.due.isoformat()}@dgplan")
        event.add("dtstamp", _stamp(item.due))
        event.add("dtstart", item.due)
        event.add("dtend", item.due + timedelta(days=1))
        event.add("summary", f"[{item.measure_id}] {title or item.text}"[:200])
        description = [f"{item.item_id}: {item.text}", f"deadline: {item.deadline.text} ({item.deadline.kind.value})"]
        if title:
            description.insert(0, title)
        event.add("description", "\n".join(description))
        event.add("categories", [item.section, item.item_type])
        calendar.add_component(event)
    return str(calendar.to_ical().decode("utf-8"))


def _stamp(day: date) -> Any:
    from datetime import UTC, datetime

    # A fixed stamp keeps exports reproducible: the same plan gives the same file.
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def timeline_svg(plan: Plan, as_of: date, *, years: tuple[int, int] | None = None) -> str:
    """A timeline of milestone due dates by section, as SVG: done, overdue, and still to come."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    # matplotlib names SVG elements from a random salt; a fixed one makes the same report
    # give the same bytes (diffable, cacheable), with no date stamped in the metadata either.
    with matplotlib.rc_context({"svg.hashsalt": "dgplan", "svg.fonttype": "none"}):
        return _timeline_figure(plan, as_of, years, plt, mdates)


def _timeline_figure(plan: Plan, as_of: date, years: tuple[int, int] | None, plt: Any, mdates: Any) -> str:
    to_number: Callable[[date], float] = mdates.date2num
    sections = [s.id for s in plan.sections] or sorted({m.section for m in plan.measures})
    points: dict[str, list[tuple[date, int]]] = {"done": [], "overdue": [], "to come": []}
    for measure in plan.measures:
        row = sections.index(measure.section) if measure.section in sections else 0
        for milestone in measure.milestones:
            deadline = milestone.deadline
            due = deadline.due if deadline.kind != DeadlineKind.RECURRING else deadline.next_due(as_of)
            if due is None:
                continue
            if years is not None and not years[0] <= due.year <= years[1]:
                continue
            done = milestone.done_on is not None and milestone.done_on <= as_of
            status = (
                "done" if done else "overdue" if deadline.is_overdue(as_of, done_on=milestone.done_on) else "to come"
            )
            points[status].append((due, row))
    figure, axis = plt.subplots(figsize=(10, 0.45 * len(sections) + 1.5))
    colours = {"done": "#2e7d32", "overdue": "#c62828", "to come": "#1565c0"}
    for status, entries in points.items():
        if entries:
            axis.scatter(
                [to_number(d) for d, _ in entries],
                [r for _, r in entries],
                label=f"{status} ({len(entries)})",
                color=colours[status],
                alpha=0.6,
                s=18,
            )
    axis.axvline(to_number(as_of), color="#555555", linestyle="--", linewidth=1)
    axis.set_yticks(range(len(sections)), labels=[f"Section {s}" for s in sections])
    axis.invert_yaxis()
    axis.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    axis.set_title(f"Milestones by section, as of {as_of.isoformat()}")
    axis.legend(loc="upper right", fontsize="small")
    axis.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def _quarter_name(quarter: FiscalQuarter) -> str:
    try:
        return f"{quarter.label} ({quarter.wareki})"
    except EraError:  # before 明治: no era name to give
        return quarter.label


def render_report(plan: Plan, as_of: date, *, fmt: str = "markdown") -> str:
    """A status report: summary counts, overdue list, due this quarter, KPIs off track."""
    overdue = plan.overdue(as_of)
    quarter = FiscalQuarter.from_date(as_of)
    due_now = plan.due_this_quarter(as_of)
    statuses = plan.kpi_status(as_of)
    summary = summary_of(plan, as_of, overdue=overdue, due_this_quarter=due_now, statuses=statuses)
    off_track = [s for s in statuses if s.on_track is False]
    counts = [
        ("measures", summary.measures),
        ("milestones", summary.milestones),
        ("KPIs", summary.kpis),
        ("overdue", summary.overdue),
        (f"due in {_quarter_name(quarter)}", summary.due_this_quarter),
        ("done of those", summary.done_this_quarter),
        ("KPI grades", ", ".join(f"{g}: {n}" for g, n in summary.kpi_grades.items()) or "none"),
    ]
    sections = [
        ("Overdue", _markdown(due_rows(overdue), _TABLE_DUE) if overdue else "None.\n"),
        (f"Due this quarter ({quarter.label})", _markdown(due_rows(due_now), _TABLE_DUE) if due_now else "None.\n"),
        ("KPIs off track (grade B)", _markdown(kpi_rows(off_track), _TABLE_KPI) if off_track else "None.\n"),
    ]
    if fmt == "markdown":
        lines = [f"# {plan.title}: status as of {as_of.isoformat()}", ""]
        lines += [f"- {name}: {value}" for name, value in counts] + [""]
        for heading, body in sections:
            lines += [f"## {heading}", "", body]
        return "\n".join(lines)
    if fmt != "html":
        raise ValueError(f"unknown report format {fmt!r}; expected markdown or html")
    first = min(
        (m.deadline.due.year for me in plan.measures for m in me.milestones if m.deadline.due), default=as_of.year
    )
    chart = timeline_svg(plan, as_of, years=(max(first, as_of.year - 5), as_of.year + 10))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="ja"><head><meta charset="utf-8">',
        f"<title>{html.escape(plan.title)}: {as_of.isoformat()}</title>",
        "<style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}"
        "th{background:#f3f3f3}.overdue{color:#c62828}</style></head><body>",
        f"<h1>{html.escape(plan.title)}</h1><p>Status as of {as_of.isoformat()}</p>",
        "<ul>" + "".join(f"<li>{html.escape(n)}: {html.escape(str(v))}</li>" for n, v in counts) + "</ul>",
        f"<figure>{chart}</figure>",
    ]
    tables = [
        ("Overdue", due_rows(overdue), _TABLE_DUE),
        (f"Due this quarter ({quarter.label})", due_rows(due_now), _TABLE_DUE),
        ("KPIs off track (grade B)", kpi_rows(off_track), _TABLE_KPI),
    ]
    for heading, rows, columns in tables:
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        if not rows:
            parts.append("<p>None.</p>")
            continue
        header = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
        body = "".join(
            f'<tr class="{"overdue" if row.get("status") == "OVERDUE" else ""}">'
            + "".join(f"<td>{html.escape(_cell(row.get(c)))}</td>" for c in columns)
            + "</tr>"
            for row in rows
        )
        parts.append(f"<table><tr>{header}</tr>{body}</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
