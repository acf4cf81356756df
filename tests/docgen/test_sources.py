"""Each live object's source, read once: the same answer as :mod:`inspect`, held weakly."""

from __future__ import annotations

import gc
import importlib
import inspect
import sys
from pathlib import Path
from typing import Any

import pytest

from kubeflow_devtools.docgen import sources
from kubeflow_devtools.docgen.sources import source, source_lines


def _module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> Any:
    (tmp_path / f"{name}.py").write_text(
        'class Model:\n    """A model."""\n\n    def fit(self) -> int:\n        return 1\n'
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module(name)
    monkeypatch.setitem(sys.modules, name, module)  # removed again after the test
    return module


def test_the_same_lines_as_inspect_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = _module(tmp_path, monkeypatch, "sources_fixture_once")
    model = module.Model
    objects = (module, model, model.fit)
    expected = [(tuple(lines), start) for lines, start in map(inspect.getsourcelines, objects)]
    texts = [inspect.getsource(obj) for obj in objects]
    reads: list[object] = []
    real = inspect.getsourcelines

    def counted(obj: object) -> tuple[list[str], int]:
        reads.append(obj)
        return real(obj)  # type: ignore[arg-type]

    monkeypatch.setattr(inspect, "getsourcelines", counted)
    assert [source_lines(obj) for obj in objects] == expected
    assert [source(obj) for obj in objects] == texts
    assert expected[1][1] == 1 and expected[2][1] == 4  # the class's line, the method's
    assert reads == list(objects)


def test_no_source_is_none() -> None:
    assert source_lines(len) is None
    assert source(type("Made", (), {})) is None
    assert source_lines(3) is None  # not weakly referable: read, not kept


def test_an_object_is_not_kept_alive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = _module(tmp_path, monkeypatch, "sources_fixture_weak")
    assert source_lines(module.Model) is not None
    before = len(sources._CACHE)
    del sys.modules["sources_fixture_weak"], module
    gc.collect()
    assert len(sources._CACHE) < before
