"""Sysctls (baseline, ``sysctls``).

Sysctls can disable security mechanisms or affect all containers on a host, and should
be disallowed except for an allowed "safe" subset. A sysctl is considered safe if it is
namespaced in the container or the Pod, and it is isolated from other Pods or processes
on the same Node.

**Restricted fields:** ``spec.securityContext.sysctls[*].name``.

**Allowed values:** undefined/empty, and

- from v1.0: ``kernel.shm_rmid_forced``, ``net.ipv4.ip_local_port_range``,
  ``net.ipv4.ip_unprivileged_port_start``, ``net.ipv4.tcp_syncookies``,
  ``net.ipv4.ping_group_range``;
- from v1.27 also ``net.ipv4.ip_local_reserved_ports``;
- from v1.29 also ``net.ipv4.tcp_keepalive_time``, ``net.ipv4.tcp_fin_timeout``,
  ``net.ipv4.tcp_keepalive_intvl``, ``net.ipv4.tcp_keepalive_probes``;
- from v1.32 also ``net.ipv4.tcp_rmem``, ``net.ipv4.tcp_wmem``;
- from v1.37 also ``net.ipv4.tcp_slow_start_after_idle``, ``net.ipv4.tcp_notsent_lowat``.

Upstream: ``kubernetes/pod-security-admission@8f84a87:policy/check_sysctls.go``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.pss._util import get, items, text
from kubeflow_devtools.policy.pss.registry import Check, Level, VersionedCheck, Violation, register

ALLOWED_1_0 = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
    }
)
"""Safe sysctls from policy v1.0."""

ALLOWED_1_27 = ALLOWED_1_0 | {"net.ipv4.ip_local_reserved_ports"}
"""Safe sysctls from policy v1.27."""

ALLOWED_1_29 = ALLOWED_1_27 | {
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
}
"""Safe sysctls from policy v1.29."""

ALLOWED_1_32 = ALLOWED_1_29 | {"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"}
"""Safe sysctls from policy v1.32."""

ALLOWED_1_37 = ALLOWED_1_32 | {"net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"}
"""Safe sysctls from policy v1.37."""


def _check(spec: Mapping[str, Any], allowed: frozenset[str]) -> list[Violation]:
    violations: list[Violation] = []
    for index, sysctl in enumerate(items(get(spec, "securityContext", "sysctls"))):
        if not isinstance(sysctl, Mapping):
            continue
        name = text(sysctl.get("name"))
        if name not in allowed:
            violations.append(
                Violation(
                    f'pod must not set forbidden sysctl "{name}"',
                    field=("securityContext", "sysctls", index, "name"),
                )
            )
    return violations


def sysctls_1_0(metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> list[Violation]:
    """Allow only the v1.0 safe sysctls (policy v1.0-v1.26)."""
    return _check(spec, ALLOWED_1_0)


def sysctls_1_27(metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> list[Violation]:
    """Allow the v1.0 set plus ``net.ipv4.ip_local_reserved_ports`` (policy v1.27-v1.28)."""
    return _check(spec, ALLOWED_1_27)


def sysctls_1_29(metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> list[Violation]:
    """Allow the v1.27 set plus the TCP keepalive/fin-timeout sysctls (policy v1.29-v1.31)."""
    return _check(spec, ALLOWED_1_29)


def sysctls_1_32(metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> list[Violation]:
    """Allow the v1.29 set plus ``net.ipv4.tcp_rmem``/``tcp_wmem`` (policy v1.32-v1.36)."""
    return _check(spec, ALLOWED_1_32)


def sysctls_1_37(metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> list[Violation]:
    """Allow the v1.32 set plus ``tcp_slow_start_after_idle``/``tcp_notsent_lowat`` (v1.37+)."""
    return _check(spec, ALLOWED_1_37)


CHECK = register(
    Check(
        id="sysctls",
        level=Level.BASELINE,
        title="Sysctls",
        versions=(
            VersionedCheck(0, sysctls_1_0),
            VersionedCheck(27, sysctls_1_27),
            VersionedCheck(29, sysctls_1_29),
            VersionedCheck(32, sysctls_1_32),
            VersionedCheck(37, sysctls_1_37),
        ),
        doc=__doc__ or "",
    )
)
