"""Dates to era strings and to fiscal years, on 1,000,000 datetimes, against pandas' own references.

- dgplan.pandas.to_wareki vs Series.dt.strftime("%Y-%m-%d")
- dgplan.pandas.fiscal_year vs Series.dt.to_period("Y-MAR") (which names a year by its end: +1)
- per call: parse_period, parse_deadline and FiscalYear.parse vs datetime.strptime, on a phrase
  repeated (answered from their bounded caches) and on 10,000 distinct phrases in turn (more than
  the caches hold, so each call reads its phrase anew)
Each line is the median of interleaved rounds with the spread of the per-round ratios.
Run: python benchmarks/bench_conversions.py [--rounds N]
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _paired import paired, paired_line

import dgplan.pandas as dp
from dgplan import FiscalYear, parse_deadline, parse_period

ROWS = 1_000_000
ROUNDS = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 5
DISTINCT = 10_000


def per_call() -> None:
    """The per-call parsers against strptime, calls of both sides in equal number."""
    days = [date(2019, 5, 1) + timedelta(days=n) for n in range(DISTINCT)]
    isos = [day.isoformat() for day in days]
    day_phrases = [f"令和{day.year - 2018}年{day.month}月{day.day}日" for day in days]
    fiscal_labels = [f"FY{1886 + n % 8000}" for n in range(DISTINCT)]
    # Shapes the fast path for 令和3年度 and 令和3年4月1日 does not take: months and their parts,
    # 4,176 of them (more than the cache holds), in turn, as many calls as the others.
    parts = [
        f"{era}{year}年{month}{part}"
        for era in ("平成", "令和")
        for year in range(2, 31)
        for month in range(1, 13)
        for part in ("月", "月末", "月上旬", "月中旬", "月下旬", "月初め")
    ]
    month_phrases = [parts[n % len(parts)] for n in range(DISTINCT)]
    cases = (
        ("parse_period('令和3年度'), repeated", lambda: [parse_period("令和3年度") for _ in isos]),
        ("parse_period, 10,000 distinct days", lambda: [parse_period(text) for text in day_phrases]),
        ("parse_period, 4,176 months and parts in turn", lambda: [parse_period(text) for text in month_phrases]),
        ("parse_deadline('令和3年度末まで'), repeated", lambda: [parse_deadline("令和3年度末まで") for _ in isos]),
        ("parse_deadline, 10,000 distinct (…日まで)", lambda: [parse_deadline(text + "まで") for text in day_phrases]),
        ("FiscalYear.parse('FY2021'), repeated", lambda: [FiscalYear.parse("FY2021") for _ in isos]),
        ("FiscalYear.parse, 8,000 distinct labels", lambda: [FiscalYear.parse(text) for text in fiscal_labels]),
    )
    for name, ours in cases:
        result = paired(ours, lambda: [datetime.strptime(text, "%Y-%m-%d") for text in isos], rounds=ROUNDS)
        print(paired_line(name, result, "strptime", unit="us", per=len(isos)), flush=True)


def main() -> None:
    rng = np.random.default_rng(2021)
    first = np.datetime64("1989-01-08")
    days = first + rng.integers(0, (np.datetime64("2100-12-31") - first).astype(int), ROWS).astype("timedelta64[D]")
    series = pd.Series(days.astype("datetime64[ns]"))

    periods = series.dt.to_period("Y-MAR")
    assert (dp.fiscal_year(series).to_numpy() == periods.dt.year.to_numpy() - 1).all()

    for name, ours, reference, reference_name in (
        (
            "to_wareki, 1,000,000 datetimes",
            lambda: dp.to_wareki(series),
            lambda: series.dt.strftime("%Y-%m-%d"),
            "dt.strftime",
        ),
        (
            "fiscal_year, 1,000,000 datetimes",
            lambda: dp.fiscal_year(series),
            lambda: series.dt.to_period("Y-MAR"),
            "dt.to_period Y-MAR",
        ),
        (
            "fiscal_quarter, 1,000,000 datetimes",
            lambda: dp.fiscal_quarter(series),
            lambda: series.dt.to_period("Q-MAR"),
            "dt.to_period Q-MAR",
        ),
    ):
        print(paired_line(name, paired(ours, reference, rounds=ROUNDS), reference_name), flush=True)
    per_call()


if __name__ == "__main__":
    main()
