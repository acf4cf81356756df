"""Seccomp (restricted, ``seccompProfile_restricted``, policy v1.19+; overrides
``seccompProfile_baseline``).

Seccomp profiles must be explicitly set to one of the allowed values. The ``Unconfined``
profile and the absence of a profile are prohibited. From policy v1.25 this is a
Linux-only policy: pods with ``spec.os.name`` ``windows`` are exempt.

**Restricted fields:** ``spec.securityContext.seccompProfile.type``,
``spec.containers[*].securityContext.seccompProfile.type``,
``spec.initContainers[*].securityContext.seccompProfile.type``,
``spec.ephemeralContainers[*].securityContext.seccompProfile.type``.

**Allowed values:** ``RuntimeDefault``, ``Localhost``. Container-level fields may be
undefined/null if the pod-level field is set to an allowed value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.pss._util import get, is_windows_pod, text, visit_containers
from kubeflow_devtools.policy.pss.checks.seccomp_profile_baseline import (
    ALLOWED_PROFILE_TYPES,
    field_violations,
)
from kubeflow_devtools.policy.pss.registry import Check, Level, VersionedCheck, Violation, register

_FIELD = ("securityContext", "seccompProfile")


def seccomp_profile_restricted_1_19(
    metadata: Mapping[str, Any], spec: Mapping[str, Any]
) -> list[Violation]:
    """Require an allowed seccomp profile on the pod or on every container (v1.19-v1.24).

    Explicitly forbidden types are reported; containers left without any allowed profile
    are reported only when nothing sets a forbidden type, as PSA does.
    """
    explicit = field_violations(spec)
    if explicit:
        return explicit
    pod_profile = get(spec, *_FIELD)
    pod_set = (
        isinstance(pod_profile, Mapping) and text(pod_profile.get("type")) in ALLOWED_PROFILE_TYPES
    )
    if pod_set:
        return []
    return [
        Violation(
            f'pod or container "{name}" must set securityContext.seccompProfile.type to '
            '"RuntimeDefault" or "Localhost"',
            container=name,
            field=(*path, *_FIELD, "type"),
        )
        for name, container, path in visit_containers(spec)
        if not isinstance(get(container, *_FIELD), Mapping)
    ]


def seccomp_profile_restricted_1_25(
    metadata: Mapping[str, Any], spec: Mapping[str, Any]
) -> list[Violation]:
    """As v1.19, but Windows pods (``spec.os.name: windows``) are exempt (policy v1.25+)."""
    if is_windows_pod(spec):
        return []
    return seccomp_profile_restricted_1_19(metadata, spec)


CHECK = register(
    Check(
        id="seccompProfile_restricted",
        level=Level.RESTRICTED,
        title="Seccomp",
        versions=(
            VersionedCheck(19, seccomp_profile_restricted_1_19, ("seccompProfile_baseline",)),
            VersionedCheck(25, seccomp_profile_restricted_1_25, ("seccompProfile_baseline",)),
        ),
        doc=__doc__ or "",
    )
)
