"""Go's ``text/template`` in Python: parse once, execute many times, with Go's semantics.

:func:`parse` turns a template text into a :class:`Template` (its main body and every
``define``/``block``) or raises :class:`TemplateSyntaxError` where Go's parser would refuse
it, including a call of a function the function map does not have. :meth:`Template.execute`
runs it on data made of the values of :mod:`~kubeflow_devtools.policy.gotemplate.values`;
an execution error is a :class:`TemplateExecError`. Both errors carry the template line.

This package knows nothing of Kubernetes or Istio: the function map and the data are the
caller's (sprig's functions are in :mod:`~kubeflow_devtools.policy.gotemplate.sprig`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import CodeType
from typing import TYPE_CHECKING, Any

from kubeflow_devtools.policy.gotemplate import cache
from kubeflow_devtools.policy.gotemplate.executor import (
    Body,
    State,
    TemplateExecError,
    TemplateSyntaxError,
    load,
)
from kubeflow_devtools.policy.gotemplate.functions import BUILTINS, SPECIAL_FORMS, GoFunc

if TYPE_CHECKING:
    from kubeflow_devtools.policy.gotemplate.nodes import Node

__all__ = ["GoFunc", "Output", "Template", "TemplateExecError", "TemplateSyntaxError", "parse"]


class Template:
    """A parsed template: its main body and its named templates, compiled when first run.

    ``trees`` are the parse trees (``None`` when the template came from the cache, which then
    may hold its compiled ``code``).
    """

    def __init__(
        self,
        name: str,
        text: str,
        functions: Mapping[str, GoFunc],
        entry: str,
        trees: dict[str, list[Node]] | None = None,
        code: tuple[list[CodeType], dict[str, Any]] | None = None,
    ) -> None:
        self.name = name
        self.text = text
        self.functions = functions
        self.entry = entry
        self.trees = trees
        self.code = code
        self.templates: dict[str, Body] = {}

    def execute(self, data: Any) -> str:
        """The text the template writes with ``data`` as dot (and ``$``).

        Raises :class:`TemplateExecError` (with the line of the failing action).
        """
        return "".join(self.render(data).pieces)

    def render(self, data: Any) -> Output:
        """What the template writes, in pieces: its own text and the values actions print."""
        if not self.templates:
            self.templates = self._compiled()
        state = State(self.templates, [["$", data]])
        self.templates[self.name](state, data)
        return Output(state.out, state.printed)

    def _compiled(self) -> dict[str, Body]:
        if self.code is None:
            trees = (
                self.trees
                if self.trees is not None
                else _trees(self.name, self.text, self.functions)
            )
            # The parser and compiler load only when a template is not in the cache.
            from kubeflow_devtools.policy.gotemplate.compiler import Compiler

            self.code = Compiler(self.functions).module(trees)
            cache.write(
                self.entry, {"error": None, "code": self.code[0], "constants": self.code[1]}
            )
        return load(self.code[0], self.code[1], self.functions)


@dataclass(frozen=True)
class Output:
    """A template's output: ``pieces`` joined are the text; ``printed`` are the indices of the
    pieces an action printed (values), the others being the template's own text."""

    pieces: list[str]
    printed: list[int]

    @property
    def text(self) -> str:
        """The whole text."""
        return "".join(self.pieces)


def _trees(name: str, text: str, functions: Mapping[str, GoFunc]) -> dict[str, list[Node]]:
    from kubeflow_devtools.policy.gotemplate.parser import parse as parse_tree

    body, definitions = parse_tree(text, functions.keys() | SPECIAL_FORMS)
    return {**definitions, name: body}


def parse(text: str, functions: Mapping[str, GoFunc], *, name: str = "template") -> Template:
    """Parse ``text`` with Go's builtins and ``functions`` (which win over them); the template
    is compiled the first time it runs. Raises :class:`TemplateSyntaxError`.

    A template parsed (and compiled) before, in this or an earlier run, comes from
    :mod:`~kubeflow_devtools.policy.gotemplate.cache`.
    """
    known = {**BUILTINS, **functions}
    entry = cache.key(name, text, known)
    stored = cache.read(entry)
    if stored is not None:
        error = stored.get("error")
        if error is not None:
            raise TemplateSyntaxError(int(error[0]), str(error[1]))
        code = stored.get("code")
        if (
            isinstance(code, list)
            and all(isinstance(c, CodeType) for c in code)
            and isinstance(stored.get("constants"), dict)
        ):
            return Template(name, text, known, entry, code=(code, stored["constants"]))
        return Template(name, text, known, entry)
    try:
        trees = _trees(name, text, known)
    except TemplateSyntaxError as exc:
        cache.write(entry, {"error": (exc.line, exc.message)})
        raise
    cache.write(entry, {"error": None})
    return Template(name, text, known, entry, trees=trees)
