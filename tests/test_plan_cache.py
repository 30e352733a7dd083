"""The cache of the validated bundled plan: used only for the same file and version, and optional."""

from __future__ import annotations

import pickle
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import dgplan
from dgplan import load_plan
from dgplan._bundled import cached_tracked_plan
from dgplan.plan_io import _bundled_text, _cache_directory
from dgplan.queries import TrackedPlan


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "dgplan"


def cached_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("bundled-plan-*.pickle"))


def refuse_to_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    def parse_plan(*args: object, **kwargs: object) -> None:
        raise AssertionError("the bundled plan was validated again")

    monkeypatch.setattr("dgplan.plan_io.parse_plan", parse_plan)


class TestBundledPlanCache:
    def test_the_second_load_reads_the_cache(self, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        first = load_plan()
        (path,) = cached_files(cache)
        assert dgplan.__version__ in path.name
        refuse_to_parse(monkeypatch)
        assert load_plan() == first

    def test_a_changed_file_is_validated_again(self, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        load_plan()
        changed = _bundled_text().replace("デジタル社会の実現に向けた重点計画", "改訂版の計画", 1)
        monkeypatch.setattr("dgplan.plan_io._bundled_text", lambda: changed)
        assert load_plan().title == "改訂版の計画"
        assert len(cached_files(cache)) == 2  # one per version of the file
        refuse_to_parse(monkeypatch)
        assert load_plan().title == "改訂版の計画"

    def test_a_cache_file_for_another_file_is_not_used(self, cache: Path) -> None:
        plan = load_plan()
        (path,) = cached_files(cache)
        # Same name, but its recorded hash is another file's (a collision of the name's prefix).
        other = plan.model_copy(update={"measures": plan.measures[:1]})
        key, tracked, _ = pickle.loads(path.read_bytes())
        other_key = (key[0], key[1], "0" * 64, key[3])
        path.write_bytes(pickle.dumps((other_key, TrackedPlan.of(other), pickle.dumps(other))))
        assert cached_tracked_plan() is None
        assert load_plan() == plan
        assert cached_tracked_plan() == tracked

    @pytest.mark.parametrize("content", [b"", b"not a pickle", pickle.dumps("a string")[:-3], pickle.dumps(42)])
    def test_a_broken_cache_file_is_a_miss(self, cache: Path, content: bytes) -> None:
        plan = load_plan()
        (path,) = cached_files(cache)
        path.write_bytes(content)
        assert cached_tracked_plan() is None
        assert load_plan() == plan
        assert pickle.loads(pickle.loads(path.read_bytes())[2]) == plan  # written again

    def test_an_unwritable_cache_directory(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        blocker = tmp_path / "file"
        blocker.write_text("a file where the cache directory would be", encoding="utf-8")
        monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # even root cannot make a directory here
        assert len(load_plan().measures) == 149
        assert blocker.is_file()

    def test_a_relative_xdg_cache_home_is_ignored(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
        monkeypatch.setenv("HOME", str(tmp_path))
        assert _cache_directory() == tmp_path / ".cache" / "dgplan"

    def test_no_home_means_no_cache(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
        monkeypatch.setattr("os.path.expanduser", lambda path: path)
        assert _cache_directory() is None
        assert len(load_plan().measures) == 149


class TestTrackedPlanCache:
    """What `dgplan due` reads without the models: the same answers, never for another file."""

    def test_the_cache_holds_the_plans_tracked_plan(self, cache: Path) -> None:
        assert cached_tracked_plan() is None  # empty
        plan = load_plan()
        assert cached_tracked_plan() == TrackedPlan.of(plan)

    @pytest.mark.parametrize("as_of", [date(2021, 6, 18), date(2022, 1, 15), date(2023, 4, 1), date(2031, 3, 31)])
    def test_the_answers_are_the_plans(self, cache: Path, as_of: date) -> None:
        plan = load_plan()
        tracked = cached_tracked_plan()
        assert tracked is not None
        assert tracked.due_this_quarter(as_of=as_of) == plan.due_this_quarter(as_of=as_of)
        assert tracked.overdue(as_of=as_of) == plan.overdue(as_of=as_of)
        assert tracked.upcoming(as_of=as_of, days=90) == plan.upcoming(as_of=as_of, days=90)
        assert tracked.due_in("令和4年度上期", as_of=as_of) == plan.due_in("令和4年度上期", as_of=as_of)
        start, end = date(2021, 4, 1), date(2026, 3, 31)
        assert tracked.due_between(start, end, as_of=as_of) == plan.due_between(start, end, as_of=as_of)

    def test_an_edited_plan_file_is_never_answered_from_the_cache(
        self, cache: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        load_plan()
        changed = _bundled_text().replace("デジタル社会の実現に向けた重点計画", "改訂版の計画", 1)
        monkeypatch.setattr("dgplan._bundled.bundled_text", lambda: changed)
        monkeypatch.setattr("dgplan.plan_io._bundled_text", lambda: changed)
        assert cached_tracked_plan() is None
        assert load_plan().title == "改訂版の計画"
        tracked = cached_tracked_plan()
        assert tracked is not None and tracked.title == "改訂版の計画"

    def test_edited_code_is_a_miss(self, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        load_plan()
        # A development checkout: a module changed (its size or time) since the entry was written.
        monkeypatch.setattr("dgplan._bundled._code_stamp", lambda: "queries.py:1:1")
        assert cached_tracked_plan() is None

    def test_an_entry_of_the_wrong_shape_is_a_miss(self, cache: Path) -> None:
        plan = load_plan()
        (path,) = cached_files(cache)
        key, tracked, pickled = pickle.loads(path.read_bytes())
        path.write_bytes(pickle.dumps((key, "not a tracked plan", pickled)))
        assert cached_tracked_plan() is None
        path.write_bytes(pickle.dumps((key, tracked, b"not a pickle")))
        assert load_plan() == plan  # the plan part is a miss: validated and written again
        assert pickle.loads(pickle.loads(path.read_bytes())[2]) == plan

    def test_due_reads_the_cache_without_the_models(self, cache: Path) -> None:
        load_plan()
        script = (
            "import sys\n"
            "from dgplan.cli import main\n"
            "sys.argv = ['dgplan', 'due', '--overdue', '--as-of', '2023-04-01', '--format', 'json']\n"
            "try:\n"
            "    main()\n"
            "except SystemExit:\n"
            "    pass\n"
            "heavy = ('pydantic', 'yaml', 'dgplan.kpi', 'dgplan.plan_io')\n"
            "print(sorted(name for name in heavy if name in sys.modules))\n"
        )
        env = {"XDG_CACHE_HOME": str(cache.parent), "PATH": "", "HOME": str(cache.parent)}
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
        assert result.stdout.splitlines()[-1] == "[]"
        assert '"item_id"' in result.stdout


class TestDueCommandWithAndWithoutTheCache:
    @pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json", "ics"])
    @pytest.mark.parametrize(
        "question",
        [
            ["--this-quarter"],
            ["--overdue"],
            ["--within", "90d"],
            ["--in", "令和4年度上期"],
            ["--between", "2021-04-01", "2031-03-31"],
            ["--section", "II"],
        ],
    )
    def test_the_same_output(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, question: list[str]
    ) -> None:
        from click.testing import CliRunner

        from dgplan.cli import main

        args = ["due", *question, "--as-of", "2023-04-01", "--format", fmt]
        blocker = tmp_path / "file"
        blocker.write_text("no cache directory can be made here", encoding="utf-8")
        monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
        uncached = CliRunner().invoke(main, args)
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        cold = CliRunner().invoke(main, args)  # fills the cache
        assert cached_tracked_plan() is not None
        warm = CliRunner().invoke(main, args)
        assert (uncached.exit_code, cold.exit_code, warm.exit_code) == (0, 0, 0)
        assert uncached.output == cold.output == warm.output
        assert uncached.output.strip()
