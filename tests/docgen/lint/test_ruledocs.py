"""``docs/docgen-lint.md`` is generated from the rule registry and committed: it must not drift."""

from __future__ import annotations

from pathlib import Path

from kubeflow_devtools.docgen.lint.ruledocs import render_page
from kubeflow_devtools.docgen.lint.rules import RULES

DOCS = Path(__file__).resolve().parents[3] / "docs" / "docgen-lint.md"


def test_committed_page_is_current() -> None:
    assert DOCS.read_text(encoding="utf-8") == render_page(), (
        "docs/docgen-lint.md is stale: run "
        "`python -m kubeflow_devtools.docgen.lint.ruledocs > docs/docgen-lint.md`"
    )


def test_every_rule_has_its_section_with_its_module_docstring() -> None:
    page = render_page()
    for rule in RULES:
        assert f"\n### `{rule.id}`\n\n**{rule.title}.**\n\n" in page
        first_line = rule.doc.strip().splitlines()[0]
        assert first_line in page, rule.id
    assert page.count("\n### `") == len(RULES)
