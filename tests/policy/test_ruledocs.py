"""The rule reference is generated from the registry and committed: it must not drift."""

from __future__ import annotations

from pathlib import Path

from kubeflow_devtools.policy.pss import all_checks
from kubeflow_devtools.policy.pss.remediation import REMEDIATION
from kubeflow_devtools.policy.ruledocs import render_rule_reference
from kubeflow_devtools.policy.rules import all_rules

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_committed_rule_reference_is_current() -> None:
    assert DOCS.read_text() == render_rule_reference(), (
        "docs/rules.md is stale: run `python -m kubeflow_devtools.policy.ruledocs > docs/rules.md`"
    )


def test_every_check_has_a_remediation() -> None:
    assert set(REMEDIATION) == {check.id for check in all_checks()}


def test_every_rule_has_a_section_that_its_help_uri_points_at() -> None:
    page = render_rule_reference()
    for rule in all_rules():
        assert f"\n## {rule.id}\n" in page
        assert rule.help_uri.endswith(f"#{rule.id.lower()}")
        assert rule.doc.strip(), rule.id
