"""Do the parsers stay linear on hostile text? Time each on 10 kB and 20 kB of the same pattern.

A linear parser takes about twice as long on twice the text (ratio near 2.0); a quadratic one
about four times. Printed as growth ratios, measured in the same run; nothing is asserted.
Run: python benchmarks/bench_parser_growth.py
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import suppress
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best_of

from dgplan import DgplanError, find_deadlines, parse_date, parse_deadline, parse_period

PATTERNS = {
    "kanji numerals": "一",
    "era names": "令和",
    "era years": "令和3年",
    "recurring words": "毎年度",
    "ranges": "令和3年度から",
    "joiners": "~",
    "brackets": "(",
    "clauses with intent": "令和3年度に実施予定、",
    "glued footnotes": "毎年度114末",
}
PARSERS: dict[str, Callable[[str], object]] = {
    "find_deadlines": lambda text: find_deadlines(text, reference=date(2024, 4, 1), citations=True),
    "parse_deadline": parse_deadline,
    "parse_period": parse_period,
    "parse_date": parse_date,
}


def run(parser: Callable[[str], object], text: str) -> None:
    with suppress(DgplanError):
        parser(text)


def main() -> None:
    print(f"{'pattern':<22} {'parser':<16} {'10 kB ms':>10} {'20 kB ms':>10}  growth")
    for name, unit in PATTERNS.items():
        small = unit * (10_000 // len(unit))
        large = unit * (20_000 // len(unit))
        for parser_name, parser in PARSERS.items():
            t_small = best_of(lambda: run(parser, small))  # noqa: B023
            t_large = best_of(lambda: run(parser, large))  # noqa: B023
            print(
                f"{name:<22} {parser_name:<16} {t_small * 1000:10.1f} {t_large * 1000:10.1f}  {t_large / t_small:5.2f}x"
            )


if __name__ == "__main__":
    main()
