"""procMount_restricted: from v1.35, restricted keeps forbidding Unmasked even in a userns."""

from __future__ import annotations

from typing import Any

from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.pss.checks.proc_mount_restricted import proc_mount_restricted_1_35

COMPLIANT = {
    "allowPrivilegeEscalation": False,
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
    "capabilities": {"drop": ["ALL"]},
}


def pod(proc_mount: str, host_users: Any) -> dict[str, Any]:
    return {
        "hostUsers": host_users,
        "containers": [{"name": "c", "securityContext": {**COMPLIANT, "procMount": proc_mount}}],
    }


def failing(spec: dict[str, Any], minor: int | None) -> list[str]:
    return [c.id for c, _ in evaluate_pod({}, spec, Level.RESTRICTED, minor)]


def test_unconditional() -> None:
    for host_users in (False, True, None):
        (violation,) = proc_mount_restricted_1_35({}, pod("Unmasked", host_users))
        assert violation.field == ("containers", 0, "securityContext", "procMount")
    assert proc_mount_restricted_1_35({}, pod("Default", False)) == []


def test_restricted_versions() -> None:
    spec = pod("Unmasked", False)
    assert failing(spec, 34) == ["procMount"]
    assert failing(spec, 35) == ["procMount_restricted"]
    assert failing(spec, None) == ["procMount_restricted"]
    assert failing(pod("Default", False), None) == []
