"""The documented return type differs from the annotation, or a Returns section describes a
value the function never returns.

Types are compared as written, with module qualifiers dropped (`models.V1Pod` is `V1Pod`) and
`typing` generics read as the builtins (`List[str]` is `list[str]`). Several typed Returns
entries are matched against the elements of a `Tuple[...]` annotation. `object` and `Any`
contradict nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubeflow_devtools.docgen.lint.body import function_node, is_generator, returns_value
from kubeflow_devtools.docgen.lint.model import Finding, LintObject

ID = "returns-mismatch"
TITLE = "The Returns section contradicts the code"

VAGUE_TYPES = {"object", "Any"}
"""Types too vague to contradict anything (``list[object]`` documents any list)."""


def normalize_type(text: str) -> str:
    """A type as written, normalised for comparison: module qualifiers dropped
    (``models.V1Pod`` is ``V1Pod``), ``typing`` generics as builtins (``List`` is ``list``)."""
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"\b(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)", r"\1", text)
    for old, new in (("List", "list"), ("Dict", "dict"), ("Tuple", "tuple"), ("Set", "set")):
        text = re.sub(rf"\b{old}\b", new, text)
    return text


def split_tuple(annotation: str) -> list[str] | None:
    """The element types of ``Tuple[A, B]`` / ``tuple[A, B]``, or ``None``."""
    norm = normalize_type(annotation)
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


def check(obj: LintObject) -> Iterator[Finding]:
    """Documented return types that disagree with the annotation or the body."""
    section = obj.section("returns")
    if obj.kind != "function" or section is None:
        return
    function = function_node(obj)
    returns_nothing = function is not None and not returns_value(function)
    if (
        returns_nothing
        and function is not None
        and not is_generator(function)
        and (obj.returns is None or normalize_type(obj.returns) == "None")
    ):
        yield Finding(section.line, f"documents a return value, but {obj.name}() returns nothing")
        return
    typed = [e for e in section.entries if e.type]
    if obj.returns is None or not typed:
        return
    elements = split_tuple(obj.returns) if len(typed) > 1 else None
    expected = elements if elements is not None else [normalize_type(obj.returns)]
    if len(typed) != len(expected):
        yield Finding(
            section.line,
            f"documents {len(typed)} return value(s), the annotation {obj.returns} has "
            f"{len(expected)}",
        )
        return
    for entry, want in zip(typed, expected, strict=True):
        got = normalize_type(entry.type or "")
        vague = any(re.search(rf"\b{t}\b", got + " " + want) for t in VAGUE_TYPES)
        if got != want and not vague:
            yield Finding(
                entry.line, f"documents return type {entry.type}, the annotation says {want}"
            )
