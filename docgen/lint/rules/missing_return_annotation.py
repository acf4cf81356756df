"""Without a return annotation the reference cannot show what the function returns, and type
checkers cannot either.

Only functions whose body returns a value are checked (not generators, not constructors).
"""

from __future__ import annotations

from collections.abc import Iterator

from kubeflow_devtools.docgen.lint.body import function_node, is_generator, returns_value
from kubeflow_devtools.docgen.lint.model import Finding, LintObject

ID = "missing-return-annotation"
TITLE = "A function that returns a value declares no return type"


def check(obj: LintObject) -> Iterator[Finding]:
    """A value is returned but there is no ``->`` annotation."""
    if obj.kind != "function" or obj.returns is not None or obj.name == "__init__":
        return
    function = function_node(obj)
    if function is not None and returns_value(function) and not is_generator(function):
        yield Finding(obj.line, f"{obj.name}() has no return annotation")
