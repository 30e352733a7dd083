"""dgplan.polars against polars' own date parsing, on 1,000,000 rows.

- .wareki.to_date() on ISO strings vs .str.to_date("%Y-%m-%d") on the same strings
- .wareki.to_date() on era strings (令和3年4月1日, R3.4.1) vs .str.to_date on their ISO form
- .wareki.to_date() on every day 1873-2099 once, as era strings (nothing repeats) vs .str.to_date
- .fiscal.year() on a Date column vs the same arithmetic written as polars expressions
Run: python benchmarks/bench_polars.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best_of, ratio_line

import dgplan.polars  # noqa: F401 - registers .wareki and .fiscal
from dgplan import format_wareki

ROWS = 1_000_000


def main() -> None:
    rng = np.random.default_rng(2021)
    first = np.datetime64("1989-01-08")
    span = int((np.datetime64("2040-12-31") - first).astype(int))
    # A plan's dates repeat: a few thousand distinct days over a million rows.
    distinct = first + np.sort(rng.choice(span, 5_000, replace=False)).astype("timedelta64[D]")
    days = distinct[rng.integers(0, len(distinct), ROWS)]
    iso = pl.Series("日付", days.astype(str))
    era_text = {str(day): format_wareki(day.astype(object)) for day in distinct}
    wareki = iso.replace_strict(list(era_text), list(era_text.values()))
    frame = pl.DataFrame({"iso": iso, "wareki": wareki})

    expected = frame.select(pl.col("iso").str.to_date("%Y-%m-%d")).to_series()
    assert frame.select(pl.col("iso").wareki.to_date()).to_series().equals(expected)
    assert frame.select(pl.col("wareki").wareki.to_date()).to_series().equals(expected)

    reference = best_of(lambda: frame.select(pl.col("iso").str.to_date("%Y-%m-%d")))
    ours = best_of(lambda: frame.select(pl.col("iso").wareki.to_date()))
    print(ratio_line("wareki.to_date, 1,000,000 ISO strings", ours, reference, "str.to_date"))
    ours = best_of(lambda: frame.select(pl.col("wareki").wareki.to_date()))
    print(ratio_line("wareki.to_date, 1,000,000 era strings", ours, reference, "str.to_date (ISO)"))

    # Every day from 1873 to 2099 once, shuffled: nothing repeats for the reader to reuse.
    every_day = np.arange(np.datetime64("1873-01-01"), np.datetime64("2100-01-01"))
    rng.shuffle(every_day)
    all_distinct = pl.DataFrame({"d": [format_wareki(day.astype(object)) for day in every_day]})
    plain = pl.DataFrame({"d": every_day.astype(str)})
    assert (
        all_distinct.select(pl.col("d").wareki.to_date())
        .to_series()
        .equals(plain.select(pl.col("d").str.to_date("%Y-%m-%d")).to_series())
    )
    reference = best_of(lambda: plain.select(pl.col("d").str.to_date("%Y-%m-%d")))
    ours = best_of(lambda: all_distinct.select(pl.col("d").wareki.to_date()))
    name = f"wareki.to_date, {len(every_day):,} distinct era strings"
    print(ratio_line(name, ours, reference, "str.to_date (ISO)"))

    dates = frame.select(pl.col("iso").str.to_date("%Y-%m-%d"))
    inline = pl.col("iso").dt.year() - (pl.col("iso").dt.month() < 4).cast(pl.Int32)
    reference = best_of(lambda: dates.select(inline))
    ours = best_of(lambda: dates.select(pl.col("iso").fiscal.year()))
    print(ratio_line("fiscal.year, 1,000,000 dates", ours, reference, "inline expression"))


if __name__ == "__main__":
    main()
