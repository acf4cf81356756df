"""docgen's Sphinx extension in a project of its own: kubeflow/sdk's ``docs/`` (0.5.0 sdist).

The SDK's Sphinx project (furo, sphinx-copybutton, sphinx-design, MyST, autodoc, napoleon,
sphinx-autodoc-typehints) is built twice in an environment with ``kubeflow[hub,spark,pipelines]``
0.5.0 and this project: as shipped, with ``kubeflow_devtools.docgen.sphinxext`` appended to
its ``extensions`` (a ``conf.py`` that runs the original and appends it, nothing else changed),
and with the extension and ``docgen_strict_references`` on.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from sphinx.util.inventory import InventoryFile

from tests.docgen.unified_sdk import download_sdist, make_env

pytestmark = pytest.mark.slow

EXTENSION = "kubeflow_devtools.docgen.sphinxext"

WRAPPER_CONF = f'''"""kubeflow/sdk's docs/source/conf.py, with docgen's Sphinx extension added."""

import os

_original = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "source", "conf.py")
with open(_original, encoding="utf-8") as _file:
    exec(compile(_file.read(), _original, "exec"))
extensions.append({EXTENSION!r})
'''

# Markdown markers left in rendered text: a backtick code span, a fence, bold, a link.
_MARKDOWN_TEXT = re.compile(r"`[^`\n]+`|```|\*\*\w[^*\n]*\*\*|\[[^\]\n]+\]\([^)\s]+\)")
_GENERATED = ("_modules/", "_sources/", "_static/")


def raw_markdown(page: BeautifulSoup) -> list[str]:
    """What a page shows of Markdown read as reStructuredText: Markdown markers in its text
    (outside code blocks and inline code), and ``<cite>`` elements, which only reStructuredText's
    default role makes: single backticks, Markdown's inline code."""
    main = page.find("article") or page.body
    assert isinstance(main, Tag)
    found = [f"<cite>{cite.get_text()}</cite>" for cite in main.find_all("cite")]
    for code in main.select("pre, code, script, style"):
        code.decompose()
    return found + _MARKDOWN_TEXT.findall(main.get_text(" "))


def raw_markdown_pages(html: Path) -> dict[str, list[str]]:
    """:func:`raw_markdown` of every page the project wrote (not the highlighted sources)."""
    found = {}
    for path in sorted(html.rglob("*.html")):
        rel = path.relative_to(html).as_posix()
        if rel.startswith(_GENERATED) or rel in {"genindex.html", "search.html"}:
            continue
        hits = raw_markdown(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser"))
        if hits:
            found[rel] = hits
    return found


def inventory(html: Path) -> set[tuple[str, str]]:
    """Every ``(role, name)`` of the build's ``objects.inv``."""
    with (html / "objects.inv").open("rb") as stream:
        loaded = InventoryFile.load(stream, "", lambda base, uri: uri)
    data = loaded.data if hasattr(loaded, "data") else loaded
    return {(role, name) for role, items in data.items() for name in items}


@dataclass(frozen=True)
class Build:
    """One Sphinx build: its HTML folder and its output (stdout and stderr)."""

    html: Path
    output: str


@dataclass(frozen=True)
class SdkDocs:
    """The SDK's documentation built as shipped and with the extension, and the environment."""

    python: Path
    sdist: Path
    shipped: Build
    with_docgen: Build
    strict: Build


def sphinx_build(python: Path, source: Path, out: Path, *options: str) -> Build:
    """``sphinx-build -b html`` as kubeflow/sdk@0.5.0:.readthedocs.yaml runs it; intersphinx's
    downloads fail at once (tests reach package registries only)."""
    env = {"PATH": str(python.parent), "HOME": str(out.parent), "PYTHONDONTWRITEBYTECODE": "1"}
    env["https_proxy"] = env["HTTPS_PROXY"] = "http://127.0.0.1:9"
    command = [str(python), "-m", "sphinx", "-b", "html", *options, str(source), str(out)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return Build(out, output)


@pytest.fixture(scope="session")
def sdk_docs(tmp_path_factory: pytest.TempPathFactory) -> SdkDocs:
    """kubeflow/sdk's ``docs/`` built both ways in an environment of its own."""
    root = tmp_path_factory.mktemp("unified-sdk-docs")
    sdist = download_sdist(root / "sdist")
    python = make_env(sdist)
    shipped = sphinx_build(python, sdist / "docs" / "source", root / "shipped")
    # a sibling of docs/source: the original conf.py's relative paths hold
    source = sdist / "docs" / "source-docgen"
    shutil.copytree(sdist / "docs" / "source", source)
    (source / "conf.py").write_text(WRAPPER_CONF, encoding="utf-8")
    with_docgen = sphinx_build(python, source, root / "with-docgen")
    strict = sphinx_build(python, source, root / "strict", "-D", "docgen_strict_references=1")
    return SdkDocs(python, sdist, shipped, with_docgen, strict)


def test_the_detector_finds_markdown_in_rendered_text() -> None:
    html = (
        "<article><p>Use <cite>name</cite>, `raw code`, **bold** and [a link](https://x.y)."
        "</p><pre>```python\n`kept`</pre><p><code>**kwargs</code> and **kwargs</p></article>"
    )
    assert raw_markdown(BeautifulSoup(html, "html.parser")) == [
        "<cite>name</cite>", "`raw code`", "**bold**", "[a link](https://x.y)",
    ]  # fmt: skip


def test_the_shipped_build_shows_markdown_code_as_citations(sdk_docs: SdkDocs) -> None:
    # kubeflow/sdk@0.5.0:kubeflow/trainer/types/types.py writes types in Markdown backticks
    source = (sdk_docs.sdist / "kubeflow/trainer/types/types.py").read_text(encoding="utf-8")
    assert "resources_per_node (`Optional[dict]`)" in source
    found = raw_markdown_pages(sdk_docs.shipped.html)
    assert "<cite>Optional[dict]</cite>" in found["train/api.html"]
    assert sum(map(len, found.values())) > 20


def test_the_build_with_docgen_has_no_raw_markdown(sdk_docs: SdkDocs) -> None:
    assert raw_markdown_pages(sdk_docs.with_docgen.html) == {}
    page = BeautifulSoup((sdk_docs.with_docgen.html / "train/api.html").read_text(), "html.parser")
    code = {c.get_text() for c in page.select("article code")}
    assert "Optional[dict]" in code


def test_the_build_with_docgen_documents_what_the_shipped_one_did(sdk_docs: SdkDocs) -> None:
    shipped = inventory(sdk_docs.shipped.html)
    assert ("py:class", "kubeflow.trainer.TrainerClient") in shipped
    assert shipped <= inventory(sdk_docs.with_docgen.html)
    pages = {p.relative_to(sdk_docs.shipped.html) for p in sdk_docs.shipped.html.rglob("*.html")}
    assert all((sdk_docs.with_docgen.html / page).is_file() for page in pages)


def _sidebar(page: Path) -> str:
    tree = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one(
        ".sidebar-tree"
    )
    assert isinstance(tree, Tag), page
    return str(tree)


def test_furo_s_navigation_is_unchanged_on_every_page(sdk_docs: SdkDocs) -> None:
    # the extension makes furo's tree once per folder (docgen/sphinxext/navigation.py): every
    # page's sidebar must be the shipped build's, in every folder of the project
    shipped = sdk_docs.shipped.html
    pages = [p.relative_to(shipped) for p in shipped.rglob("*.html")]
    pages = [p for p in pages if not p.as_posix().startswith(_GENERATED)]
    assert len({p.parent for p in pages}) > 3
    differ = [p for p in pages if _sidebar(shipped / p) != _sidebar(sdk_docs.with_docgen.html / p)]
    assert differ == []


def _docstring_problems(output: str) -> list[str]:
    return [line for line in output.splitlines() if ":docstring of " in line]


def test_docgen_repairs_the_docstrings_docutils_rejected(sdk_docs: SdkDocs) -> None:
    assert _docstring_problems(sdk_docs.shipped.output)  # e.g. "Unexpected indentation."
    assert _docstring_problems(sdk_docs.with_docgen.output) == []


def test_the_defect_report_is_written_and_summarized(sdk_docs: SdkDocs) -> None:
    defects = json.loads((sdk_docs.with_docgen.html / "docgen-defects.json").read_text())
    output = sdk_docs.with_docgen.output
    assert defects and {"document", "object", "kind", "message"} == set(defects[0])
    summary = re.search(r"docgen: (\d+) docstring defect\(s\) \(([^)]*)\), see (\S+)", output)
    assert summary is not None and int(summary.group(1)) == len(defects)
    kinds = Counter(d["kind"] for d in defects)
    assert summary.group(2) == ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    assert Path(summary.group(3)) == sdk_docs.with_docgen.html / "docgen-defects.json"
    # what docutils rejected in the shipped build is reported (where docgen repaired it)
    assert any(d["kind"] == "indentation" for d in defects)


def _fields(sdk_docs: SdkDocs, expression: str) -> list[str]:
    """Field names, as the SDK's own code lists them (run in its environment)."""
    program = f"import dataclasses, json, kubeflow.trainer as t; print(json.dumps({expression}))"
    result = subprocess.run(
        [str(sdk_docs.python), "-c", program], capture_output=True, text=True, check=True
    )
    return list(json.loads(result.stdout))


def _table_fields(page: BeautifulSoup, anchor: str) -> list[str]:
    signature = page.find(id=anchor)
    assert isinstance(signature, Tag)
    body = signature.find_next_sibling("dd")
    assert isinstance(body, Tag)
    table = body.find("table")
    assert isinstance(table, Tag), f"{anchor} has no field table"
    return [row.find("td").get_text(strip=True) for row in table.select("tbody tr")]


def test_models_get_field_tables(sdk_docs: SdkDocs) -> None:
    page = BeautifulSoup((sdk_docs.with_docgen.html / "train/api.html").read_text(), "html.parser")
    pydantic = _fields(sdk_docs, "list(t.KubernetesBackendConfig.model_fields)")
    assert _table_fields(page, "kubeflow.trainer.KubernetesBackendConfig") == pydantic
    dataclass_fields = _fields(sdk_docs, "[f.name for f in dataclasses.fields(t.CustomTrainer)]")
    assert _table_fields(page, "kubeflow.trainer.CustomTrainer") == dataclass_fields
    shipped = BeautifulSoup((sdk_docs.shipped.html / "train/api.html").read_text(), "html.parser")
    assert shipped.select("article table") == []


def _defects(build: Build) -> list[dict[str, str]]:
    return list(json.loads((build.html / "docgen-defects.json").read_text()))


def test_strict_references_are_opt_in(sdk_docs: SdkDocs) -> None:
    python_docs = 'href="https://docs.python.org/3/library/'
    assert python_docs not in (sdk_docs.with_docgen.html / "train/api.html").read_text()
    assert not any(d["kind"] == "reference" for d in _defects(sdk_docs.with_docgen))
    # strict: built-ins and the standard library linked offline (intersphinx cannot reach
    # docs.python.org here), and what resolves nowhere reported: ``TrainJob``, which
    # ``TrainerClient.get_job`` returns, has no entry in the SDK's own pages
    page = (sdk_docs.strict.html / "train/api.html").read_text()
    assert f'{python_docs}exceptions.html#RuntimeError"' in page
    unresolved = {d["message"] for d in _defects(sdk_docs.strict) if d["kind"] == "reference"}
    assert "unresolved reference 'kubeflow.trainer.types.types.TrainJob' (rendered as text)" in (
        unresolved
    )
    assert inventory(sdk_docs.shipped.html) <= inventory(sdk_docs.strict.html)
