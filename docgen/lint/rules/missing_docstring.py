"""Every public function, method and class needs a docstring: the reference page is built from it.

A class whose constructor carries the docstring (`__init__`) is documented. What is public is
what the SDK exports (its configured API, else its `__all__`) and the public methods of its
classes; with `--recursive`, the public names of every public module too.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubeflow_devtools.docgen.lint.model import Finding, LintObject

ID = "missing-docstring"
TITLE = "A public object has no docstring"


def check(obj: LintObject) -> Iterator[Finding]:
    """A public object without a docstring."""
    if obj.docstring is None:
        yield Finding(obj.line, f"{obj.path} has no docstring")
