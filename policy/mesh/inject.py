"""Predict Istio's sidecar injection: which pods get a sidecar, and what is added to them.

The decision follows the admission path: a pod reaches the injector when one of the
injection webhooks selects its namespace and its labels; the injector then skips
``hostNetwork`` pods and Kubernetes' system namespaces, and applies
``sidecar.istio.io/inject`` (the label wins over the annotation), the never/always selectors
and its policy. The containers added are those of Istio's ``sidecar`` template, with the
security contexts that template gives them for the mesh configuration and the pod's
annotations (``sidecar.istio.io/interceptionMode``, ``sidecar.istio.io/capNetBindService``,
``sidecar.istio.io/nativeSidecar``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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


def injected_containers(pod: PodSpec, config: MeshConfig) -> list[tuple[str, dict[str, Any]]]:
    """``(list name, container)`` for each container Istio's sidecar template adds."""
    annotations = _pod_annotations(pod)
    mode = annotations.get("sidecar.istio.io/interceptionMode", config.interception_mode)
    tproxy = mode == "TPROXY"
    default_bind = "true" if config.cap_net_bind_service else "false"
    cap_bind = annotations.get("sidecar.istio.io/capNetBindService", default_bind) == "true"
    native_default = "true" if config.native_sidecars else "false"
    native = annotations.get("sidecar.istio.io/nativeSidecar", native_default) != "false"
    privileged = config.proxy_privileged
    uid = 1337 if tproxy else config.proxy_uid
    added: list[tuple[str, dict[str, Any]]] = []

    def context(extra: dict[str, Any]) -> dict[str, Any]:
        base: dict[str, Any] = {"allowPrivilegeEscalation": privileged, "privileged": privileged}
        base.update(extra)
        if config.proxy_seccomp is not None:
            base["seccompProfile"] = dict(config.proxy_seccomp)
        return base

    if mode != "NONE":
        if config.cni_enabled:
            init = {
                "name": "istio-validation",
                "securityContext": context(
                    {
                        "capabilities": {"drop": ["ALL"]},
                        "readOnlyRootFilesystem": True,
                        "runAsGroup": uid,
                        "runAsUser": uid,
                        "runAsNonRoot": True,
                    }
                ),
            }
        else:
            init = {
                "name": "istio-init",
                "securityContext": context(
                    {
                        "capabilities": {"add": ["NET_ADMIN", "NET_RAW"], "drop": ["ALL"]},
                        "readOnlyRootFilesystem": False,
                        "runAsGroup": 0,
                        "runAsNonRoot": False,
                        "runAsUser": 0,
                    }
                ),
            }
        init["image"] = "proxyv2"
        added.append(("initContainers", init))
    add = (["NET_ADMIN"] if tproxy else []) + (["NET_BIND_SERVICE"] if cap_bind else [])
    capabilities: dict[str, Any] = {"drop": ["ALL"]}
    if add:
        capabilities = {"add": add, "drop": ["ALL"]}
    identity: dict[str, Any] = (
        {"runAsNonRoot": False, "runAsUser": 0, "runAsGroup": 1337}
        if tproxy or cap_bind
        else {"runAsNonRoot": True, "runAsUser": config.proxy_uid, "runAsGroup": 1337}
    )
    proxy: dict[str, Any] = {
        "name": "istio-proxy",
        "image": "proxyv2",
        "securityContext": context(
            {"capabilities": capabilities, "readOnlyRootFilesystem": True, **identity}
        ),
    }
    if native:
        proxy["restartPolicy"] = "Always"
        added.append(("initContainers", proxy))
    else:
        added.append(("containers", proxy))
    return added


def admit(pod: PodSpec, namespaces: Namespaces, config: MeshConfig) -> Admitted:
    """The pod as the API server would store it after the mesh's mutating webhook."""
    decision = decide(pod, namespaces, config)
    if not decision.injected:
        return Admitted(pod, decision, ())
    spec = dict(pod.spec)
    injected: list[tuple[str, int, str]] = []
    for list_name, container in injected_containers(pod, config):
        current = spec.get(list_name)
        items = list(current) if isinstance(current, list) else []
        index = len(items)
        items.append(container)
        spec[list_name] = items
        # Its path is the one it will have in the admitted pod; located in the file, that
        # path stops at the closest written parent (the container list, or the pod spec).
        injected.append((list_name, index, container["name"]))
    admitted_pod = PodSpec(
        resource=pod.resource,
        path=pod.path,
        spec=spec,
        metadata=pod.metadata,
        metadata_path=pod.metadata_path,
        found_by=pod.found_by,
        remap=pod.remap,
    )
    return Admitted(admitted_pod, decision, tuple(injected))
