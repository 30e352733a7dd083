"""Era date strings to datetime64: dgplan.pandas.to_datetime against pd.to_datetime on ISO strings.

Two shapes of 1,000,000 strings: a ledger column (10,000 distinct dates in one style, repeated) and
any day 1989-2100 in any of four styles (about 160,000 distinct strings). And a per-element loop
with japanera on a 20,000-row sample, scaled to 1,000,000. Run: python benchmarks/bench_era_strings.py
"""

from __future__ import annotations

import sys
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


def main() -> None:
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

    assert (dp.to_datetime(ledger) == pd.to_datetime(ledger_iso, format="%Y-%m-%d")).all()
    assert (dp.to_datetime(diverse) == pd.to_datetime(diverse_iso, format="%Y-%m-%d")).all()

    for name, column, iso in (
        ("ledger (10,000 distinct, one style)", ledger, ledger_iso),
        ("diverse (any day, four styles)", diverse, diverse_iso),
    ):
        ours = best_of(lambda c=column: dp.to_datetime(c))
        reference = best_of(lambda i=iso: pd.to_datetime(i, format="%Y-%m-%d"))
        print(ratio_line(f"to_datetime, {name}", ours, reference, "pd.to_datetime ISO"))

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
