"""A site built in parts (``docgen/site.py``, ``docgen/merge.py``), fast: two small packages,
each built as a part of its own by ``docgen build --part`` in a fresh process, merged.

The environments are this one (``sdk_environment`` is replaced by one returning this Python;
``tests/docgen/test_environments.py`` tests the real ones and
``tests/docgen/test_separate_environments.py`` the whole on the real SDKs).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from kubeflow_devtools.docgen import site
from kubeflow_devtools.docgen.build import BuildError
from kubeflow_devtools.docgen.config import SdkConfig
from kubeflow_devtools.errors import ToolError
from tests.docgen.helpers import soup

GOOD = '''"""{name}: a package with one documented function."""

__all__ = ["greet"]


def greet(name: str) -> str:
    """Greet someone.

    Args:
        name: Who to greet.

    Returns:
        The greeting.
    """
    return f"hello {{name}}"
'''
BROKEN = GOOD.replace("    Args:\n", "    .. no-such-directive:: here\n\n    Args:\n")


def _package(root: Path, name: str, text: str) -> None:
    (root / name).mkdir(parents=True, exist_ok=True)
    (root / name / "__init__.py").write_text(text.format(name=name), encoding="utf-8")


def _sdk(name: str) -> SdkConfig:
    return SdkConfig(id=name, package=f"{name}sdk", title=f"{name.title()} SDK",
                     requirements=(f"{name}sdk",))  # fmt: skip


@pytest.fixture
def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two packages (``alphasdk``, ``betasdk``) importable by the parts' processes, which run
    in this environment."""
    root = tmp_path / "src"
    for name in ("alpha", "beta"):
        _package(root, f"{name}sdk", GOOD)
    monkeypatch.setenv("PYTHONPATH", str(root))
    made: list[Sequence[str]] = []

    def this_environment(requirements: Sequence[str], **_: object) -> Path:
        made.append(requirements)
        return Path(sys.executable)

    monkeypatch.setattr(site, "sdk_environment", this_environment)
    return root


def test_the_parts_make_one_site(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    built = site.build_site([_sdk("alpha"), _sdk("beta")], out, isolated=True,
                            formats=("html", "hugo"))  # fmt: skip
    env = str(Path(sys.executable).parents[1])
    assert [(p.sdks, p.environment) for p in built.parts] == [(("alpha",), env), (("beta",), env)]
    html = out / "html"
    index = soup(html / "index.html")
    assert {"alpha/index.html", "beta/index.html"} <= {a["href"] for a in index.find_all("a")}
    # each SDK's page links to the other SDK's index, which is the real one
    assert "../beta/index.html" in {a["href"] for a in soup(html / "alpha/greet.html")("a")}
    assert "../alpha/index.html" in {a["href"] for a in soup(html / "beta/greet.html")("a")}
    for name in ("alpha", "beta"):
        links = {a["href"] for a in soup(html / name / "index.html")("a")}
        assert "greet.html" in links, name
        assert (out / "hugo" / name / "greet.md").is_file()
    assert not (out / "hugo" / "index.md").exists()
    assert built.build.pages == 5  # the root index, and each SDK's index and page


def test_a_failed_part_fails_the_build_and_keeps_the_site(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build_site([_sdk("alpha"), _sdk("beta")], out, isolated=True)
    before = (out / "html" / "beta" / "greet.html").read_bytes()
    _package(source, "betasdk", BROKEN)
    with pytest.raises(BuildError) as failed:
        site.build_site([_sdk("alpha"), _sdk("beta")], out, isolated=True, status=None)
    assert f"(building beta in {Path(sys.executable).parents[1]})" in str(failed.value)
    assert any("no-such-directive" in w for w in failed.value.warnings)
    assert (out / "html" / "beta" / "greet.html").read_bytes() == before


def test_a_part_that_cannot_be_documented_is_one_line(source: Path, tmp_path: Path) -> None:
    with pytest.raises(ToolError) as failed:
        site.build_site([_sdk("alpha"), _sdk("gamma")], tmp_path / "out", isolated=True)
    # the part's error, passed on as it is (``docgen: error:`` is added once, by the command)
    message = str(failed.value)
    assert message.startswith("cannot import gammasdk: ") and "\n" not in message
    assert "No module named 'gammasdk'" in message
