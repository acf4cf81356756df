"""What Istio's injector makes of a pod it injects.

What an injected pod becomes is computed the way the injector computes it
(istio/istio@1.28.0:pkg/kube/inject/webhook.go ``injectPod`` and inject.go ``RunTemplate``):
the pod's annotations are validated; the templates it asks for
(``inject.istio.io/templates``, else the ``defaultTemplates``, through the ``aliases``) are
executed, in order, on ``SidecarTemplateData``; each rendered template is a partial pod laid
over the pod with a strategic merge; with native sidecars a proxy the pod declares among its
containers moves to the init containers first; then the pod's own versions of the containers
the templates add win again, the proxy's user carries over, probes are rewritten, the
``injectedAnnotations`` are added and Istio's containers are put in their places. A template
that fails to run, or a result the API server would not accept, is an injection failure: the
pod is rejected at admission, and the report says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.gotemplate import Template, TemplateExecError
from kubeflow_devtools.policy.mesh.merge import MergeError, strategic_merge, strip_nulls
from kubeflow_devtools.policy.mesh.native import for_node
from kubeflow_devtools.policy.mesh.postprocess import (
    PROXY,
    annotations_of,
    containers_of,
    find,
    reapply_declared,
    reorder,
    rewrite_probes,
    strip_previous,
)
from kubeflow_devtools.policy.mesh.renders import RenderError, to_partial_pod
from kubeflow_devtools.policy.mesh.templates import (
    compile_template,
    mesh_config,
    proxy_config,
    template_data,
)
from kubeflow_devtools.policy.mesh.validate import annotation_problems
from kubeflow_devtools.policy.model.mesh import (
    Admitted,
    Decision,
    InjectedContainer,
    Injector,
    MeshConfig,
)
from kubeflow_devtools.policy.model.objects import Namespace, Namespaces, Path, PodSpec
from kubeflow_devtools.policy.selectors import string_labels

TEMPLATES_KEY = "inject.istio.io/templates"
NATIVE_KEY = "sidecar.istio.io/nativeSidecar"
LISTS = ("containers", "initContainers")


class InjectionFailure(Exception):
    """Why the injector would fail on a pod (the API server then rejects the pod)."""


def select_templates(annotations: Mapping[str, str], injector: Injector) -> list[str]:
    """The templates a pod gets: its annotation's, else the defaults, aliases resolved."""
    if TEMPLATES_KEY in annotations:
        names = [name.strip() for name in annotations[TEMPLATES_KEY].split(",")]
    else:
        names = list(injector.default_templates)
    resolved: list[str] = []
    for name in names:
        resolved += injector.aliases.get(name, (name,))
    return resolved


def _render(template: Template, data: Any, where: str) -> dict[str, Any]:
    """A template's output as the partial pod it must be."""
    try:
        output = template.render(data)
    except TemplateExecError as exc:
        raise InjectionFailure(f"{where} line {exc.line}: {exc.message}") from None
    try:
        return to_partial_pod(output)
    except RenderError as exc:
        raise InjectionFailure(f"{where}: {exc}") from None


def _move_proxy_to_init(pod: dict[str, Any]) -> dict[str, Any]:
    """``moveContainer``: the pod's proxy from its containers to the end of its init ones."""
    containers = containers_of(pod, "containers")
    proxy = next((c for c in containers if c.get("name") == PROXY), None)
    if proxy is None:
        return pod
    spec = dict(pod["spec"])
    index = containers.index(proxy)
    spec["containers"] = containers[:index] + containers[index + 1 :]
    spec["initContainers"] = [*containers_of(pod, "initContainers"), proxy]
    return {**pod, "spec": spec}


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, Mapping) and value.get("value") is True)


_INT_FIELDS = ("runAsUser", "runAsGroup")
_BOOL_FIELDS = ("privileged", "allowPrivilegeEscalation", "runAsNonRoot", "readOnlyRootFilesystem")


def _check_types(pod: Mapping[str, Any]) -> None:
    """What Go's typed decoding of the result would refuse, where Pod Security looks."""
    for list_name in (*LISTS, "ephemeralContainers"):
        for container in containers_of(pod, list_name):
            if not isinstance(container.get("name"), str):
                raise InjectionFailure(f"a container in {list_name} has no name")
            context = container.get("securityContext")
            if context is None:
                continue
            if not isinstance(context, Mapping):
                raise InjectionFailure(
                    f'container "{container["name"]}": securityContext is not a mapping'
                )
            for key in _INT_FIELDS:
                value = context.get(key)
                if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                    name = container["name"]
                    raise InjectionFailure(
                        f'container "{name}": securityContext.{key} {value!r} is not an integer'
                    )
            for key in _BOOL_FIELDS:
                value = context.get(key)
                if value is not None and not isinstance(value, bool):
                    name = container["name"]
                    raise InjectionFailure(
                        f'container "{name}": securityContext.{key} {value!r} is not a boolean'
                    )


def inject(
    pod: Mapping[str, Any],
    workload: PodSpec,
    namespace: Namespace,
    config: MeshConfig,
) -> tuple[dict[str, Any], tuple[str, ...], dict[str, Any]]:
    """The injected pod, the templates applied and the union of what they rendered.

    ``pod`` is ``{"metadata": ..., "spec": ...}``. Raises :class:`InjectionFailure`.
    """
    injector = config.templates
    if injector is None:
        raise InjectionFailure("no injection template is configured")
    if config.errors:
        raise InjectionFailure(
            f"{injector.name} does not load: {config.errors[0].message.split(': ', 1)[-1]}"
        )
    if config.istiod_env.get("PLATFORM", "").lower() == "openshift":
        pod = _openshift_proxy_user(pod)
    annotations = string_labels(annotations_of(pod))
    problems = annotation_problems(annotations)
    if problems:
        raise InjectionFailure("; ".join(problems))
    stripped = strip_previous(pod)
    mesh = mesh_config(config)
    proxy = proxy_config(mesh, annotations)
    native = config.native is not None and for_node(
        config.native, str(workload.spec.get("nodeName") or "")
    )
    data = template_data(
        workload.resource,
        stripped["metadata"],
        stripped["spec"],
        namespace,
        config,
        mesh,
        proxy,
        native,
    )
    names = tuple(select_templates(annotations, injector))
    merged: dict[str, Any] = dict(pod)
    rendered: dict[str, Any] = {}
    for name in names:
        source = injector.templates.get(name)
        if source is None:
            known = ", ".join(sorted(injector.templates)) or "none"
            raise InjectionFailure(
                f'requested template "{name}" not found in {injector.name}; have {known}'
            )
        compiled = compile_template(source, config.istiod_env, injector.name)
        if not isinstance(compiled, Template):
            raise InjectionFailure(compiled.message)
        where = f"{injector.name}: template {name!r}"
        patch = _render(compiled, data, where)
        try:
            rendered = strategic_merge(rendered, patch)
            pod_native = native
            choice = annotations_of(merged).get(NATIVE_KEY)
            if choice in ("true", "false"):
                pod_native = choice == "true"
            if (
                pod_native
                and find(rendered, PROXY, "initContainers") is not None
                and find(merged, PROXY, "containers") is not None
            ):
                merged = _move_proxy_to_init(merged)
            merged = strategic_merge(merged, patch)
        except MergeError as exc:
            raise InjectionFailure(f"{where}: {exc}") from None
    tproxy = _proxy_mode(annotations_of(merged), proxy) == "TPROXY"
    try:
        merged = reapply_declared(merged, pod, rendered, tproxy)
    except MergeError as exc:
        raise InjectionFailure(str(exc)) from None
    _check_types(merged)
    return _post_process(merged, config, mesh, proxy, injector), names, rendered


def _openshift_proxy_user(pod: Mapping[str, Any]) -> Mapping[str, Any]:
    """On OpenShift every container gets the namespace's user: a declared proxy with the
    application's user loses its user and group so Istio's apply
    (``isSidecarUserMatchingAppUser``)."""
    proxy_user, app_user = 0, 0
    for list_name in LISTS:
        for container in containers_of(pod, list_name):
            context = container.get("securityContext")
            user = context.get("runAsUser") if isinstance(context, Mapping) else None
            if user is None:
                continue
            if container.get("name") == PROXY:
                proxy_user = user
            elif container.get("name") not in ("istio-validation", "istio-init"):
                app_user = user
    declared = find(pod, PROXY)
    context = declared.get("securityContext") if declared is not None else None
    if not isinstance(context, Mapping) or proxy_user != app_user:
        return pod
    spec = dict(pod["spec"])
    for list_name in (n for n in LISTS if n in spec):
        spec[list_name] = [
            {
                **c,
                "securityContext": {
                    k: v for k, v in context.items() if k not in ("runAsUser", "runAsGroup")
                },
            }
            if c is declared
            else c
            for c in containers_of(pod, list_name)
        ]
    return {**pod, "spec": spec}


def _proxy_mode(annotations: Mapping[str, Any], proxy: Mapping[str, Any]) -> str:
    mode = annotations.get("sidecar.istio.io/interceptionMode")
    if isinstance(mode, str):
        return mode
    return str(proxy.get("interceptionMode") or "REDIRECT")


def _post_process(
    pod: dict[str, Any],
    config: MeshConfig,
    mesh: Mapping[str, Any],
    proxy: Mapping[str, Any],
    injector: Injector,
) -> dict[str, Any]:
    annotations = annotations_of(pod)
    if find(pod, PROXY) is not None:
        webhook = injector.values.get("sidecarInjectorWebhook")
        rewrite = webhook.get("rewriteAppHTTPProbe") if isinstance(webhook, Mapping) else None
        choice = annotations.get("sidecar.istio.io/rewriteAppHTTPProbers")
        if isinstance(choice, str) and choice.lower() in ("true", "false", "1", "0", "t", "f"):
            rewrite = choice.lower() in ("true", "1", "t")
        if rewrite is True:
            port = (mesh.get("defaultConfig") or {}).get("statusPort", 15020)
            if "status.sidecar.istio.io/port" in annotations:
                text = str(annotations["status.sidecar.istio.io/port"])
                port = int(text) if text.strip().isdigit() else 0
            pod = rewrite_probes(pod, int(port))
    if injector.injected_annotations:
        metadata = dict(pod.get("metadata") or {})
        metadata["annotations"] = {**annotations_of(pod), **injector.injected_annotations}
        pod = {**pod, "metadata": metadata}
    global_values = injector.values.get("global")
    proxy_values = global_values.get("proxy") if isinstance(global_values, Mapping) else None
    hold = _flag(proxy.get("holdApplicationUntilProxyStarts")) or (
        isinstance(proxy_values, Mapping)
        and _flag(proxy_values.get("holdApplicationUntilProxyStarts"))
    )
    return reorder(pod, hold)


def _injected(
    original: Mapping[str, Any], admitted: Mapping[str, Any], rendered: Mapping[str, Any]
) -> tuple[list[InjectedContainer], dict[tuple[str, int], tuple[str, int]]]:
    """Which containers of the admitted pod the injection added or merged, and where each
    container the pod declared went (admitted ``(list, index)`` to declared)."""
    declared: dict[str, tuple[str, int]] = {}
    for list_name in LISTS:
        for index, container in enumerate(containers_of(original, list_name)):
            declared.setdefault(str(container.get("name")), (list_name, index))
    from_templates = {str(c.get("name")) for lst in LISTS for c in containers_of(rendered, lst)}
    injected: list[InjectedContainer] = []
    origins: dict[tuple[str, int], tuple[str, int]] = {}
    for list_name in LISTS:
        for index, container in enumerate(containers_of(admitted, list_name)):
            name = str(container.get("name"))
            place = declared.get(name)
            native = list_name == "initContainers" and container.get("restartPolicy") == "Always"
            if name in from_templates:
                at: Path | None = place if place is not None else None
                injected.append(InjectedContainer(list_name, index, name, native, at))
            if place is not None:
                origins[(list_name, index)] = place
    return injected, origins


def inject_pod(
    pod: PodSpec, namespaces: Namespaces, config: MeshConfig, decision: Decision
) -> Admitted:
    """The pod the injector makes of ``pod`` (which ``decision`` says it injects)."""
    original = {
        "metadata": strip_nulls(pod.metadata),
        "spec": strip_nulls(pod.spec),
    }
    namespace = namespaces.get(pod.resource.namespace)
    try:
        admitted, templates, rendered = inject(original, pod, namespace, config)
    except InjectionFailure as exc:
        return Admitted(pod, decision, error=str(exc))
    injected, origins = _injected(original, admitted, rendered)
    remap = [entry for entry in pod.remap if entry[0][:1] and entry[0][0] not in LISTS]
    for list_name in LISTS:
        for index, _ in enumerate(containers_of(admitted, list_name)):
            written = origins.get((list_name, index))
            target = (
                pod.field_path(written) if written is not None else (*pod.path, list_name, index)
            )
            remap.append(((list_name, index), target))
    admitted_pod = PodSpec(
        resource=pod.resource,
        path=pod.path,
        spec=admitted["spec"],
        metadata=admitted.get("metadata") or {},
        metadata_path=pod.metadata_path,
        found_by=pod.found_by,
        remap=tuple(remap),
    )
    return Admitted(admitted_pod, decision, tuple(injected), templates)
