"""``docgen publish`` end to end: the hostile ``hugosdk`` fixture into a website skeleton.

Every test runs the real command (``kubeflow_devtools.docgen.cli.main``) on a copy of the website
skeleton; the published states are built once per module (and, for the escaping tests, rendered by
real Hugo). The fixture's docstrings are full of shortcodes, raw HTML, front matter delimiters and a
``javascript:`` link: none of it may reach the site as markup.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup, Comment, Tag

from kubeflow_devtools.docgen.cli import main
from kubeflow_devtools.docgen.config import load_config
from kubeflow_devtools.docgen.hugo import website
from kubeflow_devtools.docgen.hugo.publish import apply, plan
from kubeflow_devtools.docgen.hugo.publish.manifest import seal
from kubeflow_devtools.docgen.hugo.website import load_sections
from tests.docgen.conftest import HUGOSDK_SECTION, PublishedWebsite
from tests.docgen.hugo_helpers import (
    MANIFEST,
    check_links,
    copy_skeleton,
    html_file,
    manifest_files,
    page_url,
    problems,
    run_hugo,
    snapshot,
)
from tests.docgen.publish_runs import Run

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

pytestmark = pytest.mark.slow

SECTION = "content/en/docs/sdk/hugosdk"
CONTENT_SECTION = "docs/sdk/hugosdk"
SECTION_URL = "/docs/sdk/hugosdk/"
PAGES = ["Client.md", "_index.md", "constants.md", "render.md"]
# Relrefs into Katib's generated pages: Hugo fails on them when only hugosdk is published.
KATIB_RELREFS = "content/en/docs/components/katib/reference/architecture.md"
OLD = 1_600_000_000 * 10**9  # a modification time long past (ns): rewrites are visible

# The first sentence of each page's first docstring paragraph, as written in hugosdk.
FIRST_SENTENCES = {
    "Client.md": (
        "A client \"+++\" that says {{< shortcode >}} and <script>alert('client')</script>."
    ),
    "render.md": "Render template <img src=x onerror=alert(3)> as-is.",
    # the constants page describes several objects: its lead is its own opening paragraph
    "constants.md": "Constants exported by hugosdk.",
    "_index.md": "import package hugosdk.",
}

CONFIGS: dict[str, dict[str, Any]] = {
    "full": {},
    "reduced": {"api": ["Client", "render"]},  # a release that removed LIMIT
    "before": {"api": ["Client", "LIMIT"]},  # then "reduced": create, update and delete
    "broken": {"package": "brokensdk"},  # the same SDK id and section, a build that fails
    "orphan": {"website_section": "content/en/docs/gone/reference/hugosdk"},  # no docs/gone/
}


# --- helpers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Work:
    """The module's config files and shared build folders (one per config)."""

    base: Path

    def config(self, name: str) -> Path:
        """The docgen.toml of one configuration of :data:`CONFIGS`, written on first use."""
        path = self.base / f"{name}.toml"
        if not path.exists():
            values = {
                "package": "hugosdk",
                "title": "Hugo fixture SDK",
                "website_section": SECTION,
                **CONFIGS[name],
            }
            lines = ["[sdk.hugosdk]"] + [f"{k} = {json.dumps(v)}" for k, v in values.items()]
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def publish(self, site: Path, name: str, *flags: str, out: Path | None = None) -> Run:
        """``docgen publish -q [flags] hugosdk`` with configuration ``name``."""
        build = out if out is not None else self.base / f"out-{name}"
        return docgen(
            "publish", "--config", str(self.config(name)), "--website", str(site),
            "--out", str(build), "-q", *flags, "hugosdk",
        )  # fmt: skip


def docgen(*argv: str) -> Run:
    """Run the command line in this process, capturing what it prints."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return Run(code, out.getvalue(), err.getvalue())


def fresh_site(target: Path) -> Path:
    """A copy of the website skeleton that Hugo builds with only hugosdk published."""
    root = copy_skeleton(target)
    (root / KATIB_RELREFS).unlink()
    return root


def copy_site(source: Path, target: Path) -> Path:
    """A copy of a website (file times kept)."""
    shutil.copytree(source, target, symlinks=True)
    return target


def age(root: Path) -> None:
    """Date every file long ago, so that any rewrite shows in :func:`snapshot`."""
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(OLD, OLD))


def leftovers(root: Path) -> list[str]:
    """Temporary and backup files of an apply left in the website."""
    return [p for p in snapshot(root) if "docgen-tmp" in p or "docgen-bak" in p]


def contents(root: Path) -> dict[str, bytes]:
    """Every file of a website and its bytes (no times)."""
    return {path: data for path, (data, _) in snapshot(root).items()}


def front_and_body(text: str) -> tuple[dict[str, Any], str]:
    """A page's TOML front matter (parsed) and its body."""
    assert text.startswith("+++\n")
    end = text.index("\n+++\n")
    return tomllib.loads(text[4:end]), text[end + 5 :]


def unescape(markdown: str) -> str:
    """Markdown text with its backslash escapes removed."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def parse(path: Path) -> BeautifulSoup:
    """One HTML page."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def article(page: BeautifulSoup) -> Tag:
    """The page's content (what the Markdown became): the skeleton's ``<article>``, Docsy's
    ``.td-content`` (title and lead included)."""
    found = page.select_one(".td-content") or page.find("article")
    assert isinstance(found, Tag)
    return found


@dataclass(frozen=True)
class Built:
    """A published website and Hugo's result on it; ``section`` is hugosdk's folder there
    and ``scope`` selects the page's content (``None``: the whole page, the skeleton's)."""

    root: Path
    before: dict[str, tuple[bytes, int]]
    run: Run
    hugo_rc: int
    hugo_problems: list[str]
    section: str = SECTION
    scope: str | None = None

    @property
    def public(self) -> Path:
        """Hugo's output folder."""
        return self.root / "public"

    @property
    def section_url(self) -> str:
        """The URL of hugosdk's section."""
        return "/" + self.section.removeprefix("content/en/").lower() + "/"

    def html(self, rel: str) -> Path:
        """The HTML file Hugo wrote for a generated page (path relative to the section)."""
        return html_file(self.public, page_url(self.section.removeprefix("content/en/"), rel))

    def source(self, rel: str) -> str:
        """The generated Markdown file of a page."""
        return (self.root / self.section / rel).read_text(encoding="utf-8")

    def content(self, rel: str) -> Tag:
        """What Hugo made of the page's Markdown (and, in Docsy, its title and lead)."""
        page = self.soup(rel)
        return page.select_one(self.scope) if self.scope else page  # type: ignore[return-value]

    def soup(self, rel: str) -> BeautifulSoup:
        """The parsed HTML of a generated page."""
        return parse(self.html(rel))


# --- module fixtures ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Work:
    """Config files and build folders shared by the module's tests."""
    return Work(tmp_path_factory.mktemp("hugo-publish"))


@pytest.fixture(scope="module")
def pristine(work: Work) -> Path:
    """A website with the full hugosdk API published; never modified (tests copy it)."""
    root = fresh_site(work.base / "pristine")
    age(root)
    result = work.publish(root, "full")
    assert result.code == 0, result
    assert result.out_lines == [
        "docgen publish: hugosdk: 5 created, 0 updated, 0 deleted, 0 unchanged"
    ]
    return root


@pytest.fixture(scope="module", params=["skeleton", "kubeflow-website"])
def built(request: pytest.FixtureRequest, work: Work, pristine: Path) -> Built:
    """The full publish built by Hugo: in the skeleton, and in the real Kubeflow website
    (where the session's ``kubeflow_website`` published hugosdk beside Katib and Training)."""
    if request.param == "kubeflow-website":
        site: PublishedWebsite = request.getfixturevalue("kubeflow_website")
        return Built(site.root, site.before, Run(site.publish_code, "", ""), site.hugo_code,
                     site.hugo_problems, HUGOSDK_SECTION, ".td-content")  # fmt: skip
    root = copy_site(pristine, work.base / "built")
    result = run_hugo(root)
    return Built(root, snapshot(root), Run(0, "", ""), result.returncode, problems(result))


@pytest.fixture(scope="module")
def reduced(work: Work, pristine: Path) -> Built:
    """The full publish, then a release without LIMIT published over it, built by Hugo."""
    root = copy_site(pristine, work.base / "reduced")
    before = snapshot(root)
    run = work.publish(root, "reduced")
    result = run_hugo(root)
    return Built(root, before, run, result.returncode, problems(result))


# --- 1. escaping through real Hugo --------------------------------------------------------


def test_hugo_builds_the_published_pages_without_warnings(built: Built) -> None:
    assert built.run.code == 0 and built.hugo_rc == 0, built.hugo_problems
    assert built.hugo_problems == []
    assert manifest_files(built.root / built.section) == PAGES
    for rel in PAGES:
        assert built.html(rel).is_file(), rel


@pytest.mark.parametrize("rel", PAGES)
def test_no_docstring_markup_becomes_an_element(built: Built, rel: str) -> None:
    page = built.content(rel)
    html = str(page)
    for tag in ("script", "img", "i", "b", "iframe", "style"):
        assert page.find_all(tag) == [], (rel, tag)
    assert not re.search(r"<(script|img|i|b)[\s>]", html, re.I), rel
    assert "onerror" not in [attr for tag in page.find_all(True) for attr in tag.attrs]
    lead = page.find("div", class_="lead")  # the description, through markdownify
    assert isinstance(lead, Tag) and lead.find_all(True) == [], rel


def test_prose_shows_shortcodes_html_and_delimiters_literally(built: Built) -> None:
    client = article(built.soup("Client.md")).get_text()
    assert "{{< shortcode >}}" in client
    assert "{{% percent %}}" in client
    assert "an unclosed {{< opener" in client
    assert "<script>alert(" in client and ")</script>" in client
    assert "+++ title =" in client  # the front matter breaker stayed text
    assert "<!--more-->" in client
    assert "<i>HTML</i> and {{< alert >}}" in client
    assert "code with {{< inline >}} and <tags>" in client
    render = article(built.soup("render.md")).get_text()
    assert "<img src=x onerror=alert(3)> as-is" in render
    assert "{{ .Values.global.hub }}" in render
    constants = article(built.soup("constants.md")).get_text()
    assert "{{< param " in constants and "<b>ever</b>" in constants
    index = article(built.soup("_index.md")).get_text()
    assert "{{< shortcode >}}" in index and "<img src=x onerror=alert(3)>" in index
    # <!--more--> is text, not an HTML comment (nor Hugo's summary divider).
    page = built.content("Client.md")
    assert page.find_all(string=lambda s: isinstance(s, Comment)) == []
    assert "<!--" not in str(page)


def test_prose_shows_quotes_literally(built: Built) -> None:
    client = article(built.soup("Client.md")).get_text()
    assert "<script>alert('client')</script>" in client
    assert 'A client "+++" that says' in client
    lead = built.content("Client.md").find("div", class_="lead")
    assert isinstance(lead, Tag)
    assert lead.get_text() == FIRST_SENTENCES["Client.md"]


def test_code_blocks_show_shortcodes_literally(built: Built) -> None:
    blocks = [pre.get_text() for pre in article(built.soup("Client.md")).find_all("pre")]
    example = next(b for b in blocks if "Client(" in b and "print" in b)
    assert 'client = Client("{{< not-a-shortcode >}}")' in example
    assert 'print("{{% also-not %}}")' in example
    assert 'print("</code><script>alert(2)</script>")' in example
    assert "unclosed" in example
    spans = [c.get_text() for c in article(built.soup("Client.md")).find_all("code")]
    assert any("{< lone" in span for span in spans)


def test_only_safe_links(built: Built) -> None:
    for rel in PAGES:
        for anchor in built.soup(rel).find_all("a", href=True):
            href = str(anchor["href"]).strip().lower()
            assert not href.startswith(("javascript:", "data:", "vbscript:")), (rel, href)
    client = article(built.soup("Client.md"))
    safe = [a for a in client.find_all("a", href=True) if a.get_text() == "safe"]
    assert [unquote(str(a["href"])) for a in safe] == ["https://example.org/a_(b)"]
    assert "Mind the bad link and the safe." in " ".join(client.get_text().split())


def test_admonitions_become_docsy_alerts(built: Built) -> None:
    alerts = article(built.soup("Client.md")).find_all("div", class_="alert")
    headings = [alert.find("h4", class_="alert-heading") for alert in alerts]
    assert [h.get_text() for h in headings if isinstance(h, Tag)] == ["Note", "Warning"]
    assert "alert-info" in alerts[0]["class"] and "alert-warning" in alerts[1]["class"]
    assert "Notes become Docsy alerts" in alerts[0].get_text()
    assert "<i>HTML</i>" in alerts[0].get_text() and alerts[0].find("i") is None
    assert "Mind the bad link" in alerts[1].get_text()


@pytest.mark.parametrize("rel", PAGES)
def test_description_is_the_escaped_first_sentence(built: Built, rel: str) -> None:
    front, body = front_and_body(built.source(rel))
    description = front["description"]
    assert unescape(description) == FIRST_SENTENCES[rel]
    assert not re.search(r"(?<!\\)[<>{}]", description), description  # all escaped
    assert front["title"] != "hijacked"
    assert not [line for line in body.splitlines() if line.startswith("+++")], rel


def test_no_front_matter_was_hijacked(built: Built) -> None:
    for rel in PAGES:
        front, _ = front_and_body(built.source(rel))
        assert front["title"] != "hijacked"
        assert set(front) <= {"title", "linkTitle", "description", "weight", "aliases", "no_list"}
        page = built.soup(rel)
        assert page.title is not None and "hijacked" not in page.title.get_text()
    assert front_and_body(built.source("Client.md"))[0]["title"] == "Client"


def test_every_link_resolves_and_heading_ids_are_kept(built: Built) -> None:
    pages = [built.html(rel) for rel in PAGES]
    report = check_links(built.public, pages, scope=built.scope)
    assert report.broken == []
    assert report.internal >= 5, report
    client = built.content("Client.md")
    # the page's title is the class's heading: a reference to the class is one to the page
    assert client.find(id="hugosdk.Client") is None
    assert client.find("a", href=f"{built.section_url}client/") is not None
    connect = client.find(id="hugosdk.Client.connect")
    assert isinstance(connect, Tag) and connect.name == "h2" and connect.get_text() == "connect"
    constants = built.content("constants.md").find(id="hugosdk.LIMIT")
    assert isinstance(constants, Tag) and constants.name == "h2"


# --- 2. determinism -----------------------------------------------------------------------


def test_two_publishes_into_fresh_websites_are_identical(
    work: Work, pristine: Path, tmp_path: Path
) -> None:
    other = fresh_site(tmp_path / "other")
    result = work.publish(other, "full", out=tmp_path / "other-build")
    assert result.code == 0, result
    assert contents(other) == contents(pristine)
    generated = [f"{SECTION}/{rel}" for rel in [*PAGES, MANIFEST]]
    assert all(path in contents(other) for path in generated)


def test_a_second_publish_rewrites_nothing(work: Work, pristine: Path, tmp_path: Path) -> None:
    site = copy_site(pristine, tmp_path / "site")
    age(site)
    before = snapshot(site)
    again = work.publish(site, "full")  # the shared build folder: the build is skipped
    assert again.code == 0, again
    assert again.out_lines == ["docgen publish: hugosdk: the website is already up to date"]
    assert snapshot(site) == before
    rebuilt = work.publish(site, "full", out=tmp_path / "fresh-build")  # a full rebuild
    assert rebuilt.code == 0 and "already up to date" in rebuilt.out, rebuilt
    assert snapshot(site) == before
    # Applying the plan anyway writes nothing either.
    sdk = load_config(tmp_path, work.config("full"))["hugosdk"]
    sections = load_sections(tmp_path / "fresh-build" / "hugo", [sdk])
    applied = apply(plan(site, sections, content_dir=sdk.website_content))
    assert str(applied) == "0 created, 0 updated, 0 deleted, 4 unchanged"
    assert snapshot(site) == before


# --- 3. stale pages -----------------------------------------------------------------------


def test_a_removed_name_deletes_its_page_and_leaves_an_alias(reduced: Built) -> None:
    assert reduced.run.code == 0, reduced.run
    assert reduced.run.out_lines == [
        "docgen publish: hugosdk: 0 created, 3 updated, 1 deleted, 1 unchanged"
    ]
    section = reduced.root / SECTION
    assert not (section / "constants.md").exists()
    assert manifest_files(section) == ["Client.md", "_index.md", "render.md"]
    manifest = json.loads((section / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["aliases"] == {f"{SECTION_URL}constants/": "_index.md"}
    for rel in manifest_files(section):
        digest = hashlib.sha256((section / rel).read_bytes()).hexdigest()
        assert manifest["files"][rel]["sha256"] == digest, rel
    front, body = front_and_body((section / "_index.md").read_text(encoding="utf-8"))
    assert front["aliases"] == [f"{SECTION_URL}constants/"]
    assert "LIMIT" not in body


def test_hand_written_files_survive_the_stale_removal(reduced: Built) -> None:
    after = snapshot(reduced.root)
    hand = {p: v for p, v in reduced.before.items() if not p.startswith(f"{SECTION}/")}
    assert len(hand) > 10
    for path, value in hand.items():
        assert after.get(path) == value, path
    assert leftovers(reduced.root) == []


def test_hugo_serves_the_alias_of_the_removed_page(reduced: Built) -> None:
    assert reduced.hugo_rc == 0, reduced.hugo_problems
    assert reduced.hugo_problems == []
    alias = reduced.public / "docs/sdk/hugosdk/constants/index.html"
    assert alias.is_file()
    refresh = parse(alias).find("meta", attrs={"http-equiv": "refresh"})
    assert isinstance(refresh, Tag)
    assert str(refresh["content"]).endswith(SECTION_URL)
    pages = [reduced.html(rel) for rel in manifest_files(reduced.root / SECTION)]
    assert check_links(reduced.public, pages).broken == []


# --- 4. a hand-written file in the way ----------------------------------------------------


def test_a_hand_written_page_in_the_way_fails_without_writing(work: Work, tmp_path: Path) -> None:
    site = fresh_site(tmp_path / "site")
    (site / SECTION).mkdir(parents=True)
    (site / SECTION / "Client.md").write_text('+++\ntitle = "Mine"\n+++\nHand-written.\n')
    age(site)
    before = snapshot(site)
    result = work.publish(site, "full")
    assert result.code == 2, result
    assert len(result.err_lines) == 1, result.err
    assert result.err_lines[0].startswith(f"docgen publish: error: {SECTION}/Client.md: ")
    assert "not generated by docgen" in result.err_lines[0]
    assert str(site) not in result.err
    assert snapshot(site) == before
    assert not (site / SECTION / MANIFEST).exists()
    assert leftovers(site) == []


# --- 5. --check ---------------------------------------------------------------------------


def _check(work: Work, site: Path, config: str = "full") -> Run:
    """``--check``, asserting it wrote nothing in the website."""
    age(site)
    before = snapshot(site)
    result = work.publish(site, config, "--check")
    assert snapshot(site) == before
    return result


def test_check_of_an_up_to_date_website(work: Work, pristine: Path, tmp_path: Path) -> None:
    result = _check(work, copy_site(pristine, tmp_path / "site"))
    assert result.code == 0, result
    assert result.out_lines == ["docgen publish --check: hugosdk: the website is up to date"]


def test_check_lists_a_deleted_page_as_missing(work: Work, pristine: Path, tmp_path: Path) -> None:
    site = copy_site(pristine, tmp_path / "site")
    (site / SECTION / "render.md").unlink()
    result = _check(work, site)
    assert result.code == 1, result
    assert result.out_lines[:-1] == [f"{SECTION}/render.md: missing"]
    assert "1 file differs" in result.out_lines[-1]
    assert not (site / SECTION / "render.md").exists()


def test_check_lists_a_removed_name_as_stale(work: Work, pristine: Path, tmp_path: Path) -> None:
    result = _check(work, copy_site(pristine, tmp_path / "site"), "reduced")
    assert result.code == 1, result
    assert result.out_lines[:-1] == [
        f"{SECTION}/{MANIFEST}: changed",
        f"{SECTION}/Client.md: changed",
        f"{SECTION}/_index.md: changed",
        f"{SECTION}/constants.md: stale",
    ]


def test_check_of_a_never_published_website(work: Work, tmp_path: Path) -> None:
    site = fresh_site(tmp_path / "site")
    result = _check(work, site)
    assert result.code == 1, result
    expected = [f"{SECTION}/{rel}: missing" for rel in sorted([MANIFEST, *PAGES])]
    assert result.out_lines[:-1] == expected
    assert result.out_lines[-1].startswith("5 files differ")
    assert not (site / SECTION).exists()


def test_check_summary_stays_short(work: Work, pristine: Path, tmp_path: Path) -> None:
    site = copy_site(pristine, tmp_path / "site")
    manifest_path = site / SECTION / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for number in range(40):  # pages of an older release, all stale now
        rel = f"old/Page{number:02}.md"
        data = f'+++\ntitle = "Page {number}"\n+++\nOld.\n'.encode()
        (site / SECTION / rel).parent.mkdir(exist_ok=True)
        (site / SECTION / rel).write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        sealed = seal("hugosdk", rel, digest)  # as docgen would have listed them
        manifest["files"][rel] = {"sha256": digest, "seal": sealed, "anchors": []}
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    result = _check(work, site)
    assert result.code == 1, result
    assert len(result.out.splitlines()) <= 22, result.out
    # The manifest, _index.md (it takes the 40 old URLs as aliases), then stale pages.
    assert result.out_lines[:2] == [
        f"{SECTION}/{MANIFEST}: changed",
        f"{SECTION}/_index.md: changed",
    ]
    assert result.out_lines[2:20] == [
        f"{SECTION}/old/Page{number:02}.md: stale" for number in range(18)
    ]
    assert result.out_lines[20] == "... and 22 more"
    assert result.out_lines[21] == (
        "42 files differ from what docgen would publish (2 changed, 40 stale)"
    )


# --- 6. atomicity -------------------------------------------------------------------------


@pytest.mark.parametrize("published", [True, False], ids=["over-a-publish", "fresh"])
def test_a_failed_build_changes_nothing(
    work: Work, pristine: Path, tmp_path: Path, published: bool
) -> None:
    site = copy_site(pristine, tmp_path / "site") if published else fresh_site(tmp_path / "site")
    age(site)
    before = snapshot(site)
    result = work.publish(site, "broken", out=tmp_path / "build")
    assert result.code == 1, result
    assert "no-such-directive" in result.err
    assert "build failed, the website was not changed" in result.err_lines[-1]
    assert result.out == ""
    assert snapshot(site) == before


@pytest.fixture(scope="module")
def before_update(work: Work) -> Path:
    """A website with ``Client`` and ``LIMIT`` published (never modified: tests copy it)."""
    root = fresh_site(work.base / "before-update")
    result = work.publish(root, "before")
    assert result.code == 0, result
    assert not (root / SECTION / "render.md").exists()
    age(root)
    return root


@contextlib.contextmanager
def renames_during_apply(
    monkeypatch: pytest.MonkeyPatch, fake: Callable[..., Any]
) -> Iterator[None]:
    """Replace ``os.replace`` (the rename publish uses) by ``fake`` during apply."""
    real_apply = apply  # what kubeflow_devtools.docgen.hugo.website calls

    def patched_apply(*args: Any, **kwargs: Any) -> Any:
        with monkeypatch.context() as patch:
            patch.setattr(os, "replace", fake)
            return real_apply(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(website, "apply", patched_apply)
        yield


@pytest.fixture(scope="module")
def update_renames(work: Work, before_update: Path) -> int:
    """How many renames the update publish (``before`` -> ``reduced``) does, all succeeding."""
    site = copy_site(before_update, work.base / "count-renames")
    real = os.replace
    calls = [0]

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return real(*args, **kwargs)

    with pytest.MonkeyPatch.context() as monkeypatch, renames_during_apply(monkeypatch, counting):
        result = work.publish(site, "reduced")
    assert result.code == 0, result
    assert result.out_lines == [
        "docgen publish: hugosdk: 1 created, 3 updated, 1 deleted, 0 unchanged"
    ]
    return calls[0]


@pytest.mark.parametrize("successes", ["0", "1", "3", "half", "last"])
def test_a_failed_rename_leaves_the_website_as_it_was(
    work: Work,
    before_update: Path,
    update_renames: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    successes: str,
) -> None:
    assert update_renames >= 8  # 4 files moved aside, 4 files moved into place
    fail_after = {"half": update_renames // 2, "last": update_renames - 1}.get(successes)
    if fail_after is None:
        fail_after = int(successes)
    site = copy_site(before_update, tmp_path / "site")
    before = snapshot(site)
    real = os.replace
    calls = [0]

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == fail_after + 1:
            raise OSError(28, "No space left on device (simulated)")
        return real(*args, **kwargs)

    with renames_during_apply(monkeypatch, failing):
        result = work.publish(site, "reduced")
    assert calls[0] > fail_after  # the failure happened
    assert result.code == 2, result
    assert len(result.err_lines) == 1, result.err
    assert "the website was left as it was" in result.err
    assert "No space left on device (simulated)" in result.err
    assert snapshot(site) == before
    assert leftovers(site) == []


# --- 7. hand-edited generated pages -------------------------------------------------------


def test_a_hand_edited_page_needs_force(work: Work, pristine: Path, tmp_path: Path) -> None:
    site = copy_site(pristine, tmp_path / "site")
    page = site / SECTION / "render.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA hand-made note.\n", encoding="utf-8")
    age(site)
    before = snapshot(site)
    refused = work.publish(site, "full")
    assert refused.code == 2, refused
    assert len(refused.err_lines) == 1, refused.err
    assert refused.err_lines[0].startswith(f"docgen publish: error: {SECTION}/render.md: ")
    assert "edited by hand" in refused.err and "--force" in refused.err
    assert snapshot(site) == before
    forced = work.publish(site, "full", "--force")
    assert forced.code == 0, forced
    assert forced.out_lines == [
        "docgen publish: hugosdk: 0 created, 1 updated, 0 deleted, 3 unchanged"
    ]
    assert contents(site) == contents(pristine)
    assert leftovers(site) == []


# --- 8. usage errors ----------------------------------------------------------------------


def test_website_that_is_a_file(work: Work, tmp_path: Path) -> None:
    target = tmp_path / "website.txt"
    target.write_text("not a website\n")
    result = work.publish(target, "full")
    assert result.code == 2, result
    assert len(result.err_lines) == 1, result.err
    assert result.err_lines[0].startswith("docgen publish: error: ")
    assert str(target) in result.err_lines[0]
    assert target.read_text() == "not a website\n"


@pytest.mark.parametrize("text", ["{not json", '{"version": 1, "sdk": "hugosdk"}', ""])
def test_a_corrupt_manifest(work: Work, pristine: Path, tmp_path: Path, text: str) -> None:
    site = copy_site(pristine, tmp_path / "site")
    (site / SECTION / MANIFEST).write_text(text)
    age(site)
    before = snapshot(site)
    result = work.publish(site, "full")
    assert result.code == 2, result
    assert len(result.err_lines) == 1, result.err
    assert result.err_lines[0].startswith(f"docgen publish: error: {SECTION}/{MANIFEST}: ")
    assert "corrupt docgen manifest" in result.err
    assert snapshot(site) == before


# --- 9. sections whose parent is no Hugo section --------------------------------------------


def test_a_section_under_a_missing_parent_is_refused(work: Work, tmp_path: Path) -> None:
    site = fresh_site(tmp_path / "site")
    before = snapshot(site)
    refused = work.publish(site, "orphan")
    assert refused.code == 2, refused
    assert refused.err_lines == [
        "docgen publish: error: section content/en/docs/gone/reference/hugosdk: its parent "
        "content/en/docs/gone/reference does not exist as a section (no "
        "content/en/docs/gone/reference/_index.md); create it, choose another website_section, "
        "or publish with --create-parents"
    ]
    assert snapshot(site) == before
    asked = work.publish(site, "orphan", "--create-parents")
    assert asked.code == 0, asked
    assert (site / "content/en/docs/gone/reference/hugosdk/_index.md").is_file()
    assert not (site / "content/en/docs/gone/reference/_index.md").exists()
