"""Host Ports (baseline, ``hostPorts``).

HostPorts should be disallowed entirely.

**Restricted fields:** ``spec.containers[*].ports[*].hostPort``,
``spec.initContainers[*].ports[*].hostPort``,
``spec.ephemeralContainers[*].ports[*].hostPort``.

**Allowed values:** undefined/null, ``0``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.pss._util import get, integer, items, visit_containers
from kubeflow_devtools.policy.pss.registry import Check, Level, VersionedCheck, Violation, register


def host_ports_1_0(metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> list[Violation]:
    """Forbid any non-zero ``hostPort`` on any container port (policy v1.0+)."""
    violations: list[Violation] = []
    for name, container, path in visit_containers(spec):
        for index, port in enumerate(items(get(container, "ports"))):
            host_port = integer(get(port, "hostPort"))
            if host_port:
                violations.append(
                    Violation(
                        f'container "{name}" must not use hostPort {host_port}',
                        container=name,
                        field=(*path, "ports", index, "hostPort"),
                    )
                )
    return violations


CHECK = register(
    Check(
        id="hostPorts",
        level=Level.BASELINE,
        title="Host Ports",
        versions=(VersionedCheck(0, host_ports_1_0),),
        doc=__doc__ or "",
    )
)
