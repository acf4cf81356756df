"""What the run-time predictions read from the input: ConfigMaps, controllers, their images.

Kustomize appends a content hash to generated ConfigMap names (``katib-config`` stays,
``namespace-labels-data`` becomes ``namespace-labels-data-2k29b64d74``), so a ConfigMap is
looked up by its name with or without such a suffix. Configuration files inside ConfigMaps
are YAML or JSON; one that does not parse is an input error naming the ConfigMap's file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from kubeflow_devtools.policy.documents import Loader
from kubeflow_devtools.policy.errors import InputError
from kubeflow_devtools.policy.model.objects import Path, Resource, format_path
from kubeflow_devtools.policy.resources import locate

_HASHED = re.compile(r"^(?P<base>.+)-[a-z0-9]{10}$")
_TAG = re.compile(r":(?P<tag>[^:/@]+)(@sha256:[0-9a-f]+)?$")


@dataclass(frozen=True)
class Setting:
    """A configuration value and the resource (file, line) it was read from."""

    value: Any
    resource: Resource
    key: str = ""

    @property
    def at(self) -> tuple[str, int | None, str]:
        """The file, line and field of the ConfigMap key (or resource) that holds it."""
        return place(self.resource, ("data", self.key) if self.key else ())


class Inputs:
    """An index of the input's resources for the component modules."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        """Index ``resources`` by kind (ConfigMaps also by name without a hash suffix)."""
        self.by_kind: dict[str, list[Resource]] = {}
        self.configmaps: dict[str, list[Resource]] = {}
        self.errors: list[InputError] = []
        for resource in resources:
            self.by_kind.setdefault(resource.kind, []).append(resource)
            if resource.kind == "ConfigMap" and resource.group == "":
                match = _HASHED.match(resource.name)
                self.configmaps.setdefault(resource.name, []).append(resource)
                if match:
                    self.configmaps.setdefault(match["base"], []).append(resource)

    def kind(self, kind: str, group: str | None = None) -> list[Resource]:
        """The resources of ``kind`` (and API ``group``, when given)."""
        found = self.by_kind.get(kind, [])
        return [r for r in found if group is None or r.group == group]

    def configmap(self, name: str, key: str | None = None) -> Resource | None:
        """The ConfigMap ``name`` (hash suffix ignored); with ``key``, one that has that key."""
        for resource in self.configmaps.get(name, []):
            data = resource.obj.get("data")
            if key is None or (isinstance(data, Mapping) and key in data):
                return resource
        return None

    def value(self, name: str, key: str) -> Setting | None:
        """The string ``data[key]`` of ConfigMap ``name``, or ``None``."""
        resource = self.configmap(name, key)
        if resource is None:
            return None
        value = resource.obj["data"][key]
        return Setting(value if isinstance(value, str) else str(value), resource, key)

    def parsed(self, name: str, key: str) -> Setting | None:
        """``data[key]`` of ConfigMap ``name`` parsed as YAML (JSON is YAML), or ``None``.

        A value that does not parse, or is no mapping, is recorded as an input error.
        """
        setting = self.value(name, key)
        if setting is None:
            return None
        try:
            data = yaml.load(setting.value, Loader=Loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1} of the value)" if mark is not None else ""
            self.errors.append(
                InputError(
                    *setting.at[:2],
                    f"ConfigMap {setting.resource.name}: {key} is not valid YAML{where}",
                )
            )
            return None
        if data is None:
            data = {}
        if not isinstance(data, Mapping):
            self.errors.append(
                InputError(
                    setting.resource.file,
                    setting.resource.line,
                    f"ConfigMap {setting.resource.name}: {key} is not a YAML mapping",
                )
            )
            return None
        return Setting(data, setting.resource, key)

    def container(self, image_part: str) -> tuple[Resource, Mapping[str, Any]] | None:
        """The Deployment (or StatefulSet) container whose image contains ``image_part``."""
        for kind in ("Deployment", "StatefulSet"):
            for resource in self.kind(kind):
                for container in _containers(resource.obj):
                    image = container.get("image")
                    if isinstance(image, str) and image_part in image:
                        return resource, container
        return None

    def image_tag(self, image_part: str) -> str | None:
        """The tag of the image containing ``image_part`` (``v0.19.0``), or ``None``."""
        found = self.container(image_part)
        if found is None:
            return None
        match = _TAG.search(str(found[1].get("image", "")))
        return match["tag"] if match else None

    def env(self, image_part: str, name: str) -> Setting | None:
        """Environment variable ``name`` of that controller: ``env`` first, then the
        ConfigMaps of its ``envFrom``."""
        found = self.container(image_part)
        if found is None:
            return None
        resource, container = found
        for item in container.get("env") or ():
            if isinstance(item, Mapping) and item.get("name") == name and "value" in item:
                return Setting(str(item["value"]), resource)  # located at the controller
        for source in container.get("envFrom") or ():
            ref = source.get("configMapRef") if isinstance(source, Mapping) else None
            if isinstance(ref, Mapping) and isinstance(ref.get("name"), str):
                setting = self.value(ref["name"], name)
                if setting is not None:
                    return setting
        return None


def place(resource: Resource, path: Path) -> tuple[str, int | None, str]:
    """The file, line and field (``data['katib-config.yaml']``) of ``path`` in ``resource``."""
    line = locate(resource.root, (*resource.base, *path)) if path else resource.line
    return resource.file, line, format_path(path)


def _containers(obj: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    spec = obj.get("spec")
    template = spec.get("template") if isinstance(spec, Mapping) else None
    pod = template.get("spec") if isinstance(template, Mapping) else None
    containers = pod.get("containers") if isinstance(pod, Mapping) else None
    return [c for c in containers or () if isinstance(c, Mapping)]


def version_key(tag: str) -> tuple[int, ...]:
    """``v0.19.0`` or ``2.16.0`` as numbers, for the nearest modelled version."""
    return tuple(int(n) for n in re.findall(r"\d+", tag)[:3])


def nearest(found: str | None, modelled: Iterable[str]) -> str:
    """The modelled version nearest to ``found`` (the newest when unknown)."""
    options = sorted(modelled, key=version_key)
    if found is None or not re.search(r"\d", found):
        return options[-1]
    target = version_key(found)

    def distance(tag: str) -> tuple[int, ...]:
        key = version_key(tag)
        return tuple(abs(a - b) for a, b in zip(key, target, strict=False))

    return min(options, key=distance)
