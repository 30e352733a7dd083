"""Plans and progress from spreadsheets: workbooks built here with openpyxl, read back by dgplan."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import dgplan
from dgplan import PlanError, load_plan, load_progress, save_excel
from dgplan.cli import main

ISSUED = date(2023, 6, 9)


def workbook(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    merges: Sequence[str] = (),
    title: str = "工程表",
    more: dict[str, Sequence[Sequence[Any]]] | None = None,
) -> Path:
    """A workbook with one sheet of ``rows`` (None for an empty cell), ``merges`` merged."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for merged in merges:
        sheet.merge_cells(merged)
    for name, extra in (more or {}).items():
        other = book.create_sheet(name)
        for row in extra:
            other.append(list(row))
    book.save(path)
    return path


def with_cached_value(path: Path, formula: str, value: str) -> None:
    """Store ``value`` as the formula's cached result, as Excel does on saving (openpyxl cannot)."""
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    sheet = entries["xl/worksheets/sheet1.xml"].decode()
    # openpyxl writes the empty value as <v /> with the standard library's XML writer and as <v></v>
    # with lxml (installed with python-docx, the docx extra).
    empty = next(f"<f>{formula}</f>{v}" for v in ("<v />", "<v></v>", "<v/>") if f"<f>{formula}</f>{v}" in sheet)
    entries["xl/worksheets/sheet1.xml"] = sheet.replace(empty, f"<f>{formula}</f><v>{value}</v>").encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)


# A 工程表 as ministries keep them: facts above a two-row header, 施策番号 and 施策名 merged
# down the rows of their measure, KPI grouping three columns.
HEADER = [
    ["施策番号", "施策名", "担当府省", "取組内容", "期限", "KPI", None, None, "実績値", "時点"],
    [None, None, None, None, None, "指標", "目標値", "目標年度", None, None],
]
HEADER_MERGES = ["A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "F3:H3", "I3:I4", "J3:J4"]


@pytest.fixture
def schedule(tmp_path: Path) -> Path:
    rows = [
        ["計画名", "デジタル工程表"],
        ["策定日", "令和5年6月9日"],
        *HEADER,
        [
            "1-1",
            "マイナンバーカードの普及",
            "デジタル庁",
            "システム改修",
            "令和5年度末まで",
            "交付団体数",
            "1,741団体",
            2025,
            600,
            "令和5年9月30日",
        ],
        [None, None, None, "運用開始", "2024年度中", None, None, None, 900, datetime(2024, 3, 31)],
        [None] * 10,  # an empty row between measures
        [
            "1-2",
            "ガバメントクラウド",
            "デジタル庁、総務省",
            "移行",
            datetime(2025, 3, 31),
            None,
            None,
            None,
            None,
            None,
        ],
    ]
    merges = [*HEADER_MERGES, "A5:A6", "B5:B6", "C5:C6", "F5:F6", "G5:G6", "H5:H6"]
    return workbook(tmp_path / "schedule.xlsx", rows, merges=merges)


class TestLoadPlan:
    # merged cells, a two-row header, facts above it
    def test_reads_a_schedule_as_people_mean_it(self, schedule: Path) -> None:
        plan = load_plan(schedule)
        assert (plan.title, plan.issued) == ("デジタル工程表", ISSUED)
        assert [m.id for m in plan.measures] == ["1-1", "1-2"]
        first = plan["1-1"]
        assert first.title == "マイナンバーカードの普及"  # merged over both rows
        assert first.tags == ("デジタル庁",)
        assert [(m.text, m.deadline.due, m.deadline.text) for m in first.milestones] == [
            ("システム改修", date(2024, 3, 31), "令和5年度末まで"),
            ("運用開始", date(2025, 3, 31), "2024年度中"),
        ]
        (kpi,) = first.kpis  # the merged KPI is one KPI, observed on each of its rows
        assert kpi.text == "交付団体数" and kpi.kind == "progress"
        assert kpi.target is not None and (kpi.target.value, kpi.target.unit) == (1741, "団体")
        assert kpi.target.by is not None and kpi.target.by.due == date(2026, 3, 31)  # 2025 in 目標年度: FY2025
        assert [(o.observed_on, o.value) for o in kpi.observations] == [
            (date(2023, 9, 30), 600),
            (date(2024, 3, 31), 900),
        ]
        second = plan["1-2"]
        assert second.tags == ("デジタル庁", "総務省")
        assert second.milestones[0].deadline.due == date(2025, 3, 31)  # a real Excel date

    def test_headers_match_as_written_by_people(self, tmp_path: Path) -> None:
        rows = [
            ["策定日：令和5年6月9日"],  # a fact in one cell
            ["施策\n番号", "施 策 名", "ＫＰＩ", "目標値"],  # line breaks, spaces, full-width letters
            ["1-1", "普及", "交付数", 10],
        ]
        plan = load_plan(workbook(tmp_path / "written.xlsx", rows))
        assert plan.issued == ISSUED
        assert plan["1-1"].title == "普及" and plan["1-1"].kpis[0].text == "交付数"

    def test_keyword_facts_fill_in_for_a_sheet_without_them(self, tmp_path: Path) -> None:
        path = workbook(tmp_path / "plain.xlsx", [["施策番号", "施策名", "期限"], ["2-1", "標準化", "来年度末まで"]])
        plan = load_plan(path, issued=ISSUED, title="標準化計画")
        assert (plan.title, plan.issued) == ("標準化計画", ISSUED)
        assert plan["2-1"].milestones[0].deadline.due == date(2025, 3, 31)  # 来年度 from the issued date
        assert load_plan(path, issued="令和5年6月9日").title == "plain"  # the file's name by default

    def test_without_an_issued_date_the_error_says_why_it_is_needed(self, tmp_path: Path) -> None:
        path = workbook(tmp_path / "plain.xlsx", [["施策番号", "施策名", "期限"], ["2-1", "標準化", "令和6年度末"]])
        with pytest.raises(PlanError, match=r"issued date is needed as the reference of relative deadline phrases"):
            load_plan(path)

    def test_a_column_mapping_names_other_headers(self, tmp_path: Path) -> None:
        path = workbook(tmp_path / "own.xlsx", [["No", "事業", "いつまで"], ["3-1", "調査", "令和6年夏"]])
        plan = load_plan(path, issued=ISSUED, columns={"title": "事業", "due": "いつまで"})
        assert plan["3-1"].title == "調査"
        assert plan["3-1"].milestones[0].deadline.due == date(2024, 8, 31)
        with pytest.raises(
            PlanError, match=re.escape("no column '期日' for 'due'; the header has 'No', '事業', 'いつまで'")
        ):
            load_plan(path, issued=ISSUED, columns={"title": "事業", "due": "期日"})
        with pytest.raises(PlanError, match="unknown field 'deadline'"):
            load_plan(path, issued=ISSUED, columns={"deadline": "いつまで"})

    def test_a_group_header_tells_two_like_columns_apart(self, tmp_path: Path) -> None:
        rows = [
            ["施策番号", "施策名", "進捗KPI", None, "効果KPI", None],
            [None, None, "指標", "目標値", "指標", "目標値"],
            ["1-1", "普及", "交付数", 100, "利用率", "80%"],
        ]
        merges = ["A1:A2", "B1:B2", "C1:D1", "E1:F1"]
        path = workbook(tmp_path / "two.xlsx", rows, merges=merges)
        with pytest.raises(PlanError, match=re.escape("工程表!C2 and 工程表!E2 are both '指標'")):
            load_plan(path, issued=ISSUED)
        plan = load_plan(path, issued=ISSUED, columns={"kpi": "効果KPI/指標", "target": "効果KPI/目標値"})
        (kpi,) = plan["1-1"].kpis
        assert kpi.text == "利用率" and kpi.target is not None and (kpi.target.value, kpi.target.unit) == (80, "%")

    def test_the_row_under_a_group_header_is_part_of_the_header(self, tmp_path: Path) -> None:
        rows = [
            ["施策番号", "施策名", "KPI", None, None],
            [None, None, "指標", "目標値", "目標年度"],
            ["1-1", "普及", "交付数", "100件", "令和7年度"],
        ]
        path = workbook(tmp_path / "group.xlsx", rows, merges=["C1:E1"])  # 施策番号 and 施策名 not merged down
        (kpi,) = load_plan(path, issued=ISSUED)["1-1"].kpis
        assert kpi.text == "交付数" and kpi.target is not None and kpi.target.value == 100
        assert kpi.target.by is not None and kpi.target.by.due == date(2026, 3, 31)

    def test_a_header_merged_over_two_columns_is_refused(self, tmp_path: Path) -> None:
        rows = [["施策番号", "施策名", "KPI", None], ["1-1", "普及", "交付数", "100件"]]
        path = workbook(tmp_path / "wide.xlsx", rows, merges=["C1:D1"])
        with pytest.raises(
            PlanError, match=re.escape("工程表!C1 and 工程表!D1 both read 'KPI'; give each column its own header")
        ):
            load_plan(path, issued=ISSUED)

    # CSV
    def test_csv_plan_in_shift_jis_needs_the_encoding_option(self, tmp_path: Path) -> None:
        text = "施策番号,施策名,期限\n1-1,マイナンバー,令和5年度末まで\n"
        path = tmp_path / "plan.csv"
        path.write_bytes(text.encode("cp932"))
        with pytest.raises(
            PlanError,
            match=re.escape(
                'not UTF-8 text; a CSV file saved by Japanese Excel is usually Shift_JIS: pass encoding="cp932"'
            ),
        ):
            load_plan(path, issued=ISSUED)
        plan = load_plan(path, issued=ISSUED, encoding="cp932")
        assert plan["1-1"].milestones[0].deadline.due == date(2024, 3, 31)
        path.write_text("\ufeff" + text, encoding="utf-8")  # Excel's "CSV UTF-8" starts with a BOM
        assert load_plan(path, issued=ISSUED) == plan

    def test_yaml_takes_no_sheet_options(self, tmp_path: Path) -> None:
        small = Path(__file__).parent / "data" / "small_plan.yaml"
        with pytest.raises(TypeError, match="issued apply to spreadsheets"):
            load_plan(small, issued=ISSUED)
        log = tmp_path / "progress.yaml"
        log.write_text("- {id: 1-1/m1, date: 2022-01-01, done: true}\n", encoding="utf-8")
        with pytest.raises(TypeError, match="sheet, columns and encoding apply to spreadsheets"):
            load_progress(log, load_plan(small), columns={"id": "ID"})


class TestPlanProblems:
    def test_every_problem_at_once_at_its_cell(self, tmp_path: Path) -> None:
        rows = [
            ["施策番号", "施策名", "取組内容", "期限", "完了日"],
            ["1-1", "改修", "設計", "令和5年度末まで", "令和5年2月30日"],
            ["1-2", None, "開発", "そのうち", None],
            [None, None, "試行", "令和6年度中", None],
            ["1-3", "運用", "移行", "令和6年度", None],
        ]
        path = workbook(tmp_path / "bad.xlsx", rows)
        with pytest.raises(PlanError) as caught:
            load_plan(path, issued=ISSUED)
        problems = caught.value.problems
        assert problems == (
            f"{path}:工程表!E2: '令和5年2月30日': 2023-02 has days 1 to 28, not 30",
            f"{path}:工程表!B3: measure '1-2' has no 施策名",
            f"{path}:工程表!D3: 'そのうち' is not a deadline phrase; expected a deadline phrase such as"
            " 令和3年度末まで, 令和4年夏を目途に or 令和7年度以降",
            f"{path}:工程表!A4: no 施策番号 in a row with other cells; fill it in or merge it with the one above",
        )
        assert str(caught.value).startswith(f"{path}: 4 problems:")
        assert (caught.value.path, caught.value.line, caught.value.column) == (str(path), 2, 5)

    def test_a_cell_merged_across_two_fields_is_refused(self, tmp_path: Path) -> None:
        rows = [["施策番号", "施策名", "取組内容", "期限"], ["1-1", "改修", "令和5年度末までに設計", None]]
        path = workbook(tmp_path / "merged.xlsx", rows, merges=["C2:D2"])
        with pytest.raises(PlanError, match=re.escape("工程表!C2:D2: one merged cell spans 取組内容 and 期限")):
            load_plan(path, issued=ISSUED)

    def test_an_id_excel_turned_into_a_date(self, tmp_path: Path) -> None:
        path = workbook(tmp_path / "dates.xlsx", [["施策番号", "施策名"], [datetime(2026, 1, 1), "改修"]])
        with pytest.raises(
            PlanError, match=re.escape("工程表!A2: 施策番号: Excel turned the number into the date 2026-01-01")
        ):
            load_plan(path, issued=ISSUED)

    def test_the_model_s_problems_point_at_cells_too(self, tmp_path: Path) -> None:
        path = workbook(tmp_path / "ids.xlsx", [["施策番号", "施策名"], ["A/1", "改修"]])
        with pytest.raises(
            PlanError, match=re.escape(f"{tmp_path / 'ids.xlsx'}:工程表!A2: measure 'A/1': measure id 'A/1'")
        ) as caught:
            load_plan(path, issued=ISSUED)
        assert (caught.value.line, caught.value.column) == (2, 1)

    def test_no_header(self, tmp_path: Path) -> None:
        path = workbook(tmp_path / "empty.xlsx", [["メモ"], ["なにもない"]])
        with pytest.raises(PlanError, match="no header row in the first 30 rows: expected a row naming '施策番号'"):
            load_plan(path, issued=ISSUED)

    def test_without_openpyxl_the_error_names_the_extra(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path = workbook(tmp_path / "plan.xlsx", [["施策番号", "施策名"], ["1-1", "改修"]])
        monkeypatch.setitem(sys.modules, "openpyxl", None)  # what an import of a missing package meets
        with pytest.raises(
            PlanError, match=re.escape("reading Excel workbooks needs openpyxl: pip install 'dgplan[excel]'")
        ):
            load_plan(path, issued=ISSUED)
        with pytest.raises(PlanError, match=re.escape("writing Excel workbooks needs openpyxl")):
            save_excel(load_plan(Path(__file__).parent / "data" / "small_plan.yaml"), tmp_path / "out.xlsx")

    @pytest.mark.parametrize(("suffix", "kind"), [(".xls", "an Excel 97-2003 workbook"), (".ods", "an OpenDocument")])
    def test_older_and_other_formats_say_how_to_convert(self, tmp_path: Path, suffix: str, kind: str) -> None:
        path = tmp_path / f"plan{suffix}"
        path.write_bytes(b"\xd0\xcf\x11\xe0")
        with pytest.raises(PlanError, match=re.escape(f"{path}: {kind}")):
            load_plan(path, issued=ISSUED)
        with pytest.raises(PlanError, match=re.escape("save it as .xlsx")):
            load_progress(path, load_plan(Path(__file__).parent / "data" / "small_plan.yaml"))

    def test_not_a_workbook(self, tmp_path: Path) -> None:
        path = tmp_path / "fake.xlsx"
        path.write_text("not a zip", encoding="utf-8")
        with pytest.raises(PlanError, match=re.escape(f"{path}: not an Excel workbook (.xlsx)")):
            load_plan(path, issued=ISSUED)


class TestFormulas:
    ROWS = (["施策番号", "施策名", "KPI", "目標値", "単位"], ["1-1", "普及", "交付数", "=100*2", "件"])

    def test_the_cached_value_is_read(self, tmp_path: Path) -> None:
        path = workbook(tmp_path / "formula.xlsx", self.ROWS)
        with_cached_value(path, "100*2", "200")
        (kpi,) = load_plan(path, issued=ISSUED)["1-1"].kpis
        assert kpi.target is not None and kpi.target.value == 200

    def test_a_formula_without_a_cached_value_says_so(self, tmp_path: Path) -> None:
        path = workbook(tmp_path / "formula.xlsx", self.ROWS)  # openpyxl stores no result
        with pytest.raises(PlanError, match=re.escape("工程表!D2: formula '=100*2' has no cached value")) as caught:
            load_plan(path, issued=ISSUED)
        assert len(caught.value.problems) == 1  # said once, though the cell is read twice

    def test_in_a_progress_sheet_too(self, tmp_path: Path, plan: dgplan.Plan) -> None:
        rows = [["ID", "時点", "実績値"], ["1-1/progress/1", "2024-01-31", "=600+100"]]
        path = workbook(tmp_path / "progress.xlsx", rows, title="進捗")
        with pytest.raises(PlanError, match=re.escape("進捗!C2: formula '=600+100' has no cached value")):
            load_progress(path, plan)
        with_cached_value(path, "600+100", "700")
        observed = {o.observed_on: o.value for o in load_progress(path, plan).kpi("1-1/progress/1").observations}
        assert observed[date(2024, 1, 31)] == 700


@pytest.fixture
def plan(schedule: Path) -> dgplan.Plan:
    return load_plan(schedule)


class TestRoundTrip:
    def test_export_fill_in_read_back(self, plan: dgplan.Plan, tmp_path: Path) -> None:
        path = tmp_path / "fill-in.xlsx"
        save_excel(plan, path)
        assert load_progress(path, plan) == plan  # nothing typed in: nothing changes
        book = openpyxl.load_workbook(path)
        kpis, milestones = book["KPI"], book["工程表"]
        header = [cell.value for cell in kpis[1]]
        kpis.cell(row=2, column=header.index("実績値") + 1, value=1200)
        kpis.cell(row=2, column=header.index("時点") + 1, value=datetime(2024, 9, 30))
        kpis.cell(row=2, column=header.index("備考") + 1, value="中間報告")
        done = [cell.value for cell in milestones[1]].index("完了日") + 1
        milestones.cell(row=2, column=done, value="令和6年3月1日")  # typed as text, an era date
        book.save(path)
        merged = load_progress(path, plan)
        kpi = merged.kpi("1-1/progress/1")
        assert [(o.observed_on, o.value, o.note) for o in kpi.observations][-1] == (date(2024, 9, 30), 1200, "中間報告")
        assert merged.milestone("1-1/m1").done_on == date(2024, 3, 1)
        assert merged.milestone("1-1/m2").done_on is None

    def test_what_the_workbook_looks_like(self, plan: dgplan.Plan, tmp_path: Path) -> None:
        path = tmp_path / "look.xlsx"
        save_excel(plan, path)
        book = openpyxl.load_workbook(path)
        assert book.sheetnames == ["工程表", "KPI", "計画"]
        milestones = book["工程表"]
        header = [cell.value for cell in milestones[1]]
        assert header[:6] == ["ID", "施策番号", "施策名", "取組内容", "期限日", "期限（原文）"]
        assert milestones.freeze_panes == "A2"
        assert milestones.auto_filter.ref == "A1:K4"
        due = milestones.cell(row=2, column=5)
        assert due.is_date and due.value == datetime(2024, 3, 31)  # a real Excel date
        assert milestones.cell(row=2, column=6).value == "令和5年度末まで"  # the plan's own words beside it
        widths = {key: dimension.width for key, dimension in milestones.column_dimensions.items()}
        assert widths["C"] >= 2 * len("マイナンバーカードの普及")  # a kanji is two digits wide
        assert widths["A"] < widths["C"]
        kpi_header = [cell.value for cell in book["KPI"][1]]
        assert {"目標値", "実績値", "時点"} <= set(kpi_header)
        kpi_row = [cell.value for cell in book["KPI"][2]]
        assert kpi_row[kpi_header.index("目標値")] == 1741
        assert kpi_row[kpi_header.index("実績値")] is None  # the column to fill in
        assert book["計画"]["B2"].value == datetime(2023, 6, 9)

    def test_written_atomically(self, plan: dgplan.Plan, tmp_path: Path) -> None:
        (tmp_path / "out").mkdir()
        path = tmp_path / "out" / "plan.xlsx"
        path.write_text("old", encoding="utf-8")
        save_excel(plan, path)
        assert zipfile.is_zipfile(path)
        assert [p.name for p in path.parent.iterdir()] == ["plan.xlsx"]  # no temporary file left behind


class TestProgressProblems:
    def test_every_problem_at_its_cell_and_nothing_merged(self, plan: dgplan.Plan, tmp_path: Path) -> None:
        rows = [
            ["ID", "実績値", "時点", "備考"],
            ["1-1/progress/1", 700, "令和5年10月31日", None],
            ["1-1/progress/1", "たくさん", "令和5年2月30日", None],
            ["1-9/progress/1", 5, datetime(2023, 12, 1), None],
            ["1-1/progress/1", 800, None, None],
            ["1-1/progress/1", None, None, None],  # a line left to fill in
        ]
        path = workbook(tmp_path / "progress.xlsx", rows, title="進捗")
        with pytest.raises(PlanError) as caught:
            load_progress(path, plan)
        assert caught.value.problems == (
            f"{path}:進捗!B3: 実績値: value 'たくさん' is not a number",
            f"{path}:進捗!C3: '令和5年2月30日': 2023-02 has days 1 to 28, not 30",
            f"{path}:進捗!A4: unknown KPI or milestone id '1-9/progress/1'",
            f"{path}:進捗!B5: 実績値 needs its 時点 (the day it was measured)",
        )
        assert caught.value.line == 3

    def test_sheets_without_an_id_header_are_skipped(self, plan: dgplan.Plan, tmp_path: Path) -> None:
        rows = [["ID", "時点", "実績値"], ["1-1/progress/1", "2023-10-31", "1,000"]]
        path = workbook(tmp_path / "p.xlsx", [["説明"], ["記入例"]], title="表紙", more={"進捗": rows})
        merged = load_progress(path, plan)
        observed = {o.observed_on: o.value for o in merged.kpi("1-1/progress/1").observations}
        assert observed[date(2023, 10, 31)] == 1000

    def test_a_column_mapping_for_progress(self, plan: dgplan.Plan, tmp_path: Path) -> None:
        rows = [["番号", "測定日", "値"], ["1-1/progress/1", datetime(2024, 6, 30), 1000]]
        path = workbook(tmp_path / "own.xlsx", rows)
        merged = load_progress(path, plan, columns={"id": "番号", "date": "測定日", "value": "値"})
        observed = {o.observed_on: o.value for o in merged.kpi("1-1/progress/1").observations}
        assert observed[date(2024, 6, 30)] == 1000
        with pytest.raises(PlanError, match="no header row"):
            load_progress(path, plan)  # without the mapping nothing names ID

    def test_a_csv_with_spreadsheet_headers(self, plan: dgplan.Plan, tmp_path: Path) -> None:
        path = tmp_path / "progress.csv"
        path.write_bytes("ID,時点,実績値,完了日\n1-1/progress/1,R5.12.1,1500,\n1-1/m2,,,2025/3/1\n".encode("cp932"))
        with pytest.raises(PlanError, match=re.escape('pass encoding="cp932"')):
            load_progress(path, plan)
        merged = load_progress(path, plan, encoding="cp932")
        observed = {o.observed_on: o.value for o in merged.kpi("1-1/progress/1").observations}
        assert observed[date(2023, 12, 1)] == 1500
        assert merged.milestone("1-1/m2").done_on == date(2025, 3, 1)
        with pytest.raises(PlanError, match=re.escape(f"{path}:C3: 'x' is not a date")):
            path.write_text("ID,実績値,時点\n1-1/progress/1,1,2024-01-01\n1-1/progress/1,2,x\n", encoding="utf-8")
            load_progress(path, plan)


class TestCommand:
    def test_export_xlsx_and_read_it_back(self, schedule: Path, tmp_path: Path) -> None:
        out = tmp_path / "工程表.xlsx"
        runner = CliRunner()
        result = runner.invoke(main, ["export", "--plan", str(schedule), "--format", "xlsx", "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert openpyxl.load_workbook(out).sheetnames == ["工程表", "KPI", "計画"]
        result = runner.invoke(
            main, ["kpi", "--plan", str(schedule), "--progress", str(out), "--as-of", "2024-04-01", "--format", "csv"]
        )
        assert result.exit_code == 0, result.output
        assert "1-1/progress/1" in result.output

    def test_export_xlsx_needs_a_file(self) -> None:
        result = CliRunner().invoke(main, ["export", "--format", "xlsx"])
        assert result.exit_code == 2
        assert "--format xlsx writes a workbook: give the file with -o FILE.xlsx" in result.output

    def test_issued_for_a_sheet_without_one(self, tmp_path: Path) -> None:
        path = workbook(tmp_path / "plain.xlsx", [["施策番号", "施策名", "期限"], ["2-1", "標準化", "来年度末まで"]])
        runner = CliRunner()
        result = runner.invoke(main, ["due", "--plan", str(path), "--as-of", "2025-04-02", "--overdue"])
        assert result.exit_code == 2 and "(--issued on the command line)" in result.output
        args = ["due", "--plan", str(path), "--issued", "令和5年6月9日", "--as-of", "2025-04-02", "--overdue"]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        assert "2-1/m1" in result.output


_CELLS = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["1-1", "1-2", "令和5年度末まで", "令和5年2月30日", "R5.6.9", "100%", "1,741団体", "=1+1", "進捗"]),
)


def test_validate_tells_a_csv_plan_from_a_progress_log(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("施策番号,施策名,期限\n1-1,改修,来年度末まで\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["validate", str(path), "--issued", "2023-06-09"])
    assert result.exit_code == 0, result.output
    assert "1 measures, 1 milestones" in result.output
    log = tmp_path / "progress.csv"
    log.write_text("ID,時点,実績値\n1-1/progress/1,2022-01-01,5\n", encoding="utf-8")
    result = runner.invoke(main, ["validate", str(log)])  # against the bundled plan
    assert result.exit_code == 0, result.output
    assert "progress log" in result.output


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_CELLS, min_size=1, max_size=8), max_size=6))
def test_whatever_a_csv_holds_only_plan_errors_escape(rows: list[list[str | None]]) -> None:
    import csv
    import io
    import tempfile

    header = ["施策番号", "施策名", "取組内容", "期限", "KPI", "目標値", "実績値", "時点"]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *[["" if cell is None else cell for cell in row] for row in rows]])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        try:
            load_plan(path, issued=ISSUED)
        except PlanError as error:
            assert all(problem.startswith(f"{path}:") for problem in error.problems), error.problems


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_CELLS | st.sampled_from(["1-1/progress/1", "1-1/m1", "済", "○"]), max_size=5), max_size=6))
def test_whatever_a_progress_csv_holds_only_plan_errors_escape(rows: list[list[str | None]]) -> None:
    import csv
    import io
    import tempfile

    plan = load_plan(Path(__file__).parent / "data" / "small_plan.yaml")
    buffer = io.StringIO()
    body = [["" if cell is None else cell for cell in row] for row in rows]
    csv.writer(buffer).writerows([["ID", "時点", "実績値", "完了", "備考"], *body])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "progress.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        try:
            merged = load_progress(path, plan)
        except PlanError as error:
            assert all(problem.startswith(f"{path}:") for problem in error.problems), error.problems
        else:
            assert [m.id for m in merged.measures] == [m.id for m in plan.measures]


def test_import_dgplan_does_not_load_openpyxl() -> None:
    code = "import sys, dgplan; dgplan.load_plan; dgplan.save_excel; print('openpyxl' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


class TestPercentCells:
    """Issue 24 (2): typing 90% makes Excel store 0.9 under a percent format; it is 90 (%), as in CSV."""

    @pytest.mark.parametrize(
        ("stored", "number_format", "expected"),
        [(0.9, "0%", 90), (0.07, "0.0%", 7), (1.255, '0.00"%"', 1.255), (0.9, "0.00", 0.9), (0.335, "0.0%", 33.5)],
    )
    def test_a_filled_in_value_is_read_as_shown(
        self, plan: dgplan.Plan, tmp_path: Path, stored: float, number_format: str, expected: float
    ) -> None:
        path = tmp_path / "fill-in.xlsx"
        save_excel(plan, path)
        book = openpyxl.load_workbook(path)
        kpis = book["KPI"]
        header = [cell.value for cell in kpis[1]]
        cell = kpis.cell(row=2, column=header.index("実績値") + 1, value=stored)
        cell.number_format = number_format
        kpis.cell(row=2, column=header.index("時点") + 1, value=datetime(2024, 9, 30))
        book.save(path)
        kpi = load_progress(path, plan).kpi("1-1/progress/1")
        assert kpi.observations[-1].value == expected

    def test_the_same_as_a_csv_file(self, plan: dgplan.Plan, tmp_path: Path) -> None:
        csv_path = tmp_path / "progress.csv"
        csv_path.write_text("ID,時点,実績値\n1-1/progress/1,2024-09-30,90%\n", encoding="utf-8")
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["ID", "時点", "実績値"])
        sheet.append(["1-1/progress/1", datetime(2024, 9, 30), 0.9])
        sheet["C2"].number_format = "0%"
        xlsx_path = tmp_path / "progress.xlsx"
        book.save(xlsx_path)
        from_csv = load_progress(csv_path, plan).kpi("1-1/progress/1").observations[-1]
        from_xlsx = load_progress(xlsx_path, plan).kpi("1-1/progress/1").observations[-1]
        assert from_csv.value == from_xlsx.value == 90


class TestCsvLikeWorkbooks:
    def test_a_target_year_in_csv_is_a_fiscal_year(self, tmp_path: Path) -> None:
        """Issue 24 (9): 2025 in a 目標年度 column is FY2025 in CSV too, as in a workbook."""
        rows = [
            ["策定日", "2023-06-09"],
            ["施策番号", "施策名", "KPI", "目標値", "目標年度"],
            ["1-1", "普及", "交付枚数", "100", "2025"],
        ]
        csv_path = tmp_path / "plan.csv"
        csv_path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
        book_rows: list[list[Any]] = [rows[0], rows[1], ["1-1", "普及", "交付枚数", 100, 2025]]
        xlsx_path = workbook(tmp_path / "plan.xlsx", book_rows)
        for path in (csv_path, xlsx_path):
            (kpi,) = load_plan(path).measures[0].kpis
            assert kpi.target is not None and kpi.target.by is not None
            assert kpi.target.by.due == date(2026, 3, 31)

    def test_a_bom_with_the_utf8_encoding_named(self, tmp_path: Path, plan: dgplan.Plan) -> None:
        """Issue 24 (10): --encoding utf-8 on a file Excel saved as UTF-8 (with its BOM)."""
        path = tmp_path / "progress.csv"
        path.write_bytes("ID,時点,実績値\n1-1/progress/1,2024-09-30,1200\n".encode("utf-8-sig"))
        for encoding in ("utf-8", "UTF8", None):
            kpi = load_progress(path, plan, encoding=encoding).kpi("1-1/progress/1")
            assert kpi.observations[-1].value == 1200

    @pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
    def test_a_utf16_csv_with_its_byte_order_mark_is_read(self, tmp_path: Path, plan: dgplan.Plan, codec: str) -> None:
        text = "ID,時点,実績値\n1-1/progress/1,2024-09-30,1200\n"
        data = text.encode(codec) if codec == "utf-16" else b"\xfe\xff" + text.encode(codec)
        path = tmp_path / "progress.csv"
        path.write_bytes(data)
        assert load_progress(path, plan).kpi("1-1/progress/1").observations[-1].value == 1200

    def test_a_utf16_csv_without_its_mark_gets_the_utf16_hint(self, tmp_path: Path, plan: dgplan.Plan) -> None:
        path = tmp_path / "progress.csv"
        path.write_bytes("ID,時点,実績値\n1-1/progress/1,2024-09-30,1200\n".encode("utf-16-le"))
        with pytest.raises(PlanError, match="UTF-16") as caught:
            load_progress(path, plan, encoding="utf-8")
        assert "cp932" not in str(caught.value)


def test_a_workbook_is_read_once(plan: dgplan.Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 24 (5): the workbook was loaded twice (values, then formulas); and read whole, not streamed."""
    path = tmp_path / "fill-in.xlsx"
    save_excel(plan, path)
    calls: list[dict[str, Any]] = []
    real = openpyxl.load_workbook

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", counted)
    load_progress(path, plan)
    assert [call.get("read_only") for call in calls] == [True]
