"""Read what the SDK authors wrote: Markdown-flavoured Google docstrings, made valid RST.

Runs on ``autodoc-process-docstring`` before napoleon. It converts Markdown fences to
``code-block`` directives, single-backtick code to inline literals, adds the blank lines RST needs
before lists, sections and directives, removes ``# noqa`` marks, and reports what the author got
wrong (unclosed fences or backticks, directives without blank lines). It never drops text:
what it cannot read is kept (a stray backtick, markup, is dropped).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kubeflow_devtools.docgen.grammar import (
    DIRECTIVE,
    FENCE,
    LIST_ITEM,
    section_title,
    strip_noqa,
)

_OPENERS = {"{": "}", "[": "]", "(": ")"}
_INLINE = re.compile(
    r"(?P<keep>``.+?``|:[\w:+-]+:`[^`]+`|`[^`]+`__?)|(?P<code>`(?P<body>[^`]+?)`)", re.S
)


@dataclass(frozen=True)
class Defect:
    """A problem in what the SDK authors wrote, found while reading a docstring."""

    object: str
    kind: str
    message: str


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _is_section(line: str) -> bool:
    return section_title(line) is not None


def _code_language(body: Sequence[str]) -> str:
    try:
        ast.parse("\n".join(body))
    except SyntaxError:
        return "text"
    return "python"


def convert_fences(lines: Sequence[str], report: Callable[[str, str], None]) -> list[str]:
    """Turn Markdown code fences into ``code-block`` directives at the same indentation."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        indent, marker, lang = match.group(1), match.group(2), match.group(3)
        body: list[str] = []
        i += 1
        closed = False
        while i < len(lines):
            if (
                lines[i].strip().startswith(marker[0] * len(marker))
                and not lines[i].strip(marker[0]).strip()
            ):
                closed = True
                i += 1
                break
            body.append(lines[i])
            i += 1
        if not closed:
            report("unclosed-fence", f"code fence {marker} is never closed")
        margin = min((_indent(b) for b in body if b.strip()), default=0)
        body = [b[margin:] if b.strip() else "" for b in body]
        while body and not body[-1]:
            body.pop()
        language = lang or _code_language(body)
        if out and out[-1].strip():
            out.append("")
        out.append(f"{indent}.. code-block:: {language}")
        out.append("")
        out.extend(f"{indent}   {b}" if b else "" for b in body)
        out.append("")
    return out


def _looks_like_code(block: Sequence[str]) -> bool:
    """Whether a paragraph (dedented) is Python code rather than prose: it parses, and it is
    more than a bare phrase (an assignment, a call, an import, a literal or a comment)."""
    text = "\n".join(block)
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return False
    if not tree.body:  # only comments
        return all(line.lstrip().startswith("#") for line in block if line.strip())
    return any(not isinstance(node, ast.Expr) or not isinstance(node.value, ast.Name)
               for node in tree.body)  # fmt: skip


def examples_as_code(lines: Sequence[str]) -> list[str]:
    """Unfenced Python code in a Google ``Example:``/``Examples:`` section as a ``code-block``.

    Google style writes an example as code indented under the section title, without a fence
    or ``::`` (``kubeflow.hub.StorageConfig``, ``kubeflow.spark.Annotations``); napoleon would
    pass it on as paragraphs, and RST reads its indentation as definition lists and quotes.
    Paragraphs of the section (blank-line separated, at the section's indentation) that parse
    as Python become one code block, blank lines between them kept; prose, doctest
    (``>>>``) and directives (fences converted before) are left as they are.
    """
    out = list(lines)
    mask = literal_mask(out)
    i = 0
    while i < len(out):
        title = section_title(out[i]) if not mask[i] else None
        if title is None or title[2] != "examples":
            i += 1
            continue
        end = i + 1
        while end < len(out) and (not out[end].strip() or _indent(out[end]) > title[0]):
            end += 1
        body = [k for k in range(i + 1, end) if out[k].strip()]
        if not body:
            i = end
            continue
        base = min(_indent(out[k]) for k in body)
        paragraphs: list[tuple[int, int]] = []
        k = i + 1
        while k < end:
            if not out[k].strip():
                k += 1
                continue
            start = k
            while k < end and out[k].strip():
                k += 1
            paragraphs.append((start, k))
        code = [
            _indent(out[a]) == base
            and not mask[a]
            and not out[a].lstrip().startswith(">>>")
            and _looks_like_code([line[base:] for line in out[a:b]])
            for a, b in paragraphs
        ]
        replaced: list[str] = out[: i + 1]
        n = 0
        while n < len(paragraphs):
            a, b = paragraphs[n]
            gap = out[(paragraphs[n - 1][1] if n else i + 1) : a]
            if not code[n]:
                replaced += [*gap, *out[a:b]]
                n += 1
                continue
            last = n
            while last + 1 < len(paragraphs) and code[last + 1]:
                last += 1
            block = out[a : paragraphs[last][1]]
            if replaced[-1].strip():
                replaced.append("")
            replaced += [" " * base + ".. code-block:: python", ""]
            replaced += [" " * (base + 3) + line[base:] if line.strip() else "" for line in block]
            replaced.append("")
            n = last + 1
        tail = out[paragraphs[-1][1] : end]
        out = [*replaced, *tail, *out[end:]]
        mask = literal_mask(out)
        i = len(replaced) + len(tail)
    return out


def literal_mask(lines: Sequence[str]) -> list[bool]:
    """Which lines are literal content (directive bodies, ``::`` blocks), left untouched."""
    mask = [False] * len(lines)
    owner: int | None = None
    for i, line in enumerate(lines):
        if owner is not None:
            if not line.strip() or _indent(line) > owner:
                mask[i] = True
                continue
            owner = None
        if (
            DIRECTIVE.match(line)
            or (line.rstrip().endswith("::") and line.strip() != "::")
            or line.strip() == "::"
        ):
            owner = _indent(line)
    return mask


def _plain_text(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not (
        DIRECTIVE.match(line) or stripped.endswith("::") or LIST_ITEM.match(line)
    )


def _in_list_item(lines: Sequence[str], i: int, indent: int) -> bool:
    """Is line ``i`` (at ``indent``) a continuation of a list item above it in its paragraph?"""
    j = i - 1
    while j >= 0 and lines[j].strip():
        item = LIST_ITEM.match(lines[j])
        if item and len(item.group(1)) < indent:
            return True
        if not item and _indent(lines[j]) < indent:
            return False
        j -= 1
    return False


def fix_indentation(lines: Sequence[str], report: Callable[[str, str], None]) -> list[str]:
    """Repair indented blocks that RST would reject as "unexpected indentation".

    Google sections allow an entry line and its indented continuation; anything indented deeper
    after a plain text line is unexpected. After a line ending in a colon (``For example:``) it is
    an example: it becomes a literal block. Otherwise it is a hanging indent: it is dedented.
    """
    out = list(lines)
    mask = literal_mask(out)
    in_section = False
    entry: int | None = None
    cont: int | None = None
    i = 0
    while i < len(out):
        line = out[i]
        if not line.strip() or mask[i]:
            i += 1
            continue
        depth = _indent(line)
        if depth == 0 and _is_section(line):
            in_section, entry, cont = True, None, None
            i += 1
            continue
        if depth == 0 and in_section and not _is_section(line):
            in_section = False
        prev = out[i - 1] if i else ""
        allowed = {0} if not in_section else {entry or depth, *([cont] if cont else [])}
        if in_section and entry is None:
            entry = depth
            allowed.add(depth)
        if in_section and entry is not None and prev.strip() and entry == _indent(prev) < depth:
            cont = depth
            allowed.add(depth)
        unexpected = (
            prev.strip()
            and depth > _indent(prev)
            and depth not in allowed
            and _plain_text(prev)
            and not mask[i - 1]
            and not _in_list_item(out, i, depth)
        )
        if not unexpected:
            i += 1
            continue
        j = i
        while j < len(out) and out[j].strip() and _indent(out[j]) >= depth:
            j += 1
        base = _indent(prev)
        if prev.strip() in _OPENERS:
            # A bare JSON/dict literal: the block starts at its opening bracket and ends at the
            # matching closing line.
            i -= 1
            if j < len(out) and out[j].strip().rstrip(",") == _OPENERS[prev.strip()]:
                j += 1
            lead = out[i - 1] if i else ""
            if lead.strip() and lead.rstrip().endswith(":") and _plain_text(lead):
                out[i - 1] = lead.rstrip() + ":"
                out[i:j] = ["", *("   " + x for x in out[i:j]), ""]
            else:
                out[i:j] = ["", " " * base + "::", "", *(" " * 3 + x for x in out[i:j]), ""]
            example = " ".join(" ".join(out[i : j + 2]).split())[:50]
            report("indentation", f"unformatted example {example!r} read as a literal block")
            mask = literal_mask(out)
            i = j + 2
            continue
        if prev.rstrip().endswith(":") and LIST_ITEM.match(out[i]):
            # A list under the line introducing it ("Supported backends:" then "- Kubernetes"):
            # a hanging indent, read as the list it is (a literal block would show the dashes).
            for k in range(i, j):
                out[k] = " " * base + out[k][depth:]
        elif prev.rstrip().endswith(":"):
            out[i - 1] = prev.rstrip() + ":"
            block = out[i:j]
            out[i:j] = ["", *block, ""]
            report("indentation", f"indented example after {prev.strip()!r} read as literal block")
            j += 2
        else:
            for k in range(i, j):
                out[k] = " " * base + out[k][depth:]
            report("indentation", f"unexpected indentation after {prev.strip()[:60]!r}")
        mask = literal_mask(out)
        i = j
    return out


def blank_lines_around_directives(
    lines: Sequence[str], report: Callable[[str, str], None]
) -> list[str]:
    """Directives need a blank line before them and between their options and body."""
    out: list[str] = []
    missing = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if DIRECTIVE.match(line):
            if out and out[-1].strip():
                out.append("")
                missing = True
            out.append(line)
            i += 1
            while i < len(lines) and re.match(r"^\s*:[\w-]+:", lines[i]):
                out.append(lines[i])
                i += 1
            if i < len(lines) and lines[i].strip():
                out.append("")
                missing = True
            continue
        out.append(line)
        i += 1
    if missing:
        report("directive", "a directive is not separated from its text by blank lines")
    return out


# An unmatched backtick before the last word of a line: a code span whose closing backtick
# was forgotten ("run the following: `get_trial_metrics(...)[0].metric.value").
_UNCLOSED_AT_END = re.compile(r"(?<![^\s(])`([^\s`]+)(?=[ \t]*$)", re.M)


def _close_or_escape(text: str) -> str:
    """Backticks no code span took: closed at the end of a line's last word (see above),
    else dropped (the text is kept; a stray backtick is markup, not text)."""
    text = _UNCLOSED_AT_END.sub(r"``\1``", text)
    pieces = re.split(r"(``[^`]+``)", text)
    return "".join(p if k % 2 else p.replace("`", "") for k, p in enumerate(pieces))


def _fix_paragraph(text: str, report: Callable[[str, str], None]) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group("keep"):
            return match.group("keep")
        body = match.group("body")
        if body != body.strip():
            body = body.strip()
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        prefix = "\\ " if before.isalnum() else ""
        suffix = "\\ " if after.isalnum() else ""
        return f"{prefix}``{body}``{suffix}"

    fixed = _INLINE.sub(replace, text)
    stray = re.sub(r"``.+?``|:[\w:+-]+:`[^`]+`|`[^`]+`__?", "", fixed, flags=re.S)
    if "`" in stray:
        where = next((ln.strip() for ln in stray.split("\n") if "`" in ln), "")
        report("backtick", f"unmatched backtick in {where[:80]!r}")
        pieces = re.split(r"(``.+?``|:[\w:+-]+:`[^`]+`|`[^`]+`__?)", fixed, flags=re.S)
        fixed = "".join(p if k % 2 else _close_or_escape(p) for k, p in enumerate(pieces))
    return fixed


def convert_inline_code(lines: Sequence[str], report: Callable[[str, str], None]) -> list[str]:
    """Markdown single-backtick code becomes an RST inline literal, paragraph by paragraph."""
    mask = literal_mask(lines)
    out = list(lines)
    start: int | None = None
    for i in range(len(out) + 1):
        text_line = i < len(out) and not mask[i] and out[i].strip()
        if text_line and start is None:
            start = i
        elif not text_line and start is not None:
            paragraph = "\n".join(out[start:i])
            if "`" in paragraph:
                out[start:i] = _fix_paragraph(paragraph, report).split("\n")
            start = None
    return out


def blank_lines_around_lists(lines: Sequence[str]) -> list[str]:
    """RST lists need a blank line before the first item and after the last."""
    mask = literal_mask(lines)
    out: list[str] = []
    list_indent: int | None = None
    for i, line in enumerate(lines):
        if mask[i] or not line.strip():
            out.append(line)
            if not line.strip() and list_indent is not None and not mask[i]:
                nxt = next((x for x in lines[i + 1 :] if x.strip()), "")
                if not nxt or (_indent(nxt) <= list_indent and not LIST_ITEM.match(nxt)):
                    list_indent = None
            continue
        item = LIST_ITEM.match(line)
        if item:
            indent = len(item.group(1))
            if list_indent is None or indent < list_indent:
                if out and out[-1].strip():
                    out.append("")
                list_indent = indent
        elif list_indent is not None and _indent(line) <= list_indent:
            if out and out[-1].strip():
                out.append("")
            list_indent = None
        out.append(line)
    return out


def blank_lines_before_sections(lines: Sequence[str]) -> list[str]:
    """A Google section header (``Args:``, ``Returns:``...) starts after a blank line."""
    out: list[str] = []
    for line in lines:
        title = section_title(line)
        if title is not None and title[0] == 0 and out and out[-1].strip():
            out.append("")
        out.append(line)
    return out


def normalize(lines: Sequence[str], name: str) -> tuple[list[str], list[Defect]]:
    """Normalize one docstring (autodoc's prepared lines); return new lines and defects.

    What contradicts the code (parameters, return types) is not the normalizer's business:
    :mod:`~kubeflow_devtools.docgen.sphinxext.truth` repairs what lint's rules find.
    """
    defects: list[Defect] = []

    def report(kind: str, message: str) -> None:
        defect = Defect(name, kind, message)
        if defect not in defects:
            defects.append(defect)

    result = [strip_noqa(line) for line in lines]
    result = convert_fences(result, report)
    result = examples_as_code(result)
    result = fix_indentation(result, report)
    result = blank_lines_around_directives(result, report)
    result = convert_inline_code(result, report)
    result = blank_lines_around_lists(result)
    result = blank_lines_before_sections(result)
    return result, defects
