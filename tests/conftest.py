"""Shared test settings: where the plan's source text lives, and hypothesis profiles."""

from __future__ import annotations

import os
from pathlib import Path

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
