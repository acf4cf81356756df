"""Parse trees compiled to Python functions, executed with Go's semantics.

Each template body becomes one Python function, generated as source and compiled once, so
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

from kubeflow_devtools.policy.gotemplate.functions import GoFunc, call
from kubeflow_devtools.policy.gotemplate.nodes import (
    ActionNode,
    Arg,
    BranchNode,
    ChainNode,
    CommandNode,
    DotNode,
    FieldNode,
    IdentifierNode,
    LiteralNode,
    LoopControlNode,
    NilNode,
    Node,
    PipeNode,
    TemplateNode,
    TextNode,
    VariableNode,
)
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

_NO_FINAL: Any = object()
"""No value is piped into this command."""


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
}
"""What generated code refers to, besides its constants."""


class Compiler:
    """Compiles parse trees into Python functions, for a template's functions (by name)."""

    def __init__(self, functions: Mapping[str, GoFunc]) -> None:
        self.functions = functions
        self.constants: dict[str, Any] = {}
        self.lines: list[str] = []
        self.counter = 0
        self.loops: list[str] = []

    def module(self, trees: Mapping[str, list[Node]]) -> tuple[CodeType, dict[str, Any]]:
        """One code object defining ``BODIES`` (template name to function), and the constants
        it refers to (plain values: the pair can be stored with ``marshal``)."""
        names = {}
        chunks = []
        for index, (name, nodes) in enumerate(trees.items()):
            names[name] = f"body_{index}"
            chunks.append(self.body(f"body_{index}", nodes))
        table = ", ".join(f"{name!r}: {function}" for name, function in names.items())
        source = "\n".join(chunks) + f"\nBODIES = {{{table}}}\n"
        return compile(source, "<gotemplate>", "exec"), dict(self.constants)

    def body(self, function: str, nodes: list[Node]) -> str:
        """The source of one body's function."""
        self.lines = []
        self.counter = 0
        self.emit(1, "out = S.out")
        self.emit(1, "printed = S.printed")
        self.emit(1, f"ln = {_first_line(nodes)}")
        self.emit(1, "try:")
        for node in nodes:
            self.node(node, 2, "d0")
        self.emit(2, "pass")
        self.emit(1, "except GoError as exc:")
        self.emit(2, "raise TemplateExecError(ln, str(exc)) from None")
        return f"def {function}(S, d0):\n" + "\n".join(self.lines) + "\n"

    # Helpers.
    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def name(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def constant(self, value: Any) -> str:
        key = f"K{len(self.constants)}"
        self.constants[key] = value
        return key

    # Nodes.
    def node(self, node: Node, indent: int, dot: str) -> None:
        if isinstance(node, TextNode):
            self.emit(indent, f"out.append({self.constant(node.text)})")
        elif isinstance(node, ActionNode):
            self.emit(indent, f"ln = {node.line}")
            value = self.pipeline(node.pipe, indent, dot)
            if not node.pipe.variables:
                self.emit(indent, "printed.append(len(out))")
                self.emit(indent, f"out.append(to_text({value}))")
        elif isinstance(node, BranchNode):
            if node.kind == "range":
                self.range(node, indent, dot)
            else:
                self.branch(node, indent, dot)
        elif isinstance(node, TemplateNode):
            self.emit(indent, f"ln = {node.line}")
            value = self.pipeline(node.pipe, indent, dot) if node.pipe is not None else "MISSING"
            self.emit(indent, f"S.template({node.name!r}, {value}, {node.line})")
        elif isinstance(node, LoopControlNode):
            self.emit(indent, f"del S.variables[{self.loops[-1]}:]")
            self.emit(indent, "break" if node.kind == "break" else "continue")

    def branch(self, node: BranchNode, indent: int, dot: str) -> None:
        mark = self.name("m")
        self.emit(indent, f"{mark} = len(S.variables)")
        self.emit(indent, f"ln = {node.line}")
        value = self.pipeline(node.pipe, indent, dot)
        self.emit(indent, f"if truth({value}):")
        inner = dot
        if node.kind == "with":
            inner = self.name("d")
            self.emit(indent + 1, f"{inner} = {value}")
        for child in node.body:
            self.node(child, indent + 1, inner)
        self.emit(indent + 1, "pass")
        if node.else_body:
            self.emit(indent, "else:")
            for child in node.else_body:
                self.node(child, indent + 1, dot)
            self.emit(indent + 1, "pass")
        self.emit(indent, f"del S.variables[{mark}:]")

    def range(self, node: BranchNode, indent: int, dot: str) -> None:
        mark = self.name("m")
        items = self.name("items")
        key, element = self.name("k"), self.name("d")
        names = node.pipe.variables
        self.emit(indent, f"{mark} = len(S.variables)")
        self.emit(indent, f"ln = {node.line}")
        value = self.pipeline(PipeNode(node.pipe.line, node.pipe.commands), indent, dot)
        self.emit(indent, f"{items} = iterate({value}, {len(names)})")
        self.emit(indent, f"if {items}:")
        self.emit(indent + 1, f"for {key}, {element} in {items}:")
        values = [element] if len(names) == 1 else [key, element]
        for variable, item in zip(names, values):
            if node.pipe.assign:
                self.emit(indent + 2, f"S.assign({variable!r}, {item})")
            else:
                self.emit(indent + 2, f"S.variables.append([{variable!r}, {item}])")
        self.loops.append(mark)
        for child in node.body:
            self.node(child, indent + 2, element)
        self.loops.pop()
        self.emit(indent + 2, f"del S.variables[{mark}:]")
        if node.else_body:
            self.emit(indent, "else:")
            for child in node.else_body:
                self.node(child, indent + 1, dot)
            self.emit(indent + 1, "pass")

    # Pipelines: statements that leave the value in a local, whose name is returned.
    def pipeline(self, pipe: PipeNode, indent: int, dot: str) -> str:
        result = self.name("v")
        final = "NOFINAL"
        for command in pipe.commands:
            self.command(command, indent, dot, final, result)
            self.emit(indent, f"if {result} is None:")
            self.emit(indent + 1, f"{result} = MISSING")
            final = result
        for variable in pipe.variables:
            if pipe.assign:
                self.emit(indent, f"S.assign({variable!r}, {result})")
            else:
                self.emit(indent, f"S.variables.append([{variable!r}, {result}])")
        return result

    def command(self, node: CommandNode, indent: int, dot: str, final: str, target: str) -> None:
        head = node.args[0]
        rest = node.args[1:]
        if isinstance(head, IdentifierNode):
            self.function(head.name, rest, indent, dot, final, target)
            return
        if isinstance(head, FieldNode):
            self.chain(dot, head.names, rest, indent, dot, final, target)
            return
        if isinstance(head, VariableNode):
            start = self.name("x")
            self.emit(indent, f"{start} = S.lookup({head.name!r})")
            self.chain(start, head.names, rest, indent, dot, final, target)
            return
        if isinstance(head, ChainNode):
            start = self.argument(head.node, indent, dot)
            self.chain(start, head.names, rest, indent, dot, final, target)
            return
        if isinstance(head, NilNode):
            self.emit(indent, 'raise GoError("nil is not a command")')
            self.emit(indent, f"{target} = None")
            return
        if rest or final != "NOFINAL":
            described = head.text if isinstance(head, LiteralNode) else "."
            message = self.constant(f"can't give argument to non-function {described}")
            self.emit(indent, f"raise GoError({message})")
        self.emit(indent, f"{target} = {self.argument(head, indent, dot)}")

    def function(
        self, name: str, args: list[Arg], indent: int, dot: str, final: str, target: str
    ) -> None:
        if name in ("and", "or"):
            if not args and final == "NOFINAL":
                message = self.constant(f"wrong number of args for {name}: want at least 1 got 0")
                self.emit(indent, f"raise GoError({message})")
            # Each argument is evaluated only while the result is still undecided.
            stop = "not truth" if name == "and" else "truth"
            self.emit(indent, f"{target} = MISSING")
            depth = indent
            for arg in args:
                self.emit(depth, f"{target} = {self.argument(arg, depth, dot)}")
                self.emit(depth, f"if not ({stop}({target})):")
                depth += 1
            if final != "NOFINAL":
                self.emit(depth, f"{target} = {final}")
            self.emit(depth, "pass")
            return
        values = [self.argument(arg, indent, dot) for arg in args]
        if final != "NOFINAL":
            values.append(final)
        if name not in self.functions:
            raise KeyError(name)
        self.emit(indent, f"{target} = call({name!r}, FN_{name}, [{', '.join(values)}])")

    def chain(
        self,
        start: str,
        names: tuple[str, ...],
        args: list[Arg],
        indent: int,
        dot: str,
        final: str,
        target: str,
    ) -> None:
        values = [self.argument(arg, indent, dot) for arg in args]
        if final != "NOFINAL":
            values.append(final)
        if not names:
            if values:
                self.emit(indent, 'raise GoError("can\'t give argument to non-function")')
            self.emit(indent, f"{target} = {start}")
            return
        steps = names if not values else names[:-1]
        self.emit(indent, f"{target} = {start}")
        for step in steps:
            self.emit(
                indent,
                f"{target} = {target}.get({step!r}, MISSING) if isinstance({target}, dict) "
                f"else F({target}, {step!r})",
            )
        if values:
            self.emit(indent, f"{target} = invoke({target}, {names[-1]!r}, [{', '.join(values)}])")

    def argument(self, node: Arg, indent: int, dot: str) -> str:
        """An argument's value: a local holding it, or a constant expression."""
        if isinstance(node, DotNode):
            return dot
        if isinstance(node, LiteralNode):
            return self.constant(node.value)
        if isinstance(node, NilNode):
            return "None"
        if isinstance(node, PipeNode):
            return self.pipeline(node, indent, dot)
        target = self.name("a")
        self.command(CommandNode([node]), indent, dot, "NOFINAL", target)
        self.emit(indent, f"if {target} is None:")
        self.emit(indent + 1, f"{target} = MISSING")
        return target


def load(
    code: CodeType, constants: Mapping[str, Any], functions: Mapping[str, GoFunc]
) -> dict[str, Body]:
    """The functions of a compiled module, bound to the template's functions."""
    namespace: dict[str, Any] = {**_RUNTIME, **constants}
    namespace.update({f"FN_{name}": func for name, func in functions.items()})
    exec(code, namespace)  # noqa: S102 - code this module generated
    bodies: dict[str, Body] = namespace["BODIES"]
    return bodies


def _first_line(nodes: list[Node]) -> int:
    for node in nodes:
        line = getattr(node, "line", None)
        if isinstance(line, int):
            return line
    return 1


_RUNTIME["NOFINAL"] = _NO_FINAL

__all__ = ["Body", "Compiler", "State", "TemplateExecError", "load"]
