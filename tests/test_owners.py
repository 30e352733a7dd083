"""Owners (担当): from YAML and spreadsheet columns to every due item, KPI status and filter."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import dgplan
from dgplan import Plan
from dgplan.cli import main
from dgplan.queries import TrackedPlan

CITY: dict = {
    "plan": {"title": "市DX推進計画", "issued": "2024-04-01"},
    "measures": [
        {
            "id": "A-1",
            "section": "I",
            "title": "窓口のデジタル化",
            "owner": "デジタル推進課",
            "milestones": [
                {"text": "書かない窓口の導入", "due": "令和6年度末まで"},
                {"text": "市民への周知", "due": "令和6年12月まで", "owner": "広報課"},
            ],
            "kpis": [
                {
                    "kind": "効果",
                    "text": "オンライン申請率（令和6年度末 50%以上）",
                    "target": {"value": 50, "unit": "%", "by": "令和6年度末まで"},
                }
            ],
        },
        {
            "id": "A-2",
            "section": "I",
            "title": "庁内業務の効率化",
            "owner": "総務課、デジタル推進課",
            "milestones": [{"text": "RPAの導入", "due": "令和6年度末まで"}],
        },
    ],
}


@pytest.fixture(scope="module")
def city() -> Plan:
    return Plan.model_validate(CITY)


def test_items_carry_their_owner(city: Plan) -> None:
    items = city.due_between(date(2024, 4, 1), date(2025, 3, 31), as_of=date(2025, 4, 2))
    assert {(i.item_id, i.owner) for i in items} == {
        ("A-1/m1", "デジタル推進課"),
        ("A-1/m2", "広報課"),  # its own owner, not the measure's
        ("A-1/effect/1", "デジタル推進課"),
        ("A-2/m1", "総務課、デジタル推進課"),
    }
    assert {s.kpi_id: s.owner for s in city.kpi_status(as_of=date(2025, 4, 2))} == {"A-1/effect/1": "デジタル推進課"}


@pytest.mark.parametrize(
    ("owner", "items"),
    [
        ("デジタル推進課", {"A-1/m1", "A-1/effect/1", "A-2/m1"}),
        ("広報課", {"A-1/m2"}),
        ("総務", {"A-2/m1"}),  # a part of the owner's text
        ("ｿｳﾑ", set()),  # NFKC does not turn kana into kanji: no match
    ],
)
def test_owned_by_keeps_the_same_items_with_or_without_the_models(city: Plan, owner: str, items: set[str]) -> None:
    as_of = date(2025, 4, 2)
    owned = city.owned_by(owner)
    span = (date(2024, 4, 1), date(2025, 3, 31))
    assert {i.item_id for i in owned.due_between(*span, as_of=as_of)} == items
    assert {i.item_id for i in TrackedPlan.of(city).owned_by(owner).due_between(*span, as_of=as_of)} == items


def test_an_empty_owner_is_refused(city: Plan) -> None:
    with pytest.raises(ValueError, match="names no one"):
        city.owned_by("  ")


def test_csv_json_and_the_cli_filter(city: Plan, tmp_path: Path) -> None:
    path = tmp_path / "city.yaml"
    dgplan.save_plan(city, path)
    result = CliRunner().invoke(
        main, ["due", "--plan", str(path), "--as-of", "2025-04-02", "--overdue", "--owner", "広報課", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["item_id"], r["owner"]) for r in rows] == [("A-1/m2", "広報課")]
    result = CliRunner().invoke(main, ["kpi", "--plan", str(path), "--as-of", "2025-04-02", "--format", "json"])
    assert [i["owner"] for i in json.loads(result.stdout)["items"]] == ["デジタル推進課"]
    result = CliRunner().invoke(main, ["due", "--plan", str(path), "--owner", "財政課", "--overdue"])
    assert result.exit_code == 2 and "'財政課'" in result.stderr


def test_a_sheet_column_names_the_owner(tmp_path: Path) -> None:
    sheet = tmp_path / "工程表.csv"
    sheet.write_text(
        "計画名,市DX推進計画\n策定日,令和6年4月1日\n\n"
        "施策番号,施策名,担当課,取組内容,期限\n"
        "1-1,窓口のデジタル化,デジタル推進課,書かない窓口の導入,令和6年度末まで\n"
        "1-1,窓口のデジタル化,広報課,市民への周知,令和6年12月まで\n",
        encoding="utf-8",
    )
    plan = dgplan.load_plan(sheet)
    measure = plan["1-1"]
    assert measure.owner == "デジタル推進課"
    assert [(m.text, m.owner) for m in measure.milestones] == [("書かない窓口の導入", None), ("市民への周知", "広報課")]


def test_the_workbook_and_the_calendar_name_the_owner(city: Plan) -> None:
    import openpyxl
    from icalendar import Calendar

    from dgplan.report import render_due
    from dgplan.workbook import workbook_bytes

    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(city, as_of=date(2025, 4, 2))))
    sheet = book["工程表"]
    header = [cell.value for cell in sheet[1]]
    owners = {row[0]: row[header.index("担当")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert owners == {"A-1/m1": "デジタル推進課", "A-1/m2": "広報課", "A-2/m1": "総務課、デジタル推進課"}
    items = city.due_between(date(2024, 4, 1), date(2025, 3, 31), as_of=date(2025, 4, 2))
    events = Calendar.from_ical(render_due(items, "ics", as_of=date(2025, 4, 2), plan=city)).walk("VEVENT")
    described = {str(event["summary"]).split("] ")[1]: str(event["description"]) for event in events}
    assert "owner: 広報課" in described["市民への周知"] and "owner: デジタル推進課" in described["書かない窓口の導入"]


def test_the_text_tables_show_the_owner(city: Plan, tmp_path: Path) -> None:
    path = tmp_path / "city.yaml"
    dgplan.save_plan(city, path)
    out = CliRunner().invoke(main, ["due", "--plan", str(path), "--as-of", "2025-04-02", "--overdue"]).stdout
    header, _, *rows = out.splitlines()
    assert header.split()[-2:] == ["担当", "内容"] and any("広報課" in row for row in rows)
    out = CliRunner().invoke(main, ["kpi", "--plan", str(path), "--as-of", "2025-04-02", "--lang", "en"]).stdout
    assert out.splitlines()[0].split()[-2:] == ["owner", "text"] and "デジタル推進課" in out
