"""Render a page's file: TOML front matter (``+++``) that no value can break, then the body."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from kubeflow_devtools.docgen.hugo.publish.model import Page, PublishError

_FRONT_ORDER = ("title", "linkTitle", "description", "weight", "aliases")
_SHORT_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}
_INT64 = (-(2**63), 2**63 - 1)


def _toml_string(text: str, where: str) -> str:
    """A TOML basic string: quotes, backslashes and every control character escaped."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:
            raise PublishError(f"{where}: lone surrogate U+{code:04X} cannot be written as TOML")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _toml_key(key: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9_-]+", key):
        return key
    return _toml_string(key, f"front matter key {key!r}")


def _toml_value(value: object, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise PublishError(f"{where}: {value} does not fit in a TOML integer")
        return str(value)
    if isinstance(value, str):
        return _toml_string(value, where)
    if isinstance(value, Mapping):  # an inline table of strings
        pairs = []
        for key, item in value.items():
            if not isinstance(item, str):
                raise PublishError(f"{where}: tables may hold only strings, not {item!r}")
            pairs.append(f"{_toml_key(str(key))} = {_toml_string(item, where)}")
        return "{ " + ", ".join(pairs) + " }"
    if isinstance(value, (list, tuple)):
        items = []
        for item in value:
            if not isinstance(item, str):
                raise PublishError(f"{where}: lists may hold only strings, not {item!r}")
            items.append(_toml_string(item, where))
        return "[" + ", ".join(items) + "]"
    raise PublishError(f"{where}: unsupported front matter value {value!r}")


def render_page(page: Page, aliases: Iterable[str] = ()) -> str:
    """The text of a page's file: TOML front matter between ``+++`` lines, then the body.

    Keys come in a fixed order (``title``, ``linkTitle``, ``description``, ``weight``,
    ``aliases``, then the others sorted); strings are TOML basic strings with every quote,
    backslash and control character escaped, so no value can end the front matter. Line
    endings are LF and the text ends with one newline: equal input gives equal text.

    Args:
        page: The page.
        aliases: URLs to add to the page's ``aliases`` (merged with any in its front matter,
            sorted, duplicates removed).

    Returns:
        The file's text.

    Raises:
        PublishError: A front matter key is not a string, or a value is not a string, an
            integer, a list of strings or a table of strings.
    """
    front: dict[str, object] = {}
    for key, value in page.front.items():
        if not isinstance(key, str):
            raise PublishError(f"front matter key {key!r} is not a string")
        front[key] = value
    merged = set(aliases)
    given = front.pop("aliases", [])
    if isinstance(given, str) or not isinstance(given, (list, tuple)):
        raise PublishError(f"front matter 'aliases' must be a list of strings, not {given!r}")
    merged.update(given)
    if merged:
        front["aliases"] = sorted(merged)
    order = [k for k in _FRONT_ORDER if k in front]
    order += sorted(k for k in front if k not in _FRONT_ORDER)
    lines = ["+++"]
    lines += [
        f"{_toml_key(key)} = {_toml_value(front[key], f'front matter {key!r}')}" for key in order
    ]
    lines.append("+++")
    body = page.body.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
    if body:
        lines.append(body)
    return "\n".join(lines) + "\n"
