"""A griffe extension for the API reference (mkdocs.yml loads it): docstrings as a reader sees them.

dgplan's docstrings are written for Python's ``help()`` and doctest: examples are bare ``>>>``
lines, and names are Sphinx roles (``:func:`parse_date```). Markdown reads ``>>>`` as three
nested blockquotes, with input and output run together on one line, and leaves the roles as
they are. So, for the site only (the docstrings themselves stay as doctest runs them):

- each run of ``>>>`` lines with their output becomes a fenced ``pycon`` code block;
- each role becomes a link to the object where the reference renders it (api.md), or plain code
  where the reference does not show that object.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import griffe

API_PAGE = Path(__file__).resolve().parents[1] / "docs" / "api.md"
ROLE = re.compile(r":(?:py:)?(?:class|func|meth|data|attr|mod|exc|obj|const):`(?P<tilde>[~!]?)(?P<target>[^`]+)`")
FENCE = re.compile(r"^\s*(```|~~~)")


def fence_examples(text: str) -> str:
    """Wrap each doctest run (``>>>`` lines, ``...`` continuations and the output up to the next
    blank line) in a ``pycon`` fence, indented as the run is; fenced blocks are left alone."""
    lines = text.split("\n")
    out: list[str] = []
    in_fence = False
    index = 0
    while index < len(lines):
        line = lines[index]
        if FENCE.match(line):
            in_fence = not in_fence
        if in_fence or not line.lstrip().startswith(">>>"):
            out.append(line)
            index += 1
            continue
        indent = line[: len(line) - len(line.lstrip())]
        run = []
        while index < len(lines) and lines[index].strip():
            run.append(lines[index])
            index += 1
        if out and out[-1].strip():
            out.append("")
        out += [f"{indent}```pycon", *run, f"{indent}```"]
        if index < len(lines) and lines[index].strip():
            out.append("")
    return "\n".join(out)


def rendered_identifiers(package: griffe.Module) -> set[str]:
    """The paths that api.md renders, and so can be linked to: each ``::: module`` with its
    ``members`` (all public members where none are listed), and the public members of those."""
    shown: set[str] = set()
    text = API_PAGE.read_text(encoding="utf-8")
    for match in re.finditer(r"^::: (?P<module>[\w.]+)\n(?P<options>(?:    .*\n)*)", text, flags=re.M):
        module = package.modules_collection[match["module"]]
        listed = re.search(r"members: \[(?P<names>[^\]]*)\]", match["options"])
        if listed is not None:
            names = [name.strip() for name in listed["names"].split(",")]
        else:
            names = list(module.exports) if module.exports is not None else list(module.members)
        shown.add(module.path)
        for name in names:
            if name.startswith("_") or name not in module.members:
                continue
            member = module.members[name]
            shown.add(f"{module.path}.{name}")
            if member.is_class:
                target = member.final_target if member.is_alias else member
                shown.update(f"{module.path}.{name}.{sub}" for sub in target.members if not sub.startswith("_"))
    return shown


class DocExamples(griffe.Extension):
    """Fence the examples and resolve the roles of every docstring in the package."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        shown = rendered_identifiers(pkg)
        for obj in _objects(pkg):
            if obj.docstring is not None:
                text = ROLE.sub(lambda match, obj=obj: _reference(match, obj, pkg, shown), obj.docstring.value)
                obj.docstring.value = fence_examples(text)


def _objects(obj: griffe.Object) -> list[griffe.Object]:
    found = [obj]
    for member in obj.members.values():
        if not member.is_alias:
            found += _objects(member)  # type: ignore[arg-type]
    return found


def _reference(match: re.Match[str], obj: griffe.Object, pkg: griffe.Module, shown: set[str]) -> str:
    target = match["target"].strip()
    label = target.rsplit(".", 1)[-1] if match["tilde"] == "~" else target
    path = _resolve(target, obj, pkg)
    if path is None or path not in shown:
        # dgplan.parse_date and the like: exported lazily at the top, rendered where defined.
        tail = "." + target.removeprefix(f"{pkg.name}.")
        candidates = [known for known in shown if known.endswith(tail)]
        path = candidates[0] if len(candidates) == 1 else None
    if path is not None:
        return f"[`{label}`][{path}]"
    return f"`{label}`"


def _resolve(target: str, obj: griffe.Object, pkg: griffe.Module) -> str | None:
    """Where ``target`` is rendered: a full path, a name in the object's class or module, or a
    name dgplan exports at the top (rendered in the module that defines it)."""
    scopes: list[griffe.Object] = []
    scope: griffe.Object | None = obj
    while scope is not None:
        scopes.append(scope)
        scope = scope.parent
    for base in [*(s for s in scopes if s.is_class or s.is_module), pkg]:
        found = _lookup(base, target)
        if found is not None:
            return found
    if target.startswith(f"{pkg.name}."):
        return _lookup(pkg, target.removeprefix(f"{pkg.name}."))
    return None


def _lookup(base: griffe.Object, dotted: str) -> str | None:
    current: Any = base
    for part in dotted.split("."):
        if part not in current.members:
            return None
        current = current.members[part]
        if current.is_alias:
            try:
                current = current.final_target
            except (griffe.AliasResolutionError, griffe.CyclicAliasError):
                return None
    return str(current.path)
