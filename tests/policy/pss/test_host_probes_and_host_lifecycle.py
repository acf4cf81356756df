"""hostProbesAndHostLifecycle: no host in probes or lifecycle handlers, from v1.34."""

from __future__ import annotations

from typing import Any

import pytest

from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.pss.checks.host_probes_and_host_lifecycle import (
    host_probes_and_host_lifecycle_1_34,
)

PLACES = [
    ("livenessProbe", "httpGet"),
    ("readinessProbe", "httpGet"),
    ("startupProbe", "httpGet"),
    ("livenessProbe", "tcpSocket"),
    ("readinessProbe", "tcpSocket"),
    ("startupProbe", "tcpSocket"),
    ("lifecycle.postStart", "httpGet"),
    ("lifecycle.preStop", "httpGet"),
    ("lifecycle.postStart", "tcpSocket"),
    ("lifecycle.preStop", "tcpSocket"),
]


def container(handler: str, action: str, host: Any) -> dict[str, Any]:
    inner: dict[str, Any] = {action: {"port": 80, "host": host}}
    for key in reversed(handler.split(".")):
        inner = {key: inner}
    return {"name": "c", **inner}


@pytest.mark.parametrize(("handler", "action"), PLACES)
@pytest.mark.parametrize("kind", ["containers", "initContainers", "ephemeralContainers"])
def test_forbidden_host(handler: str, action: str, kind: str) -> None:
    spec = {kind: [container(handler, action, "10.0.0.1")]}
    (violation,) = host_probes_and_host_lifecycle_1_34({}, spec)
    assert violation.field == (kind, 0, *handler.split("."), action, "host")
    assert violation.container == "c"
    assert "10.0.0.1" in violation.message


@pytest.mark.parametrize("host", ["", None, 5])
def test_allowed_host(host: Any) -> None:
    spec = {"containers": [container("livenessProbe", "httpGet", host)]}
    assert host_probes_and_host_lifecycle_1_34({}, spec) == []


def test_absent_before_v1_34() -> None:
    spec = {"containers": [container("readinessProbe", "tcpSocket", "example.com")]}
    assert evaluate_pod({}, spec, Level.BASELINE, 33) == []
    assert [c.id for c, _ in evaluate_pod({}, spec, Level.BASELINE, 34)] == [
        "hostProbesAndHostLifecycle"
    ]
    assert "hostProbesAndHostLifecycle" in [
        c.id for c, _ in evaluate_pod({}, spec, Level.RESTRICTED, None)
    ]
