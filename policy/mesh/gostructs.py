"""Kubernetes and Istio objects as the Go structs injection templates see.

Istio runs its templates on ``SidecarTemplateData`` (istio/istio@1.28.0:pkg/kube/inject/
inject.go): typed Go values, so ``.Spec.Containers`` is a slice of ``corev1.Container``,
``$c.Name`` a field, an unset ``.Spec.ServiceAccountName`` the empty string,
``.ObjectMeta.Annotations`` a ``map[string]string`` (a missing key indexes to ``""``), and
``.ProxyConfig.HoldApplicationUntilProxyStarts.GetValue`` a protobuf getter that works on nil.
:class:`View` gives a manifest's plain data that shape: each struct type lists its fields with
their JSON names and kinds, so an unset field reads as its Go zero value. Types not listed are
read by name (``HostIP`` is ``hostIP``); their unset fields read as nil.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kubeflow_devtools.policy.gotemplate.values import GoEnum, GoStruct, StrMap


@dataclass(frozen=True)
class Field:
    """A struct field: Go name, JSON name, kind (``string``, ``int``, ``bool``, ``strmap``,
    ``list``, ``map``, ``struct``, ``ptr``, ``enum``, ``scalar``) and element type."""

    name: str
    json: str
    kind: str
    type: StructType | EnumType | None = None
    omitempty: bool = True


@dataclass(frozen=True)
class EnumType:
    """A protobuf enum: names by number."""

    name: str
    values: tuple[str, ...]

    def of(self, value: Any) -> GoEnum:
        """The enum value for a name or number as written in YAML (unknown: the first)."""
        if isinstance(value, str) and value in self.values:
            return GoEnum(self.name, value, self.values.index(value))
        if isinstance(value, int) and 0 <= value < len(self.values):
            return GoEnum(self.name, self.values[value], value)
        return GoEnum(self.name, self.values[0], 0)


@dataclass(frozen=True)
class StructType:
    """A Go struct type: its fields in declaration order. ``proto``: a protobuf message, whose
    getters ``GetX`` work on nil. ``complete``: every field is listed, so another name is an
    error (as in Go); otherwise an unlisted name is read from the data, nil when unset.
    ``wrapper``: a protobuf wrapper (``BoolValue``), written in JSON as its bare value."""

    name: str
    fields: tuple[Field, ...] = ()
    proto: bool = False
    complete: bool = False
    wrapper: bool = False
    by_name: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_name.update({f.name: f for f in self.fields})


_ACRONYM = re.compile(r"^([A-Z]+)([A-Z][a-z]|$)")


def json_name(go_name: str) -> str:
    """The JSON name of a Go field by Kubernetes' convention (``HostIP``: ``hostIP``,
    ``DNSPolicy``: ``dnsPolicy``, ``TTY``: ``tty``)."""
    match = _ACRONYM.match(go_name)
    if match and len(match.group(1)) > 1:
        head = match.group(1)
        return head.lower() + go_name[len(head) :]
    return go_name[:1].lower() + go_name[1:]


def _zero(f: Field) -> Any:
    if f.kind == "string":
        return ""
    if f.kind == "int":
        return 0
    if f.kind == "bool":
        return False
    if f.kind == "strmap":
        return StrMap()
    if f.kind == "map":
        return {}
    if f.kind == "list":
        return []
    if f.kind == "enum" and isinstance(f.type, EnumType):
        return f.type.of(0)
    if f.kind == "struct" and isinstance(f.type, StructType):
        return View(f.type, {})
    if f.kind == "ptr" and isinstance(f.type, StructType):
        return View(f.type, None)
    return None


def wrap(f: Field | None, value: Any) -> Any:
    """A field's JSON value as the Go value a template reads (``f`` ``None``: type unknown)."""
    if value is None:
        return _zero(f) if f is not None else None
    kind = f.kind if f is not None else _guess(value)
    if kind == "strmap":
        if not isinstance(value, dict):
            return StrMap()
        return StrMap({str(k): _text(v) for k, v in value.items()})
    if kind == "enum" and f is not None and isinstance(f.type, EnumType):
        return f.type.of(value)
    if kind in ("struct", "ptr"):
        struct = f.type if f is not None and isinstance(f.type, StructType) else GENERIC
        if struct is DURATION and isinstance(value, str):
            value = parse_duration(value)
        elif struct.wrapper and not isinstance(value, dict):
            value = {"value": value}
        return View(struct, value if isinstance(value, dict) else {})
    if kind == "list":
        if not isinstance(value, list):
            return []
        element = Field("", "", "struct", f.type) if f is not None and f.type else None
        return [wrap(element, item) for item in value]
    return value


def _guess(value: Any) -> str:
    if isinstance(value, dict):
        return "ptr"
    if isinstance(value, list):
        return "list"
    return "scalar"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_UNSET = object()
GENERIC = StructType("struct")
"""A struct type this module does not list: fields are read by name, unset ones are nil."""


class View(GoStruct):
    """A struct (``data`` a mapping) or nil pointer to one (``data`` ``None``) of ``struct``."""

    __slots__ = ("cache", "data", "struct")

    def __init__(self, struct: StructType, data: Mapping[str, Any] | None) -> None:
        self.struct = struct
        self.data = data
        self.cache: dict[str, Any] = {}

    @property
    def type_name(self) -> str:  # type: ignore[override]
        return ("*" if self.data is None else "") + self.struct.name

    @property
    def nil(self) -> bool:  # type: ignore[override]
        return self.data is None

    def field(self, name: str) -> Any:
        """The field ``name``; ``KeyError`` when a fully listed type has no such field."""
        cached = self.cache.get(name, _UNSET)
        if cached is not _UNSET:
            return cached
        spec = self.struct.by_name.get(name)
        data = self.data or {}
        if spec is None:
            if self.struct.complete:
                raise KeyError(name)
            value = wrap(None, data.get(json_name(name)))
        else:
            value = wrap(spec, data.get(spec.json))
        self.cache[name] = value
        return value

    def lookup(self, name: str) -> Any:
        """A field or getter, remembered (a View's data does not change while it is read)."""
        cached = self.cache.get(name, _UNSET)
        if cached is _UNSET:
            cached = super().lookup(name)
            self.cache[name] = cached
        return cached

    def method(self, name: str) -> Callable[..., Any] | None:
        """Protobuf getters (``GetX``, nil-safe) and ``String`` of well-known types."""
        if self.struct.proto and name.startswith("Get") and len(name) > 3:
            target = name[3:]
            if target in self.struct.by_name or not self.struct.fields:

                def getter() -> Any:
                    if self.data is None:
                        return (
                            _zero(self.struct.by_name[target])
                            if target in self.struct.by_name
                            else None
                        )
                    try:
                        return self.field(target)
                    except KeyError:
                        return None

                return getter
        method = METHODS.get((self.struct.name, name))
        if method is not None:
            return lambda *args: method(self, *args)
        return None

    def to_json(self) -> Any:
        """The struct as ``encoding/json`` writes it: listed fields in order, empty ones left
        out when ``omitempty``."""
        if self.data is None:
            return None
        if not self.struct.fields:
            return dict(self.data)
        out: dict[str, Any] = {}
        for f in self.struct.fields:
            value = self.data.get(f.json)
            if value is None or (f.omitempty and value in ("", 0, False, [], {})):
                if not f.omitempty:
                    out[f.json] = _zero_json(f)
                continue
            out[f.json] = value
        return out


def _zero_json(f: Field) -> Any:
    return {"string": "", "int": 0, "bool": False}.get(f.kind)


METHODS: dict[tuple[str, str], Callable[..., Any]] = {}
"""Methods of struct types other than protobuf getters, by (type, name)."""


def _fields(
    *specs: str, types: Mapping[str, StructType | EnumType] | None = None
) -> tuple[Field, ...]:
    """Fields from ``"GoName kind [json]"`` specs (the JSON name derived when not given)."""
    out = []
    for spec in specs:
        parts = spec.split()
        name, kind = parts[0], parts[1]
        json = parts[2] if len(parts) > 2 else json_name(name)
        required = name in ("ContainerPort",)
        out.append(Field(name, json, kind, (types or {}).get(name), omitempty=not required))
    return tuple(out)


CONTAINER_PORT = StructType(
    "v1.ContainerPort",
    _fields("Name string", "HostPort int", "ContainerPort int", "Protocol string", "HostIP string"),
    complete=True,
)
CONTAINER = StructType(
    "v1.Container",
    _fields(
        "Name string",
        "Image string",
        "Command list",
        "Args list",
        "WorkingDir string",
        "Ports list",
        "EnvFrom list",
        "Env list",
        "Resources struct",
        "ResizePolicy list",
        "RestartPolicy scalar",
        "RestartPolicyRules list",
        "VolumeMounts list",
        "VolumeDevices list",
        "LivenessProbe ptr",
        "ReadinessProbe ptr",
        "StartupProbe ptr",
        "Lifecycle ptr",
        "TerminationMessagePath string",
        "TerminationMessagePolicy string",
        "ImagePullPolicy string",
        "SecurityContext ptr",
        "Stdin bool",
        "StdinOnce bool",
        "TTY bool",
        types={"Ports": CONTAINER_PORT},
    ),
    complete=True,
)
OBJECT_META = StructType(
    "v1.ObjectMeta",
    _fields(
        "Name string",
        "GenerateName string",
        "Namespace string",
        "SelfLink string",
        "UID string",
        "ResourceVersion string",
        "Generation int",
        "CreationTimestamp scalar",
        "DeletionTimestamp scalar",
        "DeletionGracePeriodSeconds scalar",
        "Labels strmap",
        "Annotations strmap",
        "OwnerReferences list",
        "Finalizers list",
        "ManagedFields list",
    ),
    complete=True,
)
POD_SPEC = StructType(
    "v1.PodSpec",
    _fields(
        "Volumes list",
        "InitContainers list",
        "Containers list",
        "EphemeralContainers list",
        "RestartPolicy string",
        "TerminationGracePeriodSeconds scalar",
        "ActiveDeadlineSeconds scalar",
        "DNSPolicy string",
        "NodeSelector strmap",
        "ServiceAccountName string",
        "DeprecatedServiceAccount string serviceAccount",
        "AutomountServiceAccountToken scalar",
        "NodeName string",
        "HostNetwork bool",
        "HostPID bool",
        "HostIPC bool",
        "ShareProcessNamespace scalar",
        "SecurityContext ptr",
        "ImagePullSecrets list",
        "Hostname string",
        "Subdomain string",
        "Affinity ptr",
        "SchedulerName string",
        "Tolerations list",
        "HostAliases list",
        "PriorityClassName string",
        "Priority scalar",
        "DNSConfig ptr",
        "ReadinessGates list",
        "RuntimeClassName scalar",
        "EnableServiceLinks scalar",
        "PreemptionPolicy scalar",
        "Overhead strmap",
        "TopologySpreadConstraints list",
        "SetHostnameAsFQDN scalar",
        "OS ptr",
        "HostUsers scalar",
        "SchedulingGates list",
        "ResourceClaims list",
        "Resources ptr",
        "HostnameOverride scalar",
        types={"InitContainers": CONTAINER, "Containers": CONTAINER},
    ),
    complete=True,
)
TYPE_META = StructType("v1.TypeMeta", _fields("Kind string", "APIVersion string"), complete=True)
NAMESPACED_NAME = StructType(
    "types.NamespacedName", _fields("Namespace string", "Name string"), complete=True
)

BOOL_VALUE = StructType("wrapperspb.BoolValue", _fields("Value bool"), proto=True, wrapper=True)
INT32_VALUE = StructType("wrapperspb.Int32Value", _fields("Value int"), proto=True, wrapper=True)
DURATION = StructType("durationpb.Duration", _fields("Seconds int", "Nanos int"), proto=True)
INTERCEPTION_MODE = EnumType(
    "v1alpha1.ProxyConfig_InboundInterceptionMode", ("REDIRECT", "TPROXY", "NONE")
)
TLS_SETTINGS = StructType("v1alpha3.ClientTLSSettings", proto=True)
TRACING = StructType(
    "v1alpha1.Tracing",
    _fields(
        "TlsSettings ptr",
        "Sampling scalar",
        "MaxPathTagLength int",
        types={"TlsSettings": TLS_SETTINGS},
    ),
    proto=True,
)
PROXY_IMAGE = StructType("v1beta1.ProxyImage", _fields("ImageType string"), proto=True)
PROXY_CONFIG = StructType(
    "v1alpha1.ProxyConfig",
    _fields(
        "ConfigPath string",
        "BinaryPath string",
        "ServiceCluster string",
        "DrainDuration ptr",
        "DiscoveryAddress string",
        "StatNameLength int",
        "ProxyAdminPort int",
        "ControlPlaneAuthPolicy scalar",
        "CustomConfigFile string",
        "Concurrency ptr",
        "InterceptionMode enum",
        "Tracing ptr",
        "ProxyMetadata strmap",
        "StatusPort int",
        "TerminationDrainDuration ptr",
        "MeshId string",
        "HoldApplicationUntilProxyStarts ptr",
        "CaCertificatesPem list",
        "Image ptr",
        "ExtraStatTags list",
        "ProxyStatsMatcher ptr",
        "ReadinessProbe ptr",
        "GatewayTopology ptr",
        "RuntimeValues strmap",
        "PrivateKeyProvider ptr",
        "ProxyHeaders ptr",
        "FileFlushInterval ptr",
        "FileFlushMinSizeKb ptr",
        types={
            "DrainDuration": DURATION,
            "TerminationDrainDuration": DURATION,
            "Concurrency": INT32_VALUE,
            "InterceptionMode": INTERCEPTION_MODE,
            "Tracing": TRACING,
            "HoldApplicationUntilProxyStarts": BOOL_VALUE,
            "Image": PROXY_IMAGE,
            "FileFlushInterval": DURATION,
        },
    ),
    proto=True,
)
INBOUND_POLICY_MODE = EnumType(
    "v1alpha1.MeshConfig_InboundTrafficPolicy_Mode", ("PASSTHROUGH", "LOCALHOST")
)
INBOUND_POLICY = StructType(
    "v1alpha1.MeshConfig_InboundTrafficPolicy",
    _fields("Mode enum", types={"Mode": INBOUND_POLICY_MODE}),
    proto=True,
)
MESH_CONFIG = StructType(
    "v1alpha1.MeshConfig",
    _fields(
        "ProxyListenPort int",
        "ProxyInboundListenPort int",
        "ProxyHttpPort int",
        "ConnectTimeout ptr",
        "ProtocolDetectionTimeout ptr",
        "IngressClass string",
        "IngressService string",
        "IngressControllerMode scalar",
        "IngressSelector string",
        "EnableTracing bool",
        "AccessLogFile string",
        "AccessLogFormat string",
        "AccessLogEncoding scalar",
        "EnableEnvoyAccessLogService bool",
        "DisableEnvoyListenerLog bool",
        "DefaultConfig ptr",
        "OutboundTrafficPolicy ptr",
        "InboundTrafficPolicy ptr",
        "ConfigSources list",
        "EnableAutoMtls ptr",
        "TrustDomain string",
        "TrustDomainAliases list",
        "DefaultServiceExportTo list",
        "DefaultVirtualServiceExportTo list",
        "DefaultDestinationRuleExportTo list",
        "RootNamespace string",
        "LocalityLbSetting ptr",
        "DnsRefreshRate ptr",
        "H2UpgradePolicy scalar",
        "InboundClusterStatName string",
        "OutboundClusterStatName string",
        "Certificates list",
        "ServiceSettings list",
        "EnablePrometheusMerge ptr",
        "VerifyCertificateAtClient ptr",
        "Ca ptr",
        "ExtensionProviders list",
        "DefaultProviders ptr",
        "DiscoverySelectors list",
        "PathNormalization ptr",
        "DefaultHttpRetryPolicy ptr",
        "MeshMTLS ptr",
        "TlsDefaults ptr",
        "MeshNetworks ptr",
        "ServiceScopeConfigs list",
        types={
            "DefaultConfig": PROXY_CONFIG,
            "InboundTrafficPolicy": INBOUND_POLICY,
            "EnableAutoMtls": BOOL_VALUE,
            "EnablePrometheusMerge": BOOL_VALUE,
            "ConnectTimeout": DURATION,
            "ProtocolDetectionTimeout": DURATION,
            "DnsRefreshRate": DURATION,
        },
    ),
    proto=True,
)


def _duration_string(view: View) -> str:
    """``Duration.AsDuration().String()``: ``45s``, ``1m30s``, ``1.5s``, ``0s``."""
    return format_duration(view.data or {})


def parse_duration(text: str) -> dict[str, int]:
    """A protobuf JSON duration (``"23s"``, ``"1.5s"``) as seconds and nanos."""
    try:
        seconds = float(text.strip().removesuffix("s"))
    except ValueError:
        seconds = 0.0
    whole = int(seconds)
    return {"seconds": whole, "nanos": round((seconds - whole) * 1e9)}


def format_duration(data: Any) -> str:
    """A protobuf Duration (``{"seconds": .., "nanos": ..}`` or ``"1.5s"``) as Go prints it."""
    if isinstance(data, str):
        text = data.strip()
        seconds = float(text[:-1]) if text.endswith("s") else 0.0
    elif isinstance(data, dict):
        seconds = float(data.get("seconds") or 0) + float(data.get("nanos") or 0) / 1e9
    else:
        seconds = 0.0
    if seconds == 0:
        return "0s"
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    out = sign
    if hours:
        out += f"{int(hours)}h"
    if hours or minutes:
        out += f"{int(minutes)}m"
    text = f"{secs:.9f}".rstrip("0").rstrip(".")
    return out + f"{text}s"


METHODS[(DURATION.name, "String")] = _duration_string
METHODS[(DURATION.name, "AsDuration")] = _duration_string
