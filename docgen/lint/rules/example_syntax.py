"""Readers copy examples; one that is not valid Python is a bug in the documentation.

The code of the Examples section is checked: fenced blocks whole, and doctest examples as
`doctest` reads them (a `>>>` line and its `...` continuation lines are one statement; the
expected output after them is not code). A block that starts with `$`, `{` or `[` is a shell
session or JSON, not Python, and is left alone.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from kubeflow_devtools.docgen.lint.docstrings import example_blocks
from kubeflow_devtools.docgen.lint.model import Finding, LintObject

ID = "example-syntax"
TITLE = "Example code that does not parse"


def check(obj: LintObject) -> Iterator[Finding]:
    """Example code blocks that are not valid Python."""
    for line, code in example_blocks(obj.parsed):
        if code.lstrip().startswith(("$", "{", "[")) and not code.lstrip().startswith("[i"):
            continue  # shell or JSON shown as an example
        try:
            ast.parse(code)
        except SyntaxError as exc:
            yield Finding(line + (exc.lineno or 1) - 1, f"example does not parse: {exc.msg}")
