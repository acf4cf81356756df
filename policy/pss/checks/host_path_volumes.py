"""HostPath Volumes (baseline, ``hostPathVolumes``).

HostPath volumes must be forbidden.

**Restricted fields:** ``spec.volumes[*].hostPath``.

**Allowed values:** undefined/null.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.pss._util import get, items, text
from kubeflow_devtools.policy.pss.registry import Check, Level, VersionedCheck, Violation, register


def host_path_volumes_1_0(metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> list[Violation]:
    """Forbid volumes with a ``hostPath`` source (policy v1.0+)."""
    return [
        Violation(
            f'volume "{text(volume.get("name"))}" must not use hostPath',
            field=("volumes", index, "hostPath"),
        )
        for index, volume in enumerate(items(get(spec, "volumes")))
        if isinstance(volume, Mapping) and isinstance(volume.get("hostPath"), Mapping)
    ]


CHECK = register(
    Check(
        id="hostPathVolumes",
        level=Level.BASELINE,
        title="HostPath Volumes",
        versions=(VersionedCheck(0, host_path_volumes_1_0),),
        doc=__doc__ or "",
    )
)
