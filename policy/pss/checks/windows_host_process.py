"""HostProcess (baseline, ``windowsHostProcess``).

Windows pods offer the ability to run HostProcess containers, which enable privileged
access to the Windows host machine. Privileged access to the host is disallowed.

**Restricted fields:** ``spec.securityContext.windowsOptions.hostProcess``,
``spec.containers[*].securityContext.windowsOptions.hostProcess``,
``spec.initContainers[*].securityContext.windowsOptions.hostProcess``,
``spec.ephemeralContainers[*].securityContext.windowsOptions.hostProcess``.

**Allowed values:** undefined/null, ``false``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.pss._util import get, visit_containers
from kubeflow_devtools.policy.pss.registry import Check, Level, VersionedCheck, Violation, register

_FIELD = ("securityContext", "windowsOptions", "hostProcess")


def windows_host_process_1_0(
    metadata: Mapping[str, Any], spec: Mapping[str, Any]
) -> list[Violation]:
    """Forbid ``windowsOptions.hostProcess: true`` on the pod or any container (v1.0+)."""
    violations: list[Violation] = []
    if get(spec, *_FIELD) is True:
        violations.append(
            Violation(
                "pod must not set securityContext.windowsOptions.hostProcess=true", field=_FIELD
            )
        )
    for name, container, path in visit_containers(spec):
        if get(container, *_FIELD) is True:
            violations.append(
                Violation(
                    f'container "{name}" must not set '
                    "securityContext.windowsOptions.hostProcess=true",
                    container=name,
                    field=(*path, *_FIELD),
                )
            )
    return violations


CHECK = register(
    Check(
        id="windowsHostProcess",
        level=Level.BASELINE,
        title="HostProcess",
        versions=(VersionedCheck(0, windows_host_process_1_0),),
        doc=__doc__ or "",
    )
)
