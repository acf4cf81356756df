"""Mesh rules: what the service mesh does to rootless compliance. Their ids are a contract.

Each rule is a :class:`~kubeflow_devtools.policy.model.findings.RuleInfo` of level ``mesh`` in
:data:`MESH_RULES`, with its id, severity and the documentation rendered into the rule
reference. Pod rules look at one admitted pod; install rules look at the mesh configuration
and the namespaces as a whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kubeflow_devtools.policy.model.findings import RuleInfo
from kubeflow_devtools.policy.model.mesh import Admitted, MeshConfig
from kubeflow_devtools.policy.model.objects import Namespaces, Resource
from kubeflow_devtools.policy.pss import Evaluate, Level, evaluate_pod, parse_version
from kubeflow_devtools.policy.pss._util import visit_containers

ISTIO_INIT = RuleInfo(
    "istioInit",
    "mesh",
    "error",
    "A pod has Istio's root istio-init container",
    "Without the Istio CNI plugin, every injected pod gets the `istio-init` init container: "
    "`runAsUser: 0`, `runAsNonRoot: false`, capabilities `NET_ADMIN` and `NET_RAW`. It is not "
    "`privileged: true`, so naive checks miss it, but the pod is not rootless. Fix: enable the "
    "CNI plugin (`pilot.cni.enabled: true` and the `istio-cni-node` DaemonSet) or ambient mode.",
)
MESH_CNI_DISABLED = RuleInfo(
    "meshCniDisabled",
    "mesh",
    "error",
    "Sidecar injection is on but the Istio CNI plugin is off",
    "Injected pods will get the root `istio-init` container. Fix: enable the CNI plugin.",
)
MESH_CNI_MISSING = RuleInfo(
    "meshCniMissing",
    "mesh",
    "warning",
    "CNI is on in the injector but no istio-cni-node DaemonSet is in the input",
    "Pods get `istio-validation` and expect the node agent to set up their traffic; without "
    "the `istio-cni-node` DaemonSet they fail to start. It may be installed separately.",
)
AMBIENT_SIDECAR_CONFLICT = RuleInfo(
    "ambientSidecarConflict",
    "mesh",
    "error",
    "A namespace or pod asks for both ambient mode and sidecar injection",
    "`istio.io/dataplane-mode=ambient` together with `istio-injection=enabled`, "
    "`istio.io/rev` or `sidecar.istio.io/inject=true`: the pods get sidecars and ambient "
    "ignores them. Fix: remove one of the two.",
)
AMBIENT_ZTUNNEL_MISSING = RuleInfo(
    "ambientZtunnelMissing",
    "mesh",
    "warning",
    "A namespace is in ambient mode but no ztunnel DaemonSet is in the input",
    "Ambient namespaces rely on the `ztunnel` node agent. It may be installed separately.",
)
NAMESPACE_LEVEL_VIOLATION = RuleInfo(
    "namespaceLevelViolation",
    "mesh",
    "error",
    "After injection, the workload would be rejected by its namespace's Pod Security level",
    "A static prediction of what `kubectl apply` would do: the pod, with the containers the "
    "mesh injects, is checked against its namespace's `pod-security.kubernetes.io/enforce` "
    "(and `enforce-version`) label; `warn` and `audit` labels give warnings.",
)

INJECTION_FAILED = RuleInfo(
    "injectionFailed",
    "mesh",
    "error",
    "Istio's injector would fail on this pod, so the API server rejects it",
    "The pod is selected for sidecar injection, but Istio's injector cannot inject it: a "
    "template fails to run for it (`error calling ...`, a nil value in a field chain), a "
    "template's output is not a partial pod, an annotation Istio validates has a bad value "
    "(`traffic.sidecar.istio.io/includeOutboundIPRanges`, ...), the pod asks for a template "
    "the injector does not have (`inject.istio.io/templates`), or the injector's templates do "
    "not load. The injection webhook fails closed: the pod is never created. The message names "
    "the ConfigMap and the template line. Fix the template, the values or the annotation.",
)

MESH_RULES = (
    INJECTION_FAILED,
    ISTIO_INIT,
    MESH_CNI_DISABLED,
    MESH_CNI_MISSING,
    AMBIENT_SIDECAR_CONFLICT,
    AMBIENT_ZTUNNEL_MISSING,
    NAMESPACE_LEVEL_VIOLATION,
)


@dataclass(frozen=True)
class MeshProblem:
    """A mesh rule's finding before it becomes a report finding."""

    rule: RuleInfo
    message: str
    resource: Resource | None
    path: tuple[str | int, ...] = ()
    container: str | None = None
    severity: str | None = None

    @property
    def effective_severity(self) -> str:
        """The severity of this problem (a rule's default unless overridden)."""
        return self.severity or self.rule.severity


def pod_problems(
    admitted: Admitted, namespaces: Namespaces, evaluate: Evaluate = evaluate_pod
) -> Iterator[MeshProblem]:
    """The pod rules: ``injectionFailed``, ``istioInit`` and ``namespaceLevelViolation``.

    ``evaluate`` runs the Pod Security checks (a :class:`~kubeflow_devtools.policy.pss.Memo`
    for pods checked more than once).
    """
    pod = admitted.pod
    if admitted.error is not None:
        yield MeshProblem(
            INJECTION_FAILED,
            f"Istio's injector fails on this pod ({admitted.decision.reason}): "
            f"{admitted.error}; the API server rejects the pod",
            pod.resource,
            pod.path,
        )
    for name, _, path in visit_containers(pod.spec):
        if name == "istio-init":
            written = not any(
                c.name == "istio-init" and c.declared is None for c in admitted.injected
            )
            why = "written in the manifest" if written else admitted.decision.reason
            yield MeshProblem(
                ISTIO_INIT,
                f'pod gets the root init container "istio-init" ({why}; CNI is off)',
                pod.resource,
                pod.field_path(path) if written else pod.path,
                container="istio-init",
            )
    namespace = namespaces.get(pod.resource.namespace)
    for mode, severity in (("enforce", "error"), ("warn", "warning"), ("audit", "warning")):
        level_name = namespace.labels.get(f"pod-security.kubernetes.io/{mode}")
        if level_name not in ("baseline", "restricted"):
            continue
        version_label = namespace.labels.get(f"pod-security.kubernetes.io/{mode}-version", "latest")
        try:
            minor = parse_version(version_label)
        except ValueError:
            minor = None
        results = evaluate(pod.metadata, pod.spec, Level(level_name), minor)
        if not results:
            continue
        checks = sorted({check.id for check, _ in results})
        after = " after injection" if admitted.injected else ""
        verb = "rejected" if mode == "enforce" else f"flagged ({mode})"
        yield MeshProblem(
            NAMESPACE_LEVEL_VIOLATION,
            f'would be {verb}{after} by namespace "{namespace.name}" '
            f"({mode}={level_name}@{version_label}): {', '.join(checks)}",
            pod.resource,
            pod.path,
            severity=severity,
        )


def install_problems(
    config: MeshConfig, namespaces: Namespaces, injected_any: bool
) -> Iterator[MeshProblem]:
    """The install rules: CNI off or missing, ambient conflicts, ztunnel missing."""
    if config.injection and not config.cni_enabled and injected_any:
        origin = config.cni_origin
        what = origin.what if origin is not None else "no CNI setting (Istio's default is off)"
        if config.mode.value != "auto":
            what = f"--mesh {config.mode.value}"
        yield MeshProblem(
            MESH_CNI_DISABLED,
            f"sidecar injection is on and the CNI plugin is off ({what}): injected pods get "
            "the root istio-init container",
            origin.resource if origin is not None else config.injector,
            origin.path if origin is not None else (),
        )
    if (
        config.injection
        and config.cni_enabled
        and config.cni_node is None
        and config.mode.value == "auto"
    ):
        origin = config.cni_origin
        yield MeshProblem(
            MESH_CNI_MISSING,
            "the injector has CNI on, but no istio-cni-node DaemonSet is in the input",
            origin.resource if origin is not None else config.injector,
            origin.path if origin is not None else (),
        )
    for namespace in sorted(namespaces.known.values(), key=lambda n: n.name):
        labels = namespace.labels
        if labels.get("istio.io/dataplane-mode") != "ambient":
            continue
        sidecar = [
            f"{key}={labels[key]}"
            for key in ("istio-injection", "istio.io/rev")
            if key in labels and (key != "istio-injection" or labels[key] == "enabled")
        ]
        if sidecar:
            yield MeshProblem(
                AMBIENT_SIDECAR_CONFLICT,
                f'namespace "{namespace.name}" has istio.io/dataplane-mode=ambient and '
                f"{' and '.join(sidecar)}",
                namespace.resource,
                ("metadata", "labels"),
            )
        if config.ztunnel is None and config.mode.value in ("auto", "ambient"):
            yield MeshProblem(
                AMBIENT_ZTUNNEL_MISSING,
                f'namespace "{namespace.name}" is in ambient mode but no ztunnel DaemonSet is '
                "in the input",
                namespace.resource,
                ("metadata", "labels"),
            )


def pod_ambient_conflict(admitted: Admitted) -> Iterator[MeshProblem]:
    """A pod that labels itself ambient and asks for a sidecar."""
    labels = admitted.pod.metadata.get("labels")
    if not isinstance(labels, dict):
        return
    if labels.get("istio.io/dataplane-mode") == "ambient" and str(
        labels.get("sidecar.istio.io/inject", "")
    ).lower() in ("true", "yes", "y", "on"):
        path = admitted.pod.metadata_path or admitted.pod.path
        yield MeshProblem(
            AMBIENT_SIDECAR_CONFLICT,
            "the pod has istio.io/dataplane-mode=ambient and sidecar.istio.io/inject=true",
            admitted.pod.resource,
            (*path, "labels"),
        )
