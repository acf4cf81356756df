"""The JSON report: a versioned contract that other tools read (documented in docs/)."""

from __future__ import annotations

import json
from typing import Any

from kubeflow_devtools.policy.model.findings import Finding
from kubeflow_devtools.policy.model.mesh import MeshConfig
from kubeflow_devtools.policy.model.objects import format_path
from kubeflow_devtools.policy.model.report import InputResult, Report, Workload
from kubeflow_devtools.policy.model.runtime import Answer

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
        "mesh": mesh_json(report.mesh),
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
        "warnings": list(report.warnings),
        "pods": [pod_json(w) for w in report.workloads],
        "runtime": runtime_json(report),
    }


def runtime_json(report: Report) -> dict[str, Any] | None:
    """The user namespaces and the answer per namespace (``None`` with ``--no-runtime``);
    in repository mode, each input's."""
    if report.inputs:
        parts = [
            {"input": r.path, **(runtime_json(r.report) or {})}
            for r in report.inputs
            if r.report is not None and r.report.runtime is not None
        ]
        return {"inputs": parts} if parts else None
    runtime = report.runtime
    if runtime is None:
        return None
    by_name = {a.namespace: a for a in runtime.answers}
    return {
        "pods": runtime.pods,
        "versions": [
            {"component": v.component, "found": v.found, "modelled": v.modelled, "exact": v.exact}
            for v in runtime.versions
        ],
        "namespaces": [
            {
                "name": user.name,
                "profile": user.profile,
                "labels": dict(user.labels),
                "annotations": dict(user.annotations),
                "enforce": user.enforce,
                **(_answer_json(by_name[user.name]) if user.name in by_name else {}),
            }
            for user in runtime.namespaces
        ],
    }


def _answer_json(answer: Answer) -> dict[str, Any]:
    """One namespace's answer: injection, each level's blockers, admitted at its enforce."""
    return {
        "injection": answer.injection,
        "admitted": answer.admitted,
        "answer": answer.line(),
        **{
            level: {
                "ok": not blockers,
                "blockedBy": [
                    {
                        "component": b.component,
                        "containers": list(b.containers),
                        "fixes": list(b.fixes),
                    }
                    for b in blockers
                ],
            }
            for level, blockers in (
                ("baseline", answer.baseline),
                ("restricted", answer.restricted),
            )
        },
    }


def mesh_json(mesh: MeshConfig) -> dict[str, Any]:
    """The mesh configuration: what the input says (or ``--mesh``), and how native sidecars
    and the cluster's Kubernetes version were decided."""
    native = mesh.native
    kubernetes = mesh.kubernetes
    return {
        "mode": mesh.mode.value,
        "present": mesh.present,
        "injection": mesh.injection,
        "cni": mesh.cni_enabled,
        "ambient": mesh.ambient_enabled,
        "nativeSidecars": mesh.native_sidecars,
        "description": mesh.description,
        "nativeSidecarsSetting": native.setting if native else None,
        "nativeSidecarsReason": native.reason if native else None,
        "kubernetesVersion": f"1.{kubernetes.minor}" if kubernetes else None,
        "kubernetesVersionSource": kubernetes.source if kubernetes else None,
        "istioVersion": f"1.{mesh.istio_minor}" if mesh.istio_minor is not None else None,
        "injector": mesh.templates.name if mesh.templates else None,
        "templates": sorted(mesh.templates.templates) if mesh.templates else [],
    }


def pod_json(workload: Workload) -> dict[str, Any]:
    """One pod spec as admitted: injected or not and why, the templates applied, and where
    each container the injection added (or merged into the pod's own) went."""
    admitted = workload.admitted
    pod = admitted.pod
    resource = pod.resource
    return {
        "kind": resource.kind,
        "apiVersion": resource.api_version,
        "namespace": resource.namespace,
        "name": resource.name,
        "file": resource.file,
        "line": resource.line,
        "podPath": format_path(pod.path),
        "injected": bool(admitted.injected) or bool(admitted.templates),
        "reason": admitted.decision.reason,
        "templates": list(admitted.templates),
        "error": admitted.error,
        "containers": [
            {
                "name": c.name,
                "list": c.list_name,
                "index": c.index,
                "native": c.native,
                "declared": format_path(pod.field_path(c.declared)) if c.declared else None,
            }
            for c in admitted.injected
        ],
        **({"input": workload.input} if workload.input is not None else {}),
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
