"""docgen's Sphinx extensions: docstring normalizer, strict cross-references, defect report."""

from __future__ import annotations

import inspect
import typing
from typing import Any

from sphinx.application import Sphinx

from kubeflow_devtools.docgen.sphinxext import constants, defects, normalize, xref


def _process_docstring(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    if what in {"data", "attribute"} and constants.is_type_docstring(obj, lines):
        module, _, attr = name.rpartition(".")
        lines[:] = constants.comment_doc(module, attr)
    if what in {"class", "function", "method"} and not any(line.strip() for line in lines):
        defects.record(app.env, normalize.Defect(name, "docstring", "no docstring"))
    fixed, found = normalize.normalize(
        lines, name, obj if what in {"function", "method", "class"} else None
    )
    lines[:] = fixed
    if what in {"function", "method", "class"} and callable(obj):
        found += forward_reference_defects(name, obj)
    for defect in found:
        defects.record(app.env, defect)


def _forward_names(annotation: Any) -> list[str]:
    if isinstance(annotation, str):
        return [annotation]
    if isinstance(annotation, typing.ForwardRef):
        return [annotation.__forward_arg__]
    names: list[str] = []
    for arg in getattr(annotation, "__args__", ()) or ():
        names += _forward_names(arg)
    return names


def forward_reference_defects(name: str, obj: Any) -> list[normalize.Defect]:
    """Annotations of ``obj`` that name something its module does not define or import."""
    target = obj.__init__ if inspect.isclass(obj) else obj
    annotations = getattr(target, "__annotations__", None)
    scope = getattr(target, "__globals__", None)
    if not isinstance(annotations, dict) or not isinstance(scope, dict):
        return []
    found = []
    for annotation in annotations.values():
        for text in _forward_names(annotation):
            try:
                eval(text, scope)  # the annotation's own text, as Python would resolve it
            except NameError as exc:
                missing = getattr(exc, "name", None) or text
                message = f"annotation names {missing!r}, which its module does not define"
                defect = normalize.Defect(name, "annotation", message)
                if defect not in found:
                    found.append(defect)
            except Exception:
                continue
    return found


def setup(app: Sphinx) -> dict[str, Any]:
    """Register everything; the normalizer runs before napoleon (priority 500)."""
    app.add_config_value("docgen_sdks", {}, "env", types=[dict])
    app.add_config_value("docgen_code", "", "env", types=[str])
    app.add_config_value("docgen_hugo", {}, "", types=[dict])
    app.add_config_value("docgen_summaries", {}, "", types=[dict])
    app.add_config_value("docgen_markdown", {}, "", types=[dict])
    from kubeflow_devtools.docgen.hugo.builder import HugoBuilder

    app.add_builder(HugoBuilder)
    app.connect("autodoc-process-docstring", _process_docstring, priority=100)
    defects.setup(app)
    xref.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
