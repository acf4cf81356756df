"""Kubeflow Pipelines on Argo Workflows: the pods of a pipeline run.

argoproj/argo-workflows@v3.7.3:workflow/controller/workflowpod.go: every step pod gets the
``init`` init container and the ``wait`` container (:241-273) with the securityContext of the
workflow-controller-configmap's ``executor`` (``newExecContainer``, :695-713); a template's
pod securityContext replaces the workflow's (:828-833).

kubeflow/pipelines@2.16.0:backend/src/v2/compiler/argocompiler/security_context.go: driver
templates get the pod securityContext ``{runAsNonRoot: true, seccompProfile: RuntimeDefault}``
and a fully restricted container (:37-76); the executor template gets only the pod seccomp
(:147-161), a ``kfp-launcher`` init container with the full restricted securityContext (:117)
and a ``main`` container with ``allowPrivilegeEscalation: false``, ``capabilities.drop: [ALL]``
and seccomp but no ``runAsNonRoot`` (:176-198); pipeline-install-config's
``defaultSecurityContextRunAsUser``/``RunAsGroup``/``RunAsNonRoot`` go onto ``main`` when set
(:99-115). Step pods are annotated ``sidecar.istio.io/inject: "false"``
(apiserver/template/v2_template.go:153). The per-namespace ``ml-pipeline-ui-artifact``
Deployment (manifests/.../pipelines-profile-controller/sync.py:257-345) is created only when
``ARTIFACTS_PROXY_ENABLED`` is ``"true"``, without any securityContext.
"""

from __future__ import annotations

from typing import Any

from kubeflow_devtools.policy.model.runtime import Fix
from kubeflow_devtools.policy.runtime.base import PodTemplate, as_dict, at, truthy
from kubeflow_devtools.policy.runtime.inputs import Inputs, place

NAME = "pipelines"
IMAGE = "/kfp-api-server:"
MODELLED = ("2.16.0",)
SWITCH = 'pipeline-install-config: defaultSecurityContextRunAsNonRoot: "true"'
_RESTRICTED = {
    "allowPrivilegeEscalation": False,
    "runAsNonRoot": True,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}
_SECCOMP = {"seccompProfile": {"type": "RuntimeDefault"}}


def _executor(inputs: Inputs) -> tuple[dict[str, Any], tuple[str | None, int | None, str]]:
    """The Argo executor's securityContext (``executor`` of workflow-controller-configmap)."""
    setting = inputs.parsed("workflow-controller-configmap", "executor")
    if setting is None:
        return {}, (None, None, "")
    return as_dict(setting.value.get("securityContext")), at(setting)


def templates(inputs: Inputs) -> list[PodTemplate]:
    """A driver pod and an executor pod (and the artifact proxy when it is enabled)."""
    install = inputs.configmap("pipeline-install-config")
    if install is None and inputs.container(IMAGE) is None:
        return []
    data = as_dict(install.obj.get("data")) if install is not None else {}
    install_at = (
        place(install, ("data", "defaultSecurityContextRunAsNonRoot"))
        if install is not None
        else (None, None, "")
    )
    executor_sc, executor_at = _executor(inputs)

    def argo(name: str) -> dict[str, Any]:
        container: dict[str, Any] = {"name": name, "image": "quay.io/argoproj/argoexec"}
        if executor_sc:
            container["securityContext"] = executor_sc
        return container

    metadata = {"annotations": {"sidecar.istio.io/inject": "false"}}
    driver = {
        "securityContext": {"runAsNonRoot": True, **_SECCOMP},
        "initContainers": [argo("init")],
        "containers": [
            argo("wait"),
            {
                "name": "main",
                "image": "ghcr.io/kubeflow/kfp-driver",
                "securityContext": _RESTRICTED,
            },
        ],
    }
    main_sc: dict[str, Any] = {
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
        **_SECCOMP,
    }
    for key, field in (
        ("defaultSecurityContextRunAsUser", "runAsUser"),
        ("defaultSecurityContextRunAsGroup", "runAsGroup"),
    ):
        value = str(data.get(key, "")).strip()
        if value.isdigit():
            main_sc[field] = int(value)
    run_as_non_root = str(data.get("defaultSecurityContextRunAsNonRoot", "")).strip()
    if run_as_non_root:
        main_sc["runAsNonRoot"] = truthy(run_as_non_root)
    executor = {
        "securityContext": dict(_SECCOMP),
        "initContainers": [
            argo("init"),
            {
                "name": "kfp-launcher",
                "image": "ghcr.io/kubeflow/kfp-launcher",
                "securityContext": _RESTRICTED,
            },
        ],
        "containers": [
            argo("wait"),
            {"name": "main", "image": "<component image>", "securityContext": main_sc},
        ],
    }
    fixes = (
        {} if main_sc.get("runAsNonRoot") else {"main": Fix(SWITCH, frozenset({"runAsNonRoot"}))}
    )
    out = [
        PodTemplate(
            NAME,
            "driver",
            "KFP driver step (KFP compiler, Argo executor)",
            metadata,
            driver,
            executor_at,
        ),
        PodTemplate(
            NAME,
            "executor",
            "KFP executor step (KFP compiler + driver podSpecPatch, Argo executor)",
            metadata,
            executor,
            install_at,
            fixes,
        ),
    ]
    if truthy(data.get("ARTIFACTS_PROXY_ENABLED")) and install is not None:
        disable = inputs.value("kubeflow-pipelines-profile-controller-env", "DISABLE_ISTIO_SIDECAR")
        labels = {"sidecar.istio.io/inject": "false"} if disable and truthy(disable.value) else {}
        out.append(
            PodTemplate(
                NAME,
                "ml-pipeline-ui-artifact",
                "KFP pipelines profile controller (ARTIFACTS_PROXY_ENABLED)",
                {"labels": labels},
                {
                    "containers": [
                        {
                            "name": "ml-pipeline-ui-artifact",
                            "image": "ghcr.io/kubeflow/kfp-frontend",
                        }
                    ]
                },
                place(install, ("data", "ARTIFACTS_PROXY_ENABLED")),
            )
        )
    return out
