"""The public API changes only with a changelog entry.

tests/data/public_api.txt lists the API of the last release (written by scripts/dump_api.py). Every
name that has since appeared, disappeared or changed its signature must be named in the Unreleased
section of CHANGELOG.md, so that users of a release learn what to change.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
CHANGELOG = REPO / "CHANGELOG.md"


def _load_dump_api() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dump_api", REPO / "scripts" / "dump_api.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


dump_api = _load_dump_api()


def entries(lines: list[str]) -> dict[str, str]:
    """name → description, from ``name: description`` lines."""
    return dict(line.split(": ", 1) for line in lines if line.strip())


def changed_names(recorded: list[str], live: list[str]) -> list[str]:
    """Names added, removed or described differently, sorted."""
    before, after = entries(recorded), entries(live)
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def unreleased(changelog: str) -> str:
    """The text of the ``## [Unreleased]`` section, up to the next release heading."""
    match = re.search(r"^## \[Unreleased\][^\n]*\n(.*?)(?=^## |\Z)", changelog, flags=re.M | re.S)
    return "" if match is None else match.group(1)


def mentioned(text: str, name: str) -> bool:
    """Whether ``name`` (``Plan.overdue``) appears as a whole name, possibly after ``dgplan.``."""
    return re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text) is not None


class TestAgainstTheRecordedAPI:
    def test_every_change_is_in_the_changelog(self) -> None:
        recorded = (REPO / "tests" / "data" / "public_api.txt").read_text(encoding="utf-8").splitlines()
        changed = changed_names(recorded, dump_api.api_lines())
        notes = unreleased(CHANGELOG.read_text(encoding="utf-8"))
        missing = [name for name in changed if not mentioned(notes, name)]
        assert not missing, (
            f"public names changed since the last release without a note in CHANGELOG.md's Unreleased section: "
            f"{', '.join(missing)} (describe the change there; at a release run python scripts/dump_api.py)"
        )

    def test_listing_is_deterministic(self) -> None:
        lines = dump_api.api_lines()
        assert lines == dump_api.api_lines()
        assert not [line for line in lines if "0x" in line]  # no memory addresses
        assert len(entries(lines)) == len(lines)  # one line per name

    def test_listing_covers_the_public_surface(self) -> None:
        import dgplan
        import dgplan.pandas

        names = entries(dump_api.api_lines())
        assert set(dgplan.__all__) <= names.keys()
        assert {f"pandas.{name}" for name in dgplan.pandas.__all__} <= names.keys()
        assert names["Plan.overdue"] == "def(self, *, as_of: 'date', roll: 'Roll' = 'none') -> 'DueItems'"
        assert names["DeadlineError"].startswith("class(DgplanError)(message: 'str'")
        assert names["DeadlineKind.BY"] == "member 'by'"
        assert names["Plan"].startswith("class(PlanData) model(info: PlanInfo (alias 'plan')")


RECORDED = ("Plan: class", "Plan.overdue: def(self, as_of: 'date')", "parse_date: def(text: 'str')")


class TestTheCheckItself:
    def test_no_change(self) -> None:
        assert changed_names(list(RECORDED), list(list(RECORDED))) == []

    @pytest.mark.parametrize(
        ("live", "expected"),
        [
            # a signature changes
            (
                ["Plan: class", "Plan.overdue: def(self, *, as_of: 'date')", "parse_date: def(text: 'str')"],
                ["Plan.overdue"],
            ),
            # a name disappears
            (["Plan: class", "Plan.overdue: def(self, as_of: 'date')"], ["parse_date"]),
            # a name appears
            ([*RECORDED, "format_wareki: def(day: 'date')"], ["format_wareki"]),
        ],
    )
    def test_changes_are_found(self, live: list[str], expected: list[str]) -> None:
        assert changed_names(list(RECORDED), live) == expected

    def test_only_the_unreleased_section_counts(self) -> None:
        changelog = (
            "# Changelog\n\n## [Unreleased]\n\n### Changed\n- `Plan.overdue` takes `as_of` by keyword.\n\n"
            "## [0.1.0] - 2026-11-26\n\n- `parse_date` reads era dates.\n"
        )
        notes = unreleased(changelog)
        assert mentioned(notes, "Plan.overdue")
        assert not mentioned(notes, "parse_date")  # only in a released section
        assert not mentioned(notes, "Plan.overdue_items")
        assert mentioned("- `dgplan.Plan.overdue` now ...", "Plan.overdue")
        assert not mentioned("- `Plan.overdue_items` ...", "Plan.overdue")
        assert unreleased("# Changelog\n\n## [0.1.0]\n- parse_date\n") == ""
