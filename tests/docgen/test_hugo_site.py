"""The real Katib and Training references, published into a website skeleton, built by Hugo."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from kubeflow_devtools.docgen.config import DEFAULTS, KATIB, TRAINING
from kubeflow_devtools.docgen.hugo.website import Outcome, publish
from tests.docgen.hugo_helpers import (
    check_links,
    copy_skeleton,
    html_file,
    manifest_files,
    page_url,
    problems,
    run_hugo,
    snapshot,
)

LEGACY = (KATIB, TRAINING)
"""The built-in SDKs of this environment (the unified kubeflow SDK cannot share it)."""

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Site:
    """A website skeleton with both SDK references published and built by Hugo."""

    root: Path
    before: dict[str, tuple[bytes, int]]
    outcome: Outcome
    hugo_rc: int
    hugo_problems: list[str]

    @property
    def public(self) -> Path:
        """Hugo's output folder."""
        return self.root / "public"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """Publish both SDKs into a copy of the skeleton, then run Hugo on it."""
    root = copy_skeleton(tmp_path_factory.mktemp("website") / "website")
    before = snapshot(root)
    outcome = publish(list(LEGACY), root, out=tmp_path_factory.mktemp("build"))
    result = run_hugo(root)
    return Site(root, before, outcome, result.returncode, problems(result))


def _generated(site: Site) -> list[tuple[str, str, Path]]:
    """(section URL, page path, file) of every generated page of both SDKs."""
    found = []
    for sdk in LEGACY:
        section = site.root / sdk.section
        for rel in manifest_files(section):
            found.append((sdk.content_section, rel, section / rel))
    return found


def test_hugo_builds_the_site_without_warnings(site: Site) -> None:
    assert site.outcome.applied is not None
    assert site.hugo_rc == 0, site.hugo_problems
    assert site.hugo_problems == []


def test_every_generated_page_is_in_hugos_output(site: Site) -> None:
    generated = _generated(site)
    assert len(generated) > 70  # 78 object and model pages, 4 section indexes
    for section_url, rel, _ in generated:
        assert html_file(site.public, page_url(section_url, rel)).is_file(), rel
    assert any(rel == "models/_index.md" for _, rel, _ in generated)


def test_every_link_of_the_generated_pages_resolves_to_an_anchor(site: Site) -> None:
    pages = [html_file(site.public, page_url(s, rel)) for s, rel, _ in _generated(site)]
    report = check_links(site.public, pages)
    assert report.broken == []
    assert report.internal > 300 and report.external > 100, report


def test_hand_written_pages_are_unchanged(site: Site) -> None:
    after = snapshot(site.root)
    for rel, (data, mtime) in site.before.items():
        assert after.get(rel) == (data, mtime), rel
    hand = html_file(site.public, "/docs/components/katib/reference/architecture/")
    links = [a["href"] for a in BeautifulSoup(hand.read_text(), "html.parser").find_all("a")]
    sdk_url = "/docs/components/katib/reference/python-sdk"
    assert f"{sdk_url}/katibclient/#kubeflow.katib.KatibClient.tune" in links
    assert html_file(site.public, f"{sdk_url}/getting-started/").is_file()


def test_short_headings_with_stable_ids_and_fenced_signatures(site: Site) -> None:
    section = site.root / DEFAULTS["katib"].section
    text = (section / "KatibClient.md").read_text(encoding="utf-8")
    # Docsy shows the title: the class gets no heading of its own, its methods are the H2s
    assert "{#kubeflow.katib.KatibClient}" not in text
    assert text.split("+++\n", 2)[2].startswith("```python\nclass kubeflow.katib.KatibClient(")
    assert "\n## create_experiment {#kubeflow.katib.KatibClient.create_experiment}\n" in text
    assert "\n## tune {#kubeflow.katib.KatibClient.tune}\n" in text
    headings = re.findall(r"^#+ .*$", text, re.M)
    assert max(len(h) for h in headings) < 120
    assert "```python\ntune(\n    name: str,\n" in text  # one parameter per line, typed
    html = BeautifulSoup(
        html_file(site.public, page_url(DEFAULTS["katib"].content_section, "KatibClient.md"))
        .read_text(encoding="utf-8"), "html.parser"
    )  # fmt: skip
    tune = html.find(id="kubeflow.katib.KatibClient.tune")
    assert tune is not None and tune.name == "h2" and tune.get_text() == "tune"
    assert html.find(id="kubeflow.katib.KatibClient") is None


def test_front_matter_is_toml_with_title_description_weight(site: Site) -> None:
    for _, rel, path in _generated(site):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("+++\n"), rel
        front = tomllib.loads(text.split("+++\n")[1])
        assert front["title"] and isinstance(front.get("weight", 0), int), rel
    index = (site.root / DEFAULTS["katib"].section / "_index.md").read_text(encoding="utf-8")
    front = tomllib.loads(index.split("+++\n")[1])
    assert front["linkTitle"] == "Python SDK" and front["weight"] == 100
    assert front["title"].startswith("Katib SDK ")


def test_no_raw_html_in_generated_markdown(site: Site) -> None:
    for _, rel, path in _generated(site):
        body = path.read_text(encoding="utf-8").split("+++\n", 2)[2]
        prose = re.sub(r"```.*?```", "", body, flags=re.S)
        prose = re.sub(r"(`+).*?\1", "", prose)
        assert not re.search(r"(?<!\\)<[A-Za-z/!]", prose), rel
        assert not re.search(r"\{\{[<%](?! (/?alert|relref) )", prose), rel
