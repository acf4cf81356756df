"""Running as Non-root (restricted, ``runAsNonRoot``).

Containers must be required to run as non-root users. From policy v1.35 the rule does
not apply to pods in a user namespace (``spec.hostUsers: false``): root in the pod maps
to an unprivileged user on the host. (Before v1.35, PSA relaxed this only behind the
default-off ``UserNamespacesPodSecurityStandards`` gate, since removed; not modelled.)

**Restricted fields:** ``spec.securityContext.runAsNonRoot``,
``spec.containers[*].securityContext.runAsNonRoot``,
``spec.initContainers[*].securityContext.runAsNonRoot``,
``spec.ephemeralContainers[*].securityContext.runAsNonRoot``.

**Allowed values:** ``true``; undefined/null at container level if the pod level is
``true``. An explicit ``false`` anywhere fails, whatever the pod level says.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.pss._util import get, in_user_namespace, visit_containers
from kubeflow_devtools.policy.pss.registry import Check, Level, VersionedCheck, Violation, register

_FIELD = ("securityContext", "runAsNonRoot")


def run_as_non_root_1_0(metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> list[Violation]:
    """Require ``runAsNonRoot: true`` for every container, set or inherited (v1.0-v1.34).

    Explicit ``false`` settings (pod or container) are reported; containers that merely
    inherit no ``true`` are reported only when nothing sets ``false``, as PSA does.
    """
    pod_value = get(spec, *_FIELD)
    explicit: list[Violation] = []
    implicit: list[Violation] = []
    if pod_value is False:
        explicit.append(
            Violation("pod must not set securityContext.runAsNonRoot=false", field=_FIELD)
        )
    for name, container, path in visit_containers(spec):
        value = get(container, *_FIELD)
        if value is False:
            explicit.append(
                Violation(
                    f'container "{name}" must not set securityContext.runAsNonRoot=false',
                    container=name,
                    field=(*path, *_FIELD),
                )
            )
        elif value is not True and pod_value is not True:
            implicit.append(
                Violation(
                    f'pod or container "{name}" must set securityContext.runAsNonRoot=true',
                    container=name,
                    field=(*path, *_FIELD),
                )
            )
    return explicit or implicit


def run_as_non_root_1_35(metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> list[Violation]:
    """As v1.0, but pods with ``hostUsers: false`` are exempt (policy v1.35+)."""
    if in_user_namespace(spec):
        return []
    return run_as_non_root_1_0(metadata, spec)


CHECK = register(
    Check(
        id="runAsNonRoot",
        level=Level.RESTRICTED,
        title="Running as Non-root",
        versions=(
            VersionedCheck(0, run_as_non_root_1_0),
            VersionedCheck(35, run_as_non_root_1_35),
        ),
        doc=__doc__ or "",
    )
)
