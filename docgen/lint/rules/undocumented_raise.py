"""Callers cannot know they must handle it. Only checked when the docstring has sections.

Only exceptions the function raises itself (`raise ValueError(...)`) are checked, not those that
propagate from what it calls. A documented `errors.NotFound` documents `NotFound`. When the
Raises section is there but not parsed, `unparsed-section` reports it instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubeflow_devtools.docgen.grammar import section_kind
from kubeflow_devtools.docgen.lint.body import function_node, raised_names
from kubeflow_devtools.docgen.lint.model import Finding, LintObject

ID = "undocumented-raise"
TITLE = "An exception raised in the body that the Raises section omits"


def check(obj: LintObject) -> Iterator[Finding]:
    """``raise X`` in the body, X not in Raises."""
    parsed = obj.sectioned
    function = function_node(obj) if obj.kind == "function" and parsed is not None else None
    if parsed is None or function is None:
        return
    if any(section_kind(title.rstrip()) == "raises" for _, title, _ in parsed.unparsed):
        return  # unparsed-section already reports the Raises section no parser sees
    section = parsed.section("raises")
    documented = {e.name.rsplit(".", 1)[-1] for e in section.entries} if section else set()
    for name, line in raised_names(function).items():
        if name not in documented:
            yield Finding(
                obj.line + line - 1, f"raises {name}, which the Raises section does not list"
            )
