"""The mesh's data: Istio's configuration as the input tells it, and pods as admitted.

:func:`~kubeflow_devtools.policy.mesh.config.read_mesh_config` fills a :class:`MeshConfig`
from the input (with the :class:`Injector` whose templates Istio runs, and how
:class:`NativeSidecars` were decided); :func:`~kubeflow_devtools.policy.mesh.inject.admit`
turns a pod spec into an :class:`Admitted` pod, with the containers the mesh injects and where
each went (:class:`InjectedContainer`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from kubeflow_devtools.policy.errors import InputError
from kubeflow_devtools.policy.model.objects import Path, PodSpec, Resource


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
class InjectionTemplate:
    """One injection template: its name, its Go template text, and where that text is.

    ``line`` is the line in ``file`` of the template's first line (``None`` when the input
    does not tell, as for the built-in template).
    """

    name: str
    text: str
    file: str | None = None
    line: int | None = None

    def where(self, line: int) -> str:
        """A template line as a place: ``template "sidecar" line 12 (file.yaml:345)``."""
        place = f'template "{self.name}" line {line}'
        if self.file is not None and self.line is not None:
            place += f" ({self.file}:{self.line + line - 1})"
        return place


@dataclass(frozen=True)
class Injector:
    """The sidecar injector's configuration, as Istio reads its ConfigMap.

    ``templates`` by name (``config.templates``, or the legacy ``config.template`` as
    ``sidecar``), the ``defaultTemplates``, the ``aliases``, the ``injectedAnnotations``, and
    the Helm ``values`` the templates read (numbers as floats, as Go decodes them).
    ``resource`` is the ConfigMap; ``None`` for the built-in template, used when the input
    configures injection without a ConfigMap (or with ``--mesh sidecar|cni``).
    """

    templates: Mapping[str, InjectionTemplate]
    values: Mapping[str, Any]
    default_templates: tuple[str, ...] = ("sidecar",)
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    injected_annotations: Mapping[str, str] = field(default_factory=dict)
    resource: Resource | None = None

    @property
    def name(self) -> str:
        """How reports name it: ``ConfigMap istio-system/istio-sidecar-injector``."""
        if self.resource is None:
            return "the built-in sidecar template"
        namespace = f"{self.resource.namespace}/" if self.resource.namespace else ""
        return f"ConfigMap {namespace}{self.resource.name}"


@dataclass(frozen=True)
class NativeSidecars:
    """Whether Istio injects native sidecars (istio-proxy as an init container with
    ``restartPolicy: Always``), from ``ENABLE_NATIVE_SIDECARS`` (``setting``) and, for
    ``auto``, the cluster's Kubernetes version; ``reason`` says which."""

    enabled: bool
    setting: str
    reason: str
    node_minors: Mapping[str, int | None] = field(default_factory=dict)
    """For ``auto``: each Node's kubelet minor version (``None``: unreadable), by name."""


@dataclass(frozen=True)
class KubernetesVersion:
    """The cluster's Kubernetes minor version and where it was taken from (``source``:
    ``nodes``, ``--kubernetes-version`` or ``default``)."""

    minor: int
    source: str
    detail: str


@dataclass(frozen=True)
class MeshConfig:
    """What the mesh does to pods at admission, as far as the input (or ``--mesh``) tells.

    ``injector`` holds the templates Istio runs; ``mesh`` the mesh configuration (the
    ``istio`` ConfigMap over Istio's defaults); ``istiod_env`` istiod's environment;
    ``istio_minor`` the Istio version that wrote the configuration, when the input tells;
    ``errors`` what in the configuration Istio would refuse (a template that does not parse).
    """

    mode: MeshMode = MeshMode.AUTO
    present: bool = False
    injection: bool = False
    cni_enabled: bool = False
    cni_origin: Origin | None = None
    cni_node: Resource | None = None
    ztunnel: Resource | None = None
    ambient_enabled: bool = False
    native_sidecars: bool = False
    native: NativeSidecars | None = None
    kubernetes: KubernetesVersion | None = None
    policy: str = "enabled"
    never_inject: tuple[Any, ...] = ()
    always_inject: tuple[Any, ...] = ()
    webhooks: tuple[Webhook, ...] = DEFAULT_WEBHOOKS
    injector: Resource | None = None
    templates: Injector | None = None
    mesh: Mapping[str, Any] = field(default_factory=dict)
    istiod_env: Mapping[str, str] = field(default_factory=dict)
    istio_minor: int | None = None
    errors: tuple[InputError, ...] = ()

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
        text = f"Istio: {', '.join(parts)} ({source})"
        if self.injection and self.native is not None:
            state = "on" if self.native.enabled else "off"
            text += f"; native sidecars {state}: {self.native.reason}"
        return text


@dataclass(frozen=True)
class Decision:
    """Whether a pod is injected, and why (a sentence for the report)."""

    injected: bool
    reason: str


@dataclass(frozen=True)
class InjectedContainer:
    """A container the injection adds to the pod, or merges into one the pod declares.

    ``list_name`` and ``index``: where it is in the admitted pod (``containers`` or
    ``initContainers``); ``native``: an init container with ``restartPolicy: Always``;
    ``declared``: where the pod declared a container of that name, whose fields win over the
    template's (``None`` when the pod did not).
    """

    list_name: str
    index: int
    name: str
    native: bool = False
    declared: Path | None = None


@dataclass(frozen=True)
class Admitted:
    """A pod as admitted: its spec with the injected containers, and which ones they are.

    ``templates``: the injection templates applied, in order. ``error``: why the injector
    would fail on this pod (the API server then rejects it), ``None`` when it does not.
    """

    pod: PodSpec
    decision: Decision
    injected: tuple[InjectedContainer, ...] = ()
    templates: tuple[str, ...] = ()
    error: str | None = None
