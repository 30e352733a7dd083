"""Scanning a PDF for deadlines against the PDF library's own text extraction, and its growth in pages.

The PDFs are the 2021 plan's pages (its text, printed by headless Chromium one original page per
page, as tests/test_scan_documents.py does), cycled to 50, 100, 200 and 400 pages. The text is not
part of the repository: set DGPLAN_PLAN_TEXT to a copy of it (by default
/work/shared/sources/digital-priority-plan-2021.txt); Chromium is the system's (DGPLAN_CHROMIUM,
else `chromium`). Without either the benchmark says so and stops.

Printed for each size: the bare extraction (pypdfium2: open, every page's get_text_range), then
read_document and scan_document (read, find_deadlines over the whole text, each finding located and
its clause cut), in pages per second, scan's ratio to the bare extraction (the goal: at most
1.5x), and the time per page (flat = linear in pages).
Run: python benchmarks/bench_scan.py
"""

from __future__ import annotations

import html
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best_of

from dgplan import read_document, scan_document

SOURCE = Path(os.environ.get("DGPLAN_PLAN_TEXT", "/work/shared/sources/digital-priority-plan-2021.txt"))
SIZES = (50, 100, 200, 400)
STYLE = (
    "@page { size: A4; margin: 15mm; } body { font-family: 'Noto Sans CJK JP', sans-serif; font-size: 9pt;"
    " line-height: 1.3; margin: 0; } div { white-space: pre-wrap; } section + section { break-before: page; }"
)


def original_pages(text: str) -> list[list[str]]:
    pages: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line[:1] == " " and not line[:2].isspace() and pages[-1]:
            pages.append([])
        pages[-1].append(line)
    return pages


def print_pdfs(pages: list[list[str]], folder: Path, chromium: str) -> dict[int, Path]:
    from playwright.sync_api import sync_playwright

    made = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for size in SIZES:
            chosen = [pages[index % len(pages)] for index in range(size)]
            body = "".join(
                "<section>"
                + "".join(f"<div>{html.escape(line)}</div>" for line in lines if line.strip())
                + "</section>"
                for lines in chosen
            )
            source = folder / f"plan-{size}.html"
            source.write_text(
                f'<!doctype html><html lang="ja"><meta charset="utf-8"><style>{STYLE}</style>{body}', "utf-8"
            )
            page = browser.new_page()
            page.goto(source.as_uri())
            made[size] = folder / f"plan-{size}.pdf"
            page.pdf(path=str(made[size]), format="A4")
            page.close()
        browser.close()
    return made


def bare_extraction(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    characters = 0
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = page.get_textpage()
        characters += len(textpage.get_text_range())
        textpage.close()
        page.close()
    count = len(pdf)
    pdf.close()
    return count


def main() -> None:
    chromium = os.environ.get("DGPLAN_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not SOURCE.is_file():
        print(f"skipped: the plan's text is not at {SOURCE} (set DGPLAN_PLAN_TEXT to its path)")
        return
    if chromium is None:
        print(
            "skipped: no Chromium to print the PDFs (apt-get install chromium fonts-noto-cjk, or set DGPLAN_CHROMIUM)"
        )
        return
    with tempfile.TemporaryDirectory() as scratch:
        pdfs = print_pdfs(original_pages(SOURCE.read_text(encoding="utf-8")), Path(scratch), chromium)
        print(
            f"{'pages':>5}  {'bare pages/s':>12}  {'read pages/s':>12}  {'scan pages/s':>12}  {'scan/bare':>9}"
            f"  {'scan ms/page':>12}  findings"
        )
        for path in pdfs.values():
            pages = len(read_document(path).pages)
            bare = best_of(lambda path=path: bare_extraction(path))
            read = best_of(lambda path=path: read_document(path))
            scan = best_of(lambda path=path: scan_document(path))
            found = len(scan_document(path).findings)
            print(
                f"{pages:>5}  {pages / bare:>12.0f}  {pages / read:>12.0f}  {pages / scan:>12.0f}  {scan / bare:>8.2f}x"
                f"  {scan / pages * 1000:>12.2f}  {found}"
            )


if __name__ == "__main__":
    main()
