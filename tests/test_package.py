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
