"""Real plan text rendered into the documents people receive, read back and scanned.

- The 2021 plan's text (../shared/sources) rendered to PDF by headless Chromium, one page of the
  original per page, extracts (`dgplan extract plan.pdf`) to the same plan as its text.
- Sentences of the 2021 plan and of other plans (../shared/sources/other-plans), read at test time
  and never stored here, rendered to PDF, .docx and HTML, scan to the deadlines find_deadlines finds
  in their text, each at the page and line where it stands.

The PDFs are drawn by the system's Chromium with fonts-noto-cjk (the ``chromium`` fixture of
conftest.py: skipped with what to install where they are missing, required where
DGPLAN_REQUIRE_BROWSER=1) into pytest's temporary folders, once per session.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dgplan import diff_plans, find_deadlines, read_document
from dgplan.extract import extract_plan
from dgplan.plan_io import dump_plan
from dgplan.scan import Scan, scan_document

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO.parent / "shared" / "sources"
PLAN_ISSUED = date(2021, 6, 18)
TITLE = "デジタル社会の実現に向けた重点計画"
# The page as the plans print it: A4, Japanese sans, lines kept as they are.
STYLE = """
@page { size: A4; margin: 15mm; }
body { font-family: 'Noto Sans CJK JP', sans-serif; font-size: 9pt; line-height: 1.3; margin: 0; }
div, p { white-space: pre-wrap; margin: 0; }
section + section { break-before: page; }
"""


def page_html(pages: list[list[str]], tag: str = "div") -> str:
    """An HTML page of ``pages``, each a list of lines (or paragraphs), one element per line."""
    sections = "\n".join(
        "<section>" + "".join(f"<{tag}>{html.escape(line)}</{tag}>" for line in lines if line.strip()) + "</section>"
        for lines in pages
    )
    head = f'<head><meta charset="utf-8"><style>{STYLE}</style></head>'
    return f'<!doctype html><html lang="ja">{head}<body>{sections}</body></html>'


@pytest.fixture(scope="module")
def printer(chromium: str) -> Iterator[Any]:
    """Headless Chromium, printing HTML files to PDF. Module-scoped: Playwright's sync API runs one
    instance at a time, and a session-long one broke every later module that opens its own."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield browser
        browser.close()


def print_pdf(printer: Any, source: Path, target: Path) -> Path:
    page = printer.new_page()
    try:
        page.goto(source.as_uri())
        page.pdf(path=str(target), format="A4")
    finally:
        page.close()
    return target


def original_pages(text: str) -> list[list[str]]:
    """The plan's text cut into its pages: the text marks a page's first line with a leading space."""
    pages: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line[:1] == " " and not line[:2].isspace() and pages[-1]:
            pages.append([])
        pages[-1].append(line)
    return pages


@pytest.fixture(scope="module")
def plan_pdf(plan_source_text: str, printer: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2021 plan's text as a PDF: each page of the original on a page of its own, one element per
    line, so that its footnotes stand at the foot of their page as in the plan's own PDF."""
    folder = tmp_path_factory.mktemp("plan")
    source = folder / "plan-2021.html"
    source.write_text(page_html(original_pages(plan_source_text)), encoding="utf-8")
    return print_pdf(printer, source, folder / "plan-2021.pdf")


class TestExtractFromThePDF:
    def test_the_pdf_gives_the_plan_of_the_text(self, plan_source_text: str, plan_pdf: Path) -> None:
        from_text, text_report = extract_plan(plan_source_text, title=TITLE, issued=PLAN_ISSUED)
        document = read_document(plan_pdf)
        assert document.kind == "pdf" and len(document.pages) >= 263
        from_pdf, pdf_report = extract_plan(document.text, title=TITLE, issued=PLAN_ISSUED)
        assert not diff_plans(from_text, from_pdf)  # measures, milestones, KPIs, targets
        assert pdf_report.lines() == text_report.lines()
        for text_measure, pdf_measure in zip(from_text.measures, from_pdf.measures, strict=True):
            assert pdf_measure == text_measure, text_measure.id
        assert from_pdf == from_text

    def test_the_command_reads_the_pdf(self, plan_source_text: str, plan_pdf: Path, tmp_path: Path) -> None:
        target = tmp_path / "measures.yaml"
        args = ["--title", TITLE, "--issued", "令和3年6月18日", "-o", str(target)]
        result = subprocess.run(
            [sys.executable, "-m", "dgplan", "extract", str(plan_pdf), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr.splitlines()[0].startswith("measures: 149 (I: 17,")
        plan, _ = extract_plan(plan_source_text, title=TITLE, issued=PLAN_ISSUED)
        assert target.read_text(encoding="utf-8") == dump_plan(plan)


# -- real passages ---------------------------------------------------------------------------------

#: The sources, with the date each was written (the reference for their relative words).
PASSAGE_SOURCES = {
    "digital-priority-plan-2021.txt": PLAN_ISSUED,
    "other-plans/basic-environment-plan-6-draft-part2-ch3.txt": date(2024, 5, 21),
}
PER_SOURCE = 24
PER_PAGE = 3


def sentences_with_deadlines(text: str, reference: date) -> list[str]:
    """The sentences of ``text`` (its lines joined, as a plan's paragraphs run on) that hold a date
    find_deadlines reads, up to :data:`PER_SOURCE`, spread over the whole text."""
    joined = "".join(line.strip() for line in text.split("\n") if line.strip() and line.strip() != "\f")
    sentences = [part.strip() + "。" for part in joined.split("。") if part.strip()]
    found = [s for s in sentences if len(s) <= 400 and find_deadlines(s, reference=reference, citations=True)]
    step = max(len(found) // PER_SOURCE, 1)
    return found[::step][:PER_SOURCE]


@pytest.fixture(scope="module", params=sorted(PASSAGE_SOURCES), ids=lambda name: Path(name).stem)
def passages(request: pytest.FixtureRequest) -> tuple[list[str], date]:
    path = SOURCES / request.param
    if not path.is_file():
        pytest.skip(f"the plan text is not at {path} (../shared is absent)")
    reference = PASSAGE_SOURCES[request.param]
    return sentences_with_deadlines(path.read_text(encoding="utf-8"), reference), reference


def pages_of(sentences: list[str]) -> list[list[str]]:
    return [sentences[i : i + PER_PAGE] for i in range(0, len(sentences), PER_PAGE)]


@pytest.fixture(scope="module", params=["pdf", "docx", "html"])
def rendered(
    request: pytest.FixtureRequest, passages: tuple[list[str], date], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[str], date]:
    """The passages as a document: three sentences a page (PDF), a paragraph each."""
    sentences, reference = passages
    folder = tmp_path_factory.mktemp("passages")
    kind = request.param
    if kind == "pdf":
        source = folder / "passages.html"
        source.write_text(page_html(pages_of(sentences), tag="p"), encoding="utf-8")
        path = print_pdf(request.getfixturevalue("printer"), source, folder / "passages.pdf")
    elif kind == "docx":
        import docx

        document = docx.Document()
        for sentence in sentences:
            document.add_paragraph(sentence)
        path = folder / "passages.docx"
        document.save(str(path))
    else:
        path = folder / "passages.html"
        path.write_text(page_html([sentences], tag="p"), encoding="utf-8")
    return path, sentences, reference


def squeezed(text: str) -> str:
    """Text without whitespace: a PDF's line breaks and the spaces its text layer adds."""
    return re.sub(r"\s", "", text)


class TestRealPassages:
    def test_scan_finds_what_the_text_holds(self, rendered: tuple[Path, list[str], date]) -> None:
        path, sentences, reference = rendered
        scan = scan_document(path, reference=reference, citations=True)
        expected = find_deadlines("\n".join(sentences), reference=reference, citations=True)
        assert len(expected) >= PER_SOURCE // 2
        assert [(squeezed(f.phrase), f.kind, f.window, f.due) for f in scan.findings] == [
            (squeezed(d.text), d.kind, d.window, d.due) for d in expected
        ]

    def test_each_finding_stands_at_its_page_and_line(self, rendered: tuple[Path, list[str], date]) -> None:
        path, sentences, reference = rendered
        scan: Scan = scan_document(path, reference=reference, citations=True)
        document = read_document(path)
        assert scan.findings
        for finding in scan.findings:
            line = document.pages[finding.page - 1].text.split("\n")[finding.line - 1]
            rest, phrase = squeezed(line[finding.column - 1 :]), squeezed(finding.phrase)
            # The phrase starts where the finding says; a PDF may break it onto the next line.
            assert rest.startswith(phrase) or (rest and phrase.startswith(rest)), (finding.where, line, phrase)
        if path.suffix == ".pdf":
            # Three sentences a page: a phrase's page is the page of its sentence.
            owners = _sentence_of_each(sentences, reference)
            assert [f.page for f in scan.findings] == [owner // PER_PAGE + 1 for owner in owners]


def _sentence_of_each(sentences: list[str], reference: date) -> list[int]:
    """For each deadline of the joined sentences, the index of the sentence that holds it."""
    joined = "\n".join(sentences)
    starts = [0]
    for sentence in sentences[:-1]:
        starts.append(starts[-1] + len(sentence) + 1)
    owners = []
    for deadline in find_deadlines(joined, reference=reference, citations=True):
        assert deadline.span is not None
        owners.append(max(index for index, start in enumerate(starts) if start <= deadline.span[0]))
    return owners


def test_scan_command_on_a_rendered_notice(printer: Any, tmp_path: Path) -> None:
    """A notice as offices send it, printed to PDF: its date is the reference, each deadline is at its line."""
    lines = [
        "事務連絡",
        "令和７年１月２０日",
        "各府省庁担当課　御中",
        "調査の実施について（依頼）",
        "１．調査票は令和７年２月２８日（金）までに提出してください。",
        "２．結果は本年度末までに公表する予定です。",
    ]
    source = tmp_path / "notice.html"
    source.write_text(page_html([lines, ["３．説明会は３月１０日に開催します。"]]), encoding="utf-8")
    print_pdf(printer, source, tmp_path / "notice.pdf")
    result = subprocess.run(
        [sys.executable, "-m", "dgplan", "scan", "notice.pdf", "--format", "csv"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    rows = [line.split(",")[:9] for line in result.stdout.splitlines()[1:]]
    assert [(r[0], r[1], r[2], r[5], r[8]) for r in rows] == [
        ("notice.pdf", "1", "5", "by", "2025-02-28"),
        ("notice.pdf", "1", "6", "by", "2025-03-31"),
        ("notice.pdf", "2", "1", "on", "2025-03-10"),
    ]
    assert result.stdout.splitlines()[1].endswith("2025-01-20,stated in the document at p1 l2: 令和７年１月２０日")
