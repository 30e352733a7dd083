"""Reusable pydantic field types: era dates, deadline phrases, intervals.

A plan file is written by people, so wherever a date is expected it may be an ISO date or an
era date (``done_on: 令和4年3月31日``), and wherever a deadline is expected a phrase
(``due: 令和3年度末まで``), a date, or an explicit mapping.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from functools import lru_cache
from typing import Annotated, Any

from pydantic import AllowInfNan, BeforeValidator, PlainSerializer, SerializationInfo, ValidationInfo, WithJsonSchema

from dgplan.deadline import DATED_KINDS, Deadline, DeadlineKind, Recurrence, parse_deadline
from dgplan.era import parse_date
from dgplan.fiscal import Interval, parse_period

__all__ = ["DateField", "DeadlineField", "IntervalField", "Number", "deadline_from_data", "deadline_to_data"]


def _to_date(value: Any) -> date:
    if isinstance(value, datetime):
        raise ValueError(f"{value!r} has a time of day; expected a date")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return _parsed_date(value)
    raise ValueError(f"{value!r} is not a date; expected an ISO or era date such as 2022-03-31 or 令和4年3月31日")


# Plans repeat the same few dates and phrases thousands of times: each distinct one is parsed once.
# The results are immutable (dates, frozen deadlines); errors are not cached, so each raises anew.
_PARSE_CACHE_SIZE = 4096


@lru_cache(maxsize=_PARSE_CACHE_SIZE)
def _parsed_date(text: str) -> date:
    return parse_date(text)


@lru_cache(maxsize=_PARSE_CACHE_SIZE)
def _parsed_deadline(text: str, reference: date | None) -> Deadline:
    # A plan file's deadline stands alone: its offsets in the phrase mean nothing there.
    return replace(parse_deadline(text, reference=reference), span=None)


def _reference(info: ValidationInfo | SerializationInfo | None) -> date | None:
    context = info.context if info is not None else None
    if isinstance(context, dict):
        reference = context.get("reference")
        if isinstance(reference, date):
            return reference
    return None


def _to_interval(value: Any, info: ValidationInfo | None) -> Interval:
    if isinstance(value, Interval):
        return value
    if isinstance(value, date) and not isinstance(value, datetime):
        return Interval.day(value)
    if isinstance(value, str):
        return parse_period(value, reference=_reference(info))
    raise ValueError(f"{value!r} is not a period; expected 令和2年度 or START..END such as 2020-04-01..2021-03-31")


def _recurrence_from_data(value: Any) -> Recurrence:
    if isinstance(value, Recurrence):
        return value
    if isinstance(value, str):
        deadline = parse_deadline(value)
        if deadline.recurrence is None:
            raise ValueError(f"{value!r} is not a recurring phrase such as 毎年度末")
        return deadline.recurrence
    if isinstance(value, dict):
        unknown = set(value) - {"frequency", "fiscal", "month", "starts", "day", "months"}
        if unknown:
            raise ValueError(
                f"unknown keys {sorted(unknown)} in a recurrence; "
                "expected frequency, fiscal, month, day, months, starts"
            )
        if value.get("frequency") not in ("yearly", "monthly"):
            raise ValueError(f"recurrence frequency must be 'yearly' or 'monthly', not {value.get('frequency')!r}")
        starts = value.get("starts")
        month = value.get("month")
        if month is not None and not (isinstance(month, int) and not isinstance(month, bool) and 1 <= month <= 12):
            raise ValueError(f"recurrence month must be 1-12, not {month!r}")
        day = value.get("day")
        if day is not None and not (
            isinstance(day, int) and not isinstance(day, bool) and (day == -1 or 1 <= day <= 31)
        ):
            raise ValueError(f"recurrence day must be 1-31 or -1 (the month's last day), not {day!r}")
        months = value.get("months", 1)
        if not (isinstance(months, int) and not isinstance(months, bool) and 1 <= months <= 12):
            raise ValueError(f"recurrence months must be 1-12, not {months!r}")
        if (day is not None or months != 1) and month is None and value["frequency"] == "yearly":
            raise ValueError("a recurrence with a day or several months needs its first month (month: 4)")
        return Recurrence(
            frequency=value["frequency"],
            fiscal=bool(value.get("fiscal", False)),
            month=month,
            starts=None if starts is None else _to_date(starts),
            day=day,
            months=months,
        )
    raise ValueError(f"{value!r} is not a recurrence; expected a phrase such as 毎年度末 or a mapping")


_DEADLINE_KEYS = {"kind", "window", "due", "approximate", "text", "recurrence", "note"}


def deadline_from_data(value: Any, reference: date | None = None) -> Deadline:
    """Read a deadline as a plan file writes it: a phrase, a date, or a mapping of its fields."""
    if isinstance(value, Deadline):
        return value
    if isinstance(value, datetime):
        raise ValueError(f"{value!r} has a time of day; expected a date")
    if isinstance(value, date):
        return Deadline.by(value)
    if isinstance(value, str):
        try:
            return Deadline.by(date.fromisoformat(value.strip()))
        except ValueError:
            pass
        return _parsed_deadline(value, reference)
    if isinstance(value, dict):
        unknown = set(value) - _DEADLINE_KEYS
        if unknown:
            raise ValueError(f"unknown keys {sorted(unknown)} in a deadline; expected {sorted(_DEADLINE_KEYS)}")
        try:
            kind = DeadlineKind(value.get("kind", "by"))
        except ValueError:
            kinds = ", ".join(k.value for k in DeadlineKind)
            raise ValueError(f"deadline kind must be one of {kinds}, not {value.get('kind')!r}") from None
        window = value.get("window")
        window_interval = None if window is None else _to_interval(window, None)
        due = value.get("due")
        due_date = None if due is None else _to_date(due)
        if due_date is None and window_interval is not None and (kind in DATED_KINDS or kind == DeadlineKind.RECURRING):
            due_date = window_interval.end  # a recurring deadline's window is its next occurrence
        recurrence = value.get("recurrence")
        if kind == DeadlineKind.RECURRING and recurrence is None:
            raise ValueError("a recurring deadline needs a recurrence (e.g. 毎年度末)")
        text = value.get("text", "")
        if not isinstance(text, str):
            raise ValueError(f"deadline text must be a string, not {text!r}")
        return Deadline(
            kind=kind,
            window=window_interval,
            due=due_date,
            approximate=bool(value.get("approximate", False)),
            text=text,
            recurrence=None if recurrence is None else _recurrence_from_data(recurrence),
            note=value.get("note"),
        )
    raise ValueError(f"{value!r} is not a deadline; expected a phrase such as 令和3年度末まで, a date, or a mapping")


def _same_meaning(a: Deadline, b: Deadline) -> bool:
    return (a.kind, a.window, a.due, a.approximate, a.recurrence) == (
        b.kind,
        b.window,
        b.due,
        b.approximate,
        b.recurrence,
    )


def deadline_to_data(deadline: Deadline, reference: date | None = None) -> str | dict[str, Any]:
    """Write a deadline back: its phrase where the phrase alone says the same, else a mapping."""
    if deadline.due is not None and deadline == Deadline.by(deadline.due):
        return deadline.due.isoformat()
    if deadline.text:
        try:
            if _same_meaning(parse_deadline(deadline.text, reference=reference), deadline):
                return deadline.text
        except ValueError:
            pass
    data: dict[str, Any] = {"kind": deadline.kind.value}
    if deadline.window is not None:
        data["window"] = str(deadline.window)
    if deadline.due is not None and (deadline.window is None or deadline.due != deadline.window.end):
        data["due"] = deadline.due.isoformat()
    if deadline.approximate:
        data["approximate"] = True
    if deadline.recurrence is not None:
        recurrence = deadline.recurrence
        data["recurrence"] = {"frequency": recurrence.frequency, "fiscal": recurrence.fiscal}
        if recurrence.month is not None:
            data["recurrence"]["month"] = recurrence.month
        if recurrence.day is not None:
            data["recurrence"]["day"] = recurrence.day
        if recurrence.months != 1:
            data["recurrence"]["months"] = recurrence.months
        if recurrence.starts is not None:
            data["recurrence"]["starts"] = recurrence.starts.isoformat()
    if deadline.text:
        data["text"] = deadline.text
    if deadline.note:
        data["note"] = deadline.note
    return data


def _validate_deadline(value: Any, info: ValidationInfo) -> Deadline:
    return deadline_from_data(value, _reference(info))


def _serialize_deadline(value: Deadline, info: SerializationInfo) -> str | dict[str, Any]:
    return deadline_to_data(value, _reference(info))


_DEADLINE_SCHEMA = {
    "anyOf": [
        {"type": "string", "description": "a deadline phrase (令和3年度末まで) or an ISO date"},
        {
            "type": "object",
            "properties": {
                "kind": {"enum": [kind.value for kind in DeadlineKind]},
                "window": {"type": "string", "description": "START..END in ISO dates, or a period phrase"},
                "due": {"type": "string", "format": "date"},
                "approximate": {"type": "boolean"},
                "text": {"type": "string"},
                "recurrence": {"type": ["object", "string"]},
                "note": {"type": "string"},
            },
            "additionalProperties": False,
        },
    ]
}

#: A date that may be written as an ISO or an era date.
DateField = Annotated[
    date,
    BeforeValidator(_to_date),
    PlainSerializer(lambda value: value.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "description": "an ISO date (2022-03-31) or an era date (令和4年3月31日)"}),
]

#: A deadline: a phrase, a date, or a mapping of kind/window/due/approximate/text.
DeadlineField = Annotated[
    Deadline,
    BeforeValidator(_validate_deadline),
    PlainSerializer(_serialize_deadline, return_type=Any),
    WithJsonSchema(_DEADLINE_SCHEMA),
]

#: A period: a phrase (令和2年度) or START..END.
IntervalField = Annotated[
    Interval,
    BeforeValidator(_to_interval),
    PlainSerializer(lambda value: str(value), return_type=str),
    WithJsonSchema({"type": "string", "description": "a period phrase (令和2年度) or START..END in ISO dates"}),
]


def _no_bool(value: Any) -> Any:
    # YAML reads `true` as a boolean and pydantic would take it for 1.0: a target of "true" is a typo.
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    return value


#: A finite number (not a boolean, not .nan or .inf), written back without a trailing ``.0``
#: when it is whole (1741, not 1741.0).
Number = Annotated[
    float,
    BeforeValidator(_no_bool),
    AllowInfNan(False),
    PlainSerializer(lambda value: int(value) if float(value).is_integer() else value, return_type=Any),
]
