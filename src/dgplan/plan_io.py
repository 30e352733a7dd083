"""Plan files: YAML in, YAML out, progress logs, and errors that say file:line:column.

>>> plan = load_plan()
>>> plan.title, len(plan.measures)
('デジタル社会の実現に向けた重点計画', 149)
"""

from __future__ import annotations

import csv
import errno
import functools
import io
import json
import os
import re
import stat
import typing
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any, NoReturn

import yaml
from pydantic import ValidationError

from dgplan import _bundled
from dgplan._bundled import BUNDLED_PLAN
from dgplan._collector import collector_paused
from dgplan._escape import plan_text
from dgplan._rows import BadRow, RowPlace, as_bool, as_number, row_date, short
from dgplan.errors import DgplanError, PlanError, Problem, did_you_mean, model_message
from dgplan.fields import _to_date
from dgplan.kpi import KPI, Milestone, Observation
from dgplan.plan import Plan
from dgplan.queries import TrackedPlan

__all__ = [
    "BUNDLED_PLAN",
    "RowPlace",
    "is_progress_log",
    "load_plan",
    "load_progress",
    "merge_progress",
    "plan_schema",
    "save_plan",
    "write_atomic",
]


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

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._resolved: dict[str, str] = {}

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        # PyYAML matches every plain scalar against its implicit patterns; a plan repeats the
        # same values (kind: progress, unit: 件), so each distinct one is matched once per load.
        # Plan loaders add no path resolvers, so a node's tag depends on its kind and value only.
        if kind is yaml.ScalarNode and implicit[0]:
            tag = self._resolved.get(value)
            if tag is None:
                tag = self._resolved[value] = super().resolve(kind, value, implicit)
            return tag
        return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]


_PlanLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{kind}" for kind in ("map", "seq", "str", "int", "float", "bool", "null"))


#: How deep a plan file may nest. The deepest path of the format is a handful of levels
#: (measures → kpis → target → baseline → value); the bound keeps recursion far from Python's.
MAX_DEPTH = 64
#: How many values aliases may add beyond the file's own: a few reused fragments are fine,
#: nine levels of nine aliases (387 million values) are not.
MAX_ALIAS_EXPANSION = 100_000


def _compose(text: str, name: str) -> _Located:
    loader = _PlanLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        position = getattr(error, "position", None)  # a reader error: a character YAML forbids
        if mark is not None:
            line, column = mark.line + 1, mark.column + 1
        elif isinstance(position, int):
            line = text.count("\n", 0, position) + 1
            column = position - (text.rfind("\n", 0, position) + 1) + 1
        else:
            line, column = 1, 1
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise PlanError(
            f"{name}:{line}:{column}: not valid YAML: {problem}", path=name, line=line, column=column
        ) from None
    except RecursionError:
        raise PlanError(f"{name}: not valid YAML: nested too deeply", path=name) from None
    finally:
        loader.dispose()
    if node is None:
        return _Located(data=None, marks={}, duplicates=[], key_marks={})
    try:
        return _Builder(loader, name).located(node)
    finally:
        loader.dispose()


class _Builder:
    """Turns composed YAML nodes into plain data, recording where each value and key starts.

    Only plain data is built: the core tags, scalar keys. Every node is built at most
    ``MAX_ALIAS_EXPANSION`` times more than the file holds, and never inside itself.
    """

    def __init__(self, loader: yaml.SafeLoader, name: str) -> None:
        self.loader = loader
        self.name = name
        self.marks: dict[_Path, tuple[int, int]] = {}
        self.key_marks: dict[_Path, tuple[int, int]] = {}
        self.duplicates: list[tuple[_Path, int, int]] = []
        self.built = 0
        self.budget = 0
        self.open: set[int] = set()

    def located(self, node: yaml.Node) -> _Located:
        self.budget = _count_nodes(node) + MAX_ALIAS_EXPANSION
        data = self.build(node, ())
        return _Located(data=data, marks=self.marks, duplicates=self.duplicates, key_marks=self.key_marks)

    def fail(self, node: yaml.Node, message: str) -> NoReturn:
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        raise PlanError(f"{self.name}:{line}:{column}: {message}", path=self.name, line=line, column=column)

    def scalar(self, node: yaml.Node) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except Exception as error:
            # PyYAML's constructors fail in many ways on odd scalars (an empty `!!int` is an
            # IndexError, 5000 digits Python's int limit): each is this scalar's problem.
            problem = getattr(error, "problem", None) or str(error).splitlines()[0].split("; use sys.")[0]
            self.fail(node, f"cannot read {node.value[:40]!r} as {node.tag.rsplit(':', 1)[-1]}: {problem or error!r}")

    def build(self, node: yaml.Node, path: _Path) -> Any:
        self.built += 1
        if self.built > self.budget:
            self.fail(node, f"aliases to the value here expand beyond {MAX_ALIAS_EXPANSION:,} values; refusing")
        if len(path) > MAX_DEPTH:
            self.fail(node, f"nested more than {MAX_DEPTH} levels deep")
        self.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in _PLAIN_TAGS:
            self.fail(node, f"unsupported YAML tag {node.tag!r}; plan files hold plain data")
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if id(node) in self.open:
            self.fail(node, "an alias refers to a value that contains it (a recursive alias)")
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def mapping(self, node: yaml.MappingNode, path: _Path) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.fail(key_node, "merge keys (<<) are not supported in plan files; write the keys out")
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, "a key must be plain text, not a list or a mapping (a complex key '? ...')")
            if key_node.tag not in _PLAIN_TAGS:
                self.fail(key_node, f"unsupported YAML tag {key_node.tag!r} on a key; plan files hold plain data")
            key = self.scalar(key_node)
            key_path = (*path, key)
            self.key_marks[key_path] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in result:
                self.duplicates.append((key_path, key_node.start_mark.line + 1, key_node.start_mark.column + 1))
            result[key] = self.build(value_node, key_path)
        return result


def _count_nodes(root: yaml.Node) -> int:
    """The distinct nodes of a document: what the file holds before aliases repeat any of it."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
    return len(seen)


class _NeedsPositions(Exception):
    """The fast reader met something only the located reader handles (or reports) properly."""


_NEEDS_POSITIONS: Any = _NeedsPositions
_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


def _plain_data(text: str) -> Any:
    """The YAML document as plain data, fast: libyaml composes, a lean walk builds, no positions.

    Returns ``_NEEDS_POSITIONS`` for anything the located reader (:func:`_compose`) must handle or
    report: invalid YAML, aliases (it bounds their expansion), tags other than the core ones,
    merge keys, complex or duplicate keys, nesting deeper than ``MAX_DEPTH``, scalars that do not
    construct. For every other document the data equals ``_compose(text).data``.
    """
    loader = _PlanLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return _NEEDS_POSITIONS
        # Without an "&" there is no anchor, so no alias: no node to watch for a second visit.
        return _plain(node, loader, 0, set() if "&" in text else None)
    except (yaml.YAMLError, RecursionError, _NeedsPositions):
        return _NEEDS_POSITIONS
    finally:
        loader.dispose()


def _plain(node: yaml.Node, loader: yaml.SafeLoader, depth: int, seen: set[int] | None) -> Any:
    if depth > MAX_DEPTH:
        raise _NeedsPositions
    if seen is not None:
        if id(node) in seen:  # an alias
            raise _NeedsPositions
        seen.add(id(node))
    tag = node.tag
    kind = type(node)
    if kind is yaml.ScalarNode:
        if tag == _STR_TAG:
            return node.value
        if tag not in _PLAIN_TAGS:
            raise _NeedsPositions
        try:
            return loader.construct_object(node, deep=True)
        except Exception:
            raise _NeedsPositions from None
    depth += 1
    if kind is yaml.MappingNode and tag == _MAP_TAG:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode or key_node.tag not in _PLAIN_TAGS:
                raise _NeedsPositions
            key = _plain(key_node, loader, depth, seen)
            if key in result:
                raise _NeedsPositions
            result[key] = _plain(value_node, loader, depth, seen)
        return result
    if kind is yaml.SequenceNode and tag == _SEQ_TAG:
        return [_plain(item, loader, depth, seen) for item in node.value]
    raise _NeedsPositions


def _mark(located: _Located, path: _Path) -> tuple[int | None, int | None]:
    """The line and column of the node at ``path``, or of the nearest enclosing one."""
    for length in range(len(path), -1, -1):
        mark = located.marks.get(path[:length])
        if mark is not None:
            return mark[0], mark[1]
    return None, None


def _measure_label(data: Any, path: _Path) -> str | None:
    if len(path) >= 2 and path[0] == "measures" and isinstance(path[1], int) and isinstance(data, dict):
        measures = data.get("measures")
        if isinstance(measures, list) and path[1] < len(measures) and isinstance(measures[path[1]], dict):
            return str(measures[path[1]].get("id", "#" + str(path[1] + 1)))
    return None


def _problem(located: _Located, name: str, path: _Path, message: str, *, at: _Path | None = None) -> Problem:
    """A problem of the value at ``path``, placed at ``at`` (default: the value itself)."""
    line, column = _mark(located, path if at is None else at)
    return Problem(name, message, line, column, _measure_label(located.data, path), _field_name(path))


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


@functools.cache
def _known_keys() -> frozenset[str]:
    """Every key the plan format knows (field names and their aliases, at any depth): what an
    unknown key is compared with, to suggest the one meant."""
    from pydantic import BaseModel

    keys: set[str] = set()
    pending: list[type[BaseModel]] = [Plan]
    seen: set[type[BaseModel]] = set()
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            keys.add(name)
            if field.alias:
                keys.add(field.alias)
            for argument in _type_arguments(field.annotation):
                if isinstance(argument, type) and issubclass(argument, BaseModel):
                    pending.append(argument)
    return frozenset(keys)


def _type_arguments(annotation: Any) -> Iterator[Any]:
    """``annotation`` and every type inside it (``tuple[Measure, ...]``, ``Target | None``)."""
    yield annotation
    for argument in typing.get_args(annotation):
        yield from _type_arguments(argument)


def _problems(located: _Located, error: ValidationError, name: str) -> list[Problem]:
    problems = []
    for detail in error.errors(include_url=False):
        path: _Path = tuple(detail["loc"])
        # pydantic reports a missing field at the mapping that lacks it; quote the input we got.
        message = model_message(detail["type"], detail["msg"])
        # In a plan file the reference date of relative phrases (来年度) is the plan's own date.
        message = message.replace("pass reference=", "the plan's 'issued' date must be valid to resolve it")
        if detail["type"] == "missing":
            message = f"'{path[-1]}' is required"
            path = path[:-1]
        elif detail["type"] == "extra_forbidden":
            message = f"unknown key {str(path[-1])!r}{did_you_mean(str(path[-1]), _known_keys())}"
            key_mark = located.key_marks.get(path)
            if key_mark is not None:
                line, column = key_mark
                label = _measure_label(located.data, path)
                problems.append(Problem(name, message, line, column, label, _field_name(path)))
                continue
        elif "input" in detail and detail["type"] not in ("value_error", "assertion_error"):
            message = f"{message} (got {short(detail['input'])})"
        problems.append(_problem(located, name, path, message))
    return problems


# Loading allocates millions of objects that all stay alive (YAML nodes, then the models) and makes
# no cycles; with the collector on, a 20,000-measure plan took four times as long to load.
def _collector_paused() -> AbstractContextManager[None]:
    return collector_paused(settle=True)


def parse_plan(text: str, *, name: str = "<plan>") -> Plan:
    """Read a plan from YAML text; ``name`` is used in error messages.

    >>> import dgplan
    >>> plan = dgplan.parse_plan('''
    ... plan: {title: 例, issued: 2021-06-18}
    ... measures:
    ...   - id: "1-1"
    ...     section: I
    ...     title: 窓口の電子化
    ...     milestones:
    ...       - {text: 標準仕様の策定, due: 令和3年度末まで}
    ...     kpis:
    ...       - kind: progress
    ...         text: 電子化した市区町村数
    ...         target: {value: 1741, unit: 市区町村, by: 令和4年度末}
    ...         observations: [{date: 2022-03-31, value: 600}]
    ... ''')
    >>> plan.info.title, [measure.id for measure in plan.measures]
    ('例', ['1-1'])
    """
    with _collector_paused():
        data = _plain_data(text)
        if data is not _NEEDS_POSITIONS:
            plan = _valid_plan(data)
            if plan is not None:
                return plan
        # Something is wrong (or the file uses aliases, whose expansion the located loader
        # bounds): read it again, keeping the line and column of every value, to say where.
        return _located_plan(_compose(text, name), name)


def _parse_json(text: str, name: str) -> Plan:
    """Read a plan from JSON text (the same schema as the YAML format)."""
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(items)
        if len(result) < len(items):  # a key given twice: json.loads would keep the last silently
            seen: set[str] = set()
            for key, _ in items:
                if key in seen:
                    duplicates.append(key)
                seen.add(key)
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as error:
        raise PlanError(
            f"{name}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}",
            path=name,
            line=error.lineno,
            column=error.colno,
        ) from None
    except RecursionError:
        raise PlanError(f"{name}: not valid JSON: nested too deeply", path=name) from None
    if not duplicates:
        plan = _valid_plan(data)
        if plan is not None:
            return plan
    # JSON is YAML (nearly always): the located YAML loader says where each value is.
    try:
        located = _compose(text, name)
    except PlanError:
        _refuse_lone_surrogate(text, name)
        located = _Located(data=data, marks={}, duplicates=[], key_marks={})
    if duplicates and not located.duplicates:
        raise PlanError(f"{name}: duplicate key {duplicates[0]!r}", path=name)
    return _located_plan(_Located(data, located.marks, located.duplicates, located.key_marks), name)


_SURROGATE_ESCAPE = re.compile(r"(\\+)u([dD][89a-fA-F][0-9a-fA-F]{2})")


def _refuse_lone_surrogate(text: str, name: str) -> None:
    """Refuse, at its line and column, a JSON escape of half a surrogate pair (``"\\ud800"``):
    json reads it into a string that no writer can encode, and YAML, which would say where each
    value is, cannot read the file at all."""
    lone: int | None = None
    high_end = -1
    for match in _SURROGATE_ESCAPE.finditer(text):
        if len(match.group(1)) % 2 == 0:  # an escaped backslash, then a plain "u"
            continue
        start = match.end(1) - 1
        if int(match.group(2), 16) < 0xDC00:
            if lone is not None:
                break
            lone, high_end = start, match.end()
        elif lone is not None and start == high_end:
            lone = None
        else:
            lone = start
            break
    if lone is None:
        return
    line = text.count("\n", 0, lone) + 1
    column = lone - (text.rfind("\n", 0, lone) + 1) + 1
    escape = text[lone : lone + 6]
    raise PlanError(
        f"{name}:{line}:{column}: {escape!r} is half of a surrogate pair: plan text may hold no lone surrogate",
        path=name,
        line=line,
        column=column,
        text=escape,
    )


def _validation_context(data: dict[str, Any]) -> dict[str, Any]:
    reference = None
    info = data.get("plan")
    if isinstance(info, dict):
        try:
            reference = _to_date(info.get("issued"))
        except (DgplanError, ValueError):
            reference = None
    return {"reference": reference, "duplicate_ids_checked": True, "sections_checked": True}


def _valid_plan(data: Any) -> Plan | None:
    """The plan, when ``data`` holds one without any problem; else None (the caller says where)."""
    if not isinstance(data, dict):
        return None
    unlocated = _Located(data=data, marks={}, duplicates=[], key_marks={})
    if any(_duplicate_ids(unlocated, "")) or any(_unlisted_sections(unlocated, "")):
        return None
    try:
        return Plan.model_validate(data, context=_validation_context(data))
    except ValidationError:
        return None


def _located_plan(located: _Located, name: str) -> Plan:
    """Validate ``located.data`` and raise one :class:`PlanError` listing every problem, each at its
    line and column."""
    data = located.data
    problems = [Problem(name, f"duplicate key {path[-1]!r}", line, column) for path, line, column in located.duplicates]
    if not isinstance(data, dict):
        raise PlanError(f"{name}: expected a mapping with 'plan' and 'measures' at the top", path=name)
    problems.extend(_duplicate_ids(located, name))
    problems.extend(_unlisted_sections(located, name))
    try:
        plan = Plan.model_validate(data, context=_validation_context(data))
    except ValidationError as error:
        problems.extend(_problems(located, error, name))
        plan = None
    if problems or plan is None:
        raise PlanError.from_problems(name, problems or [Problem(name, "the plan does not validate")])
    return plan


def _duplicate_ids(located: _Located, name: str) -> Iterator[Problem]:
    measures = located.data.get("measures") if isinstance(located.data, dict) else None
    if not isinstance(measures, list):
        return
    seen: dict[Any, int] = {}
    for index, measure in enumerate(measures):
        if not isinstance(measure, dict) or "id" not in measure:
            continue
        measure_id = measure["id"]
        if measure_id in seen:
            first = located.marks.get(("measures", seen[measure_id], "id"), (0, 0))[0]
            line, column = _mark(located, ("measures", index, "id"))
            yield Problem(name, f"duplicate measure id (first at line {first})", line, column, str(measure_id))
        else:
            seen[measure_id] = index


def _unlisted_sections(located: _Located, name: str) -> Iterator[Problem]:
    """Each measure naming a section the plan does not list, at the line of its ``section``;
    found here, beside every other problem, rather than by the model once all else is valid."""
    data = located.data if isinstance(located.data, dict) else {}
    sections, measures = data.get("sections"), data.get("measures")
    if not isinstance(sections, list) or not sections or not isinstance(measures, list):
        return
    known = {str(s.get("id")) for s in sections if isinstance(s, dict)}
    for index, measure in enumerate(measures):
        if isinstance(measure, dict) and isinstance(measure.get("section"), str) and measure["section"] not in known:
            message = f"{measure['section']!r} is not listed under 'sections' ({', '.join(sorted(known))})"
            yield _problem(located, name, ("measures", index, "section"), message)


def load_plan(
    path: str | os.PathLike[str] | None = None,
    *,
    sheet: str | None = None,
    columns: dict[str, str] | None = None,
    title: str | None = None,
    issued: date | str | None = None,
    source: str | None = None,
    encoding: str | None = None,
) -> Plan:
    """Load a plan file, YAML or (when its name ends in ``.json``) JSON of the same schema; with no
    argument, the bundled 2021 plan.

    Every problem (wrong type, unknown key, a phrase that is not a deadline, a duplicate id, an
    impossible date) is reported at once in one :class:`PlanError`, each as
    ``file:line:column: measure 'id': field: message``.

    A spreadsheet (``.xlsx``, ``.xlsm``, ``.csv``: a 工程表 with a row per measure or milestone) is
    read by :func:`dgplan.sheets.read_plan_sheet`, with the other arguments as its options
    (docs/spreadsheets.md); they mean nothing for YAML, and passing one with a YAML file is an error.

    >>> import dgplan
    >>> plan = dgplan.load_plan()  # the bundled plan; load_plan("my-plan.yaml") reads a file
    >>> plan.info.issued, len(plan.measures) > 100
    (datetime.date(2021, 6, 18), True)
    """
    if path is not None:
        # Spreadsheets are read by dgplan.sheets, imported here (it imports this module): openpyxl
        # and the sheet reader load only when a plan is a file, and are read only for a spreadsheet.
        from dgplan.sheets import is_sheet, read_plan_sheet

        if is_sheet(path):
            return read_plan_sheet(
                path, sheet=sheet, columns=columns, title=title, issued=issued, source=source, encoding=encoding
            )
    options = {"sheet": sheet, "columns": columns, "title": title, "issued": issued, "source": source}
    given = sorted(key for key, value in {**options, "encoding": encoding}.items() if value is not None)
    if given:
        raise TypeError(f"load_plan: {', '.join(given)} apply to spreadsheets (.xlsx, .csv) only")
    if path is None:
        return _bundled_plan()
    name = os.fspath(path)
    if name.lower().endswith(".json"):
        with _collector_paused():
            return _parse_json(_read_text(path), name)
    return parse_plan(_read_text(path), name=name)


# ---------------------------------------------------------------------------------------------
# The bundled plan, validated once per version of its file and cached (dgplan._bundled says how):
# an entry holds the plan's TrackedPlan, which `dgplan due` reads without the models, and the
# Plan's own data, read back here into the models it was validated as.


def _cache_directory() -> Path | None:
    directory = _bundled.cache_directory()
    return None if directory is None else Path(directory)


def _bundled_text() -> str:
    return _bundled.bundled_text()


def _plan_classes() -> tuple[type, ...]:
    """What a cached plan is made of: the models and the values of their fields."""
    from dgplan.kpi import KPI, Baseline, Citation, Measure, Milestone, Observation, PlanInfo, Section, Target

    return (Plan, PlanInfo, Section, Measure, Milestone, KPI, Target, Baseline, Observation, Citation)


def _bundled_plan() -> Plan:
    from dgplan._cache import CacheFormatError, Codec

    text = _bundled_text()
    entry = _bundled.read(text)
    if entry is not None:
        try:
            plan = Codec([*_plan_classes(), *_bundled.tracked_codec().classes]).loads(entry[1])
        except (CacheFormatError, RecursionError):  # a damaged plan line: a miss
            plan = None
        if isinstance(plan, Plan):
            return plan
    plan = parse_plan(text, name=f"dgplan/data/{BUNDLED_PLAN}")
    _bundled.write(text, TrackedPlan.of(plan), plan, _plan_classes())
    return plan


def write_atomic(path: str | os.PathLike[str], text: str | bytes) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half of one.

    Text is written as UTF-8 with ``\n`` line ends; bytes (a workbook) as they are.

    A symlink is followed: its target is replaced and the link stays. A device or a pipe
    (``/dev/null``, ``/dev/stdout``) is written to directly, since renaming a file over it would
    replace it. A read-only file is refused even for root, who would otherwise overwrite it.
    Errors name ``path``, never the temporary file, and leave no temporary file behind.
    """
    name = os.fspath(path)
    try:
        status = os.stat(path)  # follows symlinks
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise _named(error, name) from None
    if status is not None and not stat.S_ISREG(status.st_mode):
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", name)
        try:
            with _opened(path, text) as stream:
                stream.write(text)
        except OSError as error:
            raise _named(error, name) from None
        return
    if status is not None and (not status.st_mode & 0o222 or not os.access(path, os.W_OK)):
        raise PermissionError(errno.EACCES, "is read-only; not replacing it", name)
    target = Path(os.path.realpath(path))
    try:
        _replace(target, text, None if status is None else stat.S_IMODE(status.st_mode))
    except OSError as error:
        raise _named(error, name) from None


def _named(error: OSError, name: str) -> OSError:
    """The same kind of error, naming the file the user asked for."""
    return type(error)(error.errno, error.strerror or str(error), name)


def _opened(target: str | os.PathLike[str] | int, text: str | bytes) -> IO[Any]:
    if isinstance(text, bytes):
        return open(target, "wb")
    return open(target, "w", encoding="utf-8", newline="\n")


def _replace(target: Path, text: str | bytes, mode: int | None) -> None:
    handle, temporary = _temporary_beside(target)
    try:
        if mode is not None:  # the replaced file's mode; a new file keeps what the umask gave
            os.chmod(temporary, mode)
        with _opened(handle, text) as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _temporary_beside(target: Path) -> tuple[int, str]:
    """A new file next to ``target``, created with mode 0666 so that the kernel applies the umask.

    mkstemp makes a private file, and reading the umask means setting it (``os.umask``), which for
    a moment changes it for every thread of the process; creating the file with the mode a new
    file would have needs neither.
    """
    import secrets

    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        temporary = str(target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary name beside it", str(target))


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
    """Write ``plan`` to ``path`` as YAML, atomically; ``load_plan(path)`` gives it back equal.

    >>> import pathlib, tempfile
    >>> import dgplan
    >>> plan = dgplan.load_plan()
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "plan.yaml"
    >>> dgplan.save_plan(plan, path)
    >>> dgplan.load_plan(path) == plan
    True
    """
    write_atomic(path, dump_plan(plan))


def plan_schema() -> dict[str, Any]:
    """The JSON Schema of the plan YAML format, for editors (yaml-language-server).

    >>> import dgplan
    >>> schema = dgplan.plan_schema()
    >>> sorted(schema["properties"])
    ['measures', 'plan', 'sections']
    """
    schema = Plan.model_json_schema(by_alias=True)
    schema["title"] = "dgplan plan"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


# ---------------------------------------------------------------------------------------------
# Progress logs

_PROGRESS_COLUMNS = ("id", "date", "value", "done", "note")


def _progress_rows(path: str | os.PathLike[str]) -> Iterable[tuple[int, Any]]:
    name = os.fspath(path)
    text = _read_text(path)
    if name.lower().endswith((".yaml", ".yml")):
        located = _compose(text, name)
        if located.duplicates:
            path_, line, column = located.duplicates[0]
            raise PlanError(f"{name}:{line}:{column}: duplicate key {path_[-1]!r}", path=name, line=line)
        rows = located.data
        if isinstance(rows, dict) and "progress" in rows:
            rows = rows["progress"]
            prefix: _Path = ("progress",)
        else:
            prefix = ()
        if not isinstance(rows, list):
            line = located.marks.get(prefix, (1, 1))[0]
            raise PlanError(
                f"{name}:{line}: expected a list of rows (id, date, value or done, note)", path=name, line=line
            )
        for index, row in enumerate(rows):
            yield located.marks.get((*prefix, index), (0, 0))[0], row
        return
    yield from _csv_rows(text.lstrip("\ufeff"), name)


def _csv_rows(text: str, name: str) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    """CSV rows with the line each starts on. Strict quoting: a quote left open would otherwise
    swallow every row after it into one field without a word."""
    reader = csv.reader(io.StringIO(text), strict=True)
    rows = iter(reader)
    try:
        header = next(rows, None)
    except csv.Error as error:
        raise PlanError(f"{name}:1: header: {error}", path=name, line=1) from None
    if header is None or "id" not in header or "date" not in header:
        raise PlanError(f"{name}:1: expected a header with columns {', '.join(_PROGRESS_COLUMNS)}", path=name, line=1)
    unknown = [column for column in header if column not in _PROGRESS_COLUMNS]
    if unknown:
        raise PlanError(
            f"{name}:1: unknown columns {unknown}; expected {', '.join(_PROGRESS_COLUMNS)}", path=name, line=1
        )
    repeated = sorted({column for column in header if header.count(column) > 1})
    if repeated:
        raise PlanError(f"{name}:1: column {repeated[0]!r} appears more than once in the header", path=name, line=1)
    while True:
        start = reader.line_num + 1
        try:
            fields = next(rows, None)
        except csv.Error as error:
            if reader.line_num > start or "end of data" in str(error):
                message = "a quoted field opened on this line is never closed (unterminated quote)"
            else:
                message = f"not valid CSV: {error}"
            raise PlanError(f"{name}:{start}: {message}", path=name, line=start) from None
        if fields is None:
            return
        if not any(field.strip() for field in fields):
            continue
        if len(fields) > len(header):
            extra = fields[len(header) :]
            yield start, BadRow(f"{len(fields)} fields but the header has {len(header)}: extra {extra!r}")
            continue
        yield start, {key: value for key, value in zip(header, fields, strict=False) if value != ""}


def is_progress_log(path: str | os.PathLike[str]) -> bool:
    """Whether a file is a progress log rather than a plan: CSV (unless it is a 工程表 naming
    施策番号 and no ID column), or YAML that is a list of rows (or a mapping holding only
    ``progress``). A file that cannot be read is neither: False."""
    name = os.fspath(path)
    if name.lower().endswith(".csv"):
        from dgplan.sheets import is_plan_csv

        return not is_plan_csv(path)
    try:
        data = _compose(_read_text(path), name).data
    except DgplanError:
        return False
    return isinstance(data, list) or (isinstance(data, dict) and set(data) == {"progress"})


def load_progress(
    path: str | os.PathLike[str],
    plan: Plan,
    *,
    sheet: str | None = None,
    columns: dict[str, str] | None = None,
    encoding: str | None = None,
) -> Plan:
    """Merge a progress log (CSV or YAML rows of id, date, value or done, note) into ``plan``.

    A KPI row adds an observation (``value``) or marks the KPI done; a milestone row marks the
    milestone done on ``date``. Unknown ids, duplicate rows and values that do not parse are all
    reported at once in one :class:`PlanError`; on error nothing is merged and ``plan`` is unchanged.

    A workbook (``.xlsx``) or a CSV file with spreadsheet headers (``ID``, ``時点``, ``実績値``, ...)
    is read by :func:`dgplan.sheets.progress_rows`; ``sheet``, ``columns`` and ``encoding`` are its
    options (docs/spreadsheets.md).

    >>> import pathlib, tempfile
    >>> import dgplan
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "progress.csv"
    >>> _ = log.write_text("id,date,value,done,note\\n1-1/m2,2022-03-25,,true,改修完了\\n", encoding="utf-8")
    >>> plan = dgplan.load_progress(log, dgplan.load_plan())
    >>> plan.measures[0].milestones[1].done_on
    datetime.date(2022, 3, 25)
    """
    name = os.fspath(path)
    from dgplan.sheets import is_progress_sheet, progress_rows  # see load_plan

    rows: Iterable[tuple[RowPlace, Any]]
    if is_progress_sheet(path, sheet=sheet, columns=columns, encoding=encoding):
        rows = progress_rows(path, sheet=sheet, columns=columns, encoding=encoding)
    elif sheet is not None or columns is not None or encoding is not None:
        raise TypeError("load_progress: sheet, columns and encoding apply to spreadsheets (.xlsx, .csv) only")
    else:
        rows = ((RowPlace(f"{name}:{line}", line, f"line {line}"), row) for line, row in _progress_rows(path))
    return merge_progress(rows, plan, name=name)


def merge_progress(rows: Iterable[tuple[RowPlace, Any]], plan: Plan, *, name: str) -> Plan:
    """Merge progress rows (each with its place) into ``plan``, or raise one :class:`PlanError`
    listing every problem; see :func:`load_progress`."""
    problems: list[str] = []
    observations: dict[str, list[Observation]] = {}
    kpi_done: dict[str, date] = {}
    milestone_done: dict[str, list[date]] = {}
    seen: dict[tuple[str, date], str] = {}
    recorded_by_kpi: dict[str, dict[date, float]] = {}
    kpis = {kpi.id: kpi for measure in plan.measures for kpi in measure.kpis}
    milestones = {m.id: m for measure in plan.measures for m in measure.milestones}
    last_line: int | None = None
    first_line: int | None = None  # the line (or sheet row) of the first problem
    for place, row in rows:
        if first_line is None and problems:
            first_line = last_line
        last_line, where = place.line, place.label
        if isinstance(row, BadRow):
            problems.append(f"{where}: {row}")
            continue
        if not isinstance(row, dict):
            problems.append(f"{where}: expected a row with id, date, value or done, note (got {row!r})")
            continue
        unknown = sorted(map(str, set(row) - set(_PROGRESS_COLUMNS)))
        item_id = row.get("id")
        if unknown:
            problems.append(f"{where}: {item_id!r}: unknown keys {unknown}")
            continue
        if not isinstance(item_id, str) or (item_id not in kpis and item_id not in milestones):
            problems.append(f"{place.at('id')}: unknown KPI or milestone id {item_id!r}")
            continue
        try:
            day = row_date(row.get("date"))
            value = None if row.get("value") is None else as_number(row["value"])
            done = as_bool(row.get("done", False))
            note = row.get("note")
            if note is not None and not isinstance(note, str | int | float):
                raise ValueError(f"'note' must be text, not {short(note)}")
            if isinstance(note, str):
                note = plan_text(note)  # what a plan's text may hold, said here at the row's place
        except (DgplanError, ValueError) as error:
            problems.append(f"{where}: {item_id!r}: {error}")
            continue
        if (item_id, day) in seen:
            problems.append(f"{where}: {item_id!r}: duplicate row for {day} (first at {seen[(item_id, day)]})")
            continue
        seen[(item_id, day)] = place.first
        if item_id in milestones:
            if value is not None:
                problems.append(f"{where}: {item_id!r}: a milestone takes done, not a value")
            elif not done:
                problems.append(f"{where}: {item_id!r}: a milestone row must say done: true")
            else:
                milestone_done.setdefault(item_id, []).append(day)
            continue
        if value is None and not done:
            problems.append(f"{where}: {item_id!r}: a KPI row needs a value or done: true")
            continue
        if item_id not in recorded_by_kpi:
            recorded_by_kpi[item_id] = {o.observed_on: o.value for o in kpis[item_id].observations}
        recorded = recorded_by_kpi[item_id]
        if value is not None and day in recorded:
            # The plan file already holds this observation: the same value again is no news,
            # a different one is a contradiction someone has to settle.
            if recorded[day] != value:
                problems.append(
                    f"{where}: {item_id!r}: value {value:g} on {day} contradicts the plan's observation"
                    f" of {recorded[day]:g} on that day"
                )
                continue
        elif value is not None:
            observations.setdefault(item_id, []).append(
                Observation(date=day, value=value, note=None if note is None else str(note))
            )
        if done:
            kpi_done[item_id] = min(day, kpi_done.get(item_id, day))
    if problems:
        summary = (
            problems[0] if len(problems) == 1 else f"{name}: {len(problems)} problems:\n  " + "\n  ".join(problems)
        )
        line = first_line if first_line is not None else last_line
        raise PlanError(summary, path=name, line=line, problems=tuple(problems))
    return _merged(plan, observations, kpi_done, milestone_done)


def _merged(
    plan: Plan,
    observations: dict[str, list[Observation]],
    kpi_done: dict[str, date],
    milestone_done: dict[str, list[date]],
) -> Plan:
    def kpi_update(kpi: KPI) -> KPI:
        if kpi.id not in observations and kpi.id not in kpi_done:
            return kpi
        merged = sorted((*kpi.observations, *observations.get(kpi.id, [])), key=lambda o: o.observed_on)
        done_on = min((d for d in (kpi.done_on, kpi_done.get(kpi.id)) if d is not None), default=None)
        return kpi.model_copy(update={"observations": tuple(merged), "done_on": done_on})

    def milestone_update(milestone: Milestone) -> Milestone:
        if milestone.id not in milestone_done:
            return milestone
        # Every day it was marked done: the first is done_on, the others complete later occurrences
        # of a recurring milestone (one completion never stands for another occurrence).
        days = sorted({*milestone_done[milestone.id], *milestone.completions, *filter(None, [milestone.done_on])})
        return milestone.model_copy(update={"done_on": days[0], "completions": tuple(days[1:])})

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
