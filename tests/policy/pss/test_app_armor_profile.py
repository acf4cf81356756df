"""appArmorProfile: field form (pod and containers) and annotation form."""

from __future__ import annotations

from typing import Any

import pytest

from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.pss.checks.app_armor_profile import app_armor_profile_1_0

KEY = "container.apparmor.security.beta.kubernetes.io/app"


@pytest.mark.parametrize("profile_type", ["RuntimeDefault", "Localhost"])
def test_allowed_field(profile_type: str) -> None:
    profile = {"appArmorProfile": {"type": profile_type}}
    spec = {"securityContext": profile, "containers": [{"name": "a", "securityContext": profile}]}
    assert app_armor_profile_1_0({}, spec) == []


@pytest.mark.parametrize("profile", [{"type": "Unconfined"}, {}, {"type": "runtime/default"}])
def test_forbidden_pod_field(profile: dict[str, Any]) -> None:
    spec = {"securityContext": {"appArmorProfile": profile}, "containers": [{"name": "a"}]}
    (violation,) = app_armor_profile_1_0({}, spec)
    assert violation.container is None
    assert violation.field == ("securityContext", "appArmorProfile", "type")
    assert [c.id for c, _ in evaluate_pod({}, spec, Level.BASELINE, 0)] == ["appArmorProfile"]


@pytest.mark.parametrize("kind", ["containers", "initContainers", "ephemeralContainers"])
def test_forbidden_container_field(kind: str) -> None:
    spec = {kind: [{"name": "c", "securityContext": {"appArmorProfile": {"type": "Unconfined"}}}]}
    (violation,) = app_armor_profile_1_0({}, spec)
    assert violation.container == "c"
    assert violation.field == (kind, 0, "securityContext", "appArmorProfile", "type")


@pytest.mark.parametrize("value", ["", "runtime/default", "localhost/my-profile", None])
def test_allowed_annotations(value: Any) -> None:
    assert app_armor_profile_1_0({"annotations": {KEY: value}}, {}) == []


@pytest.mark.parametrize("value", ["unconfined", "RuntimeDefault", "localhost", "docker/default"])
def test_forbidden_annotations(value: str) -> None:
    metadata = {"annotations": {KEY: value, "other": "unconfined"}}
    (violation,) = app_armor_profile_1_0(metadata, {"containers": [{"name": "app"}]})
    assert violation.root == "metadata"
    assert violation.field == ("annotations", KEY)
    assert value in violation.message


def test_annotation_for_any_container_name() -> None:
    metadata = {"annotations": {"container.apparmor.security.beta.kubernetes.io/ghost": "x"}}
    assert len(app_armor_profile_1_0(metadata, {})) == 1
