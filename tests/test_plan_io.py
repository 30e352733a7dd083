"""Loading and saving plan files, progress logs, and the JSON Schema."""

from __future__ import annotations

import os
import re
import stat
import threading
from datetime import date
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

from dgplan import PlanError, load_plan, load_progress, plan_schema, save_plan
from dgplan.plan_io import dump_plan, parse_plan, write_atomic

SMALL = Path(__file__).parent / "data" / "small_plan.yaml"
HEADER = "plan: {title: 試験, issued: 2021-06-18}\nmeasures:\n"


def measure(body: str, measure_id: str = "1-1") -> str:
    return f'  - id: "{measure_id}"\n    section: I\n    title: 施策\n' + body


class TestBundledPlan:
    def test_loads_all_measures(self) -> None:
        plan = load_plan()
        assert len(plan.measures) == 149
        assert plan.issued == date(2021, 6, 18)
        assert plan["1-1"].title == "国外におけるマイナンバーカード・公的個人認証サービスの継続利用"
        assert [s.id for s in plan.sections] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]

    def test_round_trip_is_identity(self, tmp_path: Path) -> None:
        plan = load_plan()
        path = tmp_path / "plan.yaml"
        save_plan(plan, path)
        assert load_plan(path) == plan
        # and the bundled file is already in the written form
        bundled = resources.files("dgplan.data").joinpath("measures.yaml")
        assert path.read_text(encoding="utf-8") == bundled.read_text(encoding="utf-8")


class TestRoundTrip:
    def test_small_plan(self, tmp_path: Path) -> None:
        plan = load_plan(SMALL)
        path = tmp_path / "out.yaml"
        save_plan(plan, path)
        again = load_plan(path)
        assert again == plan
        save_plan(again, path)
        assert load_plan(path) == plan

    def test_written_yaml_is_readable(self) -> None:
        text = dump_plan(load_plan(SMALL))
        assert "テスト計画" in text  # Japanese unescaped
        assert "\\u" not in text
        assert text.index("plan:") < text.index("sections:") < text.index("measures:")
        assert "value: 1741\n" in text  # whole numbers without .0

    def test_era_dates_accepted_wherever_a_date_is(self) -> None:
        plan = parse_plan(
            "plan: {title: 試験, issued: 令和3年6月18日}\nmeasures:\n"
            + measure("    milestones:\n      - {text: 改修, due: R4.3.31, done_on: 令和4年3月1日}\n")
        )
        assert plan.issued == date(2021, 6, 18)
        milestone = plan["1-1"].milestones[0]
        assert (milestone.deadline.due, milestone.done_on) == (date(2022, 3, 31), date(2022, 3, 1))


class TestAtomicWrite:
    def test_failure_leaves_the_old_file(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path = tmp_path / "plan.yaml"
        path.write_text("old", encoding="utf-8")

        def broken_replace(src: str, dst: str) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "replace", broken_replace)
        with pytest.raises(OSError, match="No space"):
            write_atomic(path, "new")
        assert path.read_text(encoding="utf-8") == "old"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.yaml"]  # no temporary file left

    def test_a_pipe_is_written_through_not_replaced(self, tmp_path: Path) -> None:
        fifo = tmp_path / "pipe"
        os.mkfifo(fifo)
        received: list[str] = []
        reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
        reader.start()
        write_atomic(fifo, "through the pipe")
        reader.join(timeout=10)
        assert received == ["through the pipe"]
        assert stat.S_ISFIFO(fifo.stat().st_mode)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]

    def test_a_device_stays_a_device(self) -> None:
        write_atomic("/dev/null", "nothing")
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode)

    def test_a_symlink_is_followed_and_kept(self, tmp_path: Path) -> None:
        real = tmp_path / "real.md"
        real.write_text("old", encoding="utf-8")
        link = tmp_path / "link.md"
        link.symlink_to(real.name)
        write_atomic(link, "new")
        assert link.is_symlink() and os.readlink(link) == "real.md"
        assert real.read_text(encoding="utf-8") == "new"
        dangling = tmp_path / "dangling.md"
        dangling.symlink_to("elsewhere.md")
        write_atomic(dangling, "made")
        assert dangling.is_symlink() and (tmp_path / "elsewhere.md").read_text(encoding="utf-8") == "made"

    def test_a_read_only_file_is_refused_even_for_root(self, tmp_path: Path) -> None:
        path = tmp_path / "report.md"
        path.write_text("keep me", encoding="utf-8")
        path.chmod(0o444)
        with pytest.raises(PermissionError, match="read-only") as caught:
            write_atomic(path, "new")
        assert caught.value.filename == str(path)
        assert path.read_text(encoding="utf-8") == "keep me"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]

    def test_errors_name_the_target_not_the_temporary_file(self, tmp_path: Path) -> None:
        with pytest.raises(OSError) as caught:
            write_atomic(tmp_path / "no" / "such" / "dir.md", "x")
        assert caught.value.filename == str(tmp_path / "no" / "such" / "dir.md")
        with pytest.raises(IsADirectoryError) as caught_dir:
            write_atomic(tmp_path, "x")
        assert caught_dir.value.filename == str(tmp_path)
        assert list(tmp_path.iterdir()) == []

    def test_keeps_the_mode_of_the_old_file(self, tmp_path: Path) -> None:
        path = tmp_path / "plan.yaml"
        path.write_text("old", encoding="utf-8")
        path.chmod(0o640)
        write_atomic(path, "new")
        assert path.read_text(encoding="utf-8") == "new"
        assert path.stat().st_mode & 0o777 == 0o640


class TestErrors:
    def problems(self, text: str, tmp_path: Path) -> tuple[PlanError, str]:
        path = tmp_path / "bad.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(PlanError) as info:
            load_plan(path)
        return info.value, str(path)

    @pytest.mark.parametrize(
        ("body", "line", "message"),
        [
            (
                "    milestones:\n      - {text: 改修, due: soon}\n",
                7,
                "milestones[1].due: 'soon' is not a deadline phrase",
            ),
            ("    milestones:\n      - {text: 改修, due: 2021-02-30}\n", 7, "'2021-02-30': 2021-02 has days 1 to 28"),
            ("    milestones:\n      - {text: 改修, due: 令和3年度末まで, done_on: 令和3年2月29日}\n", 7, "done_on"),
            ("    colour: red\n", 6, "colour: unknown key 'colour'"),
            ("    kpis:\n      - {kind: progress, text: 数, target: {value: many}}\n", 7, "kpis[1].target.value"),
            ("    kpis:\n      - {kind: 成果, text: 数}\n", 7, "kpis[1].kind"),
            ("    milestones:\n      - {text: 改修}\n", 7, "'due' is required"),
            ("    milestones:\n      - {text: 改修, due: 平成32年度末まで}\n", 7, "outside 平成"),
        ],
    )
    def test_each_problem_names_file_line_and_measure(self, tmp_path: Path, body: str, line: int, message: str) -> None:
        error, path = self.problems(HEADER + measure(body), tmp_path)
        assert str(error).startswith(f"{path}:{line}:")
        assert "measure '1-1'" in str(error)
        assert message in str(error)
        assert (error.path, error.line, error.measure_id) == (path, line, "1-1")

    def test_every_problem_at_once(self, tmp_path: Path) -> None:
        text = (
            HEADER
            + measure("    milestones:\n      - {text: 改修, due: soon}\n")
            + measure("    title2: x\n", "1-2")
            + measure("", "1-1")
        )
        error, path = self.problems(text, tmp_path)
        assert len(error.problems) == 3
        assert [re.match(rf"{re.escape(path)}:(\d+):", p).group(1) for p in error.problems] == ["7", "11", "12"]  # type: ignore[union-attr]
        assert "duplicate measure id (first at line 3)" in error.problems[2]

    def test_duplicate_measure_id_is_reported_once(self, tmp_path: Path) -> None:
        error, path = self.problems(HEADER + measure("") + measure(""), tmp_path)
        assert error.problems == (f"{path}:6:9: measure '1-1': duplicate measure id (first at line 3)",)

    def test_duplicate_keys(self, tmp_path: Path) -> None:
        error, path = self.problems(HEADER + measure("    title: 二つ目\n"), tmp_path)
        assert f"{path}:6:5: duplicate key 'title'" in str(error)

    def test_not_yaml(self, tmp_path: Path) -> None:
        error, path = self.problems("plan: [unclosed\n", tmp_path)
        assert str(error).startswith(f"{path}:2:1: not valid YAML")

    def test_not_a_mapping(self, tmp_path: Path) -> None:
        error, _ = self.problems("- 1\n- 2\n", tmp_path)
        assert "expected a mapping" in str(error)

    def test_unreadable_file(self, tmp_path: Path) -> None:
        with pytest.raises(PlanError, match="cannot read"):
            load_plan(tmp_path / "missing.yaml")

    def test_unsafe_yaml_is_not_executed(self, tmp_path: Path) -> None:
        error, path = self.problems("!!python/object/apply:os.system ['echo hi']\n", tmp_path)
        assert str(error).startswith(
            f"{path}:1:1: unsupported YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'"
        )


class TestProgress:
    def test_csv_merges_observations_and_done(self, tmp_path: Path) -> None:
        plan = load_plan(SMALL)
        path = tmp_path / "progress.csv"
        path.write_text(
            "id,date,value,done,note\n"
            "1-1/m1,2022-03-20,,true,完了\n"
            "3-1/effect/1,令和5年3月31日,80,,\n"
            "1-1/effect/1,2022-05-01,,yes,\n",
            encoding="utf-8",
        )
        merged = load_progress(path, plan)
        assert merged.milestone("1-1/m1").done_on == date(2022, 3, 20)
        assert [o.value for o in merged.kpi("3-1/effect/1").observations] == [95, 80]
        assert merged.kpi("1-1/effect/1").done_on == date(2022, 5, 1)
        assert "1-1/m1" not in {i.item_id for i in merged.overdue(as_of=date(2022, 4, 1))}
        assert plan.milestone("1-1/m1").done_on is None  # the original is untouched

    def test_yaml_rows(self, tmp_path: Path) -> None:
        path = tmp_path / "progress.yaml"
        path.write_text("progress:\n  - {id: 2-1/effect/1, date: 2023-03-31, value: 76}\n", encoding="utf-8")
        merged = load_progress(path, load_plan(SMALL))
        assert merged.kpi("2-1/effect/1").latest(as_of=date(2023, 4, 1)).value == 76  # type: ignore[union-attr]

    def test_all_problems_reported_and_nothing_merged(self, tmp_path: Path) -> None:
        path = tmp_path / "progress.csv"
        path.write_text(
            "id,date,value,done,note\n"
            "9-9/m1,2022-03-20,,true,\n"  # line 2: unknown id
            "1-1/progress/1,2022-03-31,lots,,\n"  # line 3: not a number
            "1-1/progress/1,2022-04-30,10,,\n"
            "1-1/progress/1,2022-04-30,11,,\n"  # line 5: duplicate
            "1-1/m1,2022-02-30,,true,\n",  # line 6: impossible date
            encoding="utf-8",
        )
        with pytest.raises(PlanError) as info:
            load_progress(path, load_plan(SMALL))
        problems = info.value.problems
        assert [p.split(":")[1] for p in problems] == ["2", "3", "5", "6"]
        assert "unknown KPI or milestone id '9-9/m1'" in problems[0]
        assert "'lots' is not a number" in problems[1]
        assert "duplicate row for 2022-04-30 (first at line 4)" in problems[2]
        assert "'2022-02-30'" in problems[3]

    def test_bad_header(self, tmp_path: Path) -> None:
        path = tmp_path / "progress.csv"
        path.write_text("kpi,when\n1-1/m1,2022-01-01\n", encoding="utf-8")
        with pytest.raises(PlanError, match=":1: expected a header"):
            load_progress(path, load_plan(SMALL))


class TestSchema:
    def test_schema_validates_plan_files(self) -> None:
        schema = plan_schema()
        for text in (SMALL.read_text(encoding="utf-8"), dump_plan(load_plan())):
            data = yaml.load(text, Loader=yaml.BaseLoader)  # every scalar a string, as editors see dates
            _numbers(data)
            jsonschema.validate(data, schema)

    def test_schema_rejects_unknown_keys(self) -> None:
        data = {"plan": {"title": "x", "issued": "2021-06-18"}, "measures": [], "colour": "red"}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(data, plan_schema())


def _numbers(data: object) -> None:
    """BaseLoader leaves numbers and booleans as text; turn them back for the schema."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value) and key in ("value",):
                data[key] = float(value)
            elif value in ("true", "false") and key in ("unset", "approximate", "fiscal"):
                data[key] = value == "true"
            elif key == "month" and isinstance(value, str):
                data[key] = int(value)
            else:
                _numbers(value)
    elif isinstance(data, list):
        for item in data:
            _numbers(item)


class TestRecurrenceInFiles:
    @pytest.mark.parametrize("phrase", ["毎年度下期", "毎月10日まで", "毎年度4月1日", "毎年度末"])
    def test_a_recurrence_written_as_a_mapping_reads_back_the_same(self, phrase: str) -> None:
        from dataclasses import replace
        from datetime import date

        from dgplan import parse_deadline
        from dgplan.fields import deadline_from_data, deadline_to_data

        deadline = replace(parse_deadline(phrase, reference=date(2021, 6, 18)), text="", span=None)
        data = deadline_to_data(deadline)
        assert isinstance(data, dict)
        assert deadline_from_data(data) == deadline


class TestProblemRecords:
    def test_every_problem_is_a_record_in_file_order(self, tmp_path: Path) -> None:
        from dgplan import Problem

        path = tmp_path / "plan.yaml"
        path.write_text(
            "plan: {title: t, issued: 2021-06-18}\n"
            "sections: [{id: I}]\n"
            "measures:\n"
            "  - {id: '1-1', section: II, title: a, milestones: [{text: x, due: soon}]}\n"
            "  - {id: '1-1', section: I, title: b}\n",
            encoding="utf-8",
        )
        with pytest.raises(PlanError) as caught:
            load_plan(path)
        details = caught.value.details
        assert all(isinstance(detail, Problem) for detail in details)
        assert [(d.line, d.measure, d.field) for d in details] == sorted(
            [(d.line, d.measure, d.field) for d in details], key=lambda t: t[0] or 0
        )
        assert {(d.measure, d.field) for d in details} >= {("1-1", "section"), ("1-1", "milestones[1].due")}
        assert caught.value.problems == tuple(str(d) for d in details)
        assert (caught.value.line, caught.value.measure_id) == (details[0].line, details[0].measure)
        assert str(details[0]).startswith(f"{path}:{details[0].line}:{details[0].column}: measure '1-1': ")


class TestAtomicWriterLeavesTheUmaskAlone:
    """Issue 24: the writer set umask(0) for a moment to read it, and a thread creating a file in
    that moment made it writable by everyone."""

    def test_the_umask_is_never_set(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        def umask(mask: int) -> int:
            raise AssertionError(f"os.umask({mask:#o}) called")

        old = os.umask(0o027)
        try:
            monkeypatch.setattr(os, "umask", umask)
            write_atomic(tmp_path / "new.yaml", "new")
            write_atomic(tmp_path / "new.yaml", "again")
        finally:
            monkeypatch.undo()
            os.umask(old)
        path = tmp_path / "new.yaml"
        assert path.read_text(encoding="utf-8") == "again"
        assert stat.S_IMODE(path.stat().st_mode) == 0o640  # 0666 under the umask 027
        assert [p.name for p in tmp_path.iterdir()] == ["new.yaml"]

    def test_a_replaced_file_keeps_its_mode(self, tmp_path: Path) -> None:
        path = tmp_path / "kept.yaml"
        path.write_text("old", encoding="utf-8")
        path.chmod(0o604)
        write_atomic(path, "new")
        assert stat.S_IMODE(path.stat().st_mode) == 0o604
