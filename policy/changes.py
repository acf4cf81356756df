"""What a change touched: the files that differ from a git revision, and revisions as trees.

``--changed-since REF`` checks only the inputs whose build reads a file that differs between
REF (the merge base of REF and ``HEAD``, so a pull request's base branch moving on changes
nothing) and the working tree: committed, staged and unstaged changes, deleted files and
files git does not track yet. ``rootless-check diff`` checks a revision by exporting its
tree (``git archive``) into a temporary folder.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile

from kubeflow_devtools.policy.errors import UsageError


def _git(args: list[str], cwd: str) -> bytes:
    """Run git; raises :class:`UsageError` with git's message when it fails."""
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, check=False, stdin=subprocess.DEVNULL
        )
    except OSError as exc:
        raise UsageError(f"cannot run git: {exc.strerror or exc}") from None
    if result.returncode != 0:
        message = " ".join(result.stderr.decode("utf-8", "replace").split())
        raise UsageError(f"git {' '.join(args)}: {message or 'failed'}")
    return result.stdout


def toplevel(folder: str = ".") -> str:
    """The top folder of the git work tree that holds ``folder``."""
    return _git(["rev-parse", "--show-toplevel"], folder).decode().strip()


def is_revision(name: str, folder: str = ".") -> bool:
    """Whether ``name`` is a git revision (a commit) in the repository of ``folder``."""
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{name}^{{commit}}"], folder)
    except UsageError:
        return False
    return True


def changed_files(revision: str, folder: str = ".") -> frozenset[str]:
    """Absolute paths of the files that differ between ``revision`` and the working tree.

    Raises :class:`UsageError` when ``folder`` is not in a git work tree or ``revision``
    is unknown.
    """
    top = toplevel(folder)
    if not is_revision(revision, top):
        raise UsageError(f"--changed-since {revision}: not a git revision")
    try:
        base = _git(["merge-base", revision, "HEAD"], top).decode().strip()
    except UsageError:
        base = revision
    names = _git(["diff", "--name-only", "-z", "--no-renames", base, "--"], top).split(b"\0")
    names += _git(["ls-files", "--others", "--exclude-standard", "-z"], top).split(b"\0")
    return frozenset(os.path.join(top, os.fsdecode(n)) for n in names if n)


def export(revision: str, folder: str, into: str) -> str:
    """Write the tree of ``revision`` (of the repository of ``folder``) into ``into``.

    Returns the folder in the export that corresponds to ``folder``.
    """
    top = toplevel(folder)
    archive = _git(["archive", "--format=tar", revision], top)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return os.path.normpath(os.path.join(into, os.path.relpath(os.path.abspath(folder), top)))
