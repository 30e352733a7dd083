"""The import graph points one way (docs/design.md): a module imports only modules below it, at module
level or inside a function, except where pandas must stay lazy."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "dgplan"

# Lowest first; a module may import any module of a lower rank.
RANKS: dict[str, float] = {
    "errors": 0,
    "display": 0.5,
    "_escape": 0,
    "_results": 0,
    "_frame": 0,
    "_cache": 0,
    "_collector": 0,
    "_archive": 0,
    "_text": 1,
    "_clauses": 1,
    "_compact": 1.5,
    "era": 2,
    "fiscal": 3,
    "closed_days": 3.5,
    "records": 3.5,
    "deadline": 4,
    # Documents read into text for the deadline scan: above the phrases, below the plan model and its
    # questions, so every reader above (the scan, the CLI) may use it.
    "documents": 4.3,
    "_progress": 4.5,
    "labels": 4.6,
    "pandas": 5,
    "polars": 5.2,
    "fields": 5,
    "_rows": 5.5,
    "kpi": 6,
    "queries": 7,
    "diff": 7.5,
    "_bundled": 7.7,
    "frames": 8,
    "plan": 9,
    "plan_io": 10,
    "targets": 11,
    "sheets": 11.5,
    "workbook": 11.6,
    "extract": 12,
    "scan": 12.2,
    "diff_render": 12.5,
    "chart": 12.8,
    "status_report": 12.9,
    "report": 13,
    "scan_render": 13.2,
    "cli": 14,
    "__init__": 15,
    "__main__": 16,
}
# Upward imports allowed inside a function: load_plan and load_progress hand a spreadsheet to
# sheets, which imports openpyxl (import dgplan loads neither). The answers' .to_frame() builds
# through _frame, below the questions, so the questions never import the frames.
LAZY_UPWARD = {("plan_io", "sheets")}


def imports(path: Path) -> list[tuple[str, bool]]:
    """(imported dgplan module, whether at module level) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dgplan."):
            found.append((node.module.split(".")[1], id(node) in top_level))
        elif isinstance(node, ast.Import):
            found += [
                (alias.name.split(".")[1], id(node) in top_level)
                for alias in node.names
                if alias.name.startswith("dgplan.")
            ]
    return found


def test_every_module_has_a_rank() -> None:
    assert {path.stem for path in SRC.glob("*.py")} == set(RANKS)


@pytest.mark.parametrize("module", sorted(RANKS))
def test_imports_point_down(module: str) -> None:
    for target, top_level in imports(SRC / f"{module}.py"):
        if module in ("__init__", "__main__"):
            continue
        upward = RANKS[target] >= RANKS[module]
        assert not upward or (not top_level and (module, target) in LAZY_UPWARD), (
            f"{module} imports {target}{'' if top_level else ' inside a function'}"
        )


def test_the_model_imports_no_questions_frames_or_files() -> None:
    assert {target for target, _ in imports(SRC / "kpi.py")} <= {
        "_escape",
        "_progress",
        "_text",
        "deadline",
        "display",
        "fields",
    }


def test_the_document_reader_imports_no_plan_model_or_questions() -> None:
    assert {target for target, _ in imports(SRC / "documents.py")} <= {"_archive", "_text", "era", "errors", "deadline"}
