"""Privileged Containers (baseline, ``privileged``).

Privileged Pods disable most security mechanisms and must be disallowed.

**Restricted fields:** ``spec.containers[*].securityContext.privileged``,
``spec.initContainers[*].securityContext.privileged``,
``spec.ephemeralContainers[*].securityContext.privileged``.

**Allowed values:** undefined/null, ``false``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.pss._util import get, visit_containers
from kubeflow_devtools.policy.pss.registry import Check, Level, VersionedCheck, Violation, register


def privileged_1_0(metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> list[Violation]:
    """Forbid ``securityContext.privileged: true`` on any container (policy v1.0+)."""
    return [
        Violation(
            f'container "{name}" must not set securityContext.privileged=true',
            container=name,
            field=(*path, "securityContext", "privileged"),
        )
        for name, container, path in visit_containers(spec)
        if get(container, "securityContext", "privileged") is True
    ]


CHECK = register(
    Check(
        id="privileged",
        level=Level.BASELINE,
        title="Privileged Containers",
        versions=(VersionedCheck(0, privileged_1_0),),
        doc=__doc__ or "",
    )
)
