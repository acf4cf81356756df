"""procMount (baseline): Default only; relaxed for hostUsers: false from v1.35."""

from __future__ import annotations

from typing import Any

import pytest

from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.pss.checks.proc_mount import proc_mount_1_0, proc_mount_1_35


def pod(value: Any, kind: str = "containers", **extra: Any) -> dict[str, Any]:
    return {kind: [{"name": "c", "securityContext": {"procMount": value}}], **extra}


@pytest.mark.parametrize("value", ["Default", None, 1])
def test_allowed(value: Any) -> None:
    assert proc_mount_1_0({}, pod(value)) == []


@pytest.mark.parametrize("kind", ["containers", "initContainers", "ephemeralContainers"])
@pytest.mark.parametrize("value", ["Unmasked", "", "default"])
def test_forbidden(kind: str, value: str) -> None:
    (violation,) = proc_mount_1_0({}, pod(value, kind))
    assert violation.field == (kind, 0, "securityContext", "procMount")
    assert violation.container == "c"


def test_user_namespace_relaxation_from_v1_35() -> None:
    spec = pod("Unmasked", hostUsers=False)
    assert proc_mount_1_35({}, spec) == []
    assert len(proc_mount_1_35({}, pod("Unmasked", hostUsers=True))) == 1
    assert len(proc_mount_1_35({}, pod("Unmasked", hostUsers="false"))) == 1
    assert "procMount" in [c.id for c, _ in evaluate_pod({}, spec, Level.BASELINE, 34)]
    assert evaluate_pod({}, spec, Level.BASELINE, 35) == []
    assert evaluate_pod({}, spec, Level.BASELINE, None) == []
