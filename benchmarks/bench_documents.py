"""read_document on many-page Japanese PDFs rendered by headless Chromium, against pypdfium2's own
text extraction in the same run, and time against pages (linear).

The text is the 2021 plan's (DGPLAN_PLAN_TEXT, by default /work/shared/sources/...; not in the
repository), or, without it, notices made by tests/documents_helpers.py. It is printed by the
system's Chromium (DGPLAN_CHROMIUM, or chromium on PATH) at 1x, 2x and 4x its length. Printed for
each: pages, then medians of 5 runs with their spread (min-max) of
  bare:  pypdfium2 opening the file and get_text_range() on every page (what any caller pays),
  read:  dgplan.read_document (the same, plus ruby lines, offsets and the document's date),
  scan:  read_document + find_deadlines over its text,
pages per second, and the ratios read/bare and scan/bare (goal: scan <= 1.5x bare).
Run: python benchmarks/bench_documents.py
"""

from __future__ import annotations

import html
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from documents_helpers import chromium_pdf, notice_html, page_html

from dgplan import find_deadlines, read_document

SOURCE = Path(os.environ.get("DGPLAN_PLAN_TEXT", "/work/shared/sources/digital-priority-plan-2021.txt"))
RUNS = 5


def bare(path: Path) -> int:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        chars = 0
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            chars += len(textpage.get_text_range())
            textpage.close()
            page.close()
        return chars
    finally:
        pdf.close()


def timed(function: Callable[[], object]) -> tuple[float, float, float]:
    """(median, min, max) of RUNS runs, in seconds."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def markup(factor: int) -> tuple[str, str]:
    if SOURCE.is_file():
        lines = SOURCE.read_text(encoding="utf-8").splitlines()
        body = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line.strip())
        return page_html(body * factor), "the 2021 plan's text"
    notice = notice_html()
    body = notice.split("<body>", 1)[1].rsplit("</body>", 1)[0]
    return page_html(f'<div class="page">{body}</div>' * (40 * factor)), "notices (the plan's text is absent)"


def main() -> None:
    chromium = os.environ.get("DGPLAN_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("skipped: no Chromium (apt-get install chromium fonts-noto-cjk, or set DGPLAN_CHROMIUM)")
        return
    folder = Path(tempfile.mkdtemp())
    paths = []
    with chromium_pdf(chromium) as render:
        for factor in (1, 2, 4):
            page, what = markup(factor)
            paths.append(render(page, folder / f"document-{factor}x.pdf"))
    print(f"PDFs printed by {chromium} from {what}; medians of {RUNS} runs (min-max)")
    print(
        f"{'size':>4} {'pages':>6} {'bare s':>20} {'read s':>20} {'scan s':>20}"
        f" {'pages/s bare':>12} {'read':>7} {'scan':>7} {'read/bare':>9} {'scan/bare':>9} {'growth':>7}"
    )
    previous = None
    for factor, path in zip((1, 2, 4), paths, strict=True):
        document = read_document(path)
        pages = len(document.pages)
        found = len(find_deadlines(document.text))
        b = timed(lambda p=path: bare(p))
        r = timed(lambda p=path: read_document(p))
        s = timed(lambda p=path: find_deadlines(read_document(p).text))

        def cell(t: tuple[float, float, float]) -> str:
            return f"{t[0]:.3f} ({t[1]:.3f}-{t[2]:.3f})"

        growth = "" if previous is None else f"{s[0] / previous:.1f}x"
        previous = s[0]
        print(
            f"{factor:>3}x {pages:>6} {cell(b):>20} {cell(r):>20} {cell(s):>20}"
            f" {pages / b[0]:12,.0f} {pages / r[0]:7,.0f} {pages / s[0]:7,.0f}"
            f" {r[0] / b[0]:8.2f}x {s[0] / b[0]:8.2f}x {growth:>7}   ({len(document.text):,} chars, {found} deadlines)",
            flush=True,
        )


if __name__ == "__main__":
    main()
