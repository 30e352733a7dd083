"""The HTML report as people see it: drawn by headless Chromium (the ``chromium`` fixture of
conftest.py: the system's browser with Japanese fonts; skipped with what to install where they are
missing, required where DGPLAN_REQUIRE_BROWSER=1, as in CI), on a laptop (1280 px) and on a phone
(390 px), for the bundled plan and for a small city plan with owners (担当).

The test also saves the screenshots shown in docs/reports.md (docs/img/report.png, a laptop, and
docs/img/report-phone.png, a phone).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dgplan import Plan, load_plan
from dgplan.report import render_report

IMAGES = Path(__file__).resolve().parents[1] / "docs" / "img"
AS_OF = date(2022, 11, 26)
LAPTOP, PHONE = 1280, 390

CITY = Plan.model_validate(
    {
        "plan": {"title": "市DX推進計画", "issued": "2024-04-01"},
        "measures": [
            {
                "id": "1-1",
                "section": "I",
                "title": "窓口のデジタル化",
                "owner": "デジタル推進課",
                "milestones": [
                    {"text": "書かない窓口の導入", "due": "令和6年度末まで"},
                    {"text": "市民への周知", "due": "令和6年12月まで", "owner": "広報課"},
                    {"text": "窓口アンケートの実施", "due": "毎年度末"},
                ],
            },
            {
                "id": "1-2",
                "section": "I",
                "title": "庁内業務の効率化",
                "owner": "総務課",
                "milestones": [{"text": "RPAの導入", "due": "令和7年度上期中に"}],
            },
        ],
    }
)


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        launched.close()


def _open(browser: Any, tmp_path: Path, plan: Plan, as_of: date, width: int) -> tuple[Any, list[str]]:
    page_file = tmp_path / f"report-{width}.html"
    page_file.write_text(render_report(plan, as_of, fmt="html"), encoding="utf-8")
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url}"))
    page.goto(page_file.as_uri())
    page.wait_for_load_state("load")
    return page, problems


@pytest.fixture(scope="module", params=[LAPTOP, PHONE], ids=["laptop", "phone"])
def bundled_page(browser: Any, tmp_path_factory: pytest.TempPathFactory, request: Any) -> Iterator[Any]:
    page, problems = _open(browser, tmp_path_factory.mktemp("bundled"), load_plan(), AS_OF, request.param)
    page.width, page.problems = request.param, problems
    yield page
    page.close()


@pytest.fixture(scope="module", params=[LAPTOP, PHONE], ids=["laptop", "phone"])
def city_page(browser: Any, tmp_path_factory: pytest.TempPathFactory, request: Any) -> Iterator[Any]:
    page, problems = _open(browser, tmp_path_factory.mktemp("city"), CITY, date(2025, 11, 10), request.param)
    page.width, page.problems = request.param, problems
    yield page
    page.close()


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


_LINES_OF = """(selector) => [...document.querySelectorAll(selector)]
    .filter(cell => cell.getClientRects().length && cell.textContent.trim())
    .map(cell => { const range = document.createRange(); range.selectNodeContents(cell);
                   return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; })"""

_CHART_TEXT_SIZES = """() => {
    const svg = [...document.querySelectorAll('figure svg')].find(s => s.getClientRects().length);
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
}"""


@pytest.fixture(
    scope="module",
    params=[("bundled", LAPTOP), ("bundled", PHONE), ("city", LAPTOP), ("city", PHONE)],
    ids=["bundled-laptop", "bundled-phone", "city-laptop", "city-phone"],
)
def page(browser: Any, tmp_path_factory: pytest.TempPathFactory, request: Any) -> Iterator[Any]:
    name, width = request.param
    plan, as_of = (load_plan(), AS_OF) if name == "bundled" else (CITY, date(2025, 11, 10))
    opened, problems = _open(browser, tmp_path_factory.mktemp(name), plan, as_of, width)
    opened.width, opened.problems = width, problems
    yield opened
    opened.close()


class TestEveryPage:
    """What holds on a laptop and on a phone, for both plans."""

    def test_no_console_errors(self, page: Any) -> None:
        assert page.problems == []

    def test_no_sideways_scroll(self, page: Any) -> None:
        assert page.evaluate("() => document.documentElement.scrollWidth") <= page.width

    def test_japanese_labels(self, page: Any) -> None:
        headings = page.locator("section > h2").all_inner_texts()
        assert headings[0] == "概要"
        assert headings[1].startswith("今四半期に期限を迎えるもの") and headings[2].startswith(
            "来四半期に期限を迎えるもの"
        )
        assert headings[3].startswith("期限超過") and headings[4].startswith("数値目標のあるKPI")
        assert page.locator("html").get_attribute("lang") == "ja"

    def test_what_falls_due_comes_before_what_is_overdue(self, page: Any) -> None:
        due = page.locator("#due-this-quarter").bounding_box()
        late = page.locator("#overdue").bounding_box()
        assert due is not None and late is not None and due["y"] < late["y"]

    def test_contents_links_reach_their_sections(self, page: Any) -> None:
        links = page.locator("nav a")
        assert links.count() == 5
        for index in range(links.count()):
            link = links.nth(index)
            target = link.get_attribute("href")
            assert target is not None and target.startswith("#")
            link.click()
            top = page.evaluate(f"() => document.getElementById('{target[1:]}').getBoundingClientRect().top")
            at_end = page.evaluate(
                "() => window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1"
            )
            # scrolled to the top of the window, or as far as the page goes (the last section)
            assert -2 <= top <= 60 or (at_end and 0 <= top < page.viewport_size["height"]), (target, top)
        page.evaluate("() => window.scrollTo(0, 0)")

    def test_ids_and_dates_never_wrap(self, page: Any) -> None:
        lines = page.evaluate(_LINES_OF, "td.id, td.date")
        assert lines and set(lines) == {1}

    def test_chart_text_is_readable(self, page: Any) -> None:
        sizes = page.evaluate(_CHART_TEXT_SIZES)
        assert sizes and min(sizes) >= 11, min(sizes)

    def test_japanese_is_drawn_in_a_cjk_font(self, page: Any) -> None:
        layout = "wide" if page.width == LAPTOP else "narrow"
        for selector in ("h1", "#summary li", f"svg.timeline.{layout} text.section-label"):
            fonts = platform_fonts(page, selector)
            assert any("CJK" in family or "Gothic" in family or "Hiragino" in family for family in fonts), (
                selector,
                fonts,
            )


class TestBundledPlan:
    def test_the_chart_for_the_screen(self, bundled_page: Any) -> None:
        wide, narrow = bundled_page.locator("svg.timeline.wide"), bundled_page.locator("svg.timeline.narrow")
        shown = wide if bundled_page.width == LAPTOP else narrow
        assert shown.is_visible() and not (narrow if shown == wide else wide).is_visible()
        box = shown.bounding_box()
        assert box is not None and box["width"] > min(500, bundled_page.width - 40) and box["height"] > 200
        assert box["width"] <= bundled_page.width
        assert shown.locator(".mark").count() > 10

    def test_section_table_has_a_row_per_section(self, bundled_page: Any) -> None:
        assert bundled_page.locator("#summary table").first.locator("tbody tr").count() == 9

    def test_a_long_overdue_list_is_folded(self, bundled_page: Any) -> None:
        folded = bundled_page.locator("#overdue details")
        assert folded.count() > 10
        assert bundled_page.locator("#overdue details[open]").count() == 0
        first = folded.first
        assert not first.locator("table").is_visible()
        first.locator("summary").click()
        assert first.locator("table").is_visible()

    def test_screenshot_for_the_docs(self, bundled_page: Any) -> None:
        name = "report.png" if bundled_page.width == LAPTOP else "report-phone.png"
        IMAGES.mkdir(parents=True, exist_ok=True)
        bundled_page.evaluate("() => window.scrollTo(0, 0)")
        bundled_page.screenshot(
            path=str(IMAGES / name), clip={"x": 0, "y": 0, "width": bundled_page.width, "height": 1150}
        )
        assert (IMAGES / name).stat().st_size > 20_000


class TestPlanWithOwners:
    def test_overdue_is_grouped_by_owner(self, city_page: Any) -> None:
        owners = city_page.locator("#overdue h3").all_inner_texts()
        assert owners and all(text.startswith("担当：") for text in owners)
        assert any("広報課" in text for text in owners)

    def test_owners_show_beside_what_falls_due(self, city_page: Any) -> None:
        table = city_page.locator("#due-next-quarter table, #due-this-quarter table").first
        assert "担当" in " ".join(table.locator("thead th").all_inner_texts()) or city_page.width == PHONE
        assert "デジタル推進課" in table.inner_text() or "総務課" in table.inner_text()
