"""Docstring defects found during the build, kept per document in the Sphinx environment.

They survive incremental builds (a document that is not re-read keeps its defects) and are
written next to the HTML when the build finishes: ``docgen_defects_file``, ``docgen-defects.json``
unless set (docgen's generated ``conf.py`` sets ``defects.json``), and counted in one line of the
build's output (:func:`defect_summary`; the ``docgen`` command prints it as its last line).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from kubeflow_devtools.docgen.sphinxext.normalize import Defect

logger = logging.getLogger(__name__)

KEY = "docgen_defects"
REFERENCES_FILE = "docgen-references.json"

# Reference defects are found while writing (after the environment is pickled), so they are kept
# in a file of their own next to the doctrees: per document, replaced when it is written again.
_references: dict[str, list[Defect]] = {}


def _store(env: BuildEnvironment) -> dict[str, list[Defect]]:
    store: dict[str, list[Defect]] | None = getattr(env, KEY, None)
    if store is None:
        store = {}
        setattr(env, KEY, store)
    return store


def record(env: BuildEnvironment, defect: Defect) -> None:
    """Remember ``defect`` for the document being read."""
    docname = env.current_document.docname if hasattr(env, "current_document") else env.docname
    bucket = _store(env).setdefault(docname, [])
    if defect not in bucket:
        bucket.append(defect)


def start_document(docname: str) -> None:
    """Forget the reference defects of a document about to be resolved again."""
    _references.pop(docname, None)


def record_reference(docname: str, defect: Defect) -> None:
    """Remember a reference defect of ``docname`` found while resolving it."""
    bucket = _references.setdefault(docname, [])
    if defect not in bucket:
        bucket.append(defect)


def all_defects(env: BuildEnvironment) -> list[dict[str, str]]:
    """Every recorded defect, sorted, as plain dicts."""
    found = {doc: list(items) for doc, items in _store(env).items()}
    for doc, items in _references.items():
        if doc in env.all_docs:
            found.setdefault(doc, []).extend(d for d in items if d not in found.get(doc, []))
    rows = [
        {"document": doc, "object": d.object, "kind": d.kind, "message": d.message}
        for doc, defects in found.items()
        for d in defects
    ]
    return sorted(rows, key=lambda r: (r["document"], r["object"], r["kind"], r["message"]))


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _store(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    for docname in docnames:
        if docname in _store(other):
            _store(env)[docname] = _store(other)[docname]


def _load_references(app: Sphinx) -> None:
    _references.clear()
    path = Path(app.doctreedir) / REFERENCES_FILE
    if path.is_file():
        for doc, items in json.loads(path.read_text(encoding="utf-8")).items():
            _references[doc] = [Defect(**item) for item in items]


def _finish(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    saved = {doc: [vars(d) for d in items] for doc, items in sorted(_references.items())}
    (Path(app.doctreedir) / REFERENCES_FILE).write_text(json.dumps(saved), encoding="utf-8")
    target = Path(app.outdir) / app.config.docgen_defects_file
    found = all_defects(app.env)
    text = json.dumps(found, indent=2) + "\n"
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    if not app.config.docgen_sdks:  # docgen's own builds: the command prints it, last
        logger.info(defect_summary(found, target))


def defect_summary(defects: Sequence[Mapping[str, str]], report: Path) -> str:
    """The one line that counts the defects: how many, how many of each kind, and where.

    Args:
        defects: The rows of the report (see :func:`all_defects`).
        report: The path of the report.

    Returns:
        ``docgen: N docstring defect(s) (kind count, ...), see REPORT``.
    """
    kinds = Counter(d["kind"] for d in defects)
    counts = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
    by_kind = f" ({counts})" if counts else ""
    return f"docgen: {len(defects)} docstring defect(s){by_kind}, see {report}"


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the defect store's environment hooks and where the report goes."""
    app.add_config_value("docgen_defects_file", "docgen-defects.json", "", types=[str])
    app.connect("builder-inited", _load_references)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
