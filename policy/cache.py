"""The build cache: renders and check results, keyed by the content of what they read.

A root's build is cached under a key made of the content of every file it reads (the files
discovery found for it), the wrapper's settings, the kustomize binary and its absolute path;
its check results under that key plus the options and this package's code. A re-run with
nothing changed builds and checks nothing. Entries are written to a temporary file and
renamed, so a reader never sees half an entry; an entry that cannot be read is a miss.
Failed builds and builds of remote bases (whose content no file here holds) are never
stored: a gate's verdict never depends on the cache.

The folder is ``--cache DIR``, else ``$XDG_CACHE_HOME/rootless-check``, else
``~/.cache/rootless-check``; it is created private to the user (mode 0700).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VERSION = "1"
"""Changes whenever the layout of entries changes."""


def digest(parts: Iterable[str | bytes]) -> str:
    """A sha256 over ``parts`` (each length-prefixed, so no two lists collide)."""
    hasher = hashlib.sha256(VERSION.encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


@dataclass
class Cache:
    """A cache folder (``None``: no cache) and the file digests computed in this run."""

    folder: Path | None
    _files: dict[str, str] = field(default_factory=dict)

    def file_digest(self, path: str) -> str:
        """The sha256 of a file's content (``missing`` when it cannot be read)."""
        if path not in self._files:
            try:
                self._files[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
            except OSError:
                self._files[path] = "missing"
        return self._files[path]

    def key(self, files: Iterable[str], *extra: str) -> str:
        """A key for something that reads ``files`` and depends on ``extra``."""
        names = sorted(set(files))
        return digest([*extra, *(f"{name}\0{self.file_digest(name)}" for name in names)])

    def load(self, kind: str, key: str) -> bytes | None:
        """The entry ``kind/key``, or ``None`` (no cache, no entry, unreadable)."""
        if self.folder is None:
            return None
        try:
            return (self.folder / kind / key).read_bytes()
        except OSError:
            return None

    def store(self, kind: str, key: str, data: bytes) -> None:
        """Write the entry ``kind/key`` (atomically); a cache that cannot be written is ignored."""
        if self.folder is None:
            return
        folder = self.folder / kind
        try:
            folder.mkdir(parents=True, exist_ok=True)
            os.chmod(self.folder, 0o700)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, folder / key)
        except OSError:
            return


@dataclass
class Memo:
    """``compute(text)`` remembered by the text's content across runs, in one cache entry.

    For small, many, rarely changing inputs (kustomization files): one entry read once, and
    written back once (:meth:`save`) when something new was computed.
    """

    cache: Cache
    name: str
    compute: Callable[[str], Any]
    _entries: dict[str, Any] | None = None
    _dirty: bool = False

    def __call__(self, text: str) -> Any:
        """``compute(text)``, from the memo when the same text was seen before."""
        if self._entries is None:
            data = self.cache.load("memo", self.name)
            try:
                loaded = pickle.loads(data) if data is not None else {}
            except Exception:  # a damaged entry is an empty memo
                loaded = {}
            self._entries = loaded if isinstance(loaded, dict) else {}
        key = hashlib.sha256(text.encode()).hexdigest()
        if key not in self._entries:
            self._entries[key] = self.compute(text)
            self._dirty = True
        return self._entries[key]

    def save(self) -> None:
        """Write the memo back if it learnt something."""
        if self._dirty and self._entries is not None:
            self.cache.store("memo", self.name, pickle.dumps(self._entries))
            self._dirty = False
