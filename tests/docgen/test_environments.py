"""SDK environments (``docgen/environments.py``): made once, reused, never half made.

Offline and fast: the "registry" is a folder holding one small wheel made here (pip reads
``PIP_NO_INDEX`` and ``PIP_FIND_LINKS`` like its own options), and no tools are installed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from kubeflow_devtools.docgen.environments import (
    MARKER,
    UNUSED,
    SdkEnvironmentError,
    environment_key,
    sdk_environment,
    tool_pins,
)


def _wheel(folder: Path, name: str, version: str, code: str) -> Path:
    """A pure-Python wheel of one module ``name`` (the format of PEP 427, written by hand)."""
    dist_info = f"{name}-{version}.dist-info"
    files = {
        f"{name}.py": code,
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    files[f"{dist_info}/RECORD"] = "\n".join([*record, f"{dist_info}/RECORD,,"]) + "\n"
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return wheel


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A local package index of one wheel, ``tinysdk 1.0``, that pip uses instead of PyPI."""
    folder = tmp_path / "wheels"
    folder.mkdir()
    _wheel(folder, "tinysdk", "1.0", "VALUE = 'tiny'\n")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(folder))
    return folder


def _run(python: Path, code: str) -> str:
    return subprocess.run([str(python), "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()  # fmt: skip


def test_an_environment_is_made_once_then_reused(registry: Path, tmp_path: Path) -> None:
    cache = tmp_path / "envs"
    status = io.StringIO()
    python = sdk_environment(["tinysdk==1.0"], cache=cache, status=status, tools=())
    assert "creating the environment for tinysdk==1.0" in status.getvalue()
    env = python.parents[1]
    assert env.parent == cache and (env / MARKER).is_file()
    # The SDK and this project are importable; this environment's packages are not (here
    # kubeflow-katib's kubeflow/__init__.py, which the unified SDK would collide with).
    assert _run(python, "import tinysdk; print(tinysdk.VALUE)") == "tiny"
    assert _run(python, "import kubeflow_devtools.docgen.environments as e; print(e.MARKER)") == (
        MARKER
    )
    assert _run(python, "import importlib.util as u; print(u.find_spec('kubeflow'))") == "None"
    assert _run(python, "import importlib.util as u; print(u.find_spec('sphinx'))") == "None"

    marker = (env / MARKER).stat().st_ino  # the marker is written last, once
    status = io.StringIO()
    again = sdk_environment(["tinysdk==1.0"], cache=cache, status=status, tools=())
    assert again == python and (env / MARKER).stat().st_ino == marker
    assert status.getvalue() == f"docgen: environment for tinysdk==1.0: {env}\n"
    assert sorted(p.name for p in cache.iterdir()) == [env.name]


def test_a_damaged_environment_is_made_again(registry: Path, tmp_path: Path) -> None:
    cache = tmp_path / "envs"
    python = sdk_environment(["tinysdk"], cache=cache, tools=())
    (python.parents[1] / MARKER).unlink()
    status = io.StringIO()
    assert sdk_environment(["tinysdk"], cache=cache, status=status, tools=()) == python
    assert "creating" in status.getvalue() and (python.parents[1] / MARKER).is_file()
    assert _run(python, "import tinysdk; print(tinysdk.VALUE)") == "tiny"


def test_an_environment_unused_for_a_month_is_removed(registry: Path, tmp_path: Path) -> None:
    cache = tmp_path / "envs"
    old = sdk_environment(["tinysdk"], cache=cache, tools=()).parents[1]
    kept = sdk_environment(["tinysdk==1.0"], cache=cache, tools=()).parents[1]
    month = time.time() - UNUSED - 60
    for env in (old, kept):
        os.utime(env / MARKER, (month, month))
    sdk_environment(["tinysdk==1.0"], cache=cache, tools=())  # a use: no longer unused
    sdk_environment(["tinysdk>=1"], cache=cache, tools=())  # a new one: the unused go
    assert not old.exists() and (kept / MARKER).is_file()
    assert len(list(cache.iterdir())) == 2


def test_a_failed_creation_leaves_nothing(registry: Path, tmp_path: Path) -> None:
    cache = tmp_path / "envs"
    with pytest.raises(SdkEnvironmentError) as caught:
        sdk_environment(["tinysdk==2.0"], cache=cache, tools=())
    message = str(caught.value)
    assert "\n" not in message and "tinysdk==2.0" in message
    assert "No matching distribution found for tinysdk==2.0" in message
    assert list(cache.iterdir()) == []


def test_the_key_is_what_decides_the_environment() -> None:
    key = environment_key(["b==1", "a[x]==2"], ["sphinx==8"])
    assert key == environment_key(["a[x]==2", "b==1"], ["sphinx==8"])
    assert key != environment_key(["a[x]==2"], ["sphinx==8"])
    assert key != environment_key(["b==1", "a[x]==2"], ["sphinx==7"])


def test_the_tools_are_pinned_to_this_environment() -> None:
    from importlib.metadata import version

    pins = tool_pins()
    assert f"sphinx=={version('sphinx')}" in pins
    assert f"docutils=={version('docutils')}" in pins
    assert f"myst-parser=={version('myst-parser')}" in pins
    names = {pin.split("=")[0].split(">")[0] for pin in pins}
    # Never the SDKs (an environment is for the SDKs it is asked for), nor rootless-check's.
    assert not names & {"kubeflow-katib", "kubeflow-training", "kubernetes-validate", "pytest"}


def test_docgen_build_names_the_requirement_it_cannot_install(
    registry: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kubeflow_devtools.docgen.cli import main

    (tmp_path / "docgen.toml").write_text(
        '[sdk.tiny]\npackage = "tinysdk"\ndistribution = "tinysdk"\nversion_spec = "==2.0"\n'
    )
    # tinysdk is not installed here: docgen makes it an environment, and pip finds no 2.0
    monkeypatch.setenv("DOCGEN_CACHE", str(tmp_path / "envs"))
    code = main(["build", "tiny", "--root", str(tmp_path), "--out", str(tmp_path / "out"), "-q"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err == [
        "docgen: error: cannot install tinysdk==2.0: No matching distribution found for "
        "tinysdk==2.0"
    ]
    assert list((tmp_path / "envs").iterdir()) == [] and not (tmp_path / "out").exists()
