"""The notebook tour runs from top to bottom, and is kept in git without outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

TOUR = Path(__file__).resolve().parents[1] / "examples" / "tour.ipynb"


def test_outputs_are_stripped_in_git() -> None:
    notebook = nbformat.read(TOUR, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)


def test_tour_executes(tmp_path: Path) -> None:
    from nbclient import NotebookClient

    notebook = nbformat.read(TOUR, as_version=4)
    client = NotebookClient(notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": tmp_path}})
    client.execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    from datetime import date

    import dgplan

    overdue = len(dgplan.load_plan().overdue(as_of=date(2022, 4, 1)))
    assert f"{overdue} overdue on 2022-04-01" in text
    html = "\n".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "デジタル社会の実現に向けた重点計画" in html  # the plan's rich display
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the timeline chart
    assert "FY2021-Q3" in text or "FY2021-Q3" in html  # the converted ledger column
    assert "4 deadlines slipped" in text  # the diff of a made-up second edition
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 2  # and its chart of slips


@pytest.mark.parametrize("name", ["Plan", "Measure", "Deadline", "DueItems", "KPIStatuses", "Summary"])
def test_rich_display(name: str) -> None:
    from datetime import date

    import dgplan

    plan = dgplan.load_plan()
    objects = {
        "Plan": plan,
        "Measure": plan["1-1"],
        "Deadline": dgplan.parse_deadline("令和3年度末までに"),
        "DueItems": plan.overdue(as_of=date(2022, 4, 1)),
        "KPIStatuses": plan.kpi_status(as_of=date(2022, 4, 1)),
        "Summary": plan.summary(as_of=date(2022, 4, 1)),
    }
    rendered = objects[name]._repr_html_()  # type: ignore[attr-defined]
    assert rendered.count("<table") >= 1 and rendered.count("<tr>") >= 2


def test_rich_display_escapes_text() -> None:
    from dgplan.display import html_table

    assert "&lt;script&gt;" in html_table(("a",), [("<script>",)])
