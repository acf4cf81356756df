"""Field tables for data models documented by autodoc: pydantic models and dataclasses.

docgen's own references give each model a page of its own (``project.model_page``). In a Sphinx
project of its own (the extension added to ``extensions``), a model is an ``autoclass`` entry:
pydantic keeps its fields out of the class namespace, so autodoc lists none of them, and a
dataclass's entry shows neither the fields' types nor their defaults unless its docstring
repeats them. The entry's docstring gets a table of what the code declares: each field, its
type (linked), its default, and its description when the code gives one (pydantic's
``Field(description=...)``).
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Any

from sphinx.util.typing import restify

from kubeflow_devtools.docgen.inventory import is_pydantic_model
from kubeflow_devtools.docgen.sphinxext.defaults import plain_value
from kubeflow_devtools.docgen.sphinxext.normalize import convert_inline_code

_REQUIRED = object()
"""A field without a default."""


@dataclass(frozen=True)
class FieldRow:
    """One field of a model, as RST cells."""

    name: str
    type: str
    default: str
    description: str


def _type_cell(annotation: Any) -> str:
    if isinstance(annotation, str):
        return f"``{annotation}``"
    try:
        return restify(annotation, "smart")
    except Exception:  # an annotation Sphinx cannot render: its text
        return f"``{annotation!r}``"


def _default_cell(default: Any, factory: Any) -> str:
    """A default as its value; a factory's as the value it makes when that is a plain value
    (``list`` gives ``[]``), else as the call (``make_config()``)."""
    if factory is not None:
        try:
            made = factory()
        except Exception:
            made = _REQUIRED
        if made is not _REQUIRED and plain_value(made):
            return f"``{made!r}``"
        name = getattr(factory, "__qualname__", None) or repr(factory)
        return f"``{name}()``"
    if default is _REQUIRED:
        return "required"
    return f"``{default!r}``"


def _text(description: Any) -> str:
    """A description on one line, its Markdown code spans as RST inline literals."""
    text = " ".join(str(description or "").split())
    return convert_inline_code([text], lambda kind, message: None)[0] if text else ""


def _pydantic_rows(cls: Any) -> list[FieldRow]:
    rows = []
    for name, info in cls.model_fields.items():
        required = bool(info.is_required())
        factory = getattr(info, "default_factory", None)
        default = _REQUIRED if required else info.default
        cells = _type_cell(info.annotation), _default_cell(default, factory)
        rows.append(FieldRow(name, *cells, _text(info.description)))
    return rows


def _dataclass_rows(cls: Any) -> list[FieldRow]:
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # forward references that do not resolve: the annotations as written
        hints = dict(getattr(cls, "__annotations__", {}))
    rows = []
    for field in dataclasses.fields(cls):
        if not field.init and field.name.startswith("_"):
            continue
        factory = None if field.default_factory is dataclasses.MISSING else field.default_factory
        default = _REQUIRED if field.default is dataclasses.MISSING else field.default
        annotation = hints.get(field.name, field.type)
        cells = _type_cell(annotation), _default_cell(default, factory)
        rows.append(FieldRow(field.name, *cells, _text(field.metadata.get("description"))))
    return rows


def model_rows(cls: Any) -> list[FieldRow] | None:
    """The fields of a pydantic model or dataclass, or ``None`` when ``cls`` is neither."""
    if is_pydantic_model(cls):
        return _pydantic_rows(cls)
    if isinstance(cls, type) and dataclasses.is_dataclass(cls):
        return _dataclass_rows(cls)
    return None


def field_table(cls: Any) -> list[str]:
    """RST lines of a ``list-table`` of the model's fields (empty when ``cls`` is no model or
    has no fields); a description column only when some field has a description."""
    rows = model_rows(cls)
    if not rows:
        return []
    described = any(row.description for row in rows)
    header = ["Field", "Type", "Default", *(["Description"] if described else [])]
    widths = "20 30 20 30" if described else "30 45 25"
    lines = [".. list-table:: Fields", "   :header-rows: 1", f"   :widths: {widths}", ""]
    table = [header] + [
        [f"``{r.name}``", r.type, r.default, *([r.description or "\u2013"] if described else [])]
        for r in rows
    ]
    for cells in table:
        lines.append(f"   * - {cells[0]}")
        lines.extend(f"     - {cell}" for cell in cells[1:])
    return lines
