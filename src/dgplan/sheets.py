"""Plans and progress from spreadsheets (工程表): Excel workbooks (``.xlsx``) and CSV, read and written.

A 工程表 has a row per measure or per milestone, under a header such as 施策番号 · 施策名 · 担当府省 ·
取組内容 · 期限 · KPI · 目標値 · 目標年度 · 実績値 · 時点. :func:`read_plan_sheet` reads one into a
:class:`dgplan.Plan` (``dgplan.load_plan`` calls it for ``.xlsx`` and ``.csv``), :func:`progress_rows`
reads progress rows for :func:`dgplan.load_progress`, and :func:`save_excel` writes a workbook a
person can open, fill in and hand back as progress. Every problem is located by sheet and cell
(``進捗!C14``), and all of them are reported at once.

openpyxl is imported when a workbook is read or written, never by ``import dgplan``.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import unicodedata
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from dgplan._archive import MAX_INFLATED, inflated_size
from dgplan._rows import BadRow, RowPlace, as_bool, as_number, row_date
from dgplan.deadline import Deadline
from dgplan.errors import DgplanError, PlanError, model_message
from dgplan.fields import deadline_from_data
from dgplan.kpi import Target
from dgplan.plan import Plan

__all__ = [
    "PLAN_COLUMNS",
    "PROGRESS_COLUMNS",
    "SHEET_SUFFIXES",
    "is_plan_csv",
    "is_progress_sheet",
    "is_sheet",
    "progress_rows",
    "read_plan_sheet",
]

#: The file suffixes read as spreadsheets (.xls and .ods only to say how to convert them).
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".xls", ".ods")
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_UNREAD_SUFFIXES = {".xls": "an Excel 97-2003 workbook", ".ods": "an OpenDocument spreadsheet"}

#: The headers a plan sheet's columns are known by, per field, in order of preference. A header
#: matches after NFKC normalisation, without spaces or line breaks, ignoring case (``ＫＰＩ``,
#: ``施策\n番号``). ``columns={"title": "事業名"}`` names another header for a field.
PLAN_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "id": ("施策番号", "施策No", "番号", "No", "項番", "id"),
    "section": ("分野", "区分", "章", "section"),
    "title": ("施策名", "施策", "事業名", "項目", "title"),
    "ministry": ("担当府省", "担当府省庁", "担当省庁", "所管府省", "府省庁", "担当課", "所管", "担当"),
    "text": ("取組内容", "取組", "内容", "概要", "text"),
    "due": ("期限", "スケジュール", "期限・スケジュール", "工程", "実施時期", "due"),
    "done_on": ("完了日", "done_on"),
    "note": ("備考", "note"),
    "kpi": ("KPI", "KPI名", "指標", "成果指標"),
    "kind": ("KPI種別", "種別", "kind"),
    "target": ("目標値", "目標", "target"),
    "unit": ("単位", "unit"),
    "target_by": ("目標年度", "目標時期", "達成時期", "target_by"),
    "value": ("実績値", "実績", "value"),
    "date": ("時点", "実績時点", "測定時点", "date"),
}

#: The headers of a progress sheet's columns. ``ID`` holds a KPI id (``1-1/progress/1``) or a
#: milestone id (``1-1/m1``); ``完了日`` marks the row's item done on that day.
PROGRESS_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "id": ("ID", "識別子"),
    "date": ("時点", "日付", "報告日", "date"),
    "value": ("実績値", "実績", "value"),
    "done": ("完了", "済", "done"),
    "done_on": ("完了日", "done_on"),
    "note": ("備考", "メモ", "note"),
}

#: Plan facts a sheet may state above its header, as a label cell and the cell to its right
#: (``策定日 | 令和5年6月9日``) or in one cell (``策定日：令和5年6月9日``).
_FACTS: Mapping[str, tuple[str, ...]] = {
    "title": ("計画名", "表題", "タイトル"),
    "issued": ("策定日", "決定日", "公表日", "作成日", "基準日"),
    "source": ("出典",),
}

#: Marks a person types in a 完了 column besides true/済/完了.
_DONE_MARKS = ("○", "〇", "✓", "✔")
_KINDS = {"進捗": "progress", "progress": "progress", "効果": "effect", "effect": "effect"}
#: How far down a sheet the header may start.
_HEADER_SEARCH_ROWS = 30
_SPACES = re.compile(r"\s+")
#: A year alone (a 目標年度 of 2025), as a CSV cell holds it.
_YEAR = re.compile(r"\s*[0-9]{4}\s*")
#: A number alone (1,741 or 12.5), as a CSV cell holds a 目標値 a workbook holds as a number.
_PLAIN_NUMBER = re.compile(r"\s*[-+]?[0-9][0-9,]*(?:\.[0-9]+)?\s*")


def _key(text: str) -> str:
    """A header as it is compared: NFKC, no spaces or line breaks, case folded, no trailing dot."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).casefold().rstrip(".")


def _letter(column: int) -> str:
    """1 → A, 27 → AA: the column as Excel names it."""
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def is_sheet(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is read as a spreadsheet (``.xlsx``, ``.xlsm``, ``.csv``; ``.xls`` and ``.ods``
    to say how to convert them)."""
    return os.fspath(path).lower().endswith(SHEET_SUFFIXES)


def is_progress_sheet(
    path: str | os.PathLike[str],
    *,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    encoding: str | None = None,
) -> bool:
    """Whether :func:`dgplan.load_progress` reads ``path`` here: a workbook, or a CSV file whose
    first 30 rows name an ``ID`` column but whose first row is not dgplan's own progress log header
    (``id,date,...`` in lower case), or one read with any of the options."""
    name = os.fspath(path).lower()
    if name.endswith((*_WORKBOOK_SUFFIXES, *_UNREAD_SUFFIXES)):
        return True
    if not name.endswith(".csv"):
        return False
    if sheet is not None or columns is not None or encoding is not None:
        return True
    records = _first_records(path)
    if records is None:
        return True  # not UTF-8: the sheet reader names the encoding option
    if not records or "id" in records[0]:
        return False
    return _names_any(records, PROGRESS_COLUMNS["id"])


def is_plan_csv(path: str | os.PathLike[str]) -> bool:
    """Whether a CSV file is a 工程表 (a plan) rather than a progress log: its first 30 rows name a
    施策番号 column and no ID column."""
    records = _first_records(path) or []
    measure_ids = tuple(name for name in PLAN_COLUMNS["id"] if _key(name) != "id")  # `id` is the log's own
    return _names_any(records, measure_ids) and not _names_any(records, PROGRESS_COLUMNS["id"])


def _first_records(path: str | os.PathLike[str]) -> list[list[str]] | None:
    """The first 30 records of a CSV file ([] if it cannot be read), None if it is not UTF-8."""
    try:
        with open(path, "rb") as raw:
            start = raw.read(2)
        utf16 = start in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
        with open(path, encoding="utf-16" if utf16 else "utf-8-sig", newline="") as stream:
            lines = [line for _, line in zip(range(_HEADER_SEARCH_ROWS), stream, strict=False)]
    except UnicodeDecodeError:
        return None
    except OSError:
        return []  # the reader of the file says it cannot be read
    try:
        return list(csv.reader(lines))
    except csv.Error:
        return []


def _names_any(records: list[list[str]], names: tuple[str, ...]) -> bool:
    keys = {_key(name) for name in names}
    return any(_key(cell) in keys for record in records for cell in record)


# ---------------------------------------------------------------------------------------------
# Grids: a sheet's cells, merged cells filled in


@dataclass(slots=True)
class _Grid:
    """One sheet: its cells (a merged range's value in every cell it spans), its merged ranges,
    and its formulas without a cached value."""

    path: str
    sheet: str | None
    cells: dict[tuple[int, int], Any]
    merges: list[tuple[int, int, int, int]]  # min_row, min_col, max_row, max_col
    uncached: dict[tuple[int, int], str]
    max_row: int
    max_col: int

    @property
    def name(self) -> str:
        return self.path if self.sheet is None else f"{self.path}:{self.sheet}"

    def cell(self, row: int, column: int) -> str:
        """``工程表!C14`` (``C14`` in a CSV file)."""
        address = f"{_letter(column)}{row}"
        return address if self.sheet is None else f"{self.sheet}!{address}"

    def where(self, row: int, column: int) -> str:
        return f"{self.path}:{self.cell(row, column)}"

    def value(self, row: int, column: int) -> Any:
        value = self.cells.get((row, column))
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value


def _grids(path: str | os.PathLike[str], encoding: str | None) -> list[_Grid]:
    name = os.fspath(path)
    suffix = Path(name).suffix.lower()
    if suffix in _UNREAD_SUFFIXES:
        raise PlanError(
            f"{name}: {_UNREAD_SUFFIXES[suffix]} ({suffix}) is not read; save it as .xlsx (Excel workbook)", path=name
        )
    if name.lower().endswith(".csv"):
        return [_csv_grid(path, encoding)]
    if encoding is not None:
        raise PlanError(f"{name}: encoding={encoding!r} applies to CSV files only", path=name)
    return _workbook_grids(path)


def _csv_grid(path: str | os.PathLike[str], encoding: str | None) -> _Grid:
    name = os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise PlanError(f"{name}: cannot read: {error.strerror}", path=name) from None
    if encoding is None and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # Excel's "Unicode text": its byte order mark says so, unambiguously
    try:
        # A byte order mark is no part of the first header, whichever encoding was named.
        text = data.decode(encoding or "utf-8-sig").removeprefix("\ufeff")
    except LookupError:
        raise PlanError(f"{name}: unknown encoding {encoding!r}", path=name) from None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        if b"\x00" in data[:4096]:
            message = (
                f"{name}:{line}: not {encoding or 'UTF-8'} text; NUL bytes between the characters mean UTF-16"
                ' without its byte order mark: pass encoding="utf-16-le" (--encoding utf-16-le)'
            )
        elif encoding is None:
            message = (
                f"{name}:{line}: not UTF-8 text; a CSV file saved by Japanese Excel is usually Shift_JIS:"
                ' pass encoding="cp932" (--encoding cp932 on the command line)'
            )
        else:
            message = f"{name}:{line}: not {encoding} text (byte {data[error.start]:#04x})"
        raise PlanError(message, path=name, line=line) from None
    cells: dict[tuple[int, int], Any] = {}
    reader = csv.reader(io.StringIO(text), strict=True)
    width = 0
    try:
        for row, fields in enumerate(reader, start=1):
            width = max(width, len(fields))
            for column, value in enumerate(fields, start=1):
                if value.strip():
                    cells[row, column] = value
    except csv.Error as error:
        raise PlanError(f"{name}:{reader.line_num}: not valid CSV: {error}", path=name, line=reader.line_num) from None
    return _Grid(name, None, cells, [], {}, _last_row(cells, {}), width)


#: How many bytes a workbook's parts may inflate to, by its zip directory (a zip bomb): the bound
#: every reader of zip archives applies (dgplan._archive), .docx documents too.
MAX_WORKBOOK_INFLATED = MAX_INFLATED
#: How many cells holding data (merged ranges filled in) a workbook may have: a 工程表 of 5,000
#: rows and 40 columns fits; reading one cell costs about 15 µs, so a refusal comes in seconds.
MAX_WORKBOOK_CELLS = 250_000


def _check_inflated(name: str) -> None:
    inflated = inflated_size(name)
    if inflated is None:
        return  # openpyxl says what is wrong with it
    if inflated > MAX_WORKBOOK_INFLATED:
        raise PlanError(
            f"{name}: the workbook inflates to {inflated / 2**20:,.0f} MB, more than the"
            f" {MAX_WORKBOOK_INFLATED // 2**20} MB dgplan reads (a zip bomb, or a sheet far larger than a plan);"
            " refusing",
            path=name,
        )


def _too_many_cells(name: str) -> PlanError:
    return PlanError(
        f"{name}: the workbook holds more than {MAX_WORKBOOK_CELLS:,} cells of data (merged ranges counted"
        " cell by cell); refusing",
        path=name,
    )


def _workbook_grids(path: str | os.PathLike[str]) -> list[_Grid]:
    name = os.fspath(path)
    try:
        import openpyxl
    except ImportError:
        raise PlanError(
            f"{name}: reading Excel workbooks needs openpyxl: pip install 'dgplan[excel]'", path=name
        ) from None
    _check_inflated(name)
    try:
        with warnings.catch_warnings():
            # openpyxl warns of what it drops (data validation extensions, unknown styles); reading
            # values needs none of it.
            warnings.simplefilter("ignore")
            # Read-only: the sheets are streamed once, below, by dgplan's own cell reader; openpyxl's
            # full load makes an object for every cell of every merged range (D3:D1048576 is a
            # million) and keeps every cell of the file.
            book = openpyxl.load_workbook(name, read_only=True, data_only=True)
    except OSError as error:
        raise PlanError(f"{name}: cannot read: {error.strerror or error}", path=name) from None
    except PlanError:
        raise
    except Exception as error:  # openpyxl fails in many ways on a file that is not a workbook
        raise PlanError(f"{name}: not an Excel workbook (.xlsx): {_reason(error)}", path=name) from None
    try:
        budget = [MAX_WORKBOOK_CELLS]
        grids = []
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible":
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    grids.append(_sheet_grid(name, book, sheet, budget))
            except (PlanError, MemoryError, RecursionError):
                raise
            except Exception as error:
                raise PlanError(f"{name}: sheet {sheet.title!r} cannot be read: {_reason(error)}", path=name) from None
        return grids
    finally:
        book.close()


def _reason(error: BaseException) -> str:
    """What went wrong, never empty (a MemoryError or a KeyError of openpyxl has no text)."""
    return str(error) or type(error).__name__


def _percent_styles(book: Any) -> frozenset[int]:
    """The style ids whose number format shows a percent (``0%``, ``0.0%``): a cell typed as ``90%``
    holds 0.9 under one of them."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    found = set()
    for index, style in enumerate(getattr(book, "_cell_styles", ())):
        number_format = getattr(style, "numFmtId", 0)
        if number_format < BUILTIN_FORMATS_MAX_SIZE:
            code = BUILTIN_FORMATS.get(number_format, "")
        else:
            custom = book._number_formats
            position = number_format - BUILTIN_FORMATS_MAX_SIZE
            code = custom[position] if 0 <= position < len(custom) else ""
        if _shows_percent(code):
            found.add(index)
    return frozenset(found)


def _shows_percent(code: str) -> bool:
    """Whether a number format multiplies by 100: a ``%`` outside quotes and escapes."""
    quoted = escaped = False
    for character in code:
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif character == '"':
            quoted = not quoted
        elif character == "%" and not quoted:
            return True
    return False


def _as_percent(value: float) -> str:
    """0.9 under a percent format: ``'90%'``, as the person typed it and as a CSV file reads it
    (exactly: 0.07 is 7%, not 7.000000000000001%)."""
    from decimal import Decimal

    shown = Decimal(repr(float(value))).scaleb(2).normalize()
    return f"{shown:f}%"


def _sheet_grid(name: str, book: Any, sheet: Any, budget: list[int]) -> _Grid:
    """One pass over a sheet's XML: cached values, formulas without one, merged ranges."""
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    percent = _percent_styles(book)
    uncached: dict[tuple[int, int], str] = {}
    cells: dict[tuple[int, int], Any] = {}

    class Parser(WorkSheetParser):
        """openpyxl's parser, reading values (data_only) and noting formulas that have none."""

        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            if cell["value"] is None:
                formula = element.find(FORMULA_TAG)
                if formula is not None:
                    uncached[cell["row"], cell["column"]] = "=" + (formula.text or "")
            elif cell["style_id"] in percent and cell["data_type"] == "n" and not isinstance(cell["value"], bool):
                cell["value"] = _as_percent(cell["value"])
            return cell

    source = sheet._get_source()
    try:
        parser = Parser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for _, row in parser.parse():
            for cell in row:
                value = cell["value"]
                if value is not None:
                    budget[0] -= 1
                    if budget[0] < 0:
                        raise _too_many_cells(name)
                    cells[cell["row"], cell["column"]] = value
    finally:
        source.close()
    last_row = max((row for row, _ in (*cells, *uncached)), default=0)
    last_column = max((column for _, column in (*cells, *uncached)), default=0)
    merges = []
    ranges = parser.merged_cells.mergeCell if parser.merged_cells is not None else ()
    for merged in ranges:
        from openpyxl.worksheet.cell_range import CellRange

        bounds = CellRange(merged.ref)
        top, left = bounds.min_row, bounds.min_col
        # Only the part of a range that reaches cells holding data is read: a merge down to
        # row 1,048,576 (or across to column XFD) ends where the sheet's data ends.
        bottom, right = min(bounds.max_row, last_row), min(bounds.max_col, last_column)
        if top > bottom or left > right:
            continue
        merges.append((top, left, bottom, right))
        top_left = cells.get((top, left))
        budget[0] -= (bottom - top + 1) * (right - left + 1)
        if budget[0] < 0:
            raise _too_many_cells(name)
        for row in range(top, bottom + 1):
            for column in range(left, right + 1):
                if top_left is None:
                    cells.pop((row, column), None)
                else:
                    cells[row, column] = top_left
    return _Grid(name, sheet.title, cells, merges, uncached, _last_row(cells, uncached), last_column)


def _last_row(cells: Mapping[tuple[int, int], Any], uncached: Mapping[tuple[int, int], str]) -> int:
    """The last row holding anything: a sheet formatted down to row 1,048,576 is read to its data."""
    return max((row for row, _ in (*cells, *uncached)), default=0)


def _pick(grids: list[_Grid], sheet: str | None, name: str) -> _Grid:
    if not grids:
        raise PlanError(f"{name}: the workbook has no visible sheet", path=name)
    if sheet is None:
        return grids[0]
    for grid in grids:
        if grid.sheet == sheet:
            return grid
    names = ", ".join(repr(grid.sheet) for grid in grids if grid.sheet is not None)
    raise PlanError(f"{name}: no sheet {sheet!r} (sheets: {names or 'none; a CSV file has one'})", path=name)


# ---------------------------------------------------------------------------------------------
# Headers


@dataclass(slots=True)
class _Header:
    """Where the header is (rows ``first``..``last``) and which column holds each field."""

    first: int
    last: int
    columns: dict[str, int]
    labels: dict[str, str]  # field -> the header text as the sheet writes it


def _column_parts(grid: _Grid, first: int, last: int, column: int) -> list[str]:
    parts: list[str] = []
    for row in range(first, last + 1):
        value = grid.value(row, column)
        if value is not None and (not parts or parts[-1] != str(value)):
            parts.append(str(value))
    return parts


def _band_start(grid: _Grid, last: int) -> int:
    """The first row of a header ending at ``last``: rows above belong to it while a merged range
    joins them to it (施策番号 merged down two rows) or groups columns (KPI over 指標 · 目標値)."""
    first = last
    while first > 1:
        above = first - 1
        joined = any(
            (top <= above and bottom >= first) or (top == bottom == above and right > left)
            for top, left, bottom, right in grid.merges
        )
        if not joined:
            break
        first = above
    return first


def _band_end(grid: _Grid, last: int, keys: Mapping[str, str]) -> int:
    """The last row of a header: a row that groups columns (KPI merged over three) is followed by
    the row naming them (指標 · 目標値 · 目標年度), when that row names a field."""
    while last < grid.max_row:
        groups = any(top == bottom == last and right > left for top, left, bottom, right in grid.merges)
        below = last + 1
        if not groups or not any(_key(str(grid.value(below, c))) in keys for c in range(1, grid.max_col + 1)):
            break
        last = below
    return last


def _names(table: Mapping[str, tuple[str, ...]], columns: Mapping[str, str] | None, name: str) -> dict[str, list[str]]:
    names = {key: list(value) for key, value in table.items()}
    for key, header in (columns or {}).items():
        if key not in table:
            raise PlanError(f"{name}: columns: unknown field {key!r}; fields are {', '.join(table)}", path=name)
        if not isinstance(header, str) or not header.strip():
            raise PlanError(f"{name}: columns: {key!r} must name a header, not {header!r}", path=name)
        names[key] = [header]
    return names


def _matches(parts: list[str], wanted: str) -> bool:
    """Whether a column whose header reads ``parts`` (top to bottom) is ``wanted``: its last part,
    or its last parts joined by ``/`` (``KPI/目標値``)."""
    wanted_parts = [_key(part) for part in wanted.split("/")]
    keys = [_key(part) for part in parts]
    return len(keys) >= len(wanted_parts) and keys[-len(wanted_parts) :] == wanted_parts


def _find_header(
    grid: _Grid,
    table: Mapping[str, tuple[str, ...]],
    columns: Mapping[str, str] | None,
    *,
    required: tuple[str, ...],
) -> _Header | None:
    """The header: the row in the first 30 that names the most fields (one of them ``id``), with
    the rows merged cells join to it. None when no row names ``id`` and another field."""
    names = _names(table, columns, grid.path)
    keys = {_key(header): key for key, headers in names.items() for header in headers}
    best: tuple[int, int] | None = None
    for row in range(1, min(grid.max_row, _HEADER_SEARCH_ROWS) + 1):
        found = {keys.get(_key(str(grid.value(row, column)))) for column in range(1, grid.max_col + 1)}
        found.discard(None)
        if "id" in found and len(found) >= 2 and (best is None or len(found) >= best[1]):
            best = (row, len(found))
    if best is None:
        return None
    last = _band_end(grid, best[0], keys)
    first = _band_start(grid, best[0])
    parts = {column: _column_parts(grid, first, last, column) for column in range(1, grid.max_col + 1)}
    chosen: dict[str, int] = {}
    labels: dict[str, str] = {}
    problems = []
    for key, headers in names.items():
        for header in headers:
            hits = [column for column, column_parts in parts.items() if column_parts and _matches(column_parts, header)]
            if len(hits) > 1:
                cells = " and ".join(grid.cell(last, column) for column in hits)
                where = f"{grid.path}:{grid.cell(last, hits[0])}"
                if all(parts[column] == parts[hits[0]] for column in hits):
                    # Nothing tells them apart: a header cell merged over them, or the same header twice.
                    problems.append(
                        f"{where}: {cells} both read {'/'.join(parts[hits[0]])!r}; give each column its own header"
                    )
                else:
                    problems.append(
                        f"{where}: {cells} are both {header!r}; say which is {key!r}"
                        f" with columns={{{key!r}: '{'/'.join(parts[hits[0]])}'}}"
                    )
            if hits:
                chosen[key] = hits[0]
                labels[key] = "/".join(parts[hits[0]])
                break
        else:
            if columns and key in columns:
                listed = ", ".join(repr("/".join(p)) for p in parts.values() if p)
                problems.append(f"{grid.name}: no column {columns[key]!r} for {key!r}; the header has {listed}")
    claimed: dict[int, str] = {}
    for key, column in chosen.items():
        if column in claimed:
            problems.append(
                f"{grid.path}:{grid.cell(last, column)}: the column is both {claimed[column]!r} and {key!r};"
                " name another header for one of them with columns="
            )
        claimed[column] = key
    missing = [key for key in required if key not in chosen]
    if missing:
        problems.append(f"{grid.name}: no {', '.join(missing)} column in the header (row {last})")
    if problems:
        _raise(problems, grid.path)
    return _Header(first, last, chosen, labels)


def _no_header(grid: _Grid, table: Mapping[str, tuple[str, ...]], what: str) -> PlanError:
    ids = " or ".join(repr(h) for h in table["id"][:3])
    return PlanError(
        f"{grid.name}: no header row in the first {_HEADER_SEARCH_ROWS} rows: expected a row naming {ids}"
        f" and the other columns of {what} (or say which headers mean what with columns=)",
        path=grid.path,
    )


def _raise(problems: list[str], name: str, *, line: int | None = None, column: int | None = None) -> NoReturn:
    count = len(problems)
    summary = problems[0] if count == 1 else f"{name}: {count} problems:\n  " + "\n  ".join(problems)
    raise PlanError(summary, path=name, line=line, column=column, problems=tuple(problems))


# ---------------------------------------------------------------------------------------------
# Cells


@dataclass(slots=True)
class _Problem:
    order: tuple[int, int, int]  # sheet, row, column: problems are listed in reading order
    where: str
    text: str

    @property
    def message(self) -> str:
        return f"{self.where}: {self.text}"


@dataclass(slots=True)
class _Row:
    """One data row, read field by field; a cell that cannot be read becomes a problem."""

    grid: _Grid
    header: _Header
    row: int
    problems: list[_Problem]
    sheet_index: int = 0

    def column(self, key: str) -> int | None:
        return self.header.columns.get(key)

    def fail(self, key: str, message: str) -> None:
        column = self.column(key) or 1
        problem = _Problem((self.sheet_index, self.row, column), self.grid.where(self.row, column), message)
        if problem not in self.problems:  # a cell read twice is one problem
            self.problems.append(problem)

    def raw(self, key: str) -> Any:
        column = self.column(key)
        if column is None:
            return None
        formula = self.grid.uncached.get((self.row, column))
        if formula is not None:
            self.fail(
                key,
                f"formula {formula!r} has no cached value (the workbook was saved by a program that does not"
                " compute formulas); open and save it in Excel or LibreOffice, or type the value",
            )
        return self.grid.value(self.row, column)

    def empty(self, keys: Mapping[str, Any]) -> bool:
        return all(
            self.grid.value(self.row, column) is None and (self.row, column) not in self.grid.uncached
            for key in keys
            if (column := self.column(key)) is not None
        )

    def text(self, key: str) -> str | None:
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, datetime | date | time):
            self.fail(key, f"{self.header.labels[key]}: expected text, got the date {value}")
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)

    def day(self, key: str) -> date | None:
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, datetime):
            if value.time() != time(0):
                self.fail(key, f"{self.header.labels[key]}: {value} has a time of day; expected a date")
                return None
            return value.date()
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.fail(key, f"{self.header.labels[key]}: {value!r} is a number, not a date (format the cell as a date)")
            return None
        try:
            return row_date(str(value) if not isinstance(value, date) else value)
        except (DgplanError, ValueError) as error:
            message = str(error)
            if repr(str(value)) not in message:
                message = f"{str(value)!r} is not a date: {message}"
            self.fail(key, message)
            return None

    def number(self, key: str) -> float | None:
        value = self.raw(key)
        if value is None:
            return None
        try:
            return as_number(value)
        except ValueError as error:
            self.fail(key, f"{self.header.labels[key]}: {error}")
            return None

    def deadline(self, key: str, reference: date) -> Deadline | None:
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, datetime):
            day = self.day(key)
            return None if day is None else Deadline.by(day)
        if key == "target_by" and isinstance(value, str) and _YEAR.fullmatch(unicodedata.normalize("NFKC", value)):
            value = int(unicodedata.normalize("NFKC", value))  # a CSV file's cells are all text
        if isinstance(value, int | float) and not isinstance(value, bool):
            if key == "target_by" and float(value).is_integer():
                value = f"{int(value)}年度"  # a year in a 目標年度 column is a fiscal year
            else:
                self.fail(key, f"{self.header.labels[key]}: {value!r} is not a deadline; expected a phrase or a date")
                return None
        try:
            return deadline_from_data(value, reference)
        except (DgplanError, ValueError) as error:
            self.fail(key, str(error).removeprefix("Value error, "))
            return None


def _facts(grid: _Grid, before: int) -> dict[str, Any]:
    """Plan facts stated above the header (``策定日 | 令和5年6月9日``): field → (value, cell)."""
    labels = {_key(label): key for key, names in _FACTS.items() for label in names}
    facts: dict[str, Any] = {}
    for row in range(1, before):
        filled = [(column, grid.value(row, column)) for column in range(1, grid.max_col + 1)]
        filled = [(column, value) for column, value in filled if value is not None]
        if not filled or not isinstance(filled[0][1], str):
            continue
        label, _, inline = filled[0][1].replace("：", ":").partition(":")
        key = labels.get(_key(label))
        if key is None:
            continue
        if inline and inline.strip():
            facts[key] = (inline.strip(), grid.where(row, filled[0][0]))
        elif len(filled) > 1 and filled[1][1] != filled[0][1]:
            facts[key] = (filled[1][1], grid.where(row, filled[1][0]))
    return facts


# ---------------------------------------------------------------------------------------------
# Plans


@dataclass(slots=True)
class _MeasureRows:
    """A measure as its rows build it, with the row each milestone and KPI comes from."""

    id: str
    row: int
    title: str | None
    title_row: int
    section: str
    owner: str | None = None
    tags: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)
    milestones: list[dict[str, Any]] = field(default_factory=list)
    milestone_rows: list[int] = field(default_factory=list)
    kpis: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    kpi_rows: list[int] = field(default_factory=list)

    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "section": self.section, "title": self.title or ""}
        for key in ("owner", "description", "tags", "milestones"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.kpis:
            data["kpis"] = list(self.kpis.values())
        return data


def _issued(issued: date | str | None, facts: dict[str, Any], grid: _Grid, problems: list[str]) -> date | None:
    value, where = (issued, None) if issued is not None else facts.get("issued", (None, None))
    if value is None:
        problems.append(
            f"{grid.name}: the plan's issued date is needed as the reference of relative deadline phrases"
            " (本年度, 来年度) and as the plan's date; pass issued=date(2023, 6, 9) (--issued on the command line)"
            " or write a row '策定日 | 令和5年6月9日' above the header"
        )
        return None
    if isinstance(value, datetime):
        value = value.date()
    try:
        return row_date(value)
    except (DgplanError, ValueError) as error:
        problems.append(f"{where or 'issued'}: the plan's issued date: {error}")
        return None


def read_plan_sheet(
    path: str | os.PathLike[str],
    *,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    title: str | None = None,
    issued: date | str | None = None,
    source: str | None = None,
    encoding: str | None = None,
) -> Plan:
    """Read a plan from a spreadsheet: a row per measure or per milestone under a header.

    ``sheet`` is the sheet to read (default: the first visible one); ``columns`` maps fields to
    headers where the defaults (:data:`PLAN_COLUMNS`) do not fit. ``title``, ``issued`` and
    ``source`` give the plan's facts; without them, a label and value above the header
    (``策定日 | 令和5年6月9日``) do, and the title defaults to the file's name. ``encoding`` is
    for CSV files (default UTF-8; ``"cp932"`` for Shift_JIS).

    Merged cells are read as people mean them: a 施策名 merged over three rows is the title of
    each of them, a header merged over 指標 · 目標値 groups them (``KPI/目標値``). Every problem is
    reported at once in one :class:`PlanError`, each at its cell (``工程表!C14``).
    """
    name = os.fspath(path)
    grid = _pick(_grids(path, encoding), sheet, name)
    header = _find_header(grid, PLAN_COLUMNS, columns, required=("id", "title"))
    if header is None:
        raise _no_header(grid, PLAN_COLUMNS, "a plan (施策名, 期限, ...)")
    facts = _facts(grid, header.last)
    problems: list[str] = []
    reference = _issued(issued, facts, grid, problems)
    if reference is None:
        _raise(problems, name)
    cell_problems: list[_Problem] = []
    measures: dict[str, _MeasureRows] = {}
    _check_merges(grid, header, cell_problems)
    for row in range(header.last + 1, grid.max_row + 1):
        reader = _Row(grid, header, row, cell_problems)
        if reader.empty(header.columns):
            continue
        _read_plan_row(reader, measures, reference)
    cell_problems.sort(key=lambda problem: problem.order)
    problems.extend(problem.message for problem in cell_problems)
    line, column = cell_problems[0].order[1:] if cell_problems else (None, None)
    info = {
        "title": title or _fact_text(facts, "title") or Path(name).stem,
        "issued": reference,
        "source": source or _fact_text(facts, "source"),
    }
    data = {"plan": {k: v for k, v in info.items() if v is not None}, "measures": [m.data() for m in measures.values()]}
    plan: Plan | None = None
    if not problems:
        try:
            plan = Plan.model_validate(data, context={"reference": reference})
        except ValidationError as error:
            model_problems = _model_problems(error, list(measures.values()), grid, header)
            problems.extend(problem.message for problem in model_problems)
            line, column = model_problems[0].order[1:] if model_problems[0].order[1] else (None, None)
    if problems or plan is None:
        _raise(problems, name, line=line, column=column)
    return plan


def _fact_text(facts: dict[str, Any], key: str) -> str | None:
    value = facts.get(key, (None, None))[0]
    return None if value is None else str(value)


def _check_merges(grid: _Grid, header: _Header, problems: list[_Problem]) -> None:
    """A data cell merged across two fields (取組内容 and 期限) has no reading: refuse it."""
    by_column = {column: key for key, column in header.columns.items()}
    for top, left, bottom, right in grid.merges:
        if top <= header.last:
            continue
        spanned = [header.labels[by_column[c]] for c in range(left, right + 1) if c in by_column]
        if len(spanned) > 1:
            span = f"{grid.cell(top, left)}:{_letter(right)}{bottom}"
            problems.append(
                _Problem(
                    (0, top, left),
                    f"{grid.path}:{span}",
                    f"one merged cell spans {' and '.join(spanned)}; each needs its own cell",
                )
            )
            for column in range(left + 1, right + 1):
                for row in range(top, bottom + 1):
                    grid.cells.pop((row, column), None)


def _measure_id(reader: _Row) -> str | None:
    value = reader.raw("id")
    if value is None:
        return None
    if isinstance(value, datetime | date):
        reader.fail(
            "id",
            f"{reader.header.labels['id']}: Excel turned the number into the date {value:%Y-%m-%d}"
            " (as it does with 1-1); format the column as text and type it again",
        )
        return None
    return reader.text("id")


def _read_plan_row(reader: _Row, measures: dict[str, _MeasureRows], reference: date) -> None:
    labels = reader.header.labels
    measure_id = _measure_id(reader)
    if measure_id is None:
        if reader.raw("id") is None:
            reader.fail("id", f"no {labels['id']} in a row with other cells; fill it in or merge it with the one above")
        return
    title = reader.text("title")
    measure = measures.get(measure_id)
    if measure is None:
        section = reader.text("section") or measure_id.split("-")[0]
        measure = measures[measure_id] = _MeasureRows(measure_id, reader.row, title, reader.row, section)
        if title is None:
            reader.fail("title", f"measure {measure_id!r} has no {labels['title']}")
    elif title is not None and measure.title is not None and title != measure.title:
        first = reader.grid.cell(measure.title_row, reader.column("title") or 1)
        reader.fail("title", f"measure {measure_id!r}: {title!r} differs from {measure.title!r} at {first}")
    elif title is not None and measure.title is None:
        measure.title, measure.title_row = title, reader.row
    # The measure's owner (担当) is its first row's; a later row naming another owns its own
    # milestone and KPI. Each name is a tag too, for filtering by one ministry of several.
    owner = reader.text("ministry")
    if owner is not None and measure.owner is None:
        measure.owner = owner
    for tag in re.split(r"[、,，/／・\n]", owner or ""):
        if tag.strip() and tag.strip() not in measure.tags:
            measure.tags.append(tag.strip())
    text = reader.text("text")
    if text is not None and text not in measure.description:
        measure.description.append(text)
    _read_milestone(reader, measure, text, reference)
    _read_kpi(reader, measure, reference)


def _read_milestone(reader: _Row, measure: _MeasureRows, text: str | None, reference: date) -> None:
    deadline = reader.deadline("due", reference)
    done_on = reader.day("done_on")
    note = reader.text("note")
    labels = reader.header.labels
    if deadline is None:
        if done_on is not None and reader.raw("due") is None:
            reader.fail("done_on", f"{labels['done_on']} without a {labels.get('due', '期限')}: nothing to mark done")
        return
    milestone: dict[str, Any] = {"text": text or measure.title or measure.id, "due": deadline}
    owner = reader.text("ministry")
    if owner is not None and owner != measure.owner:
        milestone["owner"] = owner
    if done_on is not None:
        milestone["done_on"] = done_on
    if note is not None:
        milestone["note"] = note
    same = [m for m in measure.milestones if (m["text"], m["due"]) == (milestone["text"], deadline)]
    if same:  # merged cells repeat one milestone over the rows they span
        return
    measure.milestones.append(milestone)
    measure.milestone_rows.append(reader.row)


def _read_target(reader: _Row, reference: date) -> Target | None:
    raw = reader.raw("target")
    unit = reader.text("unit")
    by = reader.deadline("target_by", reference)
    labels = reader.header.labels
    if raw is None:
        if by is not None:
            reader.fail("target_by", f"{labels['target_by']} without a {labels.get('target', '目標値')}")
        return None
    plain = isinstance(raw, str) and _PLAIN_NUMBER.fullmatch(unicodedata.normalize("NFKC", raw)) is not None
    if plain or (isinstance(raw, int | float) and not isinstance(raw, bool)):  # a CSV cell is text
        value = reader.number("target")
        target = None if value is None else Target(value=value)
    else:
        from dgplan.targets import parse_target

        target = parse_target(str(raw), reference=reference)
        if target is None:
            reader.fail(
                "target",
                f"{labels['target']}: {str(raw)!r} is not a target value; expected a number, with its unit"
                " if you like (1,741団体, 100%, 3万人超)",
            )
    if target is None:
        return None
    update: dict[str, Any] = {}
    if unit is not None:
        update["unit"] = unit
    if by is not None:
        update["by"] = by
    return target.model_copy(update=update) if update else target


def _read_kpi(reader: _Row, measure: _MeasureRows, reference: date) -> None:
    labels = reader.header.labels
    text = reader.text("kpi")
    kind_text = reader.text("kind")
    kind = "progress" if kind_text is None else _KINDS.get(_key(kind_text))
    if kind is None:
        reader.fail("kind", f"{labels['kind']}: {kind_text!r} is neither 進捗 nor 効果")
    target = _read_target(reader, reference)
    value = reader.number("value")
    day = reader.day("date")
    if text is None:
        for key in ("target", "value"):
            if reader.raw(key) is not None:
                reader.fail(key, f"{labels[key]} without a {labels.get('kpi', 'KPI')} on its row")
        return
    if kind is None:
        return
    kpi = measure.kpis.get((kind, text))
    if kpi is None:
        kpi = measure.kpis[kind, text] = {"kind": kind, "text": text, "observations": []}
        measure.kpi_rows.append(reader.row)
        owner = reader.text("ministry")
        if owner is not None and owner != measure.owner:
            kpi["owner"] = owner
    if target is not None:
        known = kpi.get("target")
        if known is None:
            kpi["target"] = target
        elif known != target:
            reader.fail("target", f"KPI {text!r}: target {target.value:g} differs from the one above ({known.value:g})")
    if value is not None and day is None and reader.raw("date") is None:
        reader.fail("value", f"{labels['value']} needs its {labels.get('date', '時点')} (the day it was measured)")
    elif day is not None and value is None and reader.raw("value") is None:
        reader.fail("date", f"{labels['date']} without a {labels.get('value', '実績値')}")
    elif value is not None and day is not None:
        observations = kpi["observations"]
        earlier = [o for o in observations if o["date"] == day]
        if earlier and earlier[0]["value"] != value:
            reader.fail("value", f"KPI {text!r}: two values on {day} ({earlier[0]['value']:g} and {value:g})")
        elif not earlier:
            observations.append({"date": day, "value": value})


def _model_problems(
    error: ValidationError, measures: list[_MeasureRows], grid: _Grid, header: _Header
) -> list[_Problem]:
    """The model's problems, each at the cell it comes from."""
    problems = []
    for detail in error.errors(include_url=False):
        loc = detail["loc"]
        text = model_message(detail["type"], detail["msg"])
        order, where = (0, 0, 0), grid.path
        if len(loc) >= 2 and loc[0] == "measures" and isinstance(loc[1], int) and loc[1] < len(measures):
            measure = measures[loc[1]]
            row, key = measure.row, "id"
            if len(loc) >= 4 and loc[2] == "milestones" and isinstance(loc[3], int):
                row, key = measure.milestone_rows[loc[3]], "due"
            elif len(loc) >= 4 and loc[2] == "kpis" and isinstance(loc[3], int):
                row, key = measure.kpi_rows[loc[3]], "kpi"
            elif len(loc) >= 3 and loc[2] in header.columns:
                key = str(loc[2])
            column = header.columns.get(key, header.columns["id"])
            order, where = (0, row, column), grid.where(row, column)
            text = f"measure {measure.id!r}: {text}"
        problems.append(_Problem(order, where, text))
    return sorted(problems, key=lambda problem: problem.order)


# ---------------------------------------------------------------------------------------------
# Progress


def progress_rows(
    path: str | os.PathLike[str],
    *,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    encoding: str | None = None,
) -> list[tuple[RowPlace, Any]]:
    """The progress rows of a workbook or CSV file, each with its place, for
    :func:`dgplan.plan_io.merge_progress` (what :func:`dgplan.load_progress` calls).

    Every visible sheet whose header names ``ID`` (or the one ``sheet``) is read; a sheet without
    one (notes, a cover page) is skipped. A row with an id and nothing else to say is skipped too:
    it is a line left to fill in. A cell that cannot be read becomes a problem at its cell.
    """
    name = os.fspath(path)
    grids = _grids(path, encoding)
    if sheet is not None:
        grids = [_pick(grids, sheet, name)]
    rows: list[tuple[RowPlace, Any]] = []
    read = 0
    for index, grid in enumerate(grids):
        header = _find_header(grid, PROGRESS_COLUMNS, columns, required=("id",))
        if header is None or not {"value", "done", "done_on"} & header.columns.keys():
            if sheet is not None or len(grids) == 1:
                raise _no_header(grid, PROGRESS_COLUMNS, "a progress log (時点, 実績値 or 完了日)")
            continue
        read += 1
        for row in range(header.last + 1, grid.max_row + 1):
            rows.extend(_progress_row(_Row(grid, header, row, [], index)))
    if not read:
        sheets = ", ".join(repr(grid.sheet) for grid in grids)
        raise PlanError(
            f"{name}: no sheet has a progress header (ID and 時点, 実績値 or 完了日); sheets: {sheets}", path=name
        )
    return rows


def _progress_row(reader: _Row) -> list[tuple[RowPlace, Any]]:
    grid, row = reader.grid, reader.row
    facts = ("date", "value", "done", "done_on", "note")
    if reader.empty(dict.fromkeys(facts)):
        return []
    item_id = reader.text("id")
    day, value, done_on, note = reader.day("date"), reader.number("value"), reader.day("done_on"), reader.text("note")
    done = False
    marked = reader.raw("done")
    if marked is not None:
        try:
            done = str(marked).strip() in _DONE_MARKS or as_bool(marked)
        except ValueError as error:
            reader.fail("done", str(error))
    labels = reader.header.labels
    if item_id is None:
        reader.fail("id", f"no {labels['id']} in a row that says something")
    elif reader.raw("value") is not None and value is not None and day is None and reader.raw("date") is None:
        reader.fail("value", f"{labels['value']} needs its {labels.get('date', '時点')} (the day it was measured)")
    elif done and day is None and done_on is None and reader.raw("date") is None:
        reader.fail("done", f"{labels['done']} needs a {labels.get('date', '時点')}: the day it was done")
    elif note is not None and value is None and not done and done_on is None and day is None:
        reader.fail("note", f"{labels['note']} alone: a note goes with a 実績値 or a 完了日")
    elif day is not None and value is None and not done and done_on is None and reader.raw("value") is None:
        reader.fail("date", f"{labels['date']} without a {labels.get('value', '実績値')} or a 完了日")
    cells = tuple((key, grid.where(row, column)) for key, column in reader.header.columns.items())
    id_cell = grid.cell(row, reader.header.columns["id"])
    place = RowPlace(f"{grid.path}:{id_cell}", row, id_cell, cells)
    if reader.problems:
        problems = sorted(reader.problems, key=lambda problem: problem.order)
        return [(RowPlace(problem.where, row, id_cell), BadRow(problem.text)) for problem in problems]
    found: list[tuple[RowPlace, Any]] = []
    if value is not None or (done and done_on is None):
        entry: dict[str, Any] = {"id": item_id, "date": day}
        if value is not None:
            entry["value"] = value
        if done:
            entry["done"] = True
        if note is not None:
            entry["note"] = note
        found.append((place, entry))
    if done_on is not None:
        if found and day == done_on:
            found[0][1]["done"] = True
        else:
            entry = {"id": item_id, "date": done_on, "done": True}
            if note is not None and not found:
                entry["note"] = note
            found.append((place, entry))
    return found
