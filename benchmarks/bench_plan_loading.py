"""Plan loading grows linearly with the file: time for 2N measures over time for N.

A ratio near 2 is linear; near 4 is quadratic (the duplicate-id check once used ``list.count``
and took 137 s on a 10 MB plan). Run: python benchmarks/bench_plan_loading.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best_of

from dgplan import load_plan
from dgplan.plan_io import parse_plan


def plan_text(count: int) -> str:
    """YAML for ``count`` measures cycled from the bundled plan and renumbered (unique ids)."""
    data = load_plan().to_data()
    base = data["measures"]
    measures = []
    for index in range(count):
        measure = dict(base[index % len(base)])
        measure_id = f"{index // 999 + 1}-{index % 999 + 1}"
        measure["id"] = measure_id
        # Child ids carry the measure id; let the loader number them again.
        # (and drop their links to KPIs, which name the original ids)
        measure["milestones"] = [
            {k: v for k, v in m.items() if k not in ("id", "kpi")} for m in measure.get("milestones", [])
        ]
        measure["kpis"] = [{k: v for k, v in k_.items() if k != "id"} for k_ in measure.get("kpis", [])]
        measures.append(measure)
    # Sections are listed in the bundled plan; synthetic measures keep their section letters.
    return yaml.safe_dump({**data, "measures": measures}, allow_unicode=True, sort_keys=False)


def report_growth() -> None:
    """The HTML report on N and 2N measures: it too should double, not quadruple."""
    from datetime import date

    from bench_plan import synthetic

    from dgplan.report import render_report

    plan = load_plan()
    previous = None
    for count in (2_000, 4_000, 8_000):
        big = synthetic(count, plan)
        seconds = best_of(lambda b=big: render_report(b, date(2022, 11, 26), fmt="html"), repeat=2)
        ratio = "" if previous is None else f"   ratio {seconds / previous:.2f}"
        print(f"{count:>6,} measures: HTML report {seconds:7.2f} s{ratio}")
        previous = seconds


def main() -> None:
    previous = None
    for count in (1_000, 2_000, 4_000, 8_000):
        text = plan_text(count)
        seconds = best_of(lambda t=text: parse_plan(t), repeat=2)
        ratio = "" if previous is None else f"   ratio {seconds / previous:.2f} (2 = linear, 4 = quadratic)"
        print(f"{count:>6,} measures ({len(text) / 1e6:5.1f} MB): load {seconds:7.2f} s{ratio}")
        previous = seconds
    report_growth()


if __name__ == "__main__":
    main()
