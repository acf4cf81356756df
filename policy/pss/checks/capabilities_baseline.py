"""Capabilities (baseline, ``capabilities_baseline``).

Adding capabilities beyond the container runtime's default set must be disallowed.

**Restricted fields:** ``spec.containers[*].securityContext.capabilities.add``,
``spec.initContainers[*].securityContext.capabilities.add``,
``spec.ephemeralContainers[*].securityContext.capabilities.add``.

**Allowed values:** undefined/empty, or values from ``AUDIT_WRITE``, ``CHOWN``,
``DAC_OVERRIDE``, ``FOWNER``, ``FSETID``, ``KILL``, ``MKNOD``, ``NET_BIND_SERVICE``,
``SETFCAP``, ``SETGID``, ``SETPCAP``, ``SETUID``, ``SYS_CHROOT`` (exact, case-sensitive).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.pss._util import get, items, text, visit_containers
from kubeflow_devtools.policy.pss.registry import Check, Level, VersionedCheck, Violation, register

ALLOWED_CAPABILITIES_1_0 = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)
"""The capabilities a baseline container may add."""


def capabilities_baseline_1_0(
    metadata: Mapping[str, Any], spec: Mapping[str, Any]
) -> list[Violation]:
    """Forbid adding any capability outside the default set (policy v1.0+)."""
    violations: list[Violation] = []
    for name, container, path in visit_containers(spec):
        added = items(get(container, "securityContext", "capabilities", "add"))
        for index, capability in enumerate(added):
            value = text(capability)
            if value not in ALLOWED_CAPABILITIES_1_0:
                violations.append(
                    Violation(
                        f'container "{name}" must not include "{value}" in '
                        "securityContext.capabilities.add",
                        container=name,
                        field=(*path, "securityContext", "capabilities", "add", index),
                    )
                )
    return violations


CHECK = register(
    Check(
        id="capabilities_baseline",
        level=Level.BASELINE,
        title="Capabilities",
        versions=(VersionedCheck(0, capabilities_baseline_1_0),),
        doc=__doc__ or "",
    )
)
