"""The pieces every component module uses: a pod template, and how it becomes a run-time pod.

A component module (one per Kubeflow component, like one Pod Security check per module)
declares ``NAME``, the image its controller runs (``IMAGE``, where the version is read) and
the versions whose behaviour it models (``MODELLED``), and ``templates(inputs)``: the pods its
controllers create, built from its configuration in the input. A template knows nothing of a
namespace; :meth:`PodTemplate.instantiate` puts it in one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kubeflow_devtools.policy.model.runtime import Fix, RuntimePod
from kubeflow_devtools.policy.runtime.inputs import Setting


def _always(labels: Mapping[str, str]) -> bool:
    return True


@dataclass(frozen=True)
class PodTemplate:
    """A pod a component creates, for any user namespace.

    ``selects`` says whether the namespace's labels let it be created that way (a webhook's
    namespace selector); ``at`` is the configuration that decided it.
    """

    component: str
    name: str
    creator: str
    metadata: Mapping[str, Any]
    spec: Mapping[str, Any]
    at: tuple[str | None, int | None, str]
    fixes: Mapping[str, Fix] = field(default_factory=dict)
    selects: Callable[[Mapping[str, str]], bool] = _always
    after_mesh: Callable[[Mapping[str, Any], Mapping[str, Any]], Mapping[str, Any]] | None = None
    """A webhook re-invoked after Istio's injection: ``(spec, metadata) -> spec``."""

    def instantiate(self, namespace: str) -> RuntimePod:
        """The pod in ``namespace``: its own metadata; the spec is the template's, shared by
        every namespace (nothing changes a pod spec: admission and checks make new objects)."""
        metadata = {**self.metadata, "namespace": namespace}
        metadata.setdefault("name", self.name)
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": self.spec}
        return RuntimePod(
            component=self.component,
            name=self.name,
            namespace=namespace,
            creator=self.creator,
            pod=pod,
            file=self.at[0],
            line=self.at[1],
            path=self.at[2],
            fixes=self.fixes,
        )


def at(setting: Setting | None) -> tuple[str | None, int | None, str]:
    """Where a setting was read: file, line, field (nowhere: ``(None, None, "")``)."""
    return setting.at if setting is not None else (None, None, "")


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a mapping (as a plain dict), else an empty dict."""
    return dict(value) if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a list, else an empty list."""
    return list(value) if isinstance(value, list) else []


def truthy(value: Any) -> bool:
    """A configuration boolean (``true``, ``"true"``, ``"True"``)."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")
