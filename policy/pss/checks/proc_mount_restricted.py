"""/proc Mount Type (restricted, ``procMount_restricted``, policy v1.35+; overrides
``procMount``).

The default ``/proc`` masks are set up to reduce attack surface, and are required by the
restricted policy even for pods in a user namespace: from v1.35 the baseline ``procMount``
check relaxes for ``hostUsers: false``, and this check keeps the unconditional rule at
the restricted level.

**Restricted fields:** ``spec.containers[*].securityContext.procMount``,
``spec.initContainers[*].securityContext.procMount``,
``spec.ephemeralContainers[*].securityContext.procMount``.

**Allowed values:** undefined/null, ``Default``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.pss.checks.proc_mount import proc_mount_1_0
from kubeflow_devtools.policy.pss.registry import Check, Level, VersionedCheck, Violation, register


def proc_mount_restricted_1_35(
    metadata: Mapping[str, Any], spec: Mapping[str, Any]
) -> list[Violation]:
    """Forbid any ``procMount`` other than ``Default``, whatever ``hostUsers`` (v1.35+)."""
    return proc_mount_1_0(metadata, spec)


CHECK = register(
    Check(
        id="procMount_restricted",
        level=Level.RESTRICTED,
        title="/proc Mount Type",
        versions=(VersionedCheck(35, proc_mount_restricted_1_35, ("procMount",)),),
        doc=__doc__ or "",
    )
)
