"""Documentation of module constants: the comment the authors wrote above the assignment.

Autodoc gives a constant without a ``#:`` comment its type's docstring (``str(object='') ->
str ...``, or a Kubernetes model's with its ``openapi_types`` and ``attribute_map``). The SDKs
document constants with plain ``#`` comments; those are what we show, then the value's type
(the value is in the signature).
"""

from __future__ import annotations

import importlib
import inspect
import re

from kubeflow_devtools.docgen.sources import source


def is_type_docstring(obj: object, lines: list[str]) -> bool:
    """True when ``lines`` is just the docstring of ``obj``'s type (a constant's value is an
    instance: autodoc shows its class's documentation, ``str(object='')`` or a Kubernetes
    model's, attributes and all)."""
    if inspect.isclass(obj) or inspect.isroutine(obj) or inspect.ismodule(obj):
        return False
    own = inspect.cleandoc(type(obj).__doc__ or "").splitlines()
    text = [line for line in lines if line.strip()]
    return bool(text) and bool(own) and text[0].strip() == own[0].strip()


def type_line(obj: object) -> str:
    """A constant's type, as a line of RST, linked where it is documented.

    No colon outside the role: napoleon would read ``Type: int`` as an attribute's type.
    """
    cls = type(obj)
    module = cls.__module__
    if module == "builtins":
        target = cls.__qualname__
    elif module.startswith("kubernetes.client"):
        target = f"kubernetes.client.{cls.__qualname__}"
    else:
        target = f"{module}.{cls.__qualname__}"
    return f"A value of type :py:class:`~{target}`."


def _source(module_name: str) -> str | None:
    try:
        module = importlib.import_module(module_name)
    except Exception:
        return None
    return source(module)


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
