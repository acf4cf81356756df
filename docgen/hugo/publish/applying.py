"""Apply a plan atomically: every file is in place and the manifests updated, or nothing changed.

:func:`apply` turns a plan into an :class:`~kubeflow_devtools.docgen.hugo.publish.journal.Intent`
(the folders to create, and per file its new bytes, the hidden file beside it that holds them
first and the hidden backup of the old file) and hands it to
:func:`~kubeflow_devtools.docgen.hugo.publish.journal.perform`, which journals it before the
first change and undoes it on any failure or interruption.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import PurePosixPath

from kubeflow_devtools.docgen.hugo.publish.journal import FileChange, Intent, perform, sibling
from kubeflow_devtools.docgen.hugo.publish.manifest import MANIFEST_NAME
from kubeflow_devtools.docgen.hugo.publish.model import PublishError
from kubeflow_devtools.docgen.hugo.publish.paths import posix
from kubeflow_devtools.docgen.hugo.publish.planning import Plan, sha256_of


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


def _new_folders(planned: Plan, folder: PurePosixPath, folders: list[str]) -> None:
    """Add ``folder`` (relative to the root) and its missing parents to ``folders``."""
    current = PurePosixPath()
    for part in folder.parts:
        current = current / part
        if str(current) not in folders and not (planned.root / current).is_dir():
            folders.append(str(current))


def _change(planned: Plan, target: str, content: bytes | None, exists: bool) -> FileChange:
    """The change of one file: staged beside it when written, backed up when it exists."""
    written = content is not None
    mode = stat.S_IMODE((planned.root / target).stat().st_mode) if exists and written else None
    staged = sibling(target, "staged") if written else None
    backup = sibling(target, "backup") if exists else None
    return FileChange(target, content, staged, backup, mode)


def apply(planned: Plan) -> ApplyResult:
    """Perform a plan atomically: every change is made, or none is.

    The caller holds the website lock
    (:func:`~kubeflow_devtools.docgen.hugo.publish.lock.website_lock`) from before the plan
    was made. The intent log is written and flushed to disk before the first change; new
    contents are written to hidden files beside their targets and flushed; then each file to
    replace or delete is moved aside to a hidden backup and the new one renamed into place,
    each section's manifest last. Any failure or interruption (Ctrl-C, SIGTERM) undoes every
    step done, so the website is as it was; a process killed outright is recovered by the
    next publish. Then the backups and the folders left empty by stale files are removed.
    Unchanged files are not rewritten; files docgen did not generate are never touched.

    Args:
        planned: A plan made by :func:`plan`.

    Returns:
        What was created, updated and deleted.

    Raises:
        PublishError: A file changed since the plan was made, or an interrupted publish is
            pending (nothing is written), or a write failed (the website was restored first).
    """
    _verify(planned)
    folders: list[str] = []
    changes: list[FileChange] = []
    manifests: list[FileChange] = []
    prune: set[str] = set()
    created: list[str] = []
    updated: list[str] = []
    deleted: list[str] = []
    unchanged = 0
    for sp in planned.sections:
        base = PurePosixPath(posix(sp.directory.relative_to(planned.root)))
        for f in sp.files:
            target = base / f.path
            if f.action == "unchanged":
                unchanged += 1
                continue
            if f.action == "delete":
                deleted.append(str(target))
                prune.update(str(p) for p in target.parents if base in p.parents)
            else:
                _new_folders(planned, target.parent, folders)
                (created if f.action == "create" else updated).append(str(target))
            changes.append(_change(planned, str(target), f.content, f.action != "create"))
        if sp.manifest_changed:
            target = base / MANIFEST_NAME
            _new_folders(planned, base, folders)
            exists = sp.manifest_expected is not None
            manifests.append(_change(planned, str(target), sp.manifest, exists))
            (updated if exists else created).append(str(target))
    intent = Intent(tuple(folders), tuple(changes + manifests), tuple(sorted(prune)))
    warnings = perform(planned.root, intent)
    return ApplyResult(
        created=tuple(created),
        updated=tuple(updated),
        deleted=tuple(deleted),
        unchanged=unchanged,
        warnings=tuple(warnings),
    )
