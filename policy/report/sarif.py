"""SARIF 2.1.0: one rule per check with its help, one result per finding with its location.

The output is what GitHub code scanning accepts: ``runs[0].tool.driver.rules`` from the rule
registry (the report's ``rules``), results with ``ruleId``/``ruleIndex``, a physical location
(file and line, relative to the working directory, with forward slashes), a stable
``partialFingerprints`` entry (rule, kind, namespace, name, container: not the line), and
waived findings as suppressed.
"""

from __future__ import annotations

import json
from typing import Any

from kubeflow_devtools.policy.model.findings import DOCS_URL, Finding, RuleInfo
from kubeflow_devtools.policy.model.report import Report
from kubeflow_devtools.sarif import fingerprint as key_fingerprint
from kubeflow_devtools.sarif import location, rule_descriptor, sarif_log, suppression

_LEVEL = {"error": "error", "warning": "warning", "note": "note"}


def _rule(rule: RuleInfo) -> dict[str, Any]:
    return rule_descriptor(
        rule.id, rule.id[0].upper() + rule.id[1:], rule.title, rule.summary,
        rule.doc or rule.title, rule.help_uri, _LEVEL.get(rule.severity, "error"),
        ["security", "kubernetes", f"level:{rule.level}"],
    )  # fmt: skip


def fingerprint(finding: Finding) -> str:
    """A stable identity for a finding, independent of its line."""
    return key_fingerprint(finding.key)


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": _LEVEL.get(finding.severity, "error"),
        "message": {"text": finding.message},
        "partialFingerprints": {"rootlessCheck/v1": fingerprint(finding)},
        "properties": {
            "kind": finding.kind,
            "namespace": finding.namespace,
            "name": finding.name,
            "container": finding.container,
            "path": finding.path,
            "injected": finding.injected,
            **({"input": finding.input} if finding.input else {}),
        },
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    if finding.file:
        namespace = f"{finding.namespace}/" if finding.namespace else ""
        name = f"{finding.kind}/{namespace}{finding.name}"
        result["locations"] = [location(finding.file, finding.line, name, "resource")]
    suppressions = []
    if finding.waived:
        suppressions.append(suppression(finding.waiver_reason or ""))
    if finding.baselined:
        suppressions.append(suppression("in the baseline"))
    if suppressions:
        result["suppressions"] = suppressions
    return result


def _inputs(report: Report) -> list[dict[str, Any]]:
    """Repository mode: every input, with what became of it (results name theirs)."""
    return [
        {"path": r.path, "kind": r.kind, "status": r.status, "reason": r.reason}
        for r in report.inputs
    ]


def report_to_sarif(report: Report) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log."""
    rules = report.rules
    index = {rule.id: i for i, rule in enumerate(rules)}
    notifications = [
        *({"level": "warning", "message": {"text": warning}} for warning in report.warnings),
        {"level": "note", "message": {"text": report.mesh.description}},
        *({"level": "error", "message": {"text": str(error)}} for error in report.errors),
    ]
    invocations = [{"executionSuccessful": not report.errors,
                    "toolExecutionNotifications": notifications}]  # fmt: skip
    return sarif_log(
        "rootless-check", DOCS_URL, [_rule(rule) for rule in rules],
        [_result(f, index) for f in report.findings],
        **({"properties": {"inputs": _inputs(report)}} if report.inputs else {}),
        invocations=invocations,
    )  # fmt: skip


def render_sarif(report: Report) -> str:
    """The SARIF log as text."""
    return json.dumps(report_to_sarif(report), indent=2) + "\n"
