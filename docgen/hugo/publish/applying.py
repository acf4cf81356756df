"""Apply a plan atomically: every file is in place and the manifests updated, or nothing changed.

New contents go to hidden temporary files first, then the files to replace or delete are
moved aside to hidden backups and the temporary files renamed into place; a journal of undo
actions restores the website if any step fails.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from kubeflow_devtools.docgen.hugo.publish.manifest import MANIFEST_NAME
from kubeflow_devtools.docgen.hugo.publish.model import PublishError
from kubeflow_devtools.docgen.hugo.publish.paths import posix
from kubeflow_devtools.docgen.hugo.publish.planning import Plan, sha256_of

_TMP_SUFFIX = ".docgen-tmp"
_BAK_SUFFIX = ".docgen-bak"


@dataclass(frozen=True)
class ApplyResult:
    """What :func:`apply` did.

    Attributes:
        created: Files created, relative to the website root (manifests included).
        updated: Files rewritten, relative to the website root (manifests included).
        deleted: Stale files deleted, relative to the website root.
        unchanged: How many generated pages were already up to date (not rewritten).
        warnings: Clean-up that failed after the publish succeeded (a backup file or an empty
            folder left behind); the published pages are complete regardless.
    """

    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    unchanged: int = 0
    warnings: tuple[str, ...] = ()

    def __str__(self) -> str:
        """One line: how many files were created, updated, deleted and left unchanged."""
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.deleted)} deleted, {self.unchanged} unchanged"
        )


class _Journal:
    """Undo actions of the writes done so far, run in reverse order on failure."""

    def __init__(self) -> None:
        self._undo: list[tuple[str, Callable[[], object]]] = []

    def add(self, what: str, undo: Callable[[], object]) -> None:
        self._undo.append((what, undo))

    def rollback(self) -> list[str]:
        failures = []
        for what, undo in reversed(self._undo):
            try:
                undo()
            except OSError as exc:
                failures.append(f"{what}: {exc}")
        self._undo.clear()
        return failures


def _unlink_missing_ok(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _makedirs(root: Path, folder: Path, journal: _Journal) -> None:
    """Create ``folder`` (under ``root``) and its missing parents, journaling each."""
    current = root
    for part in folder.relative_to(root).parts:
        current = current / part
        if not current.is_dir():
            os.mkdir(current)
            journal.add(f"remove folder {current}", partial(os.rmdir, current))


def _unique(target: Path, suffix: str) -> Path:
    """A hidden sibling of ``target`` that does not exist: ``.NAME.RANDOM<suffix>``."""
    for _ in range(100):
        candidate = target.with_name(f".{target.name}.{secrets.token_hex(4)}{suffix}")
        if not os.path.lexists(candidate):
            return candidate
    raise FileExistsError(f"no free name for a temporary file beside {target}")


def _write_temp(target: Path, data: bytes, mode: int | None, journal: _Journal) -> Path:
    """Write ``data`` to a new hidden file beside ``target``; return its path."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temp = _unique(target, _TMP_SUFFIX)
        try:
            fd = os.open(temp, flags, 0o666)
        except FileExistsError:
            continue
        break
    journal.add(f"remove {temp}", partial(_unlink_missing_ok, temp))
    with os.fdopen(fd, "wb") as stream:
        stream.write(data)
    if mode is not None:
        os.chmod(temp, mode)
    return temp


def _verify(planned: Plan) -> None:
    """Refuse to apply a plan when a file it touches changed since it was made."""
    problems = []
    for sp in planned.sections:
        states = [(f.path, f.expected) for f in sp.files if f.action != "unchanged"]
        if sp.manifest_changed:
            states.append((MANIFEST_NAME, sp.manifest_expected))
        for path, expected in states:
            target = sp.directory / path
            shown = posix(target.relative_to(planned.root))
            try:
                if expected is None:
                    changed = os.path.lexists(target)
                else:
                    changed = (
                        target.is_symlink()
                        or not target.is_file()
                        or sha256_of(target)[1] != expected
                    )
            except OSError as exc:
                problems.append(f"{shown}: cannot be read: {exc.strerror}")
                continue
            if changed:
                problems.append(f"{shown}: changed since the publish was planned; plan again")
    if problems:
        raise PublishError(*problems)


def apply(planned: Plan) -> ApplyResult:
    """Perform a plan atomically: every change is made, or none is.

    New contents are first written to hidden temporary files beside their targets; only then
    are the files to replace or delete moved aside to hidden backups, the temporary files
    renamed into place and, last, each section's manifest. If any step fails, every step
    done is undone (backups restored, new files and folders removed), so the website is as
    it was. After success the backups are deleted and folders left empty by stale files are
    removed. Unchanged files are not rewritten; files docgen did not generate are never
    touched.

    Args:
        planned: A plan made by :func:`plan`.

    Returns:
        What was created, updated and deleted.

    Raises:
        PublishError: A file changed since the plan was made (nothing is written), or a
            write failed (the website was restored first).
    """
    _verify(planned)
    root = planned.root
    journal = _Journal()
    temps: list[tuple[Path, Path, bool]] = []  # target, temp, created
    manifest_temps: list[tuple[Path, Path, bool]] = []
    backups: list[Path] = []
    created: list[Path] = []
    updated: list[Path] = []
    deleted: list[Path] = []
    emptied: set[Path] = set()
    unchanged = 0
    try:
        for sp in planned.sections:
            for f in sp.files:
                target = sp.directory / f.path
                if f.action == "unchanged":
                    unchanged += 1
                elif f.action in ("create", "update"):
                    assert f.content is not None
                    _makedirs(root, target.parent, journal)
                    mode = stat.S_IMODE(target.stat().st_mode) if f.action == "update" else None
                    temp = _write_temp(target, f.content, mode, journal)
                    temps.append((target, temp, f.action == "create"))
                    (created if f.action == "create" else updated).append(target)
            if sp.manifest_changed:
                target = sp.directory / MANIFEST_NAME
                _makedirs(root, sp.directory, journal)
                exists = sp.manifest_expected is not None
                mode = stat.S_IMODE(target.stat().st_mode) if exists else None
                temp = _write_temp(target, sp.manifest, mode, journal)
                manifest_temps.append((target, temp, not exists))
                (updated if exists else created).append(target)
        for sp in planned.sections:
            aside = [f.path for f in sp.files if f.action in ("update", "delete")]
            if sp.manifest_changed and sp.manifest_expected is not None:
                aside.append(MANIFEST_NAME)
            for path in aside:
                target = sp.directory / path
                backup = _unique(target, _BAK_SUFFIX)
                os.replace(target, backup)
                journal.add(f"restore {target}", partial(os.replace, backup, target))
                backups.append(backup)
            for f in sp.files:
                if f.action == "delete":
                    deleted.append(sp.directory / f.path)
                    folder = (sp.directory / f.path).parent
                    while folder != sp.directory:
                        emptied.add(folder)
                        folder = folder.parent
        for target, temp, new in temps + manifest_temps:
            os.replace(temp, target)
            if new:
                journal.add(f"remove {target}", partial(os.unlink, target))
    except BaseException as exc:
        failures = journal.rollback()
        if not isinstance(exc, Exception):
            raise
        if failures:
            raise PublishError(
                f"publishing failed ({exc}) and could not be fully undone: " + "; ".join(failures)
            ) from exc
        raise PublishError(f"publishing failed, the website was left as it was: {exc}") from exc

    warnings: list[str] = []
    for backup in backups:
        try:
            os.unlink(backup)
        except OSError as exc:
            warnings.append(f"{posix(backup.relative_to(root))}: backup not removed: {exc}")
    for folder in sorted(emptied, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):  # not empty (other files): it stays
            os.rmdir(folder)

    def shown(paths: list[Path]) -> tuple[str, ...]:
        return tuple(posix(p.relative_to(root)) for p in paths)

    return ApplyResult(
        created=shown(created),
        updated=shown(updated),
        deleted=shown(deleted),
        unchanged=unchanged,
        warnings=tuple(warnings),
    )
