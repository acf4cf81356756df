"""Escaping for Hugo: every string comes out of real Hugo exactly as it went in, as text."""

from __future__ import annotations

import random

import pytest
from bs4 import BeautifulSoup, Tag

from kubeflow_devtools.docgen.hugo import markdown as md
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
]
ALPHABET = "ab _-*`<>{}[]()#!|~&+=:.\\/%\"'\n\t1"


def _cases() -> list[str]:
    rng = random.Random(20261129)
    generated = [
        "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 24))) for _ in range(300)
    ]
    return NASTY + [g for g in generated if g.strip()]


def _spacing(text: str) -> str:
    """Whitespace as HTML shows it (runs are one space); nothing else is normalised."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], BeautifulSoup]:
    """One page holding every case as a paragraph, a code span and a code block; built by Hugo."""
    site = tmp_path_factory.mktemp("escaping")
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "layouts" / "_default" / "single.html").write_text("{{ .Content }}")
    (site / "layouts" / "_default" / "list.html").write_text("{{ .Content }}")
    (site / "hugo.toml").write_text(
        'baseURL = "https://example.org/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap",'
        ' "home", "section", "404", "robotsTXT"]\n[markup.goldmark.renderer]\nunsafe = true\n'
    )
    cases = _cases()
    lines = ["+++", 'title = "cases"', "+++", ""]
    for i, case in enumerate(cases):
        lines += [md.heading(2, f"case {i}", f"case-{i}"), "", md.line_start(md.text(case)), ""]
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
    assert md.heading(2, md.text("# x {y}"), "a.b") == "## \\# x \\{y\\} {#a.b}"
    assert md.heading(3, "x", "a b") == "### x {#a-b}"
