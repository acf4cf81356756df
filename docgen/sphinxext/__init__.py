"""docgen's Sphinx extensions: docstring normalizer, strict cross-references, defect report.

docgen's generated ``conf.py`` adds it, and so can any Sphinx project's (``extensions = [...,
"kubeflow_devtools.docgen.sphinxext"]``): every autodoc docstring is normalized, pydantic
models and dataclasses get a field table (``docgen_model_tables``), the defects are written to
``docgen-defects.json`` in the output folder (``docgen_defects_file``) and summarized, and
strict cross-references are opt-in (``docgen_strict_references``). The generated ``conf.py``
sets the values docgen's own references need (see ``docs/docgen.md``).
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable
from typing import Any

from sphinx.application import Sphinx

from kubeflow_devtools.docgen.inventory import resolve_dotted
from kubeflow_devtools.docgen.lint.live import live_problems
from kubeflow_devtools.docgen.lint.model import LintObject, Problem
from kubeflow_devtools.docgen.sphinxext import (
    constants,
    defaults,
    defects,
    doctrees,
    models,
    navigation,
    normalize,
    truth,
    xref,
)

_BUILD_MARKUP_KINDS = {"backtick": "broken-markup", "unclosed-fence": "broken-markup"}
"""The normalizer's markup defects, by the lint rule that reports them on functions and classes
(where the rule runs, the rule's report is kept and the normalizer's dropped)."""


def _documented_paths(app: Sphinx) -> frozenset[str]:
    canonical: dict[str, str] = app.config.docgen_canonical
    return frozenset(canonical) | frozenset(canonical.values())


_CODE_PATH = re.compile(r"``([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)``")


def link_code_paths(
    lines: list[str], documented: frozenset[str], report: Callable[[str], None]
) -> list[str]:
    """Inline code that is the dotted path of a documented object becomes a link to it
    (``kubeflow.storage_initializer.hugging_face.HuggingFaceModelParams`` in ``train``'s text).

    A path that names nothing, but whose last name is a documented class defined below its
    package (``kubeflow.storage_initializer.HuggingFaceTrainerParams``, defined in
    ``kubeflow.storage_initializer.hugging_face``), is shown as the real path, linked, and
    reported.
    """

    def link(match: re.Match[str]) -> str:
        path = match.group(1)
        if path in documented:
            return f":py:obj:`{path}`"
        package, _, name = path.rpartition(".")
        real = sorted(
            d for d in documented if d.startswith(package + ".") and d.rpartition(".")[2] == name
        )
        if len(real) == 1 and resolve_dotted(path) is None:
            report(f"names {path!r}, which does not exist: it is {real[0]!r}")
            return f":py:obj:`{real[0]}`"
        return match.group(0)

    mask = normalize.literal_mask(lines)
    return [line if mask[i] else _CODE_PATH.sub(link, line) for i, line in enumerate(lines)]


def render_docstring(
    lines: list[str], name: str, what: str, obj: Any, documented: frozenset[str] = frozenset()
) -> tuple[list[str], list[normalize.Defect]]:
    """One docstring as the reference shows it, and its defects: one model for build and lint.

    Args:
        lines: Autodoc's prepared docstring lines.
        name: The documented (public) dotted name.
        what: Autodoc's kind of object (``class``, ``function``, ``method``, ``data``...).
        obj: The live object.
        documented: The dotted paths (canonical and public) the reference documents: inline
            code naming one links to it.

    Returns:
        The lines after the Markdown repairs of
        :func:`~kubeflow_devtools.docgen.sphinxext.normalize.normalize` and the code's truth of
        :func:`~kubeflow_devtools.docgen.sphinxext.truth.show_the_code`; the defects: what
        ``docgen lint``'s rules find in the object (same rule ids and messages), then what only
        the build sees (indentation, directives, annotations naming nothing).
    """
    if what in {"data", "attribute"} and constants.is_type_docstring(obj, lines):
        module, _, attr = name.rpartition(".")
        lines = constants.comment_doc(module, attr)
    model: LintObject | None = None
    problems: list[Problem] = []
    if what in {"function", "method", "class"}:
        model, problems = live_problems(obj, name)
    fixed, found = normalize.normalize(lines, name)
    if model is not None:
        fixed = truth.show_the_code(fixed, model, problems)
        found = [d for d in found if d.kind not in _BUILD_MARKUP_KINDS]
        found = [normalize.Defect(name, p.rule, p.message) for p in problems] + found
    else:
        found = [
            normalize.Defect(d.object, _BUILD_MARKUP_KINDS.get(d.kind, d.kind), d.message)
            for d in found
        ]
    if documented:
        fixed = link_code_paths(
            fixed, documented, lambda m: found.append(normalize.Defect(name, "reference", m))
        )
    if what == "data":  # a constant: its comment, then its value's type
        fixed = (
            [*fixed, "", constants.type_line(obj)]
            if any(x.strip() for x in fixed)
            else [constants.type_line(obj)]
        )
    if what in {"function", "method", "class"} and callable(obj):
        found += forward_reference_defects(name, obj)
    return fixed, list(dict.fromkeys(found))


def _process_docstring(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    fixed, found = render_docstring(lines, name, what, obj, _documented_paths(app))
    if what == "class" and app.config.docgen_model_tables:
        table = models.field_table(obj)
        if table:
            fixed = [*fixed, "", *table] if any(x.strip() for x in fixed) else table
    lines[:] = fixed
    for message in app.config.docgen_unresolved_types.get(name, ()):
        found.append(normalize.Defect(name, "unlinked-type", message))
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
    app.add_config_value("docgen_unresolved_types", {}, "env", types=[dict])
    # a project of its own gets field tables; docgen's references give models pages instead
    app.add_config_value("docgen_model_tables", True, "env", types=[bool])
    from kubeflow_devtools.docgen.hugo.builder import HugoBuilder

    app.add_builder(HugoBuilder)
    app.connect("autodoc-process-docstring", _process_docstring, priority=100)
    defects.setup(app)
    defaults.setup(app)
    xref.setup(app)
    navigation.setup(app)
    doctrees.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
