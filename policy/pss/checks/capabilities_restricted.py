"""Capabilities (restricted, ``capabilities_restricted``, policy v1.22+; overrides
``capabilities_baseline``).

Containers must drop ``ALL`` capabilities, and are only permitted to add back the
``NET_BIND_SERVICE`` capability. From policy v1.25 this is a Linux-only policy: pods with
``spec.os.name`` ``windows`` are exempt (and, the baseline twin being overridden, not
checked for capabilities at all at the restricted level).

**Restricted fields:** ``spec.containers[*].securityContext.capabilities.drop``,
``spec.initContainers[*].securityContext.capabilities.drop``,
``spec.ephemeralContainers[*].securityContext.capabilities.drop``.

**Allowed values:** any list that includes ``ALL``.

**Restricted fields:** ``spec.containers[*].securityContext.capabilities.add``,
``spec.initContainers[*].securityContext.capabilities.add``,
``spec.ephemeralContainers[*].securityContext.capabilities.add``.

**Allowed values:** undefined/empty, ``NET_BIND_SERVICE``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.pss._util import get, is_windows_pod, items, text, visit_containers
from kubeflow_devtools.policy.pss.registry import Check, Level, VersionedCheck, Violation, register

_FIELD = ("securityContext", "capabilities")


def capabilities_restricted_1_22(
    metadata: Mapping[str, Any], spec: Mapping[str, Any]
) -> list[Violation]:
    """Require ``drop: [ALL]`` and allow adding only ``NET_BIND_SERVICE`` (v1.22-v1.24)."""
    violations: list[Violation] = []
    for name, container, path in visit_containers(spec):
        capabilities = get(container, *_FIELD)
        if not any(text(c) == "ALL" for c in items(get(capabilities, "drop"))):
            violations.append(
                Violation(
                    f'container "{name}" must set securityContext.capabilities.drop=["ALL"]',
                    container=name,
                    field=(*path, *_FIELD, "drop"),
                )
            )
        for index, capability in enumerate(items(get(capabilities, "add"))):
            value = text(capability)
            if value != "NET_BIND_SERVICE":
                violations.append(
                    Violation(
                        f'container "{name}" must not include "{value}" in '
                        "securityContext.capabilities.add",
                        container=name,
                        field=(*path, *_FIELD, "add", index),
                    )
                )
    return violations


def capabilities_restricted_1_25(
    metadata: Mapping[str, Any], spec: Mapping[str, Any]
) -> list[Violation]:
    """As v1.22, but Windows pods (``spec.os.name: windows``) are exempt (policy v1.25+)."""
    if is_windows_pod(spec):
        return []
    return capabilities_restricted_1_22(metadata, spec)


CHECK = register(
    Check(
        id="capabilities_restricted",
        level=Level.RESTRICTED,
        title="Capabilities",
        versions=(
            VersionedCheck(22, capabilities_restricted_1_22, ("capabilities_baseline",)),
            VersionedCheck(25, capabilities_restricted_1_25, ("capabilities_baseline",)),
        ),
        doc=__doc__ or "",
    )
)
