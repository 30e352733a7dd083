"""Loading plans at scale: what users run, on synthetic plans of 2,000, 20,000 and 100,000 measures.

For each size, ``benchmarks/make_plan.py`` writes a plan file; then, each in a fresh process (so
peak memory is the step's own): ``dgplan.load_plan(path)`` followed by ``plan.overdue(as_of=...)``
and ``plan.summary(as_of=...)``, and, as the reference, PyYAML's C loader
(``yaml.load(text, Loader=yaml.CSafeLoader)``) reading the same file. Printed: the times, the
growth ratio for 10x (then 5x) the measures (10x = linear), peak memory (``ru_maxrss``), and the
load time over the C loader's. The collector's first full pass after the load is timed on its own
(``gc.collect()``), and the queries' time is also given as a share of the load time (the goal: under
a quarter). Nothing is asserted.

Run: python benchmarks/bench_load_scale.py [--sizes 2000 20000 100000] [--json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from make_plan import plan_text

CHILD = r"""
import json, resource, sys, time
from datetime import date
path, what = sys.argv[1], sys.argv[2]
if what == "yaml":
    import yaml
    start = time.perf_counter()
    with open(path, encoding="utf-8") as stream:
        yaml.load(stream.read(), Loader=yaml.CSafeLoader)
    result = {"load": time.perf_counter() - start}
else:
    import dgplan, dgplan.plan_io, gc
    start = time.perf_counter()
    plan = dgplan.load_plan(path)
    loaded = time.perf_counter()
    # The loader pauses the cyclic collector; its next full collection walks the millions of
    # objects the load made, once, whatever code runs next. Timed apart, so the queries' own
    # times are theirs.
    gc.collect()
    collected = time.perf_counter()
    as_of = date(2023, 1, 15)
    overdue = plan.overdue(as_of=as_of)
    queried = time.perf_counter()
    summary = plan.summary(as_of=as_of)
    done = time.perf_counter()
    result = {"load": loaded - start, "collect": collected - loaded, "overdue": queried - collected,
              "summary": done - queried, "measures": len(plan.measures), "n_overdue": len(overdue)}
result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
"""


def run(path: Path, what: str) -> dict[str, float]:
    output = subprocess.run([sys.executable, "-c", CHILD, str(path), what], check=True, capture_output=True, text=True)
    return json.loads(output.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 20_000, 100_000])
    parser.add_argument("--json", action="store_true", help="JSON plan files instead of YAML")
    arguments = parser.parse_args()
    suffix = ".json" if arguments.json else ".yaml"
    print(
        f"{'measures':>9} {'MB':>6} {'load s':>8} {'gc s':>6} {'overdue s':>9} {'summary s':>9} {'queries/load':>12}"
        f" {'total s':>8} {'growth':>7} {'peak MB':>8} {'C loader s':>10} {'its MB':>7} {'load/C':>7}"
    )
    previous: tuple[int, float] | None = None
    with tempfile.TemporaryDirectory() as directory:
        for count in arguments.sizes:
            path = Path(directory) / f"plan-{count}{suffix}"
            path.write_text(plan_text(count, as_json=arguments.json), encoding="utf-8")
            size = path.stat().st_size / 1e6
            reference = run(path, "yaml")
            ours = run(path, "dgplan")
            total = ours["load"] + ours["collect"] + ours["overdue"] + ours["summary"]
            growth = "" if previous is None else f"{total / previous[1]:.1f}x/{count // previous[0]}x"
            share = (ours["overdue"] + ours["summary"]) / ours["load"]
            print(
                f"{count:>9,} {size:6.1f} {ours['load']:8.2f} {ours['collect']:6.2f} {ours['overdue']:9.2f}"
                f" {ours['summary']:9.2f} {share:11.2f}x {total:8.2f} {growth:>7} {ours['maxrss_mb']:8.0f}"
                f" {reference['load']:10.2f}"
                f" {reference['maxrss_mb']:7.0f} {ours['load'] / reference['load']:6.2f}x",
                flush=True,
            )
            previous = (count, total)
            path.unlink()


if __name__ == "__main__":
    main()
