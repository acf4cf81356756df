"""Istio's configuration, read from the input itself.

The sidecar injector is configured by the ``istio-sidecar-injector`` ConfigMap: ``config``
holds the injection templates (``templates``, the legacy single ``template``), the
``defaultTemplates``, ``aliases``, ``injectedAnnotations``, the ``policy`` and the never/always
selectors; ``values`` holds the Helm values the templates read (``pilot.cni.enabled``, older
``istio_cni.enabled``, ``global.proxy.privileged``, ...). The ``istio`` ConfigMap holds the mesh
configuration (``defaultConfig.interceptionMode``, ``holdApplicationUntilProxyStarts``, ...),
istiod's Deployment its environment (``ENABLE_NATIVE_SIDECARS``, ``PILOT_ENABLE_AMBIENT``,
``PLATFORM``, ``REVISION``) and image (the Istio version), and ``Node`` objects the cluster's
Kubernetes version. Which pods are sent to the injector is the injection
``MutatingWebhookConfiguration``'s business. This module gathers all of that, from those
objects, ``IstioOperator`` resources and the ``istio-cni-node``/``ztunnel`` DaemonSets, into one
:class:`~kubeflow_devtools.policy.model.mesh.MeshConfig`; every template is parsed as Istio
parses them when it loads the ConfigMap, and one that Istio would refuse is an input error
naming the ConfigMap and the template line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import yaml

from kubeflow_devtools.policy.documents import Loader
from kubeflow_devtools.policy.errors import InputError
from kubeflow_devtools.policy.mesh.native import kubernetes_version, native_sidecars, node_minors
from kubeflow_devtools.policy.model.mesh import (
    InjectionTemplate,
    Injector,
    MeshConfig,
    MeshMode,
    Origin,
    Webhook,
)
from kubeflow_devtools.policy.model.objects import Resource
from kubeflow_devtools.policy.resources import locate


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


def go_values(value: Any) -> Any:
    """Values as Go decodes YAML into ``map[string]interface{}``: every number a float64."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, Mapping):
        return {str(k): go_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [go_values(v) for v in value]
    return value


def _env(resource: Resource) -> dict[str, str]:
    """The literal environment variables of a Deployment's containers."""
    env: dict[str, str] = {}
    containers = _get(resource.obj, "spec", "template", "spec", "containers")
    for container in containers if isinstance(containers, list) else []:
        for var in _get(container, "env") or []:
            if isinstance(var, Mapping) and isinstance(var.get("value"), str):
                env[str(var.get("name"))] = var["value"]
    return env


_IMAGE_VERSION = re.compile(r":v?1\.(\d+)(?:[.\-+@]|$)")


def _istio_minor(resource: Resource) -> int | None:
    """The Istio minor version of istiod's image tag (``pilot:1.29.1``), if it has one."""
    containers = _get(resource.obj, "spec", "template", "spec", "containers")
    for container in containers if isinstance(containers, list) else []:
        image = _get(container, "image")
        match = _IMAGE_VERSION.search(image) if isinstance(image, str) else None
        if match:
            return int(match[1])
    return None


def _template_lines(resource: Resource, config_text: str, names: Iterable[str]) -> dict[str, int]:
    """The file line of each template's first line (``config: |`` and ``name: |`` blocks)."""
    config_line = locate(resource.root, (*resource.base, "data", "config"))
    if config_line is None:
        return {}
    out: dict[str, int] = {}
    section = re.search(r"^(\s*)templates:\s*$", config_text, re.MULTILINE)
    start = section.end() if section else 0
    wanted = set(names)
    for match in _BLOCK_KEY.finditer(config_text, start):
        name = match[1]
        if name in wanted and name not in out:  # a template's first ``name: |`` line
            out[name] = config_line + config_text.count("\n", 0, match.start()) + 2
    return out


_BLOCK_KEY = re.compile(r"^\s+([^\s:]+):\s*[|>][-+0-9]*\s*$", re.MULTILINE)
"""A key whose value is a block scalar (``sidecar: |``)."""


def read_injector(resource: Resource, config: Any = None) -> Injector:
    """The injector's templates and values from its ConfigMap (``config``: its ``config``
    key already parsed, else it is parsed here)."""
    if config is None:
        config = _parse_embedded(_get(resource.obj, "data", "config"))
    config = config if isinstance(config, Mapping) else {}
    raw = config.get("templates")
    texts = (
        {str(k): v for k, v in raw.items() if isinstance(v, str)}
        if isinstance(raw, Mapping)
        else {}
    )
    if not texts and isinstance(config.get("template"), str):
        texts = {"sidecar": config["template"]}
    config_text = _get(resource.obj, "data", "config")
    lines = _template_lines(resource, config_text, texts) if isinstance(config_text, str) else {}
    templates = {
        name: InjectionTemplate(name, text, resource.file, lines.get(name))
        for name, text in texts.items()
    }
    defaults = config.get("defaultTemplates")
    aliases = config.get("aliases")
    injected = config.get("injectedAnnotations")
    values = go_values(_parse_embedded(_get(resource.obj, "data", "values")))
    return Injector(
        templates=templates,
        values=values if isinstance(values, Mapping) else {},
        default_templates=tuple(str(d) for d in defaults)
        if isinstance(defaults, list) and defaults
        else ("sidecar",),
        aliases={
            str(k): tuple(str(x) for x in v) for k, v in aliases.items() if isinstance(v, list)
        }
        if isinstance(aliases, Mapping)
        else {},
        injected_annotations={str(k): str(v) for k, v in injected.items()}
        if isinstance(injected, Mapping)
        else {},
        resource=resource,
    )


def read_mesh_config(
    resources: Iterable[Resource],
    mode: MeshMode = MeshMode.AUTO,
    kubernetes_minor: int | None = None,
) -> MeshConfig:
    """Gather Istio's configuration from ``resources``, then apply ``--mesh`` ``mode``.

    ``kubernetes_minor`` is ``--kubernetes-version``: the cluster's version when the input
    has no ``Node``.
    """
    resources = list(resources)
    config = MeshConfig(mode=mode)
    values_cni: tuple[bool, Origin] | None = None
    operator_cni: tuple[bool, Origin] | None = None
    env_cni: tuple[bool, Origin] | None = None
    webhooks: list[Webhook] = []
    operator_values: Any = None
    injector: Injector | None = None
    mesh: Any = None
    env: dict[str, str] = {}
    istio_minor: int | None = None
    for resource in resources:
        kind, name = resource.kind, resource.name
        if kind == "ConfigMap" and name.startswith("istio-sidecar-injector"):
            config = replace(config, present=True, injection=True, injector=resource)
            injector_config = _parse_embedded(_get(resource.obj, "data", "config"))
            injector = read_injector(resource, injector_config)
            values = injector.values
            for keys in (("pilot", "cni", "enabled"), ("istio_cni", "enabled")):
                flag = _truthy(_get(values, *keys))
                if flag is not None and values_cni is None:
                    what = f"{name} ConfigMap values {'.'.join(keys)}={str(flag).lower()}"
                    values_cni = (flag, Origin(resource, ("data", "values"), what))
            if istio_minor is None:
                tag = _get(values, "global", "tag")
                match = re.match(r"v?1\.(\d+)", tag) if isinstance(tag, str) else None
                istio_minor = int(match[1]) if match else None
            policy = _get(injector_config, "policy")
            never = _get(injector_config, "neverInjectSelector")
            always = _get(injector_config, "alwaysInjectSelector")
            config = replace(
                config,
                policy=policy if isinstance(policy, str) else config.policy,
                never_inject=tuple(never) if isinstance(never, list) else (),
                always_inject=tuple(always) if isinstance(always, list) else (),
            )
        elif kind == "ConfigMap" and (name == "istio" or name.startswith("istio-")):
            parsed = _parse_embedded(_get(resource.obj, "data", "mesh"))
            if isinstance(parsed, Mapping) and (mesh is None or name == "istio"):
                mesh = parsed
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
            operator_values = _get(spec, "values")
            if mesh is None and isinstance(_get(spec, "meshConfig"), Mapping):
                mesh = _get(spec, "meshConfig")
        elif kind == "Deployment" and (name == "istiod" or name.startswith("istiod-")):
            env = _env(resource)
            config = replace(config, present=True)
            istio_minor = _istio_minor(resource) or istio_minor
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
    nodes = node_minors(resources)
    kubernetes = kubernetes_version(nodes, kubernetes_minor)
    native = native_sidecars(env, istio_minor, kubernetes, nodes)
    config = replace(
        config,
        templates=injector,
        mesh=mesh if isinstance(mesh, Mapping) else {},
        istiod_env=env,
        istio_minor=istio_minor,
        kubernetes=kubernetes,
        native=native,
        native_sidecars=native.enabled,
    )
    config = _apply_mode(config, mode)
    if config.injection:
        config = _with_templates(config, operator_values)
    return config


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


def _with_templates(config: MeshConfig, operator_values: Any) -> MeshConfig:
    """The templates to run: the ConfigMap's, else the built-in one (values from the
    IstioOperator and the CNI setting). ``--mesh sidecar|cni`` sets the CNI value they read;
    so does the IstioOperator's (or istiod's) setting when the ConfigMap's values leave it out,
    as the operator would have written it there. Every template is parsed as Istio does on
    loading; a failure is an input error."""
    from kubeflow_devtools.policy.mesh.builtin import builtin_injector
    from kubeflow_devtools.policy.mesh.templates import compile_template

    injector = config.templates
    if injector is None:
        injector = builtin_injector(go_values(operator_values) or {}, config.cni_enabled)
    elif config.mode in (MeshMode.SIDECAR, MeshMode.CNI) or (
        config.cni_origin is not None and not _sets_cni(injector.values)
    ):
        injector = replace(injector, values=_force_cni(injector.values, config.cni_enabled))
    errors = []
    for template in injector.templates.values():
        problem = compile_template(template, config.istiod_env, injector.name)
        if isinstance(problem, InputError):
            errors.append(problem)
    return replace(config, templates=injector, errors=tuple(errors))


def _sets_cni(values: Mapping[str, Any]) -> bool:
    """Whether the values set the CNI switch the templates read."""
    return any(
        _truthy(_get(values, *keys)) is not None
        for keys in (("pilot", "cni", "enabled"), ("istio_cni", "enabled"))
    )


def _force_cni(values: Mapping[str, Any], enabled: bool) -> dict[str, Any]:
    """``values`` with the CNI setting the templates read set to ``enabled``."""
    out = dict(values)
    pilot = dict(out.get("pilot") or {}) if isinstance(out.get("pilot"), Mapping) else {}
    pilot["cni"] = {**(pilot.get("cni") or {}), "enabled": enabled}
    out["pilot"] = pilot
    if isinstance(out.get("istio_cni"), Mapping):
        out["istio_cni"] = {**out["istio_cni"], "enabled": enabled}
    return out
