"""Exclusive file locks that name their holder: one process at a time on a folder.

:func:`hold` takes an exclusive ``flock`` on a lock file, waiting a bounded time for another
holder, and writes who holds it (pid, host, start time) into the file so that a waiter that
gives up can name the holder. The kernel releases a lock when its process ends, however it
ends (SIGKILL included): a lock is never stale. The file is removed on release; a waiter that
locked a file removed meanwhile locks the new one instead. POSIX only (``fcntl``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from kubeflow_devtools.errors import ToolError

_POLL = 0.05
"""Seconds between two attempts to take a lock that another process holds."""


class Busy(ToolError):
    """Another process holds the lock; the message names the lock file and its holder."""


def _locked(path: Path) -> int | None:
    """An open descriptor of ``path`` holding its exclusive lock, or ``None`` when held."""
    while True:
        path.parent.mkdir(exist_ok=True)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except FileNotFoundError:  # the folder went with a release: create it again
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        except BaseException:
            os.close(fd)
            raise
        mine = os.fstat(fd)
        with contextlib.suppress(FileNotFoundError):
            current = os.stat(path)
            if (current.st_dev, current.st_ino) == (mine.st_dev, mine.st_ino):
                return fd
        os.close(fd)  # this file was removed by the holder's release: lock the new one


def holder(path: Path) -> str:
    """Who holds the lock ``path``, as its holder wrote it (``pid 12 on host``).

    Args:
        path: The lock file.

    Returns:
        The holder's description, or ``an unknown process`` when the file says nothing.
    """
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        text = ""
    return text or "an unknown process"


@contextlib.contextmanager
def hold(path: Path, *, wait: float, purpose: str) -> Iterator[None]:
    """Hold the exclusive lock ``path`` for the ``with`` block; wait at most ``wait`` seconds.

    The lock file and its folder (not the folder's parents) are created when missing; the
    file says who holds it and is removed when the block ends, however it ends.

    Args:
        path: The lock file.
        wait: How long to wait for another holder (0: fail at once).
        purpose: What the lock guards, for the error (``docgen publish of this website``).

    Yields:
        Nothing; the lock is held until the block ends.

    Raises:
        Busy: Another process held the lock for ``wait`` seconds.
        OSError: The lock file cannot be created.
    """
    deadline = time.monotonic() + wait
    fd = _locked(path)
    while fd is None:
        if time.monotonic() >= deadline:
            raise Busy(f"{path}: locked by {holder(path)} ({purpose}); waited {wait:g} s")
        time.sleep(_POLL)
        fd = _locked(path)
    try:
        started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        with contextlib.suppress(OSError):  # a full disk: held all the same, holder unnamed
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()} on {socket.gethostname()} since {started}\n".encode())
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        os.close(fd)
