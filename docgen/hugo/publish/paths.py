"""Paths inside a website: which relative paths are clean, which may name a generated page.

Section folders, page paths and the paths a manifest lists are all relative POSIX paths; the
URLs an alias table lists are absolute URL paths. Nothing here touches the file system.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath


def posix(path: Path | PurePosixPath) -> str:
    """A path as text with ``/`` separators, whatever the platform.

    Args:
        path: The path (relative to the website root, in practice).

    Returns:
        Its parts joined by ``/``.
    """
    return "/".join(path.parts)


def clean_relative(text: object) -> PurePosixPath | None:
    """``text`` as a clean relative POSIX path (no ``.``, ``..`` or empty part), else ``None``.

    Args:
        text: The candidate: anything but a string, a backslash, a NUL or a drive letter
            makes it unclean.

    Returns:
        The path, or ``None`` when ``text`` is not a clean relative POSIX path.
    """
    if not isinstance(text, str) or "\\" in text or "\0" in text or re.match("[A-Za-z]:", text):
        return None
    if any(part in ("", ".", "..") for part in text.split("/")):
        return None
    return PurePosixPath(text)


def page_path_problem(path: object) -> str | None:
    """Why ``path`` cannot be a generated page (relative to its section), or ``None``.

    Args:
        path: The candidate page path, relative to its section.

    Returns:
        The problem (not clean and relative, a hidden component, not ``*.md``), or ``None``
        when ``path`` can be a generated page.
    """
    clean = clean_relative(path)
    if clean is None:
        return f"page path {path!r} is not a relative POSIX path inside the section"
    if any(part.startswith(".") for part in clean.parts):
        return f"page path {path!r} has a hidden component (Hugo ignores it)"
    if clean.suffix != ".md":
        return f"page path {path!r} is not a Markdown file (*.md)"
    return None


_URL_CHARACTERS = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@%/-]+")


def url_problem(url: object) -> str | None:
    """Why ``url`` cannot be an alias (the old URL of a page), or ``None``.

    Args:
        url: The candidate, like ``/docs/components/katib/reference/python-sdk/search/``.

    Returns:
        The problem (not a string; not a path that starts and ends with ``/``; the site
        root; an empty, ``.`` or ``..`` segment; a query, fragment, space or control
        character), or ``None`` when ``url`` can be an alias.
    """
    if not isinstance(url, str) or not url.startswith("/") or not url.endswith("/"):
        return "must be a URL path that starts and ends with /"
    if url == "/":
        return "is the site root"
    if not _URL_CHARACTERS.fullmatch(url) or clean_relative(url[1:-1]) is None:
        return "must be a clean URL path (no empty, '.' or '..' segment, space, query, ...)"
    return None
