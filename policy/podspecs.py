"""Where pod specs live: built-in workload kinds, Kubeflow's custom resources, and the rest.

Each :class:`~kubeflow_devtools.policy.model.objects.PodSpec` says which resource it belongs
to and where in that resource it sits, so a check result can be turned into a field path and
a line. Custom resources that spread a pod over several fields (a KServe predictor's model
container, an Argo template's container, script and sidecars) are assembled into one pod spec
whose fields map back to where they were written (``remap``).

Kinds are recognised by kind and API group; any other object is searched for mappings that
look like a pod spec (a ``containers`` list of mappings with ``name`` and ``image``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from kubeflow_devtools.policy.model.objects import Path, PodSpec, Resource
from kubeflow_devtools.policy.resources import is_object

_EMPTY: Mapping[str, Any] = {}


def _at(obj: Any, path: Path) -> Any:
    """The value at ``path`` in ``obj`` (mappings and lists), or ``None``."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(obj, list) or not 0 <= step < len(obj):
                return None
        elif not isinstance(obj, Mapping):
            return None
        obj = obj[step] if isinstance(step, int) else obj.get(step)
    return obj


Found = tuple[Path, Path | None, Mapping[str, Any] | None, tuple[tuple[Path, Path], ...]]
"""What an extractor finds: spec path, metadata path, an assembled spec (or None), remap."""


def _template(*prefix: str | int) -> Callable[[Mapping[str, Any]], list[Found]]:
    """An extractor for a pod template at ``prefix`` (``.metadata`` and ``.spec`` below it)."""

    def extract(obj: Mapping[str, Any]) -> list[Found]:
        if isinstance(_at(obj, (*prefix, "spec")), Mapping):
            return [((*prefix, "spec"), (*prefix, "metadata"), None, ())]
        return []

    return extract


def _pod(obj: Mapping[str, Any]) -> list[Found]:
    return [(("spec",), ("metadata",), None, ())] if isinstance(obj.get("spec"), Mapping) else []


def _replica_specs(obj: Mapping[str, Any]) -> list[Found]:
    """Kubeflow training jobs: ``spec.<framework>ReplicaSpecs.<role>.template``."""
    found: list[Found] = []
    spec = obj.get("spec")
    if not isinstance(spec, Mapping):
        return found
    for key in sorted(k for k in spec if isinstance(k, str) and k.endswith("ReplicaSpecs")):
        roles = spec[key]
        if not isinstance(roles, Mapping):
            continue
        for role in sorted(r for r in roles if isinstance(r, str)):
            found += _template("spec", key, role, "template")(obj)
    return found


def _replicated_jobs(*prefix: str) -> Callable[[Mapping[str, Any]], list[Found]]:
    """JobSet-shaped: ``<prefix>.replicatedJobs[i].template.spec.template``."""

    def extract(obj: Mapping[str, Any]) -> list[Found]:
        jobs = _at(obj, (*prefix, "replicatedJobs"))
        found: list[Found] = []
        for i in range(len(jobs) if isinstance(jobs, list) else 0):
            found += _template(*prefix, "replicatedJobs", i, "template", "spec", "template")(obj)
        return found

    return extract


def _serving_runtime(obj: Mapping[str, Any]) -> list[Found]:
    """KServe (Cluster)ServingRuntime: ``spec`` and ``spec.workerSpec`` are pod specs.

    The runtime's ``spec.annotations`` become the pods' annotations, so ``spec`` doubles as
    the pod metadata.
    """
    found: list[Found] = []
    if isinstance(obj.get("spec"), Mapping):
        found.append((("spec",), ("spec",), None, ()))
        if isinstance(_at(obj, ("spec", "workerSpec")), Mapping):
            found.append((("spec", "workerSpec"), ("spec",), None, ()))
    return found


def _storage_container(obj: Mapping[str, Any]) -> list[Found]:
    """KServe ClusterStorageContainer: one container at ``spec.container``."""
    container = _at(obj, ("spec", "container"))
    if not isinstance(container, Mapping):
        return []
    spec = {"containers": [container]}
    return [(("spec",), None, spec, ((("containers", 0), ("spec", "container")),))]


_POD_SPEC_FIELDS = {
    "containers",
    "initContainers",
    "ephemeralContainers",
    "volumes",
    "securityContext",
    "affinity",
    "tolerations",
    "nodeSelector",
    "imagePullSecrets",
    "resources",
    "logger",
    "batcher",
    "annotations",
    "labels",
    "readinessGates",
    "dnsConfig",
    "hostAliases",
    "topologySpreadConstraints",
    "overhead",
    "os",
    "workerSpec",
    "resourceClaims",
    "schedulingGates",
}


def _inference_service(obj: Mapping[str, Any]) -> list[Found]:
    """KServe InferenceService: each component (predictor, transformer, explainer) is a pod.

    A component inlines pod-spec fields; its model or framework entry (``model``,
    ``sklearn``, ...) becomes the ``kserve-container`` container.
    """
    found: list[Found] = []
    for component in ("predictor", "transformer", "explainer"):
        body = _at(obj, ("spec", component))
        if not isinstance(body, Mapping):
            continue
        base: Path = ("spec", component)
        containers: list[Any] = []
        remap: list[tuple[Path, Path]] = []
        for key in body:
            value = body[key]
            if key in _POD_SPEC_FIELDS or not isinstance(value, Mapping):
                continue
            if not ({"storageUri", "image", "modelFormat", "runtime"} & set(value)):
                continue
            container = dict(value)
            container.setdefault("name", "kserve-container")
            remap.append((("containers", len(containers)), (*base, key)))
            containers.append(container)
        written = body.get("containers")
        for i, container in enumerate(written if isinstance(written, list) else []):
            remap.append((("containers", len(containers)), (*base, "containers", i)))
            containers.append(container)
        spec = dict(body)
        spec["containers"] = containers
        found.append((base, ("metadata",), spec, tuple(remap)))
    return found


def _argo(*prefix: str) -> Callable[[Mapping[str, Any]], list[Found]]:
    """Argo workflows: each template with a container, script, container set or sidecars.

    Pod-level settings come from the template, else from the workflow spec at ``prefix``.
    """

    def extract(obj: Mapping[str, Any]) -> list[Found]:
        workflow = _at(obj, prefix)
        templates = _at(workflow, ("templates",))
        if not isinstance(workflow, Mapping) or not isinstance(templates, list):
            return []
        found: list[Found] = []
        for i, template in enumerate(templates):
            if isinstance(template, Mapping):
                assembled = _argo_pod(prefix, workflow, i, template)
                if assembled is not None:
                    found.append(assembled)
        return found

    return extract


def _argo_pod(
    prefix: Path, workflow: Mapping[str, Any], index: int, template: Mapping[str, Any]
) -> Found | None:
    """Assemble the pod of one Argo template, with every field mapped to where it is written."""
    base: Path = (*prefix, "templates", index)
    spec: dict[str, Any] = {}
    remap: list[tuple[Path, Path]] = []

    def add(list_name: str, value: Any, where: Path) -> None:
        if isinstance(value, Mapping):
            items = spec.setdefault(list_name, [])
            remap.append(((list_name, len(items)), where))
            items.append(value)

    add("containers", template.get("container"), (*base, "container"))
    add("containers", template.get("script"), (*base, "script"))
    for j, c in enumerate(_list(_at(template, ("containerSet", "containers")))):
        add("containers", c, (*base, "containerSet", "containers", j))
    for j, c in enumerate(_list(template.get("sidecars"))):
        add("containers", c, (*base, "sidecars", j))
    if not spec:
        return None
    for j, c in enumerate(_list(template.get("initContainers"))):
        add("initContainers", c, (*base, "initContainers", j))
    for key in ("securityContext", "hostNetwork", "hostPID", "hostIPC", "os", "hostUsers"):
        if key in template:
            spec[key] = template[key]
            remap.append(((key,), (*base, key)))
        elif key in workflow:
            spec[key] = workflow[key]
            remap.append(((key,), (*prefix, key)))
    volumes: list[Any] = []
    for owner, path in ((workflow, prefix), (template, base)):
        for j, v in enumerate(_list(owner.get("volumes"))):
            remap.append((("volumes", len(volumes)), (*path, "volumes", j)))
            volumes.append(v)
    if volumes:
        spec["volumes"] = volumes
    metadata_path: Path = (*base, "metadata")
    return base, metadata_path, spec, tuple(remap)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


_CORE_GROUPS = {"", "apps", "batch", "extensions"}
_KNOWN: dict[tuple[str, str], Callable[[Mapping[str, Any]], list[Found]]] = {}
for _group in _CORE_GROUPS:
    _KNOWN[(_group, "Pod")] = _pod
    _KNOWN[(_group, "PodTemplate")] = _template("template")
    for _kind in ("ReplicationController", "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet"):
        _KNOWN[(_group, _kind)] = _template("spec", "template")
    _KNOWN[(_group, "Job")] = _template("spec", "template")
    _KNOWN[(_group, "CronJob")] = _template("spec", "jobTemplate", "spec", "template")
for _kind in ("PyTorchJob", "TFJob", "MPIJob", "XGBoostJob", "PaddleJob", "JAXJob", "MXJob"):
    _KNOWN[("kubeflow.org", _kind)] = _replica_specs
_KNOWN[("kubeflow.org", "Notebook")] = _template("spec", "template")
for _kind in ("TrainingRuntime", "ClusterTrainingRuntime", "TrainJob"):
    _KNOWN[("trainer.kubeflow.org", _kind)] = _replicated_jobs("spec", "template", "spec")
_KNOWN[("jobset.x-k8s.io", "JobSet")] = _replicated_jobs("spec")
_KNOWN[("serving.kserve.io", "ServingRuntime")] = _serving_runtime
_KNOWN[("serving.kserve.io", "ClusterServingRuntime")] = _serving_runtime
_KNOWN[("serving.kserve.io", "ClusterStorageContainer")] = _storage_container
_KNOWN[("serving.kserve.io", "InferenceService")] = _inference_service
for _kind in ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate"):
    _KNOWN[("argoproj.io", _kind)] = _argo("spec")
_KNOWN[("argoproj.io", "CronWorkflow")] = _argo("spec", "workflowSpec")
_KNOWN[("serving.knative.dev", "Service")] = _template("spec", "template")
_KNOWN[("serving.knative.dev", "Configuration")] = _template("spec", "template")
_KNOWN[("serving.knative.dev", "Revision")] = _pod

NEVER_POD_KINDS = frozenset(
    {"ConfigMap", "Secret", "Namespace", "Service", "ServiceAccount", "PersistentVolumeClaim",
     "PersistentVolume", "Endpoints", "LimitRange", "ResourceQuota", "Event", "Node"}
)  # fmt: skip
"""Core kinds that hold no pod spec: not searched by the generic fallback."""

NEVER_POD_GROUPS = frozenset(
    {
        "admissionregistration.k8s.io",
        "apiextensions.k8s.io",
        "apiregistration.k8s.io",
        "autoscaling",
        "certificates.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
        "flowcontrol.apiserver.k8s.io",
        "networking.k8s.io",
        "node.k8s.io",
        "policy",
        "rbac.authorization.k8s.io",
        "scheduling.k8s.io",
        "storage.k8s.io",
        # Not Kubernetes' own, but APIs whose kinds are all known and hold no pod template.
        "cert-manager.io",
        "networking.istio.io",
        "security.istio.io",
    }
)
"""API groups none of whose kinds holds a pod spec (RBAC, webhooks, CRDs, network policies,
PodDisruptionBudgets, autoscalers...): not searched by the generic fallback."""

MAX_GENERIC_NODES = 200_000


def find_pod_specs(resource: Resource) -> list[PodSpec]:
    """Every pod spec in ``resource``, each with where it is and how it was found."""
    return list(_find(resource, resource.obj, (), resource.kind, resource.group))


def _find(
    resource: Resource, obj: Mapping[str, Any], base: Path, kind: str, group: str
) -> Iterator[PodSpec]:
    if group == "kubeflow.org" and kind == "Experiment":
        yield from _experiment(resource, obj, base)
        return
    extractor = _KNOWN.get((group, kind))
    if extractor is not None:
        found_by = kind if group in _CORE_GROUPS else f"{kind}.{group}"
        for spec_path, meta_path, assembled, remap in extractor(obj):
            spec = assembled if assembled is not None else _at(obj, spec_path)
            metadata = _at(obj, meta_path) if meta_path is not None else None
            yield PodSpec(
                resource=resource,
                path=(*base, *spec_path),
                spec=spec if isinstance(spec, Mapping) else _EMPTY,
                metadata=metadata if isinstance(metadata, Mapping) else _EMPTY,
                metadata_path=(*base, *meta_path) if meta_path is not None else None,
                found_by=found_by,
                remap=tuple(((p, (*base, *t)) for p, t in remap)),
            )
        return
    if group in NEVER_POD_GROUPS or (group in _CORE_GROUPS and kind in NEVER_POD_KINDS):
        return
    yield from _generic(resource, obj, base)


def _experiment(resource: Resource, obj: Mapping[str, Any], base: Path) -> Iterator[PodSpec]:
    """Katib Experiment: the trial template's ``trialSpec`` is an object of its own kind."""
    trial = _at(obj, ("spec", "trialTemplate", "trialSpec"))
    if is_object(trial):
        group = str(trial["apiVersion"]).rpartition("/")[0]
        yield from _find(
            resource, trial, (*base, "spec", "trialTemplate", "trialSpec"), trial["kind"], group
        )


def looks_like_pod_spec(value: Any) -> bool:
    """Whether ``value`` has a non-empty ``containers`` list of mappings with name and image."""
    if not isinstance(value, (dict, Mapping)):
        return False
    containers = value.get("containers")
    return (
        isinstance(containers, list)
        and bool(containers)
        and all(isinstance(c, Mapping) and "name" in c and "image" in c for c in containers)
    )


def _generic(resource: Resource, obj: Mapping[str, Any], base: Path) -> Iterator[PodSpec]:
    """Search any other object for pod-spec-shaped mappings, depth first, bounded."""
    stack: list[tuple[Any, Path, Any]] = [(obj, (), None)]
    visited = 0
    while stack and visited < MAX_GENERIC_NODES:
        value, path, parent = stack.pop()
        visited += 1
        if looks_like_pod_spec(value) and path:
            meta_path: Path | None = None
            if path[-1] == "spec" and isinstance(parent, Mapping) and "metadata" in parent:
                meta_path = (*base, *path[:-1], "metadata")
            metadata = _at(obj, (*path[:-1], "metadata")) if meta_path is not None else None
            yield PodSpec(
                resource=resource,
                path=(*base, *path),
                spec=value,
                metadata=metadata if isinstance(metadata, Mapping) else _EMPTY,
                metadata_path=meta_path,
                found_by="generic",
            )
            continue
        # Only collections are pushed: a scalar holds no pod spec (it still counts as visited).
        if isinstance(value, (dict, Mapping)):
            for key in reversed(list(value)):
                child = value[key]
                if isinstance(child, (dict, list, Mapping)):
                    stack.append((child, (*path, str(key)), value))
                else:
                    visited += 1
        elif isinstance(value, list):
            for i in reversed(range(len(value))):
                child = value[i]
                if isinstance(child, (dict, list, Mapping)):
                    stack.append((child, (*path, i), value))
                else:
                    visited += 1
