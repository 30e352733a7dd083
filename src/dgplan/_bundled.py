"""The bundled plan's cache: read without the models, so ``dgplan due`` need not import pydantic.

Validating the bundled plan (every phrase and date parsed) costs more than reading it back, and
the ``dgplan`` commands load it on every run. :func:`dgplan.plan_io.load_plan` therefore writes
it, once per version of its file, to the user's cache directory (``$XDG_CACHE_HOME/dgplan``, else
``~/.cache/dgplan``), in a file named by dgplan's version and the SHA-256 of the plan file's text.

The file is data, never code: three lines of JSON (:mod:`dgplan._cache`). The first is the key:
the cache's format, dgplan's version, the plan text's hash and a stamp of dgplan's own source
files (their names, sizes and times); nothing else is read unless all of them equal those of the
running dgplan and the file being loaded (an edited plan, an upgrade or, in a development
checkout, edited code means validating again: never stale). The second line is the plan's
:class:`~dgplan.queries.TrackedPlan` (what the due questions read), the third the
:class:`~dgplan.Plan`, which only a caller that wants the models reads.

The directory is made private (0700). Anyone able to write to it, or to plant a file there, could
otherwise choose the answers of every ``dgplan due``: a file that is not a regular file owned by
the user, or that others may write, is ignored (and replaced), and so is every file of a
directory that is not the user's own. Any problem (no home, a read-only directory, a truncated,
corrupt or foreign file) is a miss, silently: the plan is validated from its YAML as before.
Entries are written to a temporary file and renamed into place, so two processes filling the
cache at once each read a whole entry, theirs or the other's.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from typing import Any

from dgplan._cache import CacheFormatError, Codec
from dgplan.queries import TrackedPlan

__all__ = [
    "BUNDLED_PLAN",
    "CacheKey",
    "bundled_text",
    "cache_directory",
    "cached_tracked_plan",
    "read",
    "tracked_codec",
    "write",
]

#: The bundled plan: the 2021 Priority Policy Program for Realizing a Digital Society.
BUNDLED_PLAN = "measures.yaml"
# What an entry holds and how; a change of it makes every older entry a miss.
_FORMAT = 3
_SUFFIX = "json"

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
    name = f"bundled-plan-{__version__}-{digest[:16]}-{_FORMAT}.{_SUFFIX}"
    # The era table is part of what read the plan: an era added by DGPLAN_EXTRA_ERA or
    # register_era changes how its dates read, so it is stamped with the code.
    from dgplan.era import ERAS

    eras = ",".join(f"{era.name}:{era.letter}:{era.start}" for era in ERAS)
    return (_FORMAT, __version__, digest, f"{_code_stamp()}|{eras}"), (
        None if directory is None else os.path.join(directory, name)
    )


def tracked_codec() -> Codec:
    """The classes a cached tracked plan is built of, and only those."""
    from dgplan._progress import KPIProgress
    from dgplan.deadline import Deadline, DeadlineKind, Recurrence
    from dgplan.fiscal import Interval
    from dgplan.queries import TrackedItem

    return Codec([TrackedPlan, TrackedItem, KPIProgress, Deadline, DeadlineKind, Recurrence, Interval])


def _uid() -> int | None:
    getuid = getattr(os, "getuid", None)  # not on Windows, where a user's profile is private
    return None if getuid is None else int(getuid())


def _private(status: os.stat_result, kind: int) -> bool:
    """Whether a file or folder is of ``kind``, the user's own, and writable by nobody else."""
    if stat.S_IFMT(status.st_mode) != kind:
        return False
    uid = _uid()
    return uid is None or (status.st_uid == uid and not status.st_mode & 0o022)


def _private_directory(path: str, *, create: bool) -> bool:
    """Whether the cache folder is usable: the user's own, no symlink, and private (made so)."""
    if create:
        try:
            os.makedirs(path, mode=0o700, exist_ok=True)
        except OSError:
            return False
    try:
        status = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(status.st_mode):
        return False
    uid = _uid()
    if uid is not None and status.st_uid != uid:
        return False
    if stat.S_IMODE(status.st_mode) & 0o077:
        try:  # a folder of an older dgplan, made with the umask (0755)
            os.chmod(path, 0o700)
        except OSError:
            return False
    return True


def _read_entry(path: str) -> bytes | None:
    """The bytes of the entry at ``path`` if it may be trusted (see the module's docstring)."""
    if not _private_directory(os.path.dirname(path), create=False):
        return None
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    with os.fdopen(handle, "rb") as stream:
        # The open file's own status: the file read is the file checked, whatever is renamed meanwhile.
        if not _private(os.fstat(stream.fileno()), stat.S_IFREG):
            return None
        return stream.read()


def _lines(path: str, key: CacheKey) -> list[bytes] | None:
    data = _read_entry(path)
    if data is None:
        return None
    lines = data.split(b"\n")
    if len(lines) != 4 or lines[3] != b"":  # three lines, each ended: a truncated file is a miss
        return None
    import json

    try:
        cached_key = json.loads(lines[0])
    except ValueError:
        return None
    if not isinstance(cached_key, list) or tuple(cached_key) != key:
        return None
    return lines[:3]


def read(text: str) -> tuple[TrackedPlan, bytes] | None:
    """The cached tracked plan, and the JSON of the plan (for :func:`dgplan.plan_io.load_plan` to
    read back), for the bundled plan's ``text``; None for a miss."""
    key, path = _key_and_path(text)
    if path is None:
        return None
    try:
        lines = _lines(path, key)
        if lines is None:
            return None
        tracked = tracked_codec().loads(lines[1])
    except (OSError, CacheFormatError, RecursionError):
        return None
    if not isinstance(tracked, TrackedPlan):
        return None
    return tracked, lines[2]


def write(text: str, tracked: TrackedPlan, plan: Any, plan_classes: Iterable[type]) -> None:
    """Cache ``tracked`` and ``plan`` (built of ``plan_classes``) for the bundled plan's ``text``;
    silently nothing when the cache directory cannot be made or written."""
    import contextlib
    import json
    import tempfile

    key, path = _key_and_path(text)
    if path is None:
        return
    plan_codec = Codec([*plan_classes, *tracked_codec().classes])
    entry = b"\n".join((json.dumps(list(key)).encode(), tracked_codec().dumps(tracked), plan_codec.dumps(plan), b""))
    directory = os.path.dirname(path)
    if not _private_directory(directory, create=True):
        return
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(entry)
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
