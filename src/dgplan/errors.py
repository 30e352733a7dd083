"""The exceptions and warnings dgplan raises.

Every error derives from :class:`DgplanError`, itself a :class:`ValueError`, so callers can
catch one class for "this input is not what dgplan expected".
"""

from __future__ import annotations

import os

__all__ = [
    "DeadlineError",
    "DgplanError",
    "DgplanWarning",
    "EraError",
    "ExtractError",
    "LenientParseWarning",
    "PeriodError",
    "PlanError",
]


class DgplanError(ValueError):
    """Root of every dgplan error.

    ``text`` is the offending input (quoted in the message) and ``pos`` the character offset
    in it where parsing failed, when known.
    """

    def __init__(self, message: str, *, text: str | None = None, pos: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.text = text
        self.pos = pos


class EraError(DgplanError):
    """A date written with an era (or in any form ``parse_date`` reads) is malformed or impossible."""


class PeriodError(DgplanError):
    """A period phrase (年度, 四半期, 上期, 夏, 末, ...) cannot be resolved to an interval."""


class DeadlineError(DgplanError):
    """A phrase is not a deadline dgplan can resolve exactly."""


class PlanError(DgplanError):
    """A plan or progress file has problems; ``problems`` lists every one of them."""

    def __init__(
        self,
        message: str,
        *,
        path: str | os.PathLike[str] | None = None,
        line: int | None = None,
        column: int | None = None,
        measure_id: str | None = None,
        problems: tuple[str, ...] = (),
        text: str | None = None,
    ) -> None:
        super().__init__(message, text=text)
        self.path = None if path is None else os.fspath(path)
        self.line = line
        self.column = column
        self.measure_id = measure_id
        self.problems = problems or (message,)


class ExtractError(DgplanError):
    """A plan's text is not in the 施策集 layout, or a measure's block in it is malformed;
    ``line`` and ``measure_id`` say where."""

    def __init__(self, message: str, *, line: int | None = None, measure_id: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.measure_id = measure_id


class DgplanWarning(UserWarning):
    """Root of dgplan's warnings."""


class LenientParseWarning(DgplanWarning):
    """``strict=False`` accepted an input that strict parsing rejects (e.g. 平成32年)."""
