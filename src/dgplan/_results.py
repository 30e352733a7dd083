"""The list type of query answers: slicing and filtering keep the type, so a part of an answer
still shows as a table in Jupyter and still converts to a DataFrame."""

from __future__ import annotations

from collections.abc import Callable
from typing import Self, SupportsIndex, TypeVar, overload

__all__ = ["Results"]

T = TypeVar("T")


class Results(list[T]):
    """A list of answers; ``answers[:5]`` and ``answers.filter(...)`` are answers too."""

    @overload
    def __getitem__(self, index: SupportsIndex) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Self: ...

    def __getitem__(self, index: SupportsIndex | slice) -> T | Self:
        if isinstance(index, slice):
            return type(self)(super().__getitem__(index))
        return super().__getitem__(index)

    def filter(self, predicate: Callable[[T], bool]) -> Self:
        """The answers for which ``predicate`` is true, in order."""
        return type(self)(item for item in self if predicate(item))
