"""Loading plans at scale: what users run, on synthetic plans of 2,000, 20,000 and 100,000 measures.

For each size, ``benchmarks/make_plan.py`` writes a plan file; then, each in a fresh process (so
peak memory is the step's own): ``dgplan.load_plan(path)`` followed by ``plan.overdue(as_of=...)``,
``plan.summary(as_of=...)`` and the status report (``render_report``, markdown then HTML), and, as
the references, PyYAML's C loader (``yaml.load(text, Loader=yaml.CSafeLoader)``) or, for a JSON
plan, ``json.loads`` reading the same file. Printed: the times, the growth ratio for 10x (then 5x)
the measures (10x = linear), peak memory (``ru_maxrss``), the load time over the reference's, each
query's time per measure and the cyclic collector's passes during the queries (by generation:
a generation-2 pass walks every object of the plan), and the report's time over the load's.

The rounds interleave the processes (reference, dgplan, reference, dgplan, ...) and print the
median and the range of each figure over ``--rounds`` (default 3). With ``--memory`` another pair
of processes measures with tracemalloc what stays allocated: the plan dgplan keeps against the
plain dicts and lists the reference reads (per measure). Nothing is asserted.

Run: python benchmarks/bench_load_scale.py [--sizes 2000 20000 100000] [--json] [--rounds 3] [--memory]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from make_plan import plan_text

CHILD = r"""
import gc, json, resource, sys, time
from datetime import date
path, what = sys.argv[1], sys.argv[2]
passes = [0, 0, 0]
def count(phase, info):
    if phase == "start":
        passes[info["generation"]] += 1
result = {}
if what == "reference":
    start = time.perf_counter()
    with open(path, encoding="utf-8") as stream:
        text = stream.read()
    if path.endswith(".json"):
        json.loads(text)
    else:
        import yaml
        yaml.load(text, Loader=yaml.CSafeLoader)
    result["load"] = time.perf_counter() - start
elif what == "memory-reference":
    import tracemalloc
    with open(path, encoding="utf-8") as stream:
        text = stream.read()
    import yaml
    tracemalloc.start()
    data = json.loads(text) if path.endswith(".json") else yaml.load(text, Loader=yaml.CSafeLoader)
    result["retained"] = tracemalloc.get_traced_memory()[0]
elif what == "memory":
    import tracemalloc
    import dgplan, dgplan.plan_io, dgplan.kpi, dgplan.fields
    tracemalloc.start()
    plan = dgplan.load_plan(path)
    result["retained"] = tracemalloc.get_traced_memory()[0]
    snapshot = tracemalloc.take_snapshot()
    top = snapshot.statistics("filename")[:6]
    result["top"] = [(str(stat.traceback[0]).split("site-packages/")[-1], stat.size) for stat in top]
else:
    import dgplan, dgplan.plan_io
    from dgplan.report import render_report
    start = time.perf_counter()
    plan = dgplan.load_plan(path)
    loaded = time.perf_counter()
    gc.callbacks.append(count)
    as_of = date(2023, 1, 15)
    overdue = plan.overdue(as_of=as_of)
    queried = time.perf_counter()
    summary = plan.summary(as_of=as_of)
    summarized = time.perf_counter()
    result["query_passes"] = list(passes)
    markdown = render_report(plan, as_of, fmt="markdown")
    reported = time.perf_counter()
    html = render_report(plan, as_of, fmt="html")
    done = time.perf_counter()
    # dgplan pauses the collector in its own work; the objects the load made are walked once by
    # the collector's next passes, in whatever runs next: timed here, as a full collection.
    gc.collect()
    result["walk"] = time.perf_counter() - done
    result.update(load=loaded - start, overdue=queried - loaded, summary=summarized - queried,
                  markdown=reported - summarized, html=done - reported, measures=len(plan.measures),
                  n_overdue=len(overdue), passes=list(passes))
result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
"""


def run(path: Path, what: str) -> dict[str, object]:
    output = subprocess.run([sys.executable, "-c", CHILD, str(path), what], check=True, capture_output=True, text=True)
    return json.loads(output.stdout)  # type: ignore[no-any-return]


def figure(values: list[float], digits: int = 2) -> str:
    """The median, and the range when there is more than one round."""
    middle = statistics.median(values)
    if len(values) == 1:
        return f"{middle:.{digits}f}"
    return f"{middle:.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 20_000, 100_000])
    parser.add_argument("--json", action="store_true", help="JSON plan files instead of YAML")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memory", action="store_true", help="also tracemalloc: retained bytes per measure")
    arguments = parser.parse_args()
    suffix = ".json" if arguments.json else ".yaml"
    reference_name = "json.loads" if arguments.json else "C loader"
    previous: tuple[int, float] | None = None
    with tempfile.TemporaryDirectory() as directory:
        for count in arguments.sizes:
            path = Path(directory) / f"plan-{count}{suffix}"
            path.write_text(plan_text(count, as_json=arguments.json), encoding="utf-8")
            size = path.stat().st_size / 1e6
            references, ours = [], []
            for _ in range(arguments.rounds):
                references.append(run(path, "reference"))
                ours.append(run(path, "dgplan"))

            def each(key: str, runs: list[dict[str, object]] = ours) -> list[float]:
                return [float(r[key]) for r in runs]  # type: ignore[arg-type]

            load = each("load")
            reference = each("load", references)
            queries = [o + s for o, s in zip(each("overdue"), each("summary"), strict=True)]
            total = [lo + q for lo, q in zip(load, queries, strict=True)]
            growth = (
                ""
                if previous is None
                else f"   growth {statistics.median(total) / previous[1]:.1f}x for {count // previous[0]}x measures"
            )
            print(f"{count:,} measures, {size:.1f} MB {suffix}, {arguments.rounds} rounds (median (range)){growth}")
            print(f"  load s            {figure(load)}")
            print(f"  {reference_name} s{' ' * (16 - len(reference_name))}{figure(reference)}")
            print(f"  load / reference  {figure([a / b for a, b in zip(load, reference, strict=True)])}x")
            per = [1e6 * q / count for q in queries]
            print(f"  overdue s         {figure(each('overdue'))}   summary s {figure(each('summary'))}")
            print(
                f"  queries us/measure {figure(per, 1)}   collector passes in the queries (gen 0/1/2): "
                f"{[r['query_passes'] for r in ours]}"
            )
            print(f"  report md s       {figure(each('markdown'))}   html s {figure(each('html'))}")
            print(f"  the collector's deferred walk of the plan (gc.collect() at the end) s {figure(each('walk'))}")
            with_md = [(a + b) / a for a, b in zip(load, each("markdown"), strict=True)]
            with_html = [(a + b) / a for a, b in zip(load, each("html"), strict=True)]
            print(f"  (load + md report) / load {figure(with_md)}x   (load + html report) / load {figure(with_html)}x")
            peaks = figure(each("maxrss_mb"), 0), figure(each("maxrss_mb", references), 0)
            print(f"  peak MB           {peaks[0]}   {reference_name}'s {peaks[1]}")
            if arguments.memory:
                mine, plain = run(path, "memory"), run(path, "memory-reference")
                kept, raw = float(mine["retained"]), float(plain["retained"])  # type: ignore[arg-type]
                per_measure = kept / count / 1024, raw / count / 1024
                share = kept / raw
                print(
                    f"  retained KB/measure {per_measure[0]:.1f}, the plain data's {per_measure[1]:.1f}: {share:.2f}x"
                )
                for name, bytes_ in mine["top"]:  # type: ignore[attr-defined]
                    print(f"      {bytes_ / count:8.0f} B/measure  {name}")
            sys.stdout.flush()
            previous = (count, statistics.median(total))
            path.unlink()


if __name__ == "__main__":
    main()
