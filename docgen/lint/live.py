"""The lint model of an imported object: what ``docgen build`` checks, with lint's own rules.

:func:`live_object` reads a live function or class (``inspect`` and the source's ``ast``) into
the same :class:`~kubeflow_devtools.docgen.lint.model.LintObject` that the static engine reads
with griffe: the signature's parameters, the return annotation as written, the cleaned
docstring parsed by :func:`~kubeflow_devtools.docgen.lint.docstrings.parse_google`. Both run
:data:`~kubeflow_devtools.docgen.lint.rules.RULES` on it, so a defect the build reports has the
rule id, object and message that ``docgen lint`` reports for the same object.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import textwrap
from typing import Any

from kubeflow_devtools.docgen.lint.docstrings import parse_google
from kubeflow_devtools.docgen.lint.engine import lint_objects
from kubeflow_devtools.docgen.lint.model import LintObject, Problem
from kubeflow_devtools.docgen.sources import source_lines


def own_docstring(obj: Any) -> str | None:
    """The docstring an object declares itself, cleaned (``inspect.cleandoc``), or ``None``.

    A class's inherited docstring and the signature a dataclass writes as ``__doc__`` are not
    its own: the source has no docstring.
    """
    doc = vars(obj).get("__doc__") if inspect.isclass(obj) else getattr(obj, "__doc__", None)
    if not isinstance(doc, str):
        return None
    if (
        inspect.isclass(obj)
        and dataclasses.is_dataclass(obj)
        and doc.startswith(f"{obj.__name__}(")
    ):
        return None  # the signature dataclasses write
    return inspect.cleandoc(doc)


def _node(source: str) -> ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | None:
    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError:
        return None
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return next((n for n in tree.body if isinstance(n, kinds)), None)


def _source(obj: Any) -> tuple[str, int] | None:
    found = source_lines(obj)
    return ("".join(found[0]), found[1]) if found is not None else None


def _docstring_line(obj: Any, fallback: int) -> int:
    """The file line of the first line of ``obj``'s cleaned docstring (as the engine finds it)."""
    found = _source(obj)
    if found is None:
        return fallback
    source, start = found
    node = _node(source)
    if node is None or not node.body or not isinstance(node.body[0], ast.Expr):
        return fallback
    line = start + node.body[0].lineno - 1
    opening = source.splitlines()[node.body[0].lineno - 1].strip()
    for quote in ('"""', "'''", 'r"""', "r'''"):
        if opening.startswith(quote):
            return line if opening[len(quote) :].strip() else line + 1
    return line


def _returns(function: Any) -> str | None:
    """The return annotation as written in the source, or ``None`` when there is none."""
    found = _source(function)
    node = _node(found[0]) if found is not None else None
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return ast.unparse(node.returns) if node.returns is not None else None
    annotation = inspect.signature(function).return_annotation
    return None if annotation is inspect.Signature.empty else inspect.formatannotation(annotation)


def live_object(obj: Any, path: str) -> LintObject | None:
    """``obj`` (a function, method or class documented at ``path``) as a :class:`LintObject`.

    Args:
        obj: The live object: a function (a method as its function) or a class.
        path: Its public dotted path, the name lint reports it under.

    Returns:
        The object as the static engine would read it from its source; ``None`` for anything
        else (data, modules, builtins without source).
    """
    if not (inspect.isclass(obj) or inspect.isfunction(obj)):
        return None
    found = _source(obj)
    if found is None:
        return None
    file = inspect.getsourcefile(obj) or ""
    line = found[1]  # the first decorator's line, as griffe's
    documented: Any = obj
    function: Any = obj
    docstring = own_docstring(obj)
    if inspect.isclass(obj):
        init = vars(obj).get("__init__")
        function = init if inspect.isfunction(init) and _source(init) is not None else None
        if docstring is None and function is not None and own_docstring(function) is not None:
            documented = function
            docstring = own_docstring(function)
    parsed = (
        parse_google(docstring, _docstring_line(documented, line))
        if docstring is not None
        else None
    )
    parameters: tuple[str, ...] | None = None
    positional: tuple[str, ...] = ()
    var_positional = var_keyword = returns = None
    if function is not None:
        params = list(inspect.signature(function).parameters.values())
        parameters = tuple(p.name for p in params)
        positional = tuple(
            p.name
            for p in params
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            and p.name not in ("self", "cls")
        )
        var_positional = next((p.name for p in params if p.kind is p.VAR_POSITIONAL), None)
        var_keyword = next((p.name for p in params if p.kind is p.VAR_KEYWORD), None)
        if function is obj:
            returns = _returns(function)
    return LintObject(
        path=path,
        name=obj.__name__,
        kind="class" if inspect.isclass(obj) else "function",
        file=file,
        line=line,
        docstring=docstring,
        parsed=parsed,
        parameters=parameters,
        positional=positional,
        var_positional=var_positional,
        var_keyword=var_keyword,
        returns=returns,
        source=found[0] if function is obj else None,
    )


def live_problems(obj: Any, path: str) -> tuple[LintObject | None, list[Problem]]:
    """The lint model of ``obj`` and what every lint rule finds in it (see :func:`live_object`).

    Args:
        obj: The live function or class.
        path: Its public dotted path.

    Returns:
        The model (``None`` for objects lint does not check) and its problems.
    """
    model = live_object(obj, path)
    return model, (lint_objects([model]) if model is not None else [])
