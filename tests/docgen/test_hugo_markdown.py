"""Escaping for Hugo: every string comes out of real Hugo exactly as it went in, as text.

Under two sets of Markdown settings: Hugo's defaults, and the Kubeflow website's (Goldmark's
passthrough extension for MathJax on), each written into the test site's ``hugo.toml``.
"""

from __future__ import annotations

import random

import pytest
from bs4 import BeautifulSoup, Tag

from kubeflow_devtools.docgen.hugo import markdown as md
from kubeflow_devtools.docgen.hugo.settings import DEFAULT, MarkdownSettings, read_settings
from tests.docgen.hugo_helpers import problems, run_hugo

NASTY = [
    "{{< shortcode >}}",
    "{{% percent %}}",
    "{{< unclosed",
    "{{</* already escaped */>}}",
    "<script>alert(1)</script>",
    "<!--more-->",
    "+++",
    "---",
    "- not a list",
    "1. not a list",
    "2) not a list",
    "# not a heading",
    "> not a quote",
    "=== not a setext underline",
    ": not a definition",
    "    not code",
    "*not emphasis* and _not either_ and __nor this__",
    "snake_case_name and _leading and trailing_",
    "[not](a link) and ![not](an image)",
    "<https://example.org> autolink",
    "&lt; entity &amp; &#60;",
    "a | pipe ~~strike~~ $math$",
    "back\\slash \\* \\",
    "`tick` ``double``",
    "{#fake-id} {.class}",
    "--flag and --- and ... and << >>",
    "unicode: \u00e9\u4e2d\u2603 and \u200b zero width",
    "Optional[str] and Dict[str, List[int]]",
    "math \\[x^2\\] and \\(y\\) and $$z$$ and $5 or $$ alone",
    "\\\\[ escaped \\\\] and \\$\\$ and $\\$",
]
ALPHABET = "ab _-*`<>{}[]()#!|~&+=:.\\/%\"'\n\t1$"


def _cases() -> list[str]:
    rng = random.Random(20261129)
    generated = [
        "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 24))) for _ in range(300)
    ]
    return NASTY + [g for g in generated if g.strip()]


def _spacing(text: str) -> str:
    """Whitespace as HTML shows it (runs are one space); nothing else is normalised."""
    return " ".join(text.split())


PASSTHROUGH_TOML = """[markup.goldmark.extensions.passthrough]
enable = true
[markup.goldmark.extensions.passthrough.delimiters]
block = [['\\[', '\\]'], ['$$', '$$']]
inline = [['\\(', '\\)']]
"""
SETTINGS = {"hugo-defaults": MarkdownSettings(), "kubeflow-website": DEFAULT}


@pytest.fixture(scope="module", params=sorted(SETTINGS))
def rendered(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[str], BeautifulSoup]:
    """One page holding every case as a paragraph, a code span and a code block; built by Hugo
    with the Markdown settings the page was escaped for (read back from its ``hugo.toml``)."""
    settings = SETTINGS[request.param]
    site = tmp_path_factory.mktemp("escaping")
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "layouts" / "_default" / "single.html").write_text("{{ .Content }}")
    (site / "layouts" / "_default" / "list.html").write_text("{{ .Content }}")
    (site / "hugo.toml").write_text(
        'baseURL = "https://example.org/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap",'
        ' "home", "section", "404", "robotsTXT"]\n[markup.goldmark.renderer]\nunsafe = true\n'
        + (PASSTHROUGH_TOML if settings.passthrough else "")
    )
    assert read_settings(site) == settings
    cases = _cases()
    lines = ["+++", 'title = "cases"', "+++", ""]
    for i, case in enumerate(cases):
        prose = md.line_start(md.text(case, settings))
        lines += [md.heading(2, f"case {i}", f"case-{i}"), "", prose, ""]
        lines += [md.code_span(case), "", *md.code_block(case, "text"), ""]
    (site / "content").mkdir()
    (site / "content" / "cases.md").write_text("\n".join(lines), encoding="utf-8")
    result = run_hugo(site)
    assert result.returncode == 0, problems(result)
    html = (site / "public" / "cases" / "index.html").read_text(encoding="utf-8")
    return cases, BeautifulSoup(html, "html.parser")


def _blocks(soup: BeautifulSoup, index: int) -> list[Tag]:
    heading = soup.find(id=f"case-{index}")
    assert isinstance(heading, Tag), index
    found = []
    for sibling in heading.find_next_siblings():
        if sibling.name == "h2":
            break
        found.append(sibling)
    return found


def test_prose_renders_literally(rendered: tuple[list[str], BeautifulSoup]) -> None:
    cases, soup = rendered
    for i, case in enumerate(cases):
        blocks = _blocks(soup, i)
        assert blocks[0].name == "p", (case, str(blocks[0]))
        assert list(blocks[0].find_all(True)) == [], (case, str(blocks[0]))  # no element at all
        assert _spacing(blocks[0].get_text()) == _spacing(case), case


def test_code_spans_and_blocks_render_literally(rendered: tuple[list[str], BeautifulSoup]) -> None:
    cases, soup = rendered
    for i, case in enumerate(cases):
        _, span, block = _blocks(soup, i)[:3]
        codes = span.find_all("code")
        assert [c.name for c in span.find_all(True)] == ["code"], (case, str(span))
        shown = codes[0].get_text().replace("\u200b", "")
        assert " ".join(shown.split()) == " ".join(case.replace("\u200b", "").split()), case
        pre = block.find("pre")
        assert pre is not None, (case, str(block))
        code = pre.get_text().replace("\u200b", "").rstrip("\n")
        assert code == case.replace("\u200b", "").rstrip("\n"), case


def test_no_element_came_from_any_case(rendered: tuple[list[str], BeautifulSoup]) -> None:
    _, soup = rendered
    allowed = {"h2", "p", "code", "pre", "div", "span"}
    assert {tag.name for tag in soup.find_all(True)} <= allowed


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("https://example.org/a b", "https://example.org/a%20b"),
        ("https://example.org/a_(b)", "https://example.org/a_%28b%29"),
        ("mailto:someone@example.org", "mailto:someone@example.org"),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("vbscript:x", None),
        ("relative/path.html", None),
    ],
)
def test_only_safe_link_schemes(target: str, expected: str | None) -> None:
    assert md.url(target) == expected


def test_shortcode_safe_forms() -> None:
    assert md.shortcode_safe("{{< x >}}") == "{{</* x */>}}"
    assert md.shortcode_safe("{{% x %}}") == "{{%/* x */%}}"
    assert md.shortcode_safe("a {{< b") == "a {\u200b{< b"
    assert md.shortcode_safe("{{ .Values.hub }}") == "{{ .Values.hub }}"


def test_code_span_fences_outgrow_backticks() -> None:
    assert md.code_span("a``b") == "```a``b```"
    assert md.code_span("`x`") == "`` `x` ``"
    assert md.code_span("a|b", in_table=True) == "`a\\|b`"


def test_anchor_ids_are_kept_whole() -> None:
    assert md.anchor_id("kubeflow.katib.KatibClient.tune") == "kubeflow.katib.KatibClient.tune"
    assert md.anchor_id("module-x y") == "module-x-y"
    assert md.anchor_id("1abc") == "id-1abc"


def test_heading_takes_markdown_and_a_cleaned_id() -> None:
    assert md.heading(2, md.text("# x {y}", DEFAULT), "a.b") == "## \\# x \\{y\\} {#a.b}"


def test_brackets_become_character_references_only_where_they_would_open_math() -> None:
    assert md.text("Optional[str]", DEFAULT) == "Optional&#91;str&#93;"
    assert md.text("Optional[str]", MarkdownSettings()) == "Optional\\[str\\]"
    assert md.text("$$", DEFAULT) == "\\$\\$"
    assert md.text("$$", MarkdownSettings()) == "$$"
    assert md.text("'quoted' -- x...", MarkdownSettings(typographer=False)) == "'quoted' -- x..."
    assert md.heading(3, "x", "a b") == "### x {#a-b}"
