"""The list type of query answers: slicing and filtering keep the type, so a part of an answer
still shows as a table in Jupyter and still converts to a DataFrame. On a terminal a long answer
shows its first and last rows and a count, as pandas does, never every item in full."""

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

    #: How many items a terminal shows at each end of a long answer.
    _REPR_EDGE = 5

    def _repr_row(self, item: T) -> str:
        """One short line for an item in ``repr``; answers override it."""
        return repr(item)

    def __repr__(self) -> str:
        edge = self._REPR_EDGE
        if len(self) <= 2 * edge:
            rows = [self._repr_row(item) for item in self]
        else:
            hidden = len(self) - 2 * edge
            rows = [*(self._repr_row(item) for item in self[:edge]), f"... ({hidden} more)"]
            rows += [self._repr_row(item) for item in self[-edge:]]
        body = "".join(f"\n  {row}" for row in rows)
        return f"{type(self).__name__}({len(self)} items){body}"
