"""Plan loading, queries and frames: the bundled plan, and synthetic plans to show the cost grows linearly.

Printed, each against a reference measured in the same run, as the median (and range) of rounds
that interleave ours with the reference (the machine is shared: see docs/performance.md):

- the bundled plan: load (YAML text), ``overdue``, ``due_this_quarter``;
- overdue + due_this_quarter at 1,000 / 10,000 / 100,000 measures in µs per measure, on a plan
  fresh from ``model_copy`` (its first question builds its due items) and asked again, with the
  cyclic collector's passes during them by generation (a generation-2 pass walks the whole plan);
- ``milestones_frame`` against ``pd.DataFrame.from_records`` of the same frame's own rows;
- a JSON plan file loaded by ``load_plan`` against ``json.loads`` of its text.

Run: python benchmarks/bench_plan.py [--sizes 1000 10000 100000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
from datetime import date
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import interleaved, median, ratios, spread
from make_plan import plan_text

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


class Passes:
    """The collector's passes by generation while it is counting."""

    def __init__(self) -> None:
        self.counts = [0, 0, 0]

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.counts[info["generation"]] += 1

    def __enter__(self) -> Passes:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self)


def queries(plan: Plan) -> None:
    plan.overdue(as_of=AS_OF)
    plan.due_this_quarter(as_of=AS_OF)


def bundled(rounds: int) -> None:
    text = resources.files("dgplan.data").joinpath("measures.yaml").read_text(encoding="utf-8")
    plan = load_plan()
    times = interleaved(
        {
            "load": lambda: parse_plan(text),
            "overdue": lambda: plan.overdue(as_of=AS_OF),
            "quarter": lambda: plan.due_this_quarter(as_of=AS_OF),
        },
        rounds,
    )
    print(f"bundled plan ({len(plan.measures)} measures), median (range) of {rounds} rounds:")
    print(f"  load {spread(times['load'])}  overdue {spread(times['overdue'])}")
    print(f"  due_this_quarter {spread(times['quarter'])}")


def per_measure(sizes: list[int], rounds: int) -> None:
    print("overdue + due_this_quarter, µs per measure: first question on a fresh plan / asked again; collector passes")
    template = load_plan()
    previous: tuple[float, int] | None = None
    for count in sizes:
        firsts, agains, passes = [], [], []
        for _ in range(max(1, rounds // 2)):
            big = synthetic(count, template)
            with Passes() as counted:
                first = interleaved({"first": lambda b=big: queries(b)}, 1)["first"][0]
                again = interleaved({"again": lambda b=big: queries(b)}, 1)["again"][0]
            firsts.append(first / count * 1e6)
            agains.append(again / count * 1e6)
            passes.append(counted.counts)
            del big
        growth = ""
        if previous is not None:
            growth = f"   total x{median(firsts) * count / previous[0]:.1f} for x{count // previous[1]} measures"
        print(
            f"  {count:>7,} measures: first {median(firsts):6.1f} us ({min(firsts):.1f}-{max(firsts):.1f})"
            f"  again {median(agains):6.1f} us ({min(agains):.1f}-{max(agains):.1f})"
            f"  passes (gen 0/1/2) {passes}{growth}"
        )
        previous = median(firsts) * count, count


def frames(sizes: list[int], rounds: int) -> None:
    import pandas as pd

    from dgplan.frames import milestones_frame

    print("milestones_frame(plan, as_of=...) against pd.DataFrame.from_records of its own rows")
    template = load_plan()
    for count in sizes:
        big = synthetic(count, template)
        cold = interleaved({"cold": lambda b=big: milestones_frame(b, as_of=AS_OF)}, 1)["cold"]
        records = milestones_frame(big, as_of=AS_OF).to_dict("records")
        times = interleaved(
            {
                "frame": lambda b=big: milestones_frame(b, as_of=AS_OF),
                "from_records": lambda r=records: pd.DataFrame.from_records(r),
            },
            rounds,
        )
        print(
            f"  {count:>7,} measures ({len(records):,} rows): frame {spread(times['frame'])}"
            f"  from_records {spread(times['from_records'])}  ratio {ratios(times['frame'], times['from_records'])}"
            f"  (first frame of a fresh plan, its items built: {cold[0] * 1000:.1f} ms,"
            f" {cold[0] / median(times['from_records']):.1f}x)"
        )
        del big, records


def json_load(sizes: list[int], rounds: int) -> None:
    print("load_plan of a JSON plan file (benchmarks/make_plan.py --json) against json.loads of its text")
    with tempfile.TemporaryDirectory() as directory:
        for count in sizes:
            path = Path(directory) / f"plan-{count}.json"
            text = plan_text(count, as_json=True)
            path.write_text(text, encoding="utf-8")
            times = interleaved(
                {"load": lambda p=path: load_plan(p), "json.loads": lambda t=text: json.loads(t)}, rounds
            )
            print(
                f"  {count:>7,} measures: load_plan {spread(times['load'])}"
                f"  json.loads {spread(times['json.loads'])}  ratio {ratios(times['load'], times['json.loads'])}"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    bundled(arguments.rounds)
    per_measure(arguments.sizes, arguments.rounds)
    frames(arguments.sizes, arguments.rounds)
    json_load(arguments.sizes, max(1, arguments.rounds // 2))


if __name__ == "__main__":
    main()
