"""The report's timeline chart: hand-written SVG, so the HTML report needs no plotting library,
renders Japanese text in the reader's fonts, and is the same bytes for the same input.

Two layouts of the same marks: ``wide`` for a laptop (section titles in a column on the left) and
``narrow`` for a phone (titles above their rows, 360 units wide so that its text is drawn at 11 px
or more on a 390 px screen, year labels thinned to fit).
"""

from __future__ import annotations

import contextlib
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from dgplan.display import escape_html
from dgplan.errors import EraError
from dgplan.fiscal import FiscalYear
from dgplan.labels import Lang, label, status_label
from dgplan.queries import ItemStatus, has_progress, item_statuses

if TYPE_CHECKING:
    from dgplan.plan import Plan

__all__ = ["timeline_svg"]

Layout = Literal["wide", "narrow"]

# The chart's marks, by status; an overdue item with nothing recorded has a colour of its own.
_COLOURS = {"overdue": "#c62828", "unrecorded": "#b45309", "done": "#2e7d32", "due": "#1565c0"}
_LANES = (0.0, -10.0, 10.0)
#: The count in a mark is drawn at this size or larger wherever the chart is shown at its own
#: width or wider (a phone shows the narrow layout at about its own width).
_COUNT_SIZE = 12


@dataclass(frozen=True, slots=True)
class _Geometry:
    width: int
    label_width: int  # the column of section titles on the left (none: titles above their rows)
    row_height: int
    top: int
    bottom: int
    font_size: int
    title_chars: int  # how many characters of a section title fit


_GEOMETRY = {
    "wide": _Geometry(width=1000, label_width=300, row_height=40, top=44, bottom=52, font_size=12, title_chars=22),
    "narrow": _Geometry(width=360, label_width=0, row_height=64, top=30, bottom=40, font_size=12, title_chars=28),
}


def _mark_words(kind: str, lang: Lang) -> str:
    if kind == "unrecorded":
        return status_label("overdue", recorded=False, lang=lang)
    return label(kind, lang)


def _chart_kind(item: ItemStatus, recorded: bool) -> str | None:
    if item.due is None:
        return None
    if item.status == "overdue":
        return "overdue" if recorded else "unrecorded"
    return "done" if item.status == "done" else "due"


def chart_span(items: Sequence[ItemStatus], as_of: date, years: tuple[int, int] | None = None) -> tuple[int, int]:
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


def _text_width(text: str, size: int) -> float:
    """About how wide ``text`` is drawn at ``size``: a wide character is a square, others half."""
    return sum(size if unicodedata.east_asian_width(char) in "WF" else size * 0.6 for char in text)


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
    lang: Lang = "ja",
    layout: Layout = "wide",
) -> str:
    """The report's timeline as inline SVG: one row per section (with its title), fiscal years
    along the x axis (ticks at 1 April, FY2021 / 令和3年度), marks coloured by status (overdue,
    in another colour where no progress is recorded; done; due), a count where items share a date,
    and the as-of day as a dashed line. ``years`` limits the fiscal years shown (first, last);
    ``layout`` is ``wide`` (a laptop) or ``narrow`` (a phone)."""
    geometry = _GEOMETRY[layout]
    items = item_statuses(plan, as_of) if items is None else items
    recorded = has_progress(plan) if recorded is None else recorded
    first, last = chart_span(items, as_of, years)
    start = FiscalYear(first).interval.start
    end = FiscalYear(last).interval.end + timedelta(days=1)
    sections = [s.id for s in plan.sections] or list(dict.fromkeys(m.section for m in plan.measures))
    titles = {s.id: s.title for s in plan.sections}
    section_of = {m.id: m.section for m in plan.measures}
    legend_rows = 3 if layout == "narrow" else 0
    axis_y = geometry.top + geometry.row_height * len(sections)
    height = axis_y + geometry.bottom + 18 * legend_rows
    left = geometry.label_width if geometry.label_width else 10
    plot = geometry.width - left - (20 if geometry.label_width else 10)

    def x(day: date) -> float:
        return left + plot * (day - start).days / (end - start).days

    def y(row: int) -> float:
        # with titles above their rows, the marks sit in the row's lower part
        offset = geometry.row_height / 2 + (10 if not geometry.label_width else 0)
        return geometry.top + geometry.row_height * row + offset

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
    ja = lang == "ja"
    summary = ", ".join(f"{_mark_words(kind, lang)} {n}" for kind, n in totals.items() if n)
    if ja:
        description = (
            f"{len(sections)}分野の期限のある工程・KPI目標{sum(totals.values())}件の年表"
            f"（{first}年度〜{last}年度、基準日{as_of.isoformat()}）：{summary or 'なし'}"
            + (f"。この範囲外の{hidden}件は描いていません。" if hidden else "。")
        )
        chart_title = f"{plan.title}：分野別の期限（基準日 {as_of.isoformat()}）"
    else:
        description = (
            f"Timeline of {sum(totals.values())} dated milestones and KPI targets in {len(sections)} sections,"
            f" fiscal years {first} to {last}, as of {as_of.isoformat()}: {summary or 'none'}"
            + (f"; {hidden} outside these years are not drawn." if hidden else ".")
        )
        chart_title = f"{plan.title}: deadlines by section, as of {as_of.isoformat()}"
    ids = f"chart-{layout}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {geometry.width} {height}" width="{geometry.width}"'
        f' height="{height}" role="img" aria-labelledby="{ids}-title {ids}-desc" class="timeline {layout}"'
        ' font-family="Noto Sans CJK JP, Hiragino Sans, Yu Gothic, Meiryo, sans-serif"'
        f' font-size="{geometry.font_size}">',
        f'<title id="{ids}-title">{escape_html(chart_title)}</title>',
        f'<desc id="{ids}-desc">{escape_html(description)}</desc>',
        f'<rect x="0" y="0" width="{geometry.width}" height="{height}" fill="#ffffff"/>',
    ]
    for row, section in enumerate(sections):
        top = geometry.top + geometry.row_height * row
        if row % 2 == 0:
            out.append(
                f'<rect x="0" y="{top}" width="{geometry.width}" height="{geometry.row_height}" fill="#f6f7f9"/>'
            )
        title = titles.get(section, "")
        name = f"{section} {title}" if title else (f"分野 {section}" if ja else f"Section {section}")
        limit = geometry.title_chars
        shown = name if len(name) <= limit else name[: limit - 1] + "…"
        label_y = y(row) + 4 if geometry.label_width else top + 15
        out.append(
            f'<text x="8" y="{label_y:.1f}" class="section-label"><title>{escape_html(name)}</title>'
            f"{escape_html(shown)}</text>"
        )
    per_year = plot / max(last - first + 1, 1)
    step = max(1, math.ceil(_text_width("FY2021", geometry.font_size) * 1.25 / per_year))
    show_wareki = per_year * step >= _text_width("令和10年度", geometry.font_size) * 1.1
    for year in range(first, last + 1):
        tick = x(FiscalYear(year).interval.start)
        out.append(f'<line x1="{tick:.1f}" y1="{geometry.top}" x2="{tick:.1f}" y2="{axis_y + 4}" stroke="#c8ccd2"/>')
        if (year - first) % step:
            continue
        middle = x(FiscalYear(year).interval.start + timedelta(days=182)) if step == 1 else tick
        anchor = "middle" if step == 1 else "start"
        fy = FiscalYear(year)
        out.append(f'<text x="{middle:.1f}" y="{axis_y + 18}" text-anchor="{anchor}">{fy.label}</text>')
        if show_wareki:
            with contextlib.suppress(EraError):
                out.append(
                    f'<text x="{middle:.1f}" y="{axis_y + 34}" text-anchor="{anchor}" fill="#555">{fy.wareki}</text>'
                )
    out.append(f'<line x1="{left}" y1="{axis_y}" x2="{left + plot}" y2="{axis_y}" stroke="#888"/>')
    if start <= as_of < end:
        now = x(as_of)
        out.append(
            f'<line x1="{now:.1f}" y1="{geometry.top - 6}" x2="{now:.1f}" y2="{axis_y}" stroke="#333"'
            ' stroke-dasharray="4 3"/>'
        )
        words = f"基準日 {as_of.isoformat()}" if ja else f"as of {as_of.isoformat()}"
        anchor = "middle" if 60 < now < geometry.width - 60 else ("start" if now <= 60 else "end")
        out.append(f'<text x="{now:.1f}" y="{geometry.top - 10}" text-anchor="{anchor}" fill="#333">{words}</text>')
    placed: dict[int, list[tuple[float, float, float]]] = {}
    for (row, day, kind), count in sorted(marks.items(), key=lambda entry: (entry[0][0], entry[0][1], entry[0][2])):
        # a mark holding a count is wide enough for the count at a readable size
        radius = 4.0 if count == 1 else min(6.5 + 1.2 * math.sqrt(count), 12.0)
        cx = x(day)
        cy = y(row) + _free_lane(placed.setdefault(row, []), cx, radius)
        placed[row].append((cx, cy - y(row), radius))
        due_words = f"期限 {day.isoformat()}" if ja else f"due {day.isoformat()}"
        tip = f"{count} {_mark_words(kind, lang)} ({due_words})"
        size = _COUNT_SIZE
        out.append(
            f'<g class="mark {kind}"><title>{escape_html(tip)}</title>'
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" fill="{_COLOURS[kind]}" fill-opacity="0.85"/>'
            + (
                f'<text x="{cx:.1f}" y="{cy + size / 2.8:.1f}" text-anchor="middle" font-size="{size}"'
                f' fill="#fff" aria-hidden="true">{count}</text>'
                if count > 1
                else ""
            )
            + "</g>"
        )
    kinds = ("unrecorded" if not recorded else "overdue", "done", "due")
    legend_x, legend_y = float(left), 14.0
    if layout == "narrow":
        legend_y = axis_y + 40 + 4
    for kind in kinds:
        name = f"{_mark_words(kind, lang)} ({totals[kind]})"
        out.append(f'<circle cx="{legend_x + 6:.1f}" cy="{legend_y:.1f}" r="5" fill="{_COLOURS[kind]}"/>')
        out.append(f'<text x="{legend_x + 16:.1f}" y="{legend_y + 4:.1f}" class="legend">{escape_html(name)}</text>')
        if layout == "narrow":
            legend_y += 18
        else:
            legend_x += 30 + _text_width(name, geometry.font_size)
    out.append("</svg>")
    return "".join(out)
