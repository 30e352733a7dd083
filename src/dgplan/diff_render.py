"""A diff of two editions (:class:`dgplan.diff.PlanDiff`) as JSON, and as a section of the status
report (markdown or HTML). Tables, markdown and CSV of the changes are :func:`dgplan.report.render_diff`.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

from dgplan._escape import markdown_inline
from dgplan.diff import EPSILON, PlanChange, PlanDiff
from dgplan.display import markdown_table

__all__ = ["SLIP_COLUMNS", "diff_html", "diff_json", "diff_markdown", "measure_label", "pairing_rows", "slip_rows"]

#: Columns of the slipped deadlines, in the report.
SLIP_COLUMNS = (
    "measure",
    "item",
    "what is due",
    "old deadline",
    "new deadline",
    "old due",
    "new due",
    "days",
    "quarters",
)
_PAIRING_COLUMNS = ("old id", "new id", "by", "score", "old title", "new title")
_CHANGE_COLUMNS = ("change", "measure", "item", "old", "new", "slip (days)", "text")


def measure_label(old: str | None, new: str | None) -> str:
    """``1-3``, or ``1-4 → 1-3`` for a renumbered measure (or item)."""
    if old is None or old == new:
        return new or ""
    return old if new is None else f"{old} → {new}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def slip_rows(diff: PlanDiff) -> list[list[str]]:
    """The slipped deadlines (:attr:`PlanDiff.slips`) as rows of :data:`SLIP_COLUMNS`."""
    return [
        [
            measure_label(c.old_measure_id, c.measure_id),
            measure_label(c.old_item_id, c.item_id),
            c.text,
            _text(c.old),
            _text(c.new) or "(no date)",
            _text(c.old_due),
            _text(c.new_due),
            _text(c.slip_days),
            _text(c.slip_quarters),
        ]
        for c in diff.slips
    ]


def pairing_rows(diff: PlanDiff) -> list[list[str]]:
    """The pairings a person should check (renumbered or retitled measures), with their scores."""
    return [[m.old.id, m.new.id, m.method, f"{m.score:.2f}", m.old.title, m.new.title] for m in diff.pairings]


def _change_rows(changes: Sequence[PlanChange]) -> list[list[str]]:
    return [
        [
            c.change,
            measure_label(c.old_measure_id, c.measure_id),
            measure_label(c.old_item_id, c.item_id),
            _text(c.old),
            _text(c.new),
            _text(c.slip_days),
            c.text,
        ]
        for c in changes
    ]


def _heading(diff: PlanDiff) -> str:
    old, new = diff.old_issued.isoformat(), diff.new_issued.isoformat()
    if diff.old_title == diff.new_title:
        return f"Changes in {diff.new_title}: {old} → {new}"
    return f"Changes from {diff.old_title} ({old}) to {diff.new_title} ({new})"


def diff_json(diff: PlanDiff) -> str:
    """The diff as JSON: both editions, the threshold, counts by change, the slipped deadlines
    (largest first) and every change with the columns of :data:`dgplan.diff.DIFF_COLUMNS`."""
    data = {
        "old": {"title": diff.old_title, "issued": diff.old_issued.isoformat()},
        "new": {"title": diff.new_title, "issued": diff.new_issued.isoformat()},
        "threshold": diff.threshold,
        "epsilon": EPSILON,
        "summary": diff.summary,
        "slips": [{"measure_id": c.measure_id, "item_id": c.item_id, "slip_days": c.slip_days} for c in diff.slips],
        "changes": diff.rows(),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def diff_markdown(diff: PlanDiff, *, level: int = 2) -> str:
    """The diff as a markdown section: counts by change, slipped deadlines, pairings to check,
    every change. ``level`` is the heading level of the section."""
    head = "#" * level
    out = [f"{head} {markdown_inline(_heading(diff))}", ""]
    if not diff:
        return "\n".join([*out, "No changes.", ""])
    out += [markdown_table(("change", "count"), [[k, str(n)] for k, n in diff.summary.items()]), ""]
    slips = slip_rows(diff)
    out += [f"{head}# Slipped deadlines ({len(slips)})", ""]
    out.append(markdown_table(SLIP_COLUMNS, slips) if slips else "None.\n")
    pairings = pairing_rows(diff)
    if pairings:
        out += [f"{head}# Pairings to check ({len(pairings)})", "", markdown_table(_PAIRING_COLUMNS, pairings)]
    out += [
        f"{head}# All changes ({len(diff.changes)})",
        "",
        markdown_table(_CHANGE_COLUMNS, _change_rows(diff.changes)),
    ]
    return "\n".join(out)


def _html_table(columns: Sequence[str], rows: Sequence[Sequence[str]], *, numeric: Sequence[int] = ()) -> str:
    def cells(row: Sequence[str], tag: str) -> str:
        opening = [f'<{tag} class="n">' if tag == "td" and i in numeric else f"<{tag}>" for i in range(len(row))]
        return "".join(f"{o}{html.escape(v)}</{tag}>" for o, v in zip(opening, row, strict=True))

    body = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in rows)
    return f'<div class="wide"><table><thead><tr>{cells(columns, "th")}</tr></thead><tbody>{body}</tbody></table></div>'


def diff_html(diff: PlanDiff) -> str:
    """The diff as an HTML ``<section>`` for the status report (or any page): counts by change,
    slipped deadlines, pairings to check, every change."""
    parts = [f'<section class="diff"><h2>{html.escape(_heading(diff))}</h2>']
    if not diff:
        parts.append("<p>No changes.</p></section>")
        return "".join(parts)
    counts = [[k, str(n)] for k, n in diff.summary.items()]
    parts.append(_html_table(("change", "count"), counts, numeric=(1,)))
    slips = slip_rows(diff)
    parts.append(f"<h3>Slipped deadlines ({len(slips)})</h3>")
    parts.append(_html_table(SLIP_COLUMNS, slips, numeric=(7, 8)) if slips else "<p>None.</p>")
    pairings = pairing_rows(diff)
    if pairings:
        parts.append(f"<h3>Pairings to check ({len(pairings)})</h3>")
        parts.append(_html_table(_PAIRING_COLUMNS, pairings, numeric=(3,)))
    parts.append(f"<h3>All changes ({len(diff.changes)})</h3>")
    parts.append(_html_table(_CHANGE_COLUMNS, _change_rows(diff.changes), numeric=(5,)))
    parts.append("</section>")
    return "\n".join(parts)
