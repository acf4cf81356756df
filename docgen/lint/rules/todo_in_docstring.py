"""Docstrings are published: a `TODO` in one appears verbatim in the reference.

The markers are the words `TODO`, `FIXME` and `XXX` in capitals, anywhere in the docstring. A
to-do belongs in a comment or an issue.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubeflow_devtools.docgen.lint.model import Finding, LintObject

ID = "todo-in-docstring"
TITLE = "A leftover TODO/FIXME in published text"

_MARKER = re.compile(r"\b(TODO|FIXME|XXX)\b")


def check(obj: LintObject) -> Iterator[Finding]:
    """Leftover to-do and fix-me markers in the docstring."""
    if obj.parsed is None:
        return
    for number, line in obj.parsed.lines:
        match = _MARKER.search(line)
        if match:
            yield Finding(number, f"docstring contains {match.group(1)}")
