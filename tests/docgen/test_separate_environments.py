"""One site of SDKs that cannot share an environment, on the real packages.

``docgen build katib training kubeflow --format all`` from this (the CI) environment, which
holds ``kubeflow-katib`` and ``kubeflow-training`` but cannot hold the unified ``kubeflow``
SDK (0.5.0 from PyPI, with its hub, spark and pipelines extras): both install
``kubeflow/__init__.py``. docgen builds ``kubeflow`` in an environment of its own (made from
PyPI on the first run, then reused from ``$DOCGEN_CACHE`` or the user's cache) and merges the
parts into one site.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from kubeflow_devtools.docgen.config import DEFAULTS, SdkConfig, sdk_from_table
from kubeflow_devtools.docgen.environments import default_cache
from tests.docgen.helpers import soup
from tests.docgen.hugo_helpers import copy_skeleton, problems, run_hugo

pytestmark = pytest.mark.slow

KUBEFLOW = "kubeflow[hub,spark,pipelines]==0.5.0"
"""The unified SDK as the issue names it (kubeflow/sdk's release 0.5.0 on PyPI)."""

# Until the built-in ``kubeflow`` SDK exists, the same SDK from a configuration file: its
# trainer client, which docgen builds cleanly today.
CONFIG = f"""
[sdk.kubeflow]
package = "kubeflow.trainer"
title = "Kubeflow SDK"
distribution = "kubeflow"
version_spec = "==0.5.0"
requirements = ["{KUBEFLOW}"]
output = "kubeflow"
"""


@dataclass(frozen=True)
class Site:
    """The merged site: its output folder, the command's exit code and output, and where each
    SDK's pages are."""

    out: Path
    code: int
    stdout: str
    stderr: str
    folders: dict[str, str]
    titles: dict[str, str]
    sections: dict[str, str]
    config: list[str]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """``docgen build katib training kubeflow --format all``, once for the module."""
    base = tmp_path_factory.mktemp("separate-environments")
    argv = ["katib", "training", "kubeflow", "--format", "all", "--out", str(base / "out")]
    sdks: dict[str, SdkConfig] = dict(DEFAULTS)
    if "kubeflow" not in DEFAULTS:
        config = base / "docgen.toml"
        config.write_text(CONFIG, encoding="utf-8")
        argv += ["--config", str(config)]
        table = tomllib.loads(CONFIG)["sdk"]["kubeflow"]
        sdks["kubeflow"] = sdk_from_table("kubeflow", table, str(config))
    run = subprocess.run([sys.executable, "-m", "kubeflow_devtools.docgen.cli", "build", *argv],
                         capture_output=True, text=True, cwd=base, check=False)  # fmt: skip
    ids = ("katib", "training", "kubeflow")
    folders = {sdk_id: sdks[sdk_id].out_dir for sdk_id in ids}
    titles = {sdk_id: sdks[sdk_id].title for sdk_id in ids}
    sections = {sdk_id: sdks[sdk_id].section for sdk_id in ids}
    config = argv[argv.index("--config") :] if "--config" in argv else []
    return Site(base / "out", run.returncode, run.stdout, run.stderr, folders, titles,
                sections, config)  # fmt: skip


def test_the_build_succeeds_and_says_where_each_sdk_was_built(site: Site) -> None:
    assert site.code == 0, site.stderr[-3000:]
    assert "docgen: katib, training: built in this environment" in site.stdout
    # kubeflow cannot be installed here (katib's kubeflow/__init__.py is): its own environment
    lines = [ln for ln in site.stdout.splitlines() if ln.startswith("docgen: kubeflow: built in ")]
    assert len(lines) == 1
    env = Path(lines[0].removeprefix("docgen: kubeflow: built in "))
    assert env.parent == default_cache() and env.name.startswith("env-")
    kubeflow_here = subprocess.run(
        [str(env / "bin" / "python"), "-c", "import importlib.metadata as m; "
         "print(m.version('kubeflow'), m.version('sphinx'))"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert kubeflow_here == ["0.5.0", version("sphinx")]  # the same Sphinx as here


def test_one_index_lists_every_sdk(site: Site) -> None:
    html = site.out / "html"
    index = soup(html / "index.html")
    article = index.find("article") or index
    targets = {a["href"] for a in article.find_all("a", href=True)}
    for sdk_id, folder in site.folders.items():
        assert f"{folder}/index.html" in targets, sdk_id
        assert (html / folder / "index.html").is_file()
    versions = index.get_text()
    assert f"{site.titles['katib']} {version('kubeflow-katib')}" in versions
    assert f"{site.titles['training']} {version('kubeflow-training')}" in versions
    assert f"{site.titles['kubeflow']} 0.5.0" in versions
    # no stub a part made for another part's SDK survived the merge
    for page in html.rglob("*.html"):
        assert "Built in another environment" not in page.read_text(encoding="utf-8"), page


def _links(page: Path, html: Path) -> set[Path]:
    """The pages of the site that ``page`` links to (relative links, resolved)."""
    found = set()
    for a in soup(page).find_all("a", href=True):
        parts = urlsplit(str(a["href"]))
        if parts.scheme or parts.netloc or not parts.path:
            continue
        found.add((page.parent / parts.path).resolve())
    return found


def test_a_page_of_each_sdk_links_to_the_others(site: Site) -> None:
    html = (site.out / "html").resolve()
    for sdk_id, folder in site.folders.items():
        pages = sorted(p for p in (html / folder).rglob("*.html") if p.name != "index.html")
        assert pages, sdk_id
        page = pages[0]
        links = _links(page, html)
        broken = sorted(str(p) for p in links if not p.is_file())
        assert not broken, (page, broken)
        for other_id, other in site.folders.items():
            if other_id != sdk_id:
                assert html / other / "index.html" in links, (page, other_id)
    # the targets are the real indexes, each linking to its own SDK's pages
    for folder in site.folders.values():
        index = html / folder / "index.html"
        own = {p for p in _links(index, html) if html / folder in p.parents and p != index}
        assert own, folder
    assert (html / site.folders["katib"] / "KatibClient.html") in _links(
        html / site.folders["katib"] / "index.html", html
    )


def test_one_inventory_search_index_and_defect_list_for_the_site(site: Site) -> None:
    data = (site.out / "html" / "objects.inv").read_bytes()
    header, _, body = data.partition(b"zlib.\n")
    assert header.startswith(b"# Sphinx inventory version 2")
    entries = zlib.decompress(body).decode().splitlines()
    names = {line.split()[0]: line.split()[3] for line in entries}
    kubeflow = site.folders["kubeflow"]
    assert names["kubeflow.katib.KatibClient"].startswith("katib/KatibClient.html")
    assert names["kubeflow.training.TrainingClient"].startswith("training/")
    trainer = [u for n, u in names.items() if n.endswith(".TrainerClient")]
    assert trainer and all(u.startswith(f"{kubeflow}/") and "TrainerClient" in u for u in trainer)
    assert len(entries) == len({tuple(line.split()[:2]) for line in entries})  # each once
    # the search finds every SDK's pages, each page once, objects at their own SDK's pages
    text = (site.out / "html" / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text.removeprefix("Search.setIndex(").removesuffix(")"))
    docnames = index["docnames"]
    assert len(docnames) == len(set(docnames))
    assert {d.split("/")[0] for d in docnames} == {"index", *site.folders.values()}
    for folder in site.folders.values():
        html = sorted(
            p.relative_to(site.out / "html") for p in (site.out / "html" / folder).rglob("*.html")
        )
        assert sorted(f"{d}.html" for d in docnames if d.startswith(f"{folder}/")) == [
            str(p) for p in html
        ]
    # objects keep their type across the renumbering of each part's object types
    found = {
        (prefix, o[4]): (docnames[o[0]], index["objtypes"][str(o[1])])
        for prefix, objects in index["objects"].items()
        for o in objects
    }
    assert found["kubeflow.katib", "KatibClient"] == ("katib/KatibClient", "py:class")
    assert found["kubeflow.katib.KatibClient", "tune"] == ("katib/KatibClient", "py:method")
    trainer = [(d, t) for (_, name), (d, t) in found.items() if name == "TrainerClient"]
    kubeflow = site.folders["kubeflow"]
    assert trainer and all(d.startswith(f"{kubeflow}/") and t == "py:class" for d, t in trainer)
    rows = json.loads((site.out / "html" / "defects.json").read_text(encoding="utf-8"))
    assert set(site.folders.values()) <= {row["document"].split("/")[0] for row in rows}


def test_hugo_pages_for_every_sdk(site: Site) -> None:
    hugo = site.out / "hugo"
    for sdk_id in site.folders:
        record = json.loads((hugo / sdk_id / "pages.json").read_text(encoding="utf-8"))
        assert record["sdk"] == sdk_id and "_index.md" in record["pages"]
        assert (hugo / sdk_id / "_index.md").is_file()
    record = json.loads((hugo / "kubeflow" / "pages.json").read_text(encoding="utf-8"))
    assert record["source"] == "kubeflow 0.5.0"
    assert any("TrainerClient" in page for page in record["pages"])


def test_docgen_publish_writes_every_sdk_into_one_website(site: Site, tmp_path: Path) -> None:
    """The same SDKs published into one website (the test skeleton) that Hugo then builds."""
    website = copy_skeleton(tmp_path / "website")
    run = subprocess.run([sys.executable, "-m", "kubeflow_devtools.docgen.cli", "publish",
                          "--website", str(website), "katib", "training", "kubeflow", "-q",
                          "--create-parents",
                          *site.config], capture_output=True, text=True, check=False)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    for sdk_id, section in site.sections.items():
        pages = json.loads((site.out / "hugo" / sdk_id / "pages.json").read_text("utf-8"))
        for rel in pages["pages"]:
            assert (website / section / rel).is_file(), (sdk_id, rel)
    hugo = run_hugo(website)
    assert hugo.returncode == 0 and not problems(hugo), hugo.stdout + hugo.stderr
    for section in site.sections.values():
        url = section.removeprefix("content/en/").lower()
        assert (website / "public" / url / "index.html").is_file(), section
