"""The intent log: a publish is one step, whenever it is interrupted (SIGKILL included).

docgen owns only some files of a section folder (hand-written pages and folders of others
live beside them), so the switch from the old pages to the new ones cannot be one rename of
the folder: it is a series of renames of docgen's own files, made one atomic step by an intent
log. Before the first change, :func:`perform` writes and flushes to disk (``fsync``) the
journal, ``.docgen-publish/journal.json`` at the website root: every folder it will create and,
for every file, the hidden file beside it that will hold the new bytes (``staged``) and the
one the old file will be moved to (``backup``). Then it acts, in this order: folders, staged
files (flushed), then per file the old one moved aside and the new one renamed into place
(manifests last), the folders flushed; then the journal is marked committed; then the backups
are removed and, last, the journal.

Every undo step can be read from the journal and the files it names, never from a record
made after the fact: :func:`undo` puts each backup back and removes each placed new file whose
bytes are still what docgen wrote, then the folders it created (when empty). A failure or an
interruption (Ctrl-C, SIGTERM) before the commit is undone at once; a process killed outright
leaves the journal, and the next publish or ``--check`` (holding the website lock) calls
:func:`recover`: a prepared journal is undone (the old state), a committed one finished (the
new state). Undo and finishing are idempotent, so a kill during recovery is recovered too.

The crash tests make every step observable: when the environment variable
``DOCGEN_PUBLISH_TEST_HOOK`` is ``SIGNAL@N`` (``KILL@7``, ``TERM@3``), the process sends itself
that signal after its N-th file operation. It is read once per process, on the first
operation; unset, each operation costs one cached lookup.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import secrets
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kubeflow_devtools.atomic import fsync_folder, write_atomic
from kubeflow_devtools.cli import describe_os_error
from kubeflow_devtools.docgen.hugo.publish.model import PublishError
from kubeflow_devtools.docgen.hugo.publish.paths import clean_relative

STATE_FOLDER = ".docgen-publish"
"""docgen's folder at the website root: the lock and, while a publish runs, its journal."""

JOURNAL_NAME = "journal.json"
"""The intent log in :data:`STATE_FOLDER`."""

HOOK_VARIABLE = "DOCGEN_PUBLISH_TEST_HOOK"
"""``SIGNAL@N``: send SIGNAL to this process after its N-th file operation (crash tests)."""

JOURNAL_VERSION = 1
"""The format version of the journal."""

_STAGED, _BACKUP = ".docgen-new", ".docgen-old"
_SIBLING = re.compile(r"\.(?P<name>.+)\.[0-9a-f]{8}(?P<suffix>\.docgen-(new|old))")


@dataclass(frozen=True)
class FileChange:
    """One file a publish creates, replaces or deletes; paths relative to the website root.

    Attributes:
        target: The file.
        content: Its new bytes (``None``: it is deleted).
        staged: The hidden file beside it that holds the new bytes until they are renamed
            into place (``None`` for a deletion).
        backup: The hidden file beside it that the old file is moved to (``None`` when
            there is no old file).
        mode: The new file's permission bits (``None``: the default).
    """

    target: str
    content: bytes | None
    staged: str | None
    backup: str | None
    mode: int | None = None

    @property
    def digest(self) -> str | None:
        """The sha256 of :attr:`content` (``None`` for a deletion)."""
        return None if self.content is None else hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class Intent:
    """Everything a publish will change, in the order it changes it.

    Attributes:
        folders: Folders to create, parents first (relative to the website root).
        files: The files, manifests last.
        prune: Folders that deletions may leave empty: removed after the commit when empty.
    """

    folders: tuple[str, ...]
    files: tuple[FileChange, ...]
    prune: tuple[str, ...] = ()


def sibling(target: str, kind: str) -> str:
    """A fresh hidden name beside ``target`` for its ``staged`` or ``backup`` file.

    Args:
        target: The file, relative to the website root.
        kind: ``staged`` or ``backup``.

    Returns:
        ``DIR/.NAME.RANDOM.docgen-new`` (staged) or ``...docgen-old`` (backup).
    """
    path = PurePosixPath(target)
    suffix = _STAGED if kind == "staged" else _BACKUP
    return str(path.with_name(f".{path.name}.{secrets.token_hex(4)}{suffix}"))


# --- the file operations: each one a step ----------------------------------------------------


@functools.cache
def _hook() -> Callable[[], None] | None:
    """The crash tests' hook (see :data:`HOOK_VARIABLE`), or ``None``."""
    spec = os.environ.get(HOOK_VARIABLE, "")
    if not spec:
        return None
    name, _, count = spec.partition("@")
    signum, left = signal.Signals[f"SIG{name}"], [int(count)]

    def hook() -> None:
        left[0] -= 1
        if left[0] == 0:
            os.kill(os.getpid(), signum)

    return hook


def _step() -> None:
    hook = _hook()
    if hook is not None:
        hook()


@contextlib.contextmanager
def _naming(shown: str) -> Iterator[None]:
    """Report an ``OSError`` of the block as one on the file ``shown``."""
    try:
        yield
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), shown) from exc


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block (an undo, a commit) is over."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _digest(path: Path) -> str | None:
    """The sha256 of a regular file, ``None`` when ``path`` is none."""
    if path.is_symlink() or not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write(root: Path, change: FileChange) -> None:
    assert change.staged is not None and change.content is not None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    with _naming(change.target):
        fd = os.open(root / change.staged, flags, 0o666)
        with os.fdopen(fd, "wb") as stream:
            stream.write(change.content)
            stream.flush()
            if change.mode is not None:
                os.fchmod(fd, change.mode)
            os.fsync(fd)
    _step()


def _rename(root: Path, source: str, target: str, shown: str) -> None:
    with _naming(shown):
        os.replace(root / source, root / target)
    _step()


def _unlink(root: Path, path: str) -> None:
    with _naming(path):
        os.unlink(root / path)
    _step()


def _rmdir_if_empty(root: Path, folder: str) -> None:
    try:
        os.rmdir(root / folder)
    except OSError:  # not empty (files of others), or already gone
        return
    _step()


def _journal_path(root: Path) -> Path:
    return root / STATE_FOLDER / JOURNAL_NAME


def _write_journal(root: Path, intent: Intent, state: str) -> None:
    data = {
        "version": JOURNAL_VERSION,
        "state": state,
        "folders": list(intent.folders),
        "files": [
            {"target": f.target, "new": f.digest, "staged": f.staged, "backup": f.backup}
            for f in intent.files
        ],
        "prune": list(intent.prune),
    }
    with _naming(f"{STATE_FOLDER}/{JOURNAL_NAME}"):
        write_atomic(_journal_path(root), json.dumps(data, indent=1) + "\n", durable=True)
    _step()


def _remove_journal(root: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        _unlink(root, f"{STATE_FOLDER}/{JOURNAL_NAME}")
    for leftover in (root / STATE_FOLDER).glob(f".{JOURNAL_NAME}.*.tmp"):
        leftover.unlink(missing_ok=True)  # a journal being written when the run was killed


# --- performing, undoing, finishing ------------------------------------------------------------


def _undo_file(root: Path, change: FileChange, digest: str | None) -> str | None:
    """Undo one file's change; a note when a file changed by someone else was left alone."""
    target = root / change.target
    staged_left = change.staged is not None and os.path.lexists(root / change.staged)
    if staged_left:
        assert change.staged is not None
        _unlink(root, change.staged)
    if change.backup is not None:
        if not os.path.lexists(root / change.backup):
            return None  # never moved aside: the old file is in place
        if os.path.lexists(target) and _digest(target) != digest:
            _unlink(root, change.backup)
            return f"{change.target}: changed since the interrupted publish; left as it is"
        _rename(root, change.backup, change.target, change.target)
    elif not staged_left and digest is not None and _digest(target) == digest:
        _unlink(root, change.target)  # created by the publish, and still what it wrote
    return None


def undo(root: Path, intent: Intent, digests: dict[str, str | None] | None = None) -> list[str]:
    """Undo a publish that was not committed: the website as it was before (journal removed).

    Safe to run at any point of :func:`perform` before the commit, and again after an undo
    that was itself interrupted. Files are put back or removed only when their bytes are
    what docgen wrote; a file someone changed since is left as it is (and named).

    Args:
        root: The website root.
        intent: The publish's intent, from memory or from its journal.
        digests: The sha256 of each new file by target, when ``intent`` holds no contents
            (read from a journal).

    Returns:
        Notes on files left alone.

    Raises:
        PublishError: A step failed; the journal is kept, so the next run tries again.
    """
    notes: list[str] = []
    failures: list[str] = []
    with _signals_deferred():
        for change in reversed(intent.files):
            digest = change.digest if digests is None else digests.get(change.target)
            try:
                note = _undo_file(root, change, digest)
            except OSError as exc:
                failures.append(describe_os_error(exc))
                continue
            if note is not None:
                notes.append(note)
        for folder in reversed(intent.folders):
            _rmdir_if_empty(root, folder)
        if failures:
            raise PublishError(
                "the interrupted publish could not be fully undone ("
                + "; ".join(failures)
                + f"); the journal {STATE_FOLDER}/{JOURNAL_NAME} is kept: run again to retry"
            )
        _remove_journal(root)
    return notes


def _finish(root: Path, intent: Intent) -> list[str]:
    """After the commit: remove the backups and folders left empty, then the journal.

    A backup that cannot be removed stays (hidden, named in a warning): the publish is
    complete, and a journal kept for it would hold every later publish up.
    """
    warnings: list[str] = []
    with _signals_deferred():
        for change in intent.files:
            if change.backup is not None and os.path.lexists(root / change.backup):
                try:
                    _unlink(root, change.backup)
                except OSError as exc:
                    warnings.append(f"backup not removed: {describe_os_error(exc)}")
        for folder in sorted(intent.prune, key=lambda p: len(PurePosixPath(p).parts), reverse=True):
            _rmdir_if_empty(root, folder)
        _remove_journal(root)
    return warnings


def perform(root: Path, intent: Intent) -> list[str]:
    """Make every change of ``intent`` as one step: all of them, or none.

    The caller holds the website lock. On any failure or interruption before the commit the
    website is restored (see :func:`undo`) and the error raised.

    Args:
        root: The website root.
        intent: What to change.

    Returns:
        Warnings about clean-up that failed after the commit (the publish is complete).

    Raises:
        PublishError: A journal of an interrupted publish is pending, or a step failed (the
            website was restored first, or the error says what could not be undone).
    """
    if os.path.lexists(_journal_path(root)):
        raise PublishError(
            f"{STATE_FOLDER}/{JOURNAL_NAME}: an interrupted publish must be recovered first"
        )
    if not intent.files and not intent.folders:
        return []
    try:
        return _perform(root, intent)
    finally:
        with contextlib.suppress(OSError):  # holds the lock, or a journal left to recover
            (root / STATE_FOLDER).rmdir()


def _perform(root: Path, intent: Intent) -> list[str]:
    try:
        with _naming(STATE_FOLDER):
            (root / STATE_FOLDER).mkdir(exist_ok=True)
        _write_journal(root, intent, "prepared")
        for folder in intent.folders:
            with _naming(folder):
                os.mkdir(root / folder)
            _step()
        for change in intent.files:
            if change.staged is not None:
                _write(root, change)
        for change in intent.files:
            if change.backup is not None:
                _rename(root, change.target, change.backup, change.target)
            if change.staged is not None:
                _rename(root, change.staged, change.target, change.target)
        touched = {str(PurePosixPath(f).parent) for f in intent.folders}
        touched.update(str(PurePosixPath(f.target).parent) for f in intent.files)
        for folder in sorted(touched):
            with _naming(folder):
                fsync_folder(root / folder)
        _write_journal(root, intent, "committed")
    except BaseException as exc:
        try:
            undo(root, intent)
        except PublishError as failed:
            raise PublishError(f"publishing failed ({_reason(exc)}) and {failed}") from exc
        if not isinstance(exc, Exception):
            raise
        raise PublishError(
            f"publishing failed, the website was left as it was: {_reason(exc)}"
        ) from exc
    return _finish(root, intent)


def _reason(exc: BaseException) -> str:
    return describe_os_error(exc) if isinstance(exc, OSError) else str(exc) or type(exc).__name__


# --- recovery ----------------------------------------------------------------------------------


def _read_journal(root: Path) -> tuple[Intent, dict[str, str | None], bool] | None:
    """The journal on disk: its intent, new files' digests and whether it was committed."""
    path = _journal_path(root)
    shown = f"{STATE_FOLDER}/{JOURNAL_NAME}"
    if not os.path.lexists(path):
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["version"] != JOURNAL_VERSION or data["state"] not in ("prepared", "committed"):
            raise ValueError(f"unknown version or state {data['version']!r} {data['state']!r}")
        changes, digests = [], {}
        for entry in data["files"]:
            change = FileChange(entry["target"], None, entry["staged"], entry["backup"])
            _check_change(change)
            changes.append(change)
            digests[change.target] = entry["new"]
        folders = tuple(_clean(p) for p in data["folders"])
        prune = tuple(_clean(p) for p in data["prune"])
    except (OSError, UnicodeDecodeError) as exc:
        raise PublishError(
            f"{shown}: cannot read the journal of an interrupted publish: {exc}"
        ) from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise PublishError(
            f"{shown}: corrupt journal of an interrupted publish ({exc}); nothing was "
            "recovered: check the files it names, then remove it"
        ) from exc
    return Intent(folders, tuple(changes), prune), digests, data["state"] == "committed"


def _clean(path: object) -> str:
    if clean_relative(path) is None:
        raise ValueError(f"{path!r} is not a relative path inside the website")
    return str(path)


def _check_change(change: FileChange) -> None:
    """A journal names only a target and hidden siblings of it that docgen made."""
    target = PurePosixPath(_clean(change.target))
    for kind, sibling_path in (("staged", change.staged), ("backup", change.backup)):
        if sibling_path is None:
            continue
        path = PurePosixPath(_clean(sibling_path))
        match = _SIBLING.fullmatch(path.name)
        wanted = _STAGED if kind == "staged" else _BACKUP
        if path.parent != target.parent or not match or match["name"] != target.name:
            raise ValueError(f"{kind} file {sibling_path!r} is not beside {change.target!r}")
        if match["suffix"] != wanted:
            raise ValueError(f"{kind} file {sibling_path!r} does not end with {wanted}")


def recover(root: Path) -> str | None:
    """Finish or undo the publish a killed process left (the caller holds the website lock).

    Args:
        root: The website root.

    Returns:
        What was done (one line), or ``None`` when nothing was pending.

    Raises:
        PublishError: The journal is corrupt, or an undo step failed (the journal is kept).
    """
    found = _read_journal(root)
    if found is None:
        _remove_journal(root)  # a journal being written when its run was killed
        return None
    intent, digests, committed = found
    notes = _finish(root, intent) if committed else undo(root, intent, digests)
    detail = "".join(f"; {note}" for note in notes)
    return f"an interrupted publish was {'completed' if committed else 'rolled back'}{detail}"
