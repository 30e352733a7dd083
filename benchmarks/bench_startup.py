"""Whole processes: `python -c "import dgplan"` and `dgplan due --this-quarter` on the bundled plan.

Reference: `python -c "pass"` measured in the same run. Run: python benchmarks/bench_startup.py
"""

from __future__ import annotations

import subprocess
import sys
import time


def best(command: list[str], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    bare = best([sys.executable, "-c", "pass"])
    imported = best([sys.executable, "-c", "import dgplan"])
    due = best([sys.executable, "-m", "dgplan", "due", "--this-quarter", "--as-of", "2022-01-15"])
    print(f"python -c pass                      {bare * 1000:7.1f} ms")
    own = (imported - bare) * 1000
    print(f"python -c 'import dgplan'           {imported * 1000:7.1f} ms   (import itself: {own:.1f} ms)")
    print(f"dgplan due --this-quarter (bundled) {due * 1000:7.1f} ms   ratio to bare python {due / bare:.1f}x")


if __name__ == "__main__":
    main()
