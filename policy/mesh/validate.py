"""The pod annotations Istio checks before injecting (a bad value fails the injection).

From istio/istio@1.28.0:pkg/kube/inject/validate.go: the interception mode, the status port
and readiness settings, the traffic include/exclude IP ranges and ports, the metrics merge
switch and the proxy configuration (which must be a YAML mapping here; Istio also validates
its fields, which this does not).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping

import yaml

from kubeflow_devtools.policy.documents import Loader


def _ports(value: str) -> str | None:
    if not value.strip():
        return None
    for part in value.strip().split(","):
        try:
            port = int(part.strip())
        except ValueError:
            return f"failed parsing port '{part}'"
        if not 0 <= port <= 65535:
            return f"failed parsing port '{part}'"
    return None


def _cidrs(value: str) -> str | None:
    if not value:
        return None
    for cidr in value.split(","):
        if "/" not in cidr:
            return f"failed parsing cidr '{cidr}'"
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            return f"failed parsing cidr '{cidr}'"
    return None


def _uint32(value: str) -> str | None:
    return None if value.isdigit() and int(value) < 2**32 else f"invalid syntax {value!r}"


def _bool(value: str) -> str | None:
    ok = ("1", "t", "T", "true", "TRUE", "True", "0", "f", "F", "false", "FALSE", "False")
    return None if value in ok else f"invalid syntax {value!r}"


def _proxy_config(value: str) -> str | None:
    try:
        parsed = yaml.load(value, Loader=Loader)
    except yaml.YAMLError:
        return "failed to convert to apply proxy config"
    return None if isinstance(parsed, Mapping) or parsed is None else "not a mapping"


def _status_port(value: str) -> str | None:
    return (
        None if value.strip().isdigit() and int(value) <= 65535 else "excludeInboundPorts invalid"
    )


CHECKS: dict[str, Callable[[str], str | None]] = {
    "sidecar.istio.io/interceptionMode": lambda v: (
        None
        if v in ("REDIRECT", "TPROXY", "NONE")
        else "interceptionMode invalid, use REDIRECT,TPROXY,NONE"
    ),
    "status.sidecar.istio.io/port": _status_port,
    "readiness.status.sidecar.istio.io/initialDelaySeconds": _uint32,
    "readiness.status.sidecar.istio.io/periodSeconds": _uint32,
    "readiness.status.sidecar.istio.io/failureThreshold": _uint32,
    "traffic.sidecar.istio.io/includeOutboundIPRanges": lambda v: None if v == "*" else _cidrs(v),
    "traffic.sidecar.istio.io/excludeOutboundIPRanges": _cidrs,
    "traffic.sidecar.istio.io/includeInboundPorts": lambda v: None if v == "*" else _ports(v),
    "traffic.sidecar.istio.io/excludeInboundPorts": _ports,
    "traffic.sidecar.istio.io/excludeOutboundPorts": _ports,
    "prometheus.istio.io/merge-metrics": _bool,
    "proxy.istio.io/config": _proxy_config,
}
"""Istio's annotation checks, by annotation."""


def annotation_problems(annotations: Mapping[str, object]) -> list[str]:
    """Why Istio refuses the pod's annotations (empty when it accepts them)."""
    problems = []
    for name in sorted(CHECKS.keys() & annotations.keys()):
        value = annotations[name]
        problem = CHECKS[name](str(value))
        if problem is not None:
            problems.append(f"invalid value '{value}' for annotation '{name}': {problem}")
    return problems
