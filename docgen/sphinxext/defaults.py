"""Defaults shown as what they are: a module constant's value, with its name linked.

``autodoc_preserve_defaults`` shows a default as written in the source
(``timeout=constants.DEFAULT_TIMEOUT``): the reader cannot tell the value without opening the
constants page. After it ran (``autodoc-before-process-signature``), every default written as a
name or attribute chain that evaluates, in the function's module, to a plain value (a number,
a string, a boolean, ``None``) is shown as that value (``timeout=120``); a dict, list or tuple
written with such names shows their values (``{'size': '10Gi', ...}``). Calls and other
expressions stay as written. When the constant is documented, ``doctree-read`` links the value
to its entry (the :class:`ConstantDefault` remembers which constant it came from).
"""

from __future__ import annotations

import ast
import inspect
import re
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

from kubeflow_devtools.docgen.inventory import resolve_dotted

_PLAIN = (bool, int, float, str, type(None))
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


class ConstantDefault:
    """A default that is a module constant: shown as its value, linked to its name."""

    def __init__(self, text: str, constant: str | None) -> None:
        self.text = text
        self.constant = constant

    def __repr__(self) -> str:
        return self.text


def plain_value(value: Any) -> bool:
    """A value shown as itself: a number, string, boolean, ``None``, or a list, tuple or dict
    of them (its ``repr`` reads back as the same value)."""
    if isinstance(value, _PLAIN):
        return True
    if not isinstance(value, (list, tuple, dict)):
        return False
    try:
        return bool(ast.literal_eval(repr(value)) == value)
    except (ValueError, SyntaxError):
        return False


def _lookup(dotted: str, scope: dict[str, Any]) -> tuple[Any, str | None] | None:
    """The value of ``a.b.C`` in ``scope``, and the constant's canonical dotted name."""
    head, *rest = dotted.split(".")
    if head not in scope:
        return None
    value: Any = scope[head]
    owner: Any = None
    for part in rest:
        owner = value
        if not hasattr(value, part):
            return None
        value = getattr(value, part)
    if not plain_value(value):
        return None
    if owner is not None and inspect.ismodule(owner):
        return value, f"{owner.__name__}.{rest[-1]}"
    module = scope.get("__name__")
    return value, (f"{module}.{dotted}" if not rest and isinstance(module, str) else None)


class _Evaluate(ast.NodeTransformer):
    """Replace names and attribute chains that are plain constants by their values."""

    def __init__(self, scope: dict[str, Any]) -> None:
        self.scope = scope
        self.changed = False

    def _replace(self, node: ast.expr) -> ast.expr:
        text = ast.unparse(node)
        found = _lookup(text, self.scope) if _DOTTED.fullmatch(text) else None
        if found is None or text in {"None", "True", "False"}:
            return node
        self.changed = True
        return ast.copy_location(ast.Constant(found[0]), node)

    def visit_Name(self, node: ast.Name) -> ast.expr:
        """A bare name (``DEFAULT_TIMEOUT``)."""
        return self._replace(node)

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        """An attribute chain (``constants.DEFAULT_TIMEOUT``)."""
        return self._replace(node)

    def visit_Call(self, node: ast.Call) -> ast.expr:
        """A call is evaluated when the function is called: kept as written."""
        return node


def evaluate_default(text: str, scope: dict[str, Any]) -> ConstantDefault | None:
    """The default written as ``text`` with the constants it names evaluated in ``scope``.

    Args:
        text: The default as written in the source.
        scope: The globals of the function's module.

    Returns:
        ``None`` when ``text`` names no constant (keep it as written); else the default shown
        as value(s), with the constant's dotted name when the whole default is one constant.
    """
    if _DOTTED.fullmatch(text):
        found = _lookup(text, scope)
        return None if found is None else ConstantDefault(repr(found[0]), found[1])
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return None
    if not isinstance(tree.body, (ast.Dict, ast.List, ast.Tuple, ast.Set)):
        return None
    evaluator = _Evaluate(scope)
    new = evaluator.visit(tree)
    return ConstantDefault(ast.unparse(new), None) if evaluator.changed else None


def _evaluate_defaults(app: Sphinx, obj: Any, bound_method: bool) -> None:
    """Runs after ``autodoc_preserve_defaults`` (which sets ``__signature__`` with the
    defaults as written): the defaults that name constants become their values."""
    scope = getattr(getattr(obj, "__func__", obj), "__globals__", None)
    signature = getattr(obj, "__signature__", None)
    if not isinstance(scope, dict) or not isinstance(signature, inspect.Signature):
        return

    def shown(value: Any) -> Any:
        if type(value).__name__ != "DefaultValue":
            return value
        evaluated = evaluate_default(repr(value), scope)
        return value if evaluated is None else evaluated

    parameters = [p.replace(default=shown(p.default)) for p in signature.parameters.values()]
    signature = signature.replace(parameters=parameters)
    try:
        obj.__signature__ = signature
    except AttributeError:  # bound methods, as autodoc_preserve_defaults does
        obj.__dict__["__signature__"] = signature


def _documented(app: Sphinx, canonical: str) -> str | None:
    """The public path a constant is documented at, if it is: by its defining module's name,
    else a documented public name that re-exports it (same name, same value)."""
    mapping: dict[str, str] = getattr(app.config, "docgen_canonical", {}) or {}
    public = mapping.get(canonical)
    if public is not None:
        return public
    if canonical in mapping.values():
        return canonical
    name = canonical.rpartition(".")[2]
    value = resolve_dotted(canonical)
    for candidate in sorted(set(mapping.values())):
        if candidate.rpartition(".")[2] != name:
            continue
        found = resolve_dotted(candidate)
        if type(found) is type(value) and found == value:
            return candidate
    return None


def _link_defaults(app: Sphinx, doctree: nodes.document) -> None:
    """Link each default that came from a documented constant to the constant's entry."""
    for signature in doctree.findall(addnodes.desc_signature):
        module, fullname = signature.get("module"), signature.get("fullname")
        if not fullname:
            continue
        obj = resolve_dotted(f"{module}.{fullname}" if module else fullname)
        target = obj.__init__ if inspect.isclass(obj) else obj
        try:
            parameters = inspect.signature(target).parameters
        except (TypeError, ValueError):
            continue
        for parameter in signature.findall(addnodes.desc_parameter):
            names = list(parameter.findall(addnodes.desc_sig_name))
            name = names[0].astext() if names else ""
            default = parameters[name].default if name in parameters else None
            if not isinstance(default, ConstantDefault) or default.constant is None:
                continue
            public = _documented(app, default.constant)
            for shown in parameter.findall(nodes.inline):
                if "default_value" not in shown["classes"] or public is None:
                    continue
                text = shown.astext()
                reference = addnodes.pending_xref(
                    "", refdomain="py", reftype="obj", reftarget=public, refexplicit=True
                )
                reference += nodes.Text(text)
                shown.children = []
                shown += reference
                shown["docgen_constant"] = default.constant


def drop_constructor_returns(app: Sphinx, doctree: nodes.document) -> None:
    """A class's signature is its constructor's: it has no return type (``-> None``), which
    showing return types in signatures would otherwise add."""
    for desc in doctree.findall(addnodes.desc):
        if desc.get("objtype") not in {"class", "exception"}:
            continue
        for signature in desc.children:
            if isinstance(signature, addnodes.desc_signature):
                for returns in list(signature.findall(addnodes.desc_returns)):
                    returns.parent.remove(returns)


def setup(app: Sphinx) -> None:
    """Evaluate constant defaults after ``autodoc_preserve_defaults``; link them when read;
    class signatures without a return type."""
    app.connect("autodoc-before-process-signature", _evaluate_defaults, priority=900)
    app.connect("doctree-read", _link_defaults)
    app.connect("doctree-read", drop_constructor_returns)
