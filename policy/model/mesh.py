"""The mesh's data: Istio's configuration as the input tells it, and pods as admitted.

:func:`~kubeflow_devtools.policy.mesh.config.read_mesh_config` fills a :class:`MeshConfig`
from the input; :func:`~kubeflow_devtools.policy.mesh.inject.admit` turns a pod spec into an
:class:`Admitted` pod, with the containers the mesh injects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from kubeflow_devtools.policy.model.objects import PodSpec, Resource


class MeshMode(str, Enum):
    """``--mesh``: what to assume about the service mesh."""

    AUTO = "auto"
    SIDECAR = "sidecar"
    CNI = "cni"
    AMBIENT = "ambient"
    NONE = "none"


@dataclass(frozen=True)
class Webhook:
    """One sidecar-injection webhook: which namespaces and objects it is called for."""

    name: str
    namespace_selector: Any
    object_selector: Any


@dataclass(frozen=True)
class Origin:
    """Where a setting was read: a resource, and the field path in it."""

    resource: Resource
    path: tuple[str | int, ...]
    what: str


DEFAULT_WEBHOOKS = (
    Webhook(
        "rev.namespace.sidecar-injector.istio.io",
        {
            "matchExpressions": [
                {"key": "istio.io/rev", "operator": "In", "values": ["default"]},
                {"key": "istio-injection", "operator": "DoesNotExist"},
            ]
        },
        {
            "matchExpressions": [
                {"key": "sidecar.istio.io/inject", "operator": "NotIn", "values": ["false"]}
            ]
        },
    ),
    Webhook(
        "rev.object.sidecar-injector.istio.io",
        {
            "matchExpressions": [
                {"key": "istio.io/rev", "operator": "DoesNotExist"},
                {"key": "istio-injection", "operator": "DoesNotExist"},
            ]
        },
        {
            "matchExpressions": [
                {"key": "sidecar.istio.io/inject", "operator": "NotIn", "values": ["false"]},
                {"key": "istio.io/rev", "operator": "In", "values": ["default"]},
            ]
        },
    ),
    Webhook(
        "namespace.sidecar-injector.istio.io",
        {"matchExpressions": [{"key": "istio-injection", "operator": "In", "values": ["enabled"]}]},
        {
            "matchExpressions": [
                {"key": "sidecar.istio.io/inject", "operator": "NotIn", "values": ["false"]}
            ]
        },
    ),
    Webhook(
        "object.sidecar-injector.istio.io",
        {
            "matchExpressions": [
                {"key": "istio-injection", "operator": "DoesNotExist"},
                {"key": "istio.io/rev", "operator": "DoesNotExist"},
            ]
        },
        {
            "matchExpressions": [
                {"key": "sidecar.istio.io/inject", "operator": "In", "values": ["true"]},
                {"key": "istio.io/rev", "operator": "DoesNotExist"},
            ]
        },
    ),
)
"""The webhooks Istio's default revision installs, used when the input has none."""


@dataclass(frozen=True)
class MeshConfig:
    """What the mesh does to pods at admission, as far as the input (or ``--mesh``) tells."""

    mode: MeshMode = MeshMode.AUTO
    present: bool = False
    injection: bool = False
    cni_enabled: bool = False
    cni_origin: Origin | None = None
    cni_node: Resource | None = None
    ztunnel: Resource | None = None
    ambient_enabled: bool = False
    native_sidecars: bool = False
    proxy_privileged: bool = False
    proxy_seccomp: Mapping[str, Any] | None = None
    cap_net_bind_service: bool = False
    interception_mode: str = "REDIRECT"
    proxy_uid: int = 1337
    policy: str = "enabled"
    never_inject: tuple[Any, ...] = ()
    always_inject: tuple[Any, ...] = ()
    webhooks: tuple[Webhook, ...] = DEFAULT_WEBHOOKS
    injector: Resource | None = None

    @property
    def description(self) -> str:
        """A one-line summary for reports."""
        if not self.present and self.mode == MeshMode.AUTO:
            return "no Istio configuration in the input: assuming no sidecar injection"
        parts = []
        if self.injection:
            parts.append("sidecar injection with " + ("CNI" if self.cni_enabled else "istio-init"))
        if self.ambient_enabled:
            parts.append("ambient")
        if not parts:
            parts.append("no injection")
        source = "from --mesh" if self.mode != MeshMode.AUTO else "from the input"
        return f"Istio: {', '.join(parts)} ({source})"


@dataclass(frozen=True)
class Decision:
    """Whether a pod is injected, and why (a sentence for the report)."""

    injected: bool
    reason: str


@dataclass(frozen=True)
class Admitted:
    """A pod as admitted: its spec with the injected containers, and which ones they are."""

    pod: PodSpec
    decision: Decision
    injected: tuple[tuple[str, int, str], ...]
    """``(list name, index, container name)`` of every injected container."""
