"""The distribution as pip installs it: one import package, nothing that can collide.

The wheel is built for real (``pip wheel``), as the GitHub Action's ``pip install`` builds it.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """The wheel of this checkout."""
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)]
    subprocess.run(command, check=True, capture_output=True)
    (built,) = out.glob("kubeflow_devtools-*.whl")
    return zipfile.ZipFile(built)


@pytest.mark.slow
def test_one_top_level_import_package(wheel: zipfile.ZipFile) -> None:
    tops = {name.split("/")[0] for name in wheel.namelist()}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"kubeflow_devtools"}


@pytest.mark.slow
def test_every_module_of_both_halves_is_installed(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for half in ("policy", "docgen"):
        sources = sorted((ROOT / half).rglob("*.py"))
        assert len(sources) > 20
        for source in sources:
            installed = f"kubeflow_devtools/{source.relative_to(ROOT).as_posix()}"
            assert installed in names, installed
        assert f"kubeflow_devtools/{half}/py.typed" in names


@pytest.mark.slow
def test_console_scripts_keep_their_names(wheel: zipfile.ZipFile) -> None:
    (entry_points,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "docgen = kubeflow_devtools.docgen.cli:run" in text
    assert "rootless-check = kubeflow_devtools.policy.cli:run" in text
