"""Shared test settings: where the plan's source text lives, and hypothesis profiles."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import NoReturn

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

REPO = Path(__file__).resolve().parents[1]
PLAN_SOURCE = REPO.parent / "shared" / "sources" / "digital-priority-plan-2021.txt"


@pytest.fixture(scope="session")
def plan_source_text() -> str:
    """The plan's text as extracted from its PDF; tests that need it skip where ../shared is absent."""
    if not PLAN_SOURCE.is_file():
        pytest.skip(f"the plan's source text is not at {PLAN_SOURCE} (../shared is absent)")
    return PLAN_SOURCE.read_text(encoding="utf-8")


def _browser_missing(reason: str) -> NoReturn:
    """Skip, or fail where the environment requires the browser (CI sets DGPLAN_REQUIRE_BROWSER=1)."""
    if os.environ.get("DGPLAN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (DGPLAN_REQUIRE_BROWSER=1 requires it)")
    pytest.skip(reason)


def _has_cjk_font() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    listing = subprocess.run([fc_list, ":lang=ja", "family"], capture_output=True, text=True, check=False).stdout
    return "Noto Sans CJK" in listing


@pytest.fixture(scope="session")
def chromium() -> str:
    """The system's Chromium with Japanese fonts (Debian's chromium and fonts-noto-cjk; .ci/run
    installs both), never a browser build downloaded by ``playwright install``. Where they are
    missing (a new user running the README's command) the tests that draw pages skip and say what
    to install; where DGPLAN_REQUIRE_BROWSER=1 (CI) they fail."""
    for candidate in (os.environ.get("DGPLAN_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (found := shutil.which(candidate)):
            if not _has_cjk_font():
                _browser_missing("the Japanese fonts are missing: apt-get install fonts-noto-cjk (.ci/run does)")
            return found
    _browser_missing(
        "no Chromium found: install it (apt-get install chromium fonts-noto-cjk; .ci/run does) "
        "or point DGPLAN_CHROMIUM at one"
    )
