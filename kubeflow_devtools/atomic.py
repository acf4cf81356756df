"""Atomic output: a file is either the old one or the whole new one, never half-written.

:func:`write_atomic` writes through a temporary file and a rename; with ``durable`` the data
and the rename are on disk (``fsync``) when it returns, for files that must survive a power
loss; :func:`fsync_folder` makes the entries of a folder (renames, new files) durable.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def fsync_folder(path: str | Path) -> None:
    """Flush a folder's entries (files created, renamed or removed in it) to disk.

    Args:
        path: The folder. File systems that cannot sync a folder are left alone.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        with contextlib.suppress(OSError):  # EINVAL: this file system syncs no folders
            os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: str | Path, text: str | bytes, *, durable: bool = False) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename.

    A path that exists and is not a regular file (``/dev/null``, ``/dev/stdout``, a pipe) is
    written in place: it must never be replaced by a file, even when running as root.

    Args:
        path: The file to write.
        text: Its new content (UTF-8 text, or bytes as they are).
        durable: Flush the file and the rename to disk before returning.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    if os.path.exists(path) and not os.path.isfile(path):
        with open(path, "wb") as handle:
            handle.write(data)
        return
    import tempfile  # most runs write nothing: not loaded at start-up

    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, target)
        if durable:
            fsync_folder(target.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
