"""The JSON report: a versioned contract that other tools read (documented in docs/)."""

from __future__ import annotations

import json
from typing import Any

from kubeflow_devtools.policy.model.findings import Finding
from kubeflow_devtools.policy.model.report import InputResult, Report

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
                **({"input": row.input} if row.input is not None else {}),
            }
            for row in report.namespace_summaries()
        ],
        "findings": finding_list(report.findings),
        "errors": [{"file": e.file, "line": e.line, "message": e.message} for e in report.errors],
        "inputs": [input_json(result) for result in report.inputs],
    }


def input_json(result: InputResult) -> dict[str, Any]:
    """One repository input: what it is, what became of it, and (checked) its verdict."""
    data: dict[str, Any] = {
        "path": result.path,
        "kind": result.kind,
        "status": result.status,
        "reason": result.reason,
        "seconds": round(result.seconds, 3),
        "cached": result.cached,
    }
    if result.log:
        data["output"] = result.log
    if result.report is not None:
        data["pods"] = len(result.report.workloads)
        data["failing"] = result.failing
        data["verdict"] = result.verdict
        data["mesh"] = result.report.mesh.description
    return data


def finding_list(findings: list[Finding]) -> list[dict[str, Any]]:
    """Findings as the JSON contract's objects."""
    return [f.to_json() for f in findings]


def render_json(report: Report) -> str:
    """The JSON report as text, two-space indented, with a final newline."""
    return json.dumps(report_to_json(report), indent=2, sort_keys=False) + "\n"
