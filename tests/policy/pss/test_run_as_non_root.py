"""runAsNonRoot: pod/container inheritance; hostUsers: false exempt from v1.35."""

from __future__ import annotations

from typing import Any

import pytest

from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.pss.checks.run_as_non_root import (
    run_as_non_root_1_0,
    run_as_non_root_1_35,
)


def pod(pod_value: Any, *container_values: Any, kind: str = "containers") -> dict[str, Any]:
    spec: dict[str, Any] = {
        kind: [
            {"name": f"c{i}", "securityContext": {"runAsNonRoot": v}}
            for i, v in enumerate(container_values)
        ]
    }
    if pod_value is not None:
        spec["securityContext"] = {"runAsNonRoot": pod_value}
    return spec


def test_pod_true_covers_unset_containers() -> None:
    assert run_as_non_root_1_0({}, pod(True, None, True)) == []


def test_container_true_without_pod() -> None:
    assert run_as_non_root_1_0({}, pod(None, True, True)) == []


@pytest.mark.parametrize("kind", ["containers", "initContainers", "ephemeralContainers"])
def test_container_false_overrides_pod_true(kind: str) -> None:
    (violation,) = run_as_non_root_1_0({}, pod(True, None, False, kind=kind))
    assert violation.container == "c1"
    assert violation.field == (kind, 1, "securityContext", "runAsNonRoot")
    assert "runAsNonRoot=false" in violation.message


def test_pod_false() -> None:
    (violation,) = run_as_non_root_1_0({}, pod(False, None))
    assert violation.container is None
    assert violation.field == ("securityContext", "runAsNonRoot")
    # container true does not rescue an explicit pod-level false
    assert len(run_as_non_root_1_0({}, pod(False, True))) == 1


def test_unset_everywhere_points_where_it_belongs() -> None:
    violations = run_as_non_root_1_0({}, pod(None, None, True, "true"))
    assert [(v.container, v.field) for v in violations] == [
        ("c0", ("containers", 0, "securityContext", "runAsNonRoot")),
        ("c2", ("containers", 2, "securityContext", "runAsNonRoot")),
    ]
    assert "must set securityContext.runAsNonRoot=true" in violations[0].message


def test_user_namespace_exempt_from_v1_35_only() -> None:
    spec = {**pod(None, None), "hostUsers": False}
    assert len(run_as_non_root_1_0({}, spec)) == 1
    assert run_as_non_root_1_35({}, spec) == []
    assert len(run_as_non_root_1_35({}, {**spec, "hostUsers": True})) == 1

    def ids(minor: int | None) -> list[str]:
        return [c.id for c, _ in evaluate_pod({}, spec, Level.RESTRICTED, minor)]

    assert "runAsNonRoot" in ids(34)
    assert "runAsNonRoot" not in ids(35)
    assert "runAsNonRoot" not in ids(None)


def test_not_a_baseline_check() -> None:
    assert evaluate_pod({}, pod(False, False), Level.BASELINE) == []


@pytest.mark.parametrize("pod_value", ["true", 1, {}])
def test_wrong_typed_pod_value_is_absent(pod_value: Any) -> None:
    violations = run_as_non_root_1_0({}, pod(pod_value, None, True))
    assert [v.container for v in violations] == ["c0"]
