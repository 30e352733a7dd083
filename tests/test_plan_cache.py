"""The cache of the validated bundled plan: used only for the same file and version, and optional."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import dgplan
from dgplan import load_plan
from dgplan.plan_io import _bundled_text, _cache_directory


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
        path.write_bytes(pickle.dumps(((dgplan.__version__, "0" * 64), other)))
        assert load_plan() == plan

    @pytest.mark.parametrize("content", [b"", b"not a pickle", pickle.dumps("a string")[:-3], pickle.dumps(42)])
    def test_a_broken_cache_file_is_a_miss(self, cache: Path, content: bytes) -> None:
        plan = load_plan()
        (path,) = cached_files(cache)
        path.write_bytes(content)
        assert load_plan() == plan
        assert pickle.loads(path.read_bytes())[1] == plan  # written again

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
