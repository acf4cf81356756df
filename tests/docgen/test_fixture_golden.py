"""Golden tests on a small fixture package with known docstrings.

Regenerate the golden files after an intended change with ``DOCGEN_UPDATE_GOLDEN=1 pytest``
and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sphinx.util.docstrings import prepare_docstring

from kubeflow_devtools.docgen.build import BuildResult
from kubeflow_devtools.docgen.config import adhoc_sdk
from kubeflow_devtools.docgen.inventory import collect
from kubeflow_devtools.docgen.project import render
from kubeflow_devtools.docgen.sphinxext import render_docstring
from tests.docgen.helpers import body_of, entry, params_of, soup

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DOCGEN_UPDATE_GOLDEN") == "1"


def check_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with the golden file ``name`` (or rewrite it when updating)."""
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}; run with DOCGEN_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8")


def _docstring_case(obj: object, name: str) -> str:
    what = "class" if isinstance(obj, type) else "function"
    lines, defects = render_docstring(prepare_docstring(obj.__doc__ or ""), name, what, obj)
    report = "\n".join(f".. defect: [{d.kind}] {d.message}" for d in defects)
    return "\n".join(lines) + "\n" + (report + "\n" if report else "")


CASES = ["Client.__init__", "Client.create", "Client.pods", "Client.tune", "make_client"]


@pytest.mark.parametrize("qualname", CASES)
def test_normalized_docstrings_match_golden(qualname: str) -> None:
    import fixturesdk

    obj: object = fixturesdk
    for part in qualname.split("."):
        obj = getattr(obj, part)
    check_golden(f"normalize/{qualname}.rst", _docstring_case(obj, qualname))


def test_generated_project_matches_golden() -> None:
    files = render([collect(adhoc_sdk("fixturesdk"))])
    files.pop("conf.py")  # holds a hash of docgen's code; checked below
    for rel, text in sorted(files.items()):
        check_golden(f"project/{rel}", text)
    golden_pages = sorted(
        p.relative_to(GOLDEN / "project").as_posix() for p in (GOLDEN / "project").rglob("*.md")
    )
    assert golden_pages == sorted(files)


def test_adhoc_inventory_uses_all_and_skips_foreign_classes() -> None:
    inventory = collect(adhoc_sdk("fixturesdk"))
    assert [o.path for o in inventory.objects] == [
        "fixturesdk.DEFAULT_NAMESPACE",
        "fixturesdk.Client",
        "fixturesdk.make_client",
    ]
    models = {m.name: m for m in inventory.models}
    assert set(models) == {"Settings", "V1Widget"}
    widget = models["V1Widget"]
    assert widget.signature == "(api_version=None, metadata=None, parts=None)"
    assert [(f.attribute, f.key, f.type) for f in widget.fields] == [
        ("api_version", "apiVersion", "str"),
        ("metadata", "metadata", "V1ObjectMeta"),
        ("parts", "parts", "list[V1Widget]"),
    ]
    assert widget.fields[0].description == (
        "APIVersion defines the versioned schema of this object. `*` and | are literal."
    )
    settings = models["Settings"]
    assert settings.flavour == "pydantic"
    assert [(f.attribute, f.key, f.description) for f in settings.fields] == [
        ("image", "image", "The container image."),
        ("num_workers", "numWorkers", "Number of workers."),
        ("resources", "resources", "Resources per worker."),
    ]


def test_fixture_site_renders_what_was_written(fixture_site: BuildResult) -> None:
    assert fixture_site.warnings == ()
    page = soup(fixture_site.html / "fixturesdk/Client.html")
    create = entry(page, "fixturesdk.Client.create")
    assert params_of(create) == ["widget", "labels"]
    body = body_of(create)
    code = [pre.get_text() for pre in body.select("div.highlight pre")]
    assert 'w = client.create(V1Widget(name="a"), labels={"team": "ml"})\n' in code
    assert any(c.strip().startswith("{") and '"team": "ml",' in c for c in code)
    assert "E501" not in page.get_text()
    assert body.find("code", string="V1Widget") is not None
    # the constructor is documented with its class, its default as written
    constructor = entry(page, "fixturesdk.Client")
    assert "namespace: str = _default_namespace()" in constructor.get_text()
    assert "import logging" in body_of(constructor).select_one("div.highlight pre").get_text()
    # kubernetes.client types link to the client's model docs, typing to docs.python.org
    pods = body_of(entry(page, "fixturesdk.Client.pods"))
    hrefs = {a.get_text(): a["href"] for a in pods.find_all("a")}
    assert hrefs["V1ObjectMeta"].endswith("/kubernetes/docs/V1ObjectMeta.md")
    assert hrefs["List"] == "https://docs.python.org/3/library/typing.html#typing.List"
    assert hrefs["list"] == "https://docs.python.org/3/library/stdtypes.html#list"
    # the unmatched backtick before the line's last word opens code to its end (nothing is
    # dropped; a backtick shown as text was a defect a reader had to decode)
    assert 'pods(["a"])[0].name' in [c.get_text() for c in pods.find_all("code")]
    # a forward reference that cannot be imported renders as text
    tune = body_of(entry(page, "fixturesdk.Client.tune")).get_text()
    assert "MissingParams" in tune


def test_fixture_model_pages(fixture_site: BuildResult) -> None:
    # a definition per field (a table gave the width to the names, clipping descriptions)
    page = soup(fixture_site.html / "fixturesdk/models/V1Widget.html")
    assert page.find("table") is None
    fields = {
        dt.get_text(" ", strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
        for dt in page.select("dl.simple dt, dl.myst dt, article dl:not(.py) dt")
    }
    assert fields["parts · YAML/JSON key parts"] == "list [ V1Widget ] \u2013 Sub-widgets."
    # backticks in a field description are code (as the SDKs' generated models use them)
    api_version = fields["api_version · YAML/JSON key apiVersion"]
    assert api_version.endswith("of this object. * and | are literal.")
    settings = soup(fixture_site.html / "fixturesdk/models/Settings.html")
    assert "numWorkers" in settings.get_text()


def test_fixture_defects(fixture_site: BuildResult) -> None:
    found = sorted((d["object"], d["kind"]) for d in fixture_site.defects)
    check_golden("fixture-defects.json", json.dumps(list(fixture_site.defects), indent=2) + "\n")
    assert ("fixturesdk.Client.create", "unknown-parameter") in found
    assert ("fixturesdk.Client.pods", "broken-markup") in found
    assert ("fixturesdk.Client.tune", "annotation") in found


def test_fixture_constant_documented_by_its_comment(fixture_site: BuildResult) -> None:
    page = soup(fixture_site.html / "fixturesdk/constants.html")
    text = body_of(entry(page, "fixturesdk.DEFAULT_NAMESPACE")).get_text()
    assert " ".join(text.split()) == "The namespace used when none is given. A value of type str."
