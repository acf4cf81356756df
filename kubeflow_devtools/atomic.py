"""Atomic output: a report file is either the old one or the whole new one, never half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: str | Path, text: str | bytes) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename.

    A path that exists and is not a regular file (``/dev/null``, ``/dev/stdout``, a pipe) is
    written in place: it must never be replaced by a file, even when running as root.

    Args:
        path: The file to write.
        text: Its new content (UTF-8 text, or bytes as they are).
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    if os.path.exists(path) and not os.path.isfile(path):
        with open(path, "wb") as handle:
            handle.write(data)
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
