"""Parse trees compiled to Python closures, executed with Go's semantics.

Each node becomes a closure once (``compile``), so executing a template many times walks no
tree: a body is a list of closures ``(state, dot) -> None`` writing to ``state.out``, a
pipeline a closure ``(state, dot) -> value``.

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


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class State:
    """One execution: the output, the variable stack, the named templates, the call depth."""

    __slots__ = ("depth", "out", "templates", "variables")

    def __init__(self, templates: Mapping[str, Body], variables: list[list[Any]]) -> None:
        self.out: list[str] = []
        self.templates = templates
        self.variables = variables
        self.depth = 0

    def lookup(self, name: str) -> Any:
        for entry in reversed(self.variables):
            if entry[0] == name:
                return entry[1]
        raise GoError(f"undefined variable: {name}")

    def assign(self, name: str, value: Any) -> None:
        for entry in reversed(self.variables):
            if entry[0] == name:
                entry[1] = value
                return
        raise GoError(f"undefined variable: {name}")


Step = Callable[[State, Any], None]
Body = list[Step]
Value = Callable[[State, Any], Any]
Command = Callable[[State, Any, Any], Any]


def run_body(body: Body, state: State, dot: Any) -> None:
    """Run the closures of one body."""
    for step in body:
        step(state, dot)


class Compiler:
    """Compiles parse trees into closures, with the template's functions."""

    def __init__(self, functions: Mapping[str, GoFunc]) -> None:
        self.functions = functions

    def body(self, nodes: list[Node]) -> Body:
        """A list of nodes to a list of closures."""
        return [self.node(node) for node in nodes]

    def node(self, node: Node) -> Step:
        if isinstance(node, TextNode):
            text = node.text

            def write(state: State, dot: Any) -> None:
                state.out.append(text)

            return write
        if isinstance(node, ActionNode):
            return self.action(node)
        if isinstance(node, BranchNode):
            return self.range(node) if node.kind == "range" else self.branch(node)
        if isinstance(node, TemplateNode):
            return self.template(node)
        return self.loop_control(node)

    def action(self, node: ActionNode) -> Step:
        pipe = self.pipeline(node.pipe)
        line = node.line
        if node.pipe.variables:

            def declare(state: State, dot: Any) -> None:
                try:
                    pipe(state, dot)
                except GoError as exc:
                    raise TemplateExecError(line, str(exc)) from None

            return declare

        def output(state: State, dot: Any) -> None:
            try:
                state.out.append(to_text(pipe(state, dot)))
            except GoError as exc:
                raise TemplateExecError(line, str(exc)) from None

        return output

    def branch(self, node: BranchNode) -> Step:
        pipe = self.pipeline(node.pipe)
        body = self.body(node.body)
        else_body = self.body(node.else_body)
        line = node.line
        is_with = node.kind == "with"

        def run(state: State, dot: Any) -> None:
            mark = len(state.variables)
            try:
                value = pipe(state, dot)
            except GoError as exc:
                raise TemplateExecError(line, str(exc)) from None
            if truth(value):
                run_body(body, state, value if is_with else dot)
            elif else_body:
                run_body(else_body, state, dot)
            del state.variables[mark:]

        return run

    def range(self, node: BranchNode) -> Step:
        names = node.pipe.variables
        assign = node.pipe.assign
        pipe = self.pipeline(PipeNode(node.pipe.line, node.pipe.commands))
        body = self.body(node.body)
        else_body = self.body(node.else_body)
        line = node.line

        def iterate(state: State, value: Any) -> list[tuple[Any, Any]]:
            if value is MISSING or value is None:
                return []
            if isinstance(value, Mapping):
                return [(key, value[key]) for key in sorted(value)]
            if isinstance(value, (list, tuple)):
                return list(enumerate(value))
            if isinstance(value, int) and not isinstance(value, bool):
                if len(names) > 1:
                    raise GoError(f"can't use {value} to iterate over more than one variable")
                return [(i, i) for i in range(value)]
            raise GoError(f"range can't iterate over {to_text(value)}")

        def run(state: State, dot: Any) -> None:
            mark = len(state.variables)
            try:
                pairs = iterate(state, pipe(state, dot))
            except GoError as exc:
                raise TemplateExecError(line, str(exc)) from None
            if not pairs:
                run_body(else_body, state, dot)
                return
            for key, element in pairs:
                values = (element,) if len(names) == 1 else (key, element)
                if assign:
                    for name, value in zip(names, values):
                        state.assign(name, value)
                else:
                    state.variables.extend([n, v] for n, v in zip(names, values))
                try:
                    run_body(body, state, element)
                except _Continue:
                    pass
                except _Break:
                    del state.variables[mark:]
                    break
                del state.variables[mark:]

        return run

    def template(self, node: TemplateNode) -> Step:
        pipe = self.pipeline(node.pipe) if node.pipe is not None else None
        name = node.name
        line = node.line

        def run(state: State, dot: Any) -> None:
            body = state.templates.get(name)
            if body is None:
                raise TemplateExecError(line, f'no such template "{name}"')
            try:
                value = pipe(state, dot) if pipe is not None else MISSING
            except GoError as exc:
                raise TemplateExecError(line, str(exc)) from None
            if state.depth >= MAX_DEPTH:
                raise TemplateExecError(line, "exceeded maximum template depth")
            saved = state.variables
            state.variables = [["$", value]]
            state.depth += 1
            try:
                run_body(body, state, value)
            finally:
                state.depth -= 1
                state.variables = saved

        return run

    def loop_control(self, node: LoopControlNode) -> Step:
        signal = _Break if node.kind == "break" else _Continue

        def run(state: State, dot: Any) -> None:
            raise signal

        return run

    # Pipelines.
    def pipeline(self, pipe: PipeNode) -> Value:
        commands = [self.command(c) for c in pipe.commands]
        names = pipe.variables
        assign = pipe.assign
        first = commands[0]
        rest = commands[1:]

        def evaluate(state: State, dot: Any) -> Any:
            value = first(state, dot, _NO_FINAL)
            if value is None:
                value = MISSING
            for command in rest:
                value = command(state, dot, value)
                if value is None:
                    value = MISSING
            for name in names:
                if assign:
                    state.assign(name, value)
                else:
                    state.variables.append([name, value])
            return value

        return evaluate

    def command(self, node: CommandNode) -> Command:
        head = node.args[0]
        args = [self.argument(a) for a in node.args[1:]]
        if isinstance(head, IdentifierNode):
            return self.function(head.name, args)
        if isinstance(head, FieldNode):
            return self.chain(lambda state, dot: dot, head.names, args)
        if isinstance(head, VariableNode):
            name = head.name
            return self.chain(lambda state, dot: state.lookup(name), head.names, args)
        if isinstance(head, ChainNode):
            return self.chain(self.argument(head.node), head.names, args)
        value = self.argument(head)
        is_nil = isinstance(head, NilNode)

        def constant(state: State, dot: Any, final: Any) -> Any:
            if is_nil:
                raise GoError("nil is not a command")
            if args or final is not _NO_FINAL:
                raise GoError(f"can't give argument to non-function {_describe(head)}")
            return value(state, dot)

        return constant

    def function(self, name: str, args: list[Value]) -> Command:
        if name in ("and", "or"):
            is_and = name == "and"

            def logic(state: State, dot: Any, final: Any) -> Any:
                if not args and final is _NO_FINAL:
                    raise GoError(f"wrong number of args for {name}: want at least 1 got 0")
                value: Any = MISSING
                for arg in args:
                    value = arg(state, dot)
                    if truth(value) != is_and:
                        return value
                if final is not _NO_FINAL:
                    value = final
                return value

            return logic
        func = self.functions[name]

        def invoke(state: State, dot: Any, final: Any) -> Any:
            values = [arg(state, dot) for arg in args]
            if final is not _NO_FINAL:
                values.append(final)
            return call(name, func, values)

        return invoke

    def chain(self, receiver: Value, names: tuple[str, ...], args: list[Value]) -> Command:
        steps = names[:-1]
        last = names[-1] if names else None

        def walk(state: State, dot: Any, final: Any) -> Any:
            value = receiver(state, dot)
            for name in steps:
                value = get_field(value, name)
            if last is None:
                if args or final is not _NO_FINAL:
                    raise GoError("can't give argument to non-function")
                return value
            if not args and final is _NO_FINAL:
                return get_field(value, last)
            values = [arg(state, dot) for arg in args]
            if final is not _NO_FINAL:
                values.append(final)
            if isinstance(value, GoStruct):
                method = value.method(last)
                if method is not None:
                    try:
                        return method(*values)
                    except TypeError:
                        raise GoError(f"wrong number of args for {last}") from None
            raise GoError(f"{last} has arguments but cannot be invoked as function")

        return walk

    def argument(self, node: Arg) -> Value:
        if isinstance(node, DotNode):
            return lambda state, dot: dot
        if isinstance(node, LiteralNode):
            constant = node.value
            return lambda state, dot: constant
        if isinstance(node, NilNode):
            return lambda state, dot: None
        if isinstance(node, PipeNode):
            return self.pipeline(node)
        command = self.command(CommandNode([node]))
        return lambda state, dot: _no_nil(command(state, dot, _NO_FINAL))


def _no_nil(value: Any) -> Any:
    return MISSING if value is None else value


def _describe(node: Arg) -> str:
    if isinstance(node, LiteralNode):
        return node.text
    return "."


__all__ = ["Body", "Compiler", "State", "TemplateExecError", "run_body"]
