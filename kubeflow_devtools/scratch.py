"""Scratch folders that never outlive their run, even a killed one.

:func:`scratch_folder` is a temporary folder removed when its ``with`` block ends, however it
ends (an exception, Ctrl-C, SIGTERM turned into an exception by
:func:`kubeflow_devtools.cli.entry_point`). A process killed outright (SIGKILL) cannot clean
up: each folder holds a lock (:func:`kubeflow_devtools.locks.hold`) for as long as its owner
runs, and the next :func:`scratch_folder` of the same prefix removes the folders whose lock
nobody holds.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from kubeflow_devtools.locks import Busy, hold

OWNER = ".owner"
"""The lock file in each scratch folder, held by the process that uses the folder."""

_GRACE = 60.0
"""Seconds a folder is left alone after its lock file was made (its owner may be locking it)."""


def _sweep(prefix: str) -> None:
    """Remove the scratch folders of ``prefix`` (in the temporary folder) left by killed runs."""
    base = Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for entry in os.scandir(base):
            if not entry.name.startswith(prefix) or not entry.is_dir(follow_symlinks=False):
                continue
            owner = Path(entry.path) / OWNER
            with contextlib.suppress(OSError, Busy):
                info = owner.lstat()
                if info.st_uid != os.getuid() or time.time() - info.st_mtime < _GRACE:
                    continue
                with hold(owner, wait=0, purpose="scratch folder"):
                    shutil.rmtree(entry.path)


@contextlib.contextmanager
def scratch_folder(prefix: str) -> Iterator[Path]:
    """A new temporary folder for the ``with`` block, removed when it ends.

    Folders of the same ``prefix`` that killed runs left behind are removed first.

    Args:
        prefix: The start of the folder's name (``docgen-publish-``).

    Yields:
        The folder (in :func:`tempfile.gettempdir`).
    """
    _sweep(prefix)
    with (
        tempfile.TemporaryDirectory(prefix=prefix) as folder,
        hold(Path(folder) / OWNER, wait=0, purpose="scratch folder in use"),
    ):
        yield Path(folder)
