"""The example would fail with a TypeError: an unknown keyword, or more positional arguments
than the signature takes.

Calls in the Examples section whose name is the documented function's (`client.tune(...)` for
`tune`) are checked against its signature; a function that takes `**kwargs` accepts any
keyword, one that takes `*args` any number of positional arguments.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from kubeflow_devtools.docgen.lint.docstrings import example_blocks
from kubeflow_devtools.docgen.lint.model import Finding, LintObject

ID = "example-bad-call"
TITLE = "An example calls the documented function with arguments it does not accept"


def _calls(code: str, name: str) -> Iterator[ast.Call]:
    """Calls of ``name`` (as a function or a method) in the code, if it parses."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called == name:
                yield node


def check(obj: LintObject) -> Iterator[Finding]:
    """Calls to this function in its examples, checked against its signature."""
    accepted = obj.arguments
    if obj.kind != "function" or accepted is None:
        return
    for line, code in example_blocks(obj.parsed):
        for node in _calls(code, obj.name):
            where = line + node.lineno - 1
            if obj.var_keyword is None:
                for keyword in node.keywords:
                    if keyword.arg is not None and keyword.arg not in accepted:
                        yield Finding(
                            where,
                            f"example passes {keyword.arg}= to {obj.name}(), which has no "
                            "such parameter",
                        )
            positional = [a for a in node.args if not isinstance(a, ast.Starred)]
            if obj.var_positional is None and len(positional) > len(obj.positional):
                yield Finding(
                    where,
                    f"example passes {len(positional)} positional arguments to {obj.name}(), "
                    f"which takes {len(obj.positional)}",
                )
