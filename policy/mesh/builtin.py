"""The built-in injection template, for inputs that configure injection without a ConfigMap.

When the input has injection webhooks, an ``IstioOperator`` or istiod but no
``istio-sidecar-injector`` ConfigMap (or ``--mesh sidecar|cni`` is given on such an input),
there is no template to run. This one stands in: written for rootless-check in Go template
syntax and run like any other, it gives the containers of Istio's ``sidecar`` template
(istio/istio@1.28.0:manifests/charts/istio-control/istio-discovery/files/injection-template.yaml)
with the same security contexts for the same settings (interception mode, CNI,
``capNetBindService``, ``global.proxy.privileged``, ``seccompProfile``,
``IPTABLES_TRACE_LOGGING``, native sidecars, OpenShift's UID range) and nothing else: no
environment, probes, volumes or annotations. Reports name it "the built-in sidecar template".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeflow_devtools.policy.model.mesh import InjectionTemplate, Injector

BUILTIN_SIDECAR = """\
{{- $mode := annotation .ObjectMeta `sidecar.istio.io/interceptionMode`
      .ProxyConfig.InterceptionMode }}
{{- $tproxy := eq $mode `TPROXY` }}
{{- $bind := eq (annotation .ObjectMeta `sidecar.istio.io/capNetBindService`
      .Values.global.proxy.capNetBindService) `true` }}
{{- $native := ne (index .ObjectMeta.Annotations `sidecar.istio.io/nativeSidecar`
      | default (printf "%t" .NativeSidecars)) `false` }}
{{- $cni := or .Values.pilot.cni.enabled .Values.istio_cni.enabled }}
{{- $privileged := .Values.global.proxy.privileged | default false }}
spec:
  {{- if and (eq $mode `NONE`) (not $native) }}
  initContainers: []
  {{- else }}
  initContainers:
  {{- if ne $mode `NONE` }}
  - name: {{ if $cni }}istio-validation{{ else }}istio-init{{ end }}
    image: {{ .ProxyImage | quote }}
    securityContext:
      allowPrivilegeEscalation: {{ $privileged }}
      privileged: {{ $privileged }}
      capabilities:
        {{- if not $cni }}
        add: [NET_ADMIN, NET_RAW]
        {{- end }}
        drop: [ALL]
      {{- if $cni }}
      readOnlyRootFilesystem: true
      runAsGroup: {{ if $tproxy }}1337{{ else }}{{ .ProxyGID }}{{ end }}
      runAsUser: {{ if $tproxy }}1337{{ else }}{{ .ProxyUID }}{{ end }}
      runAsNonRoot: true
      {{- else }}
      readOnlyRootFilesystem: false
      runAsGroup: 0
      runAsNonRoot: false
      runAsUser: 0
      {{- end }}
      {{- with .Values.global.proxy.seccompProfile }}
      seccompProfile: {{ toJson . }}
      {{- end }}
  {{- end }}
  {{- end }}
  {{- if not $native }}
  containers:
  {{- end }}
  - name: istio-proxy
    image: {{ .ProxyImage | quote }}
    {{- if $native }}
    restartPolicy: Always
    {{- end }}
    securityContext:
      {{- if eq (index .ProxyConfig.ProxyMetadata "IPTABLES_TRACE_LOGGING") "true" }}
      allowPrivilegeEscalation: true
      capabilities: {add: [NET_ADMIN], drop: [ALL]}
      privileged: true
      readOnlyRootFilesystem: true
      runAsGroup: {{ .ProxyGID }}
      runAsNonRoot: false
      runAsUser: 0
      {{- else }}
      allowPrivilegeEscalation: {{ $privileged }}
      capabilities:
        {{- if or $tproxy $bind }}
        add:
        {{- if $tproxy }}
        - NET_ADMIN
        {{- end }}
        {{- if $bind }}
        - NET_BIND_SERVICE
        {{- end }}
        {{- end }}
        drop: [ALL]
      privileged: {{ $privileged }}
      readOnlyRootFilesystem: true
      {{- if or $tproxy $bind }}
      runAsNonRoot: false
      runAsUser: 0
      runAsGroup: 1337
      {{- else }}
      runAsNonRoot: true
      runAsUser: {{ .ProxyUID }}
      runAsGroup: {{ .ProxyGID }}
      {{- end }}
      {{- end }}
      {{- with .Values.global.proxy.seccompProfile }}
      seccompProfile: {{ toJson . }}
      {{- end }}
"""
"""The built-in ``sidecar`` template."""


def builtin_injector(operator_values: Mapping[str, Any], cni: bool) -> Injector:
    """The built-in template, with an ``IstioOperator``'s values and the CNI setting."""
    values: dict[str, Any] = {"global": {"proxy": {"privileged": False}}}
    for key, value in operator_values.items():
        values[key] = value
    pilot = values.get("pilot") if isinstance(values.get("pilot"), Mapping) else {}
    assert isinstance(pilot, Mapping)
    values["pilot"] = {**pilot, "cni": {"enabled": cni}}
    return Injector({"sidecar": InjectionTemplate("sidecar", BUILTIN_SIDECAR)}, values)
