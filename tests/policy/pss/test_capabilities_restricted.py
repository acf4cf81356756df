"""capabilities_restricted: drop ALL, add only NET_BIND_SERVICE (v1.22+); Windows exempt v1.25+."""

from __future__ import annotations

from typing import Any

import pytest

from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.pss.checks.capabilities_restricted import (
    capabilities_restricted_1_22,
    capabilities_restricted_1_25,
)


def pod(capabilities: Any, kind: str = "containers", **extra: Any) -> dict[str, Any]:
    return {kind: [{"name": "c", "securityContext": {"capabilities": capabilities}}], **extra}


@pytest.mark.parametrize(
    "capabilities",
    [{"drop": ["ALL"]}, {"drop": ["NET_RAW", "ALL"], "add": ["NET_BIND_SERVICE"]}],
)
def test_allowed(capabilities: dict[str, Any]) -> None:
    assert capabilities_restricted_1_22({}, pod(capabilities)) == []


@pytest.mark.parametrize("kind", ["containers", "initContainers", "ephemeralContainers"])
@pytest.mark.parametrize("capabilities", [None, {}, {"drop": ["all"]}, {"drop": "ALL"}])
def test_must_drop_all(kind: str, capabilities: Any) -> None:
    (violation,) = capabilities_restricted_1_22({}, pod(capabilities, kind))
    assert violation.field == (kind, 0, "securityContext", "capabilities", "drop")
    assert violation.container == "c"


def test_add_only_net_bind_service() -> None:
    violations = capabilities_restricted_1_22(
        {}, pod({"drop": ["ALL"], "add": ["NET_BIND_SERVICE", "CHOWN", "SYS_ADMIN"]})
    )
    assert [v.field[-1] for v in violations] == [1, 2]
    assert '"CHOWN"' in violations[0].message


def test_versions_and_windows() -> None:
    spec = pod({"add": ["SYS_ADMIN"]}, os={"name": "windows"})
    assert len(capabilities_restricted_1_22({}, spec)) == 2
    assert capabilities_restricted_1_25({}, spec) == []

    def ids(minor: int) -> list[str]:
        return [c.id for c, _ in evaluate_pod({}, spec, Level.RESTRICTED, minor)]

    assert "capabilities_baseline" in ids(21)
    assert "capabilities_restricted" in ids(24)
    assert "capabilities_restricted" not in ids(25)
    assert "capabilities_baseline" not in ids(25)  # still overridden for Windows pods
    assert "capabilities_baseline" in [c.id for c, _ in evaluate_pod({}, spec, Level.BASELINE, 25)]
