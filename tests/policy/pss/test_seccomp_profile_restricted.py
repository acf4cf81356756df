"""seccompProfile_restricted: an allowed profile must be set (v1.19+); Windows exempt v1.25+."""

from __future__ import annotations

from typing import Any

import pytest

from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.pss.checks.seccomp_profile_restricted import (
    seccomp_profile_restricted_1_19,
    seccomp_profile_restricted_1_25,
)

RUNTIME_DEFAULT = {"seccompProfile": {"type": "RuntimeDefault"}}


def test_pod_level_inherited() -> None:
    spec = {"securityContext": RUNTIME_DEFAULT, "containers": [{"name": "a"}]}
    assert seccomp_profile_restricted_1_19({}, spec) == []


def test_every_container_set() -> None:
    spec = {
        "containers": [{"name": "a", "securityContext": RUNTIME_DEFAULT}],
        "initContainers": [
            {"name": "b", "securityContext": {"seccompProfile": {"type": "Localhost"}}}
        ],
    }
    assert seccomp_profile_restricted_1_19({}, spec) == []


@pytest.mark.parametrize("kind", ["containers", "initContainers", "ephemeralContainers"])
def test_missing_everywhere(kind: str) -> None:
    spec = {kind: [{"name": "a", "securityContext": RUNTIME_DEFAULT}, {"name": "b"}]}
    (violation,) = seccomp_profile_restricted_1_19({}, spec)
    assert violation.container == "b"
    assert violation.field == (kind, 1, "securityContext", "seccompProfile", "type")


@pytest.mark.parametrize("profile_type", ["Unconfined", None, "runtime/default"])
def test_container_forbidden_despite_pod(profile_type: Any) -> None:
    spec = {
        "securityContext": RUNTIME_DEFAULT,
        "containers": [
            {"name": "a", "securityContext": {"seccompProfile": {"type": profile_type}}}
        ],
    }
    (violation,) = seccomp_profile_restricted_1_19({}, spec)
    assert violation.container == "a"


def test_pod_forbidden() -> None:
    spec = {"securityContext": {"seccompProfile": {"type": "Unconfined"}}, "containers": []}
    (violation,) = seccomp_profile_restricted_1_19({}, spec)
    assert violation.container is None
    assert violation.field == ("securityContext", "seccompProfile", "type")


def test_versions_and_windows() -> None:
    spec: dict[str, Any] = {"containers": [{"name": "a"}], "os": {"name": "windows"}}
    assert len(seccomp_profile_restricted_1_19({}, spec)) == 1
    assert seccomp_profile_restricted_1_25({}, spec) == []

    def ids(minor: int) -> list[str]:
        return [c.id for c, _ in evaluate_pod({}, spec, Level.RESTRICTED, minor)]

    assert "seccompProfile_restricted" not in ids(18)
    assert "seccompProfile_restricted" in ids(24)
    assert "seccompProfile_restricted" not in ids(25)
    # still overriding the baseline twin for Windows pods: Unconfined passes restricted v1.25
    unconfined = {**spec, "securityContext": {"seccompProfile": {"type": "Unconfined"}}}
    assert "seccompProfile_baseline" not in ids(25)
    assert [c.id for c, _ in evaluate_pod({}, unconfined, Level.BASELINE, 25)] == [
        "seccompProfile_baseline"
    ]
