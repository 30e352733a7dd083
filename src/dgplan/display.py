"""Rich display in Jupyter: small HTML tables for plans, measures, deadlines and answers."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

__all__ = ["html_table"]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return "open" if value == date.max else value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return html.escape(str(value))


def html_table(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, caption: str | None = None) -> str:
    """A plain HTML table; values are escaped, dates written in ISO form."""
    head = "".join(f"<th>{html.escape(column)}</th>" for column in columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell(value)}</td>" for value in row) + "</tr>" for row in rows)
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'<table class="dgplan">{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
