"""Istio's injection templates: compiled once, and the data they run on.

:func:`compile_template` parses a template with sprig's and Istio's functions, as istiod does
when it loads the injector ConfigMap (a failure is an :class:`InputError` naming the ConfigMap
and the template line); compiled templates are cached by their text and istiod's environment,
so each is compiled once per run however many pods it injects. :func:`template_data` builds
``SidecarTemplateData`` (istio/istio@1.28.0:pkg/kube/inject/inject.go, ``RunTemplate``): the
workload's type and name, the pod's metadata and spec, the proxy and mesh configuration, the
values, the revision, native sidecars, the proxy image, the proxy's user and group (OpenShift's
namespace UID range), the inbound traffic policy and the compliance policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import yaml

from kubeflow_devtools.policy.documents import Loader
from kubeflow_devtools.policy.errors import InputError
from kubeflow_devtools.policy.gotemplate import Template, TemplateSyntaxError, parse
from kubeflow_devtools.policy.mesh.gostructs import (
    MESH_CONFIG,
    NAMESPACED_NAME,
    OBJECT_META,
    POD_SPEC,
    PROXY_CONFIG,
    TYPE_META,
    Field,
    StructType,
    View,
)
from kubeflow_devtools.policy.mesh.template_funcs import PROXY_CONFIG_DEFAULTS, injection_functions
from kubeflow_devtools.policy.model.mesh import InjectionTemplate, MeshConfig
from kubeflow_devtools.policy.model.objects import Namespace, Resource

PROXY_UID = 1337
"""The proxy's user and group unless OpenShift assigns the namespace a range."""

MESH_DEFAULTS: dict[str, Any] = {
    "enableTracing": True,
    "accessLogEncoding": "TEXT",
    "ingressService": "istio-ingressgateway",
    "ingressControllerMode": "STRICT",
    "ingressClass": "istio",
    "trustDomain": "cluster.local",
    "enableAutoMtls": True,
    "outboundTrafficPolicy": {"mode": "ALLOW_ANY"},
    "inboundTrafficPolicy": {"mode": "PASSTHROUGH"},
    "rootNamespace": "istio-system",
    "proxyListenPort": 15001,
    "proxyInboundListenPort": 15006,
    "connectTimeout": "10s",
    "dnsRefreshRate": "60s",
    "enablePrometheusMerge": True,
    "defaultConfig": PROXY_CONFIG_DEFAULTS,
}
"""``mesh.DefaultMeshConfig()`` (istio/istio@1.28.0:pkg/config/mesh/mesh.go), as JSON."""

SIDECAR_TEMPLATE_DATA = StructType(
    "inject.SidecarTemplateData",
    (
        Field("TypeMeta", "TypeMeta", "struct", TYPE_META),
        Field("DeploymentMeta", "DeploymentMeta", "struct", NAMESPACED_NAME),
        Field("ObjectMeta", "ObjectMeta", "struct", OBJECT_META),
        Field("Spec", "Spec", "struct", POD_SPEC),
        Field("ProxyConfig", "ProxyConfig", "ptr", PROXY_CONFIG),
        Field("MeshConfig", "MeshConfig", "ptr", MESH_CONFIG),
        Field("Values", "Values", "map"),
        Field("Revision", "Revision", "string"),
        Field("NativeSidecars", "NativeSidecars", "bool"),
        Field("ProxyImage", "ProxyImage", "string"),
        Field("ProxyUID", "ProxyUID", "int"),
        Field("ProxyGID", "ProxyGID", "int"),
        Field("InboundTrafficPolicyMode", "InboundTrafficPolicyMode", "string"),
        Field("CompliancePolicy", "CompliancePolicy", "string"),
    ),
    complete=True,
)


@lru_cache(maxsize=64)
def _compile(text: str, environment: tuple[tuple[str, str], ...]) -> Template | TemplateSyntaxError:
    try:
        return parse(text, injection_functions(dict(environment)), name="inject")
    except TemplateSyntaxError as exc:
        return exc


def compile_template(
    template: InjectionTemplate, environment: Mapping[str, str], owner: str = ""
) -> Template | InputError:
    """The compiled template, or the input error Istio's refusal of it is."""
    compiled = _compile(template.text, tuple(sorted(environment.items())))
    if isinstance(compiled, Template):
        return compiled
    line = template.line + compiled.line - 1 if template.line is not None else None
    where = f"{owner}: " if owner else ""
    return InputError(
        template.file or "<built-in>",
        line,
        f"{where}{template.where(compiled.line)}: {compiled.message} "
        "(Istio refuses an injector configuration whose templates do not parse)",
    )


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` over ``base``: maps merge, everything else is replaced."""
    out = dict(base)
    for key, value in override.items():
        current = out.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            out[key] = deep_merge(current, value)
        else:
            out[key] = value
    return out


def mesh_config(mesh: MeshConfig) -> dict[str, Any]:
    """The mesh configuration the injector holds: the input's over Istio's defaults."""
    return deep_merge(MESH_DEFAULTS, mesh.mesh)


def proxy_config(mesh: Mapping[str, Any], annotations: Mapping[str, str]) -> dict[str, Any]:
    """The pod's proxy configuration: the mesh's ``defaultConfig`` with the pod's
    ``proxy.istio.io/config`` annotation over it."""
    config = dict(mesh.get("defaultConfig") or {})
    override = annotations.get("proxy.istio.io/config")
    if override:
        try:
            parsed = yaml.load(override, Loader=Loader)
        except yaml.YAMLError:
            parsed = None
        if isinstance(parsed, Mapping):
            config = deep_merge(config, parsed)
    return config


def _block_max(text: str) -> int | None:
    """The last ID of the first block of an OpenShift range (``1000620000/10000``)."""
    first = text.split(",")[0].strip()
    try:
        if "/" in first:
            start, size = first.split("/", 1)
            return int(start) + int(size) - 1
        if "-" in first:
            return int(first.split("-", 1)[1])
    except ValueError:
        return None
    return None


def proxy_ids(namespace: Namespace, openshift: bool) -> tuple[int, int]:
    """``GetProxyIDs``: 1337, or on OpenShift the top of the namespace's UID range and the
    first supplemental group range (istio/istio@1.28.0:pkg/kube/inject/openshift.go)."""
    if not openshift or namespace.resource is None:
        return PROXY_UID, PROXY_UID
    metadata = namespace.resource.obj.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, Mapping) else None
    annotations = annotations if isinstance(annotations, Mapping) else {}
    uid_range = annotations.get("openshift.io/sa.scc.uid-range")
    groups = annotations.get("openshift.io/sa.scc.supplemental-groups", uid_range)
    uid = _block_max(uid_range) if isinstance(uid_range, str) else None
    gid = _block_max(groups) if isinstance(groups, str) else None
    return uid or PROXY_UID, gid or PROXY_UID


def proxy_image(
    values: Mapping[str, Any], proxy: Mapping[str, Any], annotations: Mapping[str, str]
) -> str:
    """``ProxyImage``: hub/image:tag, with the image type (``-distroless``, ``-debug``)."""
    global_values = values.get("global") if isinstance(values.get("global"), Mapping) else {}
    assert isinstance(global_values, Mapping)
    tag_value = global_values.get("tag")
    tag = "" if tag_value is None else _text(tag_value)
    image_type = str(global_values.get("variant") or "")
    image = proxy.get("image")
    if isinstance(image, Mapping):
        image_type = str(image.get("imageType") or "")
    name = "proxyv2"
    proxy_values = global_values.get("proxy")
    if isinstance(proxy_values, Mapping) and proxy_values.get("image"):
        name = str(proxy_values["image"])
    image_type = annotations.get("sidecar.istio.io/proxyImageType", image_type)
    if image_type:
        for known in ("distroless", "debug"):
            if tag.endswith("-" + known):
                tag = tag[: -len(known) - 1]
                break
        if image_type != "default":
            tag = f"{tag}-{image_type}"
    return f"{global_values.get('hub') or ''}/{name}:{tag}"


def _text(value: Any) -> str:
    from kubeflow_devtools.policy.gotemplate.values import to_text

    return to_text(value)


def template_data(
    workload: Resource,
    metadata: Mapping[str, Any],
    spec: Mapping[str, Any],
    namespace: Namespace,
    mesh: MeshConfig,
    mesh_data: Mapping[str, Any],
    proxy: Mapping[str, Any],
    native: bool,
) -> View:
    """``SidecarTemplateData`` for one pod of ``workload``."""
    values = mesh.templates.values if mesh.templates is not None else {}
    annotations = (
        metadata.get("annotations") if isinstance(metadata.get("annotations"), Mapping) else {}
    )
    assert isinstance(annotations, Mapping)
    openshift = mesh.istiod_env.get("PLATFORM", "").lower() == "openshift"
    uid, gid = proxy_ids(namespace, openshift)
    inbound = mesh_data.get("inboundTrafficPolicy")
    mode = inbound.get("mode") if isinstance(inbound, Mapping) else None
    kind, api_version, name = workload.kind, workload.api_version, workload.name
    if kind == "Pod":
        name = str(metadata.get("name") or workload.name)
    data = {
        "TypeMeta": {"kind": kind, "apiVersion": api_version},
        "DeploymentMeta": {"name": name, "namespace": namespace.name},
        "ObjectMeta": {**metadata, "namespace": namespace.name},
        "Spec": spec,
        "ProxyConfig": proxy,
        "MeshConfig": {**mesh_data, "defaultConfig": proxy},
        "Values": values,
        "Revision": mesh.istiod_env.get("REVISION", ""),
        "NativeSidecars": native,
        "ProxyImage": proxy_image(values, proxy, annotations),
        "ProxyUID": uid,
        "ProxyGID": gid,
        "InboundTrafficPolicyMode": "localhost" if mode in ("LOCALHOST", 1) else "passthrough",
        "CompliancePolicy": mesh.istiod_env.get("COMPLIANCE_POLICY", ""),
    }
    return View(SIDECAR_TEMPLATE_DATA, data)
