"""Where a function's own ``from M import name`` statements import from, read from its source.

Shared by the build (:mod:`~kubeflow_devtools.docgen.signature_types`, on live functions) and
lint (:mod:`~kubeflow_devtools.docgen.lint.engine`, on griffe's): a type a signature names only
through an import inside the function body still resolves. Standard library only.
"""

from __future__ import annotations

import ast
import textwrap


def local_import_module(source: str, name: str) -> str | None:
    """The module a ``from M import name`` statement in a function's own source (``source``,
    indented as it was) imports ``name`` from; ``None`` when there is none or it does not parse.
    """
    try:
        tree = ast.parse(textwrap.dedent(source))
    except (SyntaxError, ValueError):  # ValueError: a NUL byte
        return None
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and any((alias.asname or alias.name) == name for alias in node.names)
        ):
            return node.module
    return None
