"""Host Namespaces (baseline, ``hostNamespaces``).

Sharing the host namespaces must be disallowed.

**Restricted fields:** ``spec.hostNetwork``, ``spec.hostPID``, ``spec.hostIPC``.

**Allowed values:** undefined/null, ``false``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.pss._util import get
from kubeflow_devtools.policy.pss.registry import Check, Level, VersionedCheck, Violation, register

_FIELDS = ("hostNetwork", "hostPID", "hostIPC")


def host_namespaces_1_0(metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> list[Violation]:
    """Forbid ``hostNetwork``, ``hostPID`` and ``hostIPC`` set to ``true`` (policy v1.0+)."""
    return [
        Violation(f"pod must not set {name}=true", field=(name,))
        for name in _FIELDS
        if get(spec, name) is True
    ]


CHECK = register(
    Check(
        id="hostNamespaces",
        level=Level.BASELINE,
        title="Host Namespaces",
        versions=(VersionedCheck(0, host_namespaces_1_0),),
        doc=__doc__ or "",
    )
)
