"""The real Kubeflow renders in ../shared/corpus: scanned without error, every pod spec found."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from policy import Options, Report, scan
from policy.pss import Level

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


ALL_RENDERS = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.glob("*/*.yaml"))


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
