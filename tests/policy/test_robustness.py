"""Untrusted input: random manifests and random bytes never raise, only report."""

from __future__ import annotations

import importlib
import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubeflow_devtools.policy import Options, scan_text
from kubeflow_devtools.policy.pss import Level

FIELDS = [
    "apiVersion",
    "kind",
    "metadata",
    "spec",
    "template",
    "containers",
    "initContainers",
    "ephemeralContainers",
    "securityContext",
    "privileged",
    "capabilities",
    "add",
    "drop",
    "volumes",
    "hostPath",
    "hostNetwork",
    "items",
    "name",
    "image",
    "replicatedJobs",
    "trialTemplate",
    "trialSpec",
    "predictor",
    "templates",
    "container",
    "annotations",
    "runAsUser",
    "runAsNonRoot",
    "seccompProfile",
    "type",
]
KINDS = ["Pod", "Deployment", "List", "CronJob", "Experiment", "InferenceService", "Workflow", "X"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.sampled_from(KINDS), st.text(max_size=8)
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(FIELDS), inner, max_size=5),
    ),
    max_leaves=40,
)
API = st.sampled_from(["v1", "apps/v1", "batch/v1", "kubeflow.org/v1", "serving.kserve.io/v1beta1"])
objects = st.fixed_dictionaries(
    {"apiVersion": API, "kind": st.sampled_from(KINDS)},
    optional={"metadata": values, "spec": values, "items": st.lists(values, max_size=3)},
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(objects, values), min_size=1, max_size=4))
def test_random_manifests_never_raise(docs: list[Any]) -> None:
    text = yaml.safe_dump_all(docs)
    for level in Level:
        report = scan_text("h.yaml", text, Options(level=level))
        assert report.exit_code in (0, 1, 2)
        json.dumps([f.to_json() for f in report.findings])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abx_.:-[]{}&*!|>'\"#\n \t%@`,?01+<")), max_size=200))
def test_random_text_never_raises(text: str) -> None:
    report = scan_text("r.yaml", text, Options())
    assert report.exit_code in (0, 1, 2)
    for error in report.errors:
        assert error.file == "r.yaml"


def test_a_failing_check_does_not_hide_other_resources(monkeypatch: Any) -> None:
    scan_module = importlib.import_module("kubeflow_devtools.policy.scan")

    real = scan_module.check_pod

    def flaky(admitted: Any, *args: Any) -> Any:
        if admitted.pod.resource.name == "boom":
            raise RuntimeError("bug")
        return real(admitted, *args)

    monkeypatch.setattr(scan_module, "check_pod", flaky)
    pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {}\nspec:\n  containers:\n"
    pod += "  - {{name: c, image: i, securityContext: {{privileged: true}}}}\n"
    text = pod.format("boom") + "---\n" + pod.format("fine")
    report = scan_text("m.yaml", text, Options(level=Level.BASELINE))
    assert [f.name for f in report.findings] == ["fine"]
    [error] = report.errors
    assert (error.file, error.line) == ("m.yaml", 1)
    assert "internal error checking Pod boom" in error.message
    assert report.exit_code == 2
