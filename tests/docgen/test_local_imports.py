"""Where a function's own imports, and a module's type-checking imports, come from."""

from __future__ import annotations

import pytest

from kubeflow_devtools.docgen.local_imports import (
    local_import,
    type_checking_import,
)

FUNCTION = """
    def get(self):
        from kubeflow.trainer.types import TrainJob
        from kubeflow.common import utils as helpers
        from . import relative
        return TrainJob
"""

MODULE = """
import typing
from typing import TYPE_CHECKING

from kubeflow.hub.types import StorageConfig

if TYPE_CHECKING:
    from model_registry.types import ModelVersion, RegisteredModel as Model

if typing.TYPE_CHECKING:
    from model_registry.types.artifacts import ModelArtifact

if DEBUG:
    from debugging import Tracer

def f():
    if TYPE_CHECKING:
        from nested import Inner
"""


@pytest.mark.parametrize(
    ("name", "module"),
    [("TrainJob", "kubeflow.trainer.types.TrainJob"), ("helpers", "kubeflow.common.utils"),
     ("utils", None), ("relative", None), ("Missing", None)],
)  # fmt: skip
def test_a_function_s_own_imports(name: str, module: str | None) -> None:
    assert local_import(FUNCTION, name) == module


@pytest.mark.parametrize(
    ("name", "module"),
    [("ModelVersion", "model_registry.types.ModelVersion"),
     ("Model", "model_registry.types.RegisteredModel"),
     ("ModelArtifact", "model_registry.types.artifacts.ModelArtifact"),
     ("StorageConfig", None),  # a run-time import: Python's own scope has it
     ("Tracer", None), ("Inner", None)],
)  # fmt: skip
def test_a_module_s_type_checking_imports(name: str, module: str | None) -> None:
    assert type_checking_import(MODULE, name) == module


def test_source_that_does_not_parse() -> None:
    assert local_import("def (:", "x") is None
    assert type_checking_import("if TYPE_CHECKING:\n    from a import\n", "x") is None
