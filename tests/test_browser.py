"""The HTML report in a real browser: headless Chromium, driven by Playwright.

Chromium is the system's (Debian's ``chromium`` with ``fonts-noto-cjk``; ``.ci/run`` installs
both), never a browser build downloaded by ``playwright install``. On a machine without them (a new
user running the README's test command) this module skips and says what to install; where the
environment requires the browser (``DGPLAN_REQUIRE_BROWSER=1``, as ``.ci/run`` sets) it fails
instead: a report nobody has seen rendered is not tested.

The test also saves the screenshot shown in docs/reports.md (docs/img/report.png).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import pytest

from dgplan import load_plan
from dgplan.report import render_report

SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "img" / "report.png"
AS_OF = date(2022, 11, 26)


def _missing(reason: str) -> NoReturn:
    """Skip, or fail where the environment requires the browser (CI)."""
    if os.environ.get("DGPLAN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (DGPLAN_REQUIRE_BROWSER=1 requires it)")
    pytest.skip(reason)


def _has_cjk_font() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    listing = subprocess.run([fc_list, ":lang=ja", "family"], capture_output=True, text=True, check=False).stdout
    return "Noto Sans CJK" in listing


def chromium_path() -> str:
    for candidate in (os.environ.get("DGPLAN_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (found := shutil.which(candidate)):
            if not _has_cjk_font():
                _missing("the Japanese fonts are missing: apt-get install fonts-noto-cjk (.ci/run does)")
            return found
    _missing(
        "no Chromium found: install it (apt-get install chromium fonts-noto-cjk; .ci/run does) "
        "or point DGPLAN_CHROMIUM at one"
    )


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, list[str]]]:
    from playwright.sync_api import sync_playwright

    page_file = tmp_path_factory.mktemp("report") / "report.html"
    page_file.write_text(render_report(load_plan(), AS_OF, fmt="html"), encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1100, "height": 1500})
        problems: list[str] = []
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url}"))
        page.goto(page_file.as_uri())
        page.wait_for_load_state("load")
        yield page, problems
        browser.close()


def platform_fonts(page: Any, selector: str) -> list[str]:
    """The fonts Chromium actually drew a node's text with (not the CSS font-family wish list)."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, f"no {selector} in the page"
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return [font["familyName"] for font in fonts]


class TestReportInChromium:
    def test_no_console_errors(self, report_page: tuple[Any, list[str]]) -> None:
        _, problems = report_page
        assert problems == []

    def test_chart_is_visible_with_a_size(self, report_page: tuple[Any, list[str]]) -> None:
        page, _ = report_page
        chart = page.locator("figure svg")
        assert chart.is_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 500 and box["height"] > 200
        assert page.locator("figure svg .mark").count() > 10

    def test_section_table_has_a_row_per_section(self, report_page: tuple[Any, list[str]]) -> None:
        page, _ = report_page
        assert page.locator("table").first.locator("tbody tr").count() == 9

    def test_japanese_is_drawn_in_a_cjk_font(self, report_page: tuple[Any, list[str]]) -> None:
        page, _ = report_page
        for selector in ("h1", "tbody td:nth-child(2)", "text.section-label"):
            fonts = platform_fonts(page, selector)
            assert any("CJK" in family or "Gothic" in family or "Hiragino" in family for family in fonts), (
                selector,
                fonts,
            )

    def test_dates_do_not_wrap(self, report_page: tuple[Any, list[str]]) -> None:
        page, _ = report_page
        lines = page.evaluate(
            """() => [document.querySelector('time'), ...document.querySelectorAll('td.date')].slice(0, 50)
                .map(cell => { const range = document.createRange(); range.selectNodeContents(cell);
                               return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; })"""
        )
        assert lines and set(lines) == {1}

    def test_narrow_screen_keeps_the_chart_inside(self, report_page: tuple[Any, list[str]]) -> None:
        page, _ = report_page
        page.set_viewport_size({"width": 400, "height": 800})
        try:
            width = page.evaluate("() => document.querySelector('figure svg').getBoundingClientRect().width")
            assert 0 < width <= 400
        finally:
            page.set_viewport_size({"width": 1100, "height": 1500})

    def test_screenshot_for_the_docs(self, report_page: tuple[Any, list[str]]) -> None:
        page, _ = report_page
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), clip={"x": 0, "y": 0, "width": 1100, "height": 1150})
        assert SCREENSHOT.stat().st_size > 20_000

    def test_narrow_screen_does_not_scroll_sideways(self, report_page: tuple[Any, list[str]]) -> None:
        page, _ = report_page
        page.set_viewport_size({"width": 400, "height": 800})
        try:
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 400
            # the section titles keep a readable width; their table scrolls in its own box
            width = page.evaluate("() => document.querySelector('td.text').getBoundingClientRect().width")
            assert width >= 100
        finally:
            page.set_viewport_size({"width": 1100, "height": 1500})
