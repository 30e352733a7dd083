"""find_deadlines throughput on the 2021 plan's text, 1x, 4x and 16x, against one NFKC + regex pass.

The text is not part of the repository: set DGPLAN_PLAN_TEXT to a copy of the plan's text (by
default /work/shared/sources/digital-priority-plan-2021.txt); without it the benchmark says so
and stops. Printed for each size: the time of find_deadlines (and of its normalisation alone),
characters per second, the growth from the previous size (4x = linear), and the reference: NFKC
of the whole text plus one pass of a deadline-like regular expression, in the same run. Times are
medians of rounds that alternate ours and the reference; the ratio is the median of the rounds'
ratios, with their spread (the machine is shared: single runs move).
Run: python benchmarks/bench_find_deadlines.py
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import statistics

from _paired import paired

from dgplan import find_deadlines
from dgplan._text import normalize_mapped

SOURCE = Path(os.environ.get("DGPLAN_PLAN_TEXT", "/work/shared/sources/digital-priority-plan-2021.txt"))
# What a single scan looks for: an era year or fiscal year with an optional suffix.
REFERENCE = re.compile(r"(?:令和|平成)(?:\d+|元)年度?(?:\(\d{4}年度?\))?(?:末|中|以降|から|まで(?:に)?)?")


def reference_pass(text: str) -> int:
    return sum(1 for _ in REFERENCE.finditer(unicodedata.normalize("NFKC", text)))


def main() -> None:
    if not SOURCE.is_file():
        print(f"skipped: the plan's text is not at {SOURCE} (set DGPLAN_PLAN_TEXT to its path)")
        return
    base = SOURCE.read_text(encoding="utf-8")
    reference_day = date(2021, 6, 18)
    print(
        f"{'size':>5} {'chars':>10} {'find_deadlines s':>16} {'chars/s':>10} {'growth':>7}"
        f" {'normalise s':>11} {'NFKC+regex s':>12} {'chars/s':>11} {'ratio':>6}"
    )
    previous = None
    for factor in (1, 4, 16):
        text = "\n".join([base] * factor)
        rounds = 5 if factor < 16 else 3
        found = len(find_deadlines(text, reference=reference_day))
        result = paired(
            lambda t=text: find_deadlines(t, reference=reference_day), lambda t=text: reference_pass(t), rounds=rounds
        )
        normal = paired(lambda t=text: normalize_mapped(t), lambda: None, rounds=rounds)
        ours, reference = statistics.median(result.ours), statistics.median(result.reference)
        low, high = result.ratio_spread
        growth = "" if previous is None else f"{ours / previous:.1f}x"
        print(
            f"{factor:>4}x {len(text):>10,} {ours:16.2f} {len(text) / ours:10,.0f} {growth:>7}"
            f" {statistics.median(normal.ours):11.2f} {reference:12.3f} {len(text) / reference:11,.0f}"
            f" {result.ratio:5.1f}x ({low:.1f}-{high:.1f})   ({found} deadlines)",
            flush=True,
        )
        previous = ours


if __name__ == "__main__":
    main()
