"""Field tables of models documented by autodoc (``sphinxext.models``), on small models."""

from __future__ import annotations

import dataclasses
from typing import Optional

from pydantic import BaseModel, Field

from kubeflow_devtools.docgen.sphinxext.models import field_table, model_rows


class Settings(BaseModel):
    """Settings of a widget."""

    image: str = Field(description="The container image, e.g. `python:3.11`.")
    num_workers: int = Field(default=1, alias="numWorkers")
    labels: dict[str, str] = Field(default_factory=dict)


def _make_items() -> list[object]:
    return [object()]


@dataclasses.dataclass
class Job:
    """A job."""

    name: str
    retries: Optional[int] = 3  # noqa: UP045 - the annotation as SDKs write it
    tags: list[str] = dataclasses.field(default_factory=list)
    items: list[object] = dataclasses.field(default_factory=_make_items)


def test_pydantic_fields_with_defaults_and_descriptions() -> None:
    rows = model_rows(Settings)
    assert rows is not None
    assert [(r.name, r.default, r.description) for r in rows] == [
        ("image", "required", "The container image, e.g. ``python:3.11``."),
        ("num_workers", "``1``", ""),
        ("labels", "``{}``", ""),
    ]
    assert rows[0].type == ":py:class:`str`"


def test_dataclass_fields_and_factories() -> None:
    rows = model_rows(Job)
    assert rows is not None
    assert [(r.name, r.default) for r in rows] == [
        ("name", "required"),
        ("retries", "``3``"),
        ("tags", "``[]``"),
        ("items", "``_make_items()``"),  # not a plain value: the call
    ]
    assert "int" in rows[1].type and "None" in rows[1].type


def test_the_table_is_a_list_table_with_a_description_column_only_when_needed() -> None:
    table = field_table(Settings)
    assert table[:4] == [
        ".. list-table:: Fields",
        "   :header-rows: 1",
        "   :widths: 20 30 20 30",
        "",
    ]
    assert table[4:9] == ["   * - Field", "     - Type", "     - Default", "     - Description",
                          "   * - ``image``"]  # fmt: skip
    assert "     - Description" not in field_table(Job)
    assert field_table(int) == [] and model_rows(int) is None
