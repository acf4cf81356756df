"""Stored doctrees hold their page only (``docgen/sphinxext/doctrees.py``).

MyST moves the nodes of an ``{eval-rst}`` fence out of a document of their own, whose settings
hold Sphinx's environment; a stored doctree then pickled the environment too. The unified
SDK's real reference is checked in ``test_kubeflow_sdk.py``.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from docutils import nodes
from sphinx.cmd.build import build_main
from sphinx.environment import BuildEnvironment

from kubeflow_devtools.docgen.sphinxext.doctrees import adopt

PAGE = """# Page

```{eval-rst}
.. py:function:: fit(steps: int) -> None

   A *nested* paragraph, with ``code`` and a list:

   - one
   - two
```

Text after it.
"""


def _build(root: Path, extensions: list[str]) -> nodes.document:
    source = root / "src"
    source.mkdir()
    (source / "conf.py").write_text(f"extensions = {extensions!r}\n")
    (source / "index.md").write_text(PAGE)
    doctrees = root / "doctrees"
    code = build_main(
        ["-b", "html", "-q", "-W", "-d", str(doctrees), str(source), str(root / "html")]
    )
    assert code == 0
    doctree = pickle.loads((doctrees / "index.doctree").read_bytes())
    assert isinstance(doctree, nodes.document)
    return doctree


def _foreign(doctree: nodes.document) -> list[nodes.Node]:
    return [n for n in doctree.findall() if n is not doctree and n.document is not doctree]


def _pickles_an_environment(doctree: nodes.document) -> bool:
    return any(isinstance(getattr(n.document.settings, "env", None), BuildEnvironment)
               for n in _foreign(doctree))  # fmt: skip


def test_myst_alone_stores_the_environment_in_the_doctree(tmp_path: Path) -> None:
    doctree = _build(tmp_path, ["myst_parser"])  # the behaviour the module repairs
    assert _foreign(doctree)
    assert _pickles_an_environment(doctree)


def test_with_docgen_every_node_belongs_to_its_page(tmp_path: Path) -> None:
    extensions = ["myst_parser", "sphinx.ext.autodoc", "kubeflow_devtools.docgen.sphinxext"]
    doctree = _build(tmp_path, extensions)
    assert _foreign(doctree) == []
    assert not _pickles_an_environment(doctree)
    assert "A nested paragraph, with code and a list:" in doctree.astext()


def test_adopt_counts_the_nodes_it_moves() -> None:
    page, other = nodes.document(None, None), nodes.document(None, None)
    paragraph = nodes.paragraph("", "", nodes.Text("x"))
    other += paragraph
    page += nodes.section("", paragraph.deepcopy())
    inner = page[0][0]
    inner.document = other
    inner[0].document = other
    assert adopt(page) == 2
    assert adopt(page) == 0
    assert inner.document is page and inner[0].document is page
