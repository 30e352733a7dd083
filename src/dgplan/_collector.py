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
def collector_paused(*, settle: bool = False) -> Iterator[None]:
    """Pause the cyclic collector for the block (or, as a decorator, for each call).

    With ``settle`` (the loaders), what the block made is moved to the collector's oldest
    generation on the way out (``gc.freeze()`` then ``gc.unfreeze()``, which moves lists, walks
    nothing): otherwise the collector's next young passes, in whatever ran next (the first
    question), walked every object of the plan (0.5 s after a 10,000-measure load). Objects are
    collected as before, by the oldest generation's passes. Skipped when the program froze
    objects itself (``gc.freeze``), whose frozen objects it must not unfreeze."""
    enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        yield
    finally:
        if settle and gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()
