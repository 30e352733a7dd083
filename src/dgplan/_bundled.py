"""The bundled plan's cache: read without the models, so ``dgplan due`` need not import pydantic.

Validating the bundled plan (every phrase and date parsed) costs more than reading it back, and
the ``dgplan`` commands load it on every run. :func:`dgplan.plan_io.load_plan` therefore pickles
it, once per version of its file, to the user's cache directory (``$XDG_CACHE_HOME/dgplan``, else
``~/.cache/dgplan``), in a file named by dgplan's version and the SHA-256 of the plan file's text.
The file holds the key, the plan's :class:`~dgplan.queries.TrackedPlan` (plain data: what the due
questions read) and the pickled :class:`~dgplan.Plan` as bytes, which only a caller that wants
the models unpickles. The key repeats the version and the hash, with the cache's format and a
stamp of dgplan's own source files (their names, sizes and times), and an entry is used only when
all of them equal those of the running dgplan and the file being loaded: an edited plan, an
upgrade or, in a development checkout, edited code means validating again (never stale). Any
problem with the cache (no home, a read-only directory, a truncated or foreign file) is a miss,
silently: the plan is validated from its YAML as before.
"""

from __future__ import annotations

import os
from typing import Any

from dgplan.queries import TrackedPlan

__all__ = ["BUNDLED_PLAN", "CacheKey", "bundled_text", "cache_directory", "cached_tracked_plan", "read", "write"]

#: The bundled plan: the 2021 Priority Policy Program for Realizing a Digital Society.
BUNDLED_PLAN = "measures.yaml"
# What an entry holds and how; a change of it makes every older entry a miss.
_FORMAT = 2

#: (format, version, SHA-256 of the plan's text, stamp of dgplan's source files)
CacheKey = tuple[int, str, str, str]


def cache_directory() -> str | None:
    """``$XDG_CACHE_HOME/dgplan``, else ``~/.cache/dgplan``; None without a home."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):  # the XDG spec: a relative path is to be ignored
        home = os.path.expanduser("~")
        if home == "~" or not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "dgplan")


def bundled_text() -> str:
    """The text of the bundled plan file."""
    from dgplan import data

    # The package's folder, read directly (importlib.resources costs more to import than the
    # file takes to read); a zipped or otherwise unusual install goes through importlib.resources.
    for folder in getattr(data, "__path__", ()):
        try:
            with open(os.path.join(folder, BUNDLED_PLAN), encoding="utf-8") as stream:
                return stream.read()
        except OSError:
            continue
    from importlib import resources

    return resources.files("dgplan.data").joinpath(BUNDLED_PLAN).read_text(encoding="utf-8")


def _code_stamp() -> str:
    """The names, sizes and modification times of dgplan's modules: the code that parsed the plan."""
    stamps = []
    try:
        with os.scandir(os.path.dirname(os.path.abspath(__file__))) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    status = entry.stat()
                    stamps.append(f"{entry.name}:{status.st_size}:{status.st_mtime_ns}")
    except OSError:
        return ""
    return ";".join(sorted(stamps))


def _key_and_path(text: str) -> tuple[CacheKey, str | None]:
    import hashlib

    from dgplan import __version__

    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    directory = cache_directory()
    name = f"bundled-plan-{__version__}-{digest[:16]}-{_FORMAT}.pickle"
    return (_FORMAT, __version__, digest, _code_stamp()), None if directory is None else os.path.join(directory, name)


def read(text: str) -> tuple[TrackedPlan, bytes] | None:
    """The cached tracked plan and pickled plan for the bundled plan's ``text``, or None (a miss)."""
    import pickle

    key, path = _key_and_path(text)
    if path is None:
        return None
    try:
        with open(path, "rb") as stream:
            entry: Any = pickle.load(stream)
        cached_key, tracked, plan = entry
    except Exception:  # a missing, unreadable, truncated or foreign cache file: a miss
        return None
    if cached_key != key or not isinstance(tracked, TrackedPlan) or not isinstance(plan, bytes):
        return None
    return tracked, plan


def write(text: str, tracked: TrackedPlan, plan: bytes) -> None:
    """Cache ``tracked`` and ``plan`` (pickled) for the bundled plan's ``text``; silently nothing
    when the cache directory cannot be made or written."""
    import contextlib
    import pickle
    import tempfile

    key, path = _key_and_path(text)
    if path is None:
        return
    data = pickle.dumps((key, tracked, plan), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=os.path.dirname(path)
        )
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError:  # an unwritable cache: load from YAML next time too
        pass


def cached_tracked_plan() -> TrackedPlan | None:
    """The bundled plan's tracked plan from the cache, without importing the models; None when the
    cache has no valid entry for the installed plan file (:func:`dgplan.load_plan` then fills it)."""
    entry = read(bundled_text())
    return None if entry is None else entry[0]
