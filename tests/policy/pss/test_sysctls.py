"""sysctls: only the safe set, growing at v1.27, v1.29, v1.32 and v1.37."""

from __future__ import annotations

from typing import Any

import pytest

from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.pss.checks.sysctls import sysctls_1_0


def pod(*names: Any) -> dict[str, Any]:
    return {
        "containers": [{"name": "a"}],
        "securityContext": {"sysctls": [{"name": n, "value": "1"} for n in names]},
    }


def allowed(name: str, minor: int | None) -> bool:
    return evaluate_pod({}, pod(name), Level.BASELINE, minor) == []


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("kernel.shm_rmid_forced", 0),
        ("net.ipv4.ip_local_port_range", 0),
        ("net.ipv4.ip_unprivileged_port_start", 0),
        ("net.ipv4.tcp_syncookies", 0),
        ("net.ipv4.ping_group_range", 0),
        ("net.ipv4.ip_local_reserved_ports", 27),
        ("net.ipv4.tcp_keepalive_time", 29),
        ("net.ipv4.tcp_fin_timeout", 29),
        ("net.ipv4.tcp_keepalive_intvl", 29),
        ("net.ipv4.tcp_keepalive_probes", 29),
        ("net.ipv4.tcp_rmem", 32),
        ("net.ipv4.tcp_wmem", 32),
        ("net.ipv4.tcp_slow_start_after_idle", 37),
        ("net.ipv4.tcp_notsent_lowat", 37),
    ],
)
def test_version_boundaries(name: str, first: int) -> None:
    if first:
        assert not allowed(name, first - 1)
    assert allowed(name, first)
    assert allowed(name, None)


@pytest.mark.parametrize(
    "name", ["kernel.msgmax", "net.core.somaxconn", "net.ipv4.tcp_congestion_control", ""]
)
def test_forbidden(name: str) -> None:
    assert not allowed(name, None)


def test_field_path_and_missing_name() -> None:
    violations = sysctls_1_0({}, pod("kernel.shm_rmid_forced", "vm.swappiness"))
    assert [v.field for v in violations] == [("securityContext", "sysctls", 1, "name")]
    assert violations[0].container is None
    spec = {"securityContext": {"sysctls": [{"value": "1"}, "junk", None]}}
    assert [v.field for v in sysctls_1_0({}, spec)] == [("securityContext", "sysctls", 0, "name")]
