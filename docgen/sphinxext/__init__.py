"""docgen's Sphinx extensions: docstring normalizer, strict cross-references, defect report."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from docgen.sphinxext import defects, normalize, xref


def _process_docstring(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    fixed, found = normalize.normalize(lines, name, obj if what in {"function", "method", "class"}
                                       else None)
    lines[:] = fixed
    for defect in found:
        defects.record(app.env, defect)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register everything; the normalizer runs before napoleon (priority 500)."""
    app.add_config_value("docgen_sdks", {}, "env", types=[dict])
    app.connect("autodoc-process-docstring", _process_docstring, priority=100)
    defects.setup(app)
    xref.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
