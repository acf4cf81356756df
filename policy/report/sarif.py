"""SARIF 2.1.0: one rule per check with its help, one result per finding with its location.

The output is what GitHub code scanning accepts: ``runs[0].tool.driver.rules`` from the rule
registry (the report's ``rules``), results with ``ruleId``/``ruleIndex``, a physical location
(file and line, relative to the working directory, with forward slashes), a stable
``partialFingerprints`` entry (rule, kind, namespace, name, container: not the line), and
waived findings as suppressed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from kubeflow_devtools.policy.model.findings import DOCS_URL, Finding, RuleInfo
from kubeflow_devtools.policy.model.report import Report
from kubeflow_devtools.sarif import SARIF_SCHEMA, artifact_uri, tool_version

_LEVEL = {"error": "error", "warning": "warning", "note": "note"}


def _rule(rule: RuleInfo) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.id[0].upper() + rule.id[1:],
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.summary},
        "help": {"text": rule.doc or rule.title, "markdown": rule.doc or rule.title},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": _LEVEL.get(rule.severity, "error")},
        "properties": {"tags": ["security", "kubernetes", f"level:{rule.level}"]},
    }


def fingerprint(finding: Finding) -> str:
    """A stable identity for a finding, independent of its line."""
    return hashlib.sha256("\0".join(finding.key).encode()).hexdigest()[:32]


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
        physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(finding.file)}}
        if finding.line is not None:
            physical["region"] = {"startLine": finding.line}
        namespace = f"{finding.namespace}/" if finding.namespace else ""
        result["locations"] = [
            {
                "physicalLocation": physical,
                "logicalLocations": [
                    {
                        "fullyQualifiedName": f"{finding.kind}/{namespace}{finding.name}",
                        "kind": "resource",
                    }
                ],
            }
        ]
    suppressions = []
    if finding.waived:
        suppressions.append(
            {"kind": "external", "status": "accepted", "justification": finding.waiver_reason or ""}
        )
    if finding.baselined:
        suppressions.append(
            {"kind": "external", "status": "accepted", "justification": "in the baseline"}
        )
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
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "rootless-check",
                        "semanticVersion": tool_version(),
                        "informationUri": DOCS_URL,
                        "rules": [_rule(rule) for rule in rules],
                    }
                },
                "results": [_result(f, index) for f in report.findings],
                **({"properties": {"inputs": _inputs(report)}} if report.inputs else {}),
                "invocations": [
                    {
                        "executionSuccessful": not report.errors,
                        "toolExecutionNotifications": [
                            *(
                                {"level": "warning", "message": {"text": warning}}
                                for warning in report.warnings
                            ),
                            {"level": "note", "message": {"text": report.mesh.description}},
                            *(
                                {"level": "error", "message": {"text": str(error)}}
                                for error in report.errors
                            ),
                        ],
                    }
                ],
            }
        ],
    }


def render_sarif(report: Report) -> str:
    """The SARIF log as text."""
    return json.dumps(report_to_sarif(report), indent=2) + "\n"
