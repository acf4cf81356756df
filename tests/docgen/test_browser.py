"""The published pages as a reader sees them: the real website's build in headless Chromium.

At 1280 px, KatibClient (top and its ``tune`` method) and ``V1beta1ExperimentSpec`` show no
Markdown, math or shortcode delimiters as text; every table cell, field definition and list
item is inside the window and not clipped by a scrolling box; code in prose (not in links,
which have the site's link colour) is readable (WCAG AA contrast). Screenshots are kept under
``build/screenshots/`` (not committed) for a person to look at. A page built to fail shows
that each check can.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubeflow_devtools.docgen.build import BuildResult
from kubeflow_devtools.docgen.config import DEFAULTS
from tests.docgen.browser import Browser, browser, serve
from tests.docgen.conftest import PublishedWebsite
from tests.docgen.hugo_helpers import page_url
from tests.docgen.real_site import LEAKS

pytestmark = pytest.mark.slow

WIDTH = 1280
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"

# Returns what a reader would see wrong on the page: text showing delimiters, cells outside the
# window or clipped by a scrolling box, code whose colour is too close to its background.
PAGE_CHECK = """
((leaks) => {
  const skip = new Set(["CODE", "PRE", "SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"]);
  const inCode = (node) => {
    for (let el = node.parentElement; el; el = el.parentElement) {
      if (skip.has(el.tagName)) return true;
    }
    return false;
  };
  const shown = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (inCode(node)) continue;
    for (const leak of leaks) {
      const text = node.textContent;
      if (text.includes(leak)) shown.push(leak + " in " + text.trim().slice(0, 100));
    }
  }
  const width = document.documentElement.clientWidth;
  const article = document.querySelector(".td-content") || document.querySelector("article")
    || document.body;
  const cells = Array.from(article.querySelectorAll("td, th, dt, dd, li"));
  const outside = [];
  for (const cell of cells) {
    const box = cell.getBoundingClientRect();
    let left = 0, right = width;
    for (let el = cell.parentElement; el && el !== document.body; el = el.parentElement) {
      if (getComputedStyle(el).overflowX !== "visible") {
        const clip = el.getBoundingClientRect();
        left = Math.max(left, clip.left); right = Math.min(right, clip.right);
      }
    }
    if (box.left < left - 1 || box.right > right + 1) {
      outside.push(cell.tagName + " " + Math.round(box.left) + "-" + Math.round(box.right) +
                   " (visible " + Math.round(left) + "-" + Math.round(right) + "): " +
                   cell.textContent.trim().slice(0, 60));
    }
  }
  const rgba = (text) => (text.match(/[\\d.]+/g) || []).map(Number).concat([1]).slice(0, 4);
  const background = (el) => {
    const layers = [];
    for (; el; el = el.parentElement) layers.push(rgba(getComputedStyle(el).backgroundColor));
    let [r, g, b] = [255, 255, 255];
    for (const [lr, lg, lb, la] of layers.reverse()) {
      r = lr * la + r * (1 - la); g = lg * la + g * (1 - la); b = lb * la + b * (1 - la);
    }
    return [r, g, b];
  };
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const faint = [];
  // code in a link has the link's colour: the site's palette, not the page's
  const codes = Array.from(article.querySelectorAll("code")).filter(
    (c) => !c.closest("pre") && !c.closest("a"));
  for (const code of codes) {
    const [a, b] = [luminance(rgba(getComputedStyle(code).color)), luminance(background(code))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) faint.push(code.textContent.slice(0, 40) + " " + ratio.toFixed(2));
  }
  return {shown, outside, faint, cells: cells.length, codes: codes.length, width};
})
"""


def check_page(page: Browser, url: str, shot: Path, *, anchor: str = "") -> dict[str, Any]:
    """Open ``url`` at :data:`WIDTH`, run :data:`PAGE_CHECK`, save a screenshot of the window
    (scrolled to ``anchor`` when given) and one of the whole page."""
    page.open(url, WIDTH)
    result: dict[str, Any] = page.evaluate(f"{PAGE_CHECK}({list(LEAKS)!r})")
    if anchor:
        page.evaluate(f"document.getElementById({anchor!r}).scrollIntoView()")
        page.evaluate("window.scrollBy(0, -80)")  # Docsy's fixed navigation bar
    page.screenshot(shot)
    if not anchor:
        page.screenshot(shot.with_name(shot.stem + "-full.png"), full_page=True)
    return result


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One headless Chromium for the module."""
    with browser() as running:
        yield running


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go: ``build/screenshots`` in the project (emptied first)."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


@pytest.mark.parametrize(
    ("name", "rel", "anchor"),
    [
        ("KatibClient", "KatibClient.md", ""),
        ("tune", "KatibClient.md", "kubeflow.katib.KatibClient.tune"),
        ("V1beta1ExperimentSpec", "models/V1beta1ExperimentSpec.md", ""),
    ],
)
def test_published_pages_read_right_at_1280px(
    kubeflow_website: PublishedWebsite,
    chromium: Browser,
    screenshots: Path,
    name: str,
    rel: str,
    anchor: str,
) -> None:
    katib = DEFAULTS["katib"]
    with serve(kubeflow_website.public) as base:
        url = base + page_url(katib.content_section, rel)
        result = check_page(chromium, url, screenshots / f"{name}.png", anchor=anchor)
    assert result["width"] == WIDTH
    assert result["shown"] == []
    assert result["outside"] == []
    assert result["faint"] == []
    assert result["codes"] > 10
    if rel.startswith("models/"):
        assert result["cells"] == 11  # a list item per field
    assert (screenshots / f"{name}.png").stat().st_size > 10_000


def test_html_model_page_reads_right_at_1280px(
    sdk_site: BuildResult, chromium: Browser, screenshots: Path
) -> None:
    # the standalone HTML site (furo): the model's fields are a definition list there too
    with serve(sdk_site.html) as base:
        url = f"{base}/katib/models/V1beta1ExperimentSpec.html"
        result = check_page(chromium, url, screenshots / "html-V1beta1ExperimentSpec.png")
    assert result["shown"] == []
    assert result["outside"] == []
    assert result["cells"] >= 2 * 11  # a term and a definition per field, and the class


BAD_PAGE = """<!doctype html><html><body style="margin:0">
<div class="td-content" style="width:700px">
  <p>Optional\\[<a href="https://x.org">str</a>\\] and [`str`](https://docs.python.org)</p>
  <ul><li><strong><code style="color:#c8c8c8">namespace</code></strong> a faint name</li></ul>
  <div style="overflow-x:auto">
    <table><tr><td>max_failed_trial_count</td><td>maxFailedTrialCount</td>
      <td>V1beta1MetricsCollectorSpecWithAVeryLongUnbreakableName</td>
      <td>Max failed trials to mark experiment as failed, a description nobody can read.</td></tr>
    </table>
  </div>
</div></body></html>
"""


def test_the_check_fails_where_a_reader_would(chromium: Browser, tmp_path: Path) -> None:
    (tmp_path / "bad.html").write_text(BAD_PAGE.replace("<td>", '<td style="white-space:nowrap">'))
    with serve(tmp_path) as base:
        result = check_page(chromium, f"{base}/bad.html", tmp_path / "bad.png")
    assert any(s.startswith("\\[ in ") for s in result["shown"]), result
    assert any(s.startswith("](http in ") for s in result["shown"]), result
    assert any(s.startswith("` in ") for s in result["shown"]), result
    assert any("Max failed trials" in o for o in result["outside"]), result
    assert [f.split()[0] for f in result["faint"]] == ["namespace"], result
