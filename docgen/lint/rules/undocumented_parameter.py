"""Readers of the reference cannot know what the argument does. Only checked when the docstring
has an Args section.

`self` and `cls` need no entry. A docstring without an Args section (a one-line summary, say)
makes no claim to document the parameters and is not checked.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubeflow_devtools.docgen.lint.model import Finding, LintObject

ID = "undocumented-parameter"
TITLE = "A parameter that the Args section does not document"


def check(obj: LintObject) -> Iterator[Finding]:
    """Parameters missing from an existing Args section."""
    section = obj.section("args")
    if section is None or obj.arguments is None:
        return
    documented = {entry.name for entry in section.entries}
    for name in obj.arguments:
        if name not in documented:
            yield Finding(section.line, f"parameter '{name}' is not documented")
