"""The body returns a value, but the docstring (which has sections) has no `Returns:` section.

Generators (they yield) and constructors are not checked, nor are docstrings with no section at
all: a one-line summary makes no claim to be complete.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubeflow_devtools.docgen.lint.body import function_node, is_generator, returns_value
from kubeflow_devtools.docgen.lint.model import Finding, LintObject

ID = "missing-returns"
TITLE = "A function returns a value that its docstring does not describe"


def check(obj: LintObject) -> Iterator[Finding]:
    """A value is returned but no Returns section says what."""
    if obj.kind != "function" or obj.sectioned is None or obj.name == "__init__":
        return
    function = function_node(obj)
    if function is None or is_generator(function) or not returns_value(function):
        return
    if obj.section("returns") is None:
        yield Finding(obj.line, f"{obj.name}() returns a value: no Returns section")
