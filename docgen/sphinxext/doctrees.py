"""Doctrees that hold one document, not a copy of the build environment in each.

MyST parses an ``{eval-rst}`` fence into a document of its own that shares the page's settings
object, then moves the nodes into the page (myst-parser@v5.2.0:
``myst_parser/mdit_to_docutils/base.py``, ``render_restructuredtext``). The nodes below the
top level keep pointing at that document, and through its settings at Sphinx's whole
``BuildEnvironment``. Sphinx makes the page's own document picklable before it stores it
(``Builder.write_doctree`` clears ``settings.env`` on a copy of the settings), not the one
the fence made: every stored doctree carried a pickled environment. On the unified SDK's
reference that was 17 MB of doctrees for 112 pages (2.3 MB for kubeflow/sdk's own 27
pages), a second of pickling in a serial build, and more in a parallel one, whose processes
send their doctrees back. Here, once a page is read, its nodes belong to the page's
document, as they would had the page been reStructuredText.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx


def adopt(doctree: nodes.document) -> int:
    """Make every node of ``doctree`` belong to it (not to a document it was parsed in).

    Args:
        doctree: A page's document.

    Returns:
        How many nodes belonged to another document.
    """
    moved = 0
    for node in doctree.findall():
        if node is not doctree and node.document is not doctree:
            node.document = doctree
            moved += 1
    return moved


def _doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    adopt(doctree)


def setup(app: Sphinx) -> dict[str, Any]:
    """Adopt each page's nodes once it is read, after the other ``doctree-read`` handlers."""
    app.connect("doctree-read", _doctree_read, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
