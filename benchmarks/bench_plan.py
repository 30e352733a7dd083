"""Plan loading and queries: the bundled plan, and synthetic plans to show the cost grows linearly.

Run: python benchmarks/bench_plan.py
"""

from __future__ import annotations

import sys
from datetime import date
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best_of

from dgplan import Plan, load_plan
from dgplan.plan_io import parse_plan

AS_OF = date(2022, 1, 15)


def synthetic(count: int, template: Plan) -> Plan:
    """``count`` measures cycled from the bundled plan, renumbered: the same mix of deadlines."""
    measures = []
    base = template.measures
    for index in range(count):
        source = base[index % len(base)]
        measure_id = f"{index // 1000 + 1}-{index % 1000 + 1}"
        measures.append(source.model_copy(update={"id": measure_id, "section": source.section}))
    # model_copy skips validation: building the plan is not what this benchmark measures.
    return template.model_copy(update={"measures": tuple(measures)})


def main() -> None:
    text = resources.files("dgplan.data").joinpath("measures.yaml").read_text(encoding="utf-8")
    load = best_of(lambda: parse_plan(text))
    plan = load_plan()
    overdue = best_of(lambda: plan.overdue(as_of=AS_OF))
    quarter = best_of(lambda: plan.due_this_quarter(as_of=AS_OF))
    print(
        f"bundled plan ({len(plan.measures)} measures): load {load * 1000:.1f} ms, "
        f"overdue {overdue * 1000:.2f} ms, due_this_quarter {quarter * 1000:.2f} ms"
    )

    previous = None
    for count in (1_000, 10_000, 100_000):
        big = synthetic(count, plan)
        seconds = best_of(lambda b=big: (b.overdue(as_of=AS_OF), b.due_this_quarter(as_of=AS_OF)), repeat=1)
        per = seconds / count * 1e6
        growth = "" if previous is None else f"   x{seconds / previous:.1f} for x10 measures"
        print(
            f"{count:>7,} measures: overdue + due_this_quarter {seconds * 1000:9.1f} ms ({per:.1f} us/measure){growth}"
        )
        previous = seconds


if __name__ == "__main__":
    main()
