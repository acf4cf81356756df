"""The JSON report: a versioned contract that other tools read (documented in docs/)."""

from __future__ import annotations

import json
from typing import Any

from kubeflow_devtools.policy.model.findings import Finding
from kubeflow_devtools.policy.model.report import Report

JSON_VERSION = 1


def report_to_json(report: Report) -> dict[str, Any]:
    """The report as the JSON contract's object (``version`` 1)."""
    s = report.summary
    version = report.options.version
    return {
        "version": JSON_VERSION,
        "options": {
            "profile": report.options.level.value,
            "pssVersion": "latest" if version is None else f"v1.{version}",
        },
        "summary": {
            "files": s.files,
            "documents": s.documents,
            "nonObjects": s.non_objects,
            "resources": s.resources,
            "pod_specs": s.pod_specs,
            "containers": s.containers,
            "injectedPods": s.injected_pods,
            "findings": s.findings,
            "failing": s.failing,
            "waived": s.waived,
            "errors": s.errors,
            "schemaSkipped": s.schema_skipped,
        },
        "mesh": {
            "mode": report.mesh.mode.value,
            "present": report.mesh.present,
            "injection": report.mesh.injection,
            "cni": report.mesh.cni_enabled,
            "ambient": report.mesh.ambient_enabled,
            "nativeSidecars": report.mesh.native_sidecars,
            "description": report.mesh.description,
        },
        "namespaces": [
            {
                "name": row.name,
                "mesh": row.mesh,
                "enforce": row.enforce,
                "workloads": row.workloads,
                "injected": row.injected,
                "rootless": row.rootless,
            }
            for row in report.namespace_summaries()
        ],
        "findings": finding_list(report.findings),
        "errors": [{"file": e.file, "line": e.line, "message": e.message} for e in report.errors],
    }


def finding_list(findings: list[Finding]) -> list[dict[str, Any]]:
    """Findings as the JSON contract's objects."""
    return [f.to_json() for f in findings]


def render_json(report: Report) -> str:
    """The JSON report as text, two-space indented, with a final newline."""
    return json.dumps(report_to_json(report), indent=2, sort_keys=False) + "\n"
