"""Running as Non-root user (restricted, ``runAsUser``, policy v1.23+).

Containers must not set ``runAsUser`` to 0. From policy v1.35 the rule does not apply to
pods in a user namespace (``spec.hostUsers: false``).

**Restricted fields:** ``spec.securityContext.runAsUser``,
``spec.containers[*].securityContext.runAsUser``,
``spec.initContainers[*].securityContext.runAsUser``,
``spec.ephemeralContainers[*].securityContext.runAsUser``.

**Allowed values:** any non-zero value, undefined/null.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.pss._util import get, in_user_namespace, integer, visit_containers
from kubeflow_devtools.policy.pss.registry import Check, Level, VersionedCheck, Violation, register

_FIELD = ("securityContext", "runAsUser")


def run_as_user_1_23(metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> list[Violation]:
    """Forbid ``runAsUser: 0`` on the pod or any container (policy v1.23-v1.34)."""
    violations: list[Violation] = []
    if integer(get(spec, *_FIELD)) == 0:
        violations.append(Violation("pod must not set runAsUser=0", field=_FIELD))
    for name, container, path in visit_containers(spec):
        if integer(get(container, *_FIELD)) == 0:
            violations.append(
                Violation(
                    f'container "{name}" must not set runAsUser=0',
                    container=name,
                    field=(*path, *_FIELD),
                )
            )
    return violations


def run_as_user_1_35(metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> list[Violation]:
    """As v1.23, but pods with ``hostUsers: false`` are exempt (policy v1.35+)."""
    if in_user_namespace(spec):
        return []
    return run_as_user_1_23(metadata, spec)


CHECK = register(
    Check(
        id="runAsUser",
        level=Level.RESTRICTED,
        title="Running as Non-root user",
        versions=(VersionedCheck(23, run_as_user_1_23), VersionedCheck(35, run_as_user_1_35)),
        doc=__doc__ or "",
    )
)
