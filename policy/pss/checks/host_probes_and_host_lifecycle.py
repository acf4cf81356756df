"""Host Probes / Lifecycle Hooks (baseline, ``hostProbesAndHostLifecycle``, policy v1.34+).

The ``host`` field of probes and lifecycle handlers must not be set: it would let the
kubelet connect to arbitrary hosts on the pod's behalf.

**Restricted fields** (for ``containers``, ``initContainers`` and ``ephemeralContainers``):
``livenessProbe.httpGet.host``, ``readinessProbe.httpGet.host``,
``startupProbe.httpGet.host``, ``livenessProbe.tcpSocket.host``,
``readinessProbe.tcpSocket.host``, ``startupProbe.tcpSocket.host``,
``lifecycle.postStart.httpGet.host``, ``lifecycle.preStop.httpGet.host``,
``lifecycle.postStart.tcpSocket.host``, ``lifecycle.preStop.tcpSocket.host``.

**Allowed values:** undefined/null, ``""``.
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

_HANDLERS: tuple[FieldPath, ...] = (
    ("livenessProbe",),
    ("readinessProbe",),
    ("startupProbe",),
    ("lifecycle", "postStart"),
    ("lifecycle", "preStop"),
)
_ACTIONS = ("httpGet", "tcpSocket")


def host_probes_and_host_lifecycle_1_34(
    metadata: Mapping[str, Any], spec: Mapping[str, Any]
) -> list[Violation]:
    """Forbid a non-empty ``host`` in probes and lifecycle handlers (policy v1.34+)."""
    violations: list[Violation] = []
    for name, container, path in visit_containers(spec):
        for handler in _HANDLERS:
            found = get(container, *(str(k) for k in handler))
            if found is None:
                continue  # no such probe or hook: nothing to read below it
            for action in _ACTIONS:
                keys = (*handler, action, "host")
                host = text(get(found, action, "host"))
                if host:
                    where = ".".join(str(k) for k in keys)
                    violations.append(
                        Violation(
                            f'container "{name}" must not set {where} (uses host "{host}")',
                            container=name,
                            field=(*path, *keys),
                        )
                    )
    return violations


CHECK = register(
    Check(
        id="hostProbesAndHostLifecycle",
        level=Level.BASELINE,
        title="Host Probes / Lifecycle Hooks",
        versions=(VersionedCheck(34, host_probes_and_host_lifecycle_1_34),),
        doc=__doc__ or "",
    )
)
