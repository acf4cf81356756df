"""The docstring grammar docgen reads, defined once: section titles, marks, first sentences.

The SDK docstrings are Google style with Markdown bodies. Everything that reads them uses this
module: the normalizer that prepares them for napoleon (``sphinxext/normalize.py``), the
inventory's one-line summaries (the SDK index pages), the Hugo page descriptions and ``docgen
lint``. A leaf: it imports nothing else of docgen.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping

NAPOLEON_SECTIONS: Mapping[str, str] = {
    "args": "args",
    "arguments": "args",
    "parameters": "args",
    "keyword args": "args",
    "keyword arguments": "args",
    "other parameters": "args",
    "attributes": "attributes",
    "example": "examples",
    "examples": "examples",
    "methods": "methods",
    "note": "notes",
    "notes": "notes",
    "receive": "receives",
    "receives": "receives",
    "references": "references",
    "return": "returns",
    "returns": "returns",
    "raise": "raises",
    "raises": "raises",
    "see also": "see_also",
    "todo": "todo",
    "warning": "warnings",
    "warnings": "warnings",
    "warn": "warns",
    "warns": "warns",
    "yield": "yields",
    "yields": "yields",
    "attention": "admonition",
    "caution": "admonition",
    "danger": "admonition",
    "error": "admonition",
    "hint": "admonition",
    "important": "admonition",
    "tip": "admonition",
}
"""The Google section titles napoleon knows, each with the kind of section it opens.

Exactly the keys of ``GoogleDocstring._sections`` in ``sphinx/ext/napoleon/docstring.py`` at
Sphinx 9.0.4 (the version docgen builds with). Kinds are docgen's: every title that napoleon
parses as parameters is ``args``, its admonitions (``Tip:``, ``Hint:``...) are ``admonition``.
"""

DOCGEN_ALIASES: Mapping[str, str] = {
    "params": "parameters",
    "exceptions": "raises",
    "except": "raises",
}
"""Titles napoleon does not know, and the napoleon title each one means.

griffe reads ``Params:`` and ``Exceptions:`` too, and docgen lint always has; the generated
Sphinx configuration teaches them to napoleon (:data:`NAPOLEON_CUSTOM_SECTIONS`), so every
title of :data:`SECTIONS` is a section in the built reference as well.
"""

SECTIONS: Mapping[str, str] = {
    **NAPOLEON_SECTIONS,
    **{title: NAPOLEON_SECTIONS[alias] for title, alias in DOCGEN_ALIASES.items()},
}
"""Every section title (lower case) docgen reads, and the kind of section it opens."""

NAPOLEON_CUSTOM_SECTIONS: tuple[tuple[str, str], ...] = tuple(DOCGEN_ALIASES.items())
"""The ``napoleon_custom_sections`` setting that makes napoleon read :data:`DOCGEN_ALIASES`."""

SECTION_TITLE = re.compile(r"^(\s*)([A-Za-z][A-Za-z ]*?):\s*$")
"""A line that can be a section title: its indentation and the title as written."""

NOQA = re.compile(r"\s*#\s*noqa\b(?::?\s*[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)?")
"""A flake8 ``# noqa`` mark (with its codes), as the generated SDK code writes it in docstrings."""

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+-]*)\s*$")
"""A Markdown code fence line: indentation, marker, language."""

DIRECTIVE = re.compile(r"^\s*\.\.\s+[\w:-]+::")
"""An RST directive (``.. note::``)."""

LIST_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+\S")
"""A Markdown or RST list item, with its indentation."""

SUMMARY_LIMIT = 300
"""The longest first sentence kept whole; a longer one is cut and ends with ``...``."""

_SENTENCE = re.compile(r"(.+?[.!?])(?:\s|$)")
_ROLE = re.compile(r":[\w:+-]+:`~?([^`]+)`")
_CODE = re.compile(r"`([^`]+)`")


def section_kind(title: str) -> str | None:
    """The kind of section a title opens (``"Args"`` -> ``"args"``), or ``None``.

    Args:
        title: The title as written, without its colon. A space before the colon is part of
            the title, so ``"Args "`` opens nothing (napoleon does not read it either).

    Returns:
        The kind (a value of :data:`SECTIONS`), or ``None`` for prose.
    """
    return SECTIONS.get(title.lower())


def section_title(line: str) -> tuple[int, str, str] | None:
    """The indentation, title and kind of a section title line, or ``None``.

    Args:
        line: One line of a docstring.

    Returns:
        ``(indent, title, kind)`` when the line is a title docgen knows, else ``None``.
    """
    match = SECTION_TITLE.match(line)
    kind = section_kind(match.group(2)) if match else None
    if match is None or kind is None:
        return None
    return len(match.group(1)), match.group(2), kind


def strip_noqa(line: str) -> str:
    """A line without its ``# noqa`` marks (linter comments, not documentation).

    Args:
        line: One line of a docstring.

    Returns:
        The line, marks removed and trailing space stripped if it had any; else unchanged.
    """
    return NOQA.sub("", line).rstrip() if "noqa" in line else line


def _ends_paragraph(line: str) -> bool:
    """A blank line, section title, code fence, directive or list item ends the summary."""
    return (
        not line.strip()
        or section_title(line) is not None
        or bool(FENCE.match(line) or DIRECTIVE.match(line) or LIST_ITEM.match(line))
    )


def first_paragraph(docstring: str | None) -> str:
    """The docstring's opening paragraph, on one line, without ``# noqa`` marks.

    The paragraph is what a reader sees first: it ends at a blank line and before a section
    title, a code fence, a directive or a list (the normalizer puts blank lines there, so the
    rendered page ends the paragraph there as well). A docstring that opens with one of those
    has no opening paragraph. RST's ``::`` at its end reads as ``:``.

    Args:
        docstring: A docstring as written (indented or cleaned), or ``None``.

    Returns:
        The paragraph, whitespace collapsed; empty when there is none.
    """
    lines: list[str] = []
    for line in inspect.cleandoc(docstring or "").splitlines():
        if _ends_paragraph(line):
            break
        lines.append(strip_noqa(line))
    text = " ".join(" ".join(lines).split())
    return text[:-1] if text.endswith("::") else text


def first_sentence(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """The first sentence of a text, on one line.

    A sentence ends at ``.``, ``!`` or ``?`` followed by a space or the end of the text; with
    none, the whole text is the sentence. One longer than ``limit`` is cut at ``limit``
    characters, the last three being ``...``.

    Args:
        text: Prose (a paragraph); whitespace is collapsed first.
        limit: The longest sentence returned.

    Returns:
        The sentence.
    """
    text = " ".join(text.split())
    match = _SENTENCE.match(text)
    sentence = match.group(1) if match else text
    return sentence if len(sentence) <= limit else sentence[: limit - 3].rstrip() + "..."


def summary(docstring: str | None) -> str:
    """The one-line summary of a docstring: the first sentence of its opening paragraph.

    The SDK index shows it beside each object and the Hugo page of the object has it as its
    description: one algorithm, so the two always agree.

    Args:
        docstring: A docstring as written, or ``None``.

    Returns:
        The summary, empty when the docstring has no opening paragraph.
    """
    return first_sentence(first_paragraph(docstring))


def code_spans(text: str) -> str:
    """Inline code written the RST way (roles, double backticks) as Markdown code spans.

    Args:
        text: Docstring prose.

    Returns:
        The text with every role and literal as a single-backtick code span (a role shows its
        target without the ``~``).
    """
    return _ROLE.sub(r"`\1`", text).replace("``", "`")


def plain_text(text: str) -> str:
    """Docstring prose as a reader sees it: code spans (Markdown or RST) without backticks.

    Args:
        text: Docstring prose.

    Returns:
        The text, code spans unwrapped; everything else as written.
    """
    return _CODE.sub(r"\1", code_spans(text))
