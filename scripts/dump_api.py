"""Write the public API of dgplan, one line per name, to tests/data/public_api.txt.

The file records the API of the last release. tests/test_api.py compares the installed code with
it and fails for each name that appeared, disappeared or changed unless CHANGELOG.md's Unreleased
section mentions that name. At a release, run this script and commit the new listing with the
changelog that moves Unreleased under the version:

    python scripts/dump_api.py            # rewrite tests/data/public_api.txt
    python scripts/dump_api.py --check    # exit 1 if the listing is not the installed API

The listing covers ``dgplan.__all__`` and ``dgplan.pandas.__all__``: every name with its kind and
signature, and the public methods, properties and fields of public classes.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import inspect
import re
import sys
from collections.abc import Iterator
from pathlib import Path

LISTING = Path(__file__).resolve().parents[1] / "tests" / "data" / "public_api.txt"
MODULES = ("dgplan", "dgplan.pandas")
# Protocol methods that are part of how a class is used (plan["1-1"], "1-1" in plan, len, iteration).
PROTOCOL = ("__getitem__", "__contains__", "__len__", "__iter__")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _clean(text: str) -> str:
    """Default values that are functions or plain objects print their address; drop it."""
    return _ADDRESS.sub("", text)


def _signature(obj: object) -> str:
    try:
        return _clean(str(inspect.signature(obj)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "(...)"


def _annotation(cls: type, name: str) -> str:
    """The field's annotation as written in the source (dgplan's modules postpone annotations),
    so the listing does not depend on how pydantic or typing print evaluated types."""
    for klass in cls.__mro__:
        written = vars(klass).get("__annotations__", {})
        if name in written:
            value = written[name]
            return value if isinstance(value, str) else _clean(repr(value))
    return "?"


def _model_signature(cls: type) -> str:
    parts = []
    for name, info in cls.model_fields.items():  # type: ignore[attr-defined]
        part = f"{name}: {_annotation(cls, name)}"
        if info.alias and info.alias != name:
            part += f" (alias {info.alias!r})"
        if not info.is_required():
            default = "<factory>" if info.default_factory is not None else _clean(repr(info.default))
            part += f" = {default}"
        parts.append(part)
    return f"({', '.join(parts)})"


def _is_dgplan(cls: type) -> bool:
    return cls.__module__.split(".")[0] == "dgplan"


def _members(cls: type) -> Iterator[tuple[str, str]]:
    """(name, description) of the public members a dgplan class defines or inherits from dgplan."""
    skip = {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else set()
    skip |= set(getattr(cls, "model_fields", {}))
    seen: set[str] = set()
    for klass in cls.__mro__:
        if not _is_dgplan(klass):
            continue
        for name, value in vars(klass).items():
            public = not name.startswith("_") or name in PROTOCOL
            if not public or name in seen or name in skip or name.startswith("model_"):
                continue
            seen.add(name)
            if isinstance(value, property):
                yield name, "property"
            elif isinstance(value, classmethod):
                yield name, f"classmethod{_signature(getattr(cls, name))}"
            elif isinstance(value, staticmethod):
                yield name, f"staticmethod{_signature(getattr(cls, name))}"
            elif inspect.isfunction(value):
                yield name, f"def{_signature(value)}"
            elif isinstance(cls, enum.EnumMeta) and isinstance(value, cls):
                yield name, f"member {value.value!r}"
            else:
                yield name, f"attribute {type(value).__name__}"


def _private(cls: type) -> bool:
    return any(part.startswith("_") for part in (*cls.__module__.split("."), cls.__name__))


def _public_bases(cls: type) -> list[str]:
    """Base classes by name, a private base replaced by its own bases: renaming a helper base
    class is not an API change, but what the class is (a ValueError, a list) is."""
    names: list[str] = []
    for base in cls.__bases__:
        if base is object:
            continue
        for name in _public_bases(base) if _private(base) and base.__module__ != "builtins" else [base.__name__]:
            if name not in names:
                names.append(name)
    return names


def _describe(obj: object) -> str:
    if isinstance(obj, type):
        bases = ", ".join(_public_bases(obj))
        head = f"class({bases})" if bases else "class"
        if isinstance(obj, enum.EnumMeta):
            return f"{head} enum"
        if hasattr(obj, "model_fields"):
            return f"{head} model{_model_signature(obj)}"
        if not any(_is_dgplan(k) for k in obj.__mro__ if "__init__" in vars(k) or "__new__" in vars(k)):
            return head  # constructed as its builtin base is, whose signature text varies by Python
        return f"{head}{_signature(obj)}"
    if inspect.isfunction(obj):
        return f"def{_signature(obj)}"
    if type(obj).__module__ == "typing":  # a type alias such as Grade = Literal[...]
        return f"alias {_clean(repr(obj))}"
    return f"value {type(obj).__name__}"


def api_lines() -> list[str]:
    """The public API as sorted lines ``name: description``; names are relative to ``dgplan``."""
    lines = []
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        prefix = module_name.removeprefix("dgplan").removeprefix(".")
        prefix = f"{prefix}." if prefix else ""
        for name in module.__all__:
            obj = getattr(module, name)
            lines.append(f"{prefix}{name}: {_describe(obj)}")
            if isinstance(obj, type) and _is_dgplan(obj):
                lines += [f"{prefix}{name}.{member}: {text}" for member, text in _members(obj)]
    # A class, then its members: sort on the dotted name, not on the line's text.
    return sorted(lines, key=lambda line: line.partition(": ")[0].split("."))


def main(argv: list[str]) -> int:
    text = "\n".join(api_lines()) + "\n"
    if "--check" in argv:
        if LISTING.read_text(encoding="utf-8") != text:
            print(f"{LISTING} is not the installed API; run python scripts/dump_api.py", file=sys.stderr)
            return 1
        return 0
    LISTING.write_text(text, encoding="utf-8")
    print(f"wrote {len(text.splitlines())} names to {LISTING}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
