"""An environment holding the unified ``kubeflow`` SDK and this project, for the tests.

The unified SDK cannot share the test environment (``kubeflow-katib`` and ``kubeflow-training``
install ``kubeflow/__init__.py`` too): :func:`create` makes a virtual environment with
``kubeflow[hub,spark,pipelines]==0.5.0`` from the package registry, docgen's tools pinned to the
versions of this environment (the same Sphinx builds both) and this checkout on its path (a
``.pth`` file: the repository root has no ``kubeflow/`` folder to shadow the SDK's), and
:func:`run_docgen` runs ``docgen`` there. One place, to be switched to
``kubeflow_devtools.docgen.environments`` once docgen creates SDK environments itself.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
import venv
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
KUBEFLOW = "kubeflow[hub,spark,pipelines]==0.5.0"
SUBPACKAGES = ("trainer", "optimizer", "hub", "spark", "pipelines")
"""The subpackages whose ``__all__`` the issue counts (76 names in 0.5.0)."""

# docgen's own dependencies (the docs extra without the SDKs, and the base ones docgen imports)
TOOLS = ("sphinx", "myst-parser", "sphinx-autodoc-typehints", "furo", "docutils", "packaging",
         "pyyaml", "griffe")  # fmt: skip

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


def _pins() -> list[str]:
    pins = []
    for tool in TOOLS:
        try:
            pins.append(f"{tool}=={importlib.metadata.version(tool)}")
        except importlib.metadata.PackageNotFoundError:
            pins.append(tool)
    return pins


def create(folder: Path) -> Path:
    """A virtual environment in ``folder`` with the unified SDK, docgen's tools and this
    checkout; its Python. Fails the test when pip cannot install them."""
    venv.EnvBuilder(with_pip=True).create(folder)
    python = folder / "bin" / "python"
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", KUBEFLOW, *_pins()],
        capture_output=True, text=True, timeout=1200, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        pytest.fail(f"pip install {KUBEFLOW} failed:\n{result.stdout}{result.stderr}")
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    (Path(purelib) / "kubeflow_devtools_checkout.pth").write_text(f"{REPOSITORY}\n")
    return python


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


if __name__ == "__main__":  # pragma: no cover - make one by hand: python -m ... FOLDER
    print(create(Path(sys.argv[1])))
