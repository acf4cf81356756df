"""What a function's body does, read from its source with :mod:`ast`.

Whether it returns a value or yields, which exceptions it raises, whether it calls anything.
The body is the function's own statements: nested functions, lambdas and classes are not part
of it. A source that does not parse has no body (the rules that need one say nothing).
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator

from kubeflow_devtools.docgen.lint.model import LintObject


def function_node(obj: LintObject) -> ast.AST | None:
    """The function's AST, or ``None`` when there is no source or it does not parse."""
    if obj.source is None:
        return None
    try:
        tree = ast.parse(textwrap.dedent(obj.source))
    except SyntaxError:
        return None
    return next(
        (n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))), None
    )


def own_nodes(function: ast.AST) -> Iterator[ast.AST]:
    """Nodes of a function's body, not descending into nested functions or classes."""
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def returns_value(function: ast.AST) -> bool:
    """Whether a ``return`` in the body returns something other than ``None``."""
    return any(
        isinstance(n, ast.Return)
        and n.value is not None
        and not (isinstance(n.value, ast.Constant) and n.value.value is None)
        for n in own_nodes(function)
    )


def is_generator(function: ast.AST) -> bool:
    """Whether the body yields."""
    return any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in own_nodes(function))


def raised_names(function: ast.AST) -> dict[str, int]:
    """Exception names raised directly in the body, with the line of their first raise.

    The line is relative to the function's source (1 is its ``def`` line).
    """
    names: dict[str, int] = {}
    for node in own_nodes(function):
        if isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            name = (
                target.id
                if isinstance(target, ast.Name)
                else target.attr
                if isinstance(target, ast.Attribute)
                else None
            )
            if name and name[0].isupper():
                names.setdefault(name, node.lineno)
    return names
