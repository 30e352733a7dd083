"""The exceptions and warnings dgplan raises.

Every error derives from :class:`DgplanError`, itself a :class:`ValueError`, so callers can
catch one class for "this input is not what dgplan expected".
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = [
    "DeadlineError",
    "DgplanError",
    "DgplanWarning",
    "DocumentError",
    "EraError",
    "ExtractError",
    "LenientParseWarning",
    "PeriodError",
    "PlanError",
    "Problem",
]


class DgplanError(ValueError):
    """Root of every dgplan error.

    ``text`` is the offending input (quoted in the message) and ``pos`` the character offset
    in it where parsing failed, when known.

    >>> from dgplan import DgplanError, parse_date
    >>> try:
    ...     parse_date("soon")
    ... except DgplanError as error:  # every dgplan error, and a ValueError
    ...     print(error.text, isinstance(error, ValueError))
    soon True
    """

    def __init__(self, message: str, *, text: str | None = None, pos: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.text = text
        self.pos = pos


class EraError(DgplanError):
    """A date written with an era (or in any form ``parse_date`` reads) is malformed or impossible.

    >>> from dgplan import parse_date
    >>> parse_date("令和3年2月29日")
    Traceback (most recent call last):
      ...
    dgplan.errors.EraError: '令和3年2月29日': 2021-02 has days 1 to 28, not 29
    """


class PeriodError(DgplanError):
    """A period phrase (年度, 四半期, 上期, 夏, 末, ...) cannot be resolved to an interval.

    >>> from dgplan import parse_period
    >>> parse_period("令和3年度第5四半期")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    dgplan.errors.PeriodError: '令和3年度第5四半期' is not a period: a fiscal year has quarters 1 to 4 ...
    """


class DeadlineError(DgplanError):
    """A phrase is not a deadline dgplan can resolve exactly.

    >>> from dgplan import DeadlineError, parse_deadline
    >>> try:
    ...     parse_deadline("いつか")
    ... except DeadlineError as error:
    ...     print(error.text)
    いつか
    """


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in a plan file: where it is (file, line, column, measure, field) and what.

    ``str()`` formats it, in the one place that does: ``plan.yaml:3:14: measure '1-1':
    milestones[1].due: 'soon' is not a deadline phrase ...``.

    >>> from dgplan import Problem
    >>> str(Problem("plan.yaml", "'soon' is not a deadline phrase", line=3, column=14, measure="1-1", field="due"))
    "plan.yaml:3:14: measure '1-1': due: 'soon' is not a deadline phrase"
    """

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    measure: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file + "".join(f":{n}" for n in (self.line, self.column) if n is not None)
        measure = "" if self.measure is None else f"measure {self.measure!r}: "
        field = "" if self.field is None else f"{self.field}: "
        return f"{where}: {measure}{field}{self.message}"


class PlanError(DgplanError):
    """A plan or progress file has problems; ``problems`` lists every one of them as text, and
    ``details``, for a plan file, as :class:`Problem` records (first by position in the file).

    >>> import dgplan
    >>> try:
    ...     dgplan.parse_plan("plan: {title: 例, issued: 2021-06-18}\\nmeasures:\\n  - {id: '1-1', due: soon}\\n")
    ... except dgplan.PlanError as error:
    ...     print(error.line, len(error.problems) >= 1, error.details[0].measure)
    3 True 1-1
    """

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
        details: tuple[Problem, ...] = (),
    ) -> None:
        super().__init__(message, text=text)
        self.path = None if path is None else os.fspath(path)
        self.line = line
        self.column = column
        self.measure_id = measure_id
        self.details = details
        self.problems = problems or tuple(str(detail) for detail in details) or (message,)

    @classmethod
    def from_problems(cls, name: str, details: list[Problem]) -> PlanError:
        """One error for every problem of a file, in file order, located at the first."""
        ordered = tuple(sorted(details, key=lambda p: (p.line or 0, p.column or 0)))
        first = ordered[0]
        lines = [str(problem) for problem in ordered]
        summary = lines[0] if len(lines) == 1 else f"{name}: {len(lines)} problems:\n  " + "\n  ".join(lines)
        return cls(
            summary,
            path=name,
            line=first.line,
            column=first.column,
            measure_id=first.measure,
            details=ordered,
        )


class ExtractError(DgplanError):
    """A plan's text is not in the 施策集 layout, or a measure's block in it is malformed;
    ``line`` and ``measure_id`` say where.

    >>> from datetime import date
    >>> from dgplan import ExtractError
    >>> from dgplan.extract import extract_plan
    >>> try:
    ...     extract_plan("施策のない文書", title="例", issued=date(2021, 6, 18))
    ... except ExtractError as error:
    ...     print(type(error).__name__, error.line is None or error.line >= 1)
    ExtractError True
    """

    def __init__(self, message: str, *, line: int | None = None, measure_id: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.measure_id = measure_id


class DocumentError(DgplanError):
    """A document (PDF, Word, HTML, text) cannot be read: missing, encrypted, scanned without a text
    layer, corrupt, too large, or not in the encoding given. ``path`` is the file and ``page`` the
    1-based page, where one is to blame; the message quotes the file and says what was expected.

    >>> from dgplan import DocumentError, read_document
    >>> try:
    ...     read_document("no-such-notice.pdf")
    ... except DocumentError as error:
    ...     print(error, "|", error.path)
    no-such-notice.pdf: no such file | no-such-notice.pdf
    """

    def __init__(self, message: str, *, path: str | os.PathLike[str] | None = None, page: int | None = None) -> None:
        super().__init__(message)
        self.path = None if path is None else os.fspath(path)
        self.page = page


class DgplanWarning(UserWarning):
    """Root of dgplan's warnings.

    >>> import warnings
    >>> from dgplan import DgplanWarning, parse_date
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     parse_date("平成32年4月1日", strict=False)
    datetime.date(2020, 4, 1)
    >>> issubclass(caught[0].category, DgplanWarning)
    True
    """


class LenientParseWarning(DgplanWarning):
    """``strict=False`` accepted an input that strict parsing rejects (e.g. 平成32年).

    >>> import warnings
    >>> from dgplan import LenientParseWarning, parse_era_year
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", LenientParseWarning)  # make lenient reading an error
    ...     parse_era_year("平成32年", strict=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    dgplan.errors.LenientParseWarning: '平成32年': 平成 ended in its year 31 (2019-04-30); ... reading it as 2020
    """


# What pydantic says of a value of the wrong kind, in the words of dgplan's other messages: the
# plan's author reads them, not a Python programmer.
_MODEL_WORDS = {
    "float_parsing": "must be a number written in digits (2025, 1,741, 30.5)",
    "float_type": "must be a number written in digits (2025, 1,741, 30.5)",
    "int_parsing": "must be a whole number written in digits",
    "int_type": "must be a whole number written in digits",
    "string_type": "must be text",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "list_type": "must be a list ([a, b] or lines starting with '- ')",
    "tuple_type": "must be a list ([a, b] or lines starting with '- ')",
    "dict_type": "must be a mapping (key: value)",
    "model_type": "must be a mapping (key: value)",
    "model_attributes_type": "must be a mapping (key: value)",
}


def model_message(error_type: str, message: str) -> str:
    """A validation message of the models (pydantic's ``type`` and ``msg``) in dgplan's words:
    ``must be a number written in digits`` for ``Input should be a valid number, unable to parse
    string as a number``; any other ``Input should be X`` becomes ``must be X``.

    >>> model_message("float_parsing", "Input should be a valid number")
    'must be a number written in digits (2025, 1,741, 30.5)'
    >>> model_message("literal_error", "Input should be 'progress' or 'effect'")
    "must be 'progress' or 'effect'"
    """
    message = message.removeprefix("Value error, ")
    if error_type in _MODEL_WORDS:
        return _MODEL_WORDS[error_type]
    if message.startswith("Input should be "):
        return "must be " + message.removeprefix("Input should be ")
    return message


def did_you_mean(key: str, known: set[str] | frozenset[str]) -> str:
    """`` (did you mean 'due'?)`` for a key a plan names that the format does not know, when one it
    knows starts or ends like it (``due_date``) or is spelt almost the same (``titel``); else ``""``.

    >>> did_you_mean("due_date", {"due", "date", "done_on", "text"})
    " (did you mean 'due'?)"
    >>> did_you_mean("colour", {"due", "text"})
    ''
    """
    import difflib

    folded = key.lower()
    # A qualifier is mostly added after the word (due_date, title_ja): a known start counts first.
    starts = sorted((k for k in known if len(k) >= 2 and folded.startswith(k)), key=len)
    ends = sorted((k for k in known if len(k) >= 2 and folded.endswith(k)), key=len)
    close = starts[-1:] or ends[-1:] or difflib.get_close_matches(folded, sorted(known), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""
