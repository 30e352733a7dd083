"""Tables for people: small HTML tables for Jupyter (plans, measures, deadlines, answers) and the
markdown tables of the reports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from dgplan._escape import markdown_cell

__all__ = ["escape_html", "html_table", "markdown_table"]


def escape_html(text: str) -> str:
    """``html.escape``, imported when first needed: the html module loads its table of entities,
    which only the HTML outputs use (``dgplan due`` prints text)."""
    from html import escape

    return escape(text)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return "open" if value == date.max else value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return escape_html(str(value))


def html_table(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, caption: str | None = None) -> str:
    """A plain HTML table; values are escaped, dates written in ISO form."""
    head = "".join(f"<th>{escape_html(column)}</th>" for column in columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell(value)}</td>" for value in row) + "</tr>" for row in rows)
    title = f"<caption>{escape_html(caption)}</caption>" if caption else ""
    return f'<table class="dgplan">{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def markdown_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A markdown table; cells are escaped (:func:`dgplan._escape.markdown_cell`): one line each,
    ``|`` and every character that would start markup in plan text escaped."""
    cell = markdown_cell
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
