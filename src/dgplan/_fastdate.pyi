"""dgplan._fastdate: the compiled reader of the common era-date forms (see _fastdate.c)."""

from collections.abc import Sequence

UNSETTLED: int

def days(
    values: object,
    tokens: Sequence[tuple[str, int]],
    eras: Sequence[tuple[int, int, int]],
    gregorian_day: int,
    /,
) -> bytes: ...
def days_utf8(
    offsets: object,
    data: object,
    tokens: Sequence[tuple[str, int]],
    eras: Sequence[tuple[int, int, int]],
    gregorian_day: int,
    /,
) -> bytes: ...
def code_days(
    values: object,
    era_of_code: tuple[int, ...],
    eras: Sequence[tuple[int, int, int]],
    gregorian_day: int,
    separated: bool,
    /,
) -> bytes: ...
