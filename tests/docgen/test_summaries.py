"""One first sentence per object: the SDK index and the Hugo page description agree.

For every object and model of the real Katib and Training references that has a page of its
own, the summary the HTML index shows beside it is the ``description`` of its Hugo page. When
the docstring has no opening paragraph the index shows none, and the page's description names
the object and the release (Docsy would otherwise take the page's opening text, the signature
and the constructor's docstring). The SDK's constants share one page that describes no single
object; they are listed without a summary.
"""

from __future__ import annotations

import json
import posixpath
import re
from importlib.metadata import version

import pytest
from bs4 import Tag

from kubeflow_devtools.docgen.build import BuildResult
from kubeflow_devtools.docgen.config import DEFAULTS
from tests.docgen.helpers import soup

pytestmark = pytest.mark.slow

INDEXES = ("index.html", "models/index.html")


def unescape(markdown: str) -> str:
    """Markdown text with its backslash escapes removed."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def index_summaries(site: BuildResult, sdk: str) -> dict[str, str]:
    """Page (``KatibClient.md``, ``models/V1beta1Trial.md``) -> the summary its index shows."""
    found: dict[str, str] = {}
    for index in INDEXES:
        folder = posixpath.dirname(index)
        for item in soup(site.html / sdk / index).select("article li"):
            link = item.find("a", class_="reference")
            assert isinstance(link, Tag), item
            if link.find("code", class_="py-data") is not None:
                continue  # a constant: a place on the constants page, not a page
            page = str(link["href"]).split("#", 1)[0].removesuffix(".html") + ".md"
            text = " ".join(item.get_text().split())
            found[posixpath.join(folder, page)] = text.partition(": ")[2]
    return found


def descriptions(site: BuildResult, sdk: str) -> dict[str, str]:
    """Page -> the ``description`` of its Hugo front matter (unescaped; empty if none)."""
    pages = json.loads((site.hugo / sdk / "pages.json").read_text(encoding="utf-8"))["pages"]
    return {rel: unescape(page["front"].get("description", "")) for rel, page in pages.items()}


@pytest.mark.parametrize("sdk", ["katib", "training"])
def test_index_summary_is_the_hugo_description(sdk_site: BuildResult, sdk: str) -> None:
    summaries = index_summaries(sdk_site, sdk)
    described = descriptions(sdk_site, sdk)
    pages = {rel for rel in described if not rel.endswith("_index.md")}
    assert set(summaries) == pages - ({"constants.md"} if sdk == "katib" else set())
    assert len(summaries) > 25
    unnamed = {rel: text for rel, text in summaries.items() if not text}
    assert {rel: described[rel] for rel in summaries if summaries[rel]} == {
        rel: text for rel, text in summaries.items() if text
    }
    release = f"{DEFAULTS[sdk].distribution} {version(str(DEFAULTS[sdk].distribution))}"
    for rel in unnamed:
        assert re.fullmatch(rf"API reference of [\w.]+ \({re.escape(release)}\)\.", described[rel])


def test_the_objects_with_a_first_sentence(sdk_site: BuildResult) -> None:
    katib, training = index_summaries(sdk_site, "katib"), index_summaries(sdk_site, "training")
    # no class docstring, and a constructor's that only says it is one: no summary (it was
    # "KatibClient constructor.", a lead that says nothing about the class)
    assert katib["KatibClient.md"] == ""
    assert katib["report_metrics.md"] == "Push Metrics Directly to Katib DB"
    assert training["TrainingClient.md"] == ""
    # kubeflow.katib.search has no docstring: its page had the description of its first
    # function ("Sample a float value uniformly between min and max."); it has none now
    assert katib["search.md"] == ""
    assert training["constants.md"] == ""
    assert {rel for rel, text in {**katib, **training}.items() if text} == {"report_metrics.md"}
