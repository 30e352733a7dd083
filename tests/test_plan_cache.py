"""The cache of the validated bundled plan: used only for the same file and version, and optional."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import dgplan
from dgplan import _bundled, load_plan
from dgplan._bundled import cached_tracked_plan, tracked_codec
from dgplan._cache import Codec
from dgplan.plan_io import _bundled_text, _cache_directory, _plan_classes
from dgplan.queries import TrackedPlan


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "dgplan"


def cached_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("bundled-plan-*.json"))


def plan_line(plan: object) -> bytes:
    return Codec([*_plan_classes(), *tracked_codec().classes]).dumps(plan)


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
        tracked = cached_tracked_plan()
        # Same name, but its recorded hash is another file's (a collision of the name's prefix).
        other = plan.model_copy(update={"measures": plan.measures[:1]})
        key, _, _ = path.read_bytes().split(b"\n", 2)
        other_key = json.loads(key)
        other_key[2] = "0" * 64
        lines = [json.dumps(other_key).encode(), tracked_codec().dumps(TrackedPlan.of(other)), plan_line(other), b""]
        path.write_bytes(b"\n".join(lines))
        assert cached_tracked_plan() is None
        assert load_plan() == plan
        assert cached_tracked_plan() == tracked

    @pytest.mark.parametrize("cut", [0, 1, 100, -200, -1])
    def test_a_truncated_cache_file_is_a_miss(self, cache: Path, cut: int) -> None:
        plan = load_plan()
        (path,) = cached_files(cache)
        whole = path.read_bytes()
        path.write_bytes(whole[:cut])
        assert cached_tracked_plan() is None
        assert load_plan() == plan
        assert path.read_bytes() == whole  # written again

    @pytest.mark.parametrize(
        "content",
        [
            b"",
            b"not json",
            b"\x80\x04\x95\x00",  # a pickle's opening bytes
            b"[1]\n[2]\n[3]\n",
            b"\n\n\n",
        ],
    )
    def test_a_foreign_cache_file_is_a_miss(self, cache: Path, content: bytes) -> None:
        plan = load_plan()
        (path,) = cached_files(cache)
        whole = path.read_bytes()
        path.write_bytes(content)
        assert cached_tracked_plan() is None
        assert load_plan() == plan
        assert path.read_bytes() == whole

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
        key, tracked, plan_text, end = path.read_bytes().split(b"\n")
        path.write_bytes(b"\n".join((key, b'"not a tracked plan"', plan_text, end)))
        assert cached_tracked_plan() is None
        path.write_bytes(b"\n".join((key, tracked, b'{"$": "Plan", "info": 1}', end)))
        assert load_plan() == plan  # the plan part is a miss: validated and written again
        assert path.read_bytes().split(b"\n")[2] == plan_text

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


class TestNoCacheFileRunsCode:
    """Issue 24 (1): the cache held a pickle, unpickled before its key was checked, in a folder
    anyone sharing XDG_CACHE_HOME could write to."""

    def test_a_planted_pickle_runs_nothing(self, cache: Path) -> None:
        plan = load_plan()
        (path,) = cached_files(cache)
        marker = cache.parent / "ran"

        class Payload:
            def __reduce__(self) -> tuple[object, tuple[str]]:
                return (os.system, (f"touch {marker}",))

        import pickle

        planted = pickle.dumps(Payload())
        for name in (path.name, path.name.replace(".json", ".pickle")):
            (cache / name).write_bytes(planted)
        assert cached_tracked_plan() is None
        assert load_plan() == plan
        assert not marker.exists()

    def test_the_file_holds_plain_json_with_its_key(self, cache: Path) -> None:
        load_plan()
        (path,) = cached_files(cache)
        lines = path.read_text(encoding="utf-8").split("\n")
        key = json.loads(lines[0])
        assert key[0] == 3 and key[1] == dgplan.__version__ and len(key[2]) == 64
        for line in lines[1:3]:
            json.loads(line)  # data, each line

    def test_the_folder_is_made_private(self, cache: Path) -> None:
        old = os.umask(0o022)
        try:
            load_plan()
        finally:
            os.umask(old)
        assert stat.S_IMODE(cache.stat().st_mode) == 0o700
        (path,) = cached_files(cache)
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0

    def test_an_older_open_folder_is_made_private(self, cache: Path) -> None:
        cache.mkdir(parents=True)
        cache.chmod(0o755)
        load_plan()
        assert stat.S_IMODE(cache.stat().st_mode) == 0o700
        assert cached_tracked_plan() is not None

    @pytest.mark.parametrize("mode", [0o666, 0o620, 0o602])
    def test_a_file_others_may_write_is_ignored_and_rebuilt(self, cache: Path, mode: int) -> None:
        plan = load_plan()
        (path,) = cached_files(cache)
        tracked = cached_tracked_plan()
        # What another user could have left: a valid-looking entry with other answers.
        forged = plan.model_copy(update={"measures": plan.measures[:1]})
        key = path.read_bytes().split(b"\n", 1)[0]
        path.write_bytes(b"\n".join([key, tracked_codec().dumps(TrackedPlan.of(forged)), plan_line(forged), b""]))
        path.chmod(mode)
        assert cached_tracked_plan() is None
        assert load_plan() == plan
        assert cached_tracked_plan() == tracked
        assert stat.S_IMODE(path.stat().st_mode) & 0o022 == 0

    def test_a_file_of_another_user_is_ignored(self, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        load_plan()
        assert cached_tracked_plan() is not None
        # The running user becomes someone else: the file is now another user's (and so is the
        # folder, which the second check is told to accept, to test the file's own check).
        monkeypatch.setattr(_bundled, "_uid", lambda: os.getuid() + 1)
        monkeypatch.setattr(_bundled, "_private_directory", lambda path, create: True)
        assert cached_tracked_plan() is None

    def test_a_folder_of_another_user_is_not_used(self, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        plan = load_plan()
        (path,) = cached_files(cache)
        path.unlink()
        monkeypatch.setattr(_bundled, "_uid", lambda: os.getuid() + 1)
        assert load_plan() == plan
        assert cached_tracked_plan() is None
        assert list(cache.iterdir()) == []  # nothing written into a folder that is not the user's

    def test_a_symlink_is_not_followed(self, cache: Path, tmp_path: Path) -> None:
        plan = load_plan()
        (path,) = cached_files(cache)
        elsewhere = tmp_path / "elsewhere.json"
        elsewhere.write_bytes(path.read_bytes())
        path.unlink()
        path.symlink_to(elsewhere)
        assert cached_tracked_plan() is None
        assert load_plan() == plan
        assert not path.is_symlink()

    def test_two_processes_filling_it_at_once_both_answer_right(self, cache: Path) -> None:
        script = (
            "import sys\n"
            "from datetime import date\n"
            "from dgplan import load_plan\n"
            "plan = load_plan()\n"
            "print(len(plan.measures), [i.item_id for i in plan.overdue(as_of=date(2023, 4, 1))][:5])\n"
        )
        env = {**os.environ, "XDG_CACHE_HOME": str(cache.parent)}
        runs = [
            subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
            for _ in range(4)
        ]
        outputs = [run.communicate()[0] for run in runs]
        assert [run.returncode for run in runs] == [0] * 4
        plan = load_plan()
        expected = f"{len(plan.measures)} {[i.item_id for i in plan.overdue(as_of=date(2023, 4, 1))][:5]}\n"
        assert outputs == [expected] * 4
        assert len(cached_files(cache)) == 1
        assert not [p for p in cache.iterdir() if p.name.endswith(".tmp")]
        assert cached_tracked_plan() == TrackedPlan.of(plan)


class TestTheCachedPlanIsTheValidatedOne:
    def test_models_and_their_fields_set(self, cache: Path) -> None:
        first = load_plan()
        second = load_plan()  # from the cache
        assert second == first
        assert second.model_dump(exclude_unset=True) == first.model_dump(exclude_unset=True)
        assert second.to_data() == first.to_data()
        kinds = {type(m.deadline.kind) for measure in second.measures for m in measure.milestones}
        assert kinds == {type(first.measures[0].milestones[0].deadline.kind)}  # the enum, not its text


class TestCodec:
    def test_any_text_round_trips_on_one_line(self) -> None:
        from hypothesis import given
        from hypothesis import strategies as st

        codec = tracked_codec()

        @given(st.text(), st.dictionaries(st.text(), st.text(), max_size=4))
        def round_trip(title: str, titles: dict[str, str]) -> None:
            tracked = TrackedPlan(title=title, issued=date(2021, 6, 18), measure_titles=titles, items=())
            data = codec.dumps(tracked)
            assert b"\n" not in data
            assert codec.loads(data) == tracked

        round_trip()

    def test_only_the_allowed_classes_are_built(self) -> None:
        from dgplan._cache import CacheFormatError

        codec = tracked_codec()
        for data in (b'{"$": "Plan", "info": 1}', b'{"$": "os.system"}', b'{"$e": "DeadlineKind", "v": "x"}', b"{}"):
            with pytest.raises(CacheFormatError):
                codec.loads(data)
