"""Markdown for Hugo (Goldmark) that renders exactly the text it was given.

Hugo reads shortcodes (``{{<`` and ``{{%``) before Markdown, everywhere in a page, code included,
and Goldmark may pass raw HTML through. Everything a docstring contributes goes through one of
the functions here, so that no docstring can inject markup, math, a shortcode or a link scheme
into the site. Prose escaping follows the site's Markdown settings
(:class:`~kubeflow_devtools.docgen.hugo.settings.MarkdownSettings`): where the passthrough
extension makes ``\\[`` open math, ``[`` is written as the character reference ``&#91;``.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import quote, urlsplit

from kubeflow_devtools.docgen.hugo.settings import MarkdownSettings

# Characters that are Markdown syntax anywhere in a line (backslash escapes are valid for all
# ASCII punctuation in CommonMark, so escaping more than needed is harmless).
_INLINE_SPECIAL = "\\`*[]<>{}|~&#"
# ``_`` only delimits emphasis at a word boundary.
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# What makes the start of a line a block (heading, list, quote, thematic break, setext underline).
_BLOCK_START = re.compile(r"^(\s*)([-+=>:]|\d+(?=[.)]))")
_SHORTCODE = re.compile(r"\{\{([<%])(.*?)([>%])\}\}", re.S)
_OPENER = re.compile(r"\{\{(?=[<%])")
_ZERO_WIDTH_SPACE = "\u200b"
_BROKEN_OPENER = "{" + _ZERO_WIDTH_SPACE + "{"
# Hugo cuts a page's summary at this comment wherever it appears, code included.
_SUMMARY_DIVIDER = re.compile(r"<!--(?=\s*more\s*-->)", re.I)
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "ftp"})


@cache
def _escapes(settings: MarkdownSettings) -> dict[str, str]:
    """How each special character of prose is written under ``settings``.

    A backslash escape that would begin a passthrough delimiter (``\\[`` where ``\\[`` opens
    math) becomes a numeric character reference, which CommonMark never reads as syntax; the
    first character of a delimiter without a backslash (``$$``) is escaped, so the delimiter
    never appears whole.
    """
    special = set(_INLINE_SPECIAL)
    if settings.typographer:
        special |= {"'", '"'}
    for opening, closing in settings.passthrough:
        for delimiter in (opening, closing):
            if delimiter and not delimiter.startswith("\\"):
                special.add(delimiter[0])
    escapes = {}
    for char in special:
        escaped = "\\" + char if char.isascii() and not char.isalnum() else f"&#{ord(char)};"
        if any(d.startswith(escaped) for pair in settings.passthrough for d in pair):
            escaped = f"&#{ord(char)};"
        escapes[char] = escaped
    return escapes


def text(value: str, settings: MarkdownSettings) -> str:
    """Escape prose so that it renders literally: Markdown syntax, raw HTML, shortcode openers
    and, per the site's ``settings``, math delimiters and the typographer's replacements.

    Newlines become spaces (a paragraph is written on one line); an escaped ``{`` keeps ``{{<``
    from reaching Hugo's shortcode parser.
    """
    value = value.replace("\r\n", "\n").replace("\n", " ").replace("\t", " ")
    escapes = _escapes(settings)
    value = "".join(escapes.get(char, char) for char in value)
    value = _UNDERSCORE.sub(r"\\_", value)
    if settings.typographer:
        value = value.replace("--", "-\\-").replace("...", "\\.\\.\\.")
    return value


def line_start(markdown: str) -> str:
    """Escape the first character of a block's text if Markdown would read it as block syntax.

    Leading whitespace is dropped (four spaces would start a code block).
    """
    markdown = markdown.lstrip(" \t")
    match = _BLOCK_START.match(markdown)
    if not match:
        return markdown
    pos = match.end(1) + len(match.group(2))
    if match.group(2)[0].isdigit():  # "1." or "1)": escape the punctuation after the number
        return markdown[:pos] + "\\" + markdown[pos:]
    return markdown[: match.end(1)] + "\\" + markdown[match.end(1) :]


def shortcode_safe(code: str) -> str:
    """Make ``code`` (for a code span or block, where backslashes are literal) safe from Hugo.

    A whole shortcode ``{{< x >}}`` becomes Hugo's own escaped form ``{{</* x */>}}``, which Hugo
    renders as the original text. A lone opener gets a zero-width space between its braces,
    the only way to keep it out of Hugo's parser inside code; so does Hugo's summary divider
    ``<!--more-->``, which Hugo would otherwise remove.
    """

    def escaped(match: re.Match[str]) -> str:
        inner = match.group(2)
        if "*/" in inner or "{{" in inner:
            return _OPENER.sub(_BROKEN_OPENER, match.group(0))
        return "{{" + match.group(1) + "/*" + inner + "*/" + match.group(3) + "}}"

    code = _SUMMARY_DIVIDER.sub("<!--" + _ZERO_WIDTH_SPACE, code)
    parts = _SHORTCODE.split(code)
    if len(parts) == 1:
        return _OPENER.sub(_BROKEN_OPENER, code)
    out: list[str] = []
    pos = 0
    for match in _SHORTCODE.finditer(code):
        out.append(_OPENER.sub(_BROKEN_OPENER, code[pos : match.start()]))
        out.append(escaped(match))
        pos = match.end()
    out.append(_OPENER.sub(_BROKEN_OPENER, code[pos:]))
    return "".join(out)


def code_span(code: str, *, in_table: bool = False) -> str:
    """An inline code span showing ``code`` literally (any backticks, shortcodes, pipes)."""
    code = shortcode_safe(code.replace("\n", " "))
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if code.startswith(("`", " ")) or code.endswith(("`", " ")) else ""
    if in_table:
        code = code.replace("|", "\\|")
    return f"{fence}{pad}{code}{pad}{fence}"


def code_block(code: str, language: str = "") -> list[str]:
    """A fenced code block holding ``code`` literally; returns its lines."""
    code = shortcode_safe(code.rstrip("\n"))
    longest = max((len(run) for run in re.findall(r"^\s*(`{3,}|~{3,})", code, re.M)), default=2)
    fence = "`" * max(3, longest + 1)
    language = re.sub(r"[^\w+-]", "", language)
    return [f"{fence}{language}", *code.split("\n"), fence]


def url(target: str) -> str | None:
    """A link destination for ``target``, or ``None`` when its scheme is not a safe one.

    Only absolute ``http``, ``https``, ``mailto`` and ``ftp`` URLs are kept (Goldmark with raw HTML
    on would pass ``javascript:`` through). Characters that end a destination are
    percent-encoded.
    """
    target = target.strip()
    try:
        scheme = urlsplit(target).scheme.lower()
    except ValueError:
        return None
    if scheme not in SAFE_SCHEMES:
        return None
    return quote(target, safe="/:?#[]@!$&'*+,;=%~-._")


def heading(level: int, title: str, anchor: str) -> str:
    """An ATX heading with an explicit id (Goldmark's heading attribute ``{#id}``)."""
    return f"{'#' * level} {line_start(title)} {{#{anchor_id(anchor)}}}"


def anchor_id(anchor: str) -> str:
    """An id Goldmark's attribute parser reads whole (letters, digits and ``._-:``)."""
    cleaned = re.sub(r"[^A-Za-z0-9._:-]", "-", anchor)
    return cleaned if cleaned[:1].isalpha() else f"id-{cleaned}"


def shortcode_string(value: str) -> str:
    """A quoted shortcode parameter that Docsy may render as HTML (``safeHTML``): HTML-escaped."""
    escaped = (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
    escaped = escaped.replace("{", "&#123;").replace("}", "&#125;").replace("\n", " ")
    return f'"{escaped}"'
