"""Records' era dates to datetime64 (issue 33): dgplan.pandas.to_datetime on the compact forms
against pd.to_datetime on the same days written in ISO (2021-04-01) and as %Y%m%d, in one run.

Columns of ROWS rows (default 10,000,000; ``--rows N`` for fewer), days drawn from 1950-2030 (about
29,000 distinct, as a ledger or a claims extract has): letter strings (S501231), 元号コード strings
(3501231, format="gyymmdd"), 元号コード integers (an int64 column) and the same integers with gaps
(nullable Int64). Run: python benchmarks/bench_records.py [--rows N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best_of, ratio_line

import dgplan.pandas as dp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    rows = parser.parse_args().rows
    repeat = parser.parse_args().repeat

    rng = np.random.default_rng(33)
    first, last = np.datetime64("1950-01-01"), np.datetime64("2030-12-31")
    days = first + rng.integers(0, int((last - first).astype(np.int64)) + 1, rows).astype("timedelta64[D]")
    distinct, codes = np.unique(days, return_inverse=True)
    distinct_series = pd.Series(distinct)

    def spread(values: pd.Series) -> np.ndarray:
        return values.to_numpy(dtype=object)[codes]

    iso = spread(distinct_series.dt.strftime("%Y-%m-%d"))
    compact_west = spread(distinct_series.dt.strftime("%Y%m%d"))
    letter = spread(dp.to_wareki(distinct_series, style="letter"))
    code_text = spread(dp.to_wareki(distinct_series, style="gyymmdd"))
    code_int = np.asarray(code_text.astype(np.int64))
    west_int = np.asarray(compact_west.astype(np.int64))
    code_gaps = pd.array(code_int, dtype="Int64")
    code_gaps[::100] = pd.NA
    expected = pd.Series(days).to_numpy("datetime64[D]")

    iso_series, letter_series = pd.Series(iso, dtype=object), pd.Series(letter, dtype=object)
    code_series, code_ints = pd.Series(code_text, dtype=object), pd.Series(code_int)
    west_series, west_ints = pd.Series(compact_west, dtype=object), pd.Series(west_int)
    gap_series = pd.Series(code_gaps)

    # The same answers first: a benchmark of wrong results measures nothing.
    for name, got in (
        ("letter", dp.to_datetime(letter_series)),
        ("gyymmdd text", dp.to_datetime(code_series, format="gyymmdd")),
        ("gyymmdd int64", dp.to_datetime(code_ints, format="gyymmdd")),
    ):
        assert np.array_equal(got.to_numpy("datetime64[D]"), expected), name

    iso_time = best_of(lambda: pd.to_datetime(iso_series, format="%Y-%m-%d"), repeat)
    west_text_time = best_of(lambda: pd.to_datetime(west_series, format="%Y%m%d"), repeat)
    west_int_time = best_of(lambda: pd.to_datetime(west_ints.astype(str), format="%Y%m%d"), repeat)
    print(f"{rows:,} rows, {len(distinct):,} distinct days; best of {repeat}")
    print(f"{'pd.to_datetime ISO strings (the ceiling)':<52} {iso_time * 1000:9.1f} ms")
    timings = (
        ("letter strings S501231", lambda: dp.to_datetime(letter_series), iso_time, "ISO"),
        ("letter strings S501231", lambda: dp.to_datetime(letter_series), west_text_time, "%Y%m%d"),
        ("gyymmdd strings", lambda: dp.to_datetime(code_series, format="gyymmdd"), iso_time, "ISO"),
        ("gyymmdd strings", lambda: dp.to_datetime(code_series, format="gyymmdd"), west_text_time, "%Y%m%d"),
        ("gyymmdd int64", lambda: dp.to_datetime(code_ints, format="gyymmdd"), iso_time, "ISO"),
        ("gyymmdd int64", lambda: dp.to_datetime(code_ints, format="gyymmdd"), west_int_time, "%Y%m%d int"),
        ("gyymmdd Int64 with gaps", lambda: dp.to_datetime(gap_series, format="gyymmdd"), iso_time, "ISO"),
    )
    for name, run, reference, reference_name in timings:
        print(ratio_line(f"{name} vs {reference_name}", best_of(run, repeat), reference, reference_name))


if __name__ == "__main__":
    main()
