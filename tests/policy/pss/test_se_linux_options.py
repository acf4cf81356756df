"""seLinuxOptions: restricted types (grow at v1.31), no user, no role."""

from __future__ import annotations

from typing import Any

import pytest

from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.pss.checks.se_linux_options import (
    se_linux_options_1_0,
    se_linux_options_1_31,
)


def pod(options: Any, where: str = "pod") -> dict[str, Any]:
    context = {"seLinuxOptions": options}
    if where == "pod":
        return {"securityContext": context, "containers": [{"name": "a"}]}
    return {where: [{"name": "c", "securityContext": context}]}


@pytest.mark.parametrize("se_type", ["", "container_t", "container_init_t", "container_kvm_t"])
def test_allowed_types(se_type: str) -> None:
    assert se_linux_options_1_0({}, pod({"type": se_type, "level": "s0:c1"})) == []


def test_container_engine_t_from_v1_31() -> None:
    spec = pod({"type": "container_engine_t"}, "initContainers")
    assert len(se_linux_options_1_0({}, spec)) == 1
    assert se_linux_options_1_31({}, spec) == []
    assert "seLinuxOptions" in [c.id for c, _ in evaluate_pod({}, spec, Level.BASELINE, 30)]
    assert "seLinuxOptions" not in [c.id for c, _ in evaluate_pod({}, spec, Level.BASELINE, 31)]


@pytest.mark.parametrize("where", ["containers", "initContainers", "ephemeralContainers"])
def test_container_forbidden(where: str) -> None:
    (violation,) = se_linux_options_1_31({}, pod({"type": "spc_t"}, where))
    assert violation.container == "c"
    assert violation.field == (where, 0, "securityContext", "seLinuxOptions", "type")


@pytest.mark.parametrize("key", ["user", "role"])
def test_user_and_role_forbidden(key: str) -> None:
    (violation,) = se_linux_options_1_31({}, pod({key: "x"}))
    assert violation.field == ("securityContext", "seLinuxOptions", key)
    assert violation.container is None
    assert se_linux_options_1_31({}, pod({key: ""})) == []


def test_everything_wrong_reports_each_field() -> None:
    violations = se_linux_options_1_0({}, pod({"type": "x", "user": "u", "role": "r"}))
    assert [v.field[-1] for v in violations] == ["type", "user", "role"]
