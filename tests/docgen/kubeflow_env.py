"""An environment holding the unified ``kubeflow`` SDK and this project, for the tests.

The unified SDK cannot share the test environment (``kubeflow-katib`` and ``kubeflow-training``
install ``kubeflow/__init__.py`` too): :func:`create` gives docgen's own environment for it
(``kubeflow[hub,spark,pipelines]==0.5.0``, docgen's tools pinned to this environment's versions,
this project's package linked), and :func:`run_docgen` runs ``docgen`` there.
"""

from __future__ import annotations

import json
import re
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from kubeflow_devtools.docgen.config import KUBEFLOW as KUBEFLOW_SDK
from kubeflow_devtools.docgen.environments import sdk_environment

SUBPACKAGES = ("trainer", "optimizer", "hub", "spark", "pipelines")
"""The subpackages whose ``__all__`` the issue counts (76 names in 0.5.0)."""


# Run in the environment: every public name of each subpackage's __all__, with what it is and
# where it is defined (the upstream truth the reference must cover).
_PUBLIC_NAMES = """
import importlib, inspect, json, sys, types
names = []
for sub in sys.argv[1:]:
    module = importlib.import_module("kubeflow." + sub)
    for name in module.__all__:
        value = getattr(module, name)
        if isinstance(value, types.ModuleType):
            kind, canonical = "module", value.__name__
        elif inspect.isclass(value) or inspect.isfunction(value):
            kind = "class" if inspect.isclass(value) else "function"
            canonical = value.__module__ + "." + value.__qualname__
        else:
            kind, canonical = "data", "kubeflow." + sub + "." + name
        names.append({"sub": sub, "name": name, "kind": kind, "canonical": canonical})
print(json.dumps(names))
"""


@dataclass(frozen=True)
class PublicName:
    """One name of a subpackage's ``__all__``: what it is and where it is defined."""

    sub: str
    name: str
    kind: str
    canonical: str

    @property
    def path(self) -> str:
        """Its public dotted path (``kubeflow.trainer.TrainerClient``)."""
        return f"kubeflow.{self.sub}.{self.name}"


def create() -> Path:
    """The Python of docgen's own environment for the built-in ``kubeflow`` SDK
    (:func:`.environments.sdk_environment` of its requirements: made from the registries once,
    cached, and shared with every test and ``docgen build`` that needs it)."""
    return sdk_environment(KUBEFLOW_SDK.pip_requirements)


def run_docgen(python: Path, *argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``docgen ARGV`` in the environment of ``python``; never raises on failure."""
    return subprocess.run(
        [str(python), "-m", "kubeflow_devtools.docgen.cli", *argv],
        capture_output=True, text=True, timeout=1800, cwd=cwd, check=False,
    )  # fmt: skip


def public_names(python: Path) -> list[PublicName]:
    """Every name of the ``__all__`` of :data:`SUBPACKAGES`, read in the environment."""
    result = subprocess.run(
        [str(python), "-c", _PUBLIC_NAMES, *SUBPACKAGES],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        pytest.fail(f"cannot read the public names of kubeflow:\n{result.stderr}")
    return [PublicName(**item) for item in json.loads(result.stdout)]


def read_inventory(path: Path) -> dict[str, str]:
    """A Sphinx ``objects.inv`` (version 2) as ``{name: uri}`` for every Python object."""
    header, _, compressed = path.read_bytes().partition(b"zlib.\n")
    assert header.startswith(b"# Sphinx inventory version 2"), path
    found = {}
    for line in zlib.decompress(compressed).decode().splitlines():
        match = re.match(r"(\S+)\s+(py:\w+)\s+-?\d+\s+(\S+)", line)
        if match:
            name, uri = match.group(1), match.group(3)
            found[name] = uri[:-1] + name if uri.endswith("$") else uri
    return found


if __name__ == "__main__":  # pragma: no cover - by hand: python -m tests.docgen.kubeflow_env
    print(create())
