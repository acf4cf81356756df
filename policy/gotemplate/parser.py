"""Tokens to parse trees, with the checks Go makes at parse time.

Go rejects a template, before running it, for a function that is not defined, a variable used
before it is declared, ``{{break}}``/``{{continue}}`` outside ``range``, an ``{{end}}`` or
``{{else}}`` with nothing to close, a literal in a later stage of a pipeline, and malformed
actions. :func:`parse` raises :class:`TemplateSyntaxError` with the line for each of these, so a
template Istio would refuse is refused here too.

Mirrors golang/go@go1.24:src/text/template/parse/parse.go and node.go.
"""

from __future__ import annotations

from collections.abc import Container

from kubeflow_devtools.policy.gotemplate import lexer as lx
from kubeflow_devtools.policy.gotemplate.executor import TemplateSyntaxError
from kubeflow_devtools.policy.gotemplate.lexer import Lines, Token, tokenize
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

_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
}


def unquote(text: str, line: int) -> str:
    """The value of a Go string literal (interpreted or raw), as ``strconv.Unquote`` reads it."""
    if text[0] == "`":
        return text[1:-1].replace("\r", "")
    quote = text[0]
    body = text[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char != "\\":
            out.append(char)
            i += 1
            continue
        code = body[i + 1] if i + 1 < len(body) else ""
        if code in _ESCAPES:
            out.append(_ESCAPES[code])
            i += 2
        elif code == quote:
            out.append(code)
            i += 2
        elif code in ("x", "u", "U"):
            width = {"x": 2, "u": 4, "U": 8}[code]
            digits = body[i + 2 : i + 2 + width]
            if len(digits) != width or any(c not in "0123456789abcdefABCDEF" for c in digits):
                raise TemplateSyntaxError(line, f"invalid syntax in {text}")
            out.append(chr(int(digits, 16)))
            i += 2 + width
        elif code and code in "01234567":
            digits = body[i + 1 : i + 4]
            if len(digits) != 3 or any(c not in "01234567" for c in digits):
                raise TemplateSyntaxError(line, f"invalid syntax in {text}")
            out.append(chr(int(digits, 8)))
            i += 4
        else:
            raise TemplateSyntaxError(line, f"invalid syntax in {text}")
    return "".join(out)


def number(kind: str, text: str, line: int) -> int | float:
    """The value of a number or character constant."""
    if kind == lx.CHAR:
        value = unquote('"' + text[1:-1].replace('"', '\\"') + '"', line)
        if len(value) != 1:
            raise TemplateSyntaxError(line, f"malformed character constant: {text}")
        return ord(value)
    clean = text.replace("_", "")
    if clean.endswith("i"):
        raise TemplateSyntaxError(line, f"complex numbers are not supported: {text}")
    sign = -1 if clean.startswith("-") else 1
    digits = clean.lstrip("+-")
    lowered = digits.lower()
    try:
        if lowered.startswith("0x") and ("p" in lowered or "." in lowered):
            return sign * float.fromhex(digits)
        if lowered.startswith(("0x", "0b", "0o")):
            return sign * int(digits, 0)
        if "." in lowered or "e" in lowered:
            return sign * float(digits)
        if len(digits) > 1 and digits.startswith("0"):
            return sign * int(digits, 8)
        return sign * int(digits)
    except ValueError:
        raise TemplateSyntaxError(line, f"bad number syntax: {text!r}") from None


_OPERAND_START = frozenset(
    {
        lx.BOOL,
        lx.CHAR,
        lx.DOT,
        lx.FIELD,
        lx.IDENT,
        lx.NUMBER,
        lx.NIL,
        lx.RAW,
        lx.STRING,
        lx.VARIABLE,
        lx.LPAREN,
    }
)
_COMMAND_END = frozenset({lx.RIGHT, lx.RPAREN, lx.PIPE})


class Parser:
    """One template text to its trees: the main body and every ``define``/``block``."""

    def __init__(self, text: str, functions: Container[str], first_line: int = 1) -> None:
        self.lines = Lines(text, first_line)
        self.tokens = tokenize(text, self.lines)
        self.pos = 0
        self.functions = functions
        self.variables: list[str] = ["$"]
        self.range_depth = 0
        self.definitions: dict[str, list[Node]] = {}

    def line(self, token: Token) -> int:
        """The line a token is on."""
        return self.lines.line(token[2])

    def next(self) -> Token:
        """The next token (consumed)."""
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def peek(self) -> Token:
        """The next token (not consumed)."""
        return self.tokens[self.pos]

    def error(self, token: Token, message: str) -> TemplateSyntaxError:
        """An error at ``token``'s line."""
        return TemplateSyntaxError(self.line(token), message)

    def unexpected(self, token: Token, context: str) -> TemplateSyntaxError:
        """The error for a token that does not belong where it is."""
        shown = token[1] or token[0]
        return self.error(token, f"unexpected {shown!r} in {context}")

    def expect(self, kind: str, context: str) -> Token:
        """The next token, which must be of ``kind``."""
        token = self.next()
        if token[0] != kind:
            raise self.unexpected(token, context)
        return token

    # The template.
    def parse(self) -> list[Node]:
        """The main body; ``definitions`` holds the named templates it defines."""
        body: list[Node] = []
        tokens = self.tokens
        while tokens[self.pos][0] != lx.EOF:
            token = tokens[self.pos]
            if token[0] == lx.LEFT and tokens[self.pos + 1][1] == "define":
                self.pos += 2
                self.define()
                continue
            node = self.text_or_action()
            if isinstance(node, tuple):
                raise TemplateSyntaxError(node[1], f"unexpected {{{{{node[0]}}}}}")
            body.append(node)
        return body

    def named_body(self, context: str) -> list[Node]:
        """The body of a ``define`` or ``block``, up to its ``{{end}}``, with fresh variables."""
        saved = self.variables
        self.variables = ["$"]
        body, end = self.item_list()
        if end[0] != "end":
            raise TemplateSyntaxError(end[1], f"unexpected {{{{{end[0]}}}}} in {context}")
        self.variables = saved
        return body

    def template_name(self, context: str) -> str:
        """The quoted name of a ``define``, ``template`` or ``block``."""
        token = self.next()
        if token[0] not in (lx.STRING, lx.RAW):
            raise self.unexpected(token, context)
        return unquote(token[1], self.line(token))

    def define(self) -> None:
        """``{{define "name"}}...{{end}}``: a named template."""
        name = self.template_name("define clause")
        self.expect(lx.RIGHT, "define clause")
        self.definitions[name] = self.named_body("define clause")

    def item_list(self) -> tuple[list[Node], tuple[str, int]]:
        """Nodes up to an ``{{end}}`` or ``{{else}}``, and which of the two (with its line)."""
        body: list[Node] = []
        while True:
            if self.peek()[0] == lx.EOF:
                raise self.error(self.peek(), "unexpected EOF")
            node = self.text_or_action()
            if isinstance(node, tuple):
                return body, node
            body.append(node)

    def text_or_action(self) -> Node | tuple[str, int]:
        """Text, an action, or an ``{{end}}``/``{{else}}`` (as a tuple with its line)."""
        token = self.next()
        if token[0] == lx.TEXT:
            return TextNode(token[1])
        if token[0] == lx.LEFT:
            return self.action()
        raise self.unexpected(token, "input")

    def action(self) -> Node | tuple[str, int]:
        """What follows ``{{``: a keyword's clause, or a pipeline to print."""
        token = self.next()
        line = self.line(token)
        if token[0] == lx.KEYWORD:
            word = token[1]
            if word == "end":
                self.expect(lx.RIGHT, "end")
                return ("end", line)
            if word == "else":
                following = self.peek()
                if following[0] == lx.KEYWORD and following[1] in ("if", "with"):
                    return ("else " + following[1], line)
                self.expect(lx.RIGHT, "else")
                return ("else", line)
            if word in ("if", "with", "range"):
                return self.control(word, line)
            if word == "template":
                name = self.template_name("template clause")
                pipe = None
                if self.peek()[0] == lx.RIGHT:
                    self.next()
                else:
                    pipe = self.pipeline("template clause", lx.RIGHT)
                return TemplateNode(line, name, pipe)
            if word == "block":
                name = self.template_name("block clause")
                pipe = self.pipeline("block clause", lx.RIGHT)
                self.definitions[name] = self.named_body("block clause")
                return TemplateNode(line, name, pipe)
            if word in ("break", "continue"):
                if not self.range_depth:
                    raise self.error(token, f"{{{{{word}}}}} outside {{{{range}}}}")
                self.expect(lx.RIGHT, word)
                return LoopControlNode(line, word)
            raise self.error(token, f"unexpected {word!r} in command")
        self.pos -= 1
        return ActionNode(line, self.pipeline("command", lx.RIGHT))

    def control(self, kind: str, line: int) -> BranchNode:
        """``if``, ``with`` or ``range``: pipeline, body, ``else`` (and ``else if``)."""
        depth = len(self.variables)
        pipe = self.pipeline(kind, lx.RIGHT)
        if kind == "range":
            self.range_depth += 1
        body, end = self.item_list()
        if kind == "range":
            self.range_depth -= 1
        else_body: list[Node] = []
        if end[0] in ("else if", "else with"):
            if end[0] != "else " + kind:
                raise TemplateSyntaxError(end[1], f"unexpected {{{{{end[0]}}}}}")
            self.next()  # the "if" or "with"
            else_body = [self.control(kind, end[1])]
        elif end[0] == "else":
            else_body, end = self.item_list()
            if end[0] != "end":
                raise TemplateSyntaxError(end[1], f"expected end; found {{{{{end[0]}}}}}")
        del self.variables[depth:]
        return BranchNode(kind, line, pipe, body, else_body)

    # Pipelines and commands.
    def pipeline(self, context: str, end: str) -> PipeNode:
        """A pipeline up to ``end``, with its declaration or assignment."""
        first = self.peek()
        line = self.line(first)
        variables: list[str] = []
        assign = False
        if first[0] == lx.VARIABLE:
            following = self.tokens[self.pos + 1]
            if following[0] in (lx.DECLARE, lx.ASSIGN):
                self.pos += 2
                assign = following[0] == lx.ASSIGN
                variables.append(first[1])
            elif following[0] == lx.COMMA and context == "range":
                self.pos += 2
                second = self.expect(lx.VARIABLE, "range")
                declare = self.next()
                if declare[0] not in (lx.DECLARE, lx.ASSIGN):
                    raise self.unexpected(declare, "range")
                assign = declare[0] == lx.ASSIGN
                variables += [first[1], second[1]]
            if assign:
                for name in variables:
                    self.check_variable(name, line)
        commands: list[CommandNode] = []
        while True:
            token = self.next()
            if token[0] == end:
                if not commands:
                    raise self.error(token, f"missing value for {context}")
                break
            if token[0] not in _OPERAND_START:
                raise self.unexpected(token, context)
            self.pos -= 1
            commands.append(self.command())
        for index, command in enumerate(commands[1:], start=2):
            if isinstance(command.args[0], (LiteralNode, DotNode, NilNode)):
                raise TemplateSyntaxError(line, f"non executable command in pipeline stage {index}")
        if not assign:
            self.variables += variables
        return PipeNode(line, commands, tuple(variables), assign)

    def check_variable(self, name: str, line: int) -> None:
        """A variable must be declared before it is used."""
        if name not in self.variables:
            raise TemplateSyntaxError(line, f"undefined variable {name!r}")

    def command(self) -> CommandNode:
        """One command: operands separated by white space, up to ``|``, ``)`` or ``}}``."""
        args: list[Arg] = []
        while True:
            args.append(self.operand())
            token = self.peek()
            if token[0] in _COMMAND_END:
                if token[0] == lx.PIPE:
                    self.pos += 1
                break
            if not token[3]:
                raise self.unexpected(token, "operand")
        return CommandNode(args)

    def operand(self) -> Arg:
        """A term and the fields that follow it directly (``(x).a.b``)."""
        node = self.term()
        token = self.peek()
        if token[0] == lx.FIELD and not token[3]:
            names: list[str] = []
            while token[0] == lx.FIELD and not token[3]:
                names.append(token[1][1:])
                self.pos += 1
                token = self.peek()
            if isinstance(node, FieldNode):
                return FieldNode((*node.names, *names))
            if isinstance(node, VariableNode):
                return VariableNode(node.name, (*node.names, *names))
            if isinstance(node, (LiteralNode, NilNode, DotNode)):
                raise self.error(token, "unexpected . after term")
            return ChainNode(node, tuple(names))
        return node

    def term(self) -> Arg:
        """A function, dot, nil, variable, field, literal or parenthesized pipeline."""
        token = self.next()
        kind = token[0]
        if kind == lx.FIELD:
            return FieldNode((token[1][1:],))
        if kind == lx.IDENT:
            if token[1] not in self.functions:
                raise self.error(token, f'function "{token[1]}" not defined')
            return IdentifierNode(token[1])
        if kind == lx.DOT:
            return DotNode()
        if kind == lx.VARIABLE:
            self.check_variable(token[1], self.line(token))
            return VariableNode(token[1])
        if kind in (lx.STRING, lx.RAW):
            return LiteralNode(unquote(token[1], self.line(token)), token[1])
        if kind in (lx.NUMBER, lx.CHAR):
            return LiteralNode(number(kind, token[1], self.line(token)), token[1])
        if kind == lx.BOOL:
            return LiteralNode(token[1] == "true", token[1])
        if kind == lx.NIL:
            return NilNode()
        if kind == lx.LPAREN:
            return self.pipeline("parenthesized pipeline", lx.RPAREN)
        raise self.unexpected(token, "operand")


def parse(
    text: str, functions: Container[str], first_line: int = 1
) -> tuple[list[Node], dict[str, list[Node]]]:
    """Parse ``text``: its main body and its named templates (``define``, ``block``).

    ``functions`` are the names a template may call (Go's builtins and the function map).
    Raises :class:`TemplateSyntaxError` where Go's parser would fail.
    """
    parser = Parser(text, functions, first_line)
    body = parser.parse()
    return body, parser.definitions
