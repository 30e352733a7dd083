"""Plan files: YAML in, YAML out, progress logs, and errors that say file:line:column.

>>> plan = load_plan()
>>> plan.title, len(plan.measures)
('デジタル社会の実現に向けた重点計画', 149)
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from dgplan.errors import DgplanError, PlanError
from dgplan.fields import _to_date
from dgplan.kpi import KPI, Milestone, Observation, Plan

__all__ = ["BUNDLED_PLAN", "load_plan", "load_progress", "plan_schema", "save_plan", "write_atomic"]

#: The bundled plan: the 2021 Priority Policy Program for Realizing a Digital Society.
BUNDLED_PLAN = "measures.yaml"

_Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class _Located:
    """YAML data with the line and column (1-based) where each value and key starts."""

    data: Any
    marks: dict[_Path, tuple[int, int]]
    duplicates: list[tuple[_Path, int, int]]
    key_marks: dict[_Path, tuple[int, int]]


# libyaml's parser when PyYAML was built with it: the bundled plan loads several times faster.
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _PlanLoader(_SafeBase):  # type: ignore[misc,valid-type]
    """The safe loader, minus implicit timestamps: dates stay text for dgplan's own date parsing,
    which reads era dates too and says what is wrong with an impossible one (2021-02-30)."""


_PlanLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{kind}" for kind in ("map", "seq", "str", "int", "float", "bool", "null"))


def _compose(text: str, name: str) -> _Located:
    loader = _PlanLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark is not None else name
        problem = getattr(error, "problem", None) or str(error)
        raise PlanError(f"{where}: not valid YAML: {problem}", path=name, line=mark and mark.line + 1) from None
    finally:
        loader.dispose()
    marks: dict[_Path, tuple[int, int]] = {}
    key_marks: dict[_Path, tuple[int, int]] = {}
    duplicates: list[tuple[_Path, int, int]] = []

    def build(node: yaml.Node, path: _Path) -> Any:
        marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in _PLAIN_TAGS:
            where = f"{name}:{marks[path][0]}:{marks[path][1]}"
            raise PlanError(f"{where}: unsupported YAML tag {node.tag!r}; plan files hold plain data", path=name)
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = loader.construct_object(key_node, deep=True)
                key_marks[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if key in result:
                    duplicates.append(((*path, key), key_node.start_mark.line + 1, key_node.start_mark.column + 1))
                result[key] = build(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [build(item, (*path, index)) for index, item in enumerate(node.value)]
        return loader.construct_object(node, deep=True)

    data = None if node is None else build(node, ())
    return _Located(data=data, marks=marks, duplicates=duplicates, key_marks=key_marks)


def _where(located: _Located, path: _Path, name: str) -> str:
    for length in range(len(path), -1, -1):
        mark = located.marks.get(path[:length])
        if mark is not None:
            return f"{name}:{mark[0]}:{mark[1]}"
    return name


def _measure_label(data: Any, path: _Path) -> str:
    if len(path) >= 2 and path[0] == "measures" and isinstance(path[1], int) and isinstance(data, dict):
        measures = data.get("measures")
        if isinstance(measures, list) and path[1] < len(measures) and isinstance(measures[path[1]], dict):
            return f"measure {measures[path[1]].get('id', '#' + str(path[1] + 1))!r}: "
    return ""


def _field_name(path: _Path) -> str:
    """('measures', 0, 'milestones', 1, 'due') -> 'milestones[2].due' (items counted from 1)."""
    parts = list(path[2:]) if path[:1] == ("measures",) and len(path) > 1 else list(path)
    text = ""
    for part in parts:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "plan"


def _read_text(path: str | os.PathLike[str]) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise PlanError(f"{os.fspath(path)}: cannot read: {error.strerror}", path=path) from None
    except UnicodeDecodeError:
        raise PlanError(f"{os.fspath(path)}: not UTF-8 text", path=path) from None


def _problems(located: _Located, error: ValidationError, name: str) -> list[str]:
    problems = []
    for detail in error.errors(include_url=False):
        path: _Path = tuple(detail["loc"])
        # pydantic reports a missing field at the mapping that lacks it; quote the input we got.
        message = detail["msg"].removeprefix("Value error, ")
        if detail["type"] == "missing":
            message = f"'{path[-1]}' is required"
            path = path[:-1]
        elif detail["type"] == "extra_forbidden":
            message = f"unknown key {str(path[-1])!r}"
            key_mark = located.key_marks.get(path)
            if key_mark is not None:
                where = f"{name}:{key_mark[0]}:{key_mark[1]}"
                problems.append(f"{where}: {_measure_label(located.data, path)}{_field_name(path)}: {message}")
                continue
        elif "input" in detail and detail["type"] not in ("value_error", "assertion_error"):
            message = f"{message} (got {detail['input']!r})"
        field = _field_name(path)
        problems.append(f"{_where(located, path, name)}: {_measure_label(located.data, path)}{field}: {message}")
    return problems


def parse_plan(text: str, *, name: str = "<plan>") -> Plan:
    """Read a plan from YAML text; ``name`` is used in error messages."""
    located = _compose(text, name)
    data = located.data
    problems = [f"{name}:{line}:{column}: duplicate key {path[-1]!r}" for path, line, column in located.duplicates]
    if not isinstance(data, dict):
        raise PlanError(f"{name}: expected a mapping with 'plan' and 'measures' at the top", path=name)
    problems.extend(_duplicate_ids(located, name))
    reference = None
    info = data.get("plan")
    if isinstance(info, dict):
        try:
            reference = _to_date(info.get("issued"))
        except (DgplanError, ValueError):
            reference = None
    try:
        plan = Plan.model_validate(data, context={"reference": reference, "duplicate_ids_checked": True})
    except ValidationError as error:
        problems.extend(_problems(located, error, name))
        plan = None
    if problems or plan is None:
        problems.sort(key=_position)
        count = len(problems)
        summary = problems[0] if count == 1 else f"{name}: {count} problems:\n  " + "\n  ".join(problems)
        first = problems[0] if problems else name
        line = _line_of(first)
        raise PlanError(summary, path=name, line=line, problems=tuple(problems), measure_id=_measure_of(first))
    return plan


def _position(problem: str) -> tuple[int, int]:
    parts = problem.split(":")
    numbers = [int(part) for part in parts[1:3] if part.isdigit()] + [0, 0]
    return numbers[0], numbers[1]


def _line_of(problem: str) -> int | None:
    parts = problem.split(":")
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else None


def _measure_of(problem: str) -> str | None:
    marker = "measure '"
    if marker not in problem:
        return None
    return problem.split(marker, 1)[1].split("'", 1)[0]


def _duplicate_ids(located: _Located, name: str) -> Iterator[str]:
    measures = located.data.get("measures") if isinstance(located.data, dict) else None
    if not isinstance(measures, list):
        return
    seen: dict[Any, int] = {}
    for index, measure in enumerate(measures):
        if not isinstance(measure, dict) or "id" not in measure:
            continue
        measure_id = measure["id"]
        if measure_id in seen:
            where = _where(located, ("measures", index, "id"), name)
            first = located.marks.get(("measures", seen[measure_id], "id"), (0, 0))[0]
            yield f"{where}: measure {measure_id!r}: duplicate measure id (first at line {first})"
        else:
            seen[measure_id] = index


def load_plan(path: str | os.PathLike[str] | None = None) -> Plan:
    """Load a plan file; with no argument, the bundled 2021 plan.

    Every problem (wrong type, unknown key, a phrase that is not a deadline, a duplicate id, an
    impossible date) is reported at once in one :class:`PlanError`, each as
    ``file:line:column: measure 'id': field: message``.
    """
    if path is None:
        text = resources.files("dgplan").joinpath("data", BUNDLED_PLAN).read_text(encoding="utf-8")
        return parse_plan(text, name=f"dgplan/data/{BUNDLED_PLAN}")
    return parse_plan(_read_text(path), name=os.fspath(path))


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half of one."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        # mkstemp makes the file private; give it the mode the old file had, or the usual one.
        try:
            mode = target.stat().st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temporary, mode)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class _PlanDumper(yaml.SafeDumper):
    """Block style, Japanese unescaped, long texts on one line."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_PlanDumper.add_representer(str, _represent_str)


def dump_plan(plan: Plan) -> str:
    """The plan as YAML text: stable key order, one measure per block, Japanese unescaped."""
    data = plan.to_data()
    return yaml.dump(data, Dumper=_PlanDumper, allow_unicode=True, sort_keys=False, width=10_000)


def save_plan(plan: Plan, path: str | os.PathLike[str]) -> None:
    """Write ``plan`` to ``path`` as YAML, atomically; ``load_plan(path)`` gives it back equal."""
    write_atomic(path, dump_plan(plan))


def plan_schema() -> dict[str, Any]:
    """The JSON Schema of the plan YAML format, for editors (yaml-language-server)."""
    schema = Plan.model_json_schema(by_alias=True)
    schema["title"] = "dgplan plan"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


# ---------------------------------------------------------------------------------------------
# Progress logs

_PROGRESS_COLUMNS = ("id", "date", "value", "done", "note")


def _progress_rows(path: str | os.PathLike[str]) -> Iterable[tuple[int, dict[str, Any]]]:
    name = os.fspath(path)
    text = _read_text(path)
    if name.lower().endswith((".yaml", ".yml")):
        located = _compose(text, name)
        rows = located.data
        if isinstance(rows, dict) and "progress" in rows:
            rows = rows["progress"]
            prefix: _Path = ("progress",)
        else:
            prefix = ()
        if not isinstance(rows, list):
            raise PlanError(f"{name}: expected a list of rows (id, date, value or done, note)", path=name)
        for index, row in enumerate(rows):
            yield located.marks.get((*prefix, index), (0, 0))[0], row
        return
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames is None or "id" not in reader.fieldnames or "date" not in reader.fieldnames:
        raise PlanError(f"{name}:1: expected a header with columns {', '.join(_PROGRESS_COLUMNS)}", path=name, line=1)
    unknown = [column for column in reader.fieldnames if column not in _PROGRESS_COLUMNS]
    if unknown:
        raise PlanError(f"{name}:1: unknown columns {unknown}; expected {', '.join(_PROGRESS_COLUMNS)}", path=name)
    for row in reader:
        yield reader.line_num, {key: value for key, value in row.items() if value not in (None, "")}


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1", "done", "済", "完了"):
        return True
    if text in ("false", "no", "0", ""):
        return False
    raise ValueError(f"'done' must be true or false, not {value!r}")


def _as_number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace(",", "").rstrip("%％")
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"value {value!r} is not a number") from None


def load_progress(path: str | os.PathLike[str], plan: Plan) -> Plan:
    """Merge a progress log (CSV or YAML rows of id, date, value or done, note) into ``plan``.

    A KPI row adds an observation (``value``) or marks the KPI done; a milestone row marks the
    milestone done on ``date``. Unknown ids, duplicate rows and values that do not parse are all
    reported at once in one :class:`PlanError`; on error nothing is merged and ``plan`` is unchanged.
    """
    name = os.fspath(path)
    problems: list[str] = []
    observations: dict[str, list[Observation]] = {}
    kpi_done: dict[str, date] = {}
    milestone_done: dict[str, date] = {}
    seen: dict[tuple[str, date], int] = {}
    kpis = {kpi.id: kpi for measure in plan.measures for kpi in measure.kpis}
    milestones = {m.id: m for measure in plan.measures for m in measure.milestones}
    for line, row in _progress_rows(path):
        where = f"{name}:{line}"
        if not isinstance(row, dict):
            problems.append(f"{where}: expected a row with id, date, value or done, note (got {row!r})")
            continue
        unknown = sorted(set(row) - set(_PROGRESS_COLUMNS))
        item_id = row.get("id")
        if unknown:
            problems.append(f"{where}: {item_id!r}: unknown keys {unknown}")
            continue
        if not isinstance(item_id, str) or (item_id not in kpis and item_id not in milestones):
            problems.append(f"{where}: unknown KPI or milestone id {item_id!r}")
            continue
        try:
            day = _to_date(row.get("date"))
            value = None if row.get("value") is None else _as_number(row["value"])
            done = _as_bool(row.get("done", False))
        except (DgplanError, ValueError) as error:
            problems.append(f"{where}: {item_id!r}: {error}")
            continue
        if (item_id, day) in seen:
            problems.append(f"{where}: {item_id!r}: duplicate row for {day} (first at line {seen[(item_id, day)]})")
            continue
        seen[(item_id, day)] = line
        note = row.get("note")
        if item_id in milestones:
            if value is not None:
                problems.append(f"{where}: {item_id!r}: a milestone takes done, not a value")
            elif not done:
                problems.append(f"{where}: {item_id!r}: a milestone row must say done: true")
            else:
                milestone_done[item_id] = min(day, milestone_done.get(item_id, day))
            continue
        if value is None and not done:
            problems.append(f"{where}: {item_id!r}: a KPI row needs a value or done: true")
            continue
        if value is not None:
            observations.setdefault(item_id, []).append(
                Observation(date=day, value=value, note=None if note is None else str(note))
            )
        if done:
            kpi_done[item_id] = min(day, kpi_done.get(item_id, day))
    if problems:
        summary = (
            problems[0] if len(problems) == 1 else f"{name}: {len(problems)} problems:\n  " + "\n  ".join(problems)
        )
        raise PlanError(summary, path=name, line=_line_of(problems[0]), problems=tuple(problems))
    return _merged(plan, observations, kpi_done, milestone_done)


def _merged(
    plan: Plan, observations: dict[str, list[Observation]], kpi_done: dict[str, date], milestone_done: dict[str, date]
) -> Plan:
    def kpi_update(kpi: KPI) -> KPI:
        if kpi.id not in observations and kpi.id not in kpi_done:
            return kpi
        merged = sorted((*kpi.observations, *observations.get(kpi.id, [])), key=lambda o: o.observed_on)
        done_on = kpi_done.get(kpi.id, kpi.done_on)
        return kpi.model_copy(update={"observations": tuple(merged), "done_on": done_on})

    def milestone_update(milestone: Milestone) -> Milestone:
        if milestone.id not in milestone_done:
            return milestone
        return milestone.model_copy(update={"done_on": milestone_done[milestone.id]})

    measures = tuple(
        measure.model_copy(
            update={
                "kpis": tuple(kpi_update(k) for k in measure.kpis),
                "milestones": tuple(milestone_update(m) for m in measure.milestones),
            }
        )
        for measure in plan.measures
    )
    return plan.model_copy(update={"measures": measures})
