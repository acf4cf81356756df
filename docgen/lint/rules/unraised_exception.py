"""The Raises section promises an exception the function does not raise itself. Exceptions that
propagate from callees are legitimate; this rule only fires when the body neither raises nor
calls anything, so the documentation cannot be right.

A bare `raise` (re-raising what was caught) counts as raising.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from kubeflow_devtools.docgen.lint.body import function_node, own_nodes, raised_names
from kubeflow_devtools.docgen.lint.model import Finding, LintObject

ID = "unraised-exception"
TITLE = "A documented exception that the body never raises"


def check(obj: LintObject) -> Iterator[Finding]:
    """Raises entries for a body that raises nothing and calls nothing."""
    section = obj.section("raises")
    if obj.kind != "function" or section is None:
        return
    function = function_node(obj)
    if function is None:
        return
    raised = raised_names(function)
    calls = any(isinstance(n, ast.Call) for n in own_nodes(function))
    bare_reraise = any(isinstance(n, ast.Raise) and n.exc is None for n in own_nodes(function))
    if raised or calls or bare_reraise:
        return
    for entry in section.entries:
        yield Finding(
            entry.line, f"documents {entry.name}, but {obj.name}() raises and calls nothing"
        )
