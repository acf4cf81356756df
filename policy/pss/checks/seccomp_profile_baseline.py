"""Seccomp (baseline, ``seccompProfile_baseline``).

If seccomp profiles are specified, only the runtime default and localhost profiles are
allowed; ``Unconfined`` must not be set.

Policy v1.0 - v1.18:

**Restricted fields:** ``metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"]``,
``metadata.annotations["container.seccomp.security.alpha.kubernetes.io/<container name>"]``.

**Allowed values:** undefined, ``runtime/default``, ``docker/default``, ``localhost/*``.

Policy v1.19+:

**Restricted fields:** ``spec.securityContext.seccompProfile.type``,
``spec.containers[*].securityContext.seccompProfile.type``,
``spec.initContainers[*].securityContext.seccompProfile.type``,
``spec.ephemeralContainers[*].securityContext.seccompProfile.type``.

**Allowed values:** undefined/null (no ``seccompProfile``), ``RuntimeDefault``,
``Localhost``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.pss._util import (
    annotation_items,
    get,
    raw_name,
    text,
    visit_containers,
)
from kubeflow_devtools.policy.pss.registry import Check, Level, VersionedCheck, Violation, register

POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
"""The deprecated pod-level seccomp annotation."""

CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/"
"""The key prefix of the deprecated per-container seccomp annotations."""

ALLOWED_PROFILE_TYPES = frozenset({"RuntimeDefault", "Localhost"})
"""The allowed values of ``securityContext.seccompProfile.type``."""

_FIELD = ("securityContext", "seccompProfile")


def allowed_annotation_value(value: str) -> bool:
    """Whether a seccomp annotation value names an allowed profile."""
    return value in ("runtime/default", "docker/default") or value.startswith("localhost/")


def seccomp_profile_baseline_1_0(
    metadata: Mapping[str, Any], spec: Mapping[str, Any]
) -> list[Violation]:
    """Limit the seccomp annotations (pod and per container) to allowed profiles (v1.0-v1.18).

    A present annotation with an empty value is forbidden, as in PSA.
    """
    present = dict(annotation_items(metadata))
    keys: dict[str, str | None] = {POD_ANNOTATION: None}
    for container_name, container, _path in visit_containers(spec):
        keys.setdefault(CONTAINER_ANNOTATION_PREFIX + raw_name(container), container_name)
    violations: list[Violation] = []
    for key, owner in keys.items():
        if key in present and not allowed_annotation_value(present[key]):
            violations.append(
                Violation(
                    f'forbidden annotation {key}="{present[key]}"',
                    container=owner,
                    field=("annotations", key),
                    root="metadata",
                )
            )
    return violations


def field_violations(spec: Mapping[str, Any]) -> list[Violation]:
    """Violations for every explicitly set, forbidden ``seccompProfile.type`` (pod, containers).

    A present ``seccompProfile`` whose ``type`` is missing counts as type ``""`` (forbidden).
    """
    violations: list[Violation] = []
    profile = get(spec, *_FIELD)
    if isinstance(profile, Mapping):
        value = text(profile.get("type"))
        if value not in ALLOWED_PROFILE_TYPES:
            violations.append(
                Violation(
                    f'pod must not set securityContext.seccompProfile.type to "{value}"',
                    field=(*_FIELD, "type"),
                )
            )
    for name, container, path in visit_containers(spec):
        profile = get(container, *_FIELD)
        if isinstance(profile, Mapping):
            value = text(profile.get("type"))
            if value not in ALLOWED_PROFILE_TYPES:
                violations.append(
                    Violation(
                        f'container "{name}" must not set securityContext.seccompProfile.type '
                        f'to "{value}"',
                        container=name,
                        field=(*path, *_FIELD, "type"),
                    )
                )
    return violations


def seccomp_profile_baseline_1_19(
    metadata: Mapping[str, Any], spec: Mapping[str, Any]
) -> list[Violation]:
    """Limit ``securityContext.seccompProfile.type`` to allowed profiles (policy v1.19+).

    The annotations are no longer looked at from this version on.
    """
    return field_violations(spec)


CHECK = register(
    Check(
        id="seccompProfile_baseline",
        level=Level.BASELINE,
        title="Seccomp",
        versions=(
            VersionedCheck(0, seccomp_profile_baseline_1_0),
            VersionedCheck(19, seccomp_profile_baseline_1_19),
        ),
        doc=__doc__ or "",
    )
)
