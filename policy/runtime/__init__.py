"""Run-time pods: what Kubeflow's controllers create in user namespaces, from the input.

One module per component (like one Pod Security check per module), each with ``NAME``,
``IMAGE`` (where its version is read), ``MODELLED`` (the versions whose behaviour it
implements) and ``templates(inputs)``: the pods it creates, built from its configuration in the
input. :func:`predict` finds the user namespaces (:mod:`.profiles`) and puts every template in
each namespace whose labels let it be created; the scan admits them through the same mesh
model as every other pod, and checks them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import ModuleType

from kubeflow_devtools.policy.errors import InputError
from kubeflow_devtools.policy.model.objects import Namespaces, Resource
from kubeflow_devtools.policy.model.runtime import ComponentVersion, RuntimePod, UserNamespace
from kubeflow_devtools.policy.runtime import (
    katib,
    knative,
    kserve,
    notebooks,
    pipelines,
    poddefaults,
    tensorboard,
    trainer,
    volumes,
)
from kubeflow_devtools.policy.runtime.base import PodTemplate
from kubeflow_devtools.policy.runtime.inputs import Inputs, nearest
from kubeflow_devtools.policy.runtime.profiles import add_namespaces, user_namespaces

COMPONENTS: tuple[ModuleType, ...] = (
    katib,
    kserve,
    knative,
    notebooks,
    pipelines,
    trainer,
    tensorboard,
    volumes,
    poddefaults,
)
"""The component modules, in the order the report names them."""

EXTRA_VERSIONS = (("argo", "/workflow-controller:", ("v3.7.3",)),)
"""Versions read for behaviour a component module borrows (Argo's executor, for pipelines)."""


@dataclass
class Prediction:
    """The user namespaces, the run-time pods in each, and how they were predicted."""

    namespaces: list[UserNamespace] = field(default_factory=list)
    pods: list[tuple[RuntimePod, PodTemplate]] = field(default_factory=list)
    versions: list[ComponentVersion] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


def predict(
    resources: Iterable[Resource],
    namespaces: Namespaces,
    extra_labels: Mapping[str, Mapping[str, str]] | None = None,
    *,
    pods: bool = True,
) -> Prediction:
    """The user namespaces (added to ``namespaces``) and, with ``pods``, the run-time pods.

    ``extra_labels`` (``--namespace-labels``) are merged over the user namespaces' labels.
    """
    inputs = Inputs(resources)
    users = add_namespaces(namespaces, user_namespaces(inputs, namespaces, pods), extra_labels)
    prediction = Prediction(namespaces=users)
    if pods and users:
        templates: list[PodTemplate] = []
        for module in COMPONENTS:
            made = module.templates(inputs)
            templates += made
            if made or inputs.container(module.IMAGE) is not None:
                prediction.versions.append(_version(module, inputs))
        for name, image, modelled in EXTRA_VERSIONS:
            if inputs.container(image) is not None:
                found = inputs.image_tag(image)
                prediction.versions.append(ComponentVersion(name, found, nearest(found, modelled)))
        for user in users:
            labels = namespaces.selector_labels(user.name)
            for template in templates:
                if template.selects(labels):
                    prediction.pods.append((template.instantiate(user.name), template))
    prediction.errors = inputs.errors
    return prediction


def _version(module: ModuleType, inputs: Inputs) -> ComponentVersion:
    """The component's version from its controller's image, and the one modelled."""
    found = knative.version(inputs) if module is knative else inputs.image_tag(module.IMAGE)
    return ComponentVersion(module.NAME, found, nearest(found, module.MODELLED))
