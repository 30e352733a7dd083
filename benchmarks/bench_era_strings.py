"""Era date strings to datetime64: dgplan.pandas.to_datetime against pd.to_datetime on ISO strings.

Three shapes of 1,000,000 strings: a ledger column (10,000 distinct dates in one style, repeated),
any day 1989-2100 in any of four styles (about 160,000 distinct strings), and 1,000,000 distinct
strings (any day 1873-2117 in twelve styles, one of them in kanji numerals); each form alone on
every day 1873-2117 (89,485 distinct strings); the diverse shape as pandas' Arrow-backed text.
And a per-element loop with japanera on a 20,000-row sample, scaled to 1,000,000, timed in a
fresh process (a process holding millions of strings slows any Python loop down).

Each line is the median of interleaved rounds (ours, then the reference, alternating) with the
spread of the per-round ratios: the machine is shared, so single runs move.
Run: python benchmarks/bench_era_strings.py [--rounds N] [--no-japanera]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _paired import paired, paired_line

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


# Twelve ways to write a day (one of them in kanji numerals); with every day 1873-2117 (era years
# of one or two digits) that is over 1,000,000 different strings.
DISTINCT_STYLES: tuple[Callable[[date], str], ...] = (
    lambda d: styles(d, 0),
    lambda d: styles(d, 1),
    lambda d: styles(d, 2),
    lambda d: styles(d, 3),
    lambda d: d.isoformat(),
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: format_wareki(d, style="kanji"),  # 平成三十年十二月一日: one row in twelve
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


#: Each form on its own, every day 1873-2117 once: the cost per distinct value of each form.
FORMS: tuple[tuple[str, Callable[[date], str]], ...] = (
    ("令和3年4月1日", format_wareki),
    ("令和３年４月１日 (full-width)", lambda d: format_wareki(d, style="fullwidth")),
    ("令和3年(2021年)4月1日", lambda d: styles(d, 3)),
    ("R3.4.1", _short),
    ("R030401 (records)", lambda d: format_wareki(d, style="letter")),
    ("令和三年四月一日 (kanji)", lambda d: format_wareki(d, style="kanji")),
    ("令和三年（二〇二一年）四月一日", lambda d: format_wareki(d, style="kanji", western=True)),
)

ROUNDS = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 5


def compare(name: str, ours: Callable[[], object], reference: Callable[[], object], *, per: int = 1) -> None:
    result = paired(ours, reference, rounds=ROUNDS)
    unit = "us" if per > 1 else "ms"
    print(paired_line(name, result, "pd.to_datetime ISO", unit=unit, per=per), flush=True)


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
        compare(
            f"to_datetime, {name}",
            lambda c=column: dp.to_datetime(c),
            lambda i=iso: pd.to_datetime(i, format="%Y-%m-%d"),
        )
        compare(
            f"  the Python path alone, {name}",
            lambda c=column: without_compiled_reader(dp.to_datetime, c),
            lambda i=iso: pd.to_datetime(i, format="%Y-%m-%d"),
        )

    # Each form alone, every day it can name once (per distinct value, in microseconds).
    every_day = [date(1873, 1, 1) + timedelta(days=n) for n in range((date(2117, 12, 31) - date(1873, 1, 1)).days + 1)]
    every_iso = pd.Series([d.isoformat() for d in every_day], dtype=object)
    for name, write in FORMS:
        column = pd.Series([write(d) for d in every_day], dtype=object)
        assert (dp.to_datetime(column) == pd.to_datetime(every_iso, format="%Y-%m-%d")).all()
        compare(
            f"per distinct value: {name}",
            lambda c=column: dp.to_datetime(c),
            lambda: pd.to_datetime(every_iso, format="%Y-%m-%d"),
            per=len(column),
        )

    # pandas 3's default string dtype holds Arrow data: dgplan reads it in its buffers.
    for dtype in ("str", "string[pyarrow]"):
        arrow_diverse, arrow_iso = diverse.astype(dtype), diverse_iso.astype(dtype)
        assert (dp.to_datetime(arrow_diverse) == pd.to_datetime(arrow_iso, format="%Y-%m-%d")).all()
        compare(
            f"to_datetime, diverse, dtype {arrow_diverse.dtype!r}",
            lambda a=arrow_diverse: dp.to_datetime(a),
            lambda i=arrow_iso: pd.to_datetime(i, format="%Y-%m-%d"),
        )
        arrow_distinct, arrow_distinct_iso = distinct.astype(dtype), distinct_iso.astype(dtype)
        compare(
            f"to_datetime, all distinct, dtype {arrow_distinct.dtype!r}",
            lambda a=arrow_distinct: dp.to_datetime(a),
            lambda i=arrow_distinct_iso: pd.to_datetime(i, format="%Y-%m-%d"),
        )

    if "--no-japanera" in sys.argv:
        return
    try:
        import japanera  # noqa: F401
    except ImportError:
        print("japanera is not installed: pip install japanera to compare with a per-element loop")
        return
    # japanera reads one format per call; the ledger's style is the one it reads: 令和3年4月1日.
    # It is timed in a fresh process: this one holds millions of strings, which slows every
    # allocation of a Python loop (the previous figure was taken here, and was too slow).
    sample = ledger.iloc[:20_000].tolist()
    loop = _japanera_in_fresh_process(sample) * (ROWS / len(sample))
    for name, column in (("ledger", ledger), ("diverse", diverse)):
        result = paired(lambda c=column: dp.to_datetime(c), lambda: None, rounds=ROUNDS)
        ours = sorted(result.ours)[len(result.ours) // 2]
        print(f"japanera loop (20,000 rows in a fresh process, x50): {loop:.2f} s; dgplan {name}: {ours * 1000:.1f} ms")
        print(f"  dgplan on the {name} shape is {loop / ours:.0f}x faster than the japanera loop")


def _japanera_in_fresh_process(sample: list[str]) -> float:
    """The median of three timings of japanera's loop over ``sample``, in a new interpreter."""
    import json
    import subprocess

    script = (
        "import json, sys, time\n"
        "from japanera import EraDate\n"
        "sample = json.loads(sys.stdin.read())\n"
        "times = []\n"
        "for _ in range(3):\n"
        "    start = time.perf_counter()\n"
        "    [EraDate.strptime(text, '%-K%-y年%m月%d日')[0] for text in sample]\n"
        "    times.append(time.perf_counter() - start)\n"
        "print(sorted(times)[1])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps(sample), capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip())


if __name__ == "__main__":
    main()
