"""The warnings gate cannot be fooled by the cache: a failed build leaves nothing that a later
build into the same ``--out`` counts as done.

A package with one docstring that makes Sphinx warn is written to a temporary folder and built
twice into one ``--out``: both builds fail (exit 1). Then the docstring is fixed and the third
build succeeds (exit 0). The same through ``docgen publish --out``. Each run is a fresh process
(``python -m``), as in CI: the SDK's module is imported from the files as they are on disk.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.docgen.hugo_helpers import copy_skeleton

BROKEN = '''"""A package whose docstring makes Sphinx warn until it is fixed."""

__all__ = ["greet", "other"]


def greet(name: str) -> str:
    """Greet someone.

    .. no-such-directive:: here

    Args:
        name: Who to greet.

    Returns:
        The greeting.
    """
    return f"hello {name}"


def other() -> None:
    """Do nothing."""
'''
FIXED = BROKEN.replace("    .. no-such-directive:: here\n\n", "")
SECTION = "content/en/docs/sdk/warnsdk"


def _write_package(root: Path, text: str) -> None:
    package = root / "warnsdk"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(text, encoding="utf-8")


def _docgen(root: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [sys.executable, "-m", "kubeflow_devtools.docgen.cli", *argv],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )


def test_a_failed_build_fails_again_until_the_docstring_is_fixed(tmp_path: Path) -> None:
    _write_package(tmp_path / "src", BROKEN)
    out = tmp_path / "out"
    args = ("build", "--package", "warnsdk", "--out", str(out), "-q")
    codes = []
    for _ in range(2):
        run = _docgen(tmp_path / "src", *args)
        codes.append(run.returncode)
        assert "no-such-directive" in run.stderr, run.stderr
        assert not (out / "html").exists()
    _write_package(tmp_path / "src", FIXED)
    fixed = _docgen(tmp_path / "src", *args)
    assert [*codes, fixed.returncode] == [1, 1, 0], fixed.stderr
    assert (out / "html" / "warnsdk" / "greet.html").is_file()
    again = _docgen(tmp_path / "src", *args)
    assert again.returncode == 0 and "up to date" in again.stdout


def test_a_failed_build_with_a_warm_cache_fails_again(tmp_path: Path) -> None:
    """A clean build first (the cache is warm), then the docstring breaks: exit 0, 1, 1, 0."""
    _write_package(tmp_path / "src", FIXED)
    out = tmp_path / "out"
    args = ("build", "--package", "warnsdk", "--out", str(out), "-q")
    codes = [_docgen(tmp_path / "src", *args).returncode]
    _write_package(tmp_path / "src", BROKEN)
    codes += [_docgen(tmp_path / "src", *args).returncode for _ in range(2)]
    _write_package(tmp_path / "src", FIXED)
    codes.append(_docgen(tmp_path / "src", *args).returncode)
    assert codes == [0, 1, 1, 0]


def test_publish_fails_again_until_the_docstring_is_fixed(tmp_path: Path) -> None:
    site = copy_skeleton(tmp_path / "site")
    config = tmp_path / "docgen.toml"
    config.write_text(
        f'[sdk.warnsdk]\npackage = "warnsdk"\nwebsite_section = "{SECTION}"\n', encoding="utf-8"
    )
    _write_package(tmp_path / "src", BROKEN)
    out = tmp_path / "out"
    args = ("publish", "--config", str(config), "--website", str(site), "--out", str(out),
            "-q", "warnsdk")  # fmt: skip
    runs = [_docgen(tmp_path / "src", *args) for _ in range(2)]
    assert [r.returncode for r in runs] == [1, 1], runs[-1].stderr
    for run in runs:
        assert "the website was not changed" in run.stderr
    assert not (site / SECTION).exists()
    _write_package(tmp_path / "src", FIXED)
    fixed = _docgen(tmp_path / "src", *args)
    assert fixed.returncode == 0, fixed.stderr
    assert (site / SECTION / "greet.md").is_file()


def test_a_build_that_only_warned_leaves_nothing_for_the_gate_to_reuse(tmp_path: Path) -> None:
    """A build with warnings that are not errors (the library's ``warnings_as_errors=False``)
    succeeds, and the next build, with warnings as errors, still fails: the warning page is
    read again, not taken from the cache."""
    _write_package(tmp_path / "src", BROKEN)
    out = tmp_path / "out"
    lenient = (
        "from pathlib import Path\n"
        "from kubeflow_devtools.docgen.build import build\n"
        "from kubeflow_devtools.docgen.config import adhoc_sdk\n"
        f"result = build([adhoc_sdk('warnsdk')], Path({str(out)!r}), warnings_as_errors=False)\n"
        "assert result.warnings, result\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}
    run = subprocess.run([sys.executable, "-c", lenient], env=env, capture_output=True,
                         text=True, check=False, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stderr
    strict = _docgen(tmp_path / "src", "build", "--package", "warnsdk", "--out", str(out), "-q")
    assert strict.returncode == 1
    assert "no-such-directive" in strict.stderr
