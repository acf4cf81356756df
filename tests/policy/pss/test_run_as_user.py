"""runAsUser: never 0 (v1.23+); hostUsers: false exempt from v1.35."""

from __future__ import annotations

from typing import Any

import pytest

from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.pss.checks.run_as_user import run_as_user_1_23, run_as_user_1_35


def test_pod_zero() -> None:
    spec = {"securityContext": {"runAsUser": 0}, "containers": [{"name": "a"}]}
    (violation,) = run_as_user_1_23({}, spec)
    assert violation.field == ("securityContext", "runAsUser")
    assert violation.container is None


@pytest.mark.parametrize("kind", ["containers", "initContainers", "ephemeralContainers"])
def test_container_zero_even_under_non_zero_pod(kind: str) -> None:
    spec = {
        "securityContext": {"runAsUser": 1000},
        kind: [{"name": "a"}, {"name": "root", "securityContext": {"runAsUser": 0}}],
    }
    (violation,) = run_as_user_1_23({}, spec)
    assert violation.container == "root"
    assert violation.field == (kind, 1, "securityContext", "runAsUser")


@pytest.mark.parametrize("value", [None, 1, 1000, "0", False, 0.5])
def test_allowed(value: Any) -> None:
    spec = {"securityContext": {"runAsUser": value}, "containers": [{"name": "a"}]}
    assert run_as_user_1_23({}, spec) == []


def test_versions() -> None:
    spec = {"securityContext": {"runAsUser": 0, "runAsNonRoot": True}, "containers": []}
    assert evaluate_pod({}, spec, Level.RESTRICTED, 22) == []
    assert [c.id for c, _ in evaluate_pod({}, spec, Level.RESTRICTED, 23)] == ["runAsUser"]
    userns = {**spec, "hostUsers": False}
    assert len(run_as_user_1_23({}, userns)) == 1
    assert run_as_user_1_35({}, userns) == []
    assert [c.id for c, _ in evaluate_pod({}, userns, Level.RESTRICTED, 34)] == ["runAsUser"]
    assert evaluate_pod({}, userns, Level.RESTRICTED, 35) == []
