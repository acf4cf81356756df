"""/proc Mount Type (baseline, ``procMount``).

The default ``/proc`` masks are set up to reduce attack surface, and should be required,
unless the pod runs in a user namespace (``hostUsers: false``, policy v1.35+).

**Restricted fields:** ``spec.containers[*].securityContext.procMount``,
``spec.initContainers[*].securityContext.procMount``,
``spec.ephemeralContainers[*].securityContext.procMount``.

**Allowed values:** undefined/null, ``Default``; from policy v1.35 any value when
``spec.hostUsers`` is ``false``. (The restricted level keeps the unconditional rule:
see ``procMount_restricted``.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.pss._util import get, in_user_namespace, visit_containers
from kubeflow_devtools.policy.pss.registry import Check, Level, VersionedCheck, Violation, register


def proc_mount_1_0(metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> list[Violation]:
    """Forbid any ``procMount`` other than ``Default`` on any container (policy v1.0+).

    An explicit ``procMount`` that is not ``Default`` (``""`` included) is forbidden.
    """
    violations: list[Violation] = []
    for name, container, path in visit_containers(spec):
        value = get(container, "securityContext", "procMount")
        if isinstance(value, str) and value != "Default":
            violations.append(
                Violation(
                    f'container "{name}" must not set securityContext.procMount to "{value}"',
                    container=name,
                    field=(*path, "securityContext", "procMount"),
                )
            )
    return violations


def proc_mount_1_35(metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> list[Violation]:
    """As v1.0, but a pod with ``hostUsers: false`` may set any ``procMount`` (v1.35+)."""
    if in_user_namespace(spec):
        return []
    return proc_mount_1_0(metadata, spec)


CHECK = register(
    Check(
        id="procMount",
        level=Level.BASELINE,
        title="/proc Mount Type",
        versions=(VersionedCheck(0, proc_mount_1_0), VersionedCheck(35, proc_mount_1_35)),
        doc=__doc__ or "",
    )
)
