"""Istio's configuration, read from the input itself.

The sidecar injector decides what a pod gets from its ``values`` (the Helm values the
injection template reads: ``pilot.cni.enabled``, older ``istio_cni.enabled``,
``global.proxy.privileged``, ...), its ``config`` (``policy``, ``neverInjectSelector``,
``alwaysInjectSelector``) and istiod's environment (``ENABLE_NATIVE_SIDECARS``,
``PILOT_ENABLE_AMBIENT``). Which pods are sent to it is the injection
``MutatingWebhookConfiguration``'s business. This module gathers all of that, from the
``istio-sidecar-injector`` ConfigMap, ``IstioOperator`` resources, the istiod Deployment,
the ``istio-cni-node``/``ztunnel`` DaemonSets and the webhooks, into one
:class:`~kubeflow_devtools.policy.model.mesh.MeshConfig`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import yaml

from kubeflow_devtools.policy.documents import Loader
from kubeflow_devtools.policy.model.mesh import MeshConfig, MeshMode, Origin, Webhook
from kubeflow_devtools.policy.model.objects import Resource


def _get(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(key)
    return obj


def _truthy(value: Any) -> bool | None:
    """A boolean setting as Helm values or env vars write it; ``None`` when unset or odd."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    return None


def _parse_embedded(text: Any) -> Any:
    """A YAML or JSON document held in a ConfigMap value; ``None`` when it does not parse."""
    if not isinstance(text, str):
        return None
    try:
        return yaml.load(text, Loader=Loader)
    except yaml.YAMLError:
        return None


def _env(resource: Resource) -> dict[str, str]:
    """The literal environment variables of a Deployment's containers."""
    env: dict[str, str] = {}
    containers = _get(resource.obj, "spec", "template", "spec", "containers")
    for container in containers if isinstance(containers, list) else []:
        for var in _get(container, "env") or []:
            if isinstance(var, Mapping) and isinstance(var.get("value"), str):
                env[str(var.get("name"))] = var["value"]
    return env


def read_mesh_config(resources: Iterable[Resource], mode: MeshMode = MeshMode.AUTO) -> MeshConfig:
    """Gather Istio's configuration from ``resources``, then apply ``--mesh`` ``mode``."""
    config = MeshConfig(mode=mode)
    values_cni: tuple[bool, Origin] | None = None
    operator_cni: tuple[bool, Origin] | None = None
    env_cni: tuple[bool, Origin] | None = None
    webhooks: list[Webhook] = []
    for resource in resources:
        kind, name = resource.kind, resource.name
        if kind == "ConfigMap" and name.startswith("istio-sidecar-injector"):
            config = replace(config, present=True, injection=True, injector=resource)
            values = _parse_embedded(_get(resource.obj, "data", "values"))
            for keys in (("pilot", "cni", "enabled"), ("istio_cni", "enabled")):
                flag = _truthy(_get(values, *keys))
                if flag is not None and values_cni is None:
                    what = f"{name} ConfigMap values {'.'.join(keys)}={str(flag).lower()}"
                    values_cni = (flag, Origin(resource, ("data", "values"), what))
            privileged = _truthy(_get(values, "global", "proxy", "privileged"))
            seccomp = _get(values, "global", "proxy", "seccompProfile")
            cap_bind = _truthy(_get(values, "global", "proxy", "capNetBindService"))
            injector_config = _parse_embedded(_get(resource.obj, "data", "config"))
            policy = _get(injector_config, "policy")
            never = _get(injector_config, "neverInjectSelector")
            always = _get(injector_config, "alwaysInjectSelector")
            config = replace(
                config,
                proxy_privileged=bool(privileged),
                proxy_seccomp=seccomp if isinstance(seccomp, Mapping) and seccomp else None,
                cap_net_bind_service=bool(cap_bind),
                policy=policy if isinstance(policy, str) else config.policy,
                never_inject=tuple(never) if isinstance(never, list) else (),
                always_inject=tuple(always) if isinstance(always, list) else (),
            )
        elif kind == "ConfigMap" and name == "istio":
            mesh = _parse_embedded(_get(resource.obj, "data", "mesh"))
            mode_value = _get(mesh, "defaultConfig", "interceptionMode")
            if isinstance(mode_value, str):
                config = replace(config, interception_mode=mode_value)
        elif kind == "IstioOperator":
            config = replace(config, present=True)
            spec = _get(resource.obj, "spec")
            for path in (
                ("components", "cni", "enabled"),
                ("values", "pilot", "cni", "enabled"),
                ("values", "istio_cni", "enabled"),
            ):
                flag = _truthy(_get(spec, *path))
                if flag is not None and operator_cni is None:
                    what = f"IstioOperator {name} spec.{'.'.join(path)}={str(flag).lower()}"
                    operator_cni = (flag, Origin(resource, ("spec", *path), what))
            if _get(spec, "profile") == "ambient":
                config = replace(config, ambient_enabled=True)
        elif kind == "Deployment" and (name == "istiod" or name.startswith("istiod-")):
            env = _env(resource)
            config = replace(config, present=True)
            if _truthy(env.get("ENABLE_NATIVE_SIDECARS")):
                config = replace(config, native_sidecars=True)
            if _truthy(env.get("PILOT_ENABLE_AMBIENT")):
                config = replace(config, ambient_enabled=True)
            flag = _truthy(env.get("ISTIO_CNI_ENABLED"))
            if flag is not None:
                what = f"istiod env ISTIO_CNI_ENABLED={str(flag).lower()}"
                env_cni = (flag, Origin(resource, ("spec", "template", "spec"), what))
        elif kind == "DaemonSet" and name == "istio-cni-node":
            config = replace(config, present=True, cni_node=resource)
        elif kind == "DaemonSet" and name == "ztunnel":
            config = replace(config, present=True, ztunnel=resource, ambient_enabled=True)
        elif kind == "MutatingWebhookConfiguration":
            for hook in _get(resource.obj, "webhooks") or []:
                hook_name = _get(hook, "name")
                if isinstance(hook_name, str) and hook_name.endswith("sidecar-injector.istio.io"):
                    webhooks.append(
                        Webhook(
                            hook_name, _get(hook, "namespaceSelector"), _get(hook, "objectSelector")
                        )
                    )
                    config = replace(config, present=True, injection=True)
    chosen = values_cni or operator_cni or env_cni
    if chosen is not None:
        config = replace(config, cni_enabled=chosen[0], cni_origin=chosen[1])
    if webhooks:
        config = replace(config, webhooks=tuple(webhooks))
    return _apply_mode(config, mode)


def _apply_mode(config: MeshConfig, mode: MeshMode) -> MeshConfig:
    """Override what the input says with an explicit ``--mesh`` mode."""
    if mode == MeshMode.AUTO:
        return config
    if mode == MeshMode.SIDECAR:
        return replace(config, present=True, injection=True, cni_enabled=False, cni_origin=None)
    if mode == MeshMode.CNI:
        return replace(config, present=True, injection=True, cni_enabled=True, cni_origin=None)
    if mode == MeshMode.AMBIENT:
        return replace(config, present=True, injection=False, ambient_enabled=True)
    return replace(config, injection=False, ambient_enabled=False)
