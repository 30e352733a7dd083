"""Whole processes: `import dgplan` and the `dgplan` command, against `python -c pass` in the same run.

Goals: `import dgplan` ≤ 2x a bare interpreter; `dgplan --help` and `dgplan convert 令和3年度`
≤ 3x; `dgplan due --this-quarter` on the bundled plan ≤ 8x. Each is the best of several runs;
the runs of each command are interleaved with the bare interpreter's, so that a burst of other
work on the machine disturbs both alike. Set XDG_CACHE_HOME to time a cold cache (the first
`due` of a version fills it). PYTHONDONTWRITEBYTECODE is dropped from the children's
environment: users' installs keep bytecode. Run: python benchmarks/bench_startup.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
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


# Users' interpreters keep compiled bytecode (__pycache__); without it each run compiles dgplan's
# modules from source again, which is not what users wait for.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def once(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    bare_command = [sys.executable, "-c", "pass"]
    once(COMMANDS["dgplan due --this-quarter"][0])  # warm the file cache (and dgplan's own)
    bare = min(once(bare_command) for _ in range(repeat))
    print(f"{'python -c pass':<28} {bare * 1000:7.1f} ms")
    for name, (command, goal) in COMMANDS.items():
        times, bares = [], []
        for _ in range(repeat):
            times.append(once(command))
            bares.append(once(bare_command))
        ours, reference = min(times), min(bares)
        ratio = ours / reference
        verdict = "met" if ratio <= goal else "not met"
        print(f"{name:<28} {ours * 1000:7.1f} ms   {ratio:5.1f}x bare python (goal ≤ {goal}x: {verdict})")


if __name__ == "__main__":
    main()
