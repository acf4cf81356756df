"""windowsHostProcess: hostProcess must not be true, on the pod or any container."""

from __future__ import annotations

from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.pss.checks.windows_host_process import windows_host_process_1_0

HOST_PROCESS = {"windowsOptions": {"hostProcess": True}}


def test_pod_level() -> None:
    spec = {"securityContext": HOST_PROCESS, "containers": [{"name": "a"}]}
    (violation,) = windows_host_process_1_0({}, spec)
    assert violation.container is None
    assert violation.field == ("securityContext", "windowsOptions", "hostProcess")


def test_container_levels() -> None:
    spec = {
        "containers": [{"name": "a", "securityContext": HOST_PROCESS}],
        "initContainers": [{"name": "i", "securityContext": {"windowsOptions": {}}}],
        "ephemeralContainers": [{"name": "e", "securityContext": HOST_PROCESS}],
    }
    violations = windows_host_process_1_0({}, spec)
    assert [(v.container, v.field[0]) for v in violations] == [
        ("a", "containers"),
        ("e", "ephemeralContainers"),
    ]
    assert "windowsHostProcess" in [c.id for c, _ in evaluate_pod({}, spec, Level.RESTRICTED)]


def test_false_allowed() -> None:
    spec = {"securityContext": {"windowsOptions": {"hostProcess": False}}}
    assert windows_host_process_1_0({}, spec) == []
