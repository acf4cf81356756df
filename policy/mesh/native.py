"""Native sidecars: Istio's ``ENABLE_NATIVE_SIDECARS`` and the cluster's Kubernetes version.

Since Istio 1.27 ``ENABLE_NATIVE_SIDECARS`` is ``true``, ``false`` or ``auto`` (the default):
``auto`` injects native sidecars when the pod's node, or else every node of the cluster, runs
a kubelet of Kubernetes 1.33 or newer (istio/istio@1.28.0:pkg/kube/inject/webhook.go,
``DetectNativeSidecar``; pilot/pkg/features/pilot.go). Before 1.27 the setting was a boolean,
off unless set. The cluster's version comes from the ``Node`` objects in the input, else from
``--kubernetes-version``, else :func:`default_kubernetes_minor`; the result says which.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from kubeflow_devtools.policy.errors import UsageError
from kubeflow_devtools.policy.model.mesh import KubernetesVersion, NativeSidecars
from kubeflow_devtools.policy.model.objects import Resource
from kubeflow_devtools.policy.pss import max_minor

NATIVE_FROM_MINOR = 33
"""The Kubernetes minor version from which ``auto`` means native sidecars."""
AUTO_FROM_ISTIO = 27
"""The Istio minor version from which ``ENABLE_NATIVE_SIDECARS`` defaults to ``auto``."""

_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$")


def default_kubernetes_minor() -> int:
    """The Kubernetes minor version assumed when neither the input nor the command line
    tells: the newest one this release's Pod Security checks know (37)."""
    return max_minor()


def parse_kubernetes_minor(text: str) -> int | None:
    """``1.34``, ``v1.34`` or ``1.34.2`` as 34; ``latest`` as ``None``.

    Raises :class:`UsageError` for anything else.
    """
    if text == "latest":
        return None
    match = _VERSION.match(text.strip())
    if match is None or match[1] != "1":
        raise UsageError(f"invalid Kubernetes version {text!r} (expected 1.N, v1.N or latest)")
    return int(match[2])


def node_minors(resources: Iterable[Resource]) -> dict[str, int | None]:
    """Each ``Node``'s kubelet minor version (``None`` when missing or unreadable), by name."""
    minors: dict[str, int | None] = {}
    for resource in resources:
        if resource.kind != "Node" or resource.group:
            continue
        status = resource.obj.get("status")
        info = status.get("nodeInfo") if isinstance(status, Mapping) else None
        version = info.get("kubeletVersion") if isinstance(info, Mapping) else None
        match = _VERSION.match(version.strip()) if isinstance(version, str) else None
        minors[resource.name] = int(match[2]) if match and match[1] == "1" else None
    return minors


def kubernetes_version(nodes: Mapping[str, int | None], option: int | None) -> KubernetesVersion:
    """The cluster's version: the oldest Node, else ``--kubernetes-version``, else the default."""
    known = [m for m in nodes.values() if m is not None]
    if nodes:
        oldest = min(known) if known else 0
        return KubernetesVersion(
            oldest, "nodes", f"the oldest of {len(nodes)} Node(s) in the input"
        )
    if option is not None:
        return KubernetesVersion(option, "--kubernetes-version", "--kubernetes-version")
    default = default_kubernetes_minor()
    return KubernetesVersion(
        default, "default", f"no Node in the input and no --kubernetes-version: assumed 1.{default}"
    )


def _flag(value: str | None) -> bool | None:
    """A Go ``strconv.ParseBool`` value; ``None`` when unset or not a boolean."""
    if value is None:
        return None
    if value in ("1", "t", "T", "true", "TRUE", "True"):
        return True
    if value in ("0", "f", "F", "false", "FALSE", "False"):
        return False
    return None


def native_sidecars(
    env: Mapping[str, str],
    istio_minor: int | None,
    kubernetes: KubernetesVersion,
    nodes: Mapping[str, int | None],
) -> NativeSidecars:
    """The cluster-wide decision (a pod on a named node may differ: :func:`for_node`)."""
    value = env.get("ENABLE_NATIVE_SIDECARS")
    if istio_minor is not None and istio_minor < AUTO_FROM_ISTIO:
        enabled = bool(_flag(value))
        shown = value if value is not None else "unset (off before Istio 1.27)"
        return NativeSidecars(enabled, value or "false", f"ENABLE_NATIVE_SIDECARS={shown}")
    if value == "true":
        return NativeSidecars(True, value, "ENABLE_NATIVE_SIDECARS=true")
    if value == "false":
        return NativeSidecars(False, value, "ENABLE_NATIVE_SIDECARS=false")
    if value not in (None, "auto"):
        return NativeSidecars(False, value, f"ENABLE_NATIVE_SIDECARS={value} is not valid (off)")
    setting = "auto" if value is None else value
    why = "ENABLE_NATIVE_SIDECARS=auto" + (" (the default)" if value is None else "")
    if kubernetes.source == "nodes":
        old = sorted(
            name for name, minor in nodes.items() if minor is None or minor < NATIVE_FROM_MINOR
        )
        enabled = not old
        detail = (
            f"every Node's kubelet is 1.{NATIVE_FROM_MINOR} or newer ({len(nodes)} Node(s))"
            if enabled
            else f"Node {old[0]} has a kubelet older than 1.{NATIVE_FROM_MINOR}"
        )
    else:
        enabled = kubernetes.minor >= NATIVE_FROM_MINOR
        detail = f"Kubernetes 1.{kubernetes.minor} from {kubernetes.detail}"
    return NativeSidecars(enabled, setting, f"{why}, {detail}", dict(nodes))


def for_node(native: NativeSidecars, node_name: str) -> bool:
    """The decision for a pod that names its node: that Node's version, when it is known."""
    if native.setting != "auto" or node_name not in native.node_minors:
        return native.enabled
    minor = native.node_minors[node_name]
    return minor is not None and minor >= NATIVE_FROM_MINOR
