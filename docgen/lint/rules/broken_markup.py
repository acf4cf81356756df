"""An unclosed backtick or fence swallows the rest of the paragraph (or page) into code.

Single backticks are counted per paragraph (double backticks are RST literals and do not
count); a paragraph with an odd number has an unclosed code span. A fence opened with three
backticks must be closed before the docstring ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubeflow_devtools.docgen.lint.model import Finding, LintObject

ID = "broken-markup"
TITLE = "Inline code or a code fence that is never closed"


def _unclosed_code(paragraph: list[tuple[int, str]]) -> Iterator[Finding]:
    """An odd number of single backticks in one paragraph."""
    text = " ".join(line for _, line in paragraph)
    singles = re.sub(r"``+", "", text).count("`")
    if singles % 2:
        where = next(n for n, line in paragraph if "`" in line.replace("``", ""))
        yield Finding(where, "unclosed inline code (odd number of backticks)")


def check(obj: LintObject) -> Iterator[Finding]:
    """Unbalanced single backticks in a paragraph; an unclosed fenced block."""
    if obj.parsed is None:
        return
    fence_line: int | None = None
    paragraph: list[tuple[int, str]] = []
    for number, line in obj.parsed.lines:
        stripped = line.strip()
        if stripped.startswith("```"):
            yield from _unclosed_code(paragraph)
            paragraph = []
            fence_line = None if fence_line is not None else number
            continue
        if fence_line is not None:
            continue
        if not stripped:
            yield from _unclosed_code(paragraph)
            paragraph = []
        else:
            paragraph.append((number, stripped))
    yield from _unclosed_code(paragraph)
    if fence_line is not None:
        yield Finding(fence_line, "code fence is never closed")
