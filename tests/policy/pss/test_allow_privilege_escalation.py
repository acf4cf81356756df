"""allowPrivilegeEscalation: must be false (v1.8+); Windows pods exempt from v1.25."""

from __future__ import annotations

from typing import Any

import pytest

from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.pss.checks.allow_privilege_escalation import (
    allow_privilege_escalation_1_8,
    allow_privilege_escalation_1_25,
)


def pod(value: Any, kind: str = "containers", **extra: Any) -> dict[str, Any]:
    return {kind: [{"name": "c", "securityContext": {"allowPrivilegeEscalation": value}}], **extra}


@pytest.mark.parametrize("kind", ["containers", "initContainers", "ephemeralContainers"])
@pytest.mark.parametrize("value", [True, None, "false", 0])
def test_must_be_false(kind: str, value: Any) -> None:
    (violation,) = allow_privilege_escalation_1_8({}, pod(value, kind))
    assert violation.field == (kind, 0, "securityContext", "allowPrivilegeEscalation")
    assert violation.container == "c"
    assert "allowPrivilegeEscalation=false" in violation.message


def test_false_allowed_and_missing_context_fails() -> None:
    assert allow_privilege_escalation_1_8({}, pod(False)) == []
    (violation,) = allow_privilege_escalation_1_8({}, {"containers": [{"name": "bare"}]})
    assert violation.field == ("containers", 0, "securityContext", "allowPrivilegeEscalation")


def test_pod_level_does_not_count() -> None:
    spec = {"securityContext": {"allowPrivilegeEscalation": False}, "containers": [{"name": "c"}]}
    assert len(allow_privilege_escalation_1_8({}, spec)) == 1


def test_windows_exempt_from_v1_25() -> None:
    spec = pod(True, os={"name": "windows"})
    assert len(allow_privilege_escalation_1_8({}, spec)) == 1
    assert allow_privilege_escalation_1_25({}, spec) == []
    assert len(allow_privilege_escalation_1_25({}, pod(True, os={"name": "linux"}))) == 1
    assert len(allow_privilege_escalation_1_25({}, pod(True, os={"name": "Windows"}))) == 1

    def ids(minor: int) -> list[str]:
        return [c.id for c, _ in evaluate_pod({}, spec, Level.RESTRICTED, minor)]

    assert "allowPrivilegeEscalation" not in ids(7)
    assert "allowPrivilegeEscalation" in ids(24)
    assert "allowPrivilegeEscalation" not in ids(25)
