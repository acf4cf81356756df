"""A failed build leaves the previous site as it was; the CLI prints the warnings, exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubeflow_devtools.docgen.build import BuildError, build
from kubeflow_devtools.docgen.cli import main
from kubeflow_devtools.docgen.config import adhoc_sdk


def test_failed_build_keeps_the_previous_site(tmp_path: Path) -> None:
    out = tmp_path / "out"
    html = out / "html"
    html.mkdir(parents=True)
    (html / "index.html").write_text("previous site")
    with pytest.raises(BuildError) as info:
        build([adhoc_sdk("brokensdk")], out)
    assert any("no-such-directive" in w for w in info.value.warnings)
    assert (html / "index.html").read_text() == "previous site"
    assert [p.name for p in out.iterdir() if p.name.startswith(".html")] == []


def test_cli_exit_1_prints_the_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["build", "--package", "brokensdk", "--out", str(tmp_path), "-q"])
    assert code == 1
    err = capsys.readouterr().err
    assert "no-such-directive" in err
    assert "build failed: Sphinx emitted 1 warning(s)" in err
    assert not (tmp_path / "html").exists()


def test_successful_build_replaces_the_site_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "html").mkdir(parents=True)
    (out / "html" / "stale.html").write_text("old page")
    result = build([adhoc_sdk("fixturesdk")], out)
    assert not (result.html / "stale.html").exists()
    assert (result.html / "fixturesdk" / "Client.html").is_file()
