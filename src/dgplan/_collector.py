"""Pausing Python's cyclic garbage collector around dgplan's own bulk work.

A plan of 100,000 measures is millions of objects that all stay alive and make no cycles; every
full collection walks all of them. Loading builds them, and the questions, frames and reports
allocate hundreds of thousands more (records, rows, strings), enough to start full collections
that walked the whole plan again in the middle of a question (4.9 s inside ``plan.overdue`` at
100,000 measures). Reference counting frees everything as usual while the collector is paused;
its state is restored afterwards, and a pause inside a pause leaves it to the outer one.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block (or, as a decorator, for each call)."""
    enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
