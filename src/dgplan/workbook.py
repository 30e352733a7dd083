"""A plan as an Excel workbook a person can open, fill in and hand back as progress.

:func:`save_excel` writes three sheets:

- ``工程表``: one row per milestone, its due date as a real Excel date with the plan's phrase
  beside it, and an empty ``完了日`` to fill in;
- ``KPI``: one row per KPI with its target and latest observation, and empty ``実績値`` · ``時点`` ·
  ``備考`` for the next one;
- ``計画``: the plan's title, date and source, and how to hand the workbook back.

Reading it back with :func:`dgplan.load_progress` merges what was typed in. openpyxl is imported
when a workbook is written, never by ``import dgplan``.
"""

from __future__ import annotations

import io
import os
import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from dgplan.deadline import Deadline
from dgplan.errors import PlanError
from dgplan.labels import Lang, check_lang, grade_name, label, status_label
from dgplan.plan import Plan
from dgplan.plan_io import write_atomic
from dgplan.queries import item_statuses, kpi_statuses

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["KPI_HEADER", "MILESTONE_HEADER", "save_excel"]

#: The columns of the 工程表 sheet. ``ID`` and ``完了日`` are what :func:`dgplan.load_progress` reads.
MILESTONE_HEADER = (
    "ID",
    "施策番号",
    "施策名",
    "取組内容",
    "期限日",
    "期限（原文）",
    "種別",
    "状況",
    "完了日",
    "備考",
    "担当",
)
#: The columns of the KPI sheet. ``ID``, ``実績値``, ``時点`` and ``備考`` are what
#: :func:`dgplan.load_progress` reads; ``最新実績値`` and ``最新時点`` show what the plan already holds.
KPI_HEADER = (
    "ID",
    "施策番号",
    "種別",
    "KPI",
    "目標値",
    "単位",
    "目標期限日",
    "目標期限（原文）",
    "状況",
    "評価",
    "最新実績値",
    "最新時点",
    "実績値",
    "時点",
    "備考",
    "担当",
)
#: The columns a person fills in, shaded.
_INPUT_COLUMNS = frozenset({"完了日", "実績値", "時点", "備考"})
_DATE_FORMAT = "yyyy-mm-dd"
_KIND_NAMES = {"progress": "進捗", "effect": "効果"}
#: Column widths in Excel's units (the width of a digit); a kanji takes two.
_MIN_WIDTH, _MAX_WIDTH = 6, 60


#: Excel's limit on the characters of one cell: a longer text is cut by Excel, or the file refused.
EXCEL_CELL_LIMIT = 32_767


def _display_width(value: Any, cap: int = _MAX_WIDTH) -> int:
    """How many digit widths a value's widest line takes (two for wide, East Asian, characters,
    one for others), counted only as far as ``cap``: a column is never wider, so a megabyte of
    text costs what its first lines do."""
    if isinstance(value, date):
        return 10
    text = "" if value is None else str(value)
    widest = 0
    start = 0
    while start <= len(text) and widest < cap:
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        width = 0
        for char in text[start : min(end, start + cap)]:
            width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
            if width >= cap:
                break
        widest = max(widest, width)
        start = end + 1
    return min(widest, cap)


def _store(sheet: Worksheet, row: int, column: int, value: Any) -> None:
    """Put ``value`` in a cell as what it is: text stays text, whatever it starts with (openpyxl
    would make ``=HYPERLINK(...)`` a live formula), and text Excel cannot hold is refused."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        where = f"{sheet.title}!{cell.coordinate}"
        if len(value) > EXCEL_CELL_LIMIT:
            raise PlanError(
                f"{where}: {value[:30]!r}… has {len(value):,} characters; an Excel cell holds at most"
                f" {EXCEL_CELL_LIMIT:,} (shorten it in the plan, or export csv or json)",
                text=value[:30],
            )
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        bad = ILLEGAL_CHARACTERS_RE.search(value)
        if bad is not None:  # plan text cannot hold these (dgplan._escape); a plan built by hand might
            raise PlanError(f"{where}: {value[:30]!r} holds U+{ord(bad.group()):04X}, which a workbook cannot hold")
        cell.value = value
        cell.data_type = "s"
    else:
        cell.value = value


def _due(deadline: Deadline) -> date | None:
    # A recurring deadline's own due date is only its first occurrence: without an as-of date
    # there is no occurrence to show, and the phrase and kind beside it say how it recurs.
    return deadline.due if deadline.recurrence is None else None


def _phrase(deadline: Deadline) -> str:
    return deadline.text or ("" if deadline.due is None else deadline.due.isoformat())


def _milestone_rows(plan: Plan, as_of: date | None, lang: Lang) -> list[list[Any]]:
    # With as_of, each row shows its occurrence that matters on that day and its status, as
    # `dgplan due` and the report do (dgplan.queries.item_statuses).
    statuses = {} if as_of is None else {s.item_id: s for s in item_statuses(plan, as_of)}
    rows = []
    for measure in plan.measures:
        for milestone in measure.milestones:
            status = statuses.get(milestone.id)
            rows.append(
                [
                    milestone.id,
                    measure.id,
                    measure.title,
                    milestone.text,
                    _due(milestone.deadline) if status is None else status.due,
                    _phrase(milestone.deadline),
                    label(f"kind {milestone.deadline.kind.value}", lang),
                    None if status is None else status_label(status.status, status.recorded, lang),
                    milestone.done_on,
                    None,
                    milestone.owner or measure.owner,
                ]
            )
    return rows


def _kpi_rows(plan: Plan, as_of: date | None, lang: Lang) -> list[list[Any]]:
    statuses = {} if as_of is None else {s.kpi_id: s for s in kpi_statuses(plan, as_of)}
    rows = []
    for measure in plan.measures:
        for kpi in measure.kpis:
            target = kpi.target
            latest = max(kpi.observations, key=lambda o: o.observed_on, default=None)
            by = None if target is None else target.by
            status = statuses.get(kpi.id)
            rows.append(
                [
                    kpi.id,
                    measure.id,
                    _KIND_NAMES[kpi.kind],
                    kpi.text,
                    None if target is None else target.value,
                    None if target is None else target.unit,
                    (None if by is None else _due(by)) if status is None else status.due,
                    None if by is None else _phrase(by),
                    None
                    if status is None or status.status is None
                    else status_label(status.status, status.recorded, lang),
                    None if status is None else grade_name(status.grade, lang),
                    None if latest is None else latest.value,
                    None if latest is None else latest.observed_on,
                    None,
                    None,
                    None,
                    kpi.owner or measure.owner,
                ]
            )
    return rows


def _fill_sheet(sheet: Worksheet, header: Sequence[str], rows: list[list[Any]]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.append(list(header))
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            _store(sheet, number, column, value)
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    input_fill = PatternFill("solid", fgColor="FFF2CC")
    for column, name in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=column)
        cell.font = bold
        cell.fill = input_fill if name in _INPUT_COLUMNS else header_fill
        cell.alignment = Alignment(vertical="center")
        values = [row[column - 1] for row in rows]
        is_date = name.endswith(("日", "時点"))
        for offset in range(2, len(rows) + 2):
            body = sheet.cell(row=offset, column=column)
            if is_date:
                body.number_format = _DATE_FORMAT
            if name in _INPUT_COLUMNS:
                body.fill = input_fill
        width = max([_display_width(name), *(_display_width(v) for v in values)]) + 2
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width, _MIN_WIDTH), _MAX_WIDTH)
        if width > _MAX_WIDTH:
            for offset in range(2, len(rows) + 2):
                sheet.cell(row=offset, column=column).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(header))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"


def _info_sheet(sheet: Worksheet, plan: Plan) -> None:
    from openpyxl.styles import Font

    sheet.append(["計画名"])
    _store(sheet, 1, 2, plan.title)
    sheet.append(["策定日", plan.issued])
    if plan.info.source:
        sheet.append(["出典"])
        _store(sheet, 3, 2, plan.info.source)
    sheet.append([])
    sheet.append(["記入のしかた"])
    sheet.append(["工程表", "完了した工程の「完了日」を記入してください。"])
    sheet.append(["KPI", "新しい実績の「実績値」と「時点」（測定日）を記入してください。「備考」は任意です。"])
    sheet.append(
        ["読み込み", "dgplan report --plan 計画ファイル --progress このファイル.xlsx（または dgplan.load_progress）"]
    )
    for row in sheet.iter_rows(min_col=1, max_col=1):
        row[0].font = Font(bold=True)
    sheet.cell(row=2, column=2).number_format = _DATE_FORMAT
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = min(max(_display_width(plan.title) + 2, 40), _MAX_WIDTH)


def workbook_bytes(plan: Plan, *, as_of: date | None = None, lang: str = "ja") -> bytes:
    """The workbook :func:`save_excel` writes, as bytes."""
    language = check_lang(lang)
    try:
        from openpyxl import Workbook
    except ImportError:
        raise PlanError("writing Excel workbooks needs openpyxl: pip install 'dgplan[excel]'") from None
    book = Workbook()
    milestones = book.active or book.create_sheet()  # a new workbook has its one sheet active
    milestones.title = "工程表"
    _fill_sheet(milestones, MILESTONE_HEADER, _milestone_rows(plan, as_of, language))
    _fill_sheet(book.create_sheet("KPI"), KPI_HEADER, _kpi_rows(plan, as_of, language))
    _info_sheet(book.create_sheet("計画"), plan)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def save_excel(plan: Plan, path: str | os.PathLike[str], *, as_of: date | None = None, lang: str = "ja") -> None:
    """Write ``plan`` as an Excel workbook to fill in (``工程表``, ``KPI``, ``計画`` sheets), atomically.

    Due dates are Excel dates with the plan's phrase beside them; the header is frozen and
    filtered, columns are as wide as their Japanese text. With ``as_of``, each row's ``期限日`` is
    that of its occurrence that matters on that day (a recurring item's missed or next one) and
    ``状況`` (and ``評価`` for KPIs) says where it stands, as ``dgplan due``, ``dgplan kpi`` and the
    report do, in ``lang`` (``ja``, the default, or ``en``); ``担当`` is each item's owner;
    without it a recurring item has no ``期限日``, only its phrase, and ``状況`` is empty.
    ``dgplan.load_progress(path, plan)`` merges what a person types into ``完了日``, ``実績値`` and
    ``時点``.

    >>> import pathlib, tempfile
    >>> from datetime import date
    >>> import dgplan
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "plan.xlsx"
    >>> dgplan.save_excel(dgplan.load_plan(), path, as_of=date(2022, 4, 1))
    >>> path.stat().st_size > 0
    True
    """
    write_atomic(path, workbook_bytes(plan, as_of=as_of, lang=lang))
