"""Predict Istio's sidecar injection: which pods are injected (the injector's decision).

A pod reaches the injector when one of the injection webhooks selects its namespace and its
labels; the injector then skips ``hostNetwork`` pods and Kubernetes' system namespaces, and
applies ``sidecar.istio.io/inject`` (the label wins over the annotation), the never/always
selectors and its policy (istio/istio@1.28.0:pkg/kube/inject/inject.go, ``injectRequired``).
What an injected pod becomes is :mod:`~kubeflow_devtools.policy.mesh.injector`'s business,
imported only when a pod is injected.
"""

from __future__ import annotations

from collections.abc import Mapping

from kubeflow_devtools.policy.model.mesh import Admitted, Decision, MeshConfig, Webhook
from kubeflow_devtools.policy.model.objects import Namespaces, PodSpec
from kubeflow_devtools.policy.selectors import is_empty_selector, selector_matches, string_labels

IGNORED_NAMESPACES = frozenset(
    {"kube-system", "kube-public", "kube-node-lease", "local-path-storage"}
)
"""Namespaces Istio's injector never injects into."""

INJECT_KEY = "sidecar.istio.io/inject"


def _pod_labels(pod: PodSpec) -> dict[str, str]:
    return string_labels(pod.metadata.get("labels"))


def _pod_annotations(pod: PodSpec) -> dict[str, str]:
    return string_labels(pod.metadata.get("annotations"))


def _describe_webhook(hook: Webhook, namespace: str, ns_labels: Mapping[str, str]) -> str:
    """Why a standard webhook selected the pod, in words."""
    if hook.name.endswith("rev.namespace.sidecar-injector.istio.io"):
        return f'namespace "{namespace}" has istio.io/rev={ns_labels.get("istio.io/rev", "")}'
    if hook.name.endswith("rev.object.sidecar-injector.istio.io"):
        return "the pod has the label istio.io/rev"
    if hook.name.endswith("namespace.sidecar-injector.istio.io"):
        return f'namespace "{namespace}" has istio-injection=enabled'
    if hook.name.endswith("object.sidecar-injector.istio.io"):
        return f"the pod has the label {INJECT_KEY}=true"
    return f'webhook {hook.name} selects namespace "{namespace}" and the pod'


def decide(pod: PodSpec, namespaces: Namespaces, config: MeshConfig) -> Decision:
    """Whether the mesh injects a sidecar into ``pod`` at admission, with the reason."""
    if not config.injection:
        return Decision(False, "no sidecar injection configured")
    namespace = pod.resource.namespace or "default"
    ns_labels = namespaces.selector_labels(namespace)
    labels = _pod_labels(pod)
    hook = next(
        (
            h
            for h in config.webhooks
            if selector_matches(h.namespace_selector, ns_labels)
            and selector_matches(h.object_selector, labels)
        ),
        None,
    )
    if hook is None:
        return Decision(False, f'no injection webhook selects namespace "{namespace}" and the pod')
    if pod.spec.get("hostNetwork") is True:
        return Decision(False, "hostNetwork pods are never injected")
    if namespace in IGNORED_NAMESPACES:
        return Decision(False, f'namespace "{namespace}" is never injected')
    reason = _describe_webhook(hook, namespace, ns_labels)
    annotations = _pod_annotations(pod)
    explicit = labels.get(INJECT_KEY, annotations.get(INJECT_KEY, ""))
    source = "label" if INJECT_KEY in labels else "annotation"
    choice = explicit.lower()
    if choice in ("y", "yes", "true", "on"):
        return Decision(True, f"{reason}; pod {source} {INJECT_KEY}={explicit}")
    if choice:
        return Decision(False, f"pod {source} {INJECT_KEY}={explicit}")
    for selector in config.never_inject:
        if not is_empty_selector(selector) and selector_matches(selector, labels):
            return Decision(False, "the injector's neverInjectSelector matches the pod")
    for selector in config.always_inject:
        if not is_empty_selector(selector) and selector_matches(selector, labels):
            return Decision(True, f"{reason}; the injector's alwaysInjectSelector matches")
    if config.policy == "enabled":
        return Decision(True, reason)
    return Decision(False, f"the injector's policy is {config.policy!r}")


def admit(pod: PodSpec, namespaces: Namespaces, config: MeshConfig) -> Admitted:
    """The pod as the API server would store it after the mesh's mutating webhook."""
    decision = decide(pod, namespaces, config)
    if not decision.injected:
        return Admitted(pod, decision)
    from kubeflow_devtools.policy.mesh.injector import inject_pod

    return inject_pod(pod, namespaces, config, decision)
