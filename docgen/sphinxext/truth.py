"""Where the docstring contradicts the code, the page shows the code's version.

Runs on a docstring's lines after :mod:`~kubeflow_devtools.docgen.sphinxext.normalize`, driven
by the problems lint's rules found in the same object
(:func:`~kubeflow_devtools.docgen.lint.live.live_problems`), so the build repairs exactly what
``docgen lint`` reports:

- ``unknown-parameter``: an Args entry for a parameter the signature lacks is renamed to the
  parameter it misspells (``db-manager-address`` is ``db_manager_address``), else dropped;
- ``undocumented-parameter``: a real parameter the Args section omits gets an entry that says
  it is not documented (its type comes from the annotation, like every other entry's);
- ``returns-mismatch``: the Returns section's types are dropped, so the annotation is the type
  shown; a Returns section of a function that returns nothing is dropped;
- ``todo-in-docstring``: the sentence holding a ``TODO``/``FIXME``/``XXX`` is dropped (with the
  sentence that introduces it, when that one ends in a colon).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from kubeflow_devtools.docgen.grammar import SECTION_TITLE, section_kind
from kubeflow_devtools.docgen.lint.model import LintObject, Problem
from kubeflow_devtools.docgen.sphinxext.normalize import literal_mask

_ENTRY = re.compile(r"^(\s+)(\*{0,2})([A-Za-z_][\w.\-]*)(\s*(?:\([^)]*\))?\s*:(?:\s|$))")
_TYPED = re.compile(r"^(\s+)([\w\[\], .|]+?):\s+(\S.*)$")
_MARKER = re.compile(r"\b(?:TODO|FIXME|XXX)\b")
NOT_DOCUMENTED = "*Not documented.*"
"""The description of a parameter that the docstring does not document."""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _sections(lines: Sequence[str], kind: str) -> list[tuple[int, int]]:
    """``(title, end)`` of every top-level section of ``kind``: its title line and the index
    after its last body line."""
    found = []
    i = 0
    while i < len(lines):
        match = SECTION_TITLE.match(lines[i])
        if match and not match.group(1) and section_kind(match.group(2)) == kind:
            end = i + 1
            while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > 0):
                end += 1
            while end > i + 1 and not lines[end - 1].strip():
                end -= 1
            found.append((i, end))
            i = end
            continue
        i += 1
    return found


def _entries(lines: Sequence[str], title: int, end: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of each entry of a section (its first line and continuation lines)."""
    body = [k for k in range(title + 1, end) if lines[k].strip()]
    if not body:
        return []
    base = min(_indent(lines[k]) for k in body)
    starts = [k for k in body if _indent(lines[k]) == base]
    return [(s, (starts[n + 1] if n + 1 < len(starts) else end)) for n, s in enumerate(starts)]


def fix_parameters(lines: list[str], model: LintObject, rules: set[str]) -> list[str]:
    """Args entries renamed or dropped to match the signature; missing parameters added."""
    if model.parameters is None:
        return lines
    names = set(model.parameters)
    out = list(lines)
    sections = _sections(out, "args")
    everywhere = {
        m.group(3)
        for title, end in sections
        for s, _ in _entries(out, title, end)
        if (m := _ENTRY.match(out[s]))
    }
    for number, (title, end) in enumerate(reversed(sections)):
        entries = _entries(out, title, end)
        documented = {m.group(3) for s, _ in entries if (m := _ENTRY.match(out[s]))}
        for start, stop in reversed(_entries(out, title, end)):
            match = _ENTRY.match(out[start])
            if match is None or "unknown-parameter" not in rules:
                continue
            name = match.group(3)
            if name in names or (model.var_keyword is not None and name == model.var_keyword):
                continue
            hint = name.replace("-", "_")
            if hint in names and hint not in documented:
                out[start] = _ENTRY.sub(rf"\g<1>\g<2>{hint}\g<4>", out[start], count=1)
                documented.add(hint)
            else:
                del out[start:stop]
                end -= stop - start
        everywhere |= documented
        if number == 0 and "undocumented-parameter" in rules and model.arguments is not None:
            # listed once, in the last Args section (a class's lines hold its constructor's too)
            missing = [name for name in model.arguments if name not in everywhere]
            indent = " " * next((_indent(out[s]) for s, _ in _entries(out, title, end)), 4)
            out[end:end] = [f"{indent}{name}: {NOT_DOCUMENTED}" for name in missing]
    return out


def fix_returns(lines: list[str], model: LintObject) -> list[str]:
    """The Returns section without its types (the annotation's is shown), or without the
    section when the function returns nothing."""
    out = list(lines)
    for title, end in reversed(_sections(out, "returns")):
        if model.returns is None or model.returns.strip() == "None":
            while end < len(out) and not out[end].strip():
                end += 1
            del out[title:end]
            continue
        for start, _ in _entries(out, title, end):
            match = _TYPED.match(out[start])
            if match and ("[" in match.group(2) or " " not in match.group(2).strip()):
                out[start] = f"{match.group(1)}{match.group(3)}"
    return out


def _drop_marked_sentences(text: str) -> str:
    sentences = re.split(r"(?<=[.!?])\s+", text)
    kept: list[str] = []
    for sentence in sentences:
        if _MARKER.search(sentence):
            head = sentence[: _MARKER.search(sentence).start()]  # type: ignore[union-attr]
            if head.strip() and not head.rstrip().endswith(":"):
                kept.append(head.rstrip())
            continue
        kept.append(sentence)
    return " ".join(kept).strip()


def drop_todos(lines: list[str]) -> list[str]:
    """Paragraphs without the sentences that hold a to-do marker (a paragraph that was only
    that is dropped)."""
    mask = literal_mask(lines)
    out: list[str] = []
    i = 0
    while i < len(lines):
        if mask[i] or not lines[i].strip():
            out.append(lines[i])
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].strip() and not mask[j]:
            if j > i and (_indent(lines[j]) != _indent(lines[i]) or SECTION_TITLE.match(lines[j])):
                break
            j += 1
        paragraph = lines[i:j]
        text = " ".join(line.strip() for line in paragraph)
        if _MARKER.search(text) and not SECTION_TITLE.match(lines[i]):
            kept = _drop_marked_sentences(text)
            if kept:
                out.append(" " * _indent(lines[i]) + kept)
        else:
            out.extend(paragraph)
        i = j
    return out


def show_the_code(
    lines: Sequence[str], model: LintObject, problems: Iterable[Problem]
) -> list[str]:
    """``lines`` with every contradiction of the code that lint found repaired (see above).

    Args:
        lines: The normalized docstring lines of the object.
        model: The object's lint model (signature, return annotation).
        problems: What lint's rules found in it.

    Returns:
        The lines to render.
    """
    rules = {problem.rule for problem in problems}
    out = list(lines)
    if rules & {"unknown-parameter", "undocumented-parameter"}:
        out = fix_parameters(out, model, rules)
    if "returns-mismatch" in rules:
        out = fix_returns(out, model)
    if "todo-in-docstring" in rules:
        out = drop_todos(out)
    return out
