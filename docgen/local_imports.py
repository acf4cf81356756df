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


def _is_type_checking(test: ast.expr) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING`` (the test of an ``if``)."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def type_checking_import_module(source: str, name: str) -> str | None:
    """The module an ``if TYPE_CHECKING:`` block at the top of a module's source imports
    ``name`` from (``from M import name``): names that exist for type checkers only, as the
    annotations of ``kubeflow.hub.ModelRegistryClient`` use ``model_registry.types``.

    Args:
        source: The module's source.
        name: The name (its alias when the import renames it).

    Returns:
        The module imported from; ``None`` when no such block imports it, or the source does
        not parse.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    for node in tree.body:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            block = ast.Module(body=node.body, type_ignores=[])
            found = local_import_module(ast.unparse(block), name)
            if found is not None:
                return found
    return None
