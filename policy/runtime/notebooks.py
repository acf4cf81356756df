"""Notebooks: the StatefulSet pod of a Notebook the Jupyter web app creates.

kubeflow/kubeflow@v1.10.0:components/notebook-controller/controllers/notebook_controller.go:
the pod spec is the Notebook's (:387); with no pod securityContext it gets ``{fsGroup: 100}``
unless the controller's ``ADD_FSGROUP`` is set to anything but ``true`` (:427-434); no container
securityContext is ever added. The Notebook comes from the Jupyter web app
(crud-web-apps/jupyter/backend/apps/common/yaml/notebook_template.yaml: one container, no
securityContext) with the spawner config's default image and the ``dshm`` emptyDir when
``shm`` is on (form.py:264-276).
"""

from __future__ import annotations

from typing import Any

from kubeflow_devtools.policy.runtime.base import PodTemplate, as_dict, at
from kubeflow_devtools.policy.runtime.inputs import Inputs

NAME = "notebooks"
IMAGE = "/notebook-controller:"
MODELLED = ("v1.10.0",)


def templates(inputs: Inputs) -> list[PodTemplate]:
    """The notebook pod, from the spawner config and the controller's environment."""
    if inputs.container(IMAGE) is None:
        return []
    spawner = inputs.parsed("jupyter-web-app-config", "spawner_ui_config.yaml")
    config = as_dict(as_dict(spawner.value).get("spawnerFormDefaults")) if spawner else {}
    image = as_dict(config.get("image")).get("value", "jupyter")
    container: dict[str, Any] = {"name": "notebook", "image": image, "volumeMounts": []}
    spec: dict[str, Any] = {"serviceAccountName": "default-editor", "containers": [container]}
    volumes: list[dict[str, Any]] = []
    if as_dict(config.get("workspaceVolume")).get("value"):
        volumes.append({"name": "workspace", "persistentVolumeClaim": {"claimName": "workspace"}})
        container["volumeMounts"].append({"name": "workspace", "mountPath": "/home/jovyan"})
    if as_dict(config.get("shm")).get("value") is True:
        volumes.append({"name": "dshm", "emptyDir": {"medium": "Memory"}})
        container["volumeMounts"].append({"name": "dshm", "mountPath": "/dev/shm"})
    if volumes:
        spec["volumes"] = volumes
    fs_group = inputs.env(IMAGE, "ADD_FSGROUP")
    if fs_group is None or fs_group.value == "true":
        spec["securityContext"] = {"fsGroup": 100}
    where = at(spawner) if spawner is not None else at(fs_group)
    return [
        PodTemplate(
            NAME,
            "notebook",
            "Notebook StatefulSet (Jupyter web app spawner config, notebook controller)",
            {"labels": {"notebook-name": "notebook", "statefulset": "notebook"}},
            spec,
            where,
        )
    ]
