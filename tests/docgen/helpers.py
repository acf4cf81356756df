"""Reading built HTML in tests."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup, Tag

SDK_FORMATS = ("html", "hugo")
"""What the session's build of the real SDK references writes (``sdk_site``)."""


def soup(path: Path) -> BeautifulSoup:
    """Parse one HTML page."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def entry(page: BeautifulSoup, anchor: str) -> Tag:
    """The ``<dt>`` of the documented object with HTML id ``anchor``; fails if missing."""
    found = page.find(id=anchor)
    assert isinstance(found, Tag), f"no entry anchored {anchor!r}"
    return found


def params_of(dt: Tag) -> list[str]:
    """Parameter names shown in a signature."""
    names = []
    for param in dt.find_all("em", class_="sig-param"):
        name = param.find("span", class_="n")
        names.append((name or param).get_text().lstrip("*"))
    return names


def body_of(dt: Tag) -> Tag:
    """The ``<dd>`` that documents the entry."""
    dd = dt.find_next_sibling("dd")
    assert isinstance(dd, Tag)
    return dd
