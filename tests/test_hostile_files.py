"""Hostile plan files and progress logs: each is refused with a PlanError that says where.

Whatever a file holds, loading it raises :class:`PlanError` (a DgplanError) with the file and
line, never another exception type, never a silent misreading, and never minutes of work.
"""

from __future__ import annotations

import math
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dgplan import PlanError, load_plan, load_progress
from dgplan.errors import DgplanError
from dgplan.plan_io import MAX_ALIAS_EXPANSION, parse_plan

SMALL = Path(__file__).parent / "data" / "small_plan.yaml"
HEADER = "plan: {title: 試験, issued: 2021-06-18}\nmeasures:\n"
KPI = (
    '  - id: "1-1"\n    section: I\n    title: 施策\n    kpis:\n'
    "      - kind: progress\n        text: 件数\n        target: {{value: {target}, by: 2022-03-31}}\n"
    "        observations:\n          - {{date: 2021-09-30, value: {observed}}}\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path, *, plan: bool = True) -> PlanError:
    """Load the file; it must fail with a PlanError naming it and a line."""
    with pytest.raises(PlanError) as caught:
        if plan:
            load_plan(path)
        else:
            load_progress(path, load_plan(SMALL))
    error = caught.value
    assert str(path) in str(error)
    assert error.line is not None and f"{path}:{error.line}" in str(error)
    return error


def alias_bomb(levels: int, width: int) -> str:
    lines = ["a: &a [" + ", ".join(["x"] * width) + "]"]
    for level in range(1, levels):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * width) + "]")
    return "\n".join(lines) + "\n"


class TestNumbers:
    @pytest.mark.parametrize(
        ("target", "observed", "bad"),
        [
            (".nan", "1", "nan"),
            (".inf", "1", "inf"),
            ("-.inf", "1", "inf"),
            ("true", "1", "True"),
            ("100", ".nan", "nan"),
            ("100", ".inf", "inf"),
            ("100", "false", "False"),
        ],
    )
    def test_plan_refuses_non_finite_and_boolean_numbers(
        self, tmp_path: Path, target: str, observed: str, bad: str
    ) -> None:
        path = write(tmp_path, "plan.yaml", HEADER + KPI.format(target=target, observed=observed))
        error = refused(path)
        assert bad in str(error) and "measure '1-1'" in str(error)
        assert error.line == (9 if observed == "1" else 11)

    @pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-Infinity", "1e400", "true"])
    def test_progress_csv_refuses_non_finite_and_boolean_values(self, tmp_path: Path, value: str) -> None:
        path = write(tmp_path, "p.csv", f"id,date,value\n1-1/progress/1,2021-10-31,{value}\n")
        error = refused(path, plan=False)
        assert error.line == 2 and repr(value) in str(error)

    @pytest.mark.parametrize("value", [".nan", ".inf", "true"])
    def test_progress_yaml_refuses_non_finite_and_boolean_values(self, tmp_path: Path, value: str) -> None:
        path = write(tmp_path, "p.yaml", f"- {{id: 1-1/progress/1, date: 2021-10-31, value: {value}}}\n")
        assert refused(path, plan=False).line == 1

    def test_a_kpi_is_never_graded_on_a_nan(self) -> None:
        plan = load_plan(SMALL)
        kpi = plan.kpi("1-1/progress/1")
        with pytest.raises(ValueError, match="finite"):
            kpi.model_validate(
                {**kpi.model_dump(by_alias=True), "observations": [{"date": "2021-10-01", "value": math.nan}]}
            )


class TestCsv:
    def test_unterminated_quote_is_refused_at_its_line(self, tmp_path: Path) -> None:
        text = (
            "id,date,value,note\n"
            "1-1/progress/1,2021-10-31,700,ok\n"
            '1-1/progress/1,2021-11-30,800,"never closed\n'
            "1-1/progress/1,2021-12-31,900,swallowed\n"
        )
        error = refused(write(tmp_path, "p.csv", text), plan=False)
        assert error.line == 3 and "unterminated quote" in str(error)

    def test_stray_quote_inside_a_field_is_refused(self, tmp_path: Path) -> None:
        text = 'id,date,value\n1-1/progress/1,2021-10-31,"7"00\n'
        assert refused(write(tmp_path, "p.csv", text), plan=False).line == 2

    def test_duplicated_column_is_refused(self, tmp_path: Path) -> None:
        text = "id,date,value,value\n1-1/progress/1,2021-10-31,700,800\n"
        error = refused(write(tmp_path, "p.csv", text), plan=False)
        assert error.line == 1 and "'value'" in str(error)

    def test_more_fields_than_the_header_is_refused(self, tmp_path: Path) -> None:
        text = "id,date,value\n1-1/progress/1,2021-10-31,700,800\n"
        error = refused(write(tmp_path, "p.csv", text), plan=False)
        assert error.line == 2 and "4 fields" in str(error)

    def test_lines_are_those_of_the_file_even_after_a_quoted_line_break(self, tmp_path: Path) -> None:
        text = 'id,date,value,note\n1-1/progress/1,2021-10-31,700,"two\nlines"\nnope,2021-11-30,1,\n'
        error = refused(write(tmp_path, "p.csv", text), plan=False)
        assert error.line == 4 and "'nope'" in str(error)


class TestObservationsAlreadyInThePlan:
    def test_identical_observation_is_not_merged_twice(self, tmp_path: Path) -> None:
        plan = load_plan(SMALL)
        path = write(tmp_path, "p.csv", "id,date,value\n1-1/progress/1,2021-09-30,600\n1-1/progress/1,2021-10-31,700\n")
        merged = load_progress(path, plan)
        observations = merged.kpi("1-1/progress/1").observations
        assert [(str(o.observed_on), o.value) for o in observations] == [
            ("2021-09-30", 600),
            ("2021-10-31", 700),
            ("2022-03-31", 1741),
        ]

    def test_conflicting_observation_names_both(self, tmp_path: Path) -> None:
        path = write(tmp_path, "p.csv", "id,date,value\n1-1/progress/1,2021-09-30,650\n")
        error = refused(path, plan=False)
        assert error.line == 2 and "650" in str(error) and "600" in str(error)


class TestYamlShapes:
    @pytest.mark.parametrize(
        ("text", "line", "message"),
        [
            (HEADER + "  - &m {id: '1-1', section: I, title: 施策}\n  - {<<: *m, id: '1-2'}\n", 4, "merge keys"),
            (HEADER + "  - id: '1-1'\n    section: I\n    title: 施策\n    ? [a, b]\n    : 1\n", 6, "complex key"),
            (HEADER + "  - {id: '1-1', section: I, title: 施策, {a: 1}: 2}\n", 3, "complex key"),
            (HEADER + "  - id: '1-1'\n    section: I\n    !foo title: 施策\n", 5, "'!foo'"),
            (HEADER + "  - id: '1-1'\n    section: !!python/name:os.system I\n    title: 施策\n", 4, "tag"),
            (HEADER + "  - id: '1-1'\n    section: I\n    title: 施策\n    n: " + "9" * 5000 + "\n", 6, "4300 digits"),
            ("plan: &p [*p]\nmeasures: []\n", 1, "recursive alias"),
            ("[" * 200 + "]" * 200 + "\n", 1, "levels deep"),
            ("plan: {title: t, issued: 2021-02-30}\nmeasures: []\n", 1, "2021-02 has days 1 to 28"),
            ("plan: {title: t, issued: 2021-06-18}\nmeasures: []\nplan: {}\n", 3, "duplicate key"),
            ("plan: {title: t\n", 2, "not valid YAML"),
            ("plan: {title: t, issued: 2021-06-18}\x00\n", 1, "not valid YAML"),
        ],
        ids=[
            "merge-key",
            "complex-key",
            "mapping-key",
            "tagged-key",
            "python-tag",
            "huge-integer",
            "recursive-alias",
            "deep-nesting",
            "impossible-date",
            "duplicate-key",
            "unclosed-flow",
            "nul-character",
        ],
    )
    def test_refused_with_location(self, tmp_path: Path, text: str, line: int, message: str) -> None:
        for name, plan in (("plan.yaml", True), ("progress.yaml", False)):
            path = write(tmp_path, name, text)
            error = refused(path, plan=plan)
            if plan:
                assert error.line == line and message in str(error)

    def test_not_utf8(self, tmp_path: Path) -> None:
        path = tmp_path / "plan.yaml"
        path.write_bytes("plan: {title: 試験}\n".encode("shift_jis"))
        with pytest.raises(PlanError, match="not UTF-8"):
            load_plan(path)


class TestAliasBomb:
    def test_refused_quickly_with_its_line(self, tmp_path: Path) -> None:
        path = write(tmp_path, "bomb.yaml", alias_bomb(9, 9))
        start = time.perf_counter()
        error = refused(path)
        assert time.perf_counter() - start < 10  # unbounded, it takes minutes and gigabytes
        assert f"{MAX_ALIAS_EXPANSION:,}" in str(error)

    def test_refused_in_progress_logs_too(self, tmp_path: Path) -> None:
        refused(write(tmp_path, "bomb.yaml", "progress: *i\n" if False else alias_bomb(9, 9)), plan=False)

    def test_modest_reuse_of_an_anchor_is_fine(self) -> None:
        measures = "".join(
            f"  - {{id: '1-{n}', section: I, title: 施策, tags: *t}}\n"
            if n > 1
            else "  - {id: '1-1', section: I, title: 施策, tags: &t [共通, 基盤]}\n"
            for n in range(1, 201)
        )
        plan = parse_plan(HEADER + measures)
        assert len(plan.measures) == 200 and plan["1-200"].tags == ("共通", "基盤")


YAMLISH = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "plan:",
                "measures:",
                "sections:",
                "kpis:",
                "milestones:",
                "target:",
                "observations:",
                "- ",
                "  ",
                "\n",
                "id: ",
                "'1-1'",
                "section: I",
                "title: x",
                "due: ",
                "value: ",
                "kind: progress",
                "&a ",
                "*a",
                "<<: ",
                "? ",
                ": ",
                "!!set ",
                "!!binary ",
                "!foo ",
                "!!int ",
                "[",
                "]",
                "{",
                "}",
                ",",
                '"',
                "'",
                "#",
                "|",
                ">",
                "\t",
                "~",
                ".nan",
                ".inf",
                "true",
                "2021-02-30",
                "2021-06-18",
                "令和3年度末まで",
                "毎年度末",
                "9" * 30,
                "%YAML 1.1\n",
                "---\n",
                "...\n",
                "\\",
                "\ufeff",
            ]
        ),
        st.text(max_size=5),
    ),
    max_size=40,
).map("".join)


class TestFuzz:
    @settings(max_examples=300)
    @given(YAMLISH)
    def test_plan_loading_raises_only_dgplan_errors(self, text: str) -> None:
        try:
            parse_plan(text, name="fuzz.yaml")
        except DgplanError as error:
            assert str(error).startswith("fuzz.yaml")

    @settings(max_examples=150)
    @given(
        st.lists(
            st.sampled_from(
                [
                    "id",
                    "date",
                    "value",
                    "done",
                    "note",
                    ",",
                    '"',
                    "\n",
                    "\r",
                    "1-1/progress/1",
                    "2021-10-31",
                    "nan",
                    "1e999",
                    "true",
                    "x",
                    "",
                ]
            ),
            max_size=30,
        ).map("".join)
    )
    def test_progress_csv_raises_only_plan_errors(self, text: str) -> None:
        import tempfile

        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "p.csv"
            path.write_text(text, encoding="utf-8", newline="")
            try:
                load_progress(path, load_plan(SMALL))
            except PlanError as error:
                assert re.match(re.escape(str(path)) + r"(:\d+)?", str(error))


class TestProgressValues:
    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("id,date,value\n1-1/progress/1,2021-10-31," + "9" * 5000 + "\n", "characters)"),
            ("id,date,value\n1-1/progress/1,0000-01-01,7\n", "'0000-01-01': year 0 is outside"),
            ("id,date,value\n1-1/progress/1,2021-10-31,7\x0000\n", "is not a number"),
        ],
        ids=["5000-digit value", "year 0", "NUL in a value"],
    )
    def test_csv_values(self, tmp_path: Path, text: str, message: str) -> None:
        path = tmp_path / "p.csv"
        path.write_text(text, encoding="utf-8")
        error = refused(path, plan=False)
        assert error.line == 2 and message in str(error) and len(str(error)) < 300

    def test_note_must_be_text(self, tmp_path: Path) -> None:
        path = write(tmp_path, "p.yaml", "- {id: 1-1/progress/1, date: 2021-10-31, value: 7, note: {a: 1}}\n")
        assert "'note' must be text" in str(refused(path, plan=False))

    def test_plan_with_a_4000_digit_target_says_so_briefly(self, tmp_path: Path) -> None:
        path = write(tmp_path, "plan.yaml", HEADER + KPI.format(target="9" * 4000, observed="1"))
        error = refused(path)
        assert error.line == 9 and "(4000 characters)" in str(error) and len(str(error)) < 400


# ---------------------------------------------------------------------------------------------
# Hostile workbooks (issue 24, 5 and 6): each is made here, and read in a child process whose
# memory is capped, so that a regression fails (or is killed) instead of taking the machine.

BOUNDED_READ = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
from dgplan import PlanError, load_plan
try:
    load_plan(sys.argv[1], issued="2023-06-09")
except PlanError as error:
    print("PlanError:", error)
else:
    print("read")
"""


def read_bounded(path: Path) -> str:
    """Load the workbook in a child process with 1.5 GB of address space; its one line of output."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", BOUNDED_READ, str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def small_workbook(path: Path) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "工程表"
    sheet.append(["施策番号", "施策名", "期限", "備考"])
    sheet.append(["1-1", "普及", "令和5年度末まで", "x"])
    sheet.append(["1-2", "整備", "令和6年度末まで", None])
    book.save(path)
    return path


def rewrite_sheet(path: Path, change: object) -> None:
    """Apply ``change`` (str -> str) to the first sheet's XML, keeping the rest of the zip."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    entries[sheet] = change(entries[sheet].decode()).encode()  # type: ignore[operator]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)


def with_merges(*refs: str) -> object:
    cells = "".join(f'<mergeCell ref="{ref}"/>' for ref in refs)
    return lambda xml: xml.replace("</sheetData>", f'</sheetData><mergeCells count="{len(refs)}">{cells}</mergeCells>')


class TestWorkbookBombs:
    def test_a_zip_bomb_is_refused_by_its_inflated_size(self, tmp_path: Path) -> None:
        import zipfile

        from dgplan.sheets import MAX_WORKBOOK_INFLATED

        path = small_workbook(tmp_path / "bomb.xlsx")
        # A part of spaces inflating past the bound (a few hundred kilobytes of zip).
        with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/padding.xml", b" " * (MAX_WORKBOOK_INFLATED + 2**20))
        assert path.stat().st_size < 2 * 2**20
        output = read_bounded(path)
        assert output.startswith(f"PlanError: {path}: the workbook inflates to 101 MB, more than the 100 MB")

    def test_a_sheet_of_too_many_cells_is_refused(self, tmp_path: Path) -> None:
        from dgplan.sheets import MAX_WORKBOOK_CELLS

        path = small_workbook(tmp_path / "cells.xlsx")
        rows = "".join(
            f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="B{r}"><v>2</v></c></row>'
            for r in range(4, 4 + MAX_WORKBOOK_CELLS // 2 + 1)
        )
        rewrite_sheet(path, lambda xml: xml.replace("</sheetData>", rows + "</sheetData>"))
        output = read_bounded(path)
        assert output.startswith(f"PlanError: {path}: the workbook holds more than {MAX_WORKBOOK_CELLS:,} cells")

    @pytest.mark.parametrize("ref", ["D3:D1048576", "E1:XFD1048576", "A4:XFD4", "B2:B1048576"])
    def test_a_merge_to_the_last_row_or_column_is_read_to_the_data(self, tmp_path: Path, ref: str) -> None:
        path = small_workbook(tmp_path / "merge.xlsx")
        rewrite_sheet(path, with_merges(ref))
        output = read_bounded(path)
        # Read (D3 and E1 hold nothing below the data) or refused for what it does to the data,
        # at its cell: never a hang, never "not an Excel workbook".
        assert output == "read" or output.startswith(f"PlanError: {path}:工程表!"), output

    def test_a_merge_to_the_last_row_reads_as_far_as_the_data(self, tmp_path: Path) -> None:
        path = small_workbook(tmp_path / "merge.xlsx")
        rewrite_sheet(path, with_merges("D2:D1048576"))  # 備考 x, merged down the whole column
        plan = load_plan(path, issued="2023-06-09")
        assert [[m.note for m in measure.milestones] for measure in plan.measures] == [["x"], ["x"]]


_WORKBOOK_CELLS = (
    st.none()
    | st.sampled_from(["施策番号", "施策名", "期限", "KPI", "目標値", "目標年度", "実績値", "時点", "ID"])
    | st.sampled_from(["1-1", "1-2", "令和5年度末まで", "2025", "90%", "済", "=SUM(A1)", "", " "])
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
    | st.dates(min_value=__import__("datetime").date(1900, 3, 1))
    | st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=8)
)
_MERGES = st.lists(
    st.tuples(
        st.integers(1, 8), st.integers(1, 6), st.sampled_from([1, 2, 5, 1048576]), st.sampled_from([1, 3, 16384])
    ),
    max_size=3,
)


class TestWorkbookFuzz:
    """The properties of the text readers, for workbooks: only a PlanError escapes, and the work
    done is bounded by the cells that hold data, whatever the merges declare."""

    @settings(max_examples=40, deadline=None)
    @given(
        st.lists(st.lists(_WORKBOOK_CELLS, max_size=6), max_size=8),
        _MERGES,
        st.sampled_from(["General", "0%", "0.0%", "yyyy-mm-dd", "@"]),
    )
    def test_only_plan_errors_escape_and_merges_cost_what_the_data_holds(
        self, rows: list[list[object]], merges: list[tuple[int, int, int, int]], number_format: str
    ) -> None:
        import tempfile

        openpyxl = pytest.importorskip("openpyxl")
        from dgplan.sheets import _workbook_grids

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "fuzz.xlsx"
            book = openpyxl.Workbook()
            sheet = book.active
            for row in rows:
                sheet.append(row)
            for row in sheet.iter_rows():
                for cell in row:
                    cell.number_format = number_format
            book.save(path)
            refs = [
                f"{_letter(left)}{top}:{_letter(max(left, right))}{max(top, bottom)}"
                for top, left, bottom, right in merges
            ]
            if refs:
                rewrite_sheet(path, with_merges(*refs))
            data_rows = len(rows)
            data_columns = max((len(row) for row in rows), default=0)
            for grid in _workbook_grids(path):
                assert len(grid.cells) <= data_rows * data_columns
                assert grid.max_row <= data_rows and grid.max_col <= data_columns
            for load in (lambda: load_plan(path, issued="2023-06-09"), lambda: load_progress(path, load_plan(SMALL))):
                try:
                    load()
                except PlanError as error:
                    assert str(error).startswith(str(path)), error

    @settings(max_examples=40, deadline=None)
    @given(st.binary(max_size=400))
    def test_any_bytes_named_xlsx_are_a_plan_error(self, data: bytes) -> None:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "fuzz.xlsx"
            path.write_bytes(b"PK\x03\x04" + data)
            with pytest.raises(PlanError, match=re.escape(str(path))):
                load_plan(path, issued="2023-06-09")


def _letter(column: int) -> str:
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
