"""seccompProfile_baseline: annotations up to v1.18, fields from v1.19."""

from __future__ import annotations

from typing import Any

import pytest

from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.pss.checks.seccomp_profile_baseline import (
    seccomp_profile_baseline_1_0,
    seccomp_profile_baseline_1_19,
)

POD_KEY = "seccomp.security.alpha.kubernetes.io/pod"
CONTAINER_KEY = "container.seccomp.security.alpha.kubernetes.io/"
SPEC = {"containers": [{"name": "app"}], "initContainers": [{"name": "init"}]}


@pytest.mark.parametrize("value", ["runtime/default", "docker/default", "localhost/profile.json"])
def test_allowed_annotations(value: str) -> None:
    metadata = {"annotations": {POD_KEY: value, CONTAINER_KEY + "app": value}}
    assert seccomp_profile_baseline_1_0(metadata, SPEC) == []


@pytest.mark.parametrize("value", ["unconfined", "", "RuntimeDefault", "localhost"])
def test_forbidden_pod_annotation(value: str) -> None:
    (violation,) = seccomp_profile_baseline_1_0({"annotations": {POD_KEY: value}}, SPEC)
    assert violation.root == "metadata"
    assert violation.field == ("annotations", POD_KEY)
    assert violation.container is None


def test_container_annotations_only_for_existing_containers() -> None:
    metadata = {
        "annotations": {CONTAINER_KEY + "init": "unconfined", CONTAINER_KEY + "ghost": "unconfined"}
    }
    (violation,) = seccomp_profile_baseline_1_0(metadata, SPEC)
    assert violation.container == "init"
    assert violation.field == ("annotations", CONTAINER_KEY + "init")


def test_annotations_ignored_from_v1_19_and_fields_before() -> None:
    metadata = {"annotations": {POD_KEY: "unconfined"}}
    field_spec = {"securityContext": {"seccompProfile": {"type": "Unconfined"}}, **SPEC}
    assert seccomp_profile_baseline_1_19(metadata, SPEC) == []
    assert seccomp_profile_baseline_1_0({}, field_spec) == []
    ids = [c.id for c, _ in evaluate_pod(metadata, SPEC, Level.BASELINE, 18)]
    assert ids == ["seccompProfile_baseline"]
    assert evaluate_pod(metadata, SPEC, Level.BASELINE, 19) == []
    assert evaluate_pod({}, field_spec, Level.BASELINE, 18) == []
    assert len(evaluate_pod({}, field_spec, Level.BASELINE, 19)) == 1


@pytest.mark.parametrize("profile", [{"type": "Unconfined"}, {}, {"type": "runtime/default"}])
@pytest.mark.parametrize("kind", ["containers", "initContainers", "ephemeralContainers"])
def test_forbidden_fields(profile: dict[str, Any], kind: str) -> None:
    spec = {kind: [{"name": "c", "securityContext": {"seccompProfile": profile}}]}
    (violation,) = seccomp_profile_baseline_1_19({}, spec)
    assert violation.field == (kind, 0, "securityContext", "seccompProfile", "type")
    assert violation.container == "c"


def test_allowed_fields_and_unset() -> None:
    spec = {
        "securityContext": {"seccompProfile": {"type": "Localhost", "localhostProfile": "p"}},
        "containers": [
            {"name": "a", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}
        ],
        "initContainers": [{"name": "b"}],
    }
    assert seccomp_profile_baseline_1_19({}, spec) == []
