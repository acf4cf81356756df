"""The lint rules: docstrings that disagree with the code. Rule ids are a stable contract.

Each rule is a :class:`Rule` with its id, what it finds and why it matters, and a check
function over a :class:`~kubeflow_devtools.docgen.lint.model.LintObject`.
Docstrings with no section at all (a
summary only) are not checked for parameters, returns and raises, as pydoclint's
``skip-checking-short-docstrings`` does: they make no claim to check.
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from kubeflow_devtools.docgen.lint.model import LintObject, Problem


@dataclass(frozen=True)
class Rule:
    """A lint rule: stable id, one-line title, documentation, and its check."""

    id: str
    title: str
    doc: str
    check: Callable[[LintObject], Iterator[Problem]]


RULES: list[Rule] = []


def rule(
    rule_id: str, title: str, doc: str
) -> Callable[
    [Callable[[LintObject], Iterator[Problem]]], Callable[[LintObject], Iterator[Problem]]
]:
    """Register a check function as a rule."""

    def register(
        check: Callable[[LintObject], Iterator[Problem]],
    ) -> Callable[[LintObject], Iterator[Problem]]:
        RULES.append(Rule(rule_id, title, doc, check))
        return check

    return register


def _problem(obj: LintObject, rule_id: str, line: int | None, message: str) -> Problem:
    return Problem(rule_id, obj.path, obj.file, line or obj.line, message)


SKIPPED_PARAMETERS = {"self", "cls"}


@rule(
    "missing-docstring",
    "A public object has no docstring",
    "Every public function, method and class needs a docstring: the reference page is built "
    "from it.",
)
def missing_docstring(obj: LintObject) -> Iterator[Problem]:
    """A public object without a docstring."""
    if obj.docstring is None:
        yield _problem(obj, "missing-docstring", obj.line, f"{obj.path} has no docstring")


@rule(
    "unparsed-section",
    "A section title that no parser recognises",
    "Google-style parsers (napoleon, griffe) see `Args:`, `Returns:`, `Raises:` only after a "
    "blank line and with their entries indented below the title. Otherwise the section is "
    "rendered as prose and its entries are lost from the reference.",
)
def unparsed_section(obj: LintObject) -> Iterator[Problem]:
    """Section titles a parser would not see."""
    if obj.parsed is None:
        return
    for line, title, why in obj.parsed.unparsed:
        yield _problem(obj, "unparsed-section", line, f"section '{title}:' is not parsed: {why}")


@rule(
    "unknown-parameter",
    "A documented parameter that the signature does not have",
    "The reference would document an argument users cannot pass (often a renamed or removed "
    "parameter, or a spelling such as `db-manager-address` for `db_manager_address`).",
)
def unknown_parameter(obj: LintObject) -> Iterator[Problem]:
    """Args entries that name no parameter."""
    section = obj.parsed.section("args") if obj.parsed else None
    if section is None or obj.parameters is None:
        return
    names = set(obj.parameters)
    accepts_kwargs = obj.var_keyword is not None
    for entry in section.entries:
        if entry.name not in names and not (accepts_kwargs and entry.name == obj.var_keyword):
            hint = entry.name.replace("-", "_")
            extra = f" (did you mean '{hint}'?)" if hint != entry.name and hint in names else ""
            yield _problem(
                obj,
                "unknown-parameter",
                entry.line,
                f"documents parameter '{entry.name}', which {obj.name}() does not have{extra}",
            )


@rule(
    "undocumented-parameter",
    "A parameter that the Args section does not document",
    "Readers of the reference cannot know what the argument does. Only checked when the "
    "docstring has an Args section.",
)
def undocumented_parameter(obj: LintObject) -> Iterator[Problem]:
    """Parameters missing from an existing Args section."""
    section = obj.parsed.section("args") if obj.parsed else None
    if section is None or obj.parameters is None:
        return
    documented = {entry.name for entry in section.entries}
    for name in obj.parameters:
        if name not in SKIPPED_PARAMETERS and name not in documented:
            yield _problem(
                obj, "undocumented-parameter", section.line, f"parameter '{name}' is not documented"
            )


def _body(obj: LintObject) -> ast.AST | None:
    """The function's AST (its own body only), or ``None`` when the source does not parse."""
    if obj.source is None:
        return None
    try:
        tree = ast.parse(textwrap.dedent(obj.source))
    except SyntaxError:
        return None
    return next(
        (n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))), None
    )


def _own_nodes(function: ast.AST) -> Iterator[ast.AST]:
    """Nodes of a function's body, not descending into nested functions or classes."""
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _returns_value(function: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Return)
        and n.value is not None
        and not (isinstance(n.value, ast.Constant) and n.value.value is None)
        for n in _own_nodes(function)
    )


def _is_generator(function: ast.AST) -> bool:
    return any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in _own_nodes(function))


def _normalize_type(text: str) -> str:
    """A type as written, normalised for comparison: module qualifiers dropped
    (``models.V1Pod`` is ``V1Pod``), ``typing`` generics as builtins (``List`` is ``list``)."""
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"\b(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)", r"\1", text)
    for old, new in (("List", "list"), ("Dict", "dict"), ("Tuple", "tuple"), ("Set", "set")):
        text = re.sub(rf"\b{old}\b", new, text)
    return text


VAGUE_TYPES = {"object", "Any"}
"""Types too vague to contradict anything (``list[object]`` documents any list)."""


def _split_tuple(annotation: str) -> list[str] | None:
    """The element types of ``Tuple[A, B]`` / ``tuple[A, B]``, or ``None``."""
    norm = _normalize_type(annotation)
    if not norm.startswith("tuple[") or not norm.endswith("]"):
        return None
    inner, depth, parts, current = norm[6:-1], 0, [], ""
    for char in inner:
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += char == "["
        depth -= char == "]"
        current += char
    parts.append(current)
    return parts


@rule(
    "missing-returns",
    "A function returns a value that its docstring does not describe",
    "The body returns a value, but the docstring (which has sections) has no `Returns:` section.",
)
def missing_returns(obj: LintObject) -> Iterator[Problem]:
    """A value is returned but no Returns section says what."""
    if obj.kind != "function" or obj.parsed is None or not obj.parsed.sections:
        return
    function = _body(obj)
    if function is None or _is_generator(function) or obj.name == "__init__":
        return
    if _returns_value(function) and obj.parsed.section("returns") is None:
        yield _problem(
            obj, "missing-returns", obj.line, f"{obj.name}() returns a value: no Returns section"
        )


@rule(
    "missing-return-annotation",
    "A function that returns a value declares no return type",
    "Without a return annotation the reference cannot show what the function returns, and type "
    "checkers cannot either.",
)
def missing_return_annotation(obj: LintObject) -> Iterator[Problem]:
    """A value is returned but there is no ``->`` annotation."""
    if obj.kind != "function" or obj.returns is not None or obj.name == "__init__":
        return
    function = _body(obj)
    if function is not None and _returns_value(function) and not _is_generator(function):
        yield _problem(
            obj, "missing-return-annotation", obj.line, f"{obj.name}() has no return annotation"
        )


@rule(
    "returns-mismatch",
    "The Returns section contradicts the code",
    "The documented return type differs from the annotation, or a Returns section describes a "
    "value the function never returns.",
)
def returns_mismatch(obj: LintObject) -> Iterator[Problem]:
    """Documented return types that disagree with the annotation or the body."""
    section = obj.parsed.section("returns") if obj.parsed else None
    if obj.kind != "function" or section is None:
        return
    function = _body(obj)
    returns_nothing = function is not None and not _returns_value(function)
    if (
        returns_nothing
        and function is not None
        and not _is_generator(function)
        and (obj.returns is None or _normalize_type(obj.returns) == "None")
    ):
        yield _problem(
            obj,
            "returns-mismatch",
            section.line,
            f"documents a return value, but {obj.name}() returns nothing",
        )
        return
    typed = [e for e in section.entries if e.type]
    if obj.returns is None or not typed:
        return
    elements = _split_tuple(obj.returns) if len(typed) > 1 else None
    expected = elements if elements is not None else [_normalize_type(obj.returns)]
    if len(typed) != len(expected):
        yield _problem(
            obj,
            "returns-mismatch",
            section.line,
            f"documents {len(typed)} return value(s), the annotation {obj.returns} has "
            f"{len(expected)}",
        )
        return
    for entry, want in zip(typed, expected, strict=True):
        got = _normalize_type(entry.type or "")
        vague = any(re.search(rf"\b{t}\b", got + " " + want) for t in VAGUE_TYPES)
        if got != want and not vague:
            yield _problem(
                obj,
                "returns-mismatch",
                entry.line,
                f"documents return type {entry.type}, the annotation says {want}",
            )


def _raised_names(function: ast.AST) -> dict[str, int]:
    """Exception names raised directly in the body, with the line of their first raise."""
    names: dict[str, int] = {}
    for node in _own_nodes(function):
        if isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            name = (
                target.id
                if isinstance(target, ast.Name)
                else target.attr
                if isinstance(target, ast.Attribute)
                else None
            )
            if name and name[0].isupper():
                names.setdefault(name, node.lineno)
    return names


@rule(
    "undocumented-raise",
    "An exception raised in the body that the Raises section omits",
    "Callers cannot know they must handle it. Only checked when the docstring has sections.",
)
def undocumented_raise(obj: LintObject) -> Iterator[Problem]:
    """``raise X`` in the body, X not in Raises."""
    if obj.kind != "function" or obj.parsed is None or not obj.parsed.sections:
        return
    function = _body(obj)
    if function is None:
        return
    if any(
        title.lower() in ("raises", "raise", "exceptions") for _, title, _ in obj.parsed.unparsed
    ):
        return  # unparsed-section already reports the Raises section no parser sees
    section = obj.parsed.section("raises")
    documented = {e.name.rsplit(".", 1)[-1] for e in section.entries} if section else set()
    for name, line in _raised_names(function).items():
        if name not in documented:
            yield _problem(
                obj,
                "undocumented-raise",
                obj.line + line - 1,
                f"raises {name}, which the Raises section does not list",
            )


@rule(
    "unraised-exception",
    "A documented exception that the body never raises",
    "The Raises section promises an exception the function does not raise itself. Exceptions "
    "that propagate from callees are legitimate; this rule only fires when the body raises "
    "nothing at all, or calls nothing, so the documentation cannot be right.",
)
def unraised_exception(obj: LintObject) -> Iterator[Problem]:
    """Raises entries for a body that raises nothing and calls nothing."""
    section = obj.parsed.section("raises") if obj.parsed else None
    if obj.kind != "function" or section is None:
        return
    function = _body(obj)
    if function is None:
        return
    raised = _raised_names(function)
    calls = any(isinstance(n, ast.Call) for n in _own_nodes(function))
    bare_reraise = any(isinstance(n, ast.Raise) and n.exc is None for n in _own_nodes(function))
    if raised or calls or bare_reraise:
        return
    for entry in section.entries:
        yield _problem(
            obj,
            "unraised-exception",
            entry.line,
            f"documents {entry.name}, but {obj.name}() raises and calls nothing",
        )


_TODO = re.compile(r"\b(TODO|FIXME|XXX)\b")


@rule(
    "todo-in-docstring",
    "A leftover TODO/FIXME in published text",
    "Docstrings are published: a `TODO` in one appears verbatim in the reference.",
)
def todo_in_docstring(obj: LintObject) -> Iterator[Problem]:
    """Leftover to-do and fix-me markers in the docstring."""
    if obj.parsed is None:
        return
    for number, line in obj.parsed.lines:
        match = _TODO.search(line)
        if match:
            yield _problem(obj, "todo-in-docstring", number, f"docstring contains {match.group(1)}")


@rule(
    "broken-markup",
    "Inline code or a code fence that is never closed",
    "An unclosed backtick or fence swallows the rest of the paragraph (or page) into code.",
)
def broken_markup(obj: LintObject) -> Iterator[Problem]:
    """Unbalanced single backticks in a paragraph; an unclosed fenced block."""
    if obj.parsed is None:
        return
    fence_line: int | None = None
    paragraph: list[tuple[int, str]] = []

    def close(paragraph: list[tuple[int, str]]) -> Iterator[Problem]:
        text = " ".join(line for _, line in paragraph)
        singles = re.sub(r"``+", "", text).count("`")
        if singles % 2:
            where = next(n for n, line in paragraph if "`" in line.replace("``", ""))
            yield _problem(
                obj, "broken-markup", where, "unclosed inline code (odd number of backticks)"
            )

    for number, line in obj.parsed.lines:
        stripped = line.strip()
        if stripped.startswith("```"):
            yield from close(paragraph)
            paragraph = []
            fence_line = None if fence_line is not None else number
            continue
        if fence_line is not None:
            continue
        if not stripped:
            yield from close(paragraph)
            paragraph = []
        else:
            paragraph.append((number, stripped))
    yield from close(paragraph)
    if fence_line is not None:
        yield _problem(obj, "broken-markup", fence_line, "code fence is never closed")


def example_blocks(obj: LintObject) -> list[tuple[int, str]]:
    """The code of the Examples section: fenced blocks and ``>>>`` lines, with first lines."""
    section = obj.parsed.section("examples") if obj.parsed else None
    if section is None:
        return []
    blocks: list[tuple[int, str]] = []
    code: list[str] = []
    start = 0
    fenced = False
    for number, line in section.body:
        stripped = line.strip()
        if stripped.startswith("```"):
            if fenced:
                blocks.append((start, textwrap.dedent("\n".join(code))))
                code = []
            else:
                start = number + 1
            fenced = not fenced
            continue
        if fenced:
            code.append(line)
        elif stripped.startswith(">>> ") or stripped.startswith("... "):
            blocks.append((number, stripped[4:]))
    return blocks


@rule(
    "example-syntax",
    "Example code that does not parse",
    "Readers copy examples; one that is not valid Python is a bug in the documentation.",
)
def example_syntax(obj: LintObject) -> Iterator[Problem]:
    """Example code blocks that are not valid Python."""
    for line, code in example_blocks(obj):
        if code.lstrip().startswith(("$", "{", "[")) and not code.lstrip().startswith("[i"):
            continue  # shell or JSON shown as an example
        try:
            ast.parse(code)
        except SyntaxError as exc:
            yield _problem(
                obj,
                "example-syntax",
                line + (exc.lineno or 1) - 1,
                f"example does not parse: {exc.msg}",
            )


@rule(
    "example-bad-call",
    "An example calls the documented function with arguments it does not accept",
    "The example would fail with a TypeError: an unknown keyword, or more positional "
    "arguments than the signature takes.",
)
def example_bad_call(obj: LintObject) -> Iterator[Problem]:
    """Calls to this function in its examples, checked against its signature."""
    if obj.kind != "function" or obj.parameters is None:
        return
    for line, code in example_blocks(obj):
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name != obj.name:
                continue
            accepted = [p for p in obj.parameters if p not in SKIPPED_PARAMETERS]
            where = line + node.lineno - 1
            if obj.var_keyword is None:
                for keyword in node.keywords:
                    if keyword.arg is not None and keyword.arg not in accepted:
                        yield _problem(
                            obj,
                            "example-bad-call",
                            where,
                            f"example passes {keyword.arg}= to {obj.name}(), which has no "
                            "such parameter",
                        )
            positional = [a for a in node.args if not isinstance(a, ast.Starred)]
            if obj.var_positional is None and len(positional) > len(obj.positional):
                yield _problem(
                    obj,
                    "example-bad-call",
                    where,
                    f"example passes {len(positional)} positional arguments to {obj.name}(), "
                    f"which takes {len(obj.positional)}",
                )
