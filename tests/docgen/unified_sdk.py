"""The unified Kubeflow SDK (``kubeflow`` 0.5.0) for tests: its sdist and an environment of its own.

``kubeflow`` cannot share the test environment (which has ``kubeflow-katib`` and
``kubeflow-training``: both install ``kubeflow/__init__.py``), so the tests that build its
documentation run in an environment of its own, made (and cached) by docgen itself.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

from kubeflow_devtools.docgen.environments import sdk_environment

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

VERSION = "0.5.0"
EXTRAS = "hub,spark,pipelines"


def _pip(python: Path, *args: str) -> None:
    command = [str(python), "-m", "pip", "--disable-pip-version-check", *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")


def download_sdist(root: Path) -> Path:
    """Download and unpack the ``kubeflow`` sdist from PyPI into ``root``; return its folder
    (it holds ``docs/source``, kubeflow/sdk's Sphinx project)."""
    _pip(
        Path(sys.executable), "download", "--no-deps", "--no-binary", ":all:",
        f"kubeflow=={VERSION}", "-d", str(root),
    )  # fmt: skip
    archive = next(root.glob(f"kubeflow-{VERSION}.tar.gz"))
    with tarfile.open(archive) as tar:
        tar.extractall(root, filter="data")
    return root / f"kubeflow-{VERSION}"


def docs_requirements(sdist: Path) -> list[str]:
    """What kubeflow/sdk builds its documentation with: the ``docs`` dependency group of its
    ``pyproject.toml`` (kubeflow/sdk@0.5.0:.readthedocs.yaml runs ``uv sync --group docs``)."""
    data = tomllib.loads((sdist / "pyproject.toml").read_text(encoding="utf-8"))
    return [str(r) for r in data["dependency-groups"]["docs"]]


def make_env(sdist: Path) -> Path:
    """The Python of an environment with ``kubeflow[hub,spark,pipelines]==0.5.0``, the SDK's
    docs requirements and docgen: docgen's own (:func:`.environments.sdk_environment`), made
    from PyPI once and cached."""
    requirements = [f"kubeflow[{EXTRAS}]=={VERSION}", *docs_requirements(sdist)]
    return sdk_environment(requirements)
