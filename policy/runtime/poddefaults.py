"""PodDefaults: what the admission webhook adds to the pods a PodDefault selects.

kubeflow/kubeflow@v1.10.0:components/admission-webhook/main.go:480-557 appends a PodDefault's
``initContainers`` and ``sidecars`` (any securityContext, as written) and merges its
``volumes`` into every pod it selects in its namespace (namespaces labelled
``app.kubernetes.io/part-of: kubeflow-profile``); it never changes an existing container's
securityContext (pkg/apis/settings/v1alpha1/poddefault_types.go:33-88 has no such field).
A PodDefault is judged as a pod of what it adds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from kubeflow_devtools.policy.runtime.base import PodTemplate, as_dict, as_list
from kubeflow_devtools.policy.runtime.inputs import Inputs, place

NAME = "poddefaults"
IMAGE = "/poddefaults-webhook:"
MODELLED = ("v1.10.0",)


def templates(inputs: Inputs) -> list[PodTemplate]:
    """A pod of each PodDefault's containers and volumes (in its namespace only)."""
    out = []
    for resource in inputs.kind("PodDefault", "kubeflow.org"):
        spec = as_dict(resource.obj.get("spec"))
        pod = {
            "containers": as_list(spec.get("sidecars")),
            "initContainers": as_list(spec.get("initContainers")),
            "volumes": as_list(spec.get("volumes")),
        }
        if not any(pod.values()):
            continue
        out.append(
            PodTemplate(
                NAME,
                f"poddefault-{resource.name}",
                f"PodDefault {resource.name} (admission webhook)",
                {},
                {k: v for k, v in pod.items() if v},
                place(resource, ("spec",)),
                selects=_in_namespace(resource.namespace),
            )
        )
    return out


def _in_namespace(namespace: str | None) -> Callable[[Mapping[str, str]], bool]:
    """Selects the namespace of that name (any namespace for ``None``)."""

    def selects(labels: Mapping[str, str]) -> bool:
        return namespace is None or labels.get("kubernetes.io/metadata.name") == namespace

    return selects
