"""AppArmor (baseline, ``appArmorProfile``).

On supported hosts, the ``RuntimeDefault`` AppArmor profile is applied by default. The
baseline policy should prevent overriding or disabling the default AppArmor profile, or
restrict overrides to an allowed set of profiles.

**Restricted fields:** ``spec.securityContext.appArmorProfile.type``,
``spec.containers[*].securityContext.appArmorProfile.type``,
``spec.initContainers[*].securityContext.appArmorProfile.type``,
``spec.ephemeralContainers[*].securityContext.appArmorProfile.type``.

**Allowed values:** undefined/null (no ``appArmorProfile``), ``RuntimeDefault``,
``Localhost``.

**Restricted fields:** ``metadata.annotations["container.apparmor.security.beta.kubernetes.io/*"]``.

**Allowed values:** undefined, ``""``, ``runtime/default``, ``localhost/*``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.pss._util import annotation_items, get, text, visit_containers
from kubeflow_devtools.policy.pss.registry import Check, Level, VersionedCheck, Violation, register

ALLOWED_PROFILE_TYPES = frozenset({"RuntimeDefault", "Localhost"})
"""The allowed values of ``securityContext.appArmorProfile.type``."""

ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"
"""The key prefix of the deprecated per-container AppArmor annotations."""

_FIELD = ("securityContext", "appArmorProfile")


def _allowed_annotation_value(value: str) -> bool:
    return value in ("", "runtime/default") or value.startswith("localhost/")


def app_armor_profile_1_0(metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> list[Violation]:
    """Limit AppArmor profiles, by field and by annotation, to the allowed ones (v1.0+).

    A present ``appArmorProfile`` whose ``type`` is missing counts as type ``""``, which
    is not allowed (as in PSA).
    """
    violations: list[Violation] = []
    profile = get(spec, *_FIELD)
    if isinstance(profile, Mapping):
        value = text(profile.get("type"))
        if value not in ALLOWED_PROFILE_TYPES:
            violations.append(
                Violation(
                    f'pod must not set AppArmor profile type to "{value}"',
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
                        f'container "{name}" must not set AppArmor profile type to "{value}"',
                        container=name,
                        field=(*path, *_FIELD, "type"),
                    )
                )
    for key, value in annotation_items(metadata):
        if key.startswith(ANNOTATION_PREFIX) and not _allowed_annotation_value(value):
            violations.append(
                Violation(
                    f'annotation {key}="{value}" sets a forbidden AppArmor profile',
                    field=("annotations", key),
                    root="metadata",
                )
            )
    return violations


CHECK = register(
    Check(
        id="appArmorProfile",
        level=Level.BASELINE,
        title="AppArmor",
        versions=(VersionedCheck(0, app_armor_profile_1_0),),
        doc=__doc__ or "",
    )
)
