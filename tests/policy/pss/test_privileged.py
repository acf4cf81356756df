"""privileged: no container may set securityContext.privileged=true."""

from __future__ import annotations

from typing import Any

import pytest

from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.pss.checks.privileged import privileged_1_0


def failing(spec: dict[str, Any], level: Level = Level.BASELINE) -> list[str]:
    return [c.id for c, _ in evaluate_pod({}, spec, level, None)]


@pytest.mark.parametrize("value", [None, False, "true", 1])
def test_allowed_values(value: Any) -> None:
    spec = {"containers": [{"name": "a", "securityContext": {"privileged": value}}]}
    assert privileged_1_0({}, spec) == []


@pytest.mark.parametrize("kind", ["containers", "initContainers", "ephemeralContainers"])
def test_every_container_kind(kind: str) -> None:
    spec = {kind: [{"name": "ok"}, {"name": "bad", "securityContext": {"privileged": True}}]}
    (violation,) = privileged_1_0({}, spec)
    assert violation.container == "bad"
    assert violation.field == (kind, 1, "securityContext", "privileged")
    assert "privileged" in failing(spec)
    assert "privileged" in failing(spec, Level.RESTRICTED)
