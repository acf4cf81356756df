"""Privilege Escalation (restricted, ``allowPrivilegeEscalation``, policy v1.8+).

Privilege escalation (such as via set-user-ID or set-group-ID file mode) should not be
allowed. From policy v1.25 this is a Linux-only policy: pods with ``spec.os.name``
``windows`` are exempt.

**Restricted fields:** ``spec.containers[*].securityContext.allowPrivilegeEscalation``,
``spec.initContainers[*].securityContext.allowPrivilegeEscalation``,
``spec.ephemeralContainers[*].securityContext.allowPrivilegeEscalation``.

**Allowed values:** ``false`` (it must be set).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.pss._util import get, is_windows_pod, visit_containers
from kubeflow_devtools.policy.pss.registry import Check, Level, VersionedCheck, Violation, register


def allow_privilege_escalation_1_8(
    metadata: Mapping[str, Any], spec: Mapping[str, Any]
) -> list[Violation]:
    """Require ``allowPrivilegeEscalation: false`` on every container (policy v1.8-v1.24)."""
    return [
        Violation(
            f'container "{name}" must set securityContext.allowPrivilegeEscalation=false',
            container=name,
            field=(*path, "securityContext", "allowPrivilegeEscalation"),
        )
        for name, container, path in visit_containers(spec)
        if get(container, "securityContext", "allowPrivilegeEscalation") is not False
    ]


def allow_privilege_escalation_1_25(
    metadata: Mapping[str, Any], spec: Mapping[str, Any]
) -> list[Violation]:
    """As v1.8, but Windows pods (``spec.os.name: windows``) are exempt (policy v1.25+)."""
    if is_windows_pod(spec):
        return []
    return allow_privilege_escalation_1_8(metadata, spec)


CHECK = register(
    Check(
        id="allowPrivilegeEscalation",
        level=Level.RESTRICTED,
        title="Privilege Escalation",
        versions=(
            VersionedCheck(8, allow_privilege_escalation_1_8),
            VersionedCheck(25, allow_privilege_escalation_1_25),
        ),
        doc=__doc__ or "",
    )
)
