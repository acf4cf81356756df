"""Furo's navigation tree in linear time: the same HTML, made once per folder.

Furo puts the whole site's toctree in every page's sidebar (furo@2025.12.19:src/furo/__init__.py,
``_compute_navigation_tree``): Sphinx resolves and renders the root toctree for the page, and
furo adds its checkboxes with BeautifulSoup. For a reference of one page per object that is
quadratic, and it was a third of a build's time (112 pages of the unified SDK: 10 s of 28).

The tree differs between two pages of one folder only where Sphinx marks the page it is on
(sphinx@v9.0.4:sphinx/environment/adapters/toctree.py, ``_toctree_add_classes``): the page's
own link becomes ``class="current reference internal" href="#"``, every ``<li>`` and ``<ul>``
around it gets the ``current`` class, and furo then checks the checkbox of each such ``<li>``
and gives the innermost one ``current-page``. So the tree is made once per folder, for no page
(furo's own function, which caches its result by input), and each page marks its branch in it.
``tests/docgen/test_navigation.py`` compares every page with Sphinx's and furo's own output.

Only furo's exact call is served this way, and only by the plain HTML builder (whose links
depend on the page's folder alone); ``docgen_fast_navigation = False`` turns it off.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder

FURO_CALL = {"collapse": False, "titles_only": True, "maxdepth": -1, "includehidden": True}
"""The keyword arguments of furo's one ``toctree()`` call."""

NO_PAGE = "\x00docgen-navigation"
"""The name of the page, in no toctree, that a folder's tree is made for."""

_TAG = re.compile(r"<(/?)(li|ul|a|input)\b([^>]*)>")
_ESCAPED = re.compile(r"[&<>\"']")
_ATTRIBUTE = re.compile(r'([^\s=]+)="([^"]*)"')
_CLASS = re.compile(r'\sclass="([^"]*)"')


@dataclass
class _Pending:
    """What the handler before furo's handed to the one after it, for one page."""

    page_href: str
    restore: Any


@dataclass
class _State:
    """Per process state, kept on the application (never pickled with the environment).

    Each folder's unmarked Sphinx toctree, and the page being written.
    """

    trees: dict[str, str] = field(default_factory=dict)
    pending: dict[str, _Pending] = field(default_factory=dict)


def _applies(app: Sphinx) -> bool:
    builder = app.builder
    return (
        bool(app.config.docgen_fast_navigation)
        and getattr(app.config, "html_theme", None) == "furo"
        and isinstance(builder, StandaloneHTMLBuilder)
        and type(builder).get_target_uri is StandaloneHTMLBuilder.get_target_uri
        and type(builder).get_relative_uri is StandaloneHTMLBuilder.get_relative_uri
        and type(builder)._get_local_toctree is StandaloneHTMLBuilder._get_local_toctree
    )


def _before_furo(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.Node
) -> None:
    """Give furo, for its call only, the folder's unmarked tree (the same string for every
    page of the folder, so furo's cached rewrite of it runs once)."""
    original = context.get("toctree")
    state: _State | None = getattr(app, "docgen_navigation", None)
    if original is None or state is None:
        return
    builder = app.builder
    folder = posixpath.dirname(pagename)

    def toctree(**kwargs: Any) -> str:
        if kwargs != FURO_CALL:
            return str(original(**kwargs))
        if folder not in state.trees:
            state.trees[folder] = builder._get_local_toctree(  # type: ignore[attr-defined]
                posixpath.join(folder, NO_PAGE), **FURO_CALL
            )
        href = builder.get_relative_uri(posixpath.join(folder, NO_PAGE), pagename)
        if _ESCAPED.search(href):  # HTML would escape it: let Sphinx and furo do the page
            return str(original(**kwargs))
        state.pending[pagename] = _Pending(href, original)
        return state.trees[folder]

    context["toctree"] = toctree


def _after_furo(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.Node
) -> None:
    """Mark the page's branch in furo's tree of its folder, and give templates Sphinx's own
    ``toctree()`` back."""
    state: _State | None = getattr(app, "docgen_navigation", None)
    pending = state.pending.pop(pagename, None) if state is not None else None
    if pending is None:
        return
    context["toctree"] = pending.restore
    tree = context.get("furo_navigation_tree")
    if isinstance(tree, str):
        context["furo_navigation_tree"] = mark_current(tree, pending.page_href)


def _add_class(attributes: str, name: str, before: str | None = None) -> str:
    """``attributes`` (of one tag) with ``name`` added to its classes (before ``before``)."""
    found = _CLASS.search(attributes)
    if found is None:
        return f' class="{name}"{attributes}'
    classes = found.group(1).split()
    if before is not None and before in classes:
        classes.insert(classes.index(before), name)
    else:
        classes.append(name)
    return f"{attributes[: found.start(1)]}{' '.join(classes)}{attributes[found.end(1) :]}"


def _add_checked(attributes: str) -> str:
    """``attributes`` (of an ``<input>``) with ``checked=""``: in name order when they are in
    it (BeautifulSoup's output sorts them), else last, as furo adds it."""
    slash = "/" if attributes.endswith("/") else ""
    pairs = _ATTRIBUTE.findall(attributes[: len(attributes) - len(slash)])
    names = [name for name, _ in pairs]
    pairs.append(("checked", ""))
    if names == sorted(names):
        pairs.sort(key=lambda pair: pair[0])
    return "".join(f' {name}="{value}"' for name, value in pairs) + slash


def mark_current(tree: str, href: str) -> str:
    """Furo's navigation tree ``tree``, made for no page, as it is on the page that the
    links ``href`` point to.

    Args:
        tree: Furo's navigation HTML of the page's folder, with no page marked.
        href: The page's link in ``tree`` (relative to its folder).

    Returns:
        The HTML Sphinx and furo make for the page itself: its links ``class="current
        reference internal" href="#"``, the ``<li>`` and ``<ul>`` around them ``current``
        (their checkboxes checked), the innermost ``<li>`` of the last one ``current-page``.
        ``tree`` itself when no link points to the page.
    """
    own = f'<a class="reference internal" href="{href}">'
    if own not in tree:
        return tree
    tags = list(_TAG.finditer(tree))
    open_items: list[int] = []  # indexes in ``tags`` of the open <li> and <ul>
    current: set[int] = set()
    anchors: set[int] = set()
    last_item: int | None = None
    for index, tag in enumerate(tags):
        closing, name = tag.group(1), tag.group(2)
        if name in ("li", "ul"):
            if closing:
                open_items.pop()
            else:
                open_items.append(index)
        elif name == "a" and not closing and tag.group(0) == own:
            anchors.add(index)
            current.update(open_items)
            items = [i for i in open_items if tags[i].group(2) == "li"]
            if items:
                last_item = items[-1]
    pieces: list[str] = []
    position = 0
    checkbox_of: int | None = None  # the current <li> whose checkbox comes next
    for index, tag in enumerate(tags):
        replacement = None
        name, attributes = tag.group(2), tag.group(3)
        if index in anchors:
            replacement = '<a class="current reference internal" href="#">'
        elif index in current:
            attributes = _add_class(attributes, "current", before="has-children")
            if index == last_item:
                attributes = _add_class(attributes, "current-page")
            replacement = f"<{name}{attributes}>"
            checkbox_of = index if name == "li" else None
        elif name == "input" and checkbox_of is not None and "toctree-checkbox" in attributes:
            replacement = f"<input{_add_checked(attributes)}>"
            checkbox_of = None
        elif name in ("li", "ul"):
            checkbox_of = None
        if replacement is not None:
            pieces += [tree[position : tag.start()], replacement]
            position = tag.end()
    pieces.append(tree[position:])
    return "".join(pieces)


def _builder_inited(app: Sphinx) -> None:
    """Start the process's state, or none when the fast navigation does not apply (the
    theme, the builder and the configuration are known once the builder exists)."""
    app.docgen_navigation = _State() if _applies(app) else None  # type: ignore[attr-defined]


def setup(app: Sphinx) -> None:
    """Register the config value and the handlers around furo's (priority 500)."""
    app.add_config_value("docgen_fast_navigation", True, "html", types=[bool])
    app.connect("builder-inited", _builder_inited)
    app.connect("html-page-context", _before_furo, priority=400)
    app.connect("html-page-context", _after_furo, priority=600)
