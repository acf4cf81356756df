"""Volume Types (restricted, ``restrictedVolumes``; overrides ``hostPathVolumes``).

In addition to restricting HostPath volumes, the restricted policy limits usage of
non-core volume types to those defined through PersistentVolumes.

**Restricted fields:** ``spec.volumes[*]``.

**Allowed values:** every item of ``spec.volumes`` must set one of ``configMap``,
``csi``, ``downwardAPI``, ``emptyDir``, ``ephemeral``, ``image``,
``persistentVolumeClaim``, ``projected``, ``secret``. Any other source (``hostPath``,
``nfs``, ``gitRepo``, ...) is forbidden. A volume with no source at all is allowed: the
API server defaults it to ``emptyDir`` before admission.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.pss._util import get, items, text
from kubeflow_devtools.policy.pss.registry import Check, Level, VersionedCheck, Violation, register

ALLOWED_SOURCES = (
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
)
"""The volume sources a restricted pod may use."""

RESTRICTED_SOURCES = (
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
)
"""The known volume sources a restricted pod may not use (in PSA's order)."""


def restricted_volumes_1_0(metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> list[Violation]:
    """Allow only the core, ephemeral-or-claimed volume sources (policy v1.0+).

    A source counts as set when its value is a mapping. A volume with a restricted source
    and no allowed one is forbidden; one with no known source at all is an implicit
    ``emptyDir`` (API defaulting) and allowed.
    """
    violations: list[Violation] = []
    for index, volume in enumerate(items(get(spec, "volumes"))):
        if not isinstance(volume, Mapping):
            continue
        if any(isinstance(volume.get(key), Mapping) for key in ALLOWED_SOURCES):
            continue
        source = next(
            (key for key in RESTRICTED_SOURCES if isinstance(volume.get(key), Mapping)), None
        )
        if source is None:
            continue
        name = text(volume.get("name"))
        violations.append(
            Violation(
                f'volume "{name}" must not use restricted volume type "{source}"',
                field=("volumes", index, source),
            )
        )
    return violations


CHECK = register(
    Check(
        id="restrictedVolumes",
        level=Level.RESTRICTED,
        title="Volume Types",
        versions=(VersionedCheck(0, restricted_volumes_1_0, ("hostPathVolumes",)),),
        doc=__doc__ or "",
    )
)
