"""SELinux (baseline, ``seLinuxOptions``).

Setting the SELinux type is restricted, and setting a custom SELinux user or role option
is forbidden.

**Restricted fields:** ``spec.securityContext.seLinuxOptions.type``,
``spec.containers[*].securityContext.seLinuxOptions.type``,
``spec.initContainers[*].securityContext.seLinuxOptions.type``,
``spec.ephemeralContainers[*].securityContext.seLinuxOptions.type``.

**Allowed values:** undefined/``""``, ``container_t``, ``container_init_t``,
``container_kvm_t``; from policy v1.31 also ``container_engine_t``.

**Restricted fields:** ``spec.securityContext.seLinuxOptions.user`` and ``.role``, and the
same fields of every container, init container and ephemeral container.

**Allowed values:** undefined/``""``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.pss._util import get, text, visit_containers
from kubeflow_devtools.policy.pss.registry import (
    Check,
    FieldPath,
    Level,
    VersionedCheck,
    Violation,
    register,
)

ALLOWED_TYPES_1_0 = frozenset({"", "container_t", "container_init_t", "container_kvm_t"})
"""SELinux types allowed up to policy v1.30."""

ALLOWED_TYPES_1_31 = ALLOWED_TYPES_1_0 | {"container_engine_t"}
"""SELinux types allowed from policy v1.31."""

_FIELD = ("securityContext", "seLinuxOptions")


def _options_violations(
    options: Any, who: str, container: str | None, path: FieldPath, allowed: frozenset[str]
) -> list[Violation]:
    if not isinstance(options, Mapping):
        return []
    violations: list[Violation] = []
    se_type = text(options.get("type"))
    if se_type not in allowed:
        violations.append(
            Violation(
                f'{who} must not set securityContext.seLinuxOptions.type to "{se_type}"',
                container=container,
                field=(*path, "type"),
            )
        )
    for key in ("user", "role"):
        if text(options.get(key)):
            violations.append(
                Violation(
                    f"{who} must not set securityContext.seLinuxOptions.{key}",
                    container=container,
                    field=(*path, key),
                )
            )
    return violations


def _check(spec: Mapping[str, Any], allowed: frozenset[str]) -> list[Violation]:
    violations = _options_violations(get(spec, *_FIELD), "pod", None, _FIELD, allowed)
    for name, container, path in visit_containers(spec):
        violations += _options_violations(
            get(container, *_FIELD), f'container "{name}"', name, (*path, *_FIELD), allowed
        )
    return violations


def se_linux_options_1_0(metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> list[Violation]:
    """Limit SELinux types to the v1.0 set and forbid user and role (policy v1.0-v1.30)."""
    return _check(spec, ALLOWED_TYPES_1_0)


def se_linux_options_1_31(metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> list[Violation]:
    """As v1.0, with ``container_engine_t`` also allowed (policy v1.31+)."""
    return _check(spec, ALLOWED_TYPES_1_31)


CHECK = register(
    Check(
        id="seLinuxOptions",
        level=Level.BASELINE,
        title="SELinux",
        versions=(
            VersionedCheck(0, se_linux_options_1_0),
            VersionedCheck(31, se_linux_options_1_31),
        ),
        doc=__doc__ or "",
    )
)
