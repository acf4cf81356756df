"""KServe: InferenceService predictor pods from the ClusterServingRuntimes, in user namespaces.

kserve/kserve@v0.16.0 (``inferenceservice-config``): in ``Serverless`` mode a predictor pod is
a Knative revision pod, so it gets queue-proxy and, with ``secure-pod-defaults``, Knative's
defaults on the runtime's containers (:mod:`~kubeflow_devtools.policy.runtime.knative`).
The pod webhook (pkg/webhook/admission/pod/mutator.go:130-142) then adds:

- ``storage-initializer`` to ``initContainers`` (pkg/utils/storage.go:306-334, no
  securityContext), merged with the ClusterStorageContainer's container
  (storage_initializer_injector.go:459-464); after Istio's injection in CNI mode it is set to
  ``runAsUser`` of istio-proxy (``SetIstioCniSecurityContext``, :600-715);
- ``agent`` (logger, batcher, model puller) with a copy of ``containers[0]``'s securityContext
  (agent_injector.go:365-388);
- for ``oci://`` models with ``enableModelcar``: ``kserve-container``'s securityContext
  replaced by ``{runAsUser: uidModelcar}`` when ``uidModelcar`` is set, a ``modelcar`` container
  with the same, a ``modelcar-init`` init container without one, ``shareProcessNamespace``
  (pkg/utils/storage.go:346-501).

The InferenceGraph router (knative_reconciler.go:221-229) gets a fixed securityContext without
seccomp.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.runtime import knative
from kubeflow_devtools.policy.runtime.base import PodTemplate, as_dict, as_list, at
from kubeflow_devtools.policy.runtime.inputs import Inputs, Setting, place

NAME = "kserve"
IMAGE = "/kserve-controller:"
MODELLED = ("v0.16.0",)
CONFIG = "inferenceservice-config"
ISVC_LABEL = "serving.kserve.io/inferenceservice"


def _json(inputs: Inputs, key: str) -> Setting | None:
    return inputs.parsed(CONFIG, key)


def _storage_initializer(inputs: Inputs, config: Mapping[str, Any]) -> dict[str, Any]:
    """The storage-initializer as the webhook makes it, merged with the storage container."""
    container: dict[str, Any] = {
        "name": "storage-initializer",
        "image": config.get("image", "kserve/storage-initializer"),
        "args": ["<storageUri>", "/mnt/models"],
        "volumeMounts": [{"name": "kserve-provision-location", "mountPath": "/mnt/models"}],
    }
    for storage in inputs.kind("ClusterStorageContainer", "serving.kserve.io"):
        spec = as_dict(storage.obj.get("spec"))
        if spec.get("workloadType", "initContainer") == "initContainer":
            merged = as_dict(spec.get("container"))
            for key, value in merged.items():
                if key != "name":
                    container.setdefault(key, copy.deepcopy(value))
            break
    return container


def reinvoked(spec: Mapping[str, Any], metadata: Mapping[str, Any]) -> Mapping[str, Any]:
    """KServe's webhook re-invoked after Istio's: with CNI (no ``istio-init``) and Istio's
    status and ``interceptionMode: REDIRECT`` annotations, the storage-initializer runs as
    istio-proxy's user (``SetIstioCniSecurityContext``)."""
    annotations = as_dict(metadata.get("annotations"))
    init = [as_dict(c) for c in as_list(spec.get("initContainers"))]
    names = {c.get("name") for c in init}
    if "storage-initializer" not in names or "istio-init" in names:
        return spec
    if annotations.get("sidecar.istio.io/interceptionMode") != "REDIRECT":
        return spec
    injected = any(
        as_dict(c).get("name") == "istio-proxy"
        for lst in ("initContainers", "containers")
        for c in as_list(spec.get(lst))
    )
    if "sidecar.istio.io/status" not in annotations and not injected:
        return spec  # Istio writes its status annotation on every pod it injects
    uid: Any = 1337
    for container in (*init, *(as_dict(c) for c in as_list(spec.get("containers")))):
        if container.get("name") == "istio-proxy":
            uid = as_dict(container.get("securityContext")).get("runAsUser", uid)
    out = dict(spec)
    out["initContainers"] = [
        {**c, "securityContext": {"runAsUser": uid}}
        if c.get("name") == "storage-initializer"
        else c
        for c in init
    ]
    return out


def templates(inputs: Inputs) -> list[PodTemplate]:
    """A predictor pod per ClusterServingRuntime, the agent and modelcar variants of the
    first one, and the InferenceGraph router."""
    storage = _json(inputs, "storageInitializer")
    if storage is None:
        return []
    deploy = _json(inputs, "deploy")
    serverless = as_dict(deploy.value) if deploy is not None else {}
    is_serverless = serverless.get("defaultDeploymentMode", "Serverless") == "Serverless"
    is_serverless = is_serverless and knative.present(inputs)
    mode = knative.secure_pod_defaults(inputs)
    out: list[PodTemplate] = []
    metadata = {"labels": {ISVC_LABEL: "isvc", "component": "predictor"}}
    first: dict[str, Any] | None = None
    for runtime in inputs.kind("ClusterServingRuntime", "serving.kserve.io"):
        spec = as_dict(runtime.obj.get("spec"))
        containers = [
            copy.deepcopy(dict(c))
            for c in as_list(spec.get("containers"))
            if isinstance(c, Mapping)
        ]
        if not containers:
            continue
        pod: dict[str, Any] = {"containers": containers}
        for key in ("securityContext", "volumes", "hostIPC", "hostNetwork", "hostPID"):
            if key in spec:
                pod[key] = copy.deepcopy(spec[key])
        names = [str(c.get("name")) for c in containers]
        fixes = {}
        if is_serverless:
            knative.default_containers(pod, mode)
            fixes = knative.user_fix(inputs, names)
            pod["containers"].append(knative.queue_proxy(inputs))
        pod["initContainers"] = [_storage_initializer(inputs, storage.value)]
        pod["volumes"] = [
            *as_list(pod.get("volumes")),
            {"name": "kserve-provision-location", "emptyDir": {}},
        ]
        if first is None:
            first = copy.deepcopy(pod)
        out.append(
            PodTemplate(
                NAME,
                f"predictor-{runtime.name}",
                f"InferenceService predictor (ClusterServingRuntime {runtime.name})"
                + (" as a Knative revision" if is_serverless else "")
                + " + KServe pod webhook",
                metadata,
                pod,
                place(runtime, ("spec", "containers")),
                fixes,
                after_mesh=reinvoked,
            )
        )
    if first is not None:
        out += _variants(inputs, storage, first, metadata)
    router = _json(inputs, "router")
    if router is not None:
        spec = {
            "containers": [
                {
                    "name": "router",
                    "image": router.value.get("image", "kserve/router"),
                    "securityContext": {
                        "privileged": False,
                        "runAsNonRoot": True,
                        "readOnlyRootFilesystem": True,
                        "allowPrivilegeEscalation": False,
                        "capabilities": {"drop": ["ALL"]},
                    },
                }
            ]
        }
        fixes = {}
        if is_serverless:
            knative.default_containers(spec, mode)
            fixes = knative.user_fix(inputs, ["router"])
            spec["containers"].append(knative.queue_proxy(inputs))
        out.append(
            PodTemplate(
                NAME,
                "inferencegraph-router",
                "InferenceGraph router (KServe InferenceGraph controller)",
                {"labels": {"serving.kserve.io/inferencegraph": "graph"}},
                spec,
                at(router),
                fixes,
            )
        )
    return out


def _variants(
    inputs: Inputs, storage: Setting, pod: dict[str, Any], metadata: Mapping[str, Any]
) -> list[PodTemplate]:
    """The first runtime's pod with a logger (``agent``) and with an ``oci://`` model."""
    out: list[PodTemplate] = []
    agent_config = _json(inputs, "agent")
    if agent_config is not None:
        spec = copy.deepcopy(pod)
        agent: dict[str, Any] = {"name": "agent", "image": agent_config.value.get("image", "")}
        own = as_dict(spec["containers"][0]).get("securityContext")
        if own is not None:
            agent["securityContext"] = copy.deepcopy(own)
        spec["containers"].append(agent)
        out.append(
            PodTemplate(
                NAME,
                "predictor-with-logger",
                "InferenceService predictor with a logger: agent (KServe pod webhook)",
                metadata,
                spec,
                at(agent_config),
            )
        )
    config = storage.value
    if config.get("enableModelcar") is True:
        spec = copy.deepcopy(pod)
        spec["initContainers"] = [
            c for c in spec["initContainers"] if c.get("name") != "storage-initializer"
        ]
        uid = config.get("uidModelcar")
        modelcar: dict[str, Any] = {"name": "modelcar", "image": "<oci model image>"}
        if uid is not None:
            spec["containers"][0]["securityContext"] = {"runAsUser": uid}
            modelcar["securityContext"] = {"runAsUser": uid}
        spec["containers"].append(modelcar)
        spec["initContainers"].append({"name": "modelcar-init", "image": "<oci model image>"})
        spec["shareProcessNamespace"] = True
        out.append(
            PodTemplate(
                NAME,
                "predictor-modelcar",
                "InferenceService predictor with an oci:// model: modelcar (KServe pod webhook, "
                "inferenceservice-config storageInitializer.enableModelcar)",
                metadata,
                spec,
                at(storage),
            )
        )
    return out
