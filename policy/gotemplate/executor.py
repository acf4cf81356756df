"""Parse trees compiled to Python functions, executed with Go's semantics.

Each template body becomes one Python function, generated as source and compiled once
(:mod:`~kubeflow_devtools.policy.gotemplate.compiler`, loaded only when no compiled code is
cached), so
executing a template many times walks no tree and makes no call per node: text is appended,
field chains on maps are dictionary lookups in line, ``if``/``with``/``range`` are Python
``if``/``for`` (``{{break}}`` and ``{{continue}}`` their Python twins).

Go's rules kept: a pipeline's value is passed to the next command as its last argument; a
nil interface becomes "no value" between commands; ``and``/``or`` stop at the first false/true
argument; variables live until the end of the ``if``/``with``/``range`` that declares them (a
``range`` iteration gets fresh ones); ``$`` is the data the template started with; ranging over
a map goes in key order; ``{{template}}`` starts with ``$`` set to its argument. An execution
error carries the line of the action that failed.

Mirrors golang/go@go1.24:src/text/template/exec.go.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import CodeType
from typing import Any

from kubeflow_devtools.policy.gotemplate.functions import GoFunc, call, caller
from kubeflow_devtools.policy.gotemplate.values import (
    MISSING,
    GoError,
    GoStruct,
    get_field,
    to_text,
    truth,
)

MAX_DEPTH = 100
"""How deeply ``{{template}}`` calls may nest (Go allows more; Python's stack does not)."""


class TemplateSyntaxError(Exception):
    """A template Go would not parse: the message and the 1-based line it concerns."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class TemplateExecError(Exception):
    """A template that fails to execute: the message and the 1-based line of the action."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


Body = Callable[["State", Any], None]
"""A compiled template body: ``(state, dot)``, writing to ``state.out``."""


class State:
    """One execution: the output, the variable stack, the named templates, the call depth."""

    __slots__ = ("depth", "out", "printed", "templates", "variables")

    def __init__(self, templates: Mapping[str, Body], variables: list[list[Any]]) -> None:
        self.out: list[str] = []
        self.printed: list[int] = []
        """Where in ``out`` an action printed a value (the rest is the template's text)."""
        self.templates = templates
        self.variables = variables
        self.depth = 0

    def print_value(self, value: Any) -> None:
        """What an action prints: the value's text, remembered as a printed value."""
        self.printed.append(len(self.out))
        self.out.append(to_text(value))

    def lookup(self, name: str) -> Any:
        """The innermost variable called ``name``."""
        for entry in reversed(self.variables):
            if entry[0] == name:
                return entry[1]
        raise GoError(f"undefined variable: {name}")

    def assign(self, name: str, value: Any) -> None:
        """``$name = value``: set the innermost variable called ``name``."""
        for entry in reversed(self.variables):
            if entry[0] == name:
                entry[1] = value
                return
        raise GoError(f"undefined variable: {name}")

    def template(self, name: str, value: Any, line: int) -> None:
        """``{{template "name" value}}``: run a named template with ``$`` and dot ``value``."""
        body = self.templates.get(name)
        if body is None:
            raise TemplateExecError(line, f'no such template "{name}"')
        if self.depth >= MAX_DEPTH:
            raise TemplateExecError(line, "exceeded maximum template depth")
        saved = self.variables
        self.variables = [["$", value]]
        self.depth += 1
        try:
            body(self, value)
        finally:
            self.depth -= 1
            self.variables = saved


def iterate(value: Any, names: int) -> list[tuple[Any, Any]]:
    """What ``range`` goes over: a slice's items, a map's in key order, ``0..n-1`` for an
    integer, nothing for no value."""
    if value is MISSING or value is None:
        return []
    if isinstance(value, dict):
        return [(key, value[key]) for key in sorted(value)]
    if isinstance(value, (list, tuple)):
        return list(enumerate(value))
    if isinstance(value, int) and not isinstance(value, bool):
        if names > 1:
            raise GoError(f"can't use {value} to iterate over more than one variable")
        return [(i, i) for i in range(value)]
    raise GoError(f"range can't iterate over {to_text(value)}")


def invoke(value: Any, name: str, args: list[Any]) -> Any:
    """The last step of a field chain given arguments: a method call."""
    if isinstance(value, GoStruct):
        method = value.method(name)
        if method is not None:
            try:
                return method(*args)
            except TypeError:
                raise GoError(f"wrong number of args for {name}") from None
    raise GoError(f"{name} has arguments but cannot be invoked as function")


def no_value(value: Any) -> Any:
    """A nil interface becomes no value (Go's ``reflect.ValueOf(v.Interface())``)."""
    return MISSING if value is None else value


PART_LINES = 60
"""About how many lines of generated code a compiled part holds."""


def template_line(error: BaseException, lines: list[tuple[int, int]]) -> int:
    """The template line of the action whose generated code raised ``error``: the line of the
    generated part (the first frame of the traceback) looked up in its ``lines`` table."""
    trace = error.__traceback__
    generated = trace.tb_lineno if trace is not None else 0
    line = lines[0][1] if lines else 1
    for at, template in lines:
        if at > generated:
            break
        line = template
    return line


def field_chain(value: Any, *names: str) -> Any:
    """``value.A.B.C`` (no value for a nil result)."""
    for name in names:
        value = value.get(name, MISSING) if isinstance(value, dict) else get_field(value, name)
    return MISSING if value is None else value


def chain1(value: Any, a: str) -> Any:
    """``value.A``."""
    value = value.get(a, MISSING) if isinstance(value, dict) else get_field(value, a)
    return MISSING if value is None else value


def chain2(value: Any, a: str, b: str) -> Any:
    """``value.A.B``."""
    value = value.get(a, MISSING) if isinstance(value, dict) else get_field(value, a)
    value = value.get(b, MISSING) if isinstance(value, dict) else get_field(value, b)
    return MISSING if value is None else value


def chain3(value: Any, a: str, b: str, c: str) -> Any:
    """``value.A.B.C``."""
    value = value.get(a, MISSING) if isinstance(value, dict) else get_field(value, a)
    value = value.get(b, MISSING) if isinstance(value, dict) else get_field(value, b)
    value = value.get(c, MISSING) if isinstance(value, dict) else get_field(value, c)
    return MISSING if value is None else value


def chain4(value: Any, a: str, b: str, c: str, d: str) -> Any:
    """``value.A.B.C.D``."""
    value = value.get(a, MISSING) if isinstance(value, dict) else get_field(value, a)
    value = value.get(b, MISSING) if isinstance(value, dict) else get_field(value, b)
    value = value.get(c, MISSING) if isinstance(value, dict) else get_field(value, c)
    value = value.get(d, MISSING) if isinstance(value, dict) else get_field(value, d)
    return MISSING if value is None else value


def method_chain(value: Any, names: tuple[str, ...], args: list[Any]) -> Any:
    """``value.A.B.Method args``: the fields, then a method call with the arguments."""
    for name in names[:-1]:
        value = get_field(value, name)
    return no_value(invoke(value, names[-1], args))


_RUNTIME = {
    "MISSING": MISSING,
    "GoError": GoError,
    "TemplateExecError": TemplateExecError,
    "F": get_field,
    "to_text": to_text,
    "truth": truth,
    "call": call,
    "iterate": iterate,
    "invoke": invoke,
    "NV": no_value,
    "template_line": template_line,
    "CH": field_chain,
    "CH1": chain1,
    "CH2": chain2,
    "CH3": chain3,
    "CH4": chain4,
    "CA": method_chain,
}
"""What generated code refers to, besides its constants."""


def load(
    codes: list[CodeType], constants: Mapping[str, Any], functions: Mapping[str, GoFunc]
) -> dict[str, Body]:
    """The functions of compiled code, bound to the template's functions."""
    namespace: dict[str, Any] = {**_RUNTIME, **constants}
    namespace.update({f"FN_{name}": caller(name, func) for name, func in functions.items()})
    for code in codes:
        exec(code, namespace)
    bodies: dict[str, Body] = namespace["BODIES"]
    return bodies


__all__ = ["Body", "State", "TemplateExecError", "load"]
