"""A Google-style docstring, split into sections with the line of every entry.

Only the structure lint needs is read: section titles (those of
:data:`~kubeflow_devtools.docgen.grammar.SECTIONS`), the names and types of their entries, and
where each one is in the file. A title that a parser would not see (no blank line before it,
its entries not indented below it, a space before its colon) is recorded as *unparsed*, with
its line.
"""

from __future__ import annotations

import doctest
import re
import textwrap
from dataclasses import dataclass, field

from kubeflow_devtools.docgen.grammar import SECTION_TITLE, section_kind, section_title

_ENTRY = re.compile(r"^(\*{0,2}[A-Za-z_][\w.\-]*)\s*(?:\(([^)]*)\))?\s*:(?:\s|$)")
_TYPED_RETURN = re.compile(r"^([^:]+?):\s")


@dataclass(frozen=True)
class Entry:
    """One entry of a section: a name (or a type, for Returns), its type and its line."""

    name: str
    type: str | None
    line: int
    text: str


@dataclass
class Section:
    """A section: its kind (``args``, ``returns``, ...), title line and entries."""

    kind: str
    title: str
    line: int
    indent: int
    entries: list[Entry] = field(default_factory=list)
    body: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class ParsedDocstring:
    """The sections a parser sees, the titles it would not see, and every line with its number."""

    sections: list[Section]
    unparsed: list[tuple[int, str, str]]
    lines: list[tuple[int, str]]

    def section(self, kind: str) -> Section | None:
        """The first section of ``kind``, if any."""
        return next((s for s in self.sections if s.kind == kind), None)


def parse_google(text: str, first_line: int) -> ParsedDocstring:
    """Split a cleaned docstring (``inspect.cleandoc`` form) whose first line is ``first_line``."""
    raw = text.splitlines()
    numbered = [(first_line + i, line) for i, line in enumerate(raw)]
    sections: list[Section] = []
    unparsed: list[tuple[int, str, str]] = []
    current: Section | None = None
    in_fence = False
    for index, (number, line) in enumerate(numbered):
        stripped = line.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
        title = None if in_fence else section_title(line)
        spaced = None if in_fence or title is not None else _spaced_title(line)
        if spaced is not None:
            unparsed.append((number, spaced, "a space before its colon"))
        if title is not None:
            indent, name, kind = title
            previous_blank = index == 0 or not raw[index - 1].strip()
            next_line = next((ln for ln in raw[index + 1 :] if ln.strip()), "")
            next_indent = len(next_line) - len(next_line.lstrip())
            if index > 0 and not previous_blank:
                unparsed.append((number, name, "no blank line before it"))
                current = None
                continue
            if next_line and next_indent <= indent:
                unparsed.append((number, name, "its entries are not indented"))
                current = None
                continue
            current = Section(kind, name, number, indent)
            sections.append(current)
            continue
        if current is None:
            continue
        if stripped and (len(line) - len(line.lstrip())) <= current.indent:
            current = None
            continue
        current.body.append((number, line))
    for section in sections:
        _read_entries(section)
    return ParsedDocstring(sections, unparsed, numbered)


def _spaced_title(line: str) -> str | None:
    """``Args :``: a section title but for the space before its colon (napoleon reads prose).

    Returns the title as written (``"Args "``), else ``None``.
    """
    match = SECTION_TITLE.match(line)
    title = match.group(2) if match else ""
    known = title.endswith(" ") and section_kind(title.rstrip()) is not None
    return title if known else None


def _read_entries(section: Section) -> None:
    """Entries are the body lines at the body's smallest indentation."""
    body = [(n, ln) for n, ln in section.body if ln.strip()]
    if not body:
        return
    base = min(len(ln) - len(ln.lstrip()) for _, ln in body)
    for number, line in body:
        if len(line) - len(line.lstrip()) != base:
            continue
        content = line.strip()
        if section.kind in ("args", "attributes"):
            match = _ENTRY.match(content)
            if match:
                name = match.group(1).lstrip("*")
                section.entries.append(Entry(name, name, number, content))
        elif section.kind == "raises":
            match = _ENTRY.match(content) or re.match(r"^([A-Za-z_][\w.]*)\s*$", content)
            if match:
                section.entries.append(Entry(match.group(1), None, number, content))
        elif section.kind in ("returns", "yields"):
            typed = _TYPED_RETURN.match(content)
            type_text = (
                typed.group(1).strip() if typed and _looks_like_type(typed.group(1)) else None
            )
            section.entries.append(Entry("", type_text, number, content))


_TYPE_CHARS = re.compile(r"^[\w\[\], .|]+$")


def _looks_like_type(text: str) -> bool:
    """Whether the text before a colon reads as a type (``Dict[str, str]``), not prose."""
    text = text.strip()
    return bool(_TYPE_CHARS.match(text)) and ("[" in text or "." in text or " " not in text)


def example_blocks(parsed: ParsedDocstring | None) -> list[tuple[int, str]]:
    """The code of the Examples section, with the file line each block starts on: fenced
    blocks whole, and the doctest examples of the text around them as :mod:`doctest` reads
    them (a ``>>>`` line with its ``...`` continuation lines is one example; the output lines
    after it are not code)."""
    section = parsed.section("examples") if parsed else None
    if section is None:
        return []
    blocks: list[tuple[int, str]] = []
    code: list[str] = []
    prose: list[tuple[int, str]] = []
    start = 0
    fenced = False
    for number, line in section.body:
        stripped = line.strip()
        if stripped.startswith("```"):
            if fenced:
                blocks.append((start, textwrap.dedent("\n".join(code))))
                code = []
            else:
                blocks += doctest_examples(prose)
                prose = []
                start = number + 1
            fenced = not fenced
            continue
        if fenced:
            code.append(line)
        else:
            prose.append((number, line))
    return blocks + doctest_examples(prose)


def doctest_examples(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The doctest examples in consecutive ``(file line, text)`` lines: each example's source
    (continuation lines joined) with the file line of its ``>>>``. Text that doctest refuses
    (a ``>>>`` without the space after it, a continuation line indented differently) is read
    line by line, so that its code is still checked."""
    if not any(">>>" in line for _, line in lines):
        return []
    first = lines[0][0]
    text = "\n".join(line for _, line in lines)
    try:
        examples = doctest.DocTestParser().get_examples(textwrap.dedent(text))
    except ValueError:
        return [
            (number, line.strip()[4:])
            for number, line in lines
            if line.strip().startswith((">>> ", "... "))
        ]
    return [(first + example.lineno, example.source) for example in examples]
