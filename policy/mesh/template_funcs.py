"""Istio's template functions (``InjectionFuncmap``), on top of sprig's.

Each is written from its behaviour in istio/istio@1.28.0:pkg/kube/inject/template.go, with
the Go parameter types Istio declares (``annotation`` takes the pod's ``ObjectMeta``, ``isset``
a ``map[string]string``, ``includeInboundPorts`` the containers). Istio's ``indent`` (every line
but the first), ``contains`` (needle first) and ``omit`` (on a ``map[string]string``) replace
sprig's functions of the same name, as Istio's map is applied after sprig's. ``env`` reads
istiod's environment as the input declares it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.gotemplate import GoFunc
from kubeflow_devtools.policy.gotemplate.encoding import go_json, go_yaml, json_numbers_as_floats
from kubeflow_devtools.policy.gotemplate.functions import any_value, integer, str_map, string
from kubeflow_devtools.policy.gotemplate.sprig import FUNCTIONS as SPRIG
from kubeflow_devtools.policy.gotemplate.values import MISSING, GoError, StrMap, kind_name, to_text
from kubeflow_devtools.policy.mesh.gostructs import (
    CONTAINER,
    OBJECT_META,
    View,
    format_duration,
)


def _struct_of(name: str, accepts: Any) -> Any:
    def convert(value: Any) -> Any:
        if value is MISSING or value is None:
            raise GoError(f"invalid value; expected {name}")
        if not accepts(value):
            raise GoError(f"wrong type for value; expected {name}; got {kind_name(value)}")
        return value

    return convert


object_meta = _struct_of(
    "v1.ObjectMeta", lambda v: isinstance(v, View) and v.struct is OBJECT_META and not v.nil
)
"""``metav1.ObjectMeta``."""


def containers(value: Any) -> list[View]:
    """``[]corev1.Container`` (nil is empty)."""
    if value is MISSING or value is None:
        return []
    if isinstance(value, list) and all(
        isinstance(v, View) and v.struct is CONTAINER for v in value
    ):
        return value
    raise GoError(f"wrong type for value; expected []v1.Container; got {kind_name(value)}")


def proto_message(value: Any) -> Any:
    """``proto.Message`` (nil allowed)."""
    if value is MISSING or value is None:
        return None
    if isinstance(value, View) and value.struct.proto:
        return value
    raise GoError(f"wrong type for value; expected proto.Message; got {kind_name(value)}")


def _annotations(meta: View) -> Mapping[str, str]:
    value = meta.field("Annotations")
    return value if isinstance(value, dict) else {}


def annotation(meta: View, name: str, fallback: Any) -> str:
    """The pod's annotation ``name``, else ``fmt.Sprint(fallback)``."""
    annotations = _annotations(meta)
    return annotations[name] if name in annotations else to_text(fallback)


def _split_ports(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def exclude_inbound_port(port: Any, excluded: str) -> str:
    """``excluded`` with ``port`` added (unless it is empty, 0 or already there)."""
    port_text = to_text(port).strip()
    if not port_text or port_text == "0":
        return excluded
    ports = excluded.split(",")
    kept: list[str] = []
    for item in ports:
        if item == port_text:
            return excluded
        if item.strip():
            kept.append(item.strip())
    return ",".join([*kept, port_text])


def _ports(containers_: list[View], keep: Any) -> str:
    parts: list[str] = []
    for container in containers_:
        if not keep(container):
            continue
        for port in container.field("Ports"):
            protocol = port.field("Protocol")
            if protocol in ("UDP", "SCTP"):
                continue
            parts.append(str(port.field("ContainerPort")))
    return ",".join(parts)


def value_or_default(value: Any, fallback: Any) -> Any:
    """``value`` unless it is ``""`` or nil."""
    return fallback if value == "" or value is None else value


def _to_json(mapping: Mapping[str, str]) -> str:
    return go_json(mapping) if mapping is not None else "{}"


def from_json(text: str) -> Any:
    """JSON decoded as Go does (numbers are float64); ``"{}"`` (a string) when it fails."""
    try:
        return json_numbers_as_floats(json.loads(text))
    except ValueError:
        return "{}"


def struct_to_json(value: Any) -> str:
    """``json.Marshal(value)``; ``"{}"`` for nil."""
    if value is None:
        return "{}"
    try:
        return go_json(value)
    except (TypeError, ValueError):
        return "{}"


PROXY_CONFIG_DEFAULTS: dict[str, Any] = {
    "configPath": "./etc/istio/proxy",
    "binaryPath": "/usr/local/bin/envoy",
    "serviceCluster": "istio-proxy",
    "drainDuration": "45s",
    "terminationDrainDuration": "5s",
    "discoveryAddress": "istiod.istio-system.svc:15012",
    "proxyAdminPort": 15000,
    "statNameLength": 189,
    "statusPort": 15020,
    "controlPlaneAuthPolicy": "MUTUAL_TLS",
}
"""``mesh.DefaultProxyConfig()`` (istio/istio@1.28.0:pkg/config/mesh/mesh.go), as JSON."""


def proto_to_json(value: Any) -> str:
    """The proxy configuration without the fields that have their default values."""
    if value is None or not isinstance(value, View) or value.data is None:
        return "{}"
    cleaned = {
        key: item
        for key, item in value.data.items()
        if PROXY_CONFIG_DEFAULTS.get(key, MISSING) != item and item not in (None, {}, [])
    }
    return go_json(cleaned)


def istio_indent(spaces: int, text: str) -> str:
    """Every line but the first indented by ``spaces``."""
    lines = text.split("\n")
    return "\n".join([lines[0], *(" " * spaces + line for line in lines[1:])])


def directory(path: str) -> str:
    """``path.Split(path)``'s directory part (with its trailing slash)."""
    cut = path.rfind("/")
    return path[: cut + 1]


def append_multus_network(existing: str, network: str) -> str:
    """``k8s.v1.cni.cncf.io/networks`` with Istio's CNI network added (flat or JSON form)."""
    if existing == "":
        return network
    bracket = existing.rfind("]")
    if bracket != -1:
        try:
            networks = json.loads(existing)
        except ValueError:
            return existing
        namespace, _, name = network.rpartition("/")
        for item in networks if isinstance(networks, list) else []:
            if (
                isinstance(item, dict)
                and item.get("name") == name
                and (item.get("namespace") or "") == namespace
            ):
                return existing
        entry = (
            f', {{"name": "{name}"}}'
            if not namespace
            else f', {{"name": "{name}", "namespace": "{namespace}"}}'
        )
        return existing[:bracket] + entry + existing[bracket:]
    if any(part.strip() == network for part in existing.split(",")):
        return existing
    return existing + ", " + network


def omit(mapping: Mapping[str, str], *keys: str) -> StrMap:
    """The map without ``keys``."""
    return StrMap({k: v for k, v in mapping.items() if k not in keys})


def strdict(*items: str) -> StrMap:
    """A ``map[string]string`` from key, value pairs (a last key without value maps to "")."""
    out = StrMap()
    for i in range(0, len(items), 2):
        out[items[i]] = items[i + 1] if i + 1 < len(items) else ""
    return out


def merge_maps(*maps: Mapping[str, str]) -> StrMap | None:
    """The maps merged, later ones winning; nil for none."""
    if not maps:
        return None
    out = StrMap()
    for mapping in maps:
        out.update(mapping)
    return out


def format_duration_value(value: Any) -> str:
    """``formatDuration``: a protobuf Duration as Go prints it."""
    if not isinstance(value, View):
        raise GoError(
            f"wrong type for value; expected *durationpb.Duration; got {kind_name(value)}"
        )
    return format_duration(value.data or {})


def injection_functions(environment: Mapping[str, str]) -> dict[str, GoFunc]:
    """sprig's functions and Istio's, with ``env`` reading ``environment`` (istiod's)."""

    def env(key: str, fallback: str) -> str:
        return environment.get(key) or fallback

    istio = {
        "formatDuration": GoFunc(format_duration_value, (any_value,)),
        "isset": GoFunc(lambda m, k: k in m, (str_map, string)),
        "excludeInboundPort": GoFunc(exclude_inbound_port, (any_value, string)),
        "includeInboundPorts": GoFunc(lambda c: _ports(c, lambda _: True), (containers,)),
        "kubevirtInterfaces": GoFunc(lambda s: s, (string,)),
        "excludeInterfaces": GoFunc(lambda s: s, (string,)),
        "applicationPorts": GoFunc(
            lambda c: _ports(c, lambda x: x.field("Name") != "istio-proxy"), (containers,)
        ),
        "annotation": GoFunc(annotation, (object_meta, string, any_value)),
        "valueOrDefault": GoFunc(value_or_default, (any_value, any_value)),
        "toJSON": GoFunc(_to_json, (str_map,)),
        "fromJSON": GoFunc(from_json, (string,)),
        "structToJSON": GoFunc(struct_to_json, (any_value,)),
        "protoToJSON": GoFunc(proto_to_json, (proto_message,)),
        "toYaml": GoFunc(go_yaml, (any_value,)),
        "indent": GoFunc(istio_indent, (integer, string)),
        "directory": GoFunc(directory, (string,)),
        "contains": GoFunc(lambda needle, haystack: needle in haystack, (string, string)),
        "toLower": GoFunc(str.lower, (string,)),
        "appendMultusNetwork": GoFunc(append_multus_network, (string, string)),
        "env": GoFunc(env, (string, string)),
        "omit": GoFunc(omit, (str_map,), string),
        "strdict": GoFunc(strdict, (), string),
        "toJsonMap": GoFunc(lambda *m: go_json(merge_maps(*m)), (), str_map),
        "mergeMaps": GoFunc(merge_maps, (), str_map),
    }
    return {**SPRIG, **istio}
