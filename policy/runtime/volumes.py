"""Volumes: the PVCViewer pod the volumes web app asks for.

The pod spec is the ``podSpec`` of the ``viewer-spec.yaml`` of the ``volumes-web-app-viewer-spec``
ConfigMap (kubeflow/kubeflow@v1.10.0:components/crud-web-apps/volumes/manifests), used verbatim
by the PVCViewer controller (components/pvcviewer-controller); ``$VAR`` references are expanded
by the web app, which changes no securityContext.
"""

from __future__ import annotations

from kubeflow_devtools.policy.runtime.base import PodTemplate, as_dict, at
from kubeflow_devtools.policy.runtime.inputs import Inputs

NAME = "volumes"
IMAGE = "/volumes-web-app:"
MODELLED = ("v1.10.0",)


def templates(inputs: Inputs) -> list[PodTemplate]:
    """The viewer pod."""
    setting = inputs.parsed("volumes-web-app-viewer-spec", "viewer-spec.yaml")
    if setting is None:
        return []
    spec = as_dict(setting.value.get("podSpec"))
    if not spec.get("containers"):
        return []
    return [
        PodTemplate(
            NAME,
            "pvcviewer",
            "PVCViewer (volumes web app viewer-spec, PVCViewer controller)",
            {"labels": {"app.kubernetes.io/name": "pvcviewer"}},
            spec,
            at(setting),
        )
    ]
