"""Hugo URLs of generated pages, and the aliases that keep the URLs of vanished pages working.

When a page disappears (a renamed or removed public name), its URL becomes a Hugo alias of
the page that now documents most of its names, or of the nearest ``_index.md``; the alias
table persists in the manifest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath

from kubeflow_devtools.docgen.hugo.publish.manifest import Manifest
from kubeflow_devtools.docgen.hugo.publish.model import Page


def page_url(section_url: str, page: str) -> str:
    """The Hugo URL of a page: the section URL plus the page path, lowercased.

    ``_index.md`` (and a leaf bundle's ``index.md``) is the URL of its folder; any other
    page is its path without ``.md``, as a folder. Hugo lowercases paths by default.

    Args:
        section_url: The section's URL (``/docs/components/katib/reference/python-sdk/``).
        page: The page's path relative to the section (``models/V1beta1Experiment.md``).

    Returns:
        The URL, with a leading and a trailing slash.
    """
    parts = list(PurePosixPath(page).parts)
    name = parts.pop()
    if name not in ("_index.md", "index.md"):
        parts.append(name.removesuffix(".md"))
    return section_url + "".join(f"{part.lower()}/" for part in parts)


def _successor(old: str, anchors: Iterable[str], pages: Mapping[str, Page]) -> str | None:
    """The page that replaces ``old``: the one sharing most of its anchors, else an index."""
    wanted = set(anchors)
    best, best_count = None, 0
    for path in sorted(pages):
        count = len(wanted.intersection(pages[path].anchors))
        if count > best_count:
            best, best_count = path, count
    if best is not None:
        return best
    folder = PurePosixPath(old).parent
    while True:
        index = "_index.md" if str(folder) == "." else f"{folder}/_index.md"
        if index in pages and index != old:
            return index
        if str(folder) == ".":
            return None
        folder = folder.parent


def alias_table(
    old: Manifest | None, pages: Mapping[str, Page], section_url: str, live: set[str]
) -> dict[str, str]:
    """The new alias table of a section: old URL -> page it redirects to.

    The URLs of pages the old manifest lists that are no longer generated join the old
    table; a URL that a page now has again (in any section) is dropped, and a target that
    disappeared is replaced by its successor (or the alias is dropped when there is none).

    Args:
        old: The section's manifest before this publish (``None``: never published).
        pages: The pages now generated, by path relative to the section.
        section_url: The section's URL.
        live: The URLs of every page now published, in every section.

    Returns:
        The table, sorted by URL.
    """
    if old is None:
        return {}
    gone = sorted(p for p in old.files if p not in pages)
    moved = {p: _successor(p, old.files[p].anchors, pages) for p in gone}
    table = dict(old.aliases)
    for path in gone:
        table[page_url(section_url, path)] = path
    result: dict[str, str] = {}
    for url, target in sorted(table.items()):
        if url in live:
            continue
        if target not in pages:
            replacement = moved[target] if target in moved else _successor(target, (), pages)
            if replacement is None:
                continue
            target = replacement
        result[url] = target
    return result
