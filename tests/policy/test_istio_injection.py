"""Conformance: Istio 1.28.0's own injection goldens, every case.

The cases live outside this repository, in ``../shared/conformance/istio-injection/1.28.0`` (see
its README): each folder holds ``input.yaml`` (the workload with the whole mesh configuration:
the ``istio-sidecar-injector`` ConfigMap with its templates and values, the mesh ConfigMap, the
webhooks, istiod, Nodes) and ``injected.yaml`` (what Istio's injector made of the workload).
For every workload, the pod ``rootless-check`` admits from ``input.yaml`` must match the golden
in what Pod Security depends on: whether it is injected, which containers it has in which list
and order (native sidecars included), each container's ``securityContext`` after Istio merged
the pod's own containers over the template's, and the Pod Security violations at baseline and
restricted, which must be those of the golden pod checked with no mesh at all. Every
expectation is read from the goldens.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from kubeflow_devtools.policy import scan
from kubeflow_devtools.policy.documents import parse_chunk, split_documents
from kubeflow_devtools.policy.model.report import Options, Workload
from kubeflow_devtools.policy.podspecs import find_pod_specs
from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.resources import resources_of

CASES_DIR = Path(__file__).resolve().parents[2].parent / "shared/conformance/istio-injection/1.28.0"

if not CASES_DIR.is_dir():
    pytest.skip(
        f"Istio injection goldens not found at {CASES_DIR} (the shared checkout is missing)",
        allow_module_level=True,
    )

CASES = sorted(p for p in CASES_DIR.iterdir() if (p / "injected.yaml").is_file())
STATUS = "sidecar.istio.io/status"

Key = tuple[str, str | None, str, tuple[str | int, ...]]


def marked(obj: Any) -> bool:
    """Whether Istio's injection status annotation is anywhere in the object's metadata (for a
    CronJob, kube-inject puts it on the job template)."""
    if isinstance(obj, dict):
        annotations = (obj.get("metadata") or {}).get("annotations") or {}
        return STATUS in annotations or any(marked(v) for v in obj.values())
    return isinstance(obj, list) and any(marked(v) for v in obj)


def golden_pods(case: Path) -> dict[Key, tuple[bool, dict[str, Any], dict[str, Any]]]:
    """The pods of ``injected.yaml`` by workload kind, namespace, name and path: whether Istio
    injected the workload, and the pod's metadata and spec."""
    path = case / "injected.yaml"
    pods: dict[Key, tuple[bool, dict[str, Any], dict[str, Any]]] = {}
    for chunk in split_documents(path.read_text(encoding="utf-8")):
        for resource in resources_of(parse_chunk(str(path), chunk)):
            for pod in find_pod_specs(resource):
                key = (resource.kind, resource.namespace, resource.name, pod.path)
                pods[key] = (marked(resource.obj), dict(pod.metadata), dict(pod.spec))
    return pods


@cache
def admitted(case: Path) -> dict[Key, Workload]:
    """The workloads of ``input.yaml`` as rootless-check admits them."""
    report = scan([str(case / "input.yaml")], Options())
    assert not report.errors, [str(e) for e in report.errors]
    return {
        (
            w.admitted.pod.resource.kind,
            w.admitted.pod.resource.namespace,
            w.admitted.pod.resource.name,
            w.admitted.pod.path,
        ): w
        for w in report.workloads
    }


def layout(spec: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """Every container: its list, name and restart policy, in order."""
    return [
        (list_name, container.get("name"), container.get("restartPolicy"))
        for list_name in ("initContainers", "containers")
        for container in spec.get(list_name) or []
    ]


def contexts(spec: dict[str, Any]) -> list[str]:
    """Every container's securityContext, in order, as canonical JSON."""
    return [
        json.dumps(container.get("securityContext"), sort_keys=True)
        for list_name in ("initContainers", "containers")
        for container in spec.get(list_name) or []
    ]


def violations(metadata: Any, spec: Any, level: Level) -> list[tuple[str, str | None]]:
    """The Pod Security violations of a pod: (check id, container), sorted."""
    return sorted((check.id, v.container) for check, v in evaluate_pod(metadata, spec, level))


def test_all_cases_are_there() -> None:
    """The README's set: 122 upstream cases with a golden output."""
    assert len(CASES) == 122


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_admitted_pods_match_the_goldens(case: Path) -> None:
    """Each workload of the case is admitted as Istio injected it."""
    goldens = golden_pods(case)
    workloads = admitted(case)
    ours = {k for k, w in workloads.items() if w.admitted.decision.injected}
    assert ours <= goldens.keys(), f"{case.name}: injected, but no such pod in the golden"
    for key, (injected, metadata, spec) in goldens.items():
        assert key in workloads, f"{case.name}: {key} not found in input.yaml"
        result = workloads[key].admitted
        assert result.error is None, f"{case.name}: {key}: {result.error}"
        assert result.decision.injected is injected, f"{case.name}: {key}: injected"
        assert bool(result.templates) is injected, f"{case.name}: {key}: templates"
        pod = result.pod
        assert layout(dict(pod.spec)) == layout(spec), f"{case.name}: {key}: containers"
        assert contexts(dict(pod.spec)) == contexts(spec), f"{case.name}: {key}: contexts"
        for level in (Level.BASELINE, Level.RESTRICTED):
            assert violations(pod.metadata, pod.spec, level) == violations(metadata, spec, level), (
                f"{case.name}: {key}: {level.value} violations"
            )
        reported = sorted(
            (f.rule, f.container)
            for f in workloads[key].findings
            if f.level in ("baseline", "restricted")
        )
        assert reported == violations(metadata, spec, Level.RESTRICTED), (
            f"{case.name}: {key}: restricted findings in the report"
        )
