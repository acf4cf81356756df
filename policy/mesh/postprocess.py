"""What Istio does to a pod after laying its templates over it.

From istio/istio@1.28.0:pkg/kube/inject/webhook.go and app_probe.go:

- :func:`reapply_declared`: a container the templates add that the pod declares too (an
  ``istio-proxy`` with custom settings) is merged again with the pod's version on top, so
  the pod's fields win (``reapplyOverwrittenContainers``); a declared proxy user or group
  carries over to ``istio-validation`` (``adjustInitContainerUser``), and in TPROXY mode the
  proxy's user stays 0;
- :func:`rewrite_probes`: HTTP, TCP and gRPC probes and lifecycle handlers of the pod's own
  containers go through the proxy's status port (``applyRewrite``);
- :func:`reorder`: ``istio-proxy`` last among containers, first with
  ``holdApplicationUntilProxyStarts``; native sidecars first among init containers, after
  ``istio-init``/``istio-validation``; otherwise ``istio-validation`` first and ``istio-init``
  last (``reorderPod``).

Pods are plain ``{"metadata": ..., "spec": ...}`` mappings, never changed in place.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.mesh.merge import strategic_merge

PROXY = "istio-proxy"
INIT = "istio-init"
VALIDATION = "istio-validation"
CORE_DUMP = "enable-core-dump"
AUTO_IMAGE = "auto"


def containers_of(pod: Mapping[str, Any], list_name: str) -> list[Mapping[str, Any]]:
    """The containers of one list (``[]`` when absent or malformed)."""
    spec = pod.get("spec")
    items = spec.get(list_name) if isinstance(spec, dict) else None
    return [c for c in items if isinstance(c, dict)] if isinstance(items, list) else []


def find(pod: Mapping[str, Any], name: str, *lists: str) -> Mapping[str, Any] | None:
    """The first container called ``name`` in ``lists`` (containers, then init containers)."""
    for list_name in lists or ("containers", "initContainers"):
        for container in containers_of(pod, list_name):
            if container.get("name") == name:
                return container
    return None


def annotations_of(pod: Mapping[str, Any]) -> Mapping[str, Any]:
    """The pod's annotations."""
    metadata = pod.get("metadata")
    value = metadata.get("annotations") if isinstance(metadata, dict) else None
    return value if isinstance(value, dict) else {}


def _status_names(pod: Mapping[str, Any]) -> dict[str, list[str]]:
    """Containers a previous injection added, from ``sidecar.istio.io/status``."""
    text = annotations_of(pod).get("sidecar.istio.io/status")
    try:
        status = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        status = None
    if not isinstance(status, dict):
        return {"containers": [], "initContainers": []}
    return {
        key: [str(n) for n in status.get(key) or [] if isinstance(n, str)]
        for key in ("containers", "initContainers")
    }


def _overrides(pod: Mapping[str, Any]) -> dict[str, list[Mapping[str, Any]]]:
    """Containers the pod declared at an earlier injection (``proxy.istio.io/overrides``)."""
    text = annotations_of(pod).get("proxy.istio.io/overrides")
    try:
        data = json.loads(text) if isinstance(text, str) else {}
    except ValueError:
        data = {}
    data = data if isinstance(data, dict) else {}
    return {
        key: [c for c in data.get(key) or [] if isinstance(c, dict)]
        for key in ("containers", "initContainers")
    }


def strip_previous(pod: Mapping[str, Any]) -> dict[str, Any]:
    """The pod without what an earlier injection added (``stripPod``), with the containers it
    declared then put back (``reinsertOverrides``): what the templates see."""
    status = _status_names(pod)
    spec = dict(pod.get("spec") or {})
    for list_name in ("containers", "initContainers"):
        removed = set(status[list_name])
        if removed:
            spec[list_name] = [
                c for c in containers_of(pod, list_name) if c.get("name") not in removed
            ]
    metadata = dict(pod.get("metadata") or {})
    annotations = dict(annotations_of(pod))
    annotations.pop("sidecar.istio.io/status", None)
    if annotations or "annotations" in metadata:
        metadata["annotations"] = annotations
    for list_name, declared in _overrides(pod).items():
        present = {c.get("name") for c in spec.get(list_name) or [] if isinstance(c, dict)}
        extra = [c for c in declared if c.get("name") not in present]
        if extra:
            spec[list_name] = [*(spec.get(list_name) or []), *extra]
    return {"metadata": metadata, "spec": spec}


def reapply_declared(
    final: Mapping[str, Any],
    original: Mapping[str, Any],
    template: Mapping[str, Any],
    tproxy: bool,
) -> dict[str, Any]:
    """The pod's own versions of template containers merged over the result (pod wins)."""
    status = _status_names(original)
    overrides = _overrides(original)
    result = dict(final)
    for list_name in ("containers", "initContainers"):
        for added in containers_of(template, list_name):
            name = added.get("name")
            if name in status[list_name]:
                continue
            match = next((c for c in overrides[list_name] if c.get("name") == name), None)
            if match is None:
                lists = ("containers",) if list_name == "containers" else ()
                match = find(original, str(name), *lists)
            if match is None:
                continue
            overlay = dict(match)
            if overlay.get("image") == AUTO_IMAGE:
                overlay.pop("image")
            patch: dict[str, Any] = {"spec": {list_name: [overlay]}}
            if list_name == "initContainers":
                patch["spec"]["containers"] = []
            result = strategic_merge(result, patch)
    return _adjust_init_user(result, original, tproxy)


def _adjust_init_user(
    pod: dict[str, Any], original: Mapping[str, Any], tproxy: bool
) -> dict[str, Any]:
    """``adjustInitContainerUser``: the pod's proxy user/group for ``istio-validation``."""
    declared = find(original, PROXY)
    context = declared.get("securityContext") if declared is not None else None
    if not isinstance(context, dict):
        return pod
    user, group = context.get("runAsUser"), context.get("runAsGroup")
    if user is None and group is None:
        return pod
    names = [c.get("name") for c in containers_of(pod, "initContainers")]
    target = INIT if INIT in names else VALIDATION if VALIDATION in names else None
    if target is None:
        return pod
    spec = dict(pod["spec"])
    if tproxy and user is not None:
        for list_name in ("containers", "initContainers"):
            if find({"spec": spec}, PROXY, list_name) is not None:
                spec[list_name] = _update_first(
                    containers_of({"spec": spec}, list_name),
                    PROXY,
                    lambda c: _with_context(c, {"runAsUser": 0}),
                )
                break

    def adjust(init: Mapping[str, Any]) -> dict[str, Any]:
        changes = {}
        if not tproxy and init.get("name") == VALIDATION:
            changes = {
                k: v for k, v in (("runAsUser", user), ("runAsGroup", group)) if v is not None
            }
        updated = _with_context(init, changes) if changes else dict(init)
        args = updated.get("args")
        if isinstance(user, int) and user != 0 and isinstance(args, list) and "-u" in args:
            at = args.index("-u")
            if at + 1 < len(args):
                updated["args"] = [*args[: at + 1], str(user), *args[at + 2 :]]
        return updated

    spec["initContainers"] = _update_first(
        containers_of({"spec": spec}, "initContainers"), target, adjust
    )
    return {**pod, "spec": spec}


def _update_first(items: list[Mapping[str, Any]], name: str, change: Any) -> list[Any]:
    """``items`` with the first container called ``name`` replaced by ``change(it)``."""
    out: list[Any] = list(items)
    for index, item in enumerate(out):
        if item.get("name") == name:
            out[index] = change(item)
            break
    return out


def _with_context(container: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    context = container.get("securityContext")
    return {
        **container,
        "securityContext": {**(context if isinstance(context, dict) else {}), **changes},
    }


def _prober_urls(name: str) -> dict[str, str]:
    return {
        "readinessProbe": f"/app-health/{name}/readyz",
        "livenessProbe": f"/app-health/{name}/livez",
        "startupProbe": f"/app-health/{name}/startupz",
        "preStop": f"/app-lifecycle/{name}/prestopz",
        "postStart": f"/app-lifecycle/{name}/poststartz",
    }


def _rewrite(handler: Any, url: str, port: int, probe: bool) -> Any:
    """One probe or lifecycle handler through the status port (``convertAppProber``)."""
    if not isinstance(handler, dict):
        return handler
    out = dict(handler)
    get = handler.get("httpGet")
    if isinstance(get, dict):
        action = {**get, "port": port, "path": url}
        if action.get("scheme") == "HTTPS":
            action["scheme"] = "HTTP"
        out["httpGet"] = action
        return out
    for kind in ("tcpSocket", "grpc") if probe else ("tcpSocket",):
        if isinstance(handler.get(kind), Mapping):
            out.pop(kind)
            out["httpGet"] = {"path": url, "port": port}
            return out
    return handler


def rewrite_probes(pod: Mapping[str, Any], status_port: int) -> dict[str, Any]:
    """The pod's own containers' probes and lifecycle handlers via the proxy's status port."""
    spec = dict(pod.get("spec") or {})
    for list_name in ("containers", "initContainers"):
        rewritten = []
        for container in containers_of(pod, list_name):
            if container.get("name") == PROXY:
                rewritten.append(container)
                continue
            urls = _prober_urls(str(container.get("name")))
            new = dict(container)
            for key in ("readinessProbe", "livenessProbe", "startupProbe"):
                if key in new:
                    new[key] = _rewrite(new[key], urls[key], status_port, probe=True)
            lifecycle = new.get("lifecycle")
            if isinstance(lifecycle, dict):
                new["lifecycle"] = {
                    **lifecycle,
                    **{
                        key: _rewrite(lifecycle[key], urls[key], status_port, probe=False)
                        for key in ("preStop", "postStart")
                        if key in lifecycle
                    },
                }
            rewritten.append(new)
        if list_name in spec:
            spec[list_name] = rewritten
    return {**pod, "spec": spec}


def _move(items: list[Any], name: str, first: bool) -> list[Any]:
    """``modifyContainers``: the (last) container called ``name`` moved first or last."""
    others = [c for c in items if c.get("name") != name]
    matches = [c for c in items if c.get("name") == name]
    if not matches:
        return others
    return [matches[-1], *others] if first else [*others, matches[-1]]


def reorder(pod: Mapping[str, Any], hold_application: bool) -> dict[str, Any]:
    """``reorderPod``: where Istio's containers end up in their lists."""
    spec = dict(pod.get("spec") or {})
    containers = containers_of(pod, "containers")
    if "containers" in spec:
        spec["containers"] = _move(containers, PROXY, first=hold_application)
    init = containers_of(pod, "initContainers")
    if any(c.get("name") == PROXY for c in init):
        for name in (CORE_DUMP, PROXY, VALIDATION, INIT):
            init = _move(init, name, first=True)
    else:
        init = _move(init, VALIDATION, first=True)
        init = _move(init, INIT, first=False)
        init = _move(init, CORE_DUMP, first=False)
    if "initContainers" in spec:
        spec["initContainers"] = init
    return {**pod, "spec": spec}
