"""Era date strings to datetime64: dgplan.pandas.to_datetime against pd.to_datetime on ISO strings.

Three shapes of 1,000,000 strings: a ledger column (10,000 distinct dates in one style, repeated),
any day 1989-2100 in any of four styles (about 160,000 distinct strings), and 1,000,000 distinct
strings (any day 1873-2117 in twelve styles). And a per-element loop
with japanera on a 20,000-row sample, scaled to 1,000,000. Run: python benchmarks/bench_era_strings.py
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best_of, ratio_line

import dgplan.pandas as dp
from dgplan import format_wareki

ROWS = 1_000_000
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def styles(day: date, which: int) -> str:
    if which == 0:
        return format_wareki(day)
    if which == 1:
        return format_wareki(day).translate(FULLWIDTH)
    if which == 2:
        return format_wareki(day, style="short")
    return format_wareki(day, western=True).replace("（", "(").replace("）", ")")


def _short(day: date) -> str:
    return format_wareki(day, style="short")


# Twelve ways to write a day; with every day 1873-2117 (era years of one or two digits) that is
# over 1,000,000 different strings.
DISTINCT_STYLES: tuple[Callable[[date], str], ...] = (
    lambda d: styles(d, 0),
    lambda d: styles(d, 1),
    lambda d: styles(d, 2),
    lambda d: styles(d, 3),
    lambda d: d.isoformat(),
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year}.{d.month}.{d.day}",
    lambda d: _short(d).replace(".", "/"),
    lambda d: _short(d).lower(),
    lambda d: _short(d)[0] + "{:02d}.{:02d}.{:02d}".format(*map(int, _short(d)[1:].split("."))),
    lambda d: format_wareki(d)[:1] + _short(d)[1:],
)


def all_distinct(rng: np.random.Generator) -> tuple[pd.Series, pd.Series]:
    """1,000,000 different strings: days 1873-2117 in twelve styles, each (day, style) once."""
    first = date(1873, 1, 1)
    span = (date(2117, 12, 31) - first).days + 1
    count = len(DISTINCT_STYLES)
    picks = rng.choice(span * count, ROWS, replace=False)
    texts, isos = [], []
    for pick in picks.tolist():
        day = first + timedelta(days=pick // count)
        texts.append(DISTINCT_STYLES[pick % count](day))
        isos.append(day.isoformat())
    return pd.Series(texts, dtype=object), pd.Series(isos, dtype=object)


def without_compiled_reader(convert: Callable[[pd.Series], pd.Series], column: pd.Series) -> pd.Series:
    """What a machine without a C compiler runs: dgplan.pandas' Python path alone."""
    saved, dp._compiled = dp._compiled, None
    try:
        return convert(column)
    finally:
        dp._compiled = saved


def main() -> None:
    if dp._compiled is None:
        print("dgplan._fastdate is not built here: every figure below is the Python path's")
    rng = np.random.default_rng(2021)
    first, span = date(1989, 1, 8), (date(2100, 12, 31) - date(1989, 1, 8)).days

    # Shape 1: a ledger column, 10,000 distinct dates in one style, repeated.
    distinct = [first + timedelta(days=int(n)) for n in rng.choice(span, 10_000, replace=False)]
    picks = rng.integers(0, len(distinct), ROWS)
    ledger = pd.Series([format_wareki(distinct[i]) for i in range(len(distinct))], dtype=object).iloc[picks]
    ledger_iso = pd.Series([distinct[i].isoformat() for i in range(len(distinct))], dtype=object).iloc[picks]
    ledger, ledger_iso = ledger.reset_index(drop=True), ledger_iso.reset_index(drop=True)

    # Shape 2: any day 1989-2100 in any of four styles.
    days = [first + timedelta(days=int(n)) for n in rng.integers(0, span, ROWS)]
    which = rng.integers(0, 4, ROWS)
    cache: dict[tuple[date, int], str] = {}
    texts = [cache.setdefault((d, int(w)), styles(d, int(w))) for d, w in zip(days, which, strict=True)]
    diverse = pd.Series(texts, dtype=object)
    diverse_iso = pd.Series([d.isoformat() for d in days], dtype=object)
    print(f"diverse shape: {diverse.nunique():,} distinct strings in {ROWS:,} rows")
    distinct, distinct_iso = all_distinct(rng)
    print(f"all-distinct shape: {distinct.nunique():,} distinct strings in {ROWS:,} rows")

    assert (dp.to_datetime(ledger) == pd.to_datetime(ledger_iso, format="%Y-%m-%d")).all()
    assert (dp.to_datetime(diverse) == pd.to_datetime(diverse_iso, format="%Y-%m-%d")).all()
    assert (dp.to_datetime(distinct) == pd.to_datetime(distinct_iso, format="%Y-%m-%d")).all()

    for name, column, iso in (
        ("ledger (10,000 distinct, one style)", ledger, ledger_iso),
        ("diverse (any day, four styles)", diverse, diverse_iso),
        ("all distinct (1873-2117, twelve styles)", distinct, distinct_iso),
    ):
        ours = best_of(lambda c=column: dp.to_datetime(c))
        reference = best_of(lambda i=iso: pd.to_datetime(i, format="%Y-%m-%d"))
        print(ratio_line(f"to_datetime, {name}", ours, reference, "pd.to_datetime ISO"))
        python_path = best_of(lambda c=column: without_compiled_reader(dp.to_datetime, c))
        print(ratio_line(f"  the Python path alone, {name}", python_path, reference, "pd.to_datetime ISO"))

    # pandas 3's default string dtype holds Arrow data: dgplan reads such a column by distinct value.
    arrow_diverse, arrow_iso = diverse.astype("str"), diverse_iso.astype("str")
    ours = best_of(lambda: dp.to_datetime(arrow_diverse))
    reference = best_of(lambda: pd.to_datetime(arrow_iso, format="%Y-%m-%d"))
    print(ratio_line(f"to_datetime, diverse, dtype {arrow_diverse.dtype}", ours, reference, "pd.to_datetime ISO"))

    if "--no-japanera" in sys.argv:
        return
    try:
        from japanera import EraDate
    except ImportError:
        print("japanera is not installed: pip install japanera to compare with a per-element loop")
        return
    # japanera reads one format per call; the ledger's style is the one it reads: 令和3年4月1日.
    sample = ledger.iloc[:20_000].tolist()

    def japanera_loop() -> list[object]:
        return [EraDate.strptime(text, "%-K%-y年%m月%d日")[0] for text in sample]

    loop = best_of(japanera_loop, repeat=1) * (ROWS / len(sample))
    for name, column in (("ledger", ledger), ("diverse", diverse)):
        ours = best_of(lambda c=column: dp.to_datetime(c))
        print(ratio_line(f"japanera loop (20,000 rows, x50) vs dgplan {name}", loop, ours, f"dgplan {name}"))
        print(f"  dgplan on the {name} shape is {loop / ours:.0f}x faster than the japanera loop")


if __name__ == "__main__":
    main()
