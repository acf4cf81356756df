"""Go ``text/template`` source to tokens, with Go's rules for delimiters, trim markers and comments.

Text runs to the next ``{{``. ``{{- `` trims the white space (space, tab, CR, LF) before it,
`` -}}`` the white space after; the hyphen must be separated from the action by white space
(``{{-3}}`` is the number -3). A comment ``{{/* ... */}}`` must follow the delimiter (and its
trim marker) directly and end right before the closing delimiter. Inside an action every token
Go knows is recognised: fields, variables, strings (interpreted, raw and character constants),
numbers, keywords, ``:=``, ``=``, ``|``, parentheses and the comma of ``range $i, $v :=``.
Actions may span lines.

White space inside an action is not a token: each token records whether white space came
before it (which is what separates arguments, and ``.a .b`` from ``.a.b``). A token is a plain
tuple ``(kind, text, offset, spaced)``; :class:`Lines` turns offsets into line numbers.

Mirrors golang/go@go1.24:src/text/template/parse/lex.go.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from kubeflow_devtools.policy.gotemplate.executor import TemplateSyntaxError

# Token kinds.
TEXT = "text"
LEFT = "{{"
RIGHT = "}}"
IDENT = "identifier"
FIELD = "field"
VARIABLE = "variable"
DOT = "."
STRING = "string"
RAW = "raw string"
CHAR = "character constant"
NUMBER = "number"
BOOL = "bool"
NIL = "nil"
PIPE = "|"
LPAREN = "("
RPAREN = ")"
DECLARE = ":="
ASSIGN = "="
COMMA = ","
KEYWORD = "keyword"
EOF = "EOF"

Token = tuple[str, str, int, bool]
"""``(kind, text, offset, spaced)``: ``spaced`` when white space precedes it in an action."""

KEYWORDS = frozenset(
    {"block", "break", "continue", "define", "else", "end", "if", "range", "template", "with"}
)

_SPACE = " \t\r\n"
_BODY = re.compile(
    r"""
    (?P<space>[ \t\r\n]+)?
    (?:
      (?P<field>\.[^\W\d]\w*)
    | (?P<ident>[^\W\d]\w*)
    | (?P<string>"(?:[^"\\\n]|\\.)*")
    | (?P<op>[=|(),])
    | (?P<variable>\$\w*)
    | (?P<number>[+-]?(?:0[xX][0-9a-fA-F_.]*(?:[pP][+-]?[0-9_]+)?|0[bB][01_]+|0[oO][0-7_]+
          |(?:[0-9][0-9_]*\.?[0-9_]*|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9_]+)?)i?)
    | (?P<dot>\.)
    | (?P<declare>:=)
    | (?P<raw>`[^`]*`)
    | (?P<char>'(?:[^'\\\n]|\\.)*')
    | (?P<bad>.)
    )
    """,
    re.VERBOSE | re.DOTALL,
)
"""One token of an action's body (``bad``: a character Go's lexer rejects there). A word
glued to the next token (``.a"x"``) is left to the parser, which wants white space there."""
_ACTION = re.compile(
    r"""\{\{(?P<left>-[ \t\r\n])?
    (?:
      (?P<comment>/\*.*?\*/(?P<ctrim>[ \t\r\n]-)?)
    | (?P<body>(?:[^"`'}]+|"(?:[^"\\\n]|\\.)*"|`[^`]*`|'(?:[^'\\\n]|\\.)*'|\}(?!\}))*)
    )
    \}\}""",
    re.VERBOSE | re.DOTALL,
)
"""A whole action (or comment) with its trim markers; strings may hold ``}}``."""
_KINDS = {
    "string": STRING,
    "raw": RAW,
    "char": CHAR,
    "number": NUMBER,
    "field": FIELD,
    "dot": DOT,
    "variable": VARIABLE,
    "declare": DECLARE,
}
_OPS = {"=": ASSIGN, "|": PIPE, "(": LPAREN, ")": RPAREN, ",": COMMA}
_WORDS = {**dict.fromkeys(KEYWORDS, KEYWORD), "true": BOOL, "false": BOOL, "nil": NIL}


class Lines:
    """Offsets to 1-based line numbers (``first``: the number of the text's first line)."""

    def __init__(self, text: str, first: int = 1) -> None:
        self.first = first
        self.starts = [0]
        at = text.find("\n")
        while at >= 0:
            self.starts.append(at + 1)
            at = text.find("\n", at + 1)

    def line(self, offset: int) -> int:
        """The line holding ``offset``."""
        return bisect_right(self.starts, offset) + self.first - 1


def tokenize(text: str, lines: Lines) -> list[Token]:
    """Every token of ``text``; raises :class:`TemplateSyntaxError` on what Go's lexer rejects."""
    out: list[Token] = []
    append = out.append
    pos = 0
    size = len(text)
    pending_trim = False
    while pos < size:
        start = text.find("{{", pos)
        end = size if start < 0 else start
        chunk = text[pos:end]
        if pending_trim:
            chunk = chunk.lstrip(_SPACE)
        if start < 0:
            if chunk:
                append((TEXT, chunk, pos, False))
            break
        match = _ACTION.match(text, start)
        if match is None:
            raise TemplateSyntaxError(lines.line(start), _unclosed(text, start))
        if match.group("left"):
            chunk = chunk.rstrip(_SPACE)
        if chunk:
            append((TEXT, chunk, pos, False))
        if match.group("comment") is not None:
            pending_trim = match.group("ctrim") is not None
        else:
            body_start, body_end = match.span("body")
            if text.startswith("/*", body_start):
                raise TemplateSyntaxError(lines.line(start), _unclosed(text, start))
            pending_trim = (
                body_end - body_start >= 2
                and text[body_end - 1] == "-"
                and text[body_end - 2] in _SPACE
            )
            if pending_trim:
                body_end -= 2
            append((LEFT, "{{", start, False))
            _action(text, body_start, body_end, lines, out)
            append((RIGHT, "}}", body_end, False))
        pos = match.end()
    append((EOF, "", size, False))
    return out


def _unclosed(text: str, start: int) -> str:
    """Why the action at ``start`` does not end: an open string, or no ``}}``."""
    if text.startswith(("{{/*", "{{- /*"), start):
        if text.find("*/", start) < 0:
            return "unclosed comment"
        return "comment ends before closing delimiter"
    return "unclosed action (or an unterminated quoted string in it)"


def _action(text: str, pos: int, end: int, lines: Lines, out: list[Token]) -> None:
    """The tokens of one action's body, ``text[pos:end]``."""
    append = out.append
    depth = 0
    while end > pos and text[end - 1] in _SPACE:
        end -= 1
    for match in _BODY.finditer(text, pos, end):
        kind = match.lastgroup or "space"
        value = match.group(kind)
        at = match.start(kind)
        spaced = match.start("space") >= 0
        if kind == "ident":
            append((_WORDS.get(value, IDENT), value, at, spaced))
        elif kind == "op":
            if value == "(":
                depth += 1
            elif value == ")":
                depth -= 1
                if depth < 0:
                    raise TemplateSyntaxError(lines.line(at), "unexpected right paren")
            append((_OPS[value], value, at, spaced))
        elif kind == "bad":
            raise TemplateSyntaxError(lines.line(at), f"unexpected {value!r} in command")
        else:
            append((_KINDS[kind], value, at, spaced))
    if depth:
        raise TemplateSyntaxError(lines.line(end), "unclosed left paren")
