"""hostNamespaces: hostNetwork, hostPID and hostIPC must not be true."""

from __future__ import annotations

from typing import Any

import pytest

from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.pss.checks.host_namespaces import host_namespaces_1_0


@pytest.mark.parametrize("field", ["hostNetwork", "hostPID", "hostIPC"])
def test_each_namespace(field: str) -> None:
    spec = {"containers": [{"name": "a"}], field: True}
    (violation,) = host_namespaces_1_0({}, spec)
    assert violation.field == (field,)
    assert violation.container is None
    assert field in violation.message
    assert [c.id for c, _ in evaluate_pod({}, spec, Level.BASELINE, 0)] == ["hostNamespaces"]


@pytest.mark.parametrize("value", [False, None, "true", 1, {}])
def test_allowed(value: Any) -> None:
    assert host_namespaces_1_0({}, {"hostNetwork": value, "hostPID": value}) == []


def test_all_three_reported() -> None:
    spec = {"hostNetwork": True, "hostPID": True, "hostIPC": True}
    assert [v.field for v in host_namespaces_1_0({}, spec)] == [
        ("hostNetwork",),
        ("hostPID",),
        ("hostIPC",),
    ]
