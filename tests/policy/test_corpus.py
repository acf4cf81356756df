"""The real Kubeflow renders in ../shared/corpus: scanned without error, every pod spec found."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kubeflow_devtools.policy import Options, Report, scan
from kubeflow_devtools.policy.model.objects import Resource
from kubeflow_devtools.policy.pss import Level

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "kubeflow-manifests"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is not present")

_CACHE: dict[tuple[str, str], Report] = {}


def scanned(relative: str, level: Level = Level.RESTRICTED) -> Report:
    """The report for one corpus file, scanned once per session."""
    key = (relative, level.value)
    if key not in _CACHE:
        _CACHE[key] = scan([str(CORPUS / relative)], Options(level=level))
    return _CACHE[key]


def inventory(report: Report) -> Counter[str]:
    """How many pod specs each extractor found."""
    return Counter(p.found_by for p in report.pod_specs)


ALL_RENDERS = sorted(
    str(p.relative_to(CORPUS))
    for p in CORPUS.glob("*/*.yaml")
    if p.parent.name != "src" and not p.parent.name.startswith("repo-")  # sources, not renders
)


@pytest.mark.parametrize("relative", ALL_RENDERS)
def test_every_render_scans_without_error(relative: str) -> None:
    report = scanned(relative)
    assert report.errors == []
    assert report.summary.documents == report.summary.resources
    assert report.summary.non_objects == 0


def test_master_example_pod_specs() -> None:
    report = scanned("master-009c880/example.yaml")
    assert report.summary.documents == 683
    assert inventory(report) == {
        "Deployment": 49,
        "StatefulSet": 1,
        "DaemonSet": 1,
        "ClusterServingRuntime.serving.kserve.io": 12,
        "ClusterStorageContainer.serving.kserve.io": 1,
        "ClusterTrainingRuntime.trainer.kubeflow.org": 16,
    }
    paths = {(p.resource.kind, p.resource.name, p.path) for p in report.pod_specs}
    assert ("DaemonSet", "istio-cni-node", ("spec", "template", "spec")) in paths
    assert (
        "ClusterServingRuntime",
        "kserve-huggingfaceserver-multinode",
        ("spec", "workerSpec"),
    ) in paths
    assert ("ClusterStorageContainer", "default", ("spec",)) in paths
    deepspeed = (
        "spec", "template", "spec", "replicatedJobs", 1, "template", "spec", "template", "spec"
    )  # fmt: skip
    assert ("ClusterTrainingRuntime", "deepspeed-distributed", deepspeed) in paths
    storage = next(p for p in report.pod_specs if p.resource.kind == "ClusterStorageContainer")
    assert [c["name"] for c in storage.spec["containers"]] == ["storage-initializer"]


def test_v1_10_2_example_pod_specs() -> None:
    report = scanned("v1.10.2/example.yaml")
    assert report.summary.documents == 611
    assert inventory(report) == {
        "Deployment": 47,
        "StatefulSet": 1,
        "DaemonSet": 1,
        "ClusterServingRuntime.serving.kserve.io": 12,
        "ClusterStorageContainer.serving.kserve.io": 1,
    }


def test_ambient_render_has_ztunnel() -> None:
    report = scanned("master-009c880/istio-ambient.yaml")
    names = {(p.resource.kind, p.resource.name) for p in report.pod_specs}
    assert {("DaemonSet", "ztunnel"), ("DaemonSet", "istio-cni-node")} <= names


def test_findings_point_into_the_render() -> None:
    report = scanned("master-009c880/example.yaml", Level.BASELINE)
    lines = (CORPUS / "master-009c880/example.yaml").read_text().splitlines()
    for finding in report.findings:
        assert finding.line is not None
        assert 1 <= finding.line <= len(lines)


# --- the mesh, on the real renders ---------------------------------------------------------


def test_master_example_predicts_istio_validation_not_istio_init() -> None:
    report = scanned("master-009c880/example.yaml")
    assert report.mesh.cni_enabled and report.mesh.injection
    assert "istioInit" not in {f.rule for f in report.findings}
    injected = [w for w in report.workloads if w.admitted.injected]
    assert len(injected) >= 40
    for workload in injected:
        names = [c.name for c in workload.admitted.injected]
        assert names == ["istio-validation", "istio-proxy"], workload.admitted.pod.resource.name
        namespace = report.namespaces.get(workload.admitted.pod.resource.namespace)
        assert namespace.labels.get("istio-injection") == "enabled"
    # a namespace without the label gets nothing
    assert not any(
        w.admitted.injected
        for w in report.workloads
        if w.admitted.pod.resource.namespace in ("cert-manager", "istio-system", "oauth2-proxy")
    )


def test_insecure_istio_plus_injected_deployment_reports_istio_init(tmp_path: Path) -> None:
    extra = tmp_path / "app.yaml"
    extra.write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: kubeflow\n"
        "spec:\n  template:\n    spec:\n      containers:\n"
        "      - name: web\n        image: nginx\n"
    )
    report = scan([str(CORPUS / "master-009c880/istio-insecure.yaml"), str(extra)])
    assert not report.mesh.cni_enabled
    [init] = [f for f in report.findings if f.rule == "istioInit"]
    assert (init.kind, init.namespace, init.name, init.file) == (
        "Deployment",
        "kubeflow",
        "web",
        str(extra),
    )
    assert 'namespace "kubeflow" has istio-injection=enabled' in init.message
    assert "meshCniDisabled" in {f.rule for f in report.findings}
    injected_rules = {f.rule for f in report.findings if f.injected and f.container == "istio-init"}
    assert {"runAsNonRoot", "runAsUser", "capabilities_restricted"} <= injected_rules


def test_ambient_component_reports_the_kubeflow_namespace_conflict() -> None:
    report = scanned("master-009c880/example-ambient-component.yaml")
    conflicts = [f for f in report.findings if f.rule == "ambientSidecarConflict"]
    assert [(f.kind, f.name) for f in conflicts] == [("Namespace", "kubeflow")]
    assert conflicts[0].line is not None


@pytest.mark.parametrize(
    ("relative", "agents"),
    [
        ("master-009c880/example.yaml", {"istio-cni-node"}),
        ("master-009c880/istio-ambient.yaml", {"istio-cni-node", "ztunnel"}),
        ("master-009c880/example-ambient-component.yaml", {"istio-cni-node", "ztunnel"}),
    ],
)
def test_node_agents_are_listed_as_waived(relative: str, agents: set[str]) -> None:
    report = scanned(relative)
    waived = {f.name for f in report.findings if f.waived}
    assert waived == agents
    for finding in report.findings:
        if finding.name in agents:
            assert finding.waived and finding.waiver_reason


@pytest.mark.parametrize("relative", ALL_RENDERS)
def test_objects_no_check_reads_change_nothing_when_left_unbuilt(relative: str) -> None:
    """A plain run builds no RBAC, Service, network or mesh policy object (a third of a
    render's YAML nodes, only checked to be well-formed): on every real render the report,
    in every format that carries findings, is what it is with every object built."""
    from kubeflow_devtools.policy.model.report import Report as Fresh
    from kubeflow_devtools.policy.report.json import report_to_json
    from kubeflow_devtools.policy.scan import analyze, load_source, unread
    from kubeflow_devtools.policy.sources import open_source

    reports = []
    for every_object in (False, True):
        report = Fresh(Options())
        load_source(open_source(str(CORPUS / relative)), report, every_object=every_object)
        analyze(report)
        reports.append(report)
    lean, full = reports
    left_out = len(full.resources) - len(lean.resources)
    assert left_out == sum(1 for r in full.resources if unread(_text_of(r)))
    assert left_out > 0 and lean.summary == full.summary
    assert report_to_json(lean) == report_to_json(full)


def _text_of(resource: Resource) -> str:
    """The ``apiVersion``/``kind`` lines of a built resource, as :func:`unread` reads them."""
    return f"apiVersion: {resource.api_version}\nkind: {resource.kind}\n"
