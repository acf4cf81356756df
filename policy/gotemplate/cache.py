"""Compiled templates kept between runs, by their text (like Jinja's bytecode cache).

Parsing a template and compiling it to Python costs more than running it for a pod, and the
same Istio release ships the same templates to every cluster: each template's outcome is kept
in a file named by a SHA-256 of everything that decides it (the template text and name, the
names of the functions it may call, this engine's own source, Python's version). An entry holds
either the syntax error the template has, or that it parses and, once it has run, the
``marshal``-ed code it compiles to. A missing, unreadable or corrupt entry is recomputed, so the
result never depends on the cache, only the time it takes.

The folder is ``$KUBEFLOW_DEVTOOLS_CACHE`` (``off`` turns the cache off), else
``$XDG_CACHE_HOME/kubeflow-devtools/gotemplate``, else ``~/.cache/kubeflow-devtools/gotemplate``.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from kubeflow_devtools.atomic import write_atomic

ENV = "KUBEFLOW_DEVTOOLS_CACHE"
"""The cache folder, or ``off``."""

_ENGINE_FILES = ("lexer.py", "parser.py", "nodes.py", "executor.py", "values.py", "functions.py")


def folder() -> Path | None:
    """Where entries live (``None``: the cache is off)."""
    chosen = os.environ.get(ENV)
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kubeflow-devtools" / "gotemplate"


@cache
def engine() -> str:
    """A fingerprint of this engine: its source files, Python's version, marshal's format."""
    digest = hashlib.sha256(f"{sys.version}\0{marshal.version}".encode())
    here = Path(__file__).parent
    for name in _ENGINE_FILES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def key(name: str, text: str, functions: Iterable[str]) -> str:
    """The entry's name for a template."""
    digest = hashlib.sha256(engine().encode())
    for part in (name, "\0".join(sorted(functions)), text):
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def read(entry: str) -> dict[str, Any] | None:
    """The stored entry, or ``None`` when there is none (or it cannot be read)."""
    place = folder()
    if place is None:
        return None
    try:
        data = marshal.loads((place / entry).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return data if isinstance(data, dict) and data.get("key") == entry else None


def write(entry: str, data: dict[str, Any]) -> None:
    """Store an entry; a folder that cannot be written only means no cache."""
    place = folder()
    if place is None:
        return
    try:
        place.mkdir(parents=True, exist_ok=True)
        write_atomic(place / entry, marshal.dumps({**data, "key": entry}))
    except (OSError, ValueError):
        return
