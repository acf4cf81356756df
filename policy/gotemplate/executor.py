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

from kubeflow_devtools.policy.gotemplate.functions import GoFunc, call, caller
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


class Compiler:
    """Compiles parse trees into Python functions, for a template's functions (by name)."""

    def __init__(self, functions: Mapping[str, GoFunc]) -> None:
        self.functions = functions
        self.constants: dict[str, Any] = {}
        self.lines: list[str] = []
        self.counter = 0
        self.loops: list[str] = []

    def module(self, trees: Mapping[str, list[Node]]) -> tuple[list[CodeType], dict[str, Any]]:
        """Code objects that, run in order, define ``BODIES`` (template name to function), and
        the constants they refer to (plain values: both can be stored with ``marshal``).

        A body is cut into parts of about :data:`PART_LINES` lines, each compiled on its own:
        compiling one large function costs much more memory than several small ones.
        """
        codes: list[CodeType] = []
        table = []
        for index, (name, nodes) in enumerate(trees.items()):
            function = f"body_{index}"
            parts = self.parts(function, nodes)
            calls = "".join(f"    {part}(S, d0)\n" for part, _ in parts)
            for part, source in parts:
                codes.append(compile(source, f"<gotemplate {part}>", "exec"))
            codes.append(compile(f"def {function}(S, d0):\n{calls}", "<gotemplate>", "exec"))
            table.append(f"{name!r}: {function}")
        codes.append(compile(f"BODIES = {{{', '.join(table)}}}\n", "<gotemplate>", "exec"))
        return codes, dict(self.constants)

    def parts(self, function: str, nodes: list[Node]) -> list[tuple[str, str]]:
        """A body as functions of about :data:`PART_LINES` lines each: (name, source)."""
        self.counter = 0
        out: list[tuple[str, str]] = []
        start = 0
        while start < len(nodes) or not out:
            name = f"{function}_{len(out)}"
            self.lines = []
            self.marks: list[tuple[int, int]] = [(1, _first_line(nodes[start:]))]
            self.emit(1, "out = S.out")
            self.emit(1, "pv = S.print_value")
            self.emit(1, "try:")
            end = start
            while end < len(nodes) and (end == start or len(self.lines) < PART_LINES):
                self.node(nodes[end], 2, "d0")
                end += 1
            if len(self.lines) == 3:
                self.emit(2, "pass")
            self.emit(1, "except GoError as exc:")
            self.emit(
                2, f"raise TemplateExecError(template_line(exc, LINES_{name}), str(exc)) from None"
            )
            self.constants[f"LINES_{name}"] = [(at + 1, line) for at, line in self.marks]
            out.append((name, f"def {name}(S, d0):\n" + "\n".join(self.lines) + "\n"))
            start = end
        return out

    # Helpers.
    def emit(self, indent: int, line: str) -> None:
        """One line of generated code, indented."""
        self.lines.append("    " * indent + line)

    def mark(self, line: int) -> None:
        """The code emitted from here on is the template's ``line``."""
        self.marks.append((len(self.lines) + 1, line))

    def name(self, prefix: str) -> str:
        """A fresh local variable name."""
        self.counter += 1
        return f"{prefix}{self.counter}"

    def constant(self, value: Any) -> str:
        """The name generated code uses for a constant value."""
        key = f"K{len(self.constants)}"
        self.constants[key] = value
        return key

    # Nodes.
    def node(self, node: Node, indent: int, dot: str) -> None:
        """The code of one node, with ``dot`` the local holding the cursor."""
        if isinstance(node, TextNode):
            self.emit(indent, f"out.append({self.constant(node.text)})")
        elif isinstance(node, ActionNode):
            self.mark(node.line)
            if len(node.pipe.commands) == 1 and not node.pipe.variables:
                self.emit(indent, f"pv({self.command(node.pipe.commands[0], indent, dot, None)})")
                return
            value = self.pipeline(node.pipe, indent, dot)
            if not node.pipe.variables:
                self.emit(indent, f"pv({value})")
        elif isinstance(node, BranchNode):
            if node.kind == "range":
                self.range(node, indent, dot)
            else:
                self.branch(node, indent, dot)
        elif isinstance(node, TemplateNode):
            self.mark(node.line)
            value = self.pipeline(node.pipe, indent, dot) if node.pipe is not None else "MISSING"
            self.emit(indent, f"S.template({node.name!r}, {value}, {node.line})")
        elif isinstance(node, LoopControlNode):
            self.emit(indent, f"del S.variables[{self.loops[-1]}:]")
            self.emit(indent, "break" if node.kind == "break" else "continue")

    def block(self, nodes: list[Node], indent: int, dot: str) -> None:
        """A nested body (``pass`` when it writes nothing)."""
        before = len(self.lines)
        for child in nodes:
            self.node(child, indent, dot)
        if len(self.lines) == before:
            self.emit(indent, "pass")

    def branch(self, node: BranchNode, indent: int, dot: str) -> None:
        """``if`` or ``with``: Python ``if``/``else``, variables dropped after."""
        scoped = _declares(node)
        mark = self.name("m")
        if scoped:
            self.emit(indent, f"{mark} = len(S.variables)")
        self.mark(node.line)
        value = self.pipeline(node.pipe, indent, dot)
        self.emit(indent, f"if truth({value}):")
        inner = dot
        if node.kind == "with":
            inner = self.name("d")
            self.emit(indent + 1, f"{inner} = {value}")
        self.block(node.body, indent + 1, inner)
        if node.else_body:
            self.emit(indent, "else:")
            self.block(node.else_body, indent + 1, dot)
        if scoped:
            self.emit(indent, f"del S.variables[{mark}:]")

    def range(self, node: BranchNode, indent: int, dot: str) -> None:
        """``range``: a Python ``for`` over :func:`iterate`, fresh variables each iteration."""
        mark = self.name("m")
        items = self.name("items")
        key, element = self.name("k"), self.name("d")
        names = node.pipe.variables
        self.emit(indent, f"{mark} = len(S.variables)")
        self.mark(node.line)
        value = self.pipeline(PipeNode(node.pipe.line, node.pipe.commands), indent, dot)
        self.emit(indent, f"{items} = iterate({value}, {len(names)})")
        self.emit(indent, f"if {items}:")
        self.emit(indent + 1, f"for {key}, {element} in {items}:")
        values = ([element] if len(names) == 1 else [key, element])[: len(names)]
        for variable, item in zip(names, values, strict=True):
            if node.pipe.assign:
                self.emit(indent + 2, f"S.assign({variable!r}, {item})")
            else:
                self.emit(indent + 2, f"S.variables.append([{variable!r}, {item}])")
        self.loops.append(mark)
        self.block(node.body, indent + 2, element)
        self.loops.pop()
        self.emit(indent + 2, f"del S.variables[{mark}:]")
        if node.else_body:
            self.emit(indent, "else:")
            self.block(node.else_body, indent + 1, dot)

    # Pipelines: statements that leave the value in a local, whose name is returned.
    def pipeline(self, pipe: PipeNode, indent: int, dot: str) -> str:
        """A pipeline: its commands in order, each given the previous value last."""
        result = self.name("v")
        final: str | None = None
        for command in pipe.commands:
            value = self.command(command, indent, dot, final)
            self.emit(indent, f"{result} = {value}")
            final = result
        for variable in pipe.variables:
            if pipe.assign:
                self.emit(indent, f"S.assign({variable!r}, {result})")
            else:
                self.emit(indent, f"S.variables.append([{variable!r}, {result}])")
        return result

    def command(self, node: CommandNode, indent: int, dot: str, final: str | None) -> str:
        """A command as an expression (after any statements it needs): its value, never None."""
        head = node.args[0]
        if isinstance(head, IdentifierNode) and head.name in ("and", "or"):
            return self.logic(head.name, node.args[1:], indent, dot, final)
        args = [self.argument(arg, indent, dot) for arg in node.args[1:]]
        if final is not None:
            args.append(final)
        if isinstance(head, IdentifierNode):
            if head.name not in self.functions:
                raise KeyError(head.name)
            return f"FN_{head.name}({', '.join(args)})"
        if isinstance(head, (FieldNode, VariableNode, ChainNode)):
            if isinstance(head, FieldNode):
                start = dot
            elif isinstance(head, VariableNode):
                start = f"S.lookup({head.name!r})"
            else:
                start = self.argument(head.node, indent, dot)
            if not args:
                helper = f"CH{len(head.names)}" if 1 <= len(head.names) <= 4 else "CH"
                names = ", ".join(repr(n) for n in head.names)
                return f"{helper}({start}, {names})" if head.names else f"NV({start})"
            if not head.names:
                self.emit(indent, 'raise GoError("can\'t give argument to non-function")')
            return f"CA({start}, {head.names!r}, [{', '.join(args)}])"
        if isinstance(head, NilNode):
            self.emit(indent, 'raise GoError("nil is not a command")')
        elif args:
            described = head.text if isinstance(head, LiteralNode) else "."
            message = self.constant(f"can't give argument to non-function {described}")
            self.emit(indent, f"raise GoError({message})")
        return f"NV({self.argument(head, indent, dot)})"

    def logic(self, name: str, args: list[Arg], indent: int, dot: str, final: str | None) -> str:
        """``and``/``or``: each argument evaluated only while the result is undecided."""
        if not args and final is None:
            message = self.constant(f"wrong number of args for {name}: want at least 1 got 0")
            self.emit(indent, f"raise GoError({message})")
        target = self.name("t")
        stop = "not truth" if name == "and" else "truth"
        self.emit(indent, f"{target} = MISSING")
        depth = indent
        for arg in args:
            self.emit(depth, f"{target} = {self.argument(arg, depth, dot)}")
            self.emit(depth, f"if not {stop}({target}):")
            depth += 1
        self.emit(depth, f"{target} = {final}" if final is not None else "pass")
        return target

    def argument(self, node: Arg, indent: int, dot: str) -> str:
        """An argument as an expression (after any statements it needs)."""
        if isinstance(node, DotNode):
            return dot
        if isinstance(node, LiteralNode):
            return self.constant(node.value)
        if isinstance(node, NilNode):
            return "None"
        if isinstance(node, PipeNode):
            return self.pipeline(node, indent, dot)
        return self.command(CommandNode([node]), indent, dot, None)


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


def _declares(node: BranchNode) -> bool:
    """Whether an ``if``/``with`` declares variables (in its pipeline, or directly in one of
    its bodies), which must then be dropped after it."""
    if node.pipe.variables and not node.pipe.assign:
        return True
    return any(
        isinstance(child, ActionNode) and child.pipe.variables and not child.pipe.assign
        for child in (*node.body, *node.else_body)
    )


def _first_line(nodes: list[Node]) -> int:
    for node in nodes:
        line = getattr(node, "line", None)
        if isinstance(line, int):
            return line
    return 1


__all__ = ["Body", "Compiler", "State", "TemplateExecError", "load"]
