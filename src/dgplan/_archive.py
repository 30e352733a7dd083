"""The bound on zip archives (.xlsx workbooks, .docx documents) that every reader of them applies.

A few hundred kilobytes of zip can hold gigabytes of XML (a zip bomb). The readers measure what an
archive's parts inflate to, by its zip directory, before their library opens it; Python's zipfile
stops inflating a part at the size the directory gives, so the check bounds what is read.
"""

from __future__ import annotations

import os

__all__ = ["MAX_INFLATED", "inflated_size"]

#: How many bytes an archive's parts may inflate to, together.
MAX_INFLATED = 100 * 2**20


def inflated_size(path: str | os.PathLike[str]) -> int | None:
    """What the parts of the zip archive at ``path`` inflate to, by its directory; None when it is
    not a readable zip archive (the format's own reader then says what is wrong with it)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (OSError, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        # NotImplementedError: a directory entry needs a newer zip version than Python reads.
        return None
