"""Frozen records as JSON and back, for the bundled plan's cache: data only, never code.

A cache file that anyone could plant must not be able to run anything when read (pickle runs
whatever a file names). So values are written as JSON, each record tagged with its class's name,
and read back by constructing only the classes the reader allows, by name, from their own fields:
a file can choose which of those classes to build and with what plain values, nothing more.

The fields come from the classes themselves (:func:`dataclasses.fields`, a pydantic model's
``model_fields``), so a field added to a record needs no change here. JSON's own types stand for
themselves; the others are tagged objects whose one key starts with ``$``: ``{"$d": "2021-04-01"}``
(a date), ``{"$t": [...]}`` (a tuple), ``{"$m": [[key, value], ...]}`` (a dict, whose keys may be
any text), ``{"$": "Deadline", "kind": ...}`` (a record, by its fields; a model adds ``"$set"``, the
fields its data gave), ``{"$e": "DeadlineKind",
"v": "by"}`` (an enum member). A list reads back as a list. Anything else is a
:class:`CacheFormatError`: the caller treats the entry as missing.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

__all__ = ["CacheFormatError", "Codec"]


class CacheFormatError(Exception):
    """A cache entry that does not read back: a miss, never shown to users."""


class Codec:
    """Writes and reads values of the classes given (frozen dataclasses, pydantic models, enums)."""

    def __init__(self, classes: Iterable[type]) -> None:
        self._classes: dict[str, type] = {}
        for cls in classes:
            name = cls.__qualname__
            if self._classes.setdefault(name, cls) is not cls:
                raise ValueError(f"two classes named {name!r}")
        self._builders: dict[str, Callable[[dict[str, Any]], Any]] = {}

    @property
    def classes(self) -> tuple[type, ...]:
        """The classes this codec writes and reads."""
        return tuple(self._classes.values())

    # -- writing ---------------------------------------------------------------------------

    def dumps(self, value: Any) -> bytes:
        """``value`` as JSON in UTF-8, one line; a lone surrogate in a text is kept (``surrogatepass``),
        as :meth:`loads` reads it back. (UTF-8 reads back faster than ASCII with ``\\u`` escapes.)"""
        return json.dumps(self._plain(value), separators=(",", ":"), ensure_ascii=False).encode(
            "utf-8", "surrogatepass"
        )

    def _plain(self, value: Any) -> Any:
        if isinstance(value, enum.Enum):  # before str and int: a StrEnum is both
            return {"$e": self._name(type(value)), "v": self._plain(value.value)}
        if value is None or type(value) in (bool, str, int, float):
            return value
        if type(value) is date:
            return {"$d": value.isoformat()}
        if isinstance(value, tuple):
            return {"$t": [self._plain(item) for item in value]}
        if isinstance(value, list):
            return [self._plain(item) for item in value]
        if isinstance(value, dict):
            return {"$m": [[self._plain(k), self._plain(v)] for k, v in value.items()]}
        cls = type(value)
        record: dict[str, Any] = {"$": self._name(cls)}
        for name in _field_names(cls):
            record[name] = self._plain(getattr(value, name))
        fields_set = getattr(value, "model_fields_set", None)
        if fields_set is not None:  # a model: which fields its data gave (exclude_unset reads it)
            record["$set"] = sorted(fields_set)
        return record

    def _name(self, cls: type) -> str:
        name = cls.__qualname__
        if self._classes.get(name) is not cls:
            raise TypeError(f"{name} is not among the cache's classes")
        return name

    # -- reading ---------------------------------------------------------------------------

    def loads(self, data: bytes) -> Any:
        """The value written by :meth:`dumps`; :class:`CacheFormatError` for anything else."""
        try:
            return json.loads(data.decode("utf-8", "surrogatepass"), object_hook=self._object)
        except CacheFormatError:
            raise
        except Exception as error:  # not JSON, a field a class does not take, a bad date, ...
            raise CacheFormatError(f"{type(error).__name__}: {error}") from None

    def _object(self, data: dict[str, Any]) -> Any:
        if len(data) == 1:
            ((tag, value),) = data.items()
            if tag == "$d":
                return date.fromisoformat(value)
            if tag == "$t" and type(value) is list:
                return tuple(value)
            if tag == "$m" and type(value) is list:
                return {key: item for key, item in value}
        if "$e" in data and len(data) == 2:
            cls = self._classes.get(data["$e"])
            if isinstance(cls, type) and issubclass(cls, enum.Enum):
                return cls(data["v"])
        elif "$" in data:
            name = data.pop("$")
            builder = self._builders.get(name) if isinstance(name, str) else None
            if builder is None:
                builder = self._builder(name)
            return builder(data)
        raise CacheFormatError(f"not a cached value: {sorted(data)[:5]}")

    def _builder(self, name: Any) -> Callable[[dict[str, Any]], Any]:
        cls = self._classes.get(name) if isinstance(name, str) else None
        if cls is None or issubclass(cls, enum.Enum):
            raise CacheFormatError(f"no class {name!r} in the cache's classes")
        names = frozenset(_field_names(cls))

        def build(fields: dict[str, Any]) -> Any:
            fields_set = fields.pop("$set", None)
            if fields.keys() != names:  # a missing or foreign field: another version's entry
                raise CacheFormatError(f"{name}: fields {sorted(fields.keys() ^ names)} differ")
            if dataclasses.is_dataclass(cls):
                return cls(**fields)
            if not isinstance(fields_set, list) or not names.issuperset(fields_set):
                raise CacheFormatError(f"{name}: no list of the fields set")
            # A pydantic model, rebuilt from values it validated when the entry was written.
            return cls.model_construct(set(fields_set), **fields)  # type: ignore[attr-defined]

        self._builders[name] = build
        return build


def _field_names(cls: type) -> list[str]:
    if dataclasses.is_dataclass(cls):
        return [f.name for f in dataclasses.fields(cls) if f.init]
    fields = getattr(cls, "model_fields", None)
    if isinstance(fields, dict):
        return list(fields)
    raise TypeError(f"{cls.__qualname__} is neither a dataclass nor a pydantic model")
