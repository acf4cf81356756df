"""Documentation of module constants: the comment the authors wrote above the assignment.

Autodoc gives a constant without a ``#:`` comment its type's docstring (``str(object='') ->
str ...``). The SDKs document constants with plain ``#`` comments; those are what we show.
"""

from __future__ import annotations

import importlib
import inspect
import re

_BUILTIN_TYPES = (str, bytes, int, float, bool, complex, list, tuple, dict, set, frozenset)


def is_type_docstring(obj: object, lines: list[str]) -> bool:
    """True when ``lines`` is just the docstring of ``obj``'s built-in type."""
    if not isinstance(obj, _BUILTIN_TYPES) and obj is not None:
        return False
    own = inspect.cleandoc(type(obj).__doc__ or "").splitlines()
    text = [line for line in lines if line.strip()]
    return bool(text) and bool(own) and text[0].strip() == own[0].strip()


def _source(module_name: str) -> str | None:
    try:
        return inspect.getsource(importlib.import_module(module_name))
    except Exception:
        return None


def comment_doc(module_name: str, name: str, depth: int = 3) -> list[str]:
    """The ``#`` comment block above ``name = ...`` in ``module_name`` (following a
    ``from M import name`` re-export), skipping the assignments grouped under that comment."""
    source = _source(module_name)
    if source is None:
        return []
    lines = source.splitlines()
    for i, line in enumerate(lines):
        if re.match(rf"{re.escape(name)}\s*(:[^=]*)?=", line):
            j = i - 1
            while j >= 0 and re.match(r"[A-Za-z_]\w*\s*(:[^=]*)?=", lines[j]):
                j -= 1
            comments: list[str] = []
            while j >= 0 and lines[j].startswith("#"):
                comments.insert(0, lines[j].lstrip("#").strip())
                j -= 1
            # developer notes are not documentation
            return [c for c in comments if not re.match(r"(TODO|FIXME|XXX)\b", c)]
    if depth:
        pattern = r"^from\s+([\w.]+)\s+import\s+(\([^)]*\)|[^\n]*)"
        for match in re.finditer(pattern, source, re.M):
            if re.search(rf"\b{re.escape(name)}\b", match.group(2)):
                return comment_doc(match.group(1), name, depth - 1)
    return []
