"""The package as users meet it: its public names, its typing marker, its import cost."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources

import dgplan


def test_public_names_resolve() -> None:
    for name in dgplan.__all__:
        assert getattr(dgplan, name) is not None, name
    assert len(set(dgplan.__all__)) == len(dgplan.__all__)


def test_errors_share_one_root() -> None:
    for name in ("EraError", "PeriodError", "DeadlineError", "PlanError"):
        error = getattr(dgplan, name)
        assert issubclass(error, dgplan.DgplanError)
    assert issubclass(dgplan.DgplanError, ValueError)


def test_typed_marker_ships() -> None:
    assert resources.files("dgplan").joinpath("py.typed").is_file()


def test_import_does_not_load_pandas() -> None:
    code = "import sys, dgplan; print(sorted(m for m in sys.modules if m.split('.')[0] in {'pandas', 'numpy'}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_dir_is_the_public_api() -> None:
    assert dir(dgplan) == sorted([*dgplan.__all__, "__version__"])
    # what the package uses to load lazily is not an attribute users can reach by accident
    for helper in ("Any", "TYPE_CHECKING", "importlib", "typing"):
        assert not hasattr(dgplan, helper), helper


def test_all_is_grouped_and_every_group_resolves_lazily() -> None:
    code = (
        "import sys, dgplan;"
        " names = [dgplan.Plan, dgplan.DueItems, dgplan.Grade, dgplan.load_plan, dgplan.parse_target];"
        " print(all(n is not None for n in names), 'pandas' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "False"]  # the plan model loads without pandas


def test_one_version() -> None:
    from importlib.metadata import version

    assert version("dgplan") == dgplan.__version__


class TestMetadata:
    """What an installer and an index read: licence, Python versions, extras, links."""

    @staticmethod
    def metadata() -> dict[str, list[str]]:
        from importlib.metadata import metadata

        raw = metadata("dgplan")
        return {key: raw.get_all(key) or [] for key in set(raw.keys())}

    def test_licence_is_an_spdx_expression_with_its_file(self) -> None:
        data = self.metadata()
        assert data["License-Expression"] == ["MIT"]
        assert data["License-File"] == ["LICENSE"]
        # PEP 639: the expression replaces licence classifiers, which setuptools rejects beside it
        assert not [c for c in data["Classifier"] if c.startswith("License ::")]

    def test_classifiers_name_the_supported_pythons(self) -> None:
        classifiers = self.metadata()["Classifier"]
        for minor in ("3.11", "3.12", "3.13"):
            assert f"Programming Language :: Python :: {minor}" in classifiers
        assert "Development Status :: 3 - Alpha" in classifiers
        assert "Typing :: Typed" in classifiers
        assert self.metadata()["Requires-Python"] == [">=3.11"]

    def test_extras(self) -> None:
        data = self.metadata()
        assert {"report", "notebook", "test", "docs", "lint", "typing", "dev"} <= set(data["Provides-Extra"])
        requires = data["Requires-Dist"]
        # pandas is a dependency of the library; the test extra brings what the notebook test runs
        assert any(r.startswith("pandas") and "extra" not in r for r in requires)
        assert any(r.startswith("nbclient") and "notebook" in r for r in requires)
        assert any(r.startswith("dgplan[notebook]") and "test" in r for r in requires)
        assert any(r.startswith("twine") and "dev" in r for r in requires)

    def test_project_urls_are_documented_placeholders(self) -> None:
        urls = dict(entry.split(", ", 1) for entry in self.metadata()["Project-URL"])
        assert set(urls) == {"Documentation", "Changelog", "Issues"}
        # RFC 2606 reserves .invalid: the links cannot lead to a site that is not the project's
        assert all(url.startswith("https://dgplan.invalid/") for url in urls.values())


def test_licence_file() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "Copyright (c) 2026 dgplan developers" in text


class TestModelsHidePydanticV1:
    """dir() of a model offers dgplan's methods and pydantic's model_* API, not the deprecated v1 names."""

    V1 = frozenset(
        {
            "dict",
            "json",
            "copy",
            "schema",
            "schema_json",
            "parse_obj",
            "parse_raw",
            "parse_file",
            "from_orm",
            "construct",
            "validate",
        }
    )

    def test_plan_and_its_parts(self) -> None:
        plan = dgplan.load_plan()
        measure = plan["1-1"]
        for model in (plan, measure, measure.milestones[0], measure.kpis[0], plan.info):
            names = set(dir(model))
            assert not self.V1 & names, type(model).__name__
            assert {"model_dump", "model_dump_json", "model_copy"} <= names
        assert {"overdue", "due_in", "measures", "title"} <= set(dir(plan))

    def test_the_hidden_methods_still_work_and_warn(self) -> None:
        import pytest
        from pydantic import PydanticDeprecatedSince20

        with pytest.warns(PydanticDeprecatedSince20):
            assert dgplan.load_plan().info.dict()["title"]
