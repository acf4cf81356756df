"""What a name that only an import gives a function means, read from the source.

A function's own ``from M import name`` statements, and a module's ``if TYPE_CHECKING:``
blocks (names that exist for type checkers only). Shared by the build
(:mod:`~kubeflow_devtools.docgen.signature_types`, on live functions) and lint
(:mod:`~kubeflow_devtools.docgen.lint.engine`, on griffe's): a type a signature names only
through such an import still resolves. Standard library only.
"""

from __future__ import annotations

import ast
import textwrap


def local_import(source: str, name: str) -> str | None:
    """What ``name`` is in a function whose own source (``source``, indented as it was)
    says ``from M import X as name`` (or ``from M import name``).

    Args:
        source: The function's source.
        name: The name the function uses.

    Returns:
        ``M.X``; ``None`` when no such statement imports it or the source does not parse.
    """
    try:
        tree = ast.parse(textwrap.dedent(source))
    except (SyntaxError, ValueError):  # ValueError: a NUL byte
        return None
    return _imported_from(tree, name)


def _imported_from(tree: ast.AST, name: str) -> str | None:
    """``M.X`` for the first ``from M import X [as name]`` anywhere in ``tree``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    return f"{node.module}.{alias.name}"
    return None


def _is_type_checking(test: ast.expr) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING`` (the test of an ``if``)."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def type_checking_import(source: str, name: str) -> str | None:
    """What ``name`` is in a module whose ``if TYPE_CHECKING:`` block at the top imports it
    (``from M import X as name``), as the annotations of ``kubeflow.hub.ModelRegistryClient``
    use ``model_registry.types``.

    Args:
        source: The module's source.
        name: The name the module's annotations use.

    Returns:
        ``M.X``; ``None`` when no such block imports it, or the source does not parse.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    for node in tree.body:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            found = _imported_from(ast.Module(body=node.body, type_ignores=[]), name)
            if found is not None:
                return found
    return None
