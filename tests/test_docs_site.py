"""The documentation site as a reader sees it: built with mkdocs --strict, its API reference shows
docstring examples as code (not ``>>>`` quoted as nested blockquotes) and no raw Sphinx role."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RAW_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|data|attr|mod|exc|obj|const):(?:<code>|`)")
CODE = re.compile(r"<pre\b.*?</pre>|<code\b.*?</code>", flags=re.S)

MODULES = ("mkdocs", "mkdocstrings", "mkdocstrings_handlers.python")
needed = [name for name in MODULES if importlib.util.find_spec(name) is None]
pytestmark = pytest.mark.skipif(
    bool(needed),
    reason=f"{', '.join(needed)} not installed: the test and docs extras bring them (pip install -e '.[test]')",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    return out


def pages(site: Path) -> list[Path]:
    found = sorted(site.rglob("*.html"))
    assert len(found) >= 15
    return found


def test_no_raw_roles(site: Path) -> None:
    raw = {
        str(page.relative_to(site)): RAW_ROLE.findall(page.read_text(encoding="utf-8"))
        for page in pages(site)
        if RAW_ROLE.search(page.read_text(encoding="utf-8"))
    }
    assert not raw


def test_examples_are_code_not_quotes(site: Path) -> None:
    for page in pages(site):
        html = page.read_text(encoding="utf-8")
        outside_code = CODE.sub("", html)
        assert "&gt;&gt;&gt;" not in outside_code, f"{page.relative_to(site)}: a >>> example outside a code block"
        assert not re.search(r"<blockquote>\s*<blockquote>", html), f"{page.relative_to(site)}: nested blockquotes"


def test_the_api_reference_shows_examples_and_links(site: Path) -> None:
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    # Each example prompt is highlighted as a console prompt, input and output on their own lines.
    assert api.count('<span class="gp">&gt;&gt;&gt; </span>') >= 50
    assert '<span class="go">datetime.date(2019, 5, 1)</span>' in api
    # Roles became links to where the reference renders the object.
    assert 'href="#dgplan.errors.EraError"><code>EraError</code></a>' in api


def test_fencing_keeps_doctest_runs_whole() -> None:
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        from griffe_docs import fence_examples
    finally:
        sys.path.remove(str(REPO / "scripts"))
    text = "Intro.\n>>> a = 1\n>>> a\n1\n\nAfter.\n    >>> b\n    2\n\n```python\n>>> kept\n```"
    assert fence_examples(text) == (
        "Intro.\n\n```pycon\n>>> a = 1\n>>> a\n1\n```\n\nAfter.\n\n    ```pycon\n    >>> b\n    2\n    ```\n\n"
        "```python\n>>> kept\n```"
    )
