"""Whole processes: `import dgplan` and the `dgplan` command, against `python -c pass` in the same run,
and `dgplan report --format html` on the bundled plan against a click hello-world command.

Goals: `import dgplan` ≤ 2x a bare interpreter; `dgplan --help` and `dgplan convert 令和3年度`
≤ 3x; `dgplan due --this-quarter` on the bundled plan ≤ 8x; `dgplan report --format html` ≤ 2.5x
a click hello-world (a command that imports click and prints one line: click's own floor). Each
line gives the median of several runs and the spread of the per-round ratios; the runs of each
command are interleaved with its reference's, so that a burst of other work on the machine (two
cores, shared) disturbs both alike. By default the children share a fresh cache folder of their
own, which the first run fills, so that other dgplan installs on the machine cannot replace the
bundled plan's entry; set XDG_CACHE_HOME to time a cold cache (the first `due` of a version fills
it) or a given one. PYTHONDONTWRITEBYTECODE is dropped from the children's environment: users'
installs keep bytecode. An editable install (`pip install -e`) adds its import hook to every
`import dgplan` (30-40 ms here): time a regular install for users' figures.
Run: python benchmarks/bench_startup.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

COMMANDS = {
    "import dgplan": ([sys.executable, "-c", "import dgplan"], 2),
    "dgplan --help": ([sys.executable, "-m", "dgplan", "--help"], 3),
    "dgplan convert 令和3年度": ([sys.executable, "-m", "dgplan", "convert", "令和3年度"], 3),
    "dgplan due --this-quarter": (
        [sys.executable, "-m", "dgplan", "due", "--this-quarter", "--as-of", "2022-01-15"],
        8,
    ),
}
#: Commands measured against a click hello-world instead of the bare interpreter.
AGAINST_CLICK = {
    "dgplan report --format html": (
        [sys.executable, "-m", "dgplan", "report", "--format", "html", "--as-of", "2022-01-15"],
        2.5,
    ),
}
HELLO = """import click


@click.command()
def hello():
    click.echo("hello")


hello()
"""


# Users' interpreters keep compiled bytecode (__pycache__); without it each run compiles dgplan's
# modules from source again, which is not what users wait for.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
# The bundled plan's cache entry is named by dgplan's version and the plan, and keyed on the
# module files: another checkout of the same version on the machine (another worktree, another
# install) replaces it with its own at every run, and every `due` here would validate the plan
# again. So the children get a cache folder of their own, filled by the first run, unless
# XDG_CACHE_HOME is set (to time a cold cache, or a given one).
_OWN_CACHE = None if "XDG_CACHE_HOME" in os.environ else tempfile.TemporaryDirectory(prefix="dgplan-bench-")
if _OWN_CACHE is not None:
    ENV["XDG_CACHE_HOME"] = _OWN_CACHE.name


def once(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - start


def interleaved(command: list[str], reference: list[str], repeat: int) -> tuple[float, float, float, float, float]:
    """(our median, the reference's median, the median ratio of the rounds, its lowest, its highest)."""
    times, references = [], []
    for round_number in range(repeat):
        first, second = (command, reference) if round_number % 2 == 0 else (reference, command)
        one, two = once(first), once(second)
        times.append(one if first is command else two)
        references.append(two if first is command else one)
    ratios = [ours / theirs for ours, theirs in zip(times, references, strict=True)]
    return statistics.median(times), statistics.median(references), statistics.median(ratios), min(ratios), max(ratios)


def line(name: str, result: tuple[float, float, float, float, float], reference_name: str, goal: float) -> str:
    ours, reference, ratio, low, high = result
    verdict = "met" if ratio <= goal else "not met"
    return (
        f"{name:<28} {ours * 1000:7.1f} ms   {reference_name} {reference * 1000:6.1f} ms"
        f"   {ratio:5.1f}x ({low:.1f}-{high:.1f}) (goal ≤ {goal}x: {verdict})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    bare_command = [sys.executable, "-c", "pass"]
    once(COMMANDS["dgplan due --this-quarter"][0])  # warm the file cache (and dgplan's own)
    once(AGAINST_CLICK["dgplan report --format html"][0])
    for name, (command, goal) in COMMANDS.items():
        print(line(name, interleaved(command, bare_command, repeat), "python -c pass", goal), flush=True)
    with tempfile.TemporaryDirectory() as folder:
        hello = os.path.join(folder, "hello.py")
        with open(hello, "w", encoding="utf-8") as stream:
            stream.write(HELLO)
        hello_command = [sys.executable, hello]
        once(hello_command)
        for name, (command, goal) in AGAINST_CLICK.items():
            print(line(name, interleaved(command, hello_command, repeat), "click hello", goal), flush=True)


if __name__ == "__main__":
    main()
