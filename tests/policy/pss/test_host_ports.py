"""hostPorts: no container port may use a host port."""

from __future__ import annotations

from typing import Any

import pytest

from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.pss.checks.host_ports import host_ports_1_0


def pod(ports: Any, kind: str = "containers") -> dict[str, Any]:
    return {kind: [{"name": "web", "ports": ports}]}


@pytest.mark.parametrize("kind", ["containers", "initContainers", "ephemeralContainers"])
def test_host_port_forbidden(kind: str) -> None:
    spec = pod([{"containerPort": 80}, {"containerPort": 443, "hostPort": 8443}], kind)
    (violation,) = host_ports_1_0({}, spec)
    assert violation.field == (kind, 0, "ports", 1, "hostPort")
    assert violation.container == "web"
    assert "8443" in violation.message
    assert "hostPorts" in [c.id for c, _ in evaluate_pod({}, spec, Level.BASELINE, 0)]


@pytest.mark.parametrize("host_port", [0, None, "8080", True])
def test_allowed(host_port: Any) -> None:
    assert host_ports_1_0({}, pod([{"containerPort": 80, "hostPort": host_port}])) == []


def test_one_violation_per_port() -> None:
    assert len(host_ports_1_0({}, pod([{"hostPort": 1}, {"hostPort": 2}]))) == 2
