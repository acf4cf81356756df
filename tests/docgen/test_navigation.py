"""Furo's navigation tree made once per folder (``docgen/sphinxext/navigation.py``).

Every page must be byte for byte what Sphinx and furo make without it; the real references are
compared in ``test_kubeflow_sdk.py`` (docgen's build of the unified SDK) and
``test_sphinx_extension.py`` (kubeflow/sdk's own ``docs/``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.cmd.build import build_main

from kubeflow_devtools.docgen.sphinxext.navigation import FURO_CALL, mark_current

PAGES = {
    "conf.py": (
        'extensions = ["sphinx.ext.autodoc", "kubeflow_devtools.docgen.sphinxext"]\n'
        'html_theme = "furo"\n'
    ),
    "index.rst": "Root\n====\n\n.. toctree::\n   :caption: Guide\n\n   a\n   sub/index\n\n"
    ".. toctree::\n   :caption: More\n   :hidden:\n\n   b\n   https://www.kubeflow.org\n",
    "a.rst": "Page A\n======\n\nSection\n-------\n\nText.\n",
    "b.rst": "Page B\n======\n\n.. toctree::\n\n   sub/deep/leaf\n",
    "orphan.rst": ":orphan:\n\nOrphan\n======\n\nIn no toctree.\n",
    "sub/index.rst": "Sub & co\n========\n\n.. toctree::\n\n   one\n   two <two>\n   deep/index\n",
    "sub/one.rst": "One\n===\n\nText.\n",
    "sub/two.rst": "Two\n===\n\nText.\n",
    "sub/deep/index.rst": "Deep\n====\n\n.. toctree::\n\n   leaf\n",
    "sub/deep/leaf.rst": "Leaf <x>\n========\n\nText.\n",
}
"""Three folders, captions, a hidden toctree with an external link, a page in two toctrees,
one in none, a page whose title needs escaping, and the generated index and search pages."""


def _project(root: Path) -> Path:
    for name, text in PAGES.items():
        path = root / "src" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "src"


def _build(source: Path, out: Path, *options: str) -> dict[str, str]:
    assert build_main(["-b", "html", "-q", "-E", *options, str(source), str(out)]) == 0
    return {p.relative_to(out).as_posix(): p.read_text("utf-8") for p in out.rglob("*.html")}


def test_every_page_is_what_sphinx_and_furo_make(tmp_path: Path) -> None:
    source = _project(tmp_path)
    fast = _build(source, tmp_path / "fast")
    plain = _build(source, tmp_path / "plain", "-D", "docgen_fast_navigation=0")
    assert set(fast) == set(plain) >= {"index.html", "sub/deep/leaf.html", "orphan.html"}
    assert [page for page in sorted(fast) if fast[page] != plain[page]] == []
    assert 'class="current reference internal" href="#"' in fast["sub/deep/leaf.html"]


def test_sphinx_renders_the_tree_once_per_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = StandaloneHTMLBuilder._get_local_toctree

    def counted(self: StandaloneHTMLBuilder, docname: str, *args: Any, **kwargs: Any) -> str:
        if kwargs == FURO_CALL:
            calls.append(docname)
        return original(self, docname, *args, **kwargs)

    monkeypatch.setattr(StandaloneHTMLBuilder, "_get_local_toctree", counted)
    pages = _build(_project(tmp_path), tmp_path / "fast")
    assert len(pages) > 10
    assert sorted({name.rpartition("/")[0] for name in calls}) == ["", "sub", "sub/deep"]
    assert len(calls) == 3


def test_marking_a_page_that_no_link_points_to_changes_nothing() -> None:
    tree = '<ul>\n<li class="toctree-l1"><a class="reference internal" href="a.html">A</a></li>\n'
    assert mark_current(tree + "</ul>", "b.html") == tree + "</ul>"
    marked = mark_current(tree + "</ul>", "a.html")
    assert marked == (
        '<ul class="current">\n<li class="toctree-l1 current current-page">'
        '<a class="current reference internal" href="#">A</a></li>\n</ul>'
    )
