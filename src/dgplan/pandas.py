"""Vectorised era-date and fiscal-period conversion for pandas Series (and dask partitions).

Importing this module imports pandas and registers two Series accessors: ``s.wareki`` and
``s.fiscal``. ``import dgplan`` alone never imports pandas.

The common forms are read by the compiled reader (``dgplan._fastdate``, where dgplan was built
with a C compiler), row by row; what it leaves is read by distinct value (``pd.factorize``) with
one regular expression and integer arithmetic, and anything unusual (kanji numerals, weekdays,
out-of-era dates) falls back to :func:`dgplan.parse_date`, so results always equal the scalar
parser's.

>>> import pandas as pd
>>> import dgplan.pandas as dp
>>> dp.to_datetime(pd.Series(["令和3年4月1日", "R3.4.1", "令和元年5月1日"])).dt.strftime("%Y-%m-%d").tolist()
['2021-04-01', '2021-04-01', '2019-05-01']
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Hashable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, overload

import numpy as np
import pandas as pd

from dgplan._compact import code_table
from dgplan._text import ANY_KANJI_NUMERAL, normalize_phrase
from dgplan.era import _ERA_LOOKUP, ERA_TOKEN, ERAS, GREGORIAN_ADOPTION, Era, WarekiStyle, format_wareki, parse_date
from dgplan.errors import DgplanError, EraError, PeriodError
from dgplan.fiscal import parse_period
from dgplan.records import parse_month

if TYPE_CHECKING:
    from pandas._libs.tslibs.nattype import NaTType

try:
    from dgplan import _fastdate as _compiled
except ImportError:  # built without a C compiler: the pure-Python path answers alone, as fast as it can
    _compiled = None  # type: ignore[assignment]

__all__ = [
    "date_failures",
    "fiscal_quarter",
    "fiscal_quarter_label",
    "fiscal_year",
    "parse_periods",
    "to_datetime",
    "to_months",
    "to_wareki",
]

Errors = Literal["raise", "coerce"]
#: The 元号コード formats of records (dgplan.parse_date's ``format``); a day's, or a month's (gyymm).
DayFormat = Literal["gyymmdd", "g-yymmdd"]
Codes: TypeAlias = "Mapping[int, str | Era] | None"
Unit = Literal["s", "ms", "us", "ns"]
#: What the functions take: a column (Series), an Index, a list or array, or one value. A column
#: gives a column, an Index an Index (a DatetimeIndex from to_datetime), one value one value, as
#: ``pd.to_datetime`` answers.
Column: TypeAlias = "pd.Series | list[object] | np.ndarray"
Scalar: TypeAlias = "str | date | None"

# Every way an era is written (令和, 令, R, r) to its position in ERAS, from the era module's table.
_ERA_INDEX = {token: ERAS.index(era) for token, era in _ERA_LOOKUP.items()}
_ERA_INDEX.update({era.letter.lower(): index for index, era in enumerate(ERAS)})
_ERA_START_YEAR = np.array([era.start.year for era in ERAS], dtype=np.int64)
_ERA_FIRST_DAY = np.array([np.datetime64(era.start, "D") for era in ERAS])
_ERA_LAST_DAY = np.array([np.datetime64(era.end or date(9999, 12, 31), "D") for era in ERAS])
_GREGORIAN = np.datetime64(GREGORIAN_ADOPTION, "D")

# The same table for the compiled reader: the era tokens _FAST reads, longest first (令和 before
# 令), and each era's first year and first and last days, as days since 1970-01-01.
_COMPILED_TOKENS = tuple(
    sorted(
        ((token, index) for token, index in _ERA_INDEX.items() if re.fullmatch(ERA_TOKEN, token)),
        key=lambda pair: -len(pair[0]),
    )
)
_COMPILED_ERAS = tuple(
    (int(start), int(first.astype(np.int64)), int(last.astype(np.int64)))
    for start, first, last in zip(_ERA_START_YEAR, _ERA_FIRST_DAY, _ERA_LAST_DAY, strict=True)
)
_COMPILED_GREGORIAN = int(_GREGORIAN.astype(np.int64))

# The common forms, without white space: 令和3年4月1日, 令和3年(2021年)4月1日, R3.4.1, H31/4/30,
# 2021-04-01, 2021/4/1, 2021年4月1日, and records' S501231 (an era letter and YYMMDD). Anything
# else goes to parse_date.
_ERA_LETTERS = "".join(era.letter + era.letter.lower() for era in ERAS)
_FAST = re.compile(
    rf"(?:({ERA_TOKEN})(元|\d{{1,2}})"
    r"(?:年(?:\((\d{4})年?\))?(\d{1,2})月(\d{1,2})日|([./-])(\d{1,2})\6(\d{1,2}))"
    r"|(\d{4})(?:([-/.])(\d{1,2})\10(\d{1,2})|年(\d{1,2})月(\d{1,2})日)"
    rf"|([{_ERA_LETTERS}])(\d\d)(\d\d)(\d\d))"
)
_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _fields(text: str) -> tuple[int, int, int, int, int, int] | None:
    """(era index or -1, year (era year or Western), month, day, Western year in brackets or -1, 1).

    A bracketed year of 0000 is a year that disagrees, not a missing one: hence -1 for "none"."""
    match = _FAST.fullmatch(text)
    if match is None:
        return None
    (
        era, era_year, western, month, day, _, short_month, short_day, year, _, iso_month, iso_day, j_month, j_day,
        letter, letter_year, letter_month, letter_day,
    ) = match.groups()  # fmt: skip
    if letter is not None:
        return _ERA_INDEX[letter], int(letter_year), int(letter_month), int(letter_day), -1, 1
    if era is not None:
        return (
            _ERA_INDEX[era],
            1 if era_year == "元" else int(era_year),
            int(month or short_month),
            int(day or short_day),
            int(western) if western is not None else -1,
            1,
        )
    return -1, int(year), int(iso_month or j_month), int(iso_day or j_day), -1, 1


# _FAST for Arrow's regular expressions (RE2): no back-references (each separator is spelled
# out), no look-ahead (the era letter's is implied by the digit or 元 that must follow), and only
# ASCII digits (\d in RE2). What it matches, _FAST matches with the same groups; what it does not
# (full-width digits, spaces) goes through _fields as before.
# Generated from the era table, as ERA_TOKEN is: an era added by register_era reads here too.
_ERA_RE2 = (
    "|".join(era.name for era in ERAS)
    + "|["
    + "".join(era.name[0] for era in ERAS)
    + "]|["
    + "".join(era.letter + era.letter.lower() for era in ERAS)
    + "]"
)
_MD = r"(?P<{0}m>\d{{1,2}}){1}(?P<{0}d>\d{{1,2}})"
_FAST_RE2 = (
    rf"^(?:(?P<era>{_ERA_RE2})(?P<ey>元|\d{{1,2}})"
    r"(?:年(?:\((?P<west>\d{4})年?\))?(?P<m>\d{1,2})月(?P<d>\d{1,2})日"
    + "".join(f"|{sep}" + _MD.format(f"s{n}", sep) for n, sep in enumerate((r"\.", "/", "-")))
    + r")|(?P<y>\d{4})(?:"
    + "|".join(sep + _MD.format(f"i{n}", sep) for n, sep in enumerate(("-", "/", r"\.")))
    + r"|年(?P<jm>\d{1,2})月(?P<jd>\d{1,2})日)"
    + rf"|(?P<le>[{_ERA_LETTERS}])(?P<ly>\d\d)(?P<lm>\d\d)(?P<ld>\d\d))$"
)
#: From how many distinct values the Arrow path is worth its set-up (when pyarrow is installed).
_ARROW_MIN = 2_000


def _arrow_fields(values: np.ndarray) -> np.ndarray | None:
    """The rows of :func:`_fields` for every value, by one Arrow (RE2) pass over all of them;
    rows it did not match are all zeros (left to _fields). None without pyarrow, or when a value
    is not a string."""
    try:
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
        import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        return None
    try:
        strings = pa.array(values, type=pa.string())
    except (pa.ArrowException, TypeError, ValueError):
        return None
    parts = pc.extract_regex(strings, pattern=_FAST_RE2)
    matched = parts.is_valid().to_numpy(zero_copy_only=False)

    def number(text: pa.Array, empty: int = 0) -> np.ndarray:
        """Digits to integers; a group that took no part ("") or a row that did not match, ``empty``."""
        text = pc.if_else(pc.equal(text, ""), None, text)
        return np.asarray(pc.fill_null(pc.cast(text, pa.int64()), empty).to_numpy(zero_copy_only=False))

    def joined(*names: str) -> pa.Array:
        """The one group of several alternatives that matched (the others are empty)."""
        return pc.binary_join_element_wise(*(parts.field(name) for name in names), "")

    tokens = list(_ERA_INDEX)
    position = pc.fill_null(pc.index_in(joined("era", "le"), value_set=pa.array(tokens)), -1)
    position = np.asarray(position.to_numpy(zero_copy_only=False))
    era_index = np.where(position >= 0, np.array([_ERA_INDEX[token] for token in tokens])[position], -1)
    era_year = number(pc.replace_substring(joined("ey", "ly"), "元", "1"))
    year = np.where(era_index >= 0, era_year, number(parts.field("y")))
    month = number(joined("m", "s0m", "s1m", "s2m", "i0m", "i1m", "i2m", "jm", "lm"))
    day = number(joined("d", "s0d", "s1d", "s2d", "i0d", "i1d", "i2d", "jd", "ld"))
    western = number(parts.field("west"), empty=-1)
    fields = np.stack([era_index, year, month, day, western, np.ones(len(values), dtype=np.int64)], axis=1)
    fields = fields.astype(np.int64)
    fields[~matched] = 0
    return fields


def _factorize(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(code of each row, -1 where missing; the distinct values, in order of first appearance).

    For a long column of strings, Arrow's hash table (``dictionary_encode``) gives the same
    codes as ``pd.factorize`` several times faster. It is used only where every value is a
    string or missing: Arrow would take bytes as text, and ``b'R3.4.1'`` is no date."""
    if len(series) >= _ARROW_MIN and _only_strings(series):
        try:
            import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
            import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]
        except ImportError:
            pass
        else:
            try:
                encoded = pc.dictionary_encode(pa.array(series, type=pa.string(), from_pandas=True))
            except (pa.ArrowException, TypeError, ValueError):
                pass
            else:
                codes = np.asarray(pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False), dtype=np.intp)
                uniques = np.asarray(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=object)
                return codes, uniques
    try:
        factorized, distinct = pd.factorize(series, use_na_sentinel=True)
    except TypeError:  # an unhashable value (a list, a bytearray): a bad row, not a crash
        return _factorize_unhashable(series)
    return factorized, np.asarray(distinct, dtype=object)


def _only_strings(series: pd.Series) -> bool:
    """Whether every value is a string or missing (a string dtype says so without looking)."""
    if isinstance(series.dtype, pd.StringDtype):
        return True
    return bool(pd.api.types.infer_dtype(series, skipna=True) == "string")


def _factorize_unhashable(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_factorize` for a column holding unhashable values: each of those is a distinct
    value of its own (it will fail as "not a string"); the rest are grouped as pd.factorize does."""
    missing = pd.isna(series).to_numpy()
    codes = np.full(len(series), -1, dtype=np.intp)
    positions: dict[object, int] = {}
    distinct: list[object] = []
    for row, value in enumerate(series.to_numpy(dtype=object)):
        if missing[row]:
            continue
        try:
            code = positions.setdefault(value, len(distinct))
        except TypeError:
            code = len(distinct)
        if code == len(distinct):
            distinct.append(value)
        codes[row] = code
    uniques = np.empty(len(distinct), dtype=object)
    uniques[:] = distinct
    return codes, uniques


def _compiled_days(values: np.ndarray, unit: Unit) -> np.ndarray | None:
    """The day of each value the compiled reader settles, NaT for the others (and for days
    ``unit`` cannot hold, whose message the Python path writes); None when dgplan was built
    without it. It settles only what :func:`_parse_pure` settles on its fast path, to the same day."""
    if _compiled is None:
        return None
    days = np.frombuffer(_compiled.days(values, _COMPILED_TOKENS, _COMPILED_ERAS, _COMPILED_GREGORIAN), dtype=np.int64)
    # INT64_MIN, the compiled reader's "not settled", is NaT's own bit pattern.
    result = days.astype("datetime64[D]")
    result[~_fits(result, unit)] = np.datetime64("NaT")
    return result


def _arrow_chunks(series: pd.Series) -> list[Any] | None:
    """The Arrow string arrays (``string`` or ``large_string``) that hold an Arrow-backed text
    column, as they lie (no copy); None for any other column."""
    dtype = series.dtype
    arrow_backed = (isinstance(dtype, pd.StringDtype) and dtype.storage in ("pyarrow", "pyarrow_numpy")) or (
        isinstance(dtype, pd.ArrowDtype) and str(dtype.pyarrow_dtype) in ("string", "large_string")
    )
    if not arrow_backed or not hasattr(series.array, "__arrow_array__"):
        return None
    try:
        chunked = series.array.__arrow_array__()
    except (TypeError, ValueError):  # pragma: no cover - pandas always hands its Arrow data over
        return None
    chunks = getattr(chunked, "chunks", None)
    if chunks is None or str(chunked.type) not in ("string", "large_string"):
        return None
    return list(chunks)


def _compiled_arrow_days(series: pd.Series, unit: Unit) -> np.ndarray | None:
    """:func:`_compiled_days` for an Arrow-backed text column, read in its buffers: a ``str``
    column of pandas 3 is not copied to Python strings first. Missing rows are NaT (they go with
    the rest to the Python path, which finds them missing). None where the column is not Arrow
    strings or dgplan was built without the compiled reader."""
    if _compiled is None:
        return None
    chunks = _arrow_chunks(series)
    if chunks is None:
        return None
    parts: list[np.ndarray] = []
    for chunk in chunks:
        count = len(chunk)
        if count == 0:
            continue
        _, offsets, data = chunk.buffers()
        width = np.int64 if str(chunk.type) == "large_string" else np.int32
        bounds = np.frombuffer(offsets, dtype=width)[chunk.offset : chunk.offset + count + 1]
        days = compiled_days_utf8(bounds.astype(np.int64, copy=False), b"" if data is None else data)
        if days is None:  # pragma: no cover - _compiled was checked above
            return None
        if chunk.null_count:
            # A null slot's bytes are whatever the writer left: never a date.
            days[np.asarray(chunk.is_null().to_numpy(zero_copy_only=False), dtype=bool)] = np.datetime64("NaT")
        parts.append(days)
    result = np.concatenate(parts) if parts else np.empty(0, dtype="datetime64[D]")
    if len(result) != len(series):  # pragma: no cover - the chunks hold the column, row for row
        return None
    result[~_fits(result, unit)] = np.datetime64("NaT")
    return result


def _parse_values(values: np.ndarray, strict: bool, unit: Unit) -> tuple[np.ndarray, dict[int, str]]:
    """Parse distinct values: datetime64[D] (NaT where failed or outside ``unit``'s range) and the
    message of each failure, by position. The compiled reader settles the common forms; the
    rest go through the Python path."""
    settled = _compiled_days(values, unit)
    if settled is None:
        return _parse_pure(values, strict, unit)
    rest = np.flatnonzero(np.isnat(settled))
    if len(rest) == 0:
        return settled, {}
    parsed, failures = _parse_pure(values[rest], strict, unit)
    settled[rest] = parsed
    return settled, {int(rest[position]): message for position, message in failures.items()}


def compiled_days_utf8(offsets: np.ndarray, data: object) -> np.ndarray | None:
    """The compiled reader on the strings of an Arrow string array, read in its buffers (``offsets``:
    n + 1 int64, ``data``: the UTF-8 bytes): ``datetime64[D]`` per string, NaT where it settles
    nothing (the caller reads those with :func:`distinct_days`); None when dgplan was built without it."""
    if _compiled is None:
        return None
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    days = _compiled.days_utf8(offsets, data, _COMPILED_TOKENS, _COMPILED_ERAS, _COMPILED_GREGORIAN)
    return np.frombuffer(days, dtype=np.int64).astype("datetime64[D]")


def distinct_days(values: np.ndarray, *, strict: bool = True) -> tuple[np.ndarray, dict[int, str]]:
    """Parse an object array of distinct strings as :func:`to_datetime` does (the compiled reader,
    then the Python path): ``datetime64[D]`` per value (NaT where it failed) and the message of each
    failure by position. For :mod:`dgplan.polars`, which reads its columns with the same code."""
    return _parse_values(values, strict, "s")


def _parse_column(
    series: pd.Series, strict: bool, unit: Unit
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[int, str]]:
    """Parse a column: (datetime64[D] per row, NaT where missing or failed; per row, the code of
    its value among the distinct values the Python path read, -1 for missing rows and rows the
    compiled reader settled; those distinct values; the message of each failure, by code).

    A column of Python strings goes to the compiled reader row by row: that is cheaper than
    finding its distinct values first. So does a column of Arrow-backed strings (pandas 3's
    ``str``, ``string[pyarrow]``), read in its UTF-8 buffers without making a Python string per
    value. Other columns are read by distinct value."""
    if series.dtype == object:
        settled = _compiled_days(np.ascontiguousarray(series.to_numpy()), unit)
    else:
        settled = _compiled_arrow_days(series, unit)
    if settled is None:
        codes, uniques = _factorize(series)
        parsed, failures = _parse_values(uniques, strict, unit)
        return _take(parsed, codes), codes, uniques, failures
    rest = np.flatnonzero(np.isnat(settled))
    codes = np.full(len(series), -1, dtype=np.intp)
    rest_codes, uniques = _factorize(series.iloc[rest])
    parsed, failures = _parse_pure(uniques, strict, unit)
    settled[rest] = _take(parsed, rest_codes)
    codes[rest] = rest_codes
    return settled, codes, uniques, failures


def _record_uniques(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_factorize` for a column of record dates (integers or text): numbers as Python ints
    (an integer column, a nullable ``Int64`` one, floats with gaps), and blank text as missing,
    as it is in every other column."""
    codes, uniques = _factorize(series)
    if uniques.dtype != object:
        uniques = np.array(uniques.tolist(), dtype=object)
    blank = np.array([isinstance(value, str) and not value.strip() for value in uniques], dtype=bool)
    if blank.any():
        codes = np.where(np.isin(codes, np.flatnonzero(blank)), -1, codes)
    return codes, uniques


def _parse_records(
    series: pd.Series, form: DayFormat, table: Codes, strict: bool, unit: Unit
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[int, str]]:
    """:func:`_parse_column` for a 元号コード format. A column of Python objects goes to the
    compiled reader row by row; what it leaves (and every other column) is read by distinct value:
    integer arithmetic with the fast path's checks, then :func:`dgplan.parse_date` with that format
    for what those leave, so the column's answers are the scalar's."""
    settled = _compiled_code_days(series, form, table, unit) if series.dtype == object else None
    if settled is None:
        codes, uniques = _record_uniques(series)
        parsed, failures = _record_values(uniques, form, table, strict, unit)
        return _take(parsed, codes), codes, uniques, failures
    rest = np.flatnonzero(np.isnat(settled))
    codes = np.full(len(series), -1, dtype=np.intp)
    rest_codes, uniques = _record_uniques(series.iloc[rest])
    parsed, failures = _record_values(uniques, form, table, strict, unit)
    settled[rest] = _take(parsed, rest_codes)
    codes[rest] = rest_codes
    return settled, codes, uniques, failures


def _compiled_code_days(series: pd.Series, form: DayFormat, table: Codes, unit: Unit) -> np.ndarray | None:
    """:func:`_compiled_days` for the 元号コード formats: what ``_fastdate.code_days`` settles (it
    settles only what :func:`_code_fields` and :func:`_settle` settle, to the same day)."""
    if _compiled is None:
        return None
    era_of_code = [-1] * 10
    for code, era in code_table(ERAS, table).items():
        era_of_code[code] = ERAS.index(era)
    values = np.ascontiguousarray(series.to_numpy(dtype=object))
    raw = _compiled.code_days(values, tuple(era_of_code), _COMPILED_ERAS, _COMPILED_GREGORIAN, form == "g-yymmdd")
    result = np.frombuffer(raw, dtype=np.int64).astype("datetime64[D]")
    result[~_fits(result, unit)] = np.datetime64("NaT")
    return result


def _record_values(
    uniques: np.ndarray, form: DayFormat, table: Codes, strict: bool, unit: Unit
) -> tuple[np.ndarray, dict[int, str]]:
    """The day of each distinct 元号コード value (NaT where it fails) and each failure's message."""
    parsed, good = _settle(_code_fields(uniques, form, table))
    failures: dict[int, str] = {}
    for position in np.flatnonzero(~good):
        value = uniques[position]
        if isinstance(value, str) and not value.strip():
            continue
        try:
            parsed[position] = np.datetime64(parse_date(value, strict=strict, format=form, codes=table), "D")
        except DgplanError as error:
            failures[int(position)] = str(error)
    for bad in np.flatnonzero(~_fits(parsed, unit)):
        failures[int(bad)] = _range_message(uniques[bad], parsed[bad], unit)
        parsed[bad] = np.datetime64("NaT")
    return parsed, failures


def _code_number(value: object, form: DayFormat) -> int:
    """The seven digits of a 元号コード date as one number (3-501231 and 3.50.12.31 are 3501231),
    or -1 for anything else (which the scalar parser then refuses, saying why)."""
    if isinstance(value, str):
        if form == "g-yymmdd":
            if len(value) == 8 and value[1] in "-./":
                value = value[0] + value[2:]
            elif len(value) == 10 and value[1] in "-./" and value[1] == value[4] == value[7]:
                value = value[0] + value[2:4] + value[5:7] + value[8:]
            else:
                return -1
        return int(value) if len(value) == 7 and value.isascii() and value.isdigit() else -1
    if form == "g-yymmdd" or isinstance(value, bool):
        return -1
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and 1_000_000 <= value <= 9_999_999 else -1


def _code_fields(uniques: np.ndarray, form: DayFormat, table: Codes) -> np.ndarray:
    """:func:`_fields` rows of 元号コード values, by integer arithmetic; unmatched rows are zeros."""
    numbers = np.fromiter((_code_number(value, form) for value in uniques), dtype=np.int64, count=len(uniques))
    era_of_code = np.full(10, -1, dtype=np.int64)
    for code, era in code_table(ERAS, table).items():
        era_of_code[code] = ERAS.index(era)
    matched = numbers >= 0
    era_index = np.where(matched, era_of_code[np.clip(numbers // 1_000_000, 0, 9)], -1)
    matched &= era_index >= 0
    fields = np.stack(
        [
            era_index,
            numbers // 10_000 % 100,
            numbers // 100 % 100,
            numbers % 100,
            np.full(len(uniques), -1, dtype=np.int64),
            matched.astype(np.int64),
        ],
        axis=1,
    )
    fields[~matched] = 0
    return fields


def _check_format(form: object, codes: object) -> None:
    if form == "gyymm":
        raise ValueError("format 'gyymm' names months, not days: read the column with dgplan.pandas.to_months")
    if form not in (None, "gyymmdd", "g-yymmdd"):
        raise ValueError(f"format must be None, 'gyymmdd' or 'g-yymmdd', not {form!r}")
    if form is None and codes is not None:
        raise ValueError("codes= is the table of a numeric format: pass format='gyymmdd' or 'g-yymmdd' with it")


def _parse_any(
    series: pd.Series, strict: bool, unit: Unit, form: DayFormat | None, table: Codes
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[int, str]]:
    if form is None:
        return _parse_column(series, strict, unit)
    return _parse_records(series, form, table, strict, unit)


def _settle(fields: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The day of each row of :func:`_fields` (datetime64[D]) and whether it is settled: a day
    that exists, in its era, after the Gregorian calendar, its bracketed year agreeing; NaT and
    False for every other row, which the scalar parser reads for its answer or its reason."""
    era_index, year, month, day, western, matched = fields.T
    era_rows = era_index >= 0
    safe_era = np.where(era_rows, era_index, 0)
    year = np.where(era_rows, _ERA_START_YEAR[safe_era] + year - 1, year)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    last_day = _DAYS_IN_MONTH[np.clip(month, 1, 12) - 1] + ((month == 2) & leap)
    # Years past 9999 are no date at all; the scalar parser says why, so they go to it.
    good = (matched == 1) & month_ok & (day >= 1) & (day <= last_day) & (year >= 1) & (year <= 9999)
    good &= ~era_rows | (fields[:, 1] > 0)
    good &= (western < 0) | (western == year)
    months = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    stamps = months.astype("datetime64[D]") + (day - 1).astype("timedelta64[D]")
    in_era = (stamps >= _ERA_FIRST_DAY[safe_era]) & (stamps <= _ERA_LAST_DAY[safe_era]) & (stamps >= _GREGORIAN)
    good &= ~era_rows | in_era
    return np.where(good, stamps, np.datetime64("NaT")), good


def _normalized_fields(value: str) -> tuple[int, int, int, int, int, int]:
    """:func:`_fields` of a string the fast pattern did not read as it is: after NFKC without
    white space (full-width digits, spaces); and, where it holds kanji numerals, of the very text
    ``parse_date`` reads (``normalize_phrase``, white space removed), so 平成三十年十二月一日 is read
    here in a few microseconds instead of going through the whole scalar parser."""
    found = _fields("".join(unicodedata.normalize("NFKC", value).split()))
    if found is None and ANY_KANJI_NUMERAL.search(value) is not None:
        found = _fields(normalize_phrase(value).replace(" ", ""))
    return found or (0, 0, 0, 0, 0, 0)


def _parse_pure(values: np.ndarray, strict: bool, unit: Unit) -> tuple[np.ndarray, dict[int, str]]:
    """Parse distinct values in Python (with Arrow's help where installed): datetime64[D] (NaT
    where failed or outside ``unit``'s range) and the message of each failure, by position."""
    unmatched = (0, 0, 0, 0, 0, 0)
    fields = _arrow_fields(values) if len(values) >= _ARROW_MIN else None
    if fields is None:
        rows: list[tuple[int, int, int, int, int, int]] = []
        for value in values:
            found = _fields(value) if isinstance(value, str) else unmatched
            rows.append(_normalized_fields(value) if found is None else found)
        fields = np.array(rows, dtype=np.int64).reshape(len(values), 6)
    else:
        for position in np.flatnonzero(fields[:, 5] == 0):
            value = values[position]
            fields[position] = _fields(value) or _normalized_fields(value)
    result, good = _settle(fields)
    # Everything the fast path did not settle goes through the scalar parser, for its exact
    # answer: kanji numerals, weekdays, and every kind of error with its message.
    errors: dict[int, str] = {}
    for position in np.flatnonzero(~good):
        value = values[position]
        if isinstance(value, str) and not value.strip():
            continue  # '' and white space only: a blank cell, missing as pd.to_datetime reads it (NaT)
        if not isinstance(value, str):
            errors[int(position)] = f"{value!r} is not a string"
            continue
        try:
            result[position] = np.datetime64(parse_date(value, strict=strict), "D")
        except DgplanError as error:
            errors[int(position)] = str(error)
        except (ValueError, OverflowError) as error:
            # parse_date lets a few impossible years (0000-01-01) through as the datetime
            # module's own error; it is still a date that does not exist.
            errors[int(position)] = f"{value!r} is not a date: {error}"
    result = result.astype("datetime64[D]")
    for position in np.flatnonzero(~_fits(result, unit)):
        errors[int(position)] = _range_message(values[position], result[position], unit)
        result[position] = np.datetime64("NaT")
    return result, errors


# datetime64[ns] spans only 1677-09-21..2262-04-11; coarser units hold every date from year 1 to 9999.
_NS_FIRST = np.datetime64(pd.Timestamp.min.ceil("D").date(), "D")
_NS_LAST = np.datetime64(pd.Timestamp.max.floor("D").date(), "D")


def _fits(days: np.ndarray, unit: Unit) -> np.ndarray:
    """Which days ``unit`` can hold (NaT counts as fitting)."""
    if unit != "ns":
        return np.ones(len(days), dtype=bool)
    fits: np.ndarray = np.isnat(days) | ((days >= _NS_FIRST) & (days <= _NS_LAST))
    return fits


def _range_message(value: object, day: np.datetime64, unit: Unit) -> str:
    return (
        f"{value!r} is {day}, outside the range of datetime64[{unit}] ({_NS_FIRST}..{_NS_LAST});"
        " pass unit='s' to keep dates such as 9999-12-31"
    )


def _check_unit(unit: object) -> None:
    if unit not in ("s", "ms", "us", "ns"):
        raise ValueError(f"unit must be 's', 'ms', 'us' or 'ns', not {unit!r}")


def _take(per_unique: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Spread values computed once per distinct value back over the rows; missing rows get NaT/None."""
    result = np.full(len(codes), None if per_unique.dtype == object else np.datetime64("NaT"), dtype=per_unique.dtype)
    present = codes >= 0
    result[present] = per_unique[codes[present]]
    return result


def _is_scalar(values: object) -> bool:
    return not pd.api.types.is_list_like(values)


def _series(values: object) -> pd.Series:
    if isinstance(values, pd.Series):
        return values
    if _is_scalar(values):
        return pd.Series([values], dtype=object)
    try:
        return pd.Series(values)
    except UnicodeEncodeError:
        # With pyarrow installed pandas stores a list of texts as Arrow strings, which are UTF-8
        # and cannot hold a lone surrogate ('\ud800'): such a list is read as objects, as an
        # object Series of the same values would be (its bad rows are errors like any other).
        return pd.Series(values, dtype=object)


def _shaped(values: object, result: pd.Series) -> Any:
    """``result`` in the shape ``values`` came in: a Series, an Index (named as it was), or one value."""
    if isinstance(values, pd.Index):
        return pd.Index(result, name=values.name)
    if _is_scalar(values):
        value = result.iloc[0]
        return value.item() if isinstance(value, np.generic) else value  # a year is an int, as in Python
    return result


def _text_dtype() -> Any:
    """The dtype pandas gives a column of text: its string dtype (``str``) from pandas 3 on (or with
    ``future.infer_string``), object before."""
    return pd.Series(["text"]).dtype


@overload
def to_datetime(
    values: pd.Index,
    *,
    errors: Errors = "raise",
    strict: bool = True,
    unit: Unit = "ns",
    format: DayFormat | None = None,
    codes: Codes = None,
) -> pd.DatetimeIndex: ...
@overload
def to_datetime(
    values: Scalar | int,
    *,
    errors: Errors = "raise",
    strict: bool = True,
    unit: Unit = "ns",
    format: DayFormat | None = None,
    codes: Codes = None,
) -> pd.Timestamp | NaTType: ...
@overload
def to_datetime(
    values: Column,
    *,
    errors: Errors = "raise",
    strict: bool = True,
    unit: Unit = "ns",
    format: DayFormat | None = None,
    codes: Codes = None,
) -> pd.Series: ...
def to_datetime(
    values: pd.Series | pd.Index | list[object] | np.ndarray | str | int | date | None,
    *,
    errors: Errors = "raise",
    strict: bool = True,
    unit: Unit = "ns",
    format: DayFormat | None = None,
    codes: Codes = None,
) -> Any:
    """Parse a column of dates in any form :func:`dgplan.parse_date` reads, to ``datetime64[unit]``.

    As ``pd.to_datetime``: a Series gives a Series, an Index a DatetimeIndex, one string a
    Timestamp. Missing values (None, NaN) and blank strings (``''``, white space only, as CSV files
    leave empty cells) become NaT. With ``errors="raise"`` the first bad row is named by
    its index label and value in an :class:`EraError`; with ``errors="coerce"`` bad rows become
    NaT (see :func:`date_failures` for which and why). ``strict`` is passed to ``parse_date``.

    The default unit, nanoseconds, holds 1677-09-22..2262-04-11 only: a date outside it (the
    "no end" placeholder 9999-12-31) is a bad row like any other, never a wrapped-around date.
    ``unit="s"`` holds every date from year 1 to 9999.

    ``format="gyymmdd"`` or ``"g-yymmdd"`` reads a column of records' 元号コード dates (3501231,
    3-501231; integers or text) as :func:`dgplan.parse_date` does with that format: every row
    must be in it (a row in another form is a bad row, not a guess), with ``codes`` the era
    code table. The letter form (S501231) needs no format.

    >>> import dgplan.pandas as dp
    >>> dp.to_datetime(pd.Series([3501231, 4310430, None], dtype="Int64"), format="gyymmdd").tolist()
    [Timestamp('1975-12-31 00:00:00'), Timestamp('2019-04-30 00:00:00'), NaT]
    """
    series = _series(values)
    if errors not in ("raise", "coerce"):
        raise ValueError(f"errors must be 'raise' or 'coerce', not {errors!r}")
    _check_unit(unit)
    _check_format(format, codes)
    parsed, codes_of_rows, uniques, failures = _parse_any(series, strict, unit, format, codes)
    if failures and errors == "raise":
        failed = np.isin(codes_of_rows, np.fromiter(failures, dtype=np.int64))
        first = int(np.flatnonzero(failed)[0])
        label: Hashable = series.index[first]
        code = int(codes_of_rows[first])
        where = "" if _is_scalar(values) else f"row {label!r}: "
        raise EraError(f"{where}{failures[code]}", text=str(uniques[code]))
    return _shaped(values, pd.Series(parsed.astype(f"datetime64[{unit}]"), index=series.index, name=series.name))


def date_failures(
    values: pd.Series | pd.Index | list[object] | np.ndarray,
    *,
    strict: bool = True,
    unit: Unit = "ns",
    format: DayFormat | None = None,
    codes: Codes = None,
) -> pd.DataFrame:
    """The rows :func:`to_datetime` cannot parse (or hold in ``unit``): value and message, by index label."""
    series = _series(values)
    _check_unit(unit)
    _check_format(format, codes)
    _, row_codes, _, failures = _parse_any(series, strict, unit, format, codes)
    failed = np.isin(row_codes, np.fromiter(failures, dtype=np.int64)) if failures else np.zeros(len(row_codes), bool)
    rows = np.flatnonzero(failed)
    return pd.DataFrame(
        {
            # Object dtype, as given: pandas would infer its Arrow-backed str dtype for text,
            # which cannot hold every str (a lone surrogate, '\ud800').
            "value": pd.Series(series.iloc[rows].to_numpy(dtype=object), dtype=object, index=series.index[rows]),
            "error": [failures[int(row_codes[r])] for r in rows],
        },
        index=series.index[rows],
    )


def _as_dates(values: pd.Series) -> pd.Series:
    """A datetime column as it is; a column of text read by :func:`to_datetime` (every form
    ``parse_date`` reads, bad rows named); other values (date objects) by ``pd.to_datetime``."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    if len(values) and _only_strings(values):
        return to_datetime(values)
    return pd.to_datetime(values)


def _days(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    series = _as_dates(values)
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        # The day as it is where the time was written (2019-05-01 08:30 in Tokyo is 令和元年5月1日),
        # not its day in UTC, which numpy's conversion would give.
        series = series.dt.tz_localize(None)
    return series, series.to_numpy(dtype="datetime64[D]")


def to_wareki(
    values: pd.Series | pd.Index | list[object] | np.ndarray | str | date,
    *,
    style: WarekiStyle = "standard",
    western: bool = False,
    codes: Codes = None,
) -> Any:
    """Write a column of dates with their era (:func:`dgplan.format_wareki` styles); NaT stays missing.

    The styles of records (``letter`` S501231, ``gyymmdd`` 3501231, ``g-yymmdd`` 3-501231, with
    ``codes`` the era code table) write what :func:`to_datetime` reads back.

    The column has pandas' text dtype (``str`` from pandas 3 on, object before); a Series gives a
    Series, an Index an Index, one date one string. Dates before 1873 raise :class:`EraError`
    naming the row, as ``format_wareki`` does.

    >>> import pandas as pd
    >>> import dgplan.pandas as dp
    >>> dp.to_wareki(pd.Series(pd.to_datetime(["2021-04-01", None]))).tolist()[0]
    '令和3年4月1日'
    >>> dp.to_wareki("2019-05-01", style="short")
    'R1.5.1'
    """
    series, days = _days(_series(values))
    row_codes, uniques = pd.factorize(days, use_na_sentinel=True)
    formatted = np.empty(len(uniques), dtype=object)
    for position, day in enumerate(pd.DatetimeIndex(uniques).date):
        try:
            formatted[position] = format_wareki(day, style=style, western=western, codes=codes)
        except EraError as error:
            row = int(np.flatnonzero(row_codes == position)[0])
            raise EraError(f"row {series.index[row]!r}: {error}") from None
    written = pd.Series(_take(formatted, row_codes), index=series.index, name=series.name, dtype=_text_dtype())
    return _shaped(values, written)


def _year_month(values: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray, np.ndarray]:
    series = _as_dates(values)
    missing = series.isna().to_numpy()
    year, month = series.dt.year, series.dt.month
    if missing.any():
        year, month = year.fillna(0), month.fillna(0)
    return series, year.to_numpy(dtype=np.int64), month.to_numpy(dtype=np.int64), missing


def _nullable_int(values: np.ndarray, missing: np.ndarray, like: pd.Series) -> pd.Series:
    array = pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)
    return pd.Series(array, index=like.index, name=like.name)


Dates: TypeAlias = "pd.Series | pd.Index | list[object] | np.ndarray | str | date"


def fiscal_year(values: Dates, *, start_month: int = 4) -> Any:
    """The fiscal year of each date, named by the year it starts in (FY2021 = 2021-04-01..2022-03-31).

    Integer arithmetic on datetime64; missing dates give <NA> (a nullable ``Int64`` column). Text
    is read as :func:`to_datetime` reads it (era dates too; a bad row is named). A Series gives a
    Series, an Index an Index, one date an int.

    >>> import dgplan.pandas as dp
    >>> dp.fiscal_year(["令和3年3月31日", "2021-04-01", ""]).tolist()
    [2020, 2021, <NA>]
    >>> dp.fiscal_year("R4.1.15")
    2021
    """
    series, year, month, missing = _year_month(_series(values))
    result = year - (month < start_month)
    return _shaped(values, _nullable_int(result, missing, series))


def fiscal_quarter(values: Dates, *, start_month: int = 4, labels: bool = False) -> Any:
    """The fiscal quarter of each date: 1-4 (Q1 = April-June), <NA> where the date is missing.

    ``labels=True`` is the old spelling of :func:`fiscal_quarter_label` (the accessor's
    ``s.fiscal.quarter_label``): it still works, with a DeprecationWarning.

    >>> import dgplan.pandas as dp
    >>> dp.fiscal_quarter(["2021-04-01", "2022-01-15"]).tolist()
    [1, 4]
    """
    if labels:
        warnings.warn(
            "fiscal_quarter(labels=True) is now fiscal_quarter_label(), the name of s.fiscal.quarter_label",
            DeprecationWarning,
            stacklevel=2,
        )
        return fiscal_quarter_label(values, start_month=start_month)
    series, _, month, missing = _year_month(_series(values))
    quarter = ((month - start_month) % 12) // 3 + 1
    return _shaped(values, _nullable_int(quarter, missing, series))


def fiscal_quarter_label(values: Dates, *, start_month: int = 4) -> Any:
    """The fiscal quarter of each date as a label, ``FY2021-Q2``, in pandas' text dtype (``str``
    from pandas 3 on, object before); missing where the date is. ``s.fiscal.quarter_label``.

    >>> import dgplan.pandas as dp
    >>> dp.fiscal_quarter_label(["2021-04-01", "令和4年1月15日"]).tolist()
    ['FY2021-Q1', 'FY2021-Q4']
    """
    series, year, month, missing = _year_month(_series(values))
    quarter = ((month - start_month) % 12) // 3 + 1
    fiscal = year - (month < start_month)
    keys = np.where(missing, -1, fiscal * 10 + quarter)
    codes, uniques = pd.factorize(keys)
    names = np.array([None if key < 0 else f"FY{key // 10}-Q{key % 10}" for key in uniques], dtype=object)
    return _shaped(values, pd.Series(names[codes], index=series.index, name=series.name, dtype=_text_dtype()))


def to_months(
    values: pd.Series | pd.Index | list[object] | np.ndarray,
    *,
    format: Literal["gyymm"] | None = None,
    codes: Codes = None,
    errors: Errors = "raise",
) -> Any:
    """Read a column of records' year-months (a claim's 診療年月) as monthly periods (``period[M]``).

    Each distinct value is read by :func:`dgplan.records.parse_month`: ``R0304`` and ``R03.04``
    as they are, ``50304`` (text or integers) with ``format="gyymm"``. A bad row raises an
    :class:`EraError` naming it, or is NaT with ``errors="coerce"``; missing and blank rows are NaT.

    >>> import dgplan.pandas as dp
    >>> dp.to_months([50304, 43104, None], format="gyymm").tolist()
    [Period('2021-04', 'M'), Period('2019-04', 'M'), NaT]
    """
    series = _series(values)
    if errors not in ("raise", "coerce"):
        raise ValueError(f"errors must be 'raise' or 'coerce', not {errors!r}")
    if format not in (None, "gyymm"):
        raise ValueError(f"to_months reads format 'gyymm' (or letter forms with None), not {format!r}")
    row_codes, uniques = _record_uniques(series)
    months = np.full(len(uniques), np.datetime64("NaT"), dtype="datetime64[M]")
    for position, value in enumerate(uniques):
        if isinstance(value, str) and not value.strip():
            continue
        try:
            months[position] = np.datetime64(parse_month(value, format=format, codes=codes).start, "M")
        except DgplanError as error:
            if errors == "raise":
                row = int(np.flatnonzero(row_codes == position)[0])
                raise EraError(f"row {series.index[row]!r}: {error}", text=str(value)) from None
    periods = pd.PeriodIndex(_take(months, row_codes), freq="M")
    return _shaped(values, pd.Series(periods, index=series.index, name=series.name))


def parse_periods(
    values: pd.Series | pd.Index | list[object] | np.ndarray,
    *,
    reference: date | None = None,
    errors: Errors = "raise",
    unit: Unit = "ns",
) -> pd.DataFrame:
    """Resolve a column of period phrases (令和3年度, 令和4年夏, 令和3年度第2四半期) to ``start`` and ``end``.

    As with :func:`to_datetime`, a period that ``datetime64[unit]`` cannot hold is a bad row.
    """
    series = _series(values)
    _check_unit(unit)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    starts = np.full(len(uniques), np.datetime64("NaT"), dtype="datetime64[D]")
    ends = starts.copy()
    for position, value in enumerate(uniques):
        try:
            interval = parse_period(str(value), reference=reference)
        except DgplanError as error:
            if errors == "raise":
                row = int(np.flatnonzero(codes == position)[0])
                raise type(error)(f"row {series.index[row]!r}: {error}", text=str(value)) from None
            continue
        bounds = np.array([interval.start, interval.end], dtype="datetime64[D]")
        if not _fits(bounds, unit).all():
            if errors == "raise":
                row = int(np.flatnonzero(codes == position)[0])
                message = _range_message(value, bounds[0] if not _fits(bounds[:1], unit)[0] else bounds[1], unit)
                raise PeriodError(f"row {series.index[row]!r}: {message}", text=str(value))
            continue
        starts[position], ends[position] = bounds

    return pd.DataFrame(
        {
            "start": _take(starts, codes).astype(f"datetime64[{unit}]"),
            "end": _take(ends, codes).astype(f"datetime64[{unit}]"),
        },
        index=series.index,
    )


@pd.api.extensions.register_series_accessor("wareki")
class WarekiAccessor:
    """``s.wareki.to_datetime()``, ``s.wareki.format(style=...)``, ``s.wareki.failures()``."""

    def __init__(self, series: pd.Series) -> None:
        self._series = series

    def to_datetime(
        self,
        *,
        errors: Errors = "raise",
        strict: bool = True,
        unit: Unit = "ns",
        format: DayFormat | None = None,
        codes: Codes = None,
    ) -> pd.Series:
        return to_datetime(self._series, errors=errors, strict=strict, unit=unit, format=format, codes=codes)

    def format(self, *, style: WarekiStyle = "standard", western: bool = False, codes: Codes = None) -> pd.Series:
        return to_wareki(self._series, style=style, western=western, codes=codes)  # type: ignore[no-any-return]

    def failures(
        self, *, strict: bool = True, unit: Unit = "ns", format: DayFormat | None = None, codes: Codes = None
    ) -> pd.DataFrame:
        return date_failures(self._series, strict=strict, unit=unit, format=format, codes=codes)


@pd.api.extensions.register_series_accessor("fiscal")
class FiscalAccessor:
    """``s.fiscal.year``, ``s.fiscal.quarter``, ``s.fiscal.quarter_label`` for a datetime column."""

    def __init__(self, series: pd.Series) -> None:
        self._series = series

    @property
    def year(self) -> pd.Series:
        return fiscal_year(self._series)  # type: ignore[no-any-return]

    @property
    def quarter(self) -> pd.Series:
        return fiscal_quarter(self._series)  # type: ignore[no-any-return]

    @property
    def quarter_label(self) -> pd.Series:
        return fiscal_quarter_label(self._series)  # type: ignore[no-any-return]
