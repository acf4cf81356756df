"""Knative Serving: the queue-proxy container and the defaults of ``secure-pod-defaults``.

knative/serving@knative-v1.21.1:pkg/reconciler/revision/resources/queue.go:80-87: every
revision pod gets ``queue-proxy`` (appended after the user containers, deploy.go:208) with
``allowPrivilegeEscalation: false``, ``readOnlyRootFilesystem: true``, ``runAsNonRoot: true``,
``capabilities.drop: [ALL]`` and seccomp ``RuntimeDefault``; its image is config-deployment's
``queue-sidecar-image``. pkg/apis/serving/v1/revision_defaults.go:213-259: only when
config-features' ``secure-pod-defaults`` is ``Enabled`` (or ``AllowRootBounded``) are the
revision's own containers defaulted (``allowPrivilegeEscalation: false``, container seccomp
``RuntimeDefault`` when the pod has none, ``capabilities.drop: [ALL]``, and for ``Enabled``
``runAsNonRoot: true``); the default is ``Disabled`` (pkg/apis/config/features.go:113).
Containers a pod webhook adds later (KServe's) are never defaulted.
"""

from __future__ import annotations

from typing import Any

from kubeflow_devtools.policy.model.runtime import Fix
from kubeflow_devtools.policy.runtime.base import PodTemplate, as_dict
from kubeflow_devtools.policy.runtime.inputs import Inputs

NAME = "knative"
IMAGE = "knative.dev/serving/cmd/controller"
VERSION_LABEL = "app.kubernetes.io/version"
MODELLED = ("1.21.1",)
SWITCH = 'config-features: secure-pod-defaults: "Enabled"'
SECURE_CHECKS = frozenset(
    {
        "allowPrivilegeEscalation",
        "capabilities_restricted",
        "runAsNonRoot",
        "seccompProfile_restricted",
    }
)


def present(inputs: Inputs) -> bool:
    """Whether Knative Serving is in the input (its config-deployment ConfigMap)."""
    return inputs.configmap("config-deployment", "queue-sidecar-image") is not None


def version(inputs: Inputs) -> str | None:
    """Knative's version from its objects' ``app.kubernetes.io/version`` label (images are
    pinned by digest)."""
    resource = inputs.configmap("config-deployment")
    labels = as_dict(resource.obj.get("metadata")).get("labels") if resource else None
    value = as_dict(labels).get(VERSION_LABEL)
    return str(value) if value else None


def secure_pod_defaults(inputs: Inputs) -> str:
    """config-features' ``secure-pod-defaults`` (``Disabled`` when unset)."""
    setting = inputs.value("config-features", "secure-pod-defaults")
    return setting.value.strip() if setting is not None else "Disabled"


def queue_proxy(inputs: Inputs) -> dict[str, Any]:
    """The queue-proxy container, with the code's securityContext."""
    setting = inputs.value("config-deployment", "queue-sidecar-image")
    return {
        "name": "queue-proxy",
        "image": setting.value if setting is not None else "queue",
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
    }


def default_containers(spec: dict[str, Any], mode: str) -> None:
    """Apply ``secure-pod-defaults`` (``mode``) to the revision's own containers, in place."""
    if mode.lower() not in ("enabled", "allowrootbounded"):
        return
    pod_seccomp = as_dict(spec.get("securityContext")).get("seccompProfile")
    for list_name in ("containers", "initContainers"):
        for container in spec.get(list_name) or ():
            sc = dict(as_dict(container.get("securityContext")))
            sc.setdefault("allowPrivilegeEscalation", False)
            if pod_seccomp is None:
                sc.setdefault("seccompProfile", {"type": "RuntimeDefault"})
            sc.setdefault("capabilities", {"drop": ["ALL"]})
            if mode.lower() == "enabled":
                sc.setdefault("runAsNonRoot", True)
            container["securityContext"] = sc


def user_fix(inputs: Inputs, names: list[str]) -> dict[str, Fix]:
    """The switch that fixes the revision's own containers, unless it is on already."""
    if secure_pod_defaults(inputs).lower() == "enabled":
        return {}
    return {name: Fix(SWITCH, SECURE_CHECKS) for name in names}


def templates(inputs: Inputs) -> list[PodTemplate]:
    """None of its own: Kubeflow's users reach Knative through KServe, whose predictor pods
    are revision pods (:mod:`~kubeflow_devtools.policy.runtime.kserve` adds queue-proxy)."""
    return []
