"""The compiler: template parse trees to Python source, compiled once (see
:mod:`~kubeflow_devtools.policy.gotemplate.executor` for the semantics and the runtime the
generated code calls). Only a template whose compiled code is not cached needs it.

Mirrors golang/go@go1.24:src/text/template/exec.go.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import CodeType
from typing import Any

from kubeflow_devtools.policy.gotemplate.executor import PART_LINES
from kubeflow_devtools.policy.gotemplate.functions import GoFunc
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
