"""Where manifests come from: files, folders and standard input, read as text.

A folder contributes every ``*.yaml``, ``*.yml`` and ``*.json`` file below it, in sorted
order, following symbolic links but never twice into the same directory (so link loops end).
Hidden directories (``.git`` and the like) are skipped. Anything that is not a regular file
(a FIFO, a device) is refused rather than read, so it can never block the scan.

Files are read document by document (:class:`FileSource`), never whole: memory stays at the
size of the largest document, not of the render.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kubeflow_devtools.policy import kustomize
from kubeflow_devtools.policy.documents import Chunk, split_documents, stream_documents
from kubeflow_devtools.policy.errors import InputError

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"


@dataclass(frozen=True)
class Kustomization:
    """A kustomization folder given on the command line: rendered, then read."""

    folder: str


@dataclass(frozen=True)
class Source:
    """The text of one input file, named as the user will recognise it."""

    name: str
    text: str

    def chunks(self) -> Iterator[Chunk]:
        """The documents of the text (see :func:`.documents.split_documents`)."""
        return split_documents(self.text)


@dataclass(frozen=True)
class FileSource:
    """An open regular file, read one document at a time; closed once its chunks are read."""

    name: str
    handle: BinaryIO

    def chunks(self) -> Iterator[Chunk]:
        """The documents of the file (see :func:`.documents.stream_documents`).

        Raises :class:`InputError` for binary content, invalid UTF-8 or a failing read.
        """
        with self.handle:
            try:
                yield from stream_documents(self.name, self.handle)
            except OSError as exc:
                raise InputError(self.name, None, exc.strerror or str(exc)) from None


def expand_paths(paths: list[str]) -> Iterator[str | Kustomization | InputError]:
    """The files to read for the given paths, in order; errors for paths that cannot be used.

    Files given explicitly are read whatever their suffix; a kustomization folder is rendered;
    other folders are walked for manifest files. ``-`` stands for standard input.
    """
    for path in paths:
        if path == STDIN:
            yield STDIN
            continue
        try:
            info = os.stat(path)
        except FileNotFoundError:
            yield InputError(path, None, "no such file or directory")
            continue
        except OSError as exc:
            yield InputError(path, None, exc.strerror or str(exc))
            continue
        if stat.S_ISDIR(info.st_mode):
            if kustomize.is_kustomization(path):
                yield Kustomization(path)
            else:
                yield from _walk(path)
        elif stat.S_ISREG(info.st_mode):
            yield path
        else:
            yield InputError(path, None, "not a regular file or folder")


def _walk(top: str) -> Iterator[str | InputError]:
    """Manifest files below ``top``, sorted, each directory visited once (link loops end)."""
    seen: set[tuple[int, int]] = set()
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            info = os.stat(folder)
        except OSError as exc:
            yield InputError(folder, None, exc.strerror or str(exc))
            continue
        if (info.st_dev, info.st_ino) in seen:
            continue
        seen.add((info.st_dev, info.st_ino))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield InputError(folder, None, exc.strerror or str(exc))
            continue
        subfolders: list[str] = []
        for entry in entries:
            path = entry.path
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
            except OSError:
                is_dir = is_file = False
            if is_dir:
                if not entry.name.startswith("."):
                    subfolders.append(path)
            elif entry.name.endswith(MANIFEST_SUFFIXES):
                if is_file:
                    yield path
                elif not os.path.exists(path):
                    yield InputError(path, None, _link_problem(path))
                else:
                    yield InputError(path, None, "not a regular file")
        # Depth first, in sorted order: push in reverse so the first folder is walked first.
        stack.extend(reversed(subfolders))


def _link_problem(path: str) -> str:
    """Why a symbolic link leads nowhere: it is broken, or part of a loop."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return "broken symbolic link"
    except OSError as exc:
        return exc.strerror or str(exc)
    return "not a regular file"


def open_source(
    path: str | Kustomization, kustomize_timeout: float = kustomize.DEFAULT_TIMEOUT
) -> Source | FileSource:
    """A file opened for streaming; standard input and kustomizations read whole.

    Raises :class:`InputError` when the file cannot be opened.
    """
    if isinstance(path, Kustomization) or path == STDIN:
        return read_source(path, kustomize_timeout)
    try:
        return FileSource(path, open(path, "rb"))  # closed by chunks()
    except OSError as exc:
        raise InputError(path, None, exc.strerror or str(exc)) from None


def read_source(
    path: str | Kustomization, kustomize_timeout: float = kustomize.DEFAULT_TIMEOUT
) -> Source:
    """Read one file, standard input (``-``) or a kustomization's render as UTF-8 text.

    Raises :class:`InputError` for unreadable files, failed renders, binary content (a NUL
    byte) and invalid UTF-8, naming the line where the bad byte is.
    """
    if isinstance(path, Kustomization):
        return Source(
            path.folder, decode(path.folder, kustomize.render(path.folder, kustomize_timeout))
        )
    name = "<stdin>" if path == STDIN else path
    try:
        data = sys.stdin.buffer.read() if path == STDIN else Path(path).read_bytes()
    except OSError as exc:
        raise InputError(name, None, exc.strerror or str(exc)) from None
    return Source(name, decode(name, data))


def decode(name: str, data: bytes) -> str:
    """Bytes to text: UTF-8 (a BOM is dropped); NUL bytes and bad UTF-8 are errors."""
    nul = data.find(b"\0")
    if nul >= 0:
        raise InputError(name, data.count(b"\n", 0, nul) + 1, "binary file (contains a NUL byte)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(name, line, f"invalid UTF-8 at byte {exc.start}") from None
    return text.removeprefix("\ufeff")
