"""Dates to era strings and to fiscal years, on 1,000,000 datetimes, against pandas' own references.

- dgplan.pandas.to_wareki vs Series.dt.strftime("%Y-%m-%d")
- dgplan.pandas.fiscal_year vs Series.dt.to_period("Y-MAR") (which names a year by its end: +1)
Run: python benchmarks/bench_conversions.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best_of, ratio_line

import dgplan.pandas as dp

ROWS = 1_000_000


def main() -> None:
    rng = np.random.default_rng(2021)
    first = np.datetime64("1989-01-08")
    days = first + rng.integers(0, (np.datetime64("2100-12-31") - first).astype(int), ROWS).astype("timedelta64[D]")
    series = pd.Series(days.astype("datetime64[ns]"))

    periods = series.dt.to_period("Y-MAR")
    assert (dp.fiscal_year(series).to_numpy() == periods.dt.year.to_numpy() - 1).all()

    ours = best_of(lambda: dp.to_wareki(series))
    reference = best_of(lambda: series.dt.strftime("%Y-%m-%d"))
    print(ratio_line("to_wareki, 1,000,000 datetimes", ours, reference, "dt.strftime"))

    ours = best_of(lambda: dp.fiscal_year(series))
    reference = best_of(lambda: series.dt.to_period("Y-MAR"))
    print(ratio_line("fiscal_year, 1,000,000 datetimes", ours, reference, "dt.to_period Y-MAR"))

    ours = best_of(lambda: dp.fiscal_quarter(series))
    reference = best_of(lambda: series.dt.to_period("Q-MAR"))
    print(ratio_line("fiscal_quarter, 1,000,000 datetimes", ours, reference, "dt.to_period Q-MAR"))


if __name__ == "__main__":
    main()
