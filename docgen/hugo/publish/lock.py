"""The website lock: one ``docgen publish`` (or ``--check``) at a time in a website checkout.

:func:`website_lock` holds ``.docgen-publish/lock`` at the website root for the whole
plan-and-apply (and the check), so two publishes can never interleave their reads and writes;
another one waits (bounded) and then fails naming the holder (pid, host, since when). One
lock per website rather than per section: sections may be nested, and the first publish of a
section has no folder to lock yet. Holding it, the publish first recovers what a killed
publish left (:func:`~kubeflow_devtools.docgen.hugo.publish.journal.recover`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from kubeflow_devtools.docgen.hugo.publish.journal import STATE_FOLDER, recover
from kubeflow_devtools.locks import hold

LOCK_NAME = "lock"
"""The lock file in :data:`~kubeflow_devtools.docgen.hugo.publish.journal.STATE_FOLDER`."""

DEFAULT_WAIT = 30.0
"""Seconds a publish waits for another one holding the website (``--wait``)."""


@contextlib.contextmanager
def website_lock(root: Path, *, wait: float = DEFAULT_WAIT) -> Iterator[str | None]:
    """Hold the website's lock for the ``with`` block, after recovering an interrupted publish.

    The folder :data:`~kubeflow_devtools.docgen.hugo.publish.journal.STATE_FOLDER` is removed
    when the block ends, unless a journal that could not be recovered is left in it.

    Args:
        root: The website root (an existing folder).
        wait: How long to wait for another publish holding it (0: fail at once).

    Yields:
        What recovery did (one line), or ``None`` when nothing was pending.

    Raises:
        kubeflow_devtools.locks.Busy: Another publish held the website for ``wait`` seconds.
        PublishError: An interrupted publish cannot be recovered.
        OSError: The lock file cannot be created.
    """
    state = root / STATE_FOLDER
    try:
        with hold(state / LOCK_NAME, wait=wait, purpose="another docgen publish of the website"):
            yield recover(root)
    finally:
        with contextlib.suppress(OSError):  # not empty: a journal to recover, or a new holder
            state.rmdir()
