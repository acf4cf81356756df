"""Merge the parts of a site built in several environments (:mod:`.site`) into one site.

Every part is a whole Sphinx site of its own SDKs, whose root index and navigation name every
SDK of the site (the other parts' SDKs by a stub index page). The merged site takes each SDK's
folder from the part that built it, everything else (root index, search page, general index,
static files: the same in every part, built by the same pinned Sphinx and theme) from the first
part, and joins what describes the whole site: ``objects.inv`` (Sphinx's inventory, for other
projects' intersphinx), ``searchindex.js`` (so the search finds every SDK's pages) and
``defects.json``. The Hugo pages are one folder per SDK: the parts' folders side by side.
"""

from __future__ import annotations

import json
import re
import shutil
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubeflow_devtools.docgen.build import publish_folder


@dataclass(frozen=True)
class PartOutput:
    """One part's build, as the merge sees it.

    Attributes:
        root: The part's output folder (its ``html/`` and ``hugo/``).
        folders: The HTML folders of its SDKs (``SdkConfig.out_dir``).
        ids: Its SDKs' ids (the folders of its Hugo pages).
    """

    root: Path
    folders: frozenset[str]
    ids: frozenset[str]


def merge(
    parts: Sequence[PartOutput], out: Path, formats: Sequence[str]
) -> tuple[dict[str, str], ...]:
    """Merge the parts' outputs into ``out/html`` and ``out/hugo`` (each swapped in whole).

    Args:
        parts: Each part's output, the first part first (it gives the shared pages).
        out: The site's output folder; ``out/.parts`` holds the folders being merged.
        formats: ``html`` and/or ``hugo``.

    Returns:
        The defects of every part (the rows of the first format's ``defects.json``).
    """
    every = frozenset().union(*(part.folders for part in parts))
    defects: list[dict[str, str]] | None = None
    for fmt in formats:
        staging = out / ".parts" / f".merged-{fmt}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        rows: list[dict[str, str]] = []
        reported = False
        for position, part in enumerate(parts):
            source = part.root / fmt
            own = part.folders if fmt == "html" else part.ids
            for entry in sorted(source.iterdir()):
                shared = position == 0 and fmt == "html" and entry.name not in every
                if entry.name in own or shared:
                    _copy(entry, staging / entry.name)
            report = source / "defects.json"
            if report.is_file():
                reported = True
                rows += json.loads(report.read_text(encoding="utf-8"))
        if fmt == "html":
            given = [(p.root / "html", _keeper(p, every, n == 0)) for n, p in enumerate(parts)]
            inventories = [(html / "objects.inv", keep) for html, keep in given]
            (staging / "objects.inv").write_bytes(merge_inventories(inventories))
            indexes = [((html / "searchindex.js").read_text(encoding="utf-8"), keep)
                       for html, keep in given]  # fmt: skip
            (staging / "searchindex.js").write_text(merge_search_indexes(indexes), "utf-8")
        if reported:
            text = json.dumps(rows, indent=1, sort_keys=True) + "\n"
            (staging / "defects.json").write_text(text, encoding="utf-8")
        publish_folder(staging, out / fmt)
        shutil.rmtree(staging, ignore_errors=True)
        defects = rows if defects is None else defects
    return tuple(defects or ())


def _copy(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copy2(source, target)


def _keeper(part: PartOutput, every: frozenset[str], first: bool) -> Callable[[str], bool]:
    """Whether a page (its path below the site) is this part's to give: in one of its SDKs'
    folders, or (the first part) outside every SDK's folder."""

    def keep(path: str) -> bool:
        top = path.split("/", 1)[0] if "/" in path else ""
        return top in part.folders or (first and top not in every)

    return keep


_ENTRY = re.compile(r"(?P<name>.+?)\s+(?P<type>\S+:\S+)\s+-?\d+\s+?(?P<uri>\S*)\s+.*")
"""One entry of a version 2 inventory, read as Sphinx reads it (``sphinx.util.inventory``)."""


def merge_inventories(inventories: Sequence[tuple[Path, Callable[[str], bool]]]) -> bytes:
    """One Sphinx inventory (``objects.inv``, version 2) of every part's objects.

    Args:
        inventories: Each part's ``objects.inv`` and which of its pages it gives (by path,
            ``katib/KatibClient.html``): never the stubs of the other parts' SDKs.

    Returns:
        The merged file: the first part's header, each entry once.
    """
    header: list[bytes] = []
    entries: dict[str, str] = {}
    for path, keep in inventories:
        if not path.is_file():
            continue
        lines = path.read_bytes().split(b"\n", 4)
        header = header or lines[:4]
        for line in zlib.decompress(lines[4]).decode("utf-8").splitlines():
            match = _ENTRY.fullmatch(line.rstrip())
            if match is not None and keep(match["uri"]):
                entries.setdefault(f"{match['name']} {match['type']}", line)
    body = zlib.compress("".join(line + "\n" for line in entries.values()).encode("utf-8"))
    return b"\n".join([*header, body])


_SEARCH = re.compile(r"Search\.setIndex\((?P<data>.*)\)\s*", re.S)
"""Sphinx's ``searchindex.js``: one call holding the index as JSON."""


def merge_search_indexes(indexes: Sequence[tuple[str, Callable[[str], bool]]]) -> str:
    """One ``searchindex.js`` of every part's pages.

    Sphinx's search index numbers pages (``docnames``, with ``filenames`` and ``titles``)
    and object types (``objtypes``, ``objnames``); titles, index entries, objects and terms
    point at those numbers. The merged index renumbers each part's pages it gives and its
    object types.

    Args:
        indexes: Each part's ``searchindex.js`` and which of its pages it gives (by document
            name, ``katib/KatibClient``).

    Returns:
        The merged ``searchindex.js``.
    """
    merged: dict[str, Any] = {"docnames": [], "filenames": [], "titles": [], "objtypes": {},
                              "objnames": {}}  # fmt: skip
    joined: dict[str, dict[str, list[Any]]] = {
        key: {} for key in ("alltitles", "indexentries", "objects", "terms", "titleterms")
    }
    for text, keep in indexes:
        found = _SEARCH.fullmatch(text)
        if found is None:
            continue
        data = json.loads(found["data"])
        merged.setdefault("envversion", data.get("envversion", {}))
        pages: dict[int, int] = {}
        for number, docname in enumerate(data["docnames"]):
            if keep(docname):
                pages[number] = len(merged["docnames"])
                for key in ("docnames", "filenames", "titles"):
                    merged[key].append(data[key][number])
        types: dict[int, int] = {}
        for number, objtype in data["objtypes"].items():
            known = [int(k) for k, v in merged["objtypes"].items() if v == objtype]
            types[int(number)] = known[0] if known else len(merged["objtypes"])
            merged["objtypes"][str(types[int(number)])] = objtype
            merged["objnames"][str(types[int(number)])] = data["objnames"][number]
        for title, places in data["alltitles"].items():
            joined["alltitles"].setdefault(title, []).extend(
                [pages[page], anchor] for page, anchor in places if page in pages
            )
        for entry, places in data["indexentries"].items():
            joined["indexentries"].setdefault(entry, []).extend(
                [pages[place[0]], *place[1:]] for place in places if place[0] in pages
            )
        for prefix, objects in data["objects"].items():
            joined["objects"].setdefault(prefix, []).extend(
                [pages[obj[0]], types[obj[1]], *obj[2:]] for obj in objects if obj[0] in pages
            )
        for key in ("terms", "titleterms"):
            for term, where in data[key].items():
                numbers = where if isinstance(where, list) else [where]
                joined[key].setdefault(term, []).extend(pages[n] for n in numbers if n in pages)
    for key, values in joined.items():
        merged[key] = {name: places for name, places in values.items() if places}
    for key in ("terms", "titleterms"):  # Sphinx writes one page as a number, more as a list
        merged[key] = {t: p[0] if len(p) == 1 else sorted(set(p)) for t, p in merged[key].items()}
    return f"Search.setIndex({json.dumps(merged, separators=(',', ':'), sort_keys=True)})"
