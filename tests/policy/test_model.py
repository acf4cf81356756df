"""The data model: one way to make a finding, one rule descriptor, renderers over plain data."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from kubeflow_devtools.policy.mesh.rules import MESH_RULES
from kubeflow_devtools.policy.model.findings import DOCS_URL, Finding, Named, RuleInfo
from kubeflow_devtools.policy.model.report import Options, Report
from kubeflow_devtools.policy.pss import all_checks
from kubeflow_devtools.policy.report import RENDERERS
from kubeflow_devtools.policy.rules import all_rules, pss_rule

POLICY = Path(__file__).resolve().parents[2] / "policy"
RULE = RuleInfo("someRule", "mesh", "warning", "A title", "Some documentation.")


def test_finding_of_takes_the_rule_and_the_subject() -> None:
    finding = Finding.of(
        RULE,
        Named("Deployment", "web", "apps", "apps/v1"),
        "what is wrong",
        at=("m.yaml", 7),
        path="spec.replicas",
        pod_path="spec.template.spec",
        container="c",
        found_by="Deployment",
        injected=True,
    )
    assert finding == Finding(
        rule="someRule",
        level="mesh",
        severity="warning",
        kind="Deployment",
        api_version="apps/v1",
        namespace="apps",
        name="web",
        container="c",
        path="spec.replicas",
        pod_path="spec.template.spec",
        message="what is wrong",
        file="m.yaml",
        line=7,
        found_by="Deployment",
        injected=True,
    )
    assert not finding.waived and not finding.baselined


def test_finding_of_defaults_and_severity_override() -> None:
    finding = Finding.of(RULE, Named("Mesh", "istio"), "m", severity="error")
    assert (finding.severity, finding.namespace, finding.api_version) == ("error", None, "")
    assert (finding.file, finding.line, finding.path, finding.pod_path) == (None, None, "", None)


def test_no_module_builds_a_finding_field_by_field() -> None:
    calls = []
    for path in sorted(POLICY.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Finding":
                calls.append(f"{path.relative_to(POLICY)}:{node.lineno}")
    assert calls == []


def test_every_rule_is_one_kind_of_descriptor() -> None:
    rules = all_rules()
    assert all(type(rule) is RuleInfo for rule in rules)
    assert all(rule.level == "mesh" for rule in MESH_RULES)
    assert set(MESH_RULES) <= set(rules)
    assert [pss_rule(c) for c in all_checks()] == rules[: len(all_checks())]


def test_renderers_need_only_a_report() -> None:
    report = Report(Options())
    for name, render in sorted(RENDERERS.items()):
        assert isinstance(render(report), str), name
    sarif = json.loads(RENDERERS["sarif"](report))
    assert sarif["runs"][0]["tool"]["driver"]["informationUri"] == DOCS_URL
    assert sarif["runs"][0]["tool"]["driver"]["rules"] == []
