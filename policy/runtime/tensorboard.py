"""Tensorboards: the Deployment the Tensorboard controller creates.

kubeflow/kubeflow@v1.10.0:components/tensorboard-controller/controllers/tensorboard_controller.go:255-295:
one container ``tensorboard``, image ``TENSORBOARD_IMAGE`` from the controller's environment,
and no securityContext at either level.
"""

from __future__ import annotations

from kubeflow_devtools.policy.runtime.base import PodTemplate, at
from kubeflow_devtools.policy.runtime.inputs import Inputs

NAME = "tensorboard"
IMAGE = "/tensorboard-controller:"
MODELLED = ("v1.10.0",)


def templates(inputs: Inputs) -> list[PodTemplate]:
    """The Tensorboard pod."""
    if inputs.container(IMAGE) is None:
        return []
    image = inputs.env(IMAGE, "TENSORBOARD_IMAGE")
    spec = {
        "containers": [
            {"name": "tensorboard", "image": image.value if image else "tensorflow/tensorflow"}
        ],
        "volumes": [{"name": "tbpd", "persistentVolumeClaim": {"claimName": "logs"}}],
    }
    return [
        PodTemplate(
            NAME,
            "tensorboard",
            "Tensorboard Deployment (tensorboard controller)",
            {"labels": {"app": "tensorboard"}},
            spec,
            at(image),
        )
    ]
