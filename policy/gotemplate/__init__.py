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
from typing import Any

from kubeflow_devtools.policy.gotemplate.executor import (
    Body,
    Compiler,
    State,
    TemplateExecError,
    run_body,
)
from kubeflow_devtools.policy.gotemplate.functions import BUILTINS, SPECIAL_FORMS, GoFunc
from kubeflow_devtools.policy.gotemplate.lexer import TemplateSyntaxError
from kubeflow_devtools.policy.gotemplate.parser import parse as parse_tree

__all__ = ["GoFunc", "Template", "TemplateExecError", "TemplateSyntaxError", "parse"]


class Template:
    """A compiled template: its main body and its named templates."""

    def __init__(self, name: str, body: Body, definitions: Mapping[str, Body]) -> None:
        self.name = name
        self.templates: dict[str, Body] = {**definitions, name: body}

    def execute(self, data: Any) -> str:
        """The text the template writes with ``data`` as dot (and ``$``).

        Raises :class:`TemplateExecError` (with the line of the failing action).
        """
        state = State(self.templates, [["$", data]])
        run_body(self.templates[self.name], state, data)
        return "".join(state.out)


def parse(
    text: str, functions: Mapping[str, GoFunc], *, name: str = "template", first_line: int = 1
) -> Template:
    """Parse and compile ``text`` with Go's builtins and ``functions`` (which win over them).

    ``first_line`` is the line number of the text's first line in messages. Raises
    :class:`TemplateSyntaxError`.
    """
    known = {**BUILTINS, **functions}
    body, definitions = parse_tree(text, known.keys() | SPECIAL_FORMS, first_line)
    compiler = Compiler(known)
    return Template(
        name,
        compiler.body(body),
        {key: compiler.body(nodes) for key, nodes in definitions.items()},
    )
