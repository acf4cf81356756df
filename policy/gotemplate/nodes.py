"""The parse tree of a Go template: the node kinds of Go's ``text/template/parse``.

Plain data, built by :mod:`~kubeflow_devtools.policy.gotemplate.parser` and compiled by
:mod:`~kubeflow_devtools.policy.gotemplate.executor`. Every node that can fail at execution
keeps the 1-based line it was written on.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TextNode:
    """Literal text, written as is."""

    text: str


@dataclass
class FieldNode:
    """``.A.B.C``: a field chain on dot."""

    names: tuple[str, ...]


@dataclass
class VariableNode:
    """``$x`` or ``$x.A.B``: a variable and an optional field chain."""

    name: str
    names: tuple[str, ...] = ()


@dataclass
class DotNode:
    """``.``: the cursor."""


@dataclass
class NilNode:
    """``nil``: only valid as an argument."""


@dataclass
class LiteralNode:
    """A constant: string, number (``int`` or ``float``) or bool; ``text`` as written."""

    value: str | int | float | bool
    text: str


@dataclass
class IdentifierNode:
    """A function name."""

    name: str


@dataclass
class ChainNode:
    """``(pipeline).A.B``: fields on the result of a term."""

    node: Arg
    names: tuple[str, ...]


@dataclass
class CommandNode:
    """One command of a pipeline: a function or value and its arguments."""

    args: list[Arg]


@dataclass
class PipeNode:
    """A pipeline: optional variable declaration or assignment, then commands joined by ``|``."""

    line: int
    commands: list[CommandNode]
    variables: tuple[str, ...] = ()
    assign: bool = False


Arg = (
    FieldNode
    | VariableNode
    | DotNode
    | NilNode
    | LiteralNode
    | IdentifierNode
    | ChainNode
    | PipeNode
)
"""What a command's argument can be."""


@dataclass
class ActionNode:
    """``{{pipeline}}``: evaluated, and printed unless it declares or assigns variables."""

    line: int
    pipe: PipeNode


@dataclass
class BranchNode:
    """``if``, ``with`` or ``range``: a pipeline, the body and the ``else`` body."""

    kind: str
    line: int
    pipe: PipeNode
    body: list[Node]
    else_body: list[Node] = field(default_factory=list)


@dataclass
class TemplateNode:
    """``{{template "name" pipeline}}``: run another template with the pipeline as dot."""

    line: int
    name: str
    pipe: PipeNode | None


@dataclass
class LoopControlNode:
    """``{{break}}`` or ``{{continue}}`` inside a ``range``."""

    line: int
    kind: str


Node = TextNode | ActionNode | BranchNode | TemplateNode | LoopControlNode
"""What a template body is made of."""
