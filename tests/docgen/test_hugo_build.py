"""``docgen build --format hugo|all`` on the fixture package: golden pages and the CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from kubeflow_devtools.docgen.build import build
from kubeflow_devtools.docgen.cli import main
from kubeflow_devtools.docgen.config import adhoc_sdk
from tests.docgen.test_fixture_golden import GOLDEN, check_golden

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@pytest.fixture(scope="module")
def hugo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture package built in both formats."""
    out = tmp_path_factory.mktemp("fixture-hugo")
    build([adhoc_sdk("fixturesdk")], out, formats=("html", "hugo"))
    return out


def test_hugo_pages_match_golden(hugo_out: Path) -> None:
    folder = hugo_out / "hugo" / "fixturesdk"
    pages = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.md"))
    assert pages == [
        "Client.md", "_index.md", "constants.md", "make_client.md",
        "models/Settings.md", "models/V1Widget.md", "models/_index.md",
    ]  # fmt: skip
    for rel in pages:
        check_golden(f"hugo/fixturesdk/{rel}", (folder / rel).read_text(encoding="utf-8"))
    golden = sorted(
        p.relative_to(GOLDEN / "hugo" / "fixturesdk").as_posix()
        for p in (GOLDEN / "hugo" / "fixturesdk").rglob("*.md")
    )
    assert golden == pages


def test_pages_json_holds_front_matter_body_and_names(hugo_out: Path) -> None:
    record = json.loads((hugo_out / "hugo" / "fixturesdk" / "pages.json").read_text())
    assert record["sdk"] == "fixturesdk" and record["section"] == "docs/sdk/fixturesdk"
    client = record["pages"]["Client.md"]
    assert client["front"]["title"] == "Client" and client["front"]["weight"] == 10
    assert "fixturesdk.Client.create" in client["anchors"]
    # the title is the class's heading: the page starts with its signature
    assert client["body"].startswith("```python\nclass fixturesdk.Client(")
    assert "\n## create {#fixturesdk.Client.create}\n" in client["body"]
    weights = [record["pages"][p]["front"]["weight"] for p in ("Client.md", "make_client.md")]
    assert weights == [10, 20]  # the SDK index's order


def test_front_matter_and_sections(hugo_out: Path) -> None:
    folder = hugo_out / "hugo" / "fixturesdk"
    for page in folder.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        front = tomllib.loads(text.split("+++\n")[1])
        assert front["title"], page
    index = tomllib.loads((folder / "_index.md").read_text().split("+++\n")[1])
    assert index["linkTitle"] == "Python SDK"
    models = (folder / "models" / "_index.md").read_text()
    assert '[`Settings`]({{< relref "Settings.md" >}})' in models  # the class is the page


def test_cli_format_all_writes_both(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["build", "--package", "fixturesdk", "--format", "all", "--out", str(tmp_path)])
    assert code == 0
    out = capsys.readouterr().out
    assert f"{tmp_path}/html/index.html" in out and f"{tmp_path}/hugo/" in out
    assert (tmp_path / "html" / "fixturesdk" / "Client.html").is_file()
    assert (tmp_path / "hugo" / "fixturesdk" / "Client.md").is_file()
    again = main(["build", "--package", "fixturesdk", "--format", "all", "--out", str(tmp_path)])
    assert again == 0 and "up to date" in capsys.readouterr().out


def test_cli_hugo_build_failure_leaves_previous_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["build", "--format", "hugo", "--out", str(tmp_path)]
    assert main([*args, "--package", "fixturesdk"]) == 0
    before = (tmp_path / "hugo" / "fixturesdk" / "Client.md").read_bytes()
    code = main([*args, "--package", "brokensdk"])
    assert code == 1
    assert "build failed" in capsys.readouterr().err
    assert (tmp_path / "hugo" / "fixturesdk" / "Client.md").read_bytes() == before
